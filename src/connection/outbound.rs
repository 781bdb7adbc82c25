//! The message being sent: its kind while it is fragmented, and the UTF-8
//! state of its text (RFC 6455 §5.4, §5.6).

use crate::error::UsageError;
use crate::frame::{Fragment, Opcode};
use crate::message::MessageKind;
use crate::utf8::Utf8Validator;

#[derive(Clone, Copy)]
pub(super) struct Outbound {
    /// The kind of the fragmented message being sent, if any.
    kind: Option<MessageKind>,
    /// UTF-8 state of the text message being sent, `None` if unknown (a
    /// payload written by the caller after `send_header`).
    utf8: Option<Utf8Validator>,
    /// The fragmented message being sent is transformed by the extension.
    pub(super) transformed: bool,
}

impl Outbound {
    pub(super) const fn new() -> Self {
        Outbound {
            kind: None,
            utf8: Some(Utf8Validator::new()),
            transformed: false,
        }
    }

    /// The kind of the fragmented message being sent, if any.
    pub(super) const fn kind(&self) -> Option<MessageKind> {
        self.kind
    }

    /// The opcode for the next data frame, checking the fragmentation order
    /// (§5.4): a fragmented message goes on with continuations of its own
    /// kind, and nothing else starts until it ends.
    pub(super) fn next_opcode(
        &self,
        kind: MessageKind,
        fragment: Option<Fragment>,
    ) -> Result<Opcode, UsageError> {
        match (self.kind, fragment) {
            (None, _) => Ok(kind.opcode()),
            (Some(current), Some(_)) if current == kind => Ok(Opcode::Continuation),
            (Some(_), _) => Err(UsageError::MessageInProgress),
        }
    }

    /// §5.6: "the text data MUST be UTF-8", checked across fragments as the
    /// peer will: a fragment may end inside a character that the next one
    /// completes. `whole_chars` says the payload is a `&str`, valid by
    /// itself. Returns the state after this fragment (`None`: unknown), for
    /// [`sent`](Self::sent).
    pub(super) fn check_text(
        &self,
        opcode: Opcode,
        payload: &[u8],
        fragment: Fragment,
        whole_chars: bool,
    ) -> Result<Option<Utf8Validator>, UsageError> {
        let state = match opcode {
            Opcode::Continuation => self.utf8,
            _ => Some(Utf8Validator::new()),
        };
        let Some(mut utf8) = state else {
            return Ok(None);
        };
        let invalid = |_| UsageError::InvalidUtf8;
        if !(whole_chars && utf8.incomplete_len() == 0) {
            utf8.feed(payload).map_err(invalid)?;
        }
        if fragment.is_last() {
            utf8.finish().map_err(invalid)?;
        }
        Ok(Some(utf8))
    }

    /// A frame of a `kind` message was queued; `utf8` is its text state
    /// after the frame (`None` for binary, or text the connection did not
    /// see).
    pub(super) fn sent(
        &mut self,
        kind: MessageKind,
        fragment: Fragment,
        utf8: Option<Utf8Validator>,
    ) {
        self.kind = (!fragment.is_last()).then_some(kind);
        self.transformed &= self.kind.is_some();
        self.utf8 = utf8;
    }
}
