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
    /// Whether that frame ends its message.
    pub(super) frame_fin: bool,
    /// Declared bytes of the message so far.
    pub(super) len: u64,
    /// Frames of the message so far.
    fragments: u32,
    /// Whether the message's last frame has been taken in, but not yet all
    /// of it delivered.
    pub(super) complete: bool,
    /// Text bytes at the end of the assembled payload that the whole-frame
    /// path took in without validating yet (see `whole.rs`).
    pub(super) unchecked: usize,
    pub(super) utf8: Utf8Validator,
    /// The message is transformed by the extension (its first frame had
    /// the extension's RSV bits): its payload is decoded into the message
    /// buffer.
    pub(super) transformed: bool,
    /// Bytes at the start of the message buffer already delivered as a
    /// chunk (stream mode, transformed messages).
    pub(super) delivered: usize,
    /// Decoded bytes of a transformed message delivered in earlier chunks.
    pub(super) decoded: u64,
}

impl Inbound {
    pub(super) const fn new() -> Self {
        Inbound {
            kind: None,
            frame: Opcode::Continuation,
            frame_fin: false,
            len: 0,
            fragments: 0,
            complete: false,
            unchecked: 0,
            utf8: Utf8Validator::new(),
            transformed: false,
            delivered: 0,
            decoded: 0,
        }
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
        self.frame_fin = header.fin;
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
        self.frame_fin = header.fin;
        self.kind = Some(kind);
        self.len = header.payload_len;
        self.fragments = 1;
        self.utf8.reset();
        self.transformed = header.rsv != 0;
        self.delivered = 0;
        self.decoded = 0;
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
        if self.len.saturating_add(header.payload_len) > config.max_message_len {
            return Err(ProtocolError::MessageTooLarge);
        }
        Ok(())
    }

    /// A continuation frame continues the message (after
    /// [`check_continue`](Self::check_continue)).
    #[inline]
    pub(super) fn continue_with(&mut self, header: &Header) {
        self.frame = header.opcode;
        self.frame_fin = header.fin;
        self.fragments = self.fragments.saturating_add(1);
        self.len = self.len.saturating_add(header.payload_len);
    }

    /// The message's last frame has been taken in (`fin`), or not.
    #[inline]
    pub(super) fn set_complete(&mut self, complete: bool) {
        self.complete = complete;
    }

    /// The message was delivered in full, or abandoned (a Close arrived).
    #[inline]
    pub(super) fn finish(&mut self) {
        self.kind = None;
        self.complete = false;
    }
}
