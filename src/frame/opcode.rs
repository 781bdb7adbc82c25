//! The opcode and the FIN bit of a frame (RFC 6455 §5.2).

use super::CONTROL_BIT;
use crate::error::ProtocolError;

/// A frame's opcode (RFC 6455 §5.2). A closed set: the reserved values
/// 0x3–0x7 and 0xB–0xF are rejected with [`ProtocolError::ReservedOpcode`].
///
/// # Examples
///
/// ```
/// use rfc6455::Opcode;
///
/// assert_eq!(Opcode::try_from(0x9), Ok(Opcode::Ping));
/// assert!(Opcode::Ping.is_control());
/// assert!(Opcode::try_from(0x3).is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Opcode {
    /// 0x0: a continuation of a fragmented message.
    Continuation,
    /// 0x1: the first frame of a text message.
    Text,
    /// 0x2: the first frame of a binary message.
    Binary,
    /// 0x8: connection close.
    Close,
    /// 0x9: ping.
    Ping,
    /// 0xA: pong.
    Pong,
}

impl Opcode {
    /// The 4-bit wire value.
    #[must_use]
    pub const fn as_u8(self) -> u8 {
        match self {
            Opcode::Continuation => 0x0,
            Opcode::Text => 0x1,
            Opcode::Binary => 0x2,
            Opcode::Close => 0x8,
            Opcode::Ping => 0x9,
            Opcode::Pong => 0xa,
        }
    }

    /// Whether this is a control opcode (Close, Ping, Pong): most significant
    /// opcode bit set (§5.5).
    #[must_use]
    pub const fn is_control(self) -> bool {
        self.as_u8() & CONTROL_BIT != 0
    }

    /// Whether this opcode carries message data (Continuation, Text, Binary).
    #[must_use]
    pub const fn is_data(self) -> bool {
        !self.is_control()
    }
}

impl TryFrom<u8> for Opcode {
    type Error = ProtocolError;

    #[inline]
    fn try_from(value: u8) -> Result<Self, ProtocolError> {
        // A table, not a `match`: one load instead of an indirect jump on
        // the hottest path of the decoder.
        const OPCODES: [Option<Opcode>; 16] = {
            let mut t = [None; 16];
            t[0x0] = Some(Opcode::Continuation);
            t[0x1] = Some(Opcode::Text);
            t[0x2] = Some(Opcode::Binary);
            t[0x8] = Some(Opcode::Close);
            t[0x9] = Some(Opcode::Ping);
            t[0xa] = Some(Opcode::Pong);
            t
        };
        // §5.2: reserved opcodes; "If an unknown opcode is received, the
        // receiving endpoint MUST _Fail the WebSocket Connection_."
        match OPCODES.get(usize::from(value)) {
            Some(Some(opcode)) => Ok(*opcode),
            _ => Err(ProtocolError::ReservedOpcode(value)),
        }
    }
}

/// Whether a frame ends its message (the FIN bit, RFC 6455 §5.2).
///
/// # Examples
///
/// ```
/// use rfc6455::{Encoder, Fragment, Opcode};
///
/// // "Hel" + "lo", as in RFC 6455 §5.7.
/// let mut enc = Encoder::server();
/// let mut out = [0u8; 16];
/// let n = enc.frame(Opcode::Text, b"Hel", Fragment::More, &mut out)?;
/// assert_eq!(&out[..n], b"\x01\x03Hel");
/// let n = enc.frame(Opcode::Continuation, b"lo", Fragment::Last, &mut out)?;
/// assert_eq!(&out[..n], b"\x80\x02lo");
/// # Ok::<(), rfc6455::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Fragment {
    /// More frames of this message follow (FIN clear).
    More,
    /// This frame ends the message (FIN set).
    Last,
}

impl Fragment {
    /// `Last` when `fin` is set.
    #[must_use]
    pub const fn from_fin(fin: bool) -> Self {
        if fin {
            Fragment::Last
        } else {
            Fragment::More
        }
    }

    /// Whether this is [`Fragment::Last`].
    #[must_use]
    pub const fn is_last(self) -> bool {
        matches!(self, Fragment::Last)
    }
}
