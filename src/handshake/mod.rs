//! The opening handshake (RFC 6455 §4): an HTTP/1.1 upgrade, sans-IO.
//!
//! Everything here works on caller buffers, borrows from its input, and never
//! allocates. The two sides:
//!
//! ```text
//! client                                   server
//! ClientRequest::write(nonce, out) ──GET──► HeadScanner::scan(buf)   (Partial until CRLFCRLF)
//!                                           Request::parse(buf)      (§4.2.1 checks)
//!                                           app: origin? subprotocol?
//! HeadScanner::scan(buf)          ◄──101─── Request::accept(..) / Rejection::write(..)
//! validate_response(buf, our_request)
//!   → Negotiated (subprotocol, extensions)
//! ```
//!
//! - [`HeadScanner`] finds the end of a head in a buffer that grows with each
//!   read, remembering how far it looked, so feeding a head one byte at a time
//!   costs linear time. It also enforces [`HeadLimits`] early.
//! - [`RequestHead`] and [`ResponseHead`] are validated HTTP/1.1 views that
//!   re-walk their header lines lazily (no header array, no allocator).
//! - [`Request`] is an upgrade request that passed every check of RFC 6455
//!   §4.2.1; [`Request::accept`] writes the `101` response and
//!   [`Rejection`] writes any refusal.
//! - [`ClientRequest`] writes the client's upgrade request and
//!   [`validate_response`] checks the server's answer (§4.1) against the very
//!   bytes that were sent, so a caller keeps no other state.
//!
//! Every parse reports the head's length. Bytes after it (frames a peer sent
//! without waiting) belong to the frame layer and are never consumed here.
//!
//! # Strictness
//!
//! Lines end in CRLF only; a bare CR or bare LF, a NUL byte, obs-fold (a
//! header line starting with whitespace), whitespace before a header's colon,
//! non-token characters in a method or header name, non-visible-ASCII in the
//! request target, and control characters in header values are all rejected
//! with `400`. Header values may contain obs-text (bytes 0x80–0xFF, RFC 9110
//! §5.5), so they are exposed as bytes. Limits give `431`, a wrong or missing
//! `Sec-WebSocket-Version` gives `426` with `Sec-WebSocket-Version: 13`
//! (RFC 6455 §4.4). A method other than `GET` gets `400`, as RFC 6455 §4.2.1
//! suggests ("such as 400 Bad Request"); `405` would oblige an `Allow` header.

use core::fmt;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

mod client;
mod extensions;
mod headers;
mod http;
mod negotiated;
mod response;
mod scan;
mod server;

pub(crate) use negotiated::is_interim;

pub use crate::Status;
pub use client::{ClientRequest, Scheme};
pub use extensions::{ExtensionOffer, ExtensionOffers, ExtensionParam, ExtensionParams};
pub use headers::{List, Values};
pub use http::{HeadLimits, HeadScanner, Header, Headers, RequestHead, ResponseHead};
pub use negotiated::{validate_response, Negotiated};
pub use response::Rejection;
pub use server::{Accept, Request, Subprotocols};

/// The GUID that RFC 6455 §1.3 appends to the key before hashing.
pub const WEBSOCKET_GUID: &str = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/// The only WebSocket version this crate speaks (RFC 6455 §4.1: `13`).
pub const WEBSOCKET_VERSION: &str = "13";

/// The opening handshake failed.
///
/// Variants name the rule that was broken. [`status`](Self::status) is the
/// HTTP status a server answers with ([`Rejection::from`] writes that answer).
/// Errors found by a client in the server's response (the last group) have no
/// HTTP answer: the client fails the connection (§4.1); their `status` is
/// `400` only so that the method is total.
///
/// # Examples
///
/// ```
/// use rfc6455::handshake::{HandshakeError, HeadLimits, Request};
///
/// let head = b"GET /chat HTTP/1.1\r\nHost: example.com\r\nUpgrade: websocket\r\n\
///              Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";
/// let err = Request::parse(head, HeadLimits::new()).unwrap_err();
/// assert_eq!(err, HandshakeError::UnsupportedWebSocketVersion);
/// assert_eq!(err.status(), 426);
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HandshakeError {
    /// The head grew past [`HeadLimits::max_head_len`] before its blank line.
    HeadTooLarge,
    /// The head has more header lines than [`HeadLimits::max_headers`].
    TooManyHeaders,
    /// A CR not followed by LF, or an LF not preceded by CR (RFC 9112 §2.2).
    InvalidLineEnding,
    /// A NUL byte in the head (RFC 9110 §5.5).
    NulByte,
    /// A header line starts with whitespace: obsolete line folding, or
    /// whitespace before the first header (RFC 9112 §5.2, §2.2).
    ObsFold,
    /// The request line is not `method SP request-target SP HTTP-version`.
    InvalidRequestLine,
    /// The status line is not `HTTP-version SP 3DIGIT SP reason`.
    InvalidStatusLine,
    /// A header name is empty, is not a token, or is followed by whitespace
    /// before its colon (RFC 9112 §5.1).
    InvalidHeaderName,
    /// A header value contains a control character (RFC 9110 §5.5), or a
    /// header read by this crate (such as `Origin`) is duplicated or not text.
    InvalidHeaderValue,
    /// Not HTTP/1.1 or later (RFC 6455 §4.2.1 item 1).
    UnsupportedHttpVersion,
    /// The method is not `GET` (RFC 6455 §4.2.1 item 1).
    MethodNotGet,
    /// The request target is neither a path (`/chat?x=1`) nor an absolute
    /// `http(s)`/`ws(s)` URI, or carries a fragment (RFC 6455 §3, §4.2.1).
    InvalidRequestTarget,
    /// No `Host` header (RFC 6455 §4.2.1 item 2).
    MissingHost,
    /// More than one `Host`, or an empty or malformed one (RFC 9112 §3.2).
    InvalidHost,
    /// The request declares content (`Transfer-Encoding`, or a
    /// `Content-Length` other than `0`). An upgrade request has none, and
    /// body bytes would otherwise be read as frames (RFC 9112 §6).
    RequestBody,
    /// No `Upgrade` header with the `websocket` token (§4.2.1 item 3, §4.1).
    MissingUpgrade,
    /// No `Connection` header with the `Upgrade` token (§4.2.1 item 4, §4.1).
    MissingConnectionUpgrade,
    /// `Sec-WebSocket-Version` is missing, repeated or not `13`
    /// (§4.2.1 item 6). Answered with `426` and `Sec-WebSocket-Version: 13`.
    UnsupportedWebSocketVersion,
    /// No `Sec-WebSocket-Key` (§4.2.1 item 5).
    MissingKey,
    /// `Sec-WebSocket-Key` is repeated, or is not base64 of exactly 16 bytes
    /// (§4.2.1 item 5).
    InvalidKey,
    /// `Sec-WebSocket-Protocol` is not a list of tokens (§4.1), or a response
    /// selected more than one (§4.2.2).
    InvalidSubprotocols,
    /// `Sec-WebSocket-Extensions` does not follow the grammar of §9.1.
    InvalidExtensions,
    /// The server answered with this status instead of `101` (§4.1). The
    /// response head can still be parsed with [`ResponseHead::parse`] to
    /// read `Location`, `WWW-Authenticate` and so on.
    UnexpectedStatus(u16),
    /// `Sec-WebSocket-Accept` is missing, repeated, or does not match the key
    /// that was sent (§4.1).
    AcceptMismatch,
    /// The server selected a subprotocol the client did not offer (§4.1).
    SubprotocolNotOffered,
    /// The server accepted an extension the client did not offer (§4.1).
    ExtensionNotOffered,
    /// The server accepted an offered extension that the connection does not
    /// implement, so it could not read the frames that follow.
    UnsupportedExtension,
    /// The transport ended before the handshake completed.
    TransportClosed,
}

impl HandshakeError {
    /// The HTTP status a server answers this error with.
    ///
    /// `431` for the size limits, `426` for the WebSocket version (RFC 6455
    /// §4.4), `400` for everything else.
    ///
    /// # Examples
    ///
    /// ```
    /// use rfc6455::handshake::HandshakeError;
    ///
    /// assert_eq!(HandshakeError::TooManyHeaders.status(), 431);
    /// assert_eq!(HandshakeError::MissingKey.status(), 400);
    /// ```
    #[must_use]
    pub const fn status(&self) -> u16 {
        match self {
            HandshakeError::HeadTooLarge | HandshakeError::TooManyHeaders => 431,
            HandshakeError::UnsupportedWebSocketVersion => 426,
            _ => 400,
        }
    }

    /// A short plain-text reason, used as the body of an error response.
    #[must_use]
    pub const fn reason(&self) -> &'static str {
        match self {
            HandshakeError::HeadTooLarge => "request head too large",
            HandshakeError::TooManyHeaders => "too many header fields",
            HandshakeError::InvalidLineEnding => "lines must end in CRLF",
            HandshakeError::NulByte => "NUL byte in head",
            HandshakeError::ObsFold => "header line starts with whitespace",
            HandshakeError::InvalidRequestLine => "malformed request line",
            HandshakeError::InvalidStatusLine => "malformed status line",
            HandshakeError::InvalidHeaderName => "malformed header name",
            HandshakeError::InvalidHeaderValue => "malformed header value",
            HandshakeError::UnsupportedHttpVersion => "HTTP/1.1 or later required",
            HandshakeError::MethodNotGet => "method must be GET",
            HandshakeError::InvalidRequestTarget => "malformed request target",
            HandshakeError::MissingHost => "missing Host",
            HandshakeError::InvalidHost => "malformed or repeated Host",
            HandshakeError::RequestBody => "an upgrade request has no body",
            HandshakeError::MissingUpgrade => "Upgrade must be websocket",
            HandshakeError::MissingConnectionUpgrade => "Connection must include Upgrade",
            HandshakeError::UnsupportedWebSocketVersion => "Sec-WebSocket-Version must be 13",
            HandshakeError::MissingKey => "missing Sec-WebSocket-Key",
            HandshakeError::InvalidKey => "Sec-WebSocket-Key must be base64 of 16 bytes",
            HandshakeError::InvalidSubprotocols => "malformed Sec-WebSocket-Protocol",
            HandshakeError::InvalidExtensions => "malformed Sec-WebSocket-Extensions",
            HandshakeError::UnexpectedStatus(_) => "server did not answer 101",
            HandshakeError::AcceptMismatch => "Sec-WebSocket-Accept does not match",
            HandshakeError::SubprotocolNotOffered => "server chose a subprotocol not offered",
            HandshakeError::ExtensionNotOffered => "server chose an extension not offered",
            HandshakeError::UnsupportedExtension => "server chose an extension this side lacks",
            HandshakeError::TransportClosed => "connection closed during the handshake",
        }
    }
}

impl fmt::Display for HandshakeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HandshakeError::UnexpectedStatus(status) => write!(
                f,
                "opening handshake failed: server answered {status}, not 101 (RFC 6455 §4.1)"
            ),
            other => write!(
                f,
                "opening handshake failed: {} (HTTP {})",
                other.reason(),
                other.status()
            ),
        }
    }
}

impl core::error::Error for HandshakeError {}

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
/// use rfc6455::handshake::ClientKey;
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
/// use rfc6455::handshake::accept_key;
///
/// // RFC 6455 §1.3
/// let accept = accept_key(b"dGhlIHNhbXBsZSBub25jZQ==");
/// assert_eq!(accept.as_str(), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
/// ```
#[must_use]
pub fn accept_key(key: &[u8]) -> AcceptKey {
    let mut sha1 = sha1_smol::Sha1::new();
    sha1.update(http::trim_ows(key));
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

    #[test]
    fn statuses() {
        assert_eq!(HandshakeError::HeadTooLarge.status(), 431);
        assert_eq!(HandshakeError::TooManyHeaders.status(), 431);
        assert_eq!(HandshakeError::UnsupportedWebSocketVersion.status(), 426);
        assert_eq!(HandshakeError::MethodNotGet.status(), 400);
        assert_eq!(HandshakeError::UnexpectedStatus(302).status(), 400);
    }
}
