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
    /// Whether the frame whose payload is being received ends its message.
    pub(super) frame_fin: bool,
    /// Whether the message's last frame has been taken in, but not yet all
    /// of it delivered.
    pub(super) complete: bool,
}

impl Inbound {
    pub(super) const fn new() -> Self {
        Inbound {
            kind: None,
            frame: Opcode::Continuation,
            len: 0,
            fragments: 0,
            unchecked: 0,
            utf8: Utf8Validator::new(),
            frame_fin: false,
            complete: false,
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
        self.fragments = 1;
        self.utf8.reset();
        // A transformed message (its first frame carries an extension's RSV
        // bits) counts its decoded bytes instead: only those are held, so
        // only they are limited (`Connection::on_transformed_data`).
        self.len = if header.rsv != 0 {
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
        transformed: bool,
    ) -> Result<(), ProtocolError> {
        // §5.4: a continuation belongs to a message started before.
        if self.kind.is_none() {
            return Err(ProtocolError::UnexpectedContinuation);
        }
        if self.fragments.saturating_add(1) > config.max_fragments {
            return Err(ProtocolError::TooManyFragments);
        }
        if !transformed && self.len.saturating_add(header.payload_len) > config.max_message_len {
            return Err(ProtocolError::MessageTooLarge);
        }
        Ok(())
    }

    /// A continuation frame continues the message (after
    /// [`check_continue`](Self::check_continue)).
    #[inline]
    pub(super) fn continue_with(&mut self, header: &Header, transformed: bool) {
        self.frame = header.opcode;
        self.frame_fin = header.fin;
        self.fragments = self.fragments.saturating_add(1);
        if !transformed {
            self.len = self.len.saturating_add(header.payload_len);
        }
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
