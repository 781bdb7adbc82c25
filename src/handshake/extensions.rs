//! `Sec-WebSocket-Extensions` lists (RFC 6455 §9.1): extension offers and
//! their parameters, parsed on demand from the header value.

use super::headers::HeaderValues;
use super::token::{ascii_str, is_tchar};

/// One extension in a `Sec-WebSocket-Extensions` list: a name and parameters.
///
/// RFC 6455 §9.1: `extension = extension-token *( ";" extension-param )`.
///
/// # Examples
///
/// ```
/// use rfc6455::{ExtensionOffers, ExtensionParam};
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
    values: Option<HeaderValues<'a>>,
    rest: &'a [u8],
}

impl<'a> ExtensionOffers<'a> {
    pub(crate) fn new(values: HeaderValues<'a>) -> Self {
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
}
