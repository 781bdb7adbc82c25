//! Header lines: lookup by name, comma-separated lists, extension offers.
//!
//! The header block is checked once, when its head is parsed; the iterators
//! here then re-walk it on demand, so nothing is stored per header.

use super::http::{ascii_str, is_field_byte, is_tchar, is_token, trim_ows, HeadLimits};
use super::HandshakeError;

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

/// One extension in a `Sec-WebSocket-Extensions` list: a name and parameters.
///
/// RFC 6455 §9.1: `extension = extension-token *( ";" extension-param )`.
///
/// # Examples
///
/// ```
/// use rfc6455::handshake::{ExtensionOffers, ExtensionParam};
///
/// let mut offers = ExtensionOffers::parse(
///     b"permessage-deflate; client_max_window_bits; server_max_window_bits=10",
/// )
/// .ok_or("malformed")?;
/// let offer = offers.next().ok_or("empty")?;
/// assert_eq!(offer.name(), "permessage-deflate");
/// let params: Vec<ExtensionParam> = offer.params().collect();
/// assert_eq!(params[0].name(), "client_max_window_bits");
/// assert_eq!(params[0].value(), None);
/// assert_eq!(params[1].value(), Some("10"));
/// assert_eq!(offer.param("server_max_window_bits"), Some(Some("10")));
/// # Ok::<(), &str>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ExtensionOffer<'a> {
    name: &'a str,
    params: &'a [u8],
}

impl<'a> ExtensionOffer<'a> {
    /// The extension's name, such as `permessage-deflate`.
    #[must_use]
    pub const fn name(&self) -> &'a str {
        self.name
    }

    /// The parameters, in order.
    #[must_use]
    pub fn params(&self) -> ExtensionParams<'a> {
        ExtensionParams(self.params)
    }

    /// The first parameter named `name` (any case): `Some(None)` if it has
    /// no value, `None` if absent.
    #[must_use]
    pub fn param(&self, name: &str) -> Option<Option<&'a str>> {
        self.params()
            .find(|p| p.name.eq_ignore_ascii_case(name))
            .map(|p| p.value)
    }
}

/// One `name[=value]` parameter of an [`ExtensionOffer`].
///
/// A quoted value is given without its quotes. RFC 6455 §9.1 requires that
/// it be a token once unescaped, which is checked at parse time; escapes
/// (`\x`) are left as sent, since unescaping would need a copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ExtensionParam<'a> {
    name: &'a str,
    value: Option<&'a str>,
}

impl<'a> ExtensionParam<'a> {
    /// The parameter's name.
    #[must_use]
    pub const fn name(&self) -> &'a str {
        self.name
    }

    /// The parameter's value, if it has one.
    #[must_use]
    pub const fn value(&self) -> Option<&'a str> {
        self.value
    }
}

/// An iterator over the parameters of an [`ExtensionOffer`].
#[derive(Debug, Clone)]
pub struct ExtensionParams<'a>(&'a [u8]);

impl<'a> Iterator for ExtensionParams<'a> {
    type Item = ExtensionParam<'a>;

    fn next(&mut self) -> Option<ExtensionParam<'a>> {
        let rest = skip_ows(self.0);
        let rest = rest.strip_prefix(b";")?;
        let (param, rest) = parse_param(skip_ows(rest))?;
        self.0 = rest;
        Some(param)
    }
}

/// An iterator over the extensions of every `Sec-WebSocket-Extensions`
/// header, in order.
///
/// Heads parsed by [`Request`](super::Request) and
/// [`validate_response`](super::validate_response) have had their extension
/// headers checked already; on malformed input the iterator stops.
#[derive(Debug, Clone)]
pub struct ExtensionOffers<'a> {
    values: Option<Values<'a>>,
    rest: &'a [u8],
}

impl<'a> ExtensionOffers<'a> {
    pub(crate) fn new(values: Values<'a>) -> Self {
        ExtensionOffers {
            values: Some(values),
            rest: &[],
        }
    }

    /// Parses one header value; `None` if it breaks the grammar of §9.1.
    #[must_use]
    pub fn parse(value: &'a [u8]) -> Option<Self> {
        is_extension_list(value).then_some(ExtensionOffers {
            values: None,
            rest: value,
        })
    }
}

impl<'a> Iterator for ExtensionOffers<'a> {
    type Item = ExtensionOffer<'a>;

    fn next(&mut self) -> Option<ExtensionOffer<'a>> {
        loop {
            match next_extension(&mut self.rest) {
                Some(Ok(offer)) => return Some(offer),
                Some(Err(())) => {
                    self.rest = &[];
                    self.values = None;
                    return None;
                }
                None => self.rest = self.values.as_mut()?.next()?,
            }
        }
    }
}

/// Whether `value` follows `1#extension` (empty elements allowed).
pub(crate) fn is_extension_list(mut value: &[u8]) -> bool {
    loop {
        match next_extension(&mut value) {
            Some(Ok(_)) => {}
            Some(Err(())) => return false,
            None => return true,
        }
    }
}

/// Parses the next element of an extension list, skipping empty ones.
fn next_extension<'a>(rest: &mut &'a [u8]) -> Option<Result<ExtensionOffer<'a>, ()>> {
    let mut s = skip_ows(rest);
    while let Some(after) = s.strip_prefix(b",") {
        s = skip_ows(after);
    }
    if s.is_empty() {
        *rest = s;
        return None;
    }
    let (name, after_name) = take_token(s);
    if name.is_empty() {
        return Some(Err(()));
    }
    let mut params = ExtensionParams(after_name);
    while params.next().is_some() {}
    let params_raw = after_name
        .get(..after_name.len().saturating_sub(params.0.len()))
        .unwrap_or_default();
    let tail = skip_ows(params.0);
    if !tail.is_empty() && !tail.starts_with(b",") {
        return Some(Err(()));
    }
    *rest = tail;
    Some(Ok(ExtensionOffer {
        name: ascii_str(name),
        params: params_raw,
    }))
}

/// `token [ "=" (token / quoted-string) ]`, with optional whitespace around
/// the `=`.
fn parse_param(s: &[u8]) -> Option<(ExtensionParam<'_>, &[u8])> {
    let (name, rest) = take_token(s);
    if name.is_empty() {
        return None;
    }
    let after_ows = skip_ows(rest);
    let Some(after_eq) = after_ows.strip_prefix(b"=") else {
        let param = ExtensionParam {
            name: ascii_str(name),
            value: None,
        };
        return Some((param, rest));
    };
    let value_start = skip_ows(after_eq);
    let (value, rest) = match value_start.strip_prefix(b"\"") {
        Some(quoted) => take_quoted(quoted)?,
        None => take_token(value_start),
    };
    if value.is_empty() {
        return None;
    }
    let param = ExtensionParam {
        name: ascii_str(name),
        value: Some(ascii_str(value)),
    };
    Some((param, rest))
}

/// Splits off the longest token prefix (possibly empty).
fn take_token(s: &[u8]) -> (&[u8], &[u8]) {
    let end = s.iter().position(|&b| !is_tchar(b)).unwrap_or(s.len());
    s.split_at(end)
}

/// After an opening quote: the content up to the closing quote, and the rest.
/// RFC 6455 §9.1: the unescaped value MUST be a token, so every character,
/// escaped or not, must be a tchar.
fn take_quoted(s: &[u8]) -> Option<(&[u8], &[u8])> {
    let mut i = 0;
    loop {
        match s.get(i)? {
            b'"' => return Some((s.get(..i)?, s.get(i.saturating_add(1)..)?)),
            b'\\' if s.get(i.saturating_add(1)).is_some_and(|&b| is_tchar(b)) => i += 2,
            &b if is_tchar(b) => i += 1,
            _ => return None,
        }
    }
}

fn skip_ows(s: &[u8]) -> &[u8] {
    let start = s
        .iter()
        .position(|&b| b != b' ' && b != b'\t')
        .unwrap_or(s.len());
    s.get(start..).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(value: &[u8]) -> Option<([&str; 4], usize)> {
        let mut out = [""; 4];
        let mut n = 0;
        for (slot, offer) in out.iter_mut().zip(ExtensionOffers::parse(value)?) {
            *slot = offer.name();
            n += 1;
        }
        Some((out, n))
    }

    #[test]
    fn extension_lists() {
        assert_eq!(names(b""), Some(([""; 4], 0)));
        assert_eq!(
            names(b"permessage-deflate; client_max_window_bits, x-webkit-deflate-frame"),
            Some((["permessage-deflate", "x-webkit-deflate-frame", "", ""], 2))
        );
        assert_eq!(names(b" ,a ,, b;x=\"1\" , "), Some((["a", "b", "", ""], 2)));
        for bad in [
            &b"a b"[..],
            b";x",
            b"a;",
            b"a;=1",
            b"a;x=",
            b"a;x=\"1",
            b"a;x=\"a b\"",
            b"a;x=\"\\\"\"",
            b"a;x=1 2",
            b"\"a\"",
        ] {
            assert!(ExtensionOffers::parse(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn extension_params() {
        let offer = ExtensionOffers::parse(b"foo ; a = 1 ;b;c=\"x\\yz\"")
            .and_then(|mut o| o.next())
            .unwrap();
        assert_eq!(offer.name(), "foo");
        let mut params = offer.params();
        let p = params.next().unwrap();
        assert_eq!((p.name(), p.value()), ("a", Some("1")));
        let p = params.next().unwrap();
        assert_eq!((p.name(), p.value()), ("b", None));
        let p = params.next().unwrap();
        assert_eq!((p.name(), p.value()), ("c", Some("x\\yz")));
        assert!(params.next().is_none());
        assert_eq!(offer.param("B"), Some(None));
        assert_eq!(offer.param("d"), None);
    }

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
