//! Finding the end of an HTTP head as its bytes arrive, in any pieces, each
//! byte looked at once, within the limits.

use crate::error::HandshakeError;
use crate::status::Status;

/// Size limits for an HTTP head, checked while scanning and parsing.
///
/// A limit exactly reached is accepted; one byte or one header more is
/// [`HandshakeError::HeadTooLarge`] or [`HandshakeError::TooManyHeaders`]
/// (both answered with `431`).
///
/// # Examples
///
/// ```
/// use rfc6455::HeadLimits;
///
/// let limits = HeadLimits::new().with_max_head_len(4096).with_max_headers(32);
/// assert_eq!(limits.max_head_len, 4096);
/// assert_eq!(HeadLimits::default().max_headers, 64);
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct HeadLimits {
    /// The longest head accepted, in bytes, including the final blank line.
    /// Default 8192.
    pub max_head_len: usize,
    /// The most header lines accepted (the request or status line not
    /// counted). Default 64.
    pub max_headers: usize,
}

impl HeadLimits {
    /// The defaults: 8 KiB of head, 64 headers.
    pub const DEFAULT: HeadLimits = HeadLimits {
        max_head_len: 8192,
        max_headers: 64,
    };

    /// No limits, for heads the caller wrote itself.
    pub(crate) const UNLIMITED: HeadLimits = HeadLimits {
        max_head_len: usize::MAX,
        max_headers: usize::MAX,
    };

    /// The defaults.
    #[must_use]
    pub const fn new() -> Self {
        Self::DEFAULT
    }

    /// Sets [`max_head_len`](Self::max_head_len).
    #[must_use]
    pub const fn with_max_head_len(mut self, len: usize) -> Self {
        self.max_head_len = len;
        self
    }

    /// Sets [`max_headers`](Self::max_headers).
    #[must_use]
    pub const fn with_max_headers(mut self, count: usize) -> Self {
        self.max_headers = count;
        self
    }
}

impl Default for HeadLimits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum ScanState {
    /// At the start of a line.
    LineStart,
    /// Inside a line with content.
    InLine,
    /// After a CR that ended a line with content.
    Cr,
    /// After a CR at the start of a line: the blank line, if LF follows.
    BlankCr,
    /// The head ended; `scanned` is its length.
    Done,
    /// A sticky error.
    Failed(HandshakeError),
}

/// Finds the end of an HTTP head in a buffer that grows between calls.
///
/// Give [`scan`](Self::scan) the whole buffer accumulated so far (the same
/// start, only longer each time). The scanner remembers how far it looked, so
/// feeding a head one byte at a time costs linear time in all. It reports
/// `Partial` until the blank line, then the head's length: bytes after it are
/// not part of the head and are the caller's to keep.
///
/// While scanning it rejects what can be rejected early: a NUL byte, a bare
/// CR or LF (lines end in CRLF only), and a head or header count over the
/// [`HeadLimits`]. Errors are sticky. Line contents are checked by the parse
/// that follows ([`Request::parse`](super::Request::parse),
/// [`ResponseHead::parse`](super::ResponseHead::parse), …).
///
/// # Examples
///
/// ```
/// use rfc6455::{HeadScanner, Status};
///
/// let mut scanner = HeadScanner::new();
/// let mut buf = Vec::new();
/// let mut end = None;
/// for &byte in b"GET / HTTP/1.1\r\nHost: a\r\n\r\n\x81\x80" {
///     buf.push(byte);
///     if let Status::Complete(len) = scanner.scan(&buf)? {
///         end = Some(len);
///         break;
///     }
/// }
/// assert_eq!(end, Some(27));
/// # Ok::<(), rfc6455::HandshakeError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct HeadScanner {
    limits: HeadLimits,
    scanned: usize,
    lines: usize,
    state: ScanState,
}

impl HeadScanner {
    /// A scanner with the default [`HeadLimits`].
    #[must_use]
    pub const fn new() -> Self {
        Self::with_limits(HeadLimits::DEFAULT)
    }

    /// A scanner with the given limits.
    #[must_use]
    pub const fn with_limits(limits: HeadLimits) -> Self {
        HeadScanner {
            limits,
            scanned: 0,
            lines: 0,
            state: ScanState::LineStart,
        }
    }

    /// The limits this scanner enforces.
    #[must_use]
    pub const fn limits(&self) -> HeadLimits {
        self.limits
    }

    /// Forgets what was scanned, to scan a new head from its start.
    pub fn reset(&mut self) {
        *self = Self::with_limits(self.limits);
    }

    /// How many bytes have been looked at so far.
    #[must_use]
    pub const fn scanned(&self) -> usize {
        self.scanned
    }

    /// Looks at the bytes of `buf` not seen before.
    ///
    /// Returns `Complete(len)` once `buf[..len]` is a whole head ending in
    /// CRLF CRLF (and again on later calls), `Partial` before. A buffer
    /// shorter than what was already scanned is taken as a new head.
    ///
    /// # Errors
    ///
    /// [`HandshakeError::NulByte`], [`HandshakeError::InvalidLineEnding`],
    /// [`HandshakeError::HeadTooLarge`] (no blank line within
    /// `max_head_len` bytes), [`HandshakeError::TooManyHeaders`].
    pub fn scan(&mut self, buf: &[u8]) -> Result<Status<usize>, HandshakeError> {
        if buf.len() < self.scanned {
            self.reset();
        }
        match self.state {
            ScanState::Done => return Ok(Status::Complete(self.scanned)),
            ScanState::Failed(err) => return Err(err),
            _ => {}
        }
        let end = buf.len().min(self.limits.max_head_len);
        let fresh = buf.get(self.scanned..end).unwrap_or_default();
        for &byte in fresh {
            self.scanned += 1;
            match self.step(byte) {
                Ok(ScanState::Done) => return Ok(Status::Complete(self.scanned)),
                Ok(_) => {}
                Err(err) => {
                    self.state = ScanState::Failed(err);
                    return Err(err);
                }
            }
        }
        if self.scanned >= self.limits.max_head_len {
            self.state = ScanState::Failed(HandshakeError::HeadTooLarge);
            return Err(HandshakeError::HeadTooLarge);
        }
        Ok(Status::Partial)
    }

    fn step(&mut self, byte: u8) -> Result<ScanState, HandshakeError> {
        use ScanState::*;
        let next = match (self.state, byte) {
            // RFC 9110 §5.5: NUL is never allowed in a field value; a
            // recipient MUST reject it or replace it. We reject anywhere.
            (_, 0) => return Err(HandshakeError::NulByte),
            (Cr, b'\n') => {
                self.lines = self.lines.saturating_add(1);
                // The first line is the request or status line.
                if self.lines.saturating_sub(1) > self.limits.max_headers {
                    return Err(HandshakeError::TooManyHeaders);
                }
                LineStart
            }
            (BlankCr, b'\n') => Done,
            // RFC 9112 §2.2: a bare CR MUST be rejected or replaced; we also
            // refuse a bare LF line terminator (a MAY), to keep one grammar.
            (Cr | BlankCr, _) | (_, b'\n') => return Err(HandshakeError::InvalidLineEnding),
            (LineStart, b'\r') => BlankCr,
            (_, b'\r') => Cr,
            _ => InLine,
        };
        self.state = next;
        Ok(next)
    }
}

impl Default for HeadScanner {
    fn default() -> Self {
        Self::new()
    }
}
