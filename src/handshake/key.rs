//! The `Sec-WebSocket-Key` and `Sec-WebSocket-Accept` values (RFC 6455 §1.3,
//! §4.1, §4.2.2).

use core::fmt;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

use super::token::trim_ows;

/// The GUID that RFC 6455 §1.3 appends to the key before hashing.
pub const WEBSOCKET_GUID: &str = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/// A `Sec-WebSocket-Key`: the base64 form of the client's 16-byte nonce.
///
/// RFC 6455 §4.1: "a randomly selected 16-byte value that has been
/// base64-encoded". The nonce comes from the caller (a [`KeySource`]).
///
/// [`KeySource`]: crate::KeySource
///
/// # Examples
///
/// ```
/// use rfc6455::ClientKey;
///
/// let key = ClientKey::from_nonce(*b"the sample nonce");
/// assert_eq!(key.as_str(), "dGhlIHNhbXBsZSBub25jZQ==");
/// assert_eq!(key.accept().as_str(), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClientKey([u8; 24]);

impl ClientKey {
    /// Encodes a 16-byte nonce.
    #[must_use]
    pub fn from_nonce(nonce: [u8; 16]) -> Self {
        let mut out = [0; 24];
        // 16 bytes always encode to exactly 24 characters.
        let _ = STANDARD.encode_slice(nonce, &mut out);
        ClientKey(out)
    }

    /// The key as sent in `Sec-WebSocket-Key`.
    #[must_use]
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// The `Sec-WebSocket-Accept` value a server must answer with.
    #[must_use]
    pub fn accept(&self) -> AcceptKey {
        accept_key(&self.0)
    }
}

impl fmt::Debug for ClientKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ClientKey").field(&self.as_str()).finish()
    }
}

impl fmt::Display for ClientKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A `Sec-WebSocket-Accept` value: 28 base64 characters.
///
/// Computed by [`accept_key`]; compare it with what a server sent, or write it.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct AcceptKey([u8; 28]);

impl AcceptKey {
    /// The value as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// The value as bytes.
    #[must_use]
    pub const fn as_bytes(&self) -> &[u8; 28] {
        &self.0
    }
}

impl fmt::Debug for AcceptKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("AcceptKey").field(&self.as_str()).finish()
    }
}

impl fmt::Display for AcceptKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Computes `Sec-WebSocket-Accept` from a `Sec-WebSocket-Key` value.
///
/// RFC 6455 §4.2.2: the base64 of the SHA-1 of the key (without leading or
/// trailing whitespace) followed by [`WEBSOCKET_GUID`]. No allocation.
///
/// # Examples
///
/// ```
/// use rfc6455::accept_key;
///
/// // RFC 6455 §1.3
/// let accept = accept_key(b"dGhlIHNhbXBsZSBub25jZQ==");
/// assert_eq!(accept.as_str(), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
/// ```
#[must_use]
pub fn accept_key(key: &[u8]) -> AcceptKey {
    let mut sha1 = sha1_smol::Sha1::new();
    sha1.update(trim_ows(key));
    sha1.update(WEBSOCKET_GUID.as_bytes());
    let mut out = [0; 28];
    // 20 bytes always encode to exactly 28 characters.
    let _ = STANDARD.encode_slice(sha1.digest().bytes(), &mut out);
    AcceptKey(out)
}

/// Decodes a `Sec-WebSocket-Key` value; `None` unless it is base64 of exactly
/// 16 bytes.
pub(crate) fn decode_key(value: &[u8]) -> Option<[u8; 16]> {
    // 16 bytes encode to 24 characters; checking first bounds the work.
    if value.len() != 24 {
        return None;
    }
    let mut out = [0; 18];
    let n = STANDARD.decode_slice(value, &mut out).ok()?;
    let bytes = out.get(..n)?;
    bytes.try_into().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc6455_section_1_3_accept_vector() {
        let accept = accept_key(b"dGhlIHNhbXBsZSBub25jZQ==");
        assert_eq!(accept.as_str(), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
        assert_eq!(accept.as_bytes(), b"s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
        // Whitespace around the header value is not part of the key.
        assert_eq!(accept_key(b" dGhlIHNhbXBsZSBub25jZQ==\t"), accept);
    }

    #[test]
    fn client_key_from_nonce() {
        let key = ClientKey::from_nonce(*b"the sample nonce");
        assert_eq!(key.as_str(), "dGhlIHNhbXBsZSBub25jZQ==");
        assert_eq!(key.accept().as_str(), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
        assert_eq!(
            decode_key(key.as_str().as_bytes()),
            Some(*b"the sample nonce")
        );
    }

    #[test]
    fn decode_key_rejects_wrong_lengths_and_noncanonical_padding() {
        assert_eq!(decode_key(b""), None);
        assert_eq!(decode_key(b"dGhlIHNhbXBsZSBub25jZQ"), None); // no padding
        assert_eq!(decode_key(b"dGhlIHNhbXBsZSBub25jZR=="), None); // trailing bits
        assert_eq!(decode_key(b"dGhlIHNhbXBsZSBub25jZQ=!"), None);
        assert_eq!(decode_key(b"dGhlIHNhbXBsZSBub25jZXg="), None); // 17 bytes
        assert_eq!(decode_key(b"AAAAAAAAAAAAAAAAAAAAAAAA"), None); // 18 bytes
    }
}
