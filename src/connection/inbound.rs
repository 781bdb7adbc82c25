//! The message being received: its kind, length and fragment count so far,
//! and the UTF-8 state of its text (RFC 6455 §5.4, §8.1).

use crate::config::Config;
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
        }
    }

    /// Frames of the message so far.
    pub(super) const fn fragments(&self) -> u32 {
        self.fragments
    }

    /// A control frame's header arrived (it may sit between fragments).
    pub(super) fn begin_control(&mut self, header: &Header) {
        self.frame = header.opcode;
        self.frame_fin = header.fin;
    }

    /// A Text or Binary frame starts a message.
    pub(super) fn start(
        &mut self,
        kind: MessageKind,
        header: &Header,
        config: &Config,
    ) -> Result<(), ProtocolError> {
        // §5.4: "fragments of one message MUST NOT be interleaved" — a new
        // message cannot start before the previous one's final fragment.
        if self.kind.is_some() {
            return Err(ProtocolError::ExpectedContinuation);
        }
        if header.payload_len > config.max_message_len {
            return Err(ProtocolError::MessageTooLarge);
        }
        self.frame = header.opcode;
        self.frame_fin = header.fin;
        self.kind = Some(kind);
        self.len = header.payload_len;
        self.fragments = 1;
        self.utf8.reset();
        Ok(())
    }

    /// A continuation frame continues the message.
    pub(super) fn continue_with(
        &mut self,
        header: &Header,
        config: &Config,
    ) -> Result<(), ProtocolError> {
        // §5.4: a continuation belongs to a message started before.
        if self.kind.is_none() {
            return Err(ProtocolError::UnexpectedContinuation);
        }
        let fragments = self.fragments.saturating_add(1);
        if fragments > config.max_fragments {
            return Err(ProtocolError::TooManyFragments);
        }
        let len = self.len.saturating_add(header.payload_len);
        if len > config.max_message_len {
            return Err(ProtocolError::MessageTooLarge);
        }
        self.frame = header.opcode;
        self.frame_fin = header.fin;
        self.fragments = fragments;
        self.len = len;
        Ok(())
    }

    /// The message's last frame has been taken in (`fin`), or not.
    pub(super) fn set_complete(&mut self, complete: bool) {
        self.complete = complete;
    }

    /// The message was delivered in full, or abandoned (a Close arrived).
    pub(super) fn finish(&mut self) {
        self.kind = None;
        self.complete = false;
    }
}
