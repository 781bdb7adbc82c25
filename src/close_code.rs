//! Close status codes (RFC 6455 §7.4): a leaf, so that errors can carry the
//! code to close with and the Close payload code can report errors.

use core::fmt;

/// A close status code (RFC 6455 §7.4).
///
/// An open newtype: every `u16` can be represented, the registered codes have
/// named constants, and [`is_sendable`](Self::is_sendable) tells whether a code
/// may appear in a Close frame on the wire.
///
/// # Examples
///
/// ```
/// use rfc6455::CloseCode;
///
/// assert_eq!(CloseCode::NORMAL.as_u16(), 1000);
/// assert!(CloseCode::new(4001).is_sendable());
/// assert!(!CloseCode::NO_STATUS.is_sendable());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CloseCode(u16);

impl CloseCode {
    /// 1000: normal closure; the purpose of the connection is fulfilled.
    pub const NORMAL: CloseCode = CloseCode(1000);
    /// 1001: the endpoint is going away (server shutdown, page navigation).
    pub const GOING_AWAY: CloseCode = CloseCode(1001);
    /// 1002: the endpoint received a frame that breaks the protocol.
    pub const PROTOCOL_ERROR: CloseCode = CloseCode(1002);
    /// 1003: the endpoint received a type of data it cannot accept.
    pub const UNSUPPORTED_DATA: CloseCode = CloseCode(1003);
    /// 1005: no status code was present. Never sent on the wire.
    pub const NO_STATUS: CloseCode = CloseCode(1005);
    /// 1006: the connection closed without a Close frame. Never sent on the wire.
    pub const ABNORMAL: CloseCode = CloseCode(1006);
    /// 1007: a message's data was not consistent with its type (bad UTF-8).
    pub const INVALID_PAYLOAD: CloseCode = CloseCode(1007);
    /// 1008: a message violated the endpoint's policy.
    pub const POLICY_VIOLATION: CloseCode = CloseCode(1008);
    /// 1009: a message was too big to process.
    pub const MESSAGE_TOO_BIG: CloseCode = CloseCode(1009);
    /// 1010: the client expected the server to negotiate an extension.
    pub const MANDATORY_EXTENSION: CloseCode = CloseCode(1010);
    /// 1011: the server met an unexpected condition.
    pub const INTERNAL_ERROR: CloseCode = CloseCode(1011);
    /// 1012: the service is restarting.
    pub const SERVICE_RESTART: CloseCode = CloseCode(1012);
    /// 1013: try again later (temporary overload).
    pub const TRY_AGAIN_LATER: CloseCode = CloseCode(1013);
    /// 1014: a gateway or proxy received an invalid upstream response.
    pub const BAD_GATEWAY: CloseCode = CloseCode(1014);
    /// 1015: the TLS handshake failed. Never sent on the wire.
    pub const TLS_HANDSHAKE: CloseCode = CloseCode(1015);

    /// Wraps a raw code. Any value is representable; see
    /// [`is_sendable`](Self::is_sendable) for which may be sent.
    #[must_use]
    pub const fn new(code: u16) -> Self {
        CloseCode(code)
    }

    /// The raw value.
    #[must_use]
    pub const fn as_u16(self) -> u16 {
        self.0
    }

    /// Whether the code may appear in a Close frame (RFC 6455 §7.4.1, §7.4.2,
    /// and the IANA registry): 1000–1003, 1007–1014 and 3000–4999.
    ///
    /// Received codes outside this set fail the connection with 1002; sending
    /// one is a [`UsageError::InvalidCloseCode`](crate::UsageError::InvalidCloseCode).
    #[must_use]
    pub const fn is_sendable(self) -> bool {
        matches!(self.0, 1000..=1003 | 1007..=1014 | 3000..=4999)
    }

    /// Whether the code is in 4000–4999, reserved for private use (§7.4.2).
    #[must_use]
    pub const fn is_private(self) -> bool {
        matches!(self.0, 4000..=4999)
    }

    /// Whether the code is one defined by RFC 6455 itself or the IANA registry
    /// (1000–1015).
    #[must_use]
    pub const fn is_standard(self) -> bool {
        matches!(self.0, 1000..=1015)
    }
}

impl fmt::Debug for CloseCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CloseCode({})", self.0)
    }
}

impl fmt::Display for CloseCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl From<u16> for CloseCode {
    fn from(code: u16) -> Self {
        CloseCode(code)
    }
}

impl From<CloseCode> for u16 {
    fn from(code: CloseCode) -> Self {
        code.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_validity_matches_the_rfc_ranges() {
        for code in 0..=u16::MAX {
            let expected = matches!(code, 1000..=1003 | 1007..=1014 | 3000..=4999);
            assert_eq!(CloseCode::new(code).is_sendable(), expected, "{code}");
        }
        for bad in [0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000] {
            assert!(!CloseCode::new(bad).is_sendable(), "{bad}");
        }
    }
}
