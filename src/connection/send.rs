//! The send path: commands in, bytes out.

use super::{Connection, ControlBuf, State};
use crate::close::{check_close, encode_close_payload};
use crate::close_code::CloseCode;
use crate::error::{BufferTooSmall, Error, UsageError};
use crate::frame::{Fragment, Opcode, MAX_CONTROL_PAYLOAD};
use crate::handshake::Extension;
use crate::keys::KeySource;
use crate::message::MessageKind;
use crate::storage::Storage;

// The commands run their bodies on `as_dyn()`: one copy in a program
// whatever its key sources.
impl<B: Storage, K: KeySource, E: Extension> Connection<B, K, E> {
    /// Queues a whole text message.
    ///
    /// # Errors
    ///
    /// - [`UsageError::NotOpen`] before the handshake completes,
    ///   [`UsageError::Closed`] after a Close was sent or received.
    /// - [`UsageError::MessageInProgress`] while a fragmented message is
    ///   being sent.
    /// - [`UsageError::QueueFull`] if the frame does not fit in the queue
    ///   now: write out [`poll_transmit`](Self::poll_transmit) and send
    ///   again. With growable storage (a `Vec<u8>`) this happens only past
    ///   [`Config::max_send_queue`](crate::Config::max_send_queue).
    /// - [`BufferTooSmall`](crate::BufferTooSmall) if the frame could never
    ///   fit (longer than a fixed transmit storage or the queue limit): send
    ///   it with [`send_text_partial`](Self::send_text_partial), which needs
    ///   no room beyond the storage.
    ///
    /// Nothing is queued when an error is returned.
    pub fn send_text(&mut self, text: &str) -> Result<(), Error> {
        self.as_dyn()
            .send_data(MessageKind::Text, text.as_bytes(), None)
    }

    /// Queues a whole binary message.
    ///
    /// # Errors
    ///
    /// As for [`send_text`](Self::send_text).
    pub fn send_binary(&mut self, data: &[u8]) -> Result<(), Error> {
        self.as_dyn().send_data(MessageKind::Binary, data, None)
    }

    /// Queues as much of the rest of a text message as fits now, as one
    /// frame, and returns how many bytes of `rest` it took (0 when there is
    /// little room: write out queued output and call again). The frame that
    /// takes the last byte ends the message; text is cut only at character
    /// boundaries, so `&rest[n..]` is the next call's `rest`. Unless the
    /// rest fits, it waits for half the transmit storage (at most 16 KiB)
    /// to be free, so a slow transport does not cut the message into tiny
    /// frames.
    ///
    /// This sends a message of any length through a transmit storage of any
    /// size, without an allocator: the message goes out in frames as the
    /// storage drains, and automatic Pongs and a Close can still go out
    /// between them.
    ///
    /// # Errors
    ///
    /// As for [`send_text_fragment`](Self::send_text_fragment) (a partial
    /// message in progress is continued, one of the other kind is
    /// [`UsageError::MessageInProgress`]); [`UsageError::QueueFull`] for an
    /// empty `rest` when not even an empty frame fits.
    ///
    /// # Examples
    ///
    /// ```
    /// use rfc6455::{Config, Connection, Event, NoKeys, Role};
    ///
    /// let mut server = Connection::open(Role::Server, Config::new(), [0u8; 256], [0u8; 256], NoKeys)?;
    /// let keys = |key: &mut [u8]| key.fill(7); // use a real RNG
    /// let mut client = Connection::open(Role::Client, Config::new(), [0u8; 4096], [0u8; 4096], keys)?;
    /// let text = "é".repeat(1000); // 2000 bytes through 256 bytes of storage
    /// let mut sent = 0;
    /// while sent < text.len() {
    ///     sent += server.send_text_partial(&text[sent..])?;
    ///     let wire = server.peek_transmit(); // socket.write_all(wire)?
    ///     let _ = client.receive(wire);
    ///     let n = wire.len();
    ///     server.advance_transmit(n);
    /// }
    /// let Some(Ok(Event::Text { data, fin: true })) = client.poll_event() else { panic!() };
    /// assert_eq!(data, text);
    /// # Ok::<(), rfc6455::Error>(())
    /// ```
    pub fn send_text_partial(&mut self, rest: &str) -> Result<usize, Error> {
        self.as_dyn()
            .send_partial(MessageKind::Text, rest.as_bytes())
    }

    /// Queues as much of the rest of a binary message as fits now, as one
    /// frame, and returns how many bytes of `rest` it took; see
    /// [`send_text_partial`](Self::send_text_partial).
    ///
    /// # Errors
    ///
    /// As for [`send_text_partial`](Self::send_text_partial).
    pub fn send_binary_partial(&mut self, rest: &[u8]) -> Result<usize, Error> {
        self.as_dyn().send_partial(MessageKind::Binary, rest)
    }

    /// Queues one fragment of a text message: the first call starts the
    /// message, [`Fragment::Last`] ends it.
    ///
    /// # Errors
    ///
    /// As for [`send_text`](Self::send_text); also
    /// [`UsageError::MessageInProgress`] if a binary message is in progress.
    ///
    /// # Examples
    ///
    /// ```
    /// use rfc6455::{Config, Connection, Fragment, NoKeys, Role};
    ///
    /// let mut conn = Connection::open(Role::Server, Config::new(), [0u8; 512], [0u8; 512], NoKeys)?;
    /// conn.send_text_fragment("Hel", Fragment::More)?;
    /// conn.send_text_fragment("lo", Fragment::Last)?;
    /// let mut out = [0u8; 64];
    /// let n = conn.poll_transmit(&mut out).unwrap();
    /// assert_eq!(&out[..n], b"\x01\x03Hel\x80\x02lo"); // RFC 6455 §5.7
    /// # Ok::<(), rfc6455::Error>(())
    /// ```
    pub fn send_text_fragment(&mut self, text: &str, fragment: Fragment) -> Result<(), Error> {
        self.as_dyn()
            .send_data(MessageKind::Text, text.as_bytes(), Some(fragment))
    }

    /// Queues one fragment of a binary message.
    ///
    /// # Errors
    ///
    /// As for [`send_text_fragment`](Self::send_text_fragment).
    pub fn send_binary_fragment(&mut self, data: &[u8], fragment: Fragment) -> Result<(), Error> {
        self.as_dyn()
            .send_data(MessageKind::Binary, data, Some(fragment))
    }

    /// Queues a Ping with up to 125 bytes of payload.
    ///
    /// # Errors
    ///
    /// [`UsageError::ControlPayloadTooLong`], [`UsageError::NotOpen`],
    /// [`UsageError::Closed`] once the connection is closed or failed, or
    /// [`BufferTooSmall`](crate::BufferTooSmall). After this side's Close
    /// ([`State::CloseSent`]) control frames may still be sent: §5.5.1
    /// forbids only data frames.
    pub fn ping(&mut self, payload: &[u8]) -> Result<(), Error> {
        self.as_dyn().send_control(Opcode::Ping, payload)
    }

    /// Queues an unsolicited Pong (a unidirectional heartbeat, §5.5.3), or a
    /// reply when auto-pong is disabled.
    ///
    /// # Errors
    ///
    /// As for [`ping`](Self::ping).
    pub fn pong(&mut self, payload: &[u8]) -> Result<(), Error> {
        self.as_dyn().send_control(Opcode::Pong, payload)
    }

    /// Starts the close handshake: queues a Close frame and moves to
    /// [`State::CloseSent`]. Messages from the peer are still delivered until
    /// its Close arrives.
    ///
    /// After the peer's Close (in [`State::CloseReceived`]) this replaces the
    /// automatic echo with your own code and reason.
    ///
    /// # Errors
    ///
    /// [`UsageError::InvalidCloseCode`] (1005, 1006, 1015 or out of range),
    /// [`UsageError::CloseReasonTooLong`] (over 123 bytes; see
    /// [`truncate_reason`](crate::truncate_reason)), [`UsageError::NotOpen`],
    /// or [`UsageError::Closed`] if a Close was already sent or received.
    pub fn close(&mut self, code: CloseCode, reason: &str) -> Result<(), Error> {
        check_close(code, reason)?;
        self.check_open()?;
        let mut payload = [0; MAX_CONTROL_PAYLOAD];
        let len = encode_close_payload(code, reason, &mut payload)?;
        self.pending_close = Some(ControlBuf::from_slice(&payload[..len]));
        if self.state() == State::Open {
            self.move_to_close_sent();
        }
        Ok(())
    }

    /// Copies queued output into `out` and returns the number of bytes, or
    /// `None` when nothing is queued (`Some(0)` if `out` is empty but output
    /// is queued).
    ///
    /// Call until `None` after every input and command, and write what it
    /// returns to the transport in order.
    #[must_use = "queued bytes must be written to the transport"]
    pub fn poll_transmit(&mut self, out: &mut [u8]) -> Option<usize> {
        let pending = self.peek_transmit();
        if pending.is_empty() {
            return None;
        }
        let n = pending.len().min(out.len());
        out[..n].copy_from_slice(&pending[..n]);
        self.advance_transmit(n);
        Some(n)
    }

    /// The queued output, to write to the transport without a copy; then
    /// call [`advance_transmit`](Self::advance_transmit) with the count
    /// written.
    ///
    /// # Examples
    ///
    /// ```
    /// use rfc6455::{Config, Connection, NoKeys, Role};
    ///
    /// let mut conn = Connection::open(Role::Server, Config::new(), [0u8; 512], [0u8; 512], NoKeys)?;
    /// conn.send_text("Hello")?;
    /// let queued = conn.peek_transmit();
    /// assert_eq!(queued, b"\x81\x05Hello");
    /// let written = queued.len(); // socket.write(queued)?
    /// conn.advance_transmit(written);
    /// assert!(conn.peek_transmit().is_empty());
    /// # Ok::<(), rfc6455::Error>(())
    /// ```
    pub fn peek_transmit(&mut self) -> &[u8] {
        let this = self.as_dyn();
        this.flush_pending();
        this.tx.pending()
    }

    /// Marks `n` bytes of [`peek_transmit`](Self::peek_transmit) as written.
    pub fn advance_transmit(&mut self, n: usize) {
        self.tx.advance(n);
        if self.tx.is_empty() {
            self.on_tx_empty();
        }
    }

    /// The most bytes the transmit queue can hold: a fixed storage's length,
    /// or [`Config::max_send_queue`](crate::Config::max_send_queue) for a
    /// growable one. The longest frame that can be queued whole.
    #[must_use]
    pub const fn transmit_capacity(&self) -> usize {
        self.tx.max()
    }

    /// Bytes queued for the transport and not yet taken.
    #[must_use]
    pub const fn queued_len(&self) -> usize {
        self.tx.len()
    }

    /// Whether the application should hand over more messages now.
    ///
    /// Turns false when the queued output reaches
    /// [`Config::send_high_watermark`](crate::Config::send_high_watermark)
    /// and true again once the transport has taken it down to
    /// [`Config::send_low_watermark`](crate::Config::send_low_watermark):
    /// the signal behind a `Sink::poll_ready` or a `writable` flag. Sends
    /// still succeed while it is false (up to the queue's limit); it is
    /// advice, so that memory follows what the peer reads.
    ///
    /// # Examples
    ///
    /// ```
    /// use rfc6455::{Config, Connection, NoKeys, Role};
    ///
    /// # #[cfg(feature = "alloc")] {
    /// let config = Config::new().with_send_watermarks(1024, 4096);
    /// let mut conn = Connection::open(Role::Server, config, vec![], vec![], NoKeys)?;
    /// while conn.send_ready() {
    ///     conn.send_binary(&[0; 1000])?;
    /// }
    /// assert_eq!(conn.queued_len(), 5 * 1004); // over 4096
    /// conn.advance_transmit(3000);
    /// assert!(!conn.send_ready()); // 2020 bytes left: above the low watermark
    /// conn.advance_transmit(1000);
    /// assert!(conn.send_ready()); // 1020 bytes left
    /// # }
    /// # Ok::<(), rfc6455::Error>(())
    /// ```
    #[must_use]
    pub const fn send_ready(&self) -> bool {
        !self.tx.is_backed_up()
    }
}

impl<B: Storage, K: KeySource + ?Sized, E: Extension> Connection<B, K, E> {
    pub(super) fn check_open(&self) -> Result<(), UsageError> {
        match self.state() {
            // After the peer's Close, until our echo is written out, frames
            // may still go before it: §5.5.1 lets an endpoint finish sending
            // ("MAY delay sending a Close frame until its current message is
            // sent").
            State::Open | State::CloseReceived => Ok(()),
            State::Connecting => Err(UsageError::NotOpen),
            State::CloseSent | State::Closed | State::Failed => Err(UsageError::Closed),
        }
    }

    /// The opcode for the next data frame, checking the fragmentation order.
    pub(super) fn next_opcode(
        &self,
        kind: MessageKind,
        fragment: Option<Fragment>,
    ) -> Result<Opcode, UsageError> {
        self.check_open()?;
        self.outbound.next_opcode(kind, fragment)
    }

    fn send_data(
        &mut self,
        kind: MessageKind,
        payload: &[u8],
        fragment: Option<Fragment>,
    ) -> Result<(), Error> {
        let opcode = self.next_opcode(kind, fragment)?;
        let frame = fragment.unwrap_or(Fragment::Last);
        let utf8 = match kind {
            MessageKind::Text => self.outbound.check_text(opcode, payload, frame, true)?,
            MessageKind::Binary => None,
        };
        let transform = self.transforms(opcode, kind, payload.len());
        // Refuse before anything moves, so a refused send leaves the queue
        // as it was (an owed Pong goes first when the frame is queued).
        let len = if transform {
            self.transformed_frame_len(payload.len())
        } else {
            self.encoder.frame_len(payload.len())
        };
        if len > self.tx.room().saturating_sub(self.pending_pong_len()) {
            return Err(self.queue_error(len));
        }
        self.flush_pong();
        if transform {
            self.queue_transformed(opcode, payload, frame)?;
        } else {
            self.queue_frame(opcode, payload, frame)?;
        }
        self.outbound.sent(kind, frame, utf8);
        self.outbound.transformed = transform && self.outbound.kind().is_some();
        Ok(())
    }

    /// The length of the automatic Pong waiting to be queued, if any.
    fn pending_pong_len(&self) -> usize {
        self.pending_pong
            .map_or(0, |pong| self.encoder.frame_len(pong.as_slice().len()))
    }

    fn send_partial(&mut self, kind: MessageKind, rest: &[u8]) -> Result<usize, Error> {
        let opcode = self.next_opcode(kind, Some(Fragment::More))?;
        self.flush_pong();
        let masked = self.role().is_client();
        let room = self.tx.room();
        let transform = self.transforms(opcode, kind, rest.len());
        let mut take = if transform {
            self.fitting_transformed(room, rest.len())
        } else {
            fitting_payload(room, rest.len(), masked)
        };
        // A slow transport frees a few bytes at a time: taking them as they
        // come would cut the message into frames of a byte or two (seven
        // bytes on the wire for each byte of a client's payload), past a
        // peer's fragment limit. Unless the rest fits, wait for half the
        // queue (at most `PARTIAL_ROOM`).
        if take < rest.len() && room < (self.tx.max() / 2).min(PARTIAL_ROOM) {
            take = 0;
        }
        if kind == MessageKind::Text {
            // `rest` is a `&str`: a character never starts with 0b10xxxxxx.
            while take > 0 && take < rest.len() && rest[take] & 0xc0 == 0x80 {
                take -= 1;
            }
        }
        if take == 0 && !rest.is_empty() {
            return Ok(0);
        }
        let fragment = Fragment::from_fin(take == rest.len());
        let payload = &rest[..take];
        let utf8 = match kind {
            MessageKind::Text => self.outbound.check_text(opcode, payload, fragment, true)?,
            MessageKind::Binary => None,
        };
        if transform {
            self.queue_transformed(opcode, payload, fragment)?;
        } else {
            self.queue_frame(opcode, payload, fragment)?;
        }
        self.outbound.sent(kind, fragment, utf8);
        self.outbound.transformed = transform && self.outbound.kind().is_some();
        Ok(take)
    }

    pub(super) fn send_control(&mut self, opcode: Opcode, payload: &[u8]) -> Result<(), Error> {
        if payload.len() > MAX_CONTROL_PAYLOAD {
            return Err(UsageError::ControlPayloadTooLong.into());
        }
        // §5.5.1 forbids only data frames after our Close; §5.5.2 still asks
        // for a Pong to every Ping until the peer's Close arrives.
        if self.state() != State::CloseSent {
            self.check_open()?;
        }
        self.flush_pong();
        self.queue_frame(opcode, payload, Fragment::Last)
    }

    fn queue_frame(
        &mut self,
        opcode: Opcode,
        payload: &[u8],
        fragment: Fragment,
    ) -> Result<(), Error> {
        let len = self.encoder.frame_len(payload.len());
        let Some(space) = self.tx.reserve(len) else {
            return Err(self.queue_error(len));
        };
        let written = self.encoder.frame(opcode, payload, fragment, space)?;
        self.tx.commit(written);
        self.timers.used = true;
        self.timers.busy = true;
        Ok(())
    }

    /// Why a frame of `len` bytes cannot be queued: no room now, or never.
    pub(super) fn queue_error(&self, len: usize) -> Error {
        if len > self.tx.max() {
            BufferTooSmall { required: len }.into()
        } else {
            UsageError::QueueFull.into()
        }
    }

    /// Moves a pending Pong, then a pending Close, into the transmit queue
    /// when there is room.
    pub(super) fn flush_pending(&mut self) {
        self.flush_pong();
        // The echo of the peer's Close waits for the Pong owed before it.
        if self.pending_pong.is_some() && self.state() == State::CloseReceived {
            return;
        }
        if let Some(close) = self.pending_close {
            if self
                .queue_frame(Opcode::Close, close.as_slice(), Fragment::Last)
                .is_ok()
            {
                self.pending_close = None;
                // After our own Close a pending Pong still follows it.
                if self.state() == State::CloseReceived {
                    self.move_to_closed();
                }
            }
        }
    }

    /// Moves a pending automatic Pong into the transmit queue. Called also
    /// before any frame of the application's is queued, so Pongs go first.
    ///
    /// A Pong is queued once every earlier automatic Pong has been taken by
    /// the transport, or while the output up to the last one stays within
    /// half the storage: a Ping flood cannot crowd out the application, and
    /// an application that keeps the storage full cannot starve the Pong.
    pub(super) fn flush_pong(&mut self) {
        let Some(pong) = self.pending_pong else {
            return;
        };
        let len = self.encoder.frame_len(pong.as_slice().len()) as u64;
        let outstanding = self.pong_end.saturating_sub(self.tx.sent_total());
        let half = self.tx.high() as u64;
        // The last Pong before a Close goes out whatever the flood rule says.
        let room = outstanding == 0 || outstanding + len <= half || self.pending_close.is_some();
        if room
            && self
                .queue_frame(Opcode::Pong, pong.as_slice(), Fragment::Last)
                .is_ok()
        {
            self.pending_pong = None;
            self.pong_end = self.tx.queued_total();
        }
    }
}

/// The room a partial send waits for, at most, before it takes part of a
/// message.
const PARTIAL_ROOM: usize = 16 << 10;

/// The longest payload, at most `len`, whose frame fits in `room` bytes
/// (RFC 6455 §5.2: a 2-byte header up to 125 bytes of payload, 4 bytes up to
/// 65,535, 10 beyond; 4 more for a client's masking key).
pub(super) fn fitting_payload(room: usize, len: usize, masked: bool) -> usize {
    let mask = if masked { 4 } else { 0 };
    let with_header = |header: usize| len.min(room.saturating_sub(header + mask));
    let short = with_header(2);
    if short <= 125 {
        return short;
    }
    // Over 125 bytes fit with a 2-byte header, so 125 do with any.
    let medium = with_header(4);
    if medium <= 0xffff {
        return medium.max(125);
    }
    with_header(10).max(0xffff)
}

#[cfg(test)]
mod tests {
    use super::fitting_payload;

    /// Checks `fitting_payload` against the frame lengths of §5.2.
    #[test]
    fn fitting_payload_is_the_longest_that_fits() {
        let header_len = |payload: usize, masked: bool| {
            let len = match payload {
                0..=125 => 2,
                126..=0xffff => 4,
                _ => 10,
            };
            len + if masked { 4 } else { 0 }
        };
        for masked in [false, true] {
            for room in (0..300).chain(65_520..65_560).chain(70_000..70_020) {
                for len in [
                    0, 1, 124, 125, 126, 127, 200, 65_535, 65_536, 69_990, 100_000,
                ] {
                    let p = fitting_payload(room, len, masked);
                    assert!(p <= len);
                    if p > 0 || len == 0 {
                        assert!(
                            p + header_len(p, masked) <= room || (p == 0 && len == 0),
                            "room {room} len {len} masked {masked}: {p}"
                        );
                    }
                    // One more byte would not fit.
                    if p < len {
                        assert!(
                            p + 1 + header_len(p + 1, masked) > room,
                            "room {room} len {len} masked {masked}: {p} is not the longest"
                        );
                    }
                }
            }
        }
    }
}
