//! Header lines: the shared view of a head's headers, lookup by name and
//! comma-separated lists.
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
pub struct HeaderField<'a> {
    /// The name as sent (compare with [`str::eq_ignore_ascii_case`]).
    pub name: &'a str,
    /// The value, without leading or trailing whitespace.
    pub value: &'a [u8],
}

impl<'a> HeaderField<'a> {
    /// The value as text, if it is UTF-8.
    #[must_use]
    pub fn value_str(&self) -> Option<&'a str> {
        core::str::from_utf8(self.value).ok()
    }
}

/// The header lines of a head: one view shared by [`RequestHead`],
/// [`ResponseHead`] and [`Request`], made by their `headers()`.
///
/// Every line was checked when the head was parsed; the view keeps only the
/// bytes and re-walks them on each lookup (no header array, no allocator).
/// Names compare ignoring ASCII case; values are trimmed bytes (they may hold
/// obs-text, RFC 9110 §5.5).
///
/// [`RequestHead`]: crate::RequestHead
/// [`ResponseHead`]: crate::ResponseHead
/// [`Request`]: crate::Request
///
/// # Examples
///
/// ```
/// use rfc6455::{HeadLimits, RequestHead, Status};
///
/// let buf = b"GET / HTTP/1.1\r\nHost: a\r\nAccept: x, y\r\nAccept: z\r\n\r\n";
/// let Status::Complete(head) = RequestHead::parse(buf, HeadLimits::new())? else {
///     panic!("incomplete");
/// };
/// let headers = head.headers();
/// assert_eq!(headers.len(), 3);
/// assert_eq!(headers.get("HOST"), Some(&b"a"[..]));
/// assert_eq!(headers.values("accept").count(), 2);
/// assert_eq!(headers.list("accept").count(), 3);
/// for field in headers {
///     assert!(!field.name.is_empty());
/// }
/// # Ok::<(), rfc6455::HandshakeError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Headers<'a> {
    lines: &'a [u8],
    count: usize,
}

impl<'a> Headers<'a> {
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
        Ok(Headers { lines, count })
    }

    /// The number of header lines.
    #[must_use]
    pub const fn len(&self) -> usize {
        self.count
    }

    /// Whether there are no header lines.
    #[must_use]
    pub const fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// All header lines, in order.
    #[must_use]
    pub fn iter(&self) -> HeaderFields<'a> {
        HeaderFields(Lines(self.lines))
    }

    /// The value of the first header named `name` (any case), trimmed.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&'a [u8]> {
        self.iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| h.value)
    }

    /// The values of every header named `name` (any case), in order.
    #[must_use]
    pub fn values(&self, name: &'a str) -> HeaderValues<'a> {
        HeaderValues {
            fields: self.iter(),
            name,
        }
    }

    /// The comma-separated elements of every header named `name`, in order
    /// (see [`HeaderList`]).
    #[must_use]
    pub fn list(&self, name: &'a str) -> HeaderList<'a> {
        HeaderList {
            values: self.values(name),
            rest: &[],
        }
    }
}

impl<'a> IntoIterator for Headers<'a> {
    type Item = HeaderField<'a>;
    type IntoIter = HeaderFields<'a>;

    fn into_iter(self) -> HeaderFields<'a> {
        self.iter()
    }
}

/// Splits a header line into name and trimmed value, checking both.
fn split_line(line: &[u8]) -> Result<HeaderField<'_>, HandshakeError> {
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
    Ok(HeaderField {
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

/// An iterator over the header lines of a head, in order: made by
/// [`Headers::iter`].
#[derive(Debug, Clone)]
pub struct HeaderFields<'a>(Lines<'a>);

impl<'a> Iterator for HeaderFields<'a> {
    type Item = HeaderField<'a>;

    fn next(&mut self) -> Option<HeaderField<'a>> {
        // Lines were checked when the head was parsed.
        self.0.next().and_then(|line| split_line(line).ok())
    }
}

/// An iterator over the values of every header with one name (any case):
/// made by [`Headers::values`].
#[derive(Debug, Clone)]
pub struct HeaderValues<'a> {
    fields: HeaderFields<'a>,
    name: &'a str,
}

impl<'a> Iterator for HeaderValues<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let name = self.name;
        self.fields
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| h.value)
    }
}

/// The comma-separated elements of every header with one name, in order:
/// made by [`Headers::list`].
///
/// RFC 9110 §5.3: several lines of a list header mean the same as one line
/// with their values joined by commas. Elements are trimmed; empty elements
/// (`a, , b`) are skipped, as §5.6.1 asks of recipients.
///
/// # Examples
///
/// ```
/// use rfc6455::{HeadLimits, RequestHead, Status};
///
/// let buf = b"GET / HTTP/1.1\r\nConnection: keep-alive, Upgrade\r\nConnection: x\r\n\r\n";
/// let Status::Complete(head) = RequestHead::parse(buf, HeadLimits::new())? else {
///     panic!("incomplete");
/// };
/// let mut list = head.headers().list("connection");
/// assert_eq!(list.next(), Some(&b"keep-alive"[..]));
/// assert!(head.headers().list("connection").contains_token("upgrade"));
/// # Ok::<(), rfc6455::HandshakeError>(())
/// ```
#[derive(Debug, Clone)]
pub struct HeaderList<'a> {
    values: HeaderValues<'a>,
    rest: &'a [u8],
}

impl<'a> HeaderList<'a> {
    /// Whether an element equals `token`, ignoring ASCII case.
    #[must_use]
    pub fn contains_token(mut self, token: &str) -> bool {
        self.any(|element| element.eq_ignore_ascii_case(token.as_bytes()))
    }
}

impl<'a> Iterator for HeaderList<'a> {
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
            Ok(HeaderField {
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
