//! The Close frame payload: a status code and a UTF-8 reason (RFC 6455
//! §5.5.1).

use crate::close_code::CloseCode;
use crate::error::{ProtocolError, UsageError};
use crate::utf8;

/// The most bytes a close reason may have: 125 (control payload limit) minus
/// the 2-byte status code (RFC 6455 §5.5).
pub const MAX_CLOSE_REASON_LEN: usize = 123;

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
            let code = CloseCode::new(u16::from_be_bytes([*hi, *lo]));
            // §7.4: only defined or registered codes may be sent; others are
            // a protocol error on receipt.
            if !code.is_sendable() {
                return Err(ProtocolError::InvalidCloseCode(code.as_u16()));
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
    let (code_bytes, rest) = out.split_at_mut(2);
    code_bytes.copy_from_slice(&code.as_u16().to_be_bytes());
    // `check_close` bounded the reason by the room left (123 bytes).
    if let Some(dest) = rest.get_mut(..reason.len()) {
        dest.copy_from_slice(reason.as_bytes());
    }
    Ok(2 + reason.len())
}

/// Checks that a Close frame with this code and reason may be sent.
pub(crate) fn check_close(code: CloseCode, reason: &str) -> Result<(), UsageError> {
    if !code.is_sendable() {
        return Err(UsageError::InvalidCloseCode(code.as_u16()));
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
