//! Header lines: lookup by name and comma-separated lists.
//!
//! The header block is checked once, when its head is parsed; the iterators
//! here then re-walk it on demand, so nothing is stored per header.

use super::scan::HeadLimits;
use super::token::{ascii_str, is_field_byte, is_token, trim_ows};
use crate::error::HandshakeError;

/// One header line: its name and its value without surrounding whitespace.
///
/// The value may hold obs-text (bytes 0x80–0xFF, RFC 9110 §5.5), so it is
/// bytes; [`value_str`](Self::value_str) gives text when it is UTF-8.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Header<'a> {
    /// The name as sent (compare with [`str::eq_ignore_ascii_case`]).
    pub name: &'a str,
    /// The value, without leading or trailing whitespace.
    pub value: &'a [u8],
}

impl<'a> Header<'a> {
    /// The value as text, if it is UTF-8.
    #[must_use]
    pub fn value_str(&self) -> Option<&'a str> {
        core::str::from_utf8(self.value).ok()
    }
}

/// The checked header lines of a head (each line without its CRLF).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Block<'a> {
    lines: &'a [u8],
    count: usize,
}

impl<'a> Block<'a> {
    /// Checks every header line of `lines` (each ending in CRLF).
    pub(crate) fn validate(lines: &'a [u8], limits: HeadLimits) -> Result<Self, HandshakeError> {
        let mut count: usize = 0;
        for line in Lines(lines) {
            split_line(line)?;
            count = count.saturating_add(1);
            if count > limits.max_headers {
                return Err(HandshakeError::TooManyHeaders);
            }
        }
        Ok(Block { lines, count })
    }

    pub(crate) const fn count(&self) -> usize {
        self.count
    }

    pub(crate) fn iter(&self) -> Headers<'a> {
        Headers(Lines(self.lines))
    }

    pub(crate) fn first(&self, name: &str) -> Option<&'a [u8]> {
        self.iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| h.value)
    }

    pub(crate) fn values(&self, name: &'a str) -> Values<'a> {
        Values {
            headers: self.iter(),
            name,
        }
    }
}

/// Splits a header line into name and trimmed value, checking both.
fn split_line(line: &[u8]) -> Result<Header<'_>, HandshakeError> {
    // RFC 9112 §5.2: obs-fold is rejected with 400 by a server, and §2.2:
    // whitespace before the first header MUST be rejected.
    if let [b' ' | b'\t', ..] = line {
        return Err(HandshakeError::ObsFold);
    }
    let colon = line
        .iter()
        .position(|&b| b == b':')
        .ok_or(HandshakeError::InvalidHeaderName)?;
    let (name, value) = (line.get(..colon), line.get(colon.saturating_add(1)..));
    let (Some(name), Some(value)) = (name, value) else {
        return Err(HandshakeError::InvalidHeaderName);
    };
    // RFC 9112 §5.1: "No whitespace is allowed between the field name and
    // colon. ... a server MUST reject" it with 400; field-name = token.
    if !is_token(name) {
        return Err(HandshakeError::InvalidHeaderName);
    }
    // RFC 9110 §5.5: field-value = *( VCHAR / SP / HTAB / obs-text ).
    if !value.iter().all(|&b| is_field_byte(b)) {
        return Err(HandshakeError::InvalidHeaderValue);
    }
    Ok(Header {
        name: ascii_str(name),
        value: trim_ows(value),
    })
}

/// Lines of a checked block, each without its CRLF.
#[derive(Debug, Clone)]
struct Lines<'a>(&'a [u8]);

impl<'a> Iterator for Lines<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        if self.0.is_empty() {
            return None;
        }
        let end = self
            .0
            .iter()
            .position(|&b| b == b'\r')
            .unwrap_or(self.0.len());
        let line = self.0.get(..end);
        self.0 = self.0.get(end.saturating_add(2)..).unwrap_or_default();
        line
    }
}

/// An iterator over the header lines of a head, in order.
///
/// Made by `headers()` on [`RequestHead`](super::RequestHead),
/// [`ResponseHead`](super::ResponseHead) and [`Request`](super::Request).
#[derive(Debug, Clone)]
pub struct Headers<'a>(Lines<'a>);

impl<'a> Iterator for Headers<'a> {
    type Item = Header<'a>;

    fn next(&mut self) -> Option<Header<'a>> {
        // Lines were checked when the head was parsed.
        self.0.next().and_then(|line| split_line(line).ok())
    }
}

/// An iterator over the values of every header with one name (any case).
#[derive(Debug, Clone)]
pub struct Values<'a> {
    headers: Headers<'a>,
    name: &'a str,
}

impl<'a> Iterator for Values<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let name = self.name;
        self.headers
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| h.value)
    }
}

/// The comma-separated elements of every header with one name, in order.
///
/// RFC 9110 §5.3: several lines of a list header mean the same as one line
/// with their values joined by commas. Elements are trimmed; empty elements
/// (`a, , b`) are skipped, as §5.6.1 asks of recipients.
///
/// # Examples
///
/// ```
/// use rfc6455::handshake::{HeadLimits, RequestHead, Status};
///
/// let buf = b"GET / HTTP/1.1\r\nConnection: keep-alive, Upgrade\r\nConnection: x\r\n\r\n";
/// let Status::Complete(head) = RequestHead::parse(buf, HeadLimits::new())? else {
///     panic!("incomplete");
/// };
/// let mut list = head.list("connection");
/// assert_eq!(list.next(), Some(&b"keep-alive"[..]));
/// assert!(head.list("connection").contains_token("upgrade"));
/// # Ok::<(), rfc6455::handshake::HandshakeError>(())
/// ```
#[derive(Debug, Clone)]
pub struct List<'a> {
    values: Values<'a>,
    rest: &'a [u8],
}

impl<'a> List<'a> {
    pub(crate) fn new(values: Values<'a>) -> Self {
        List { values, rest: &[] }
    }

    /// Whether an element equals `token`, ignoring ASCII case.
    #[must_use]
    pub fn contains_token(mut self, token: &str) -> bool {
        self.any(|element| element.eq_ignore_ascii_case(token.as_bytes()))
    }
}

impl<'a> Iterator for List<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        loop {
            if self.rest.is_empty() {
                self.rest = self.values.next()?;
                continue;
            }
            let end = self
                .rest
                .iter()
                .position(|&b| b == b',')
                .unwrap_or(self.rest.len());
            let element = trim_ows(self.rest.get(..end).unwrap_or_default());
            self.rest = self.rest.get(end.saturating_add(1)..).unwrap_or_default();
            if !element.is_empty() {
                return Some(element);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_lines() {
        assert_eq!(
            split_line(b"Name:  va lue \t"),
            Ok(Header {
                name: "Name",
                value: b"va lue"
            })
        );
        assert_eq!(
            split_line(b"Name :v"),
            Err(HandshakeError::InvalidHeaderName)
        );
        assert_eq!(
            split_line(b"Na(me:v"),
            Err(HandshakeError::InvalidHeaderName)
        );
        assert_eq!(split_line(b":v"), Err(HandshakeError::InvalidHeaderName));
        assert_eq!(split_line(b"Name"), Err(HandshakeError::InvalidHeaderName));
        assert_eq!(split_line(b" Name:v"), Err(HandshakeError::ObsFold));
        assert_eq!(
            split_line(b"N:\x7f"),
            Err(HandshakeError::InvalidHeaderValue)
        );
        assert_eq!(
            split_line(b"N:\x01"),
            Err(HandshakeError::InvalidHeaderValue)
        );
        assert_eq!(
            split_line(b"N:\xff\x80").map(|h| h.value),
            Ok(&b"\xff\x80"[..])
        );
        assert_eq!(split_line(b"N:").map(|h| h.value), Ok(&b""[..]));
    }
}
