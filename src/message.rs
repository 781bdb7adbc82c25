//! The kinds of data message (RFC 6455 §5.6).

use crate::frame::Opcode;

/// The kind of a data message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageKind {
    /// UTF-8 text (opcode 0x1).
    Text,
    /// Binary data (opcode 0x2).
    Binary,
}

impl MessageKind {
    /// The opcode of the message's first frame.
    #[must_use]
    pub const fn opcode(self) -> Opcode {
        match self {
            MessageKind::Text => Opcode::Text,
            MessageKind::Binary => Opcode::Binary,
        }
    }

    /// The kind a message's first frame starts, `None` for a control or
    /// continuation opcode.
    #[must_use]
    pub const fn from_opcode(opcode: Opcode) -> Option<Self> {
        match opcode {
            Opcode::Text => Some(MessageKind::Text),
            Opcode::Binary => Some(MessageKind::Binary),
            Opcode::Continuation | Opcode::Close | Opcode::Ping | Opcode::Pong => None,
        }
    }
}
