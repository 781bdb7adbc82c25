//! A connection's extension (RFC 6455 §9, RFC 7692): attaching it, its part
//! in the opening handshake, and the transform of the messages it claims
//! with its RSV bits, in both directions.
//!
//! The transform works on the connection's buffers: received payload is
//! decoded from the receive storage into the message buffer (so it needs the
//! `alloc` feature), and a message to send is encoded straight into the
//! transmit queue, its header written in front once its length is known.

use super::tx::Tx;
use super::Connection;
use crate::error::HandshakeError;
#[cfg(feature = "alloc")]
use crate::error::ProtocolError;
use crate::error::{Error, UsageError};
#[cfg(feature = "alloc")]
use crate::event::Event;
use crate::frame::{Fragment, Opcode, MAX_HEADER_LEN};
#[cfg(feature = "alloc")]
use crate::handshake::write_extension_offer;
use crate::handshake::{validate_response, Accept, Extension, HeadLimits, Request};
use crate::keys::KeySource;
use crate::mask::apply_mask;
use crate::message::MessageKind;
use crate::status::Status;
use crate::storage::Storage;

/// The longest `Sec-WebSocket-Extensions` element a connection writes.
const MAX_ELEMENT_LEN: usize = 256;

/// The most output one decode step is given (beyond what the message may
/// still grow by, which bounds it first): large enough that inflating takes
/// few steps, small enough that the output buffer is zeroed cheaply.
#[cfg(feature = "alloc")]
const DECODE_STEP: usize = 64 << 10;

/// The least output a decode step is given. The room is zeroed before each
/// step, so a step starts near what its input may inflate to (8 times it,
/// at least this) and doubles while steps fill it: a 1 KiB message costs no
/// 64 KiB memset (it was 18% of a 1 KiB compressed echo).
#[cfg(feature = "alloc")]
const MIN_DECODE_STEP: usize = 4 << 10;

#[cfg(feature = "alloc")]
impl<B: Storage, K: KeySource> Connection<B, K> {
    /// Attaches an extension (permessage-deflate, RFC 7692) to a connection
    /// that runs none.
    ///
    /// - A **client** made by [`Connection::client`] adds the extension's
    ///   offer to its request (which must not have been sent yet), and
    ///   checks the server's answer with it: an answer the extension
    ///   refuses fails the handshake
    ///   ([`HandshakeError::ExtensionRejected`](crate::HandshakeError::ExtensionRejected)).
    /// - A **server** made by [`Connection::server`] lets the extension
    ///   pick one of the client's offers in [`accept`](Self::accept) and
    ///   answers it (see [`decline_extension`](Self::decline_extension)).
    /// - A connection made by [`Connection::open`] (an upgrade done
    ///   elsewhere) uses the extension as the caller negotiated it (with
    ///   [`Request::select_extension`] or
    ///   [`Negotiated::check_extension`](crate::Negotiated::check_extension)),
    ///   from the first frame on.
    ///
    /// Once in use, the extension owns its RSV bits: received messages
    /// whose first frame carries them are decoded by it, and the messages
    /// it [`encodes`](Extension::encodes) are sent transformed, with the
    /// bits on their first frame. Received messages are decoded into the
    /// message buffer, so the limits (`max_message_len`) apply to the
    /// decoded bytes, checked at every step. An extension that was not
    /// agreed is dropped: [`extension`](Self::extension) then returns
    /// `None`.
    ///
    /// # Errors
    ///
    /// [`UsageError::InvalidState`] once frames have been sent or received,
    /// or a client's request has been sent; [`UsageError::InvalidHeader`]
    /// if the offer is not well-formed;
    /// [`BufferTooSmall`](crate::BufferTooSmall) if it does not fit the
    /// transmit storage.
    pub fn with_extension<X: Extension>(self, extension: X) -> Result<Connection<B, K, X>, Error> {
        let mut conn = self.replace_extension(extension);
        conn.attach_extension()?;
        Ok(conn)
    }

    fn replace_extension<X: Extension>(self, extension: X) -> Connection<B, K, X> {
        Connection {
            config: self.config,
            life: self.life,
            rx: self.rx,
            tx: self.tx,
            decoder: self.decoder,
            inbound: self.inbound,
            outbound: self.outbound,
            control: self.control,
            pending_pong: self.pending_pong,
            pong_end: self.pong_end,
            pending_close: self.pending_close,
            unpolled: self.unpolled,
            eof: self.eof,
            rx_ext: self.rx_ext,
            timers: self.timers,
            message: self.message,
            ext: Some(extension),
            encoder: self.encoder,
        }
    }
}

impl<B: Storage, K: KeySource + ?Sized, E: Extension> Connection<B, K, E> {
    /// The extension in use (or, while connecting, offered or to be
    /// selected); `None` if none was attached or it was not agreed.
    #[must_use]
    pub fn extension(&self) -> Option<&E> {
        self.ext.as_ref()
    }

    /// Server: answers the upgrade request without the extension, for a
    /// request it should not apply to (a path that carries compressed
    /// media, say). Call it before [`accept`](Self::accept); the extension
    /// is dropped.
    pub fn decline_extension(&mut self) {
        if self.life.is_handshaking() {
            self.ext = None;
        }
    }

    /// Checks and does what attaching the extension takes in the present
    /// state (see `with_extension`).
    #[cfg(feature = "alloc")]
    fn attach_extension(&mut self) -> Result<(), Error> {
        use super::state::{Inner, Opening};
        let untouched = self.tx.sent_total() == 0 && !self.timers.busy;
        match self.life.opening() {
            Some(Opening::ClientResponse { request_len, .. })
                if untouched && self.tx.len() == *request_len =>
            {
                self.offer_extension()
            }
            Some(Opening::ServerRequest(_) | Opening::ServerDecision { .. }) => Ok(()),
            // Only a connection made by `open`: one whose own handshake
            // ran has negotiated (or not) already.
            None if matches!(self.life.inner(), Inner::Open)
                && self.life.side().is_none()
                && untouched =>
            {
                self.use_extension(true);
                Ok(())
            }
            _ => Err(UsageError::InvalidState.into()),
        }
    }

    /// Client: adds the extension's offer to the request in the transmit
    /// queue, as one more header line (§9.1 allows the header more than
    /// once).
    #[cfg(feature = "alloc")]
    fn offer_extension(&mut self) -> Result<(), Error> {
        use super::state::Opening;
        let Some(ext) = self.ext.as_ref() else {
            return Ok(());
        };
        let mut element = [0; MAX_ELEMENT_LEN];
        let offer = write_extension_offer(ext, &mut element)?;
        const NAME: &[u8] = b"Sec-WebSocket-Extensions: ";
        let len = NAME.len() + offer.len() + 4;
        // The request ends with an empty line: the header goes before it.
        self.tx.unwrite(2);
        let Some(space) = self.tx.reserve(len) else {
            self.tx.commit(2);
            return Err(self.queue_error(len + self.tx.len()));
        };
        let (name, rest) = space.split_at_mut(NAME.len());
        name.copy_from_slice(NAME);
        let (value, end) = rest.split_at_mut(offer.len());
        value.copy_from_slice(offer.as_bytes());
        end.copy_from_slice(b"\r\n\r\n");
        self.tx.commit(len);
        if let Some(Opening::ClientResponse { request_len, .. }) = self.life.opening_mut() {
            *request_len += len - 2;
        }
        Ok(())
    }

    /// The handshake agreed on the extension (`true`) or not: in use, it
    /// owns its RSV bits; otherwise it is dropped.
    pub(super) fn use_extension(&mut self, in_use: bool) {
        match self.ext.as_ref() {
            Some(ext) if in_use => {
                self.decoder.set_message_rsv(ext.rsv());
            }
            _ => self.ext = None,
        }
    }

    /// Decodes `len` unmasked payload bytes at `start` of a transformed
    /// message into the message buffer; `last`: they end the message.
    #[cfg(feature = "alloc")]
    #[inline(never)]
    pub(super) fn on_transformed_data(
        &mut self,
        start: usize,
        len: usize,
        last: bool,
    ) -> Result<(), ProtocolError> {
        // A chunk delivered in stream mode leaves the buffer now, but for
        // the unfinished character after it.
        if self.take_chunk_out() {
            let delivered = self.message.len() - self.inbound.utf8.incomplete_len();
            self.message.drain(..delivered);
        }
        let Some(ext) = self.ext.as_mut() else {
            return Err(ProtocolError::ReservedBits);
        };
        let max = self.config.max_message_len;
        let text = self.inbound.kind == Some(MessageKind::Text);
        let (mut at, end) = (start, start + len);
        let mut step_room = len.saturating_mul(8).clamp(MIN_DECODE_STEP, DECODE_STEP);
        loop {
            let have = self.message.len();
            // Decoded bytes of the message so far: those delivered before
            // and those held.
            let produced = self.inbound.len + have as u64;
            let budget = max.saturating_sub(produced);
            // One byte past the budget, so that going over it shows.
            let room = usize::try_from(budget.saturating_add(1))
                .unwrap_or(usize::MAX)
                .min(step_room);
            super::recv::reserve_message(&mut self.message, room, max.saturating_add(1));
            self.message.resize(have + room, 0);
            let input = &self.rx.buf.bytes()[at..end];
            let step = ext.decode(input, last, &mut self.message[have..]);
            let step = match step {
                Ok(step) if step.read <= input.len() && step.written <= room => step,
                _ => {
                    self.message.truncate(have);
                    return Err(ProtocolError::InvalidExtensionData);
                }
            };
            self.message.truncate(have + step.written);
            if step.written == room {
                step_room = step_room.saturating_mul(2).min(DECODE_STEP);
            }
            if step.written as u64 > budget {
                return Err(ProtocolError::MessageTooLarge);
            }
            // §8.1: text fails on its first invalid byte, as it decodes.
            if text && self.inbound.utf8.feed(&self.message[have..]).is_err() {
                return Err(ProtocolError::InvalidUtf8);
            }
            at += step.read;
            if at == end && (!last || step.done) {
                break;
            }
            // A step that moved nothing would repeat forever.
            if step.read == 0 && step.written == 0 {
                return Err(ProtocolError::InvalidExtensionData);
            }
        }
        self.rx.settle();
        Ok(())
    }

    /// Stream mode, transformed message: whether decoded bytes are ready,
    /// as for `data_ready`. What has been decoded goes out as it comes, but
    /// for an unfinished character at its end.
    #[cfg(feature = "alloc")]
    #[inline(never)]
    pub(super) fn transformed_ready(&self) -> Option<bool> {
        let ready = self.rx_ext & super::CHUNK_OUT == 0
            && self.message.len() > self.inbound.utf8.incomplete_len();
        if !self.inbound.complete && ready {
            return Some(false);
        }
        self.inbound.complete.then_some(true)
    }

    /// Stream mode, transformed message: the decoded bytes since the last
    /// chunk, up to a character boundary (all of them when `fin`).
    #[cfg(feature = "alloc")]
    #[inline(never)]
    pub(super) fn deliver_transformed(&mut self, kind: MessageKind, fin: bool) -> Event<'_> {
        let start = if self.take_chunk_out() {
            self.message.len() - self.inbound.utf8.incomplete_len()
        } else {
            0
        };
        let end = if fin {
            self.message.len()
        } else {
            self.message.len() - self.inbound.utf8.incomplete_len()
        };
        if !fin {
            self.rx_ext |= super::CHUNK_OUT;
        }
        self.inbound.len += (end - start) as u64;
        super::recv::data_event(kind, &self.message[start..end], fin)
    }

    /// Queues one frame of a transformed message: the payload is encoded
    /// straight into the transmit queue, after room for the longest header,
    /// and moved up to its header once its length is known.
    pub(super) fn queue_transformed(
        &mut self,
        opcode: Opcode,
        payload: &[u8],
        fragment: Fragment,
    ) -> Result<(), Error> {
        let Some(ext) = self.ext.as_mut() else {
            return Err(UsageError::InvalidState.into());
        };
        let bound = ext.max_encoded_len(payload.len());
        let len = bound.saturating_add(MAX_HEADER_LEN);
        let Some(space) = self.tx.reserve(len) else {
            return Err(self.queue_error(self.encoder.frame_len(bound)));
        };
        let rsv = if opcode == Opcode::Continuation {
            0
        } else {
            ext.rsv()
        };
        let out = &mut space[MAX_HEADER_LEN..];
        let written = match ext.encode(payload, fragment.is_last(), out) {
            Ok(n) if n <= out.len() => n,
            _ => return Err(UsageError::ExtensionFailed.into()),
        };
        let header = self
            .encoder
            .header_with_rsv(opcode, written as u64, fragment, rsv)?;
        let head = header.as_bytes();
        space.copy_within(MAX_HEADER_LEN..MAX_HEADER_LEN + written, head.len());
        space[..head.len()].copy_from_slice(head);
        let body = &mut space[head.len()..head.len() + written];
        if let Some(key) = header.mask_key() {
            apply_mask(body, key, 0);
        }
        self.tx.commit(head.len() + written);
        self.timers.used = true;
        self.timers.busy = true;
        Ok(())
    }

    /// The room a transformed frame of `len` payload bytes needs in the
    /// queue: the bound of its encoding after the longest header.
    pub(super) fn transformed_frame_len(&self, len: usize) -> usize {
        let bound = self
            .ext
            .as_ref()
            .map_or(len, |ext| ext.max_encoded_len(len));
        bound.saturating_add(MAX_HEADER_LEN)
    }

    /// The longest input, at most `len`, whose transformed frame fits in
    /// `room` bytes.
    pub(super) fn fitting_transformed(&self, room: usize, len: usize) -> usize {
        // The bound grows with the input: the longest input that fits is
        // found by bisection, between 0 (fits: an empty frame needs at
        // most the header) and what fits untransformed.
        let (mut fits, mut over) = (0, len.min(room.saturating_sub(MAX_HEADER_LEN)) + 1);
        while over - fits > 1 {
            let mid = fits + (over - fits) / 2;
            if self.transformed_frame_len(mid) <= room {
                fits = mid;
            } else {
                over = mid;
            }
        }
        fits
    }

    /// Whether a data frame starting or continuing a message of `kind` with
    /// `len` bytes is to be transformed.
    pub(super) fn transforms(&self, opcode: Opcode, kind: MessageKind, len: usize) -> bool {
        match (opcode, self.ext.as_ref()) {
            (Opcode::Continuation, _) => self.outbound.transformed,
            (_, Some(ext)) => ext.encodes(kind, len),
            (_, None) => false,
        }
    }
}

/// Client: hands the server's answer to the extension offered; whether it
/// is in use. Out of line, and reached only from a connection that has an
/// extension, so a program without one links none of it.
#[inline(never)]
pub(super) fn check_extension_answer(
    head: &[u8],
    request: &[u8],
    limits: HeadLimits,
    extension: &mut dyn Extension,
) -> Result<bool, HandshakeError> {
    let Ok(Status::Complete(negotiated)) = validate_response(head, request, limits) else {
        // Checked just before: not reached.
        return Err(HandshakeError::InvalidStatusLine);
    };
    // `validate_response` made sure every element names an extension of
    // the request, whose only offer the connection wrote is this one; one
    // the application added to `ClientRequest` is not run.
    let name = extension.name();
    if negotiated
        .extensions()
        .any(|e| !e.name().eq_ignore_ascii_case(name))
    {
        return Err(HandshakeError::UnsupportedExtension);
    }
    negotiated.check_extension(extension)
}

/// Server: lets the extension pick one of the client's offers and writes the
/// `101` with its answer, if it accepted one (then `true`).
#[inline(never)]
pub(super) fn accept_with_extension<B: Storage>(
    request: &Request<'_>,
    options: &Accept<'_>,
    extension: &mut dyn Extension,
    tx: &mut Tx<B>,
) -> Result<bool, Error> {
    let mut element = [0; MAX_ELEMENT_LEN];
    let answer = request.select_extension(extension, &mut element)?;
    tx.write_head(|space| request.write_accept(options, answer.as_slice(), space))?;
    Ok(answer.is_some())
}
