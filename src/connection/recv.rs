//! The receive path: bytes in, events out.

use super::state::Inner;
use super::{Connection, ControlBuf, State};
use crate::close_code::CloseCode;
use crate::config::MessageMode;
use crate::error::{Error, ProtocolError};
use crate::event::Event;
use crate::frame::{Decoded, Header};
use crate::handshake::Extension;
use crate::keys::KeySource;
use crate::message::MessageKind;
use crate::storage::Storage;

/// The most input one decoder step looks at (half a typical L1 data cache).
const STEP: usize = 16 << 10;

/// What one decoder step produced, without the borrow of the storage.
enum Step {
    NeedMore,
    Header(Header),
    Payload {
        start: usize,
        len: usize,
        end_of_frame: bool,
    },
}

impl<B: Storage, K: KeySource + ?Sized, E: Extension> Connection<B, K, E> {
    /// Copies received bytes into the storage and returns how many it took.
    ///
    /// Fewer than `data.len()` are taken when the storage is full: drain
    /// [`poll_event`](Self::poll_event), then offer the rest again. Once the
    /// connection is closed or failed, input is accepted and ignored.
    #[must_use = "bytes not taken must be offered again"]
    pub fn receive(&mut self, data: &[u8]) -> usize {
        let spare = if self.is_discarding() {
            self.spare_mut()
        } else {
            // A growable storage makes room for all of `data` (within its
            // limit) at once.
            let want = self.rx.filled.saturating_add(data.len());
            let want = want.max(self.frame_room());
            self.rx.spare(want)
        };
        let n = spare.len().min(data.len());
        spare[..n].copy_from_slice(&data[..n]);
        self.commit(n);
        if self.is_discarding() {
            data.len()
        } else {
            n
        }
    }

    /// The free part of the receive storage, to read the socket straight into
    /// (then call [`commit`](Self::commit) with the count read).
    ///
    /// Never empty while the connection can still make progress: if the
    /// storage is full, [`poll_event`](Self::poll_event) frees it. Once the
    /// connection has failed or closed, input is discarded here (it may be
    /// empty then: close the transport, as
    /// [`should_close_transport`](Self::should_close_transport) says).
    ///
    /// # Examples
    ///
    /// ```
    /// use rfc6455::{Config, Connection, Event, NoKeys, Role};
    ///
    /// let mut conn = Connection::open(Role::Server, Config::new(), [0u8; 512], [0u8; 512], NoKeys)?;
    /// let wire = b"\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58"; // what a socket read returned
    /// let spare = conn.spare_mut();
    /// spare[..wire.len()].copy_from_slice(wire);
    /// conn.commit(wire.len());
    /// assert!(matches!(conn.poll_event(), Some(Ok(Event::Text { data: "Hello", .. }))));
    /// # Ok::<(), rfc6455::Error>(())
    /// ```
    pub fn spare_mut(&mut self) -> &mut [u8] {
        if self.is_discarding() {
            // Nothing more will be read: the storage is scratch space (but
            // for a refused response, kept for `response()`).
            let kept = self.kept_rx_len();
            return self.rx.scratch(kept);
        }
        let want = self.frame_room();
        // Storage given for a read is in use: the idle timeout starts again
        // (else an IO layer that asks for room before it waits would be
        // woken at once to give it back, and ask again).
        self.timers.used |= self.rx.cap == 0;
        self.rx.spare(want)
    }

    /// Room a growable receive storage should offer so that the frame at the
    /// start of the unprocessed bytes lies whole in it, if its header is
    /// there, or the rest of the frame being decoded fits beside what is
    /// held (0 otherwise: grow as reads come). [`Rx::spare`] bounds it by
    /// what has arrived.
    fn frame_room(&mut self) -> usize {
        if self.rx.max == self.rx.cap {
            return 0;
        }
        if !self.decoder.is_between_frames() {
            let rest = usize::try_from(self.decoder.remaining_payload()).unwrap_or(usize::MAX);
            return self.rx.filled.saturating_add(rest);
        }
        if self.rx.unprocessed() < 2 {
            return 0;
        }
        let (read, filled) = (self.rx.read, self.rx.filled);
        match Header::parse_complete(&self.rx.bytes()[read..filled]) {
            // After compaction the frame starts after the message so far.
            Some((header, header_len)) => usize::try_from(header.payload_len)
                .unwrap_or(usize::MAX)
                .saturating_add(header_len)
                .saturating_add(self.rx.assembled()),
            None => 0,
        }
    }

    /// Records that `n` bytes were written into [`spare_mut`](Self::spare_mut).
    pub fn commit(&mut self, n: usize) {
        if self.is_discarding() {
            return;
        }
        self.rx.commit(n);
        self.unpolled |= n > 0;
        self.timers.heard |= n > 0;
        self.timers.used |= n > 0;
        // Frames, not the handshake, keep the storage (see `idle.rs`).
        self.timers.busy |= n > 0 && !self.life.is_handshaking();
    }

    /// Whether the transport should be read now.
    ///
    /// False when reading is not needed (the connection failed, or the
    /// peer's Close arrived and only the echo is left to write), or would
    /// only grow memory: input arrived that [`poll_event`](Self::poll_event)
    /// has not yet been drained of. A client waiting for the server to end
    /// TCP after the close handshake still wants to read (to see the end).
    ///
    /// Queued output does not make it false: two peers that each stopped
    /// reading until their output drained could wait on each other forever.
    /// Memory stays bounded anyway: unsent automatic Pongs are capped
    /// (only the latest is kept), and sends are capped by
    /// [`Config::max_send_queue`](crate::Config::max_send_queue).
    #[must_use]
    pub fn wants_read(&self) -> bool {
        let reading = match self.state() {
            State::Connecting | State::Open | State::CloseSent => true,
            State::Closed => self.role().is_client(),
            State::CloseReceived | State::Failed => false,
        };
        reading && !self.eof && !self.unpolled
    }

    /// Records that the transport ended (the peer closed TCP, or reading
    /// failed).
    ///
    /// Before the close handshake finished this is an abnormal closure:
    /// [`poll_event`](Self::poll_event) reports [`Event::Close`] with
    /// [`CloseCode::ABNORMAL`] (1006), which is never sent on the wire.
    pub fn receive_eof(&mut self) {
        self.eof = true;
        self.unpolled = true;
    }

    /// Input is ignored once the connection is closed or failed (§7.1.7: "MUST
    /// NOT continue to attempt to process data ... after being instructed to
    /// _Fail the WebSocket Connection_"), and after the peer's Close (§5.5.1).
    fn is_discarding(&self) -> bool {
        matches!(
            self.life.inner(),
            Inner::Closed | Inner::Failed { .. } | Inner::CloseReceived
        )
    }

    /// The next event, if any.
    ///
    /// Returns `Some(Err(_))` once when the connection fails: a
    /// [`ProtocolError`] (the Close frame with its code is then queued) or a
    /// [`HandshakeError`](crate::HandshakeError) (an HTTP error response may
    /// be queued). Events borrow the connection's storage until the next call.
    #[must_use = "events must be drained until None"]
    #[inline(never)]
    pub fn poll_event(&mut self) -> Option<Result<Event<'_>, Error>>
    where
        K: Sized,
    {
        // The commonest event, a message in one frame that lies whole in
        // storage, takes a short path; everything else the general one.
        let mut found = None;
        if self.life.is_settled_open() && self.inbound.kind.is_none() {
            found = self.whole_frame();
            if let Some((header, header_len)) = found {
                if header.fin && self.fits_one_chunk(&header) {
                    return Some(self.deliver_whole(&header, header_len));
                }
            }
        }
        // A frame found here (the first of a message) is not read again.
        // The general path runs on `as_dyn()`: one copy in a program
        // whatever its key sources; the short path above stays generic.
        self.as_dyn().poll_event_general(found)
    }

    /// `found`: a frame [`whole_frame`](Self::whole_frame) just found, not
    /// yet taken.
    #[inline(never)]
    fn poll_event_general(
        &mut self,
        found: Option<(Header, usize)>,
    ) -> Option<Result<Event<'_>, Error>> {
        if let Some(timeout) = self.timers.expired.take() {
            return Some(Err(timeout.into()));
        }
        if self.life.is_handshaking() {
            return self.poll_handshake();
        }
        match self.life.inner() {
            Inner::Open | Inner::CloseSent => self.poll_frames(found),
            Inner::Connecting(_) | Inner::CloseReceived | Inner::Closed | Inner::Failed { .. } => {
                // Drained: a closed client still reads, to see the end.
                self.unpolled = false;
                None
            }
        }
    }

    fn poll_frames(
        &mut self,
        mut found: Option<(Header, usize)>,
    ) -> Option<Result<Event<'_>, Error>> {
        loop {
            if let Some(fin) = self.data_ready() {
                if let Err(e) = self.check_deferred_text() {
                    return Some(Err(self.fail(e)));
                }
                return Some(self.deliver(fin));
            }
            if let Some((header, header_len)) = found.take().or_else(|| self.whole_frame()) {
                if header.fin && self.inbound.kind.is_none() && self.fits_one_chunk(&header) {
                    return Some(self.deliver_whole(&header, header_len));
                }
                self.take_fragment(&header, header_len);
                continue;
            }
            if self.inbound.unchecked > 0 {
                if let Err(e) = self.check_deferred_text() {
                    return Some(Err(self.fail(e)));
                }
                // The text just validated may be ready to deliver.
                continue;
            }
            if self.awaits_whole_frame() {
                return self.on_input_exhausted();
            }
            match self.step() {
                Err(e) => return Some(Err(self.fail(e))),
                Ok(Step::NeedMore) => return self.on_input_exhausted(),
                Ok(Step::Header(header)) => {
                    if let Err(e) = self.on_header(&header) {
                        return Some(Err(self.fail(e)));
                    }
                }
                Ok(Step::Payload {
                    start,
                    len,
                    end_of_frame,
                }) => {
                    if self.inbound.frame.is_control() {
                        let (read, control) = (&mut self.rx, &mut self.control);
                        control.push(&read.bytes()[start..start + len]);
                        if end_of_frame {
                            if self.inbound.kind.is_none() {
                                self.rx.settle();
                            }
                            return self.on_control();
                        }
                        continue;
                    }
                    let last = end_of_frame && self.inbound.frame_fin;
                    if let Err(e) = self.on_payload(start, len, last) {
                        return Some(Err(self.fail(e)));
                    }
                    let fin = self.inbound.frame_fin;
                    self.inbound.set_complete(end_of_frame && fin);
                }
            }
        }
    }

    /// Runs the frame decoder over the unprocessed bytes.
    fn step(&mut self) -> Result<Step, ProtocolError> {
        loop {
            let (read, filled) = (self.rx.read, self.rx.filled);
            if read == filled && !self.decoder_owes_empty_payload() {
                return Ok(Step::NeedMore);
            }
            // Payload is taken in steps of at most `STEP` bytes, so text is
            // validated while its unmasked bytes are still in the L1 cache.
            let end = filled.min(read.saturating_add(STEP));
            let (used, step) = match self.decoder.decode(&mut self.rx.bytes()[read..end])? {
                (used, None) => (used, Step::NeedMore),
                (used, Some(Decoded::Header(h))) => (used, Step::Header(h)),
                (used, Some(Decoded::Payload { data, end_of_frame })) => (
                    used,
                    Step::Payload {
                        start: read,
                        len: data.len(),
                        end_of_frame,
                    },
                ),
            };
            self.rx.read += used;
            // A header cut by the end of the step: the decoder kept its
            // start; go on with the rest of the input.
            if matches!(step, Step::NeedMore) && self.rx.read < filled {
                continue;
            }
            return Ok(step);
        }
    }

    /// An empty payload is reported by the decoder even with no input left.
    fn decoder_owes_empty_payload(&self) -> bool {
        self.decoder
            .current_header()
            .is_some_and(|h| h.payload_len == 0)
    }

    /// Message-level checks on a new frame (RFC 6455 §5.4, limits).
    fn on_header(&mut self, header: &Header) -> Result<(), ProtocolError> {
        if header.opcode.is_control() {
            self.inbound.begin_control(header);
            self.control = ControlBuf::new();
            return Ok(());
        }
        match MessageKind::from_opcode(header.opcode) {
            Some(kind) => {
                self.inbound.check_start(header, &self.config)?;
                self.start_message(kind, header);
            }
            None => {
                self.inbound
                    .check_continue(header, &self.config, self.transformed())?;
                self.inbound.continue_with(header, self.transformed());
            }
        }
        Ok(())
    }

    /// A Text or Binary frame starts a message (its checks made): the
    /// storage is settled around it.
    #[inline]
    pub(super) fn start_message(&mut self, kind: MessageKind, header: &Header) {
        self.inbound.start(kind, header);
        self.rx_ext = if header.rsv != 0 {
            super::TRANSFORMED
        } else {
            0
        };
        self.rx.settle();
        #[cfg(feature = "alloc")]
        self.message.clear();
    }

    /// Takes `len` unmasked payload bytes at `start` into the message, or
    /// decodes them if the extension transforms it; `last`: they end it.
    #[inline(always)]
    fn on_payload(&mut self, start: usize, len: usize, last: bool) -> Result<(), ProtocolError> {
        if !self.transformed() {
            return self.on_data(start, len);
        }
        #[cfg(feature = "alloc")]
        return self.on_transformed_data(start, len, last);
        // Without an allocator no extension is attached: the decoder
        // refuses every RSV bit.
        #[cfg(not(feature = "alloc"))]
        {
            let _ = last;
            Err(ProtocolError::ReservedBits)
        }
    }

    /// Takes `len` unmasked payload bytes at `start` into the message.
    pub(super) fn on_data(&mut self, start: usize, len: usize) -> Result<(), ProtocolError> {
        #[cfg(feature = "alloc")]
        let limit = self.message_limit();
        let asm = self.rx.asm;
        let buf = self.rx.bytes();
        if asm != start {
            buf.copy_within(start..start + len, asm);
        }
        let piece = &buf[asm..asm + len];
        // §8.1: text is validated as it arrives, so the connection fails on
        // the first byte that cannot be UTF-8, not at the end of the message.
        if self.inbound.kind == Some(MessageKind::Text) && self.inbound.utf8.feed(piece).is_err() {
            return Err(ProtocolError::InvalidUtf8);
        }
        #[cfg(feature = "alloc")]
        if self.config.message_mode == MessageMode::Reassemble {
            reserve_message(&mut self.message, len, limit);
            self.message.extend_from_slice(piece);
            self.rx.settle();
            return Ok(());
        }
        self.rx.asm += len;
        Ok(())
    }

    /// The most the reassembly buffer needs: the message's length once its
    /// last frame has arrived, else `max_message_len`.
    #[cfg(feature = "alloc")]
    pub(super) const fn message_limit(&self) -> u64 {
        if self.inbound.frame_fin {
            self.inbound.len
        } else {
            self.config.max_message_len
        }
    }

    /// Whether message data is ready to deliver: `Some(false)` for a chunk,
    /// `Some(true)` for the (rest of the) message.
    ///
    /// In stream mode a message that fits in one chunk
    /// ([`chunk_len`](Self::chunk_len)) is delivered whole. Once the lengths
    /// declared so far say it will not fit, what has arrived is delivered as
    /// soon as it is unmasked (text: validated, up to a character boundary),
    /// in chunks of at most `chunk_len`. The storage is then emptied after
    /// every read and stays hot in the cache, and every byte of a message
    /// goes out before any control frame that follows it, however the bytes
    /// were read.
    fn data_ready(&self) -> Option<bool> {
        self.inbound.kind?;
        #[cfg(feature = "alloc")]
        if self.transformed() && self.config.message_mode == MessageMode::Stream {
            return self.transformed_ready();
        }
        if self.config.message_mode == MessageMode::Stream {
            let assembled = self.rx.assembled();
            let streaming = self.inbound.len > self.chunk_len() as u64;
            // Bytes that may still end up in an unfinished character.
            let held = self.inbound.utf8.incomplete_len() + self.inbound.unchecked;
            if assembled > self.chunk_len()
                || (streaming && !self.inbound.complete && assembled > held)
            {
                return Some(false);
            }
        }
        self.inbound.complete.then_some(true)
    }

    /// The most payload a chunk carries in stream mode: the storage less the
    /// longest frame header, so a full storage always holds more than a
    /// chunk.
    pub(super) const fn chunk_len(&self) -> usize {
        self.rx.max - crate::frame::MAX_HEADER_LEN
    }

    /// No more input: report the end of the transport if it ended.
    fn on_input_exhausted(&mut self) -> Option<Result<Event<'_>, Error>> {
        self.unpolled = false;
        // Memory follows the bytes in flight: a growable storage that holds
        // nothing is given back (now or once idle), and so is the
        // reassembly buffer with it.
        self.on_rx_empty();
        if self.eof {
            self.move_to_closed();
            return Some(Ok(Event::Close {
                code: CloseCode::ABNORMAL,
                reason: "",
            }));
        }
        None
    }

    /// Hands the assembled message (or a chunk of it) to the application.
    pub(super) fn deliver(&mut self, fin: bool) -> Result<Event<'_>, Error> {
        let kind = self.inbound.kind.unwrap_or(MessageKind::Binary);
        if fin {
            // §8.1: a text message must end on a character boundary.
            if kind == MessageKind::Text && self.inbound.utf8.finish().is_err() {
                return Err(self.fail(ProtocolError::InvalidUtf8));
            }
            self.inbound.finish();
        }
        #[cfg(feature = "alloc")]
        if self.config.message_mode == MessageMode::Reassemble {
            return Ok(data_event(kind, &self.message, fin));
        }
        #[cfg(feature = "alloc")]
        if self.transformed() {
            return Ok(self.deliver_transformed(kind, fin));
        }
        let start = self.rx.msg_start;
        let end = if fin {
            let end = self.rx.asm;
            self.rx.settle();
            end
        } else {
            // A chunk ends on a character boundary; the unfinished character
            // stays for the next chunk.
            let validated = self.rx.asm - self.inbound.utf8.incomplete_len();
            let mut end = validated.min(start + self.chunk_len());
            if kind == MessageKind::Text {
                let bytes = self.rx.bytes();
                // Valid UTF-8 before `validated`: at most 3 continuation
                // bytes precede a boundary.
                while end > start && end < validated && bytes[end] & 0xc0 == 0x80 {
                    end -= 1;
                }
            }
            self.rx.msg_start = end;
            end
        };
        // The indices moved on, but the bytes stay put until the next call,
        // which the borrow of the event prevents.
        Ok(data_event(kind, &self.rx.bytes()[start..end], fin))
    }
}

/// Makes room for `more` bytes in the reassembly buffer: doubling, as a
/// `Vec` does, but never past `limit` (see
/// [`message_limit`](Connection::message_limit)), so the buffer stays
/// within `max_message_len` and a message takes no more than its length
/// once its last frame is known.
#[cfg(feature = "alloc")]
pub(super) fn reserve_message(message: &mut alloc::vec::Vec<u8>, more: usize, limit: u64) {
    let needed = message.len().saturating_add(more);
    if needed > message.capacity() {
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        let target = message.capacity().saturating_mul(2).min(limit).max(needed);
        message.reserve_exact(target - message.len());
    }
}

pub(super) fn data_event(kind: MessageKind, data: &[u8], fin: bool) -> Event<'_> {
    match kind {
        MessageKind::Binary => Event::Binary { data, fin },
        MessageKind::Text => Event::Text {
            // Every byte went through `inbound.utf8` on arrival, and a chunk
            // ends on a character boundary.
            data: crate::utf8::str_from_validated(data),
            fin,
        },
    }
}
