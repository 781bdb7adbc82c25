//! The message being received: its kind, length and fragment count so far,
//! and the UTF-8 state of its text (RFC 6455 §5.4, §8.1).

use super::settings::Settings;
use crate::error::ProtocolError;
use crate::frame::{Header, Opcode};
use crate::message::MessageKind;
use crate::utf8::Utf8Validator;

#[derive(Clone, Copy)]
pub(super) struct Inbound {
    /// The kind of the message in progress, if any.
    pub(super) kind: Option<MessageKind>,
    /// The opcode of the frame whose payload is being received.
    pub(super) frame: Opcode,
    /// Declared bytes of the message so far; for a transformed message,
    /// decoded bytes delivered in earlier chunks (stream mode).
    pub(super) len: u64,
    /// Frames of the message so far.
    fragments: u32,
    /// Text bytes at the end of the assembled payload that the whole-frame
    /// path took in without validating yet (see `whole.rs`).
    pub(super) unchecked: usize,
    pub(super) utf8: Utf8Validator,
    /// [`FRAME_FIN`], [`COMPLETE`], [`TRANSFORMED`], [`CHUNK_OUT`]: one
    /// byte, so that the struct has no padding.
    flags: u8,
}

/// The frame whose payload is being received ends its message.
const FRAME_FIN: u8 = 1;
/// The message's last frame has been taken in, but not yet all of it
/// delivered.
const COMPLETE: u8 = 2;
/// The message is transformed by the extension (its first frame had the
/// extension's RSV bits): its payload is decoded into the message buffer.
const TRANSFORMED: u8 = 4;
/// Stream mode, transformed message: the bytes of the message buffer before
/// its unfinished character were just delivered as a chunk.
const CHUNK_OUT: u8 = 8;

impl Inbound {
    pub(super) const fn new() -> Self {
        Inbound {
            kind: None,
            frame: Opcode::Continuation,
            len: 0,
            fragments: 0,
            unchecked: 0,
            utf8: Utf8Validator::new(),
            flags: 0,
        }
    }

    #[inline]
    fn set(&mut self, flag: u8, on: bool) {
        if on {
            self.flags |= flag;
        } else {
            self.flags &= !flag;
        }
    }

    /// Whether the frame whose payload is being received ends its message.
    #[inline]
    pub(super) const fn frame_fin(&self) -> bool {
        self.flags & FRAME_FIN != 0
    }

    /// Whether the message's last frame has been taken in, but not yet all
    /// of it delivered.
    #[inline]
    pub(super) const fn complete(&self) -> bool {
        self.flags & COMPLETE != 0
    }

    /// Whether the message is transformed by the extension.
    #[inline]
    pub(super) const fn transformed(&self) -> bool {
        self.flags & TRANSFORMED != 0
    }

    /// Whether a chunk of a transformed message was just delivered (stream
    /// mode); clears it.
    #[inline]
    #[cfg(feature = "alloc")]
    pub(super) fn take_chunk_out(&mut self) -> bool {
        let out = self.flags & CHUNK_OUT != 0;
        self.set(CHUNK_OUT, false);
        out
    }

    /// Whether a chunk of a transformed message was just delivered.
    #[inline]
    #[cfg(feature = "alloc")]
    pub(super) const fn chunk_out(&self) -> bool {
        self.flags & CHUNK_OUT != 0
    }

    /// A chunk of a transformed message was delivered (stream mode).
    #[inline]
    #[cfg(feature = "alloc")]
    pub(super) fn set_chunk_out(&mut self, out: bool) {
        self.set(CHUNK_OUT, out);
    }

    /// Frames of the message so far.
    #[inline]
    pub(super) const fn fragments(&self) -> u32 {
        self.fragments
    }

    /// A control frame's header arrived (it may sit between fragments).
    #[inline]
    pub(super) fn begin_control(&mut self, header: &Header) {
        self.frame = header.opcode;
        self.set(FRAME_FIN, header.fin);
    }

    /// Whether a Text or Binary frame may start a message here (§5.4,
    /// limits). The whole-frame path makes the same checks in `takes_whole`.
    #[inline]
    pub(super) fn check_start(
        &self,
        header: &Header,
        config: &Settings,
    ) -> Result<(), ProtocolError> {
        // §5.4: "fragments of one message MUST NOT be interleaved" — a new
        // message cannot start before the previous one's final fragment.
        if self.kind.is_some() {
            return Err(ProtocolError::ExpectedContinuation);
        }
        if header.payload_len > config.max_message_len {
            return Err(ProtocolError::MessageTooLarge);
        }
        Ok(())
    }

    /// A Text or Binary frame starts a message (after
    /// [`check_start`](Self::check_start)).
    #[inline]
    pub(super) fn start(&mut self, kind: MessageKind, header: &Header) {
        self.frame = header.opcode;
        self.set(FRAME_FIN, header.fin);
        self.kind = Some(kind);
        self.fragments = 1;
        self.utf8.reset();
        self.set(TRANSFORMED, header.rsv != 0);
        self.set(CHUNK_OUT, false);
        // A transformed message counts its decoded bytes instead (only
        // those are held, so only they are limited).
        self.len = if self.transformed() {
            0
        } else {
            header.payload_len
        };
    }

    /// Whether a continuation frame may continue the message here (§5.4,
    /// limits).
    #[inline]
    pub(super) fn check_continue(
        &self,
        header: &Header,
        config: &Settings,
    ) -> Result<(), ProtocolError> {
        // §5.4: a continuation belongs to a message started before.
        if self.kind.is_none() {
            return Err(ProtocolError::UnexpectedContinuation);
        }
        if self.fragments.saturating_add(1) > config.max_fragments {
            return Err(ProtocolError::TooManyFragments);
        }
        if !self.transformed()
            && self.len.saturating_add(header.payload_len) > config.max_message_len
        {
            return Err(ProtocolError::MessageTooLarge);
        }
        Ok(())
    }

    /// A continuation frame continues the message (after
    /// [`check_continue`](Self::check_continue)).
    #[inline]
    pub(super) fn continue_with(&mut self, header: &Header) {
        self.frame = header.opcode;
        self.set(FRAME_FIN, header.fin);
        self.fragments = self.fragments.saturating_add(1);
        if !self.transformed() {
            self.len = self.len.saturating_add(header.payload_len);
        }
    }

    /// The message's last frame has been taken in (`fin`), or not.
    #[inline]
    pub(super) fn set_complete(&mut self, complete: bool) {
        self.set(COMPLETE, complete);
    }

    /// The message was delivered in full, or abandoned (a Close arrived).
    #[inline]
    pub(super) fn finish(&mut self) {
        self.kind = None;
        self.set(COMPLETE, false);
    }
}
