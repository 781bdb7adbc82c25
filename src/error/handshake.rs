//! The opening handshake's error: what was wrong, and the HTTP status to
//! answer with.

use core::fmt;

/// The opening handshake failed.
///
/// Variants name the rule that was broken. [`status`](Self::status) is the
/// HTTP status a server answers with ([`Rejection::from`](crate::Rejection) writes that answer).
/// Errors found by a client in the server's response (the last group) have no
/// HTTP answer: the client fails the connection (§4.1); their `status` is
/// `400` only so that the method is total.
///
/// # Examples
///
/// ```
/// use rfc6455::{HandshakeError, HeadLimits, Request};
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
    /// The head grew past [`HeadLimits::max_head_len`](crate::HeadLimits::max_head_len)
    /// before its blank line.
    HeadTooLarge,
    /// The head has more header lines than
    /// [`HeadLimits::max_headers`](crate::HeadLimits::max_headers).
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
    /// response head can still be parsed with
    /// [`ResponseHead::parse`](crate::ResponseHead::parse) to
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
    /// The server's answer to an extension offer is not acceptable to the
    /// extension (a parameter the client did not offer, an unknown or
    /// repeated one, a bad value), or names the extension more than once
    /// (RFC 6455 §9.1, RFC 7692 §5; see
    /// [`Negotiated::check_extension`](crate::Negotiated::check_extension)).
    ExtensionRejected,
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
    /// use rfc6455::HandshakeError;
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
            HandshakeError::ExtensionRejected => {
                "server answered an extension offer with parameters not offered"
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses() {
        assert_eq!(HandshakeError::HeadTooLarge.status(), 431);
        assert_eq!(HandshakeError::TooManyHeaders.status(), 431);
        assert_eq!(HandshakeError::UnsupportedWebSocketVersion.status(), 426);
        assert_eq!(HandshakeError::MethodNotGet.status(), 400);
        assert_eq!(HandshakeError::UnexpectedStatus(302).status(), 400);
    }
}
