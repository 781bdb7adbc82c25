//! Bytes of HTTP syntax: tokens, field values, host names and optional
//! whitespace (RFC 9110 §5.5, §5.6; RFC 3986 §3.2.2). A leaf: every other
//! handshake file may use it.

/// RFC 9110 §5.6.2: tchar.
pub(crate) const fn is_tchar(b: u8) -> bool {
    matches!(b,
        b'!' | b'#' | b'$' | b'%' | b'&' | b'\'' | b'*' | b'+' | b'-' | b'.'
        | b'^' | b'_' | b'`' | b'|' | b'~' | b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z')
}

/// A byte of a registered host name or IPv4 address (RFC 3986 §3.2.2
/// reg-name: unreserved, pct-encoded or sub-delims).
pub(crate) const fn is_reg_name_byte(b: u8) -> bool {
    // A `matches!`, not a search of a byte string: that links `memchr`.
    matches!(b,
        b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z' | b'-' | b'.' | b'_' | b'~' | b'%'
        | b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+' | b',' | b';' | b'=')
}

/// Whether `bytes` holds `byte`: a plain loop, where `<[u8]>::contains`
/// and `str::contains(char)` link `memchr` (about 200 bytes on a
/// microcontroller) for heads of a few hundred bytes.
#[allow(clippy::manual_contains)] // `contains` is what this avoids
pub(crate) fn has_byte(bytes: &[u8], byte: u8) -> bool {
    bytes.iter().any(|&b| b == byte)
}

/// RFC 9110 §5.6.2: token = 1*tchar.
pub(crate) fn is_token(bytes: &[u8]) -> bool {
    !bytes.is_empty() && bytes.iter().all(|&b| is_tchar(b))
}

/// RFC 9110 §5.5: a byte allowed in a field value (HTAB, SP, VCHAR, obs-text).
pub(crate) const fn is_field_byte(b: u8) -> bool {
    matches!(b, b'\t' | b' ' | 0x21..=0x7e | 0x80..=0xff)
}

/// Removes leading and trailing OWS (SP and HTAB, RFC 9110 §5.6.3).
pub(crate) fn trim_ows(mut bytes: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = bytes {
        bytes = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = bytes {
        bytes = rest;
    }
    bytes
}

/// Views bytes already checked to be ASCII as text.
pub(crate) fn ascii_str(bytes: &[u8]) -> &str {
    core::str::from_utf8(bytes).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reg_name_bytes_are_rfc_3986s() {
        // unreserved / pct-encoded / sub-delims (RFC 3986 §3.2.2, §2.2-2.3)
        let listed = b"-._~%!$&'()*+,;=";
        for b in 0..=255u8 {
            let expected = b.is_ascii_alphanumeric() || listed.contains(&b);
            assert_eq!(is_reg_name_byte(b), expected, "{b:#04x}");
            assert_eq!(has_byte(listed, b), listed.contains(&b));
        }
    }
}
