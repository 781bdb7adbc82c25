//! The `Sec-WebSocket-Key` and `Sec-WebSocket-Accept` values (RFC 6455 §1.3,
//! §4.1, §4.2.2).

use core::fmt;

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
        encode_base64(&nonce, &mut out);
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
    encode_base64(&sha1.digest().bytes(), &mut out);
    AcceptKey(out)
}

/// The base64 alphabet (RFC 4648 §4).
const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Writes the padded base64 of `input` (RFC 4648 §4) into `out`, which holds
/// four characters per three bytes, rounded up: the 24 of a key, the 28 of an
/// accept value. (Two fixed sizes do not justify a general codec's code.)
fn encode_base64(input: &[u8], out: &mut [u8]) {
    for (chunk, quad) in input.chunks(3).zip(out.chunks_mut(4)) {
        let byte = |i: usize| u32::from(chunk.get(i).copied().unwrap_or(0));
        let bits = byte(0) << 16 | byte(1) << 8 | byte(2);
        for (i, char) in quad.iter_mut().enumerate() {
            // A chunk of n bytes gives n + 1 characters, then padding.
            *char = if i <= chunk.len() {
                BASE64[(bits >> (18 - 6 * i)) as usize & 63]
            } else {
                b'='
            };
        }
    }
}

/// Whether a `Sec-WebSocket-Key` value is the base64 of exactly 16 bytes
/// (§4.2.1 item 5), in the canonical form: 22 characters, of which the last
/// carries 2 bits and so leaves the 4 low ones zero (`A`, `Q`, `g` or `w`),
/// then `==`.
pub(crate) fn is_key(value: &[u8]) -> bool {
    match value {
        [chars @ .., last, b'=', b'='] if chars.len() == 21 => {
            chars
                .iter()
                .all(|&c| c.is_ascii_alphanumeric() || c == b'+' || c == b'/')
                && matches!(last, b'A' | b'Q' | b'g' | b'w')
        }
        _ => false,
    }
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
        assert!(is_key(key.as_str().as_bytes()));
    }

    #[test]
    fn is_key_rejects_wrong_lengths_and_noncanonical_padding() {
        assert!(!is_key(b""));
        assert!(!is_key(b"dGhlIHNhbXBsZSBub25jZQ")); // no padding
        assert!(!is_key(b"dGhlIHNhbXBsZSBub25jZR==")); // trailing bits
        assert!(!is_key(b"dGhlIHNhbXBsZSBub25jZQ=!"));
        assert!(!is_key(b"dGhlIHNhbXBsZSBub25jZXg=")); // 17 bytes
        assert!(!is_key(b"AAAAAAAAAAAAAAAAAAAAAAAA")); // 18 bytes
        assert!(!is_key(b"dGhlIHNhbXBsZSBub25jZQ==\r"));
        assert!(!is_key(b"dGhlIHNhbXBsZSBub25j-Q==")); // URL-safe alphabet
    }

    /// The encoder and the key check against the `base64` crate: every
    /// length up to 21 bytes with random contents, and keys with every byte
    /// at every position.
    #[test]
    fn base64_agrees_with_the_base64_crate() {
        use base64::engine::general_purpose::STANDARD;
        use base64::Engine as _;

        let mut state: u32 = 0x9e37_79b9;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state
        };
        for len in 0..=21usize {
            for _ in 0..200 {
                let input: std::vec::Vec<u8> = (0..len).map(|_| next() as u8).collect();
                let mut ours = std::vec![0; len.div_ceil(3) * 4];
                encode_base64(&input, &mut ours);
                assert_eq!(ours, STANDARD.encode(&input).into_bytes());
            }
        }
        let decodes_to_16 = |v: &[u8]| STANDARD.decode(v).is_ok_and(|d| d.len() == 16);
        for _ in 0..100 {
            let nonce: [u8; 16] = core::array::from_fn(|_| next() as u8);
            let key = *ClientKey::from_nonce(nonce)
                .as_str()
                .as_bytes()
                .first_chunk::<24>()
                .unwrap();
            assert!(is_key(&key));
            for at in 0..24 {
                for byte in 0..=255 {
                    let mut v = key;
                    v[at] = byte;
                    assert_eq!(is_key(&v), decodes_to_16(&v), "{v:?}");
                }
            }
            assert_eq!(is_key(&key[..23]), decodes_to_16(&key[..23]));
        }
    }
}
