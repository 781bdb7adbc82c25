//! A minimal, strict HTTP/1.1 head parser: request and status lines, header
//! lines, limits. No allocation: views re-walk their lines on demand.

use super::token::{ascii_str, is_field_byte, is_token};
use crate::error::HandshakeError;
use crate::status::Status;

use super::headers::Headers;
use super::scan::{HeadLimits, HeadScanner};

/// The parts every head shares: its start line, header lines and length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Head<'a> {
    pub(crate) start_line: &'a [u8],
    pub(crate) headers: Headers<'a>,
    pub(crate) len: usize,
}

/// Finds the head in `buf` and checks every header line.
pub(crate) fn split_head(
    buf: &[u8],
    limits: HeadLimits,
) -> Result<Status<Head<'_>>, HandshakeError> {
    let len = match HeadScanner::with_limits(limits).scan(buf)? {
        Status::Complete(len) => len,
        Status::Partial => return Ok(Status::Partial),
    };
    let head = buf.get(..len).unwrap_or_default();
    // The scanner guarantees every CR is followed by LF.
    let first_cr = head.iter().position(|&b| b == b'\r').unwrap_or(0);
    let start_line = head.get(..first_cr).unwrap_or_default();
    let lines = head
        .get(first_cr.saturating_add(2)..len.saturating_sub(2))
        .unwrap_or_default();
    let headers = Headers::validate(lines, limits)?;
    Ok(Status::Complete(Head {
        start_line,
        headers,
        len,
    }))
}

/// Parses `HTTP/1.x`; returns the minor version.
fn parse_version(bytes: &[u8]) -> Result<u8, HandshakeError> {
    match bytes {
        [b'H', b'T', b'T', b'P', b'/', b'1', b'.', minor @ b'0'..=b'9'] => Ok(minor - b'0'),
        // RFC 9112 §2.3: HTTP-version = "HTTP/" DIGIT "." DIGIT. Only
        // major version 1 uses this text format.
        [b'H', b'T', b'T', b'P', b'/', b'0'..=b'9', b'.', b'0'..=b'9'] => {
            Err(HandshakeError::UnsupportedHttpVersion)
        }
        _ => Err(HandshakeError::InvalidRequestLine),
    }
}

/// An HTTP/1.x request head, checked against the HTTP/1.1 grammar only.
///
/// [`Request`](super::Request) adds the WebSocket checks; use this view to
/// look at a request that is not an upgrade (a health check, say).
///
/// # Examples
///
/// ```
/// use rfc6455::{HeadLimits, RequestHead, Status};
///
/// let buf = b"GET /health HTTP/1.1\r\nHost: a\r\n\r\n";
/// let Status::Complete(head) = RequestHead::parse(buf, HeadLimits::new())? else {
///     panic!("incomplete");
/// };
/// assert_eq!(head.target(), "/health");
/// assert_eq!(head.header("host"), Some(&b"a"[..]));
/// assert_eq!(head.head_len(), buf.len());
/// # Ok::<(), rfc6455::HandshakeError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestHead<'a> {
    method: &'a str,
    target: &'a str,
    minor_version: u8,
    headers: Headers<'a>,
    len: usize,
}

impl<'a> RequestHead<'a> {
    /// Parses the request head at the start of `buf`.
    ///
    /// Returns `Partial` if `buf` holds no blank line yet. Bytes after the
    /// head are ignored; [`head_len`](Self::head_len) says where they start. This scans
    /// `buf` from its start: to wait for a head arriving in pieces, use a
    /// [`HeadScanner`] and call this once it reports `Complete`.
    ///
    /// # Errors
    ///
    /// Any syntax error of the head, or a limit exceeded.
    pub fn parse(buf: &'a [u8], limits: HeadLimits) -> Result<Status<Self>, HandshakeError> {
        let head = match split_head(buf, limits)? {
            Status::Complete(head) => head,
            Status::Partial => return Ok(Status::Partial),
        };
        let mut parts = head.start_line.splitn(3, |&b| b == b' ');
        let (Some(method), Some(target), Some(version)) =
            (parts.next(), parts.next(), parts.next())
        else {
            return Err(HandshakeError::InvalidRequestLine);
        };
        // RFC 9112 §3: request-line = method SP request-target SP HTTP-version;
        // method = token; the target is visible ASCII (RFC 3986).
        if !is_token(method) || target.is_empty() || !target.iter().all(u8::is_ascii_graphic) {
            return Err(HandshakeError::InvalidRequestLine);
        }
        let minor_version = parse_version(version)?;
        Ok(Status::Complete(RequestHead {
            method: ascii_str(method),
            target: ascii_str(target),
            minor_version,
            headers: head.headers,
            len: head.len,
        }))
    }

    /// The method, such as `GET`.
    #[must_use]
    pub const fn method(&self) -> &'a str {
        self.method
    }

    /// The request target as sent, such as `/chat?room=1`.
    #[must_use]
    pub const fn target(&self) -> &'a str {
        self.target
    }

    /// The minor HTTP version: `1` for HTTP/1.1.
    #[must_use]
    pub const fn minor_version(&self) -> u8 {
        self.minor_version
    }

    /// The length of the head, including its final blank line.
    #[must_use]
    pub const fn head_len(&self) -> usize {
        self.len
    }

    /// The header lines: look up, iterate, split lists.
    #[must_use]
    pub const fn headers(&self) -> Headers<'a> {
        self.headers
    }

    /// The value of the first header named `name` (any case), trimmed:
    /// `headers().get(name)`.
    #[must_use]
    pub fn header(&self, name: &str) -> Option<&'a [u8]> {
        self.headers.get(name)
    }
}

/// An HTTP/1.x response head: status, reason and headers.
///
/// [`validate_response`](super::validate_response) checks a `101`; use this
/// view to read any other answer (a `401`, or a `3xx` with `Location`).
///
/// # Examples
///
/// ```
/// use rfc6455::{HeadLimits, ResponseHead, Status};
///
/// let buf = b"HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\n\r\n";
/// let Status::Complete(head) = ResponseHead::parse(buf, HeadLimits::new())? else {
///     panic!("incomplete");
/// };
/// assert_eq!(head.status(), 302);
/// assert_eq!(head.reason(), b"Found");
/// assert_eq!(head.header("location"), Some(&b"/elsewhere"[..]));
/// # Ok::<(), rfc6455::HandshakeError>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct ResponseHead<'a> {
    status: u16,
    reason: &'a [u8],
    minor_version: u8,
    headers: Headers<'a>,
    len: usize,
}

impl<'a> ResponseHead<'a> {
    /// Parses the response head at the start of `buf`.
    ///
    /// Returns `Partial` if `buf` holds no blank line yet. Bytes after the
    /// head (frames a server sent right after its `101`) are ignored;
    /// [`head_len`](Self::head_len) says where they start.
    ///
    /// # Errors
    ///
    /// Any syntax error of the head, or a limit exceeded.
    pub fn parse(buf: &'a [u8], limits: HeadLimits) -> Result<Status<Self>, HandshakeError> {
        let head = match split_head(buf, limits)? {
            Status::Complete(head) => head,
            Status::Partial => return Ok(Status::Partial),
        };
        // RFC 9112 §4: status-line = HTTP-version SP status-code SP
        // [ reason-phrase ]. The second SP is often left out when the reason
        // is empty, so it is optional here.
        let line = head.start_line;
        let (Some(version), Some(b' '), Some(code), rest) = (
            line.get(..8),
            line.get(8).copied(),
            line.get(9..12),
            line.get(12..).unwrap_or_default(),
        ) else {
            return Err(HandshakeError::InvalidStatusLine);
        };
        let minor_version = parse_version(version).map_err(|err| match err {
            HandshakeError::InvalidRequestLine => HandshakeError::InvalidStatusLine,
            other => other,
        })?;
        let mut status: u16 = 0;
        for &digit in code {
            if !digit.is_ascii_digit() {
                return Err(HandshakeError::InvalidStatusLine);
            }
            status = status * 10 + u16::from(digit - b'0');
        }
        let reason = match rest.split_first() {
            None => rest,
            Some((b' ', reason)) if reason.iter().all(|&b| is_field_byte(b)) => reason,
            Some(_) => return Err(HandshakeError::InvalidStatusLine),
        };
        Ok(Status::Complete(ResponseHead {
            status,
            reason,
            minor_version,
            headers: head.headers,
            len: head.len,
        }))
    }

    /// The status code, such as `101`.
    #[must_use]
    pub const fn status(&self) -> u16 {
        self.status
    }

    /// The reason phrase as sent (may be empty; may hold obs-text bytes).
    #[must_use]
    pub const fn reason(&self) -> &'a [u8] {
        self.reason
    }

    /// The minor HTTP version: `1` for HTTP/1.1.
    #[must_use]
    pub const fn minor_version(&self) -> u8 {
        self.minor_version
    }

    /// The length of the head, including its final blank line.
    #[must_use]
    pub const fn head_len(&self) -> usize {
        self.len
    }

    /// The header lines: look up, iterate, split lists.
    #[must_use]
    pub const fn headers(&self) -> Headers<'a> {
        self.headers
    }

    /// The value of the first header named `name` (any case), trimmed:
    /// `headers().get(name)`.
    #[must_use]
    pub fn header(&self, name: &str) -> Option<&'a [u8]> {
        self.headers.get(name)
    }
}
