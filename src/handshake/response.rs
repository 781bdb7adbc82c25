//! Writing heads into caller buffers, and the rejection responses.
//!
//! Every writer runs its emitter twice: once to count, once to copy, so a
//! too-small buffer is reported with the exact size and left untouched.

use super::token::{is_field_byte, is_token};
use crate::error::{BufferTooSmall, Error, HandshakeError, UsageError};

/// Where an emitter puts bytes: a counter or a buffer.
pub(crate) trait Sink {
    fn put(&mut self, bytes: &[u8]);
}

// Helpers on `dyn Sink` rather than default methods: one copy, not one per
// sink type.
impl dyn Sink + '_ {
    /// Writes a decimal number.
    #[inline(never)]
    pub(crate) fn put_decimal(&mut self, mut n: usize) {
        let mut digits = [0u8; 20];
        let mut start = digits.len();
        loop {
            start -= 1;
            if let Some(d) = digits.get_mut(start) {
                // `n % 10` is below 10, so the cast cannot truncate.
                *d = b'0' + (n % 10) as u8;
            }
            n /= 10;
            if n == 0 || start == 0 {
                break;
            }
        }
        self.put(digits.get(start..).unwrap_or_default());
    }

    /// Writes `name: value` and CRLF.
    #[inline(never)]
    pub(crate) fn put_header(&mut self, name: &str, value: &[u8]) {
        self.put(name.as_bytes());
        self.put(b": ");
        self.put(value);
        self.put(b"\r\n");
    }
}

pub(crate) struct Counter(pub(crate) usize);

impl Sink for Counter {
    fn put(&mut self, bytes: &[u8]) {
        self.0 = self.0.saturating_add(bytes.len());
    }
}

struct Cursor<'b> {
    buf: &'b mut [u8],
    pos: usize,
}

impl Sink for Cursor<'_> {
    fn put(&mut self, bytes: &[u8]) {
        let room = self.buf.get_mut(self.pos..).unwrap_or_default();
        if let Some(dest) = room.get_mut(..bytes.len()) {
            dest.copy_from_slice(bytes);
        }
        self.pos = self.pos.saturating_add(bytes.len());
    }
}

/// Counts what `emit` writes; if it fits in `out`, writes it there.
pub(crate) fn write_with(
    out: &mut [u8],
    emit: impl Fn(&mut dyn Sink),
) -> Result<usize, BufferTooSmall> {
    count_and_write(out, &emit)
}

/// The body of [`write_with`], on a `dyn` emitter so that each writer's
/// emitter is one function called twice, not inlined into both passes.
#[inline(never)]
fn count_and_write(out: &mut [u8], emit: &dyn Fn(&mut dyn Sink)) -> Result<usize, BufferTooSmall> {
    let mut counter = Counter(0);
    emit(&mut counter);
    let required = counter.0;
    if required > out.len() {
        return Err(BufferTooSmall { required });
    }
    emit(&mut Cursor { buf: out, pos: 0 });
    Ok(required)
}

/// Checks headers an application asks us to write: names must be tokens
/// and not among `reserved` (which this crate writes itself); values may
/// hold no control character but HTAB (so no CR, LF or NUL: no injection).
pub(crate) fn check_headers(headers: &[(&str, &str)], reserved: &[&str]) -> Result<(), UsageError> {
    for (name, value) in headers {
        let reserved = reserved.iter().any(|r| r.eq_ignore_ascii_case(name));
        if reserved || !is_token(name.as_bytes()) || !is_field_value(value) {
            return Err(UsageError::InvalidHeader);
        }
    }
    Ok(())
}

/// RFC 9110 §5.5 field-value: no CTL but HTAB (CR, LF and NUL included).
pub(crate) fn is_field_value(value: &str) -> bool {
    value.bytes().all(is_field_byte)
}

/// Headers a rejection writes itself.
const REJECTION_RESERVED: &[&str] = &["Content-Length", "Connection", "Transfer-Encoding"];

const TEXT_PLAIN: (&str, &str) = ("Content-Type", "text/plain; charset=utf-8");
const ERROR_HEADERS: &[(&str, &str)] = &[TEXT_PLAIN];

/// A refusal: any status, reason phrase, headers and body.
///
/// Always written with `Content-Length` and `Connection: close`; the caller
/// closes the transport once it is sent. Build one from a
/// [`HandshakeError`] (`400`, `426` with `Sec-WebSocket-Version: 13`, or
/// `431`, with the error's reason as a plain-text body), or from a status for
/// an application's own refusal (e.g. `403` for an unwelcome `Origin`).
///
/// # Examples
///
/// ```
/// use rfc6455::{HandshakeError, Rejection};
///
/// let mut out = [0u8; 256];
/// let n = Rejection::new(403).body(b"bad origin").write(&mut out)?;
/// assert!(out[..n].starts_with(b"HTTP/1.1 403 Forbidden\r\n"));
///
/// let n = Rejection::from(HandshakeError::UnsupportedWebSocketVersion).write(&mut out)?;
/// let text = core::str::from_utf8(&out[..n]).unwrap();
/// assert!(text.starts_with("HTTP/1.1 426 Upgrade Required\r\n"));
/// assert!(text.contains("\r\nSec-WebSocket-Version: 13\r\n"));
/// # Ok::<(), rfc6455::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rejection<'h> {
    status: u16,
    reason: &'h str,
    headers: &'h [(&'h str, &'h str)],
    body: &'h [u8],
}

impl<'h> Rejection<'h> {
    /// A rejection with `status`, its standard reason phrase, no headers
    /// and no body.
    #[must_use]
    pub const fn new(status: u16) -> Self {
        Rejection {
            status,
            reason: standard_reason(status),
            headers: &[],
            body: &[],
        }
    }

    /// Sets the reason phrase.
    #[must_use]
    pub const fn reason(mut self, reason: &'h str) -> Self {
        self.reason = reason;
        self
    }

    /// Sets extra headers, written in order. `Content-Length`, `Connection`
    /// and `Transfer-Encoding` are written by [`write`](Self::write) and may
    /// not be given. A `426` gets `Sec-WebSocket-Version: 13` unless these
    /// headers carry a `Sec-WebSocket-Version` of their own.
    #[must_use]
    pub const fn headers(mut self, headers: &'h [(&'h str, &'h str)]) -> Self {
        self.headers = headers;
        self
    }

    /// Sets the body.
    #[must_use]
    pub const fn body(mut self, body: &'h [u8]) -> Self {
        self.body = body;
        self
    }

    /// The status code.
    #[must_use]
    pub const fn status(&self) -> u16 {
        self.status
    }

    /// Writes the response into `out` and returns its length.
    ///
    /// # Errors
    ///
    /// - [`UsageError::InvalidHeader`] if the status is not 200–599, the
    ///   reason has a control character or non-ASCII byte, a header is
    ///   malformed or reserved (see [`headers`](Self::headers)), or a `204`
    ///   or `304` has a body (neither gets a `Content-Length`).
    /// - [`BufferTooSmall`] if `out` is too short; nothing is written.
    pub fn write(&self, out: &mut [u8]) -> Result<usize, Error> {
        // A 1xx is not a final answer, so it cannot refuse anything.
        let reason_ok = self
            .reason
            .bytes()
            .all(|b| b == b'\t' || b == b' ' || b.is_ascii_graphic());
        // RFC 9110 §8.6: no Content-Length (and so no body) in a 204, and in
        // a 304 only the length a 200 would have had, which is unknown here.
        let no_content = matches!(self.status, 204 | 304);
        if !(200..=599).contains(&self.status)
            || !reason_ok
            || (no_content && !self.body.is_empty())
        {
            return Err(UsageError::InvalidHeader.into());
        }
        check_headers(self.headers, REJECTION_RESERVED)?;
        // RFC 6455 §4.4: a version the server does not speak is answered
        // with a `Sec-WebSocket-Version` header listing those it does.
        let advertise_version = self.status == 426
            && !self
                .headers
                .iter()
                .any(|(name, _)| name.eq_ignore_ascii_case("Sec-WebSocket-Version"));
        let n = write_with(out, |sink| {
            sink.put(b"HTTP/1.1 ");
            sink.put_decimal(usize::from(self.status));
            sink.put(b" ");
            sink.put(self.reason.as_bytes());
            sink.put(b"\r\n");
            if advertise_version {
                sink.put(b"Sec-WebSocket-Version: 13\r\n");
            }
            for (name, value) in self.headers {
                sink.put_header(name, value.as_bytes());
            }
            if !no_content {
                sink.put(b"Content-Length: ");
                sink.put_decimal(self.body.len());
                sink.put(b"\r\n");
            }
            sink.put(b"Connection: close\r\n\r\n");
            sink.put(self.body);
        })?;
        Ok(n)
    }
}

impl From<HandshakeError> for Rejection<'static> {
    fn from(err: HandshakeError) -> Self {
        Rejection::new(err.status())
            .headers(ERROR_HEADERS)
            .body(err.reason().as_bytes())
    }
}

/// The reason phrase of common statuses (RFC 9110 §15), or empty.
const fn standard_reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        304 => "Not Modified",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        426 => "Upgrade Required",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal() {
        for (n, text) in [(0, "0"), (7, "7"), (10, "10"), (65535, "65535")] {
            let mut out = [0u8; 20];
            let len = write_with(&mut out, |s| s.put_decimal(n)).unwrap();
            assert_eq!(&out[..len], text.as_bytes());
        }
        let mut out = [0u8; 20];
        let len = write_with(&mut out, |s| s.put_decimal(4_294_967_295)).unwrap();
        assert_eq!(&out[..len], b"4294967295");
        let len = write_with(&mut out, |s| s.put_decimal(usize::MAX)).unwrap();
        assert!(out[..len].iter().all(u8::is_ascii_digit));
    }

    #[test]
    fn too_small_writes_nothing() {
        let mut out = [0xAAu8; 10];
        let err = Rejection::new(400).write(&mut out).unwrap_err();
        let expected =
            b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        assert_eq!(
            err,
            Error::BufferTooSmall(BufferTooSmall {
                required: expected.len()
            })
        );
        assert_eq!(out, [0xAA; 10]);
        let mut out = [0u8; 80];
        let n = Rejection::new(400)
            .write(&mut out[..expected.len()])
            .unwrap();
        assert_eq!(&out[..n], expected);
    }
}
