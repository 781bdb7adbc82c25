//! Close codes and the Close frame payload (RFC 6455 §5.5.1, §7.4).

use core::fmt;

use crate::error::{ProtocolError, UsageError};
use crate::utf8;

/// The most bytes a close reason may have: 125 (control payload limit) minus
/// the 2-byte status code (RFC 6455 §5.5).
pub const MAX_CLOSE_REASON_LEN: usize = 123;

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
    /// one is a [`UsageError::InvalidCloseCode`].
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

/// Parses a received Close payload (RFC 6455 §5.5.1).
///
/// Returns `None` for an empty payload (no status code: report it as
/// [`CloseCode::NO_STATUS`]) and `Some((code, reason))` otherwise.
///
/// # Errors
///
/// - 1-byte payload: [`ProtocolError::InvalidClosePayload`].
/// - A code that [may not be sent](CloseCode::is_sendable):
///   [`ProtocolError::InvalidCloseCode`].
/// - A reason that is not UTF-8: [`ProtocolError::InvalidCloseReason`].
///
/// # Examples
///
/// ```
/// use rfc6455::{parse_close_payload, CloseCode};
///
/// let (code, reason) = parse_close_payload(b"\x03\xe8bye")?.unwrap();
/// assert_eq!((code, reason), (CloseCode::NORMAL, "bye"));
/// assert_eq!(parse_close_payload(b"")?, None);
/// # Ok::<(), rfc6455::ProtocolError>(())
/// ```
pub fn parse_close_payload(payload: &[u8]) -> Result<Option<(CloseCode, &str)>, ProtocolError> {
    match payload {
        [] => Ok(None),
        // §5.5.1: if there is a body, its first two bytes MUST be a status code.
        [_] => Err(ProtocolError::InvalidClosePayload),
        [hi, lo, reason @ ..] => {
            let code = CloseCode(u16::from_be_bytes([*hi, *lo]));
            // §7.4: only defined or registered codes may be sent; others are
            // a protocol error on receipt.
            if !code.is_sendable() {
                return Err(ProtocolError::InvalidCloseCode(code.0));
            }
            // §5.5.1: the body after the code is UTF-8-encoded data.
            let reason = utf8::validate(reason).map_err(|_| ProtocolError::InvalidCloseReason)?;
            Ok(Some((code, reason)))
        }
    }
}

/// Writes a Close payload (status code then reason) into `out` and returns its
/// length.
///
/// # Errors
///
/// - `code` may not be sent: [`UsageError::InvalidCloseCode`].
/// - `reason` is longer than [`MAX_CLOSE_REASON_LEN`] bytes:
///   [`UsageError::CloseReasonTooLong`] (see [`truncate_reason`] to cut it).
///
/// # Examples
///
/// ```
/// use rfc6455::{encode_close_payload, CloseCode};
///
/// let mut out = [0u8; 125];
/// let n = encode_close_payload(CloseCode::GOING_AWAY, "restart", &mut out)?;
/// assert_eq!(&out[..n], b"\x03\xe9restart");
/// # Ok::<(), rfc6455::UsageError>(())
/// ```
pub fn encode_close_payload(
    code: CloseCode,
    reason: &str,
    out: &mut [u8; 125],
) -> Result<usize, UsageError> {
    check_close(code, reason)?;
    out[..2].copy_from_slice(&code.0.to_be_bytes());
    out[2..2 + reason.len()].copy_from_slice(reason.as_bytes());
    Ok(2 + reason.len())
}

/// Checks that a Close frame with this code and reason may be sent.
pub(crate) fn check_close(code: CloseCode, reason: &str) -> Result<(), UsageError> {
    if !code.is_sendable() {
        return Err(UsageError::InvalidCloseCode(code.0));
    }
    if reason.len() > MAX_CLOSE_REASON_LEN {
        return Err(UsageError::CloseReasonTooLong);
    }
    Ok(())
}

/// Cuts `reason` to at most [`MAX_CLOSE_REASON_LEN`] bytes at a character
/// boundary, for callers who prefer truncation to an error.
///
/// # Examples
///
/// ```
/// use rfc6455::truncate_reason;
///
/// let long = "é".repeat(100); // 200 bytes
/// let cut = truncate_reason(&long);
/// assert_eq!(cut.len(), 122); // 61 whole characters
/// ```
#[must_use]
pub fn truncate_reason(reason: &str) -> &str {
    if reason.len() <= MAX_CLOSE_REASON_LEN {
        return reason;
    }
    let mut end = MAX_CLOSE_REASON_LEN;
    while !reason.is_char_boundary(end) {
        end -= 1;
    }
    &reason[..end]
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

    #[test]
    fn parse_empty_one_byte_and_codes() {
        assert_eq!(parse_close_payload(b""), Ok(None));
        assert_eq!(
            parse_close_payload(b"\x03"),
            Err(ProtocolError::InvalidClosePayload)
        );
        assert_eq!(
            parse_close_payload(b"\x03\xe8"),
            Ok(Some((CloseCode::NORMAL, "")))
        );
        assert_eq!(
            parse_close_payload(b"\x03\xed"),
            Err(ProtocolError::InvalidCloseCode(1005))
        );
        assert_eq!(
            parse_close_payload(b"\x03\xee"),
            Err(ProtocolError::InvalidCloseCode(1006))
        );
        assert_eq!(
            parse_close_payload(b"\x0f\xa0"),
            Ok(Some((CloseCode::new(4000), "")))
        );
        assert_eq!(
            parse_close_payload(b"\x13\x88"),
            Err(ProtocolError::InvalidCloseCode(5000))
        );
    }

    #[test]
    fn parse_rejects_bad_reason_utf8() {
        assert_eq!(
            parse_close_payload(
                b"\x03\xe8\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80"
            ),
            Err(ProtocolError::InvalidCloseReason)
        );
        assert_eq!(
            parse_close_payload(b"\x03\xe8ok\xff"),
            Err(ProtocolError::InvalidCloseReason)
        );
    }

    #[test]
    fn encode_round_trips_and_checks_limits() {
        let mut out = [0u8; 125];
        let reason = "x".repeat(MAX_CLOSE_REASON_LEN);
        let n = encode_close_payload(CloseCode::new(3000), &reason, &mut out).unwrap();
        assert_eq!(n, 125);
        assert_eq!(
            parse_close_payload(&out[..n]),
            Ok(Some((CloseCode::new(3000), reason.as_str())))
        );
        let too_long = "x".repeat(MAX_CLOSE_REASON_LEN + 1);
        assert_eq!(
            encode_close_payload(CloseCode::NORMAL, &too_long, &mut out),
            Err(UsageError::CloseReasonTooLong)
        );
        for bad in [1005, 1006, 1015, 999, 5000, 2000] {
            assert_eq!(
                encode_close_payload(CloseCode::new(bad), "", &mut out),
                Err(UsageError::InvalidCloseCode(bad))
            );
        }
    }

    #[test]
    fn truncate_keeps_whole_characters() {
        assert_eq!(truncate_reason("short"), "short");
        let s = "€".repeat(50); // 3 bytes each
        let cut = truncate_reason(&s);
        assert_eq!(cut.len(), 123);
        let s = "é".repeat(100);
        assert_eq!(truncate_reason(&s).len(), 122);
    }
}
