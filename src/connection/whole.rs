//! The whole-frame path: a data frame that lies entire in the receive storage
//! is taken in one step, without the frame decoder; a single-frame message is
//! unmasked, checked and delivered where it lies.
//!
//! It is only a shortcut. It takes a frame only when every check the general
//! path makes is known to pass except UTF-8 (which it makes itself, with the
//! same result), and leaves everything else (control frames, fragments,
//! partial frames, anything the general path would refuse) to that path, so
//! events, errors and close codes are the same whichever path runs. The
//! `chunking` fuzz target and the split tests, which feed the same bytes whole
//! and one byte at a time, compare the two.

use super::state::Inner;
use super::Connection;
use crate::config::MessageMode;
use crate::error::{Error, ProtocolError};
use crate::event::Event;
use crate::frame::{Header, Opcode};
use crate::handshake::Extension;
use crate::keys::KeySource;
use crate::mask::{apply_mask, apply_mask_ascii, move_masked};
use crate::message::MessageKind;
use crate::storage::Storage;
use crate::utf8;

/// Text payloads up to this length are unmasked and checked for ASCII in one
/// pass; longer ones go to the vector paths.
const SHORT: usize = 256;

impl<B: Storage, K: KeySource + ?Sized, E: Extension> Connection<B, K, E> {
    /// The next frame's header and header length, if the frame can take the
    /// whole-frame path.
    #[inline(always)]
    pub(super) fn whole_frame(&mut self) -> Option<(Header, usize)> {
        if !self.decoder.is_between_frames() {
            return None;
        }
        let (read, filled) = (self.rx.read, self.rx.filled);
        let input = &self.rx.bytes()[read..filled];
        // Anything `Header::parse` would refuse, or leave partial, goes to
        // the general path.
        let (header, header_len) = Header::parse_complete(input)?;
        let len = usize::try_from(header.payload_len).ok()?;
        let whole = header_len.checked_add(len)? <= input.len();
        (whole && self.takes_whole(&header)).then_some((header, header_len))
    }

    /// Whether a single-frame message can be delivered as one event (in
    /// stream mode, chunks are at most [`chunk_len`](Self::chunk_len)).
    #[inline]
    pub(super) fn fits_one_chunk(&self, header: &Header) -> bool {
        self.config.message_mode != MessageMode::Stream
            || usize::try_from(header.payload_len).is_ok_and(|len| len <= self.chunk_len())
    }

    /// Takes in a fragment [`whole_frame`](Self::whole_frame) found, as
    /// `on_header` and `on_data` would (but for the UTF-8 check, deferred).
    pub(super) fn take_fragment(&mut self, header: &Header, header_len: usize) {
        self.rx.read += header_len;
        // `takes_whole` made the checks `on_header` makes, and took only data
        // frames. (Two comparisons, not `MessageKind::from_opcode`: its
        // `match` became a jump table on this hot path.)
        if header.opcode == Opcode::Continuation {
            // `takes_whole` took no continuation of a transformed message.
            debug_assert!(self
                .inbound
                .check_continue(header, &self.config, false)
                .is_ok());
            self.inbound.continue_with(header, false);
        } else {
            debug_assert!(self.inbound.check_start(header, &self.config).is_ok());
            let kind = if header.opcode == Opcode::Text {
                MessageKind::Text
            } else {
                MessageKind::Binary
            };
            self.start_message(kind, header);
        }
        // `whole_frame` checked that the payload is all in storage, so its
        // length fits in `usize`: the fallback is never taken.
        let (start, len) = (
            self.rx.read,
            usize::try_from(header.payload_len).unwrap_or(0),
        );
        self.rx.read += len;
        #[cfg(feature = "alloc")]
        if self.config.message_mode == MessageMode::Reassemble {
            let limit = self.message_limit();
            let payload = &mut self.rx.buf.bytes()[start..start + len];
            if let Some(key) = header.mask {
                apply_mask(payload, key, 0);
            }
            super::recv::reserve_message(&mut self.message, len, limit);
            self.message.extend_from_slice(payload);
            self.rx.settle();
            self.defer_text(len);
            self.inbound.set_complete(header.fin);
            return;
        }
        // The payload is unmasked as it moves to the end of the message so
        // far.
        let asm = self.rx.asm;
        match header.mask {
            Some(key) if asm < start => move_masked(self.rx.bytes(), start, asm, len, key),
            Some(key) => apply_mask(&mut self.rx.bytes()[start..start + len], key, 0),
            None if asm < start => self.rx.bytes().copy_within(start..start + len, asm),
            None => {}
        }
        self.rx.asm += len;
        self.defer_text(len);
        self.inbound.set_complete(header.fin);
    }

    /// Text is validated later, in one pass over every fragment taken in a
    /// row.
    #[inline]
    fn defer_text(&mut self, len: usize) {
        if self.inbound.kind == Some(MessageKind::Text) {
            self.inbound.unchecked += len;
        }
    }

    /// Validates the text [`take_fragment`](Self::take_fragment) left
    /// unchecked.
    ///
    /// Called before anything else can happen: before the general path
    /// decodes another frame, and before any data is delivered. So the
    /// connection still fails on invalid text before it looks at any later
    /// frame (the first error in the stream is the one reported, as on the
    /// general path), and never delivers unvalidated bytes; only the work is
    /// batched.
    #[inline]
    pub(super) fn check_deferred_text(&mut self) -> Result<(), ProtocolError> {
        let n = self.inbound.unchecked;
        if n == 0 {
            return Ok(());
        }
        self.inbound.unchecked = 0;
        #[cfg(feature = "alloc")]
        if self.config.message_mode == MessageMode::Reassemble {
            let piece = &self.message[self.message.len() - n..];
            return self
                .inbound
                .utf8
                .feed(piece)
                .map_err(|_| ProtocolError::InvalidUtf8);
        }
        let asm = self.rx.asm;
        let piece = &self.rx.buf.bytes()[asm - n..asm];
        self.inbound
            .utf8
            .feed(piece)
            .map_err(|_| ProtocolError::InvalidUtf8)
    }

    /// Delivers the frame [`whole_frame`](Self::whole_frame) found.
    #[inline]
    pub(super) fn deliver_whole(
        &mut self,
        header: &Header,
        header_len: usize,
    ) -> Result<Event<'_>, Error> {
        let text = header.opcode == Opcode::Text;
        // `whole_frame` checked that the payload is all in storage, so its
        // length fits in `usize`: the fallback is never taken.
        let Ok(len) = usize::try_from(header.payload_len) else {
            return Err(self.fail(ProtocolError::FrameTooLarge));
        };
        let start = self.rx.read + header_len;
        let payload = &mut self.rx.bytes()[start..start + len];
        // Short text is unmasked and checked for ASCII in one pass.
        let ascii = match header.mask {
            Some(key) if text && len <= SHORT => apply_mask_ascii(payload, key),
            Some(key) => {
                apply_mask(payload, key, 0);
                false
            }
            None => false,
        };
        // §8.1: invalid text fails the connection (1007), as on the general
        // path.
        if text && !ascii && !utf8::is_valid(payload) {
            return Err(self.fail(ProtocolError::InvalidUtf8));
        }
        self.rx.read = start + len;
        self.rx.settle();
        // `settle` moved the indices only; the bytes stay put while the event
        // borrows them.
        let data = &self.rx.bytes()[start..start + len];
        Ok(if text {
            Event::Text {
                data: utf8::str_from_validated(data),
                fin: true,
            }
        } else {
            Event::Binary { data, fin: true }
        })
    }

    /// Whether to leave a binary frame whose header has arrived, but not all
    /// its payload, in storage until it is whole: whole messages from
    /// growable storage, when the frame fits in it. (Text goes on through
    /// the general path, so invalid UTF-8 fails as soon as it arrives.) The storage then grows
    /// to the frame ([`spare_mut`](Self::spare_mut)) and the message is
    /// delivered where it lies, instead of being copied piece by piece into
    /// the reassembly buffer as it arrives (with reads of a few KiB each).
    /// A frame the general path would refuse goes to it, and fails there.
    pub(super) fn awaits_whole_frame(&mut self) -> bool {
        if self.config.message_mode == MessageMode::Stream
            || !self.rx.is_growable()
            || !self.decoder.is_between_frames()
        {
            return false;
        }
        let (read, filled) = (self.rx.read, self.rx.filled);
        let Some((header, header_len)) = Header::parse_complete(&self.rx.bytes()[read..filled])
        else {
            return false;
        };
        let fits = usize::try_from(header.payload_len)
            .ok()
            .and_then(|len| len.checked_add(header_len + self.rx.assembled()))
            .is_some_and(|len| len <= self.rx.max);
        let binary = match header.opcode {
            Opcode::Binary => true,
            Opcode::Continuation => self.inbound.kind == Some(MessageKind::Binary),
            _ => false,
        };
        fits && binary && self.takes_whole(&header)
    }

    /// Whether the general path would take this data frame without an error.
    #[inline(always)]
    fn takes_whole(&self, header: &Header) -> bool {
        let (config, inbound) = (&self.config, &self.inbound);
        let message_len_after = match (header.opcode, inbound.kind) {
            (Opcode::Text | Opcode::Binary, None) => header.payload_len,
            (Opcode::Continuation, Some(_))
                if inbound.fragments() < config.max_fragments && !self.transformed() =>
            {
                inbound.len.saturating_add(header.payload_len)
            }
            _ => return false,
        };
        // The frame-level rules (masking direction, frame length) are the
        // decoder's; the message-level ones are on_header's. A frame with
        // RSV bits (refused, or an extension's) is left to the decoder.
        message_len_after <= config.max_message_len
            && matches!(self.life.inner(), Inner::Open | Inner::CloseSent)
            && header.rsv == 0
            && self.decoder.check_unreserved_header(header).is_ok()
    }
}
