//! A small, strict parser for `ws://` and `wss://` URLs (RFC 6455 §3).

use std::borrow::Cow;
use std::fmt;

/// A parsed WebSocket URL: `ws[s]://host[:port][/path][?query]`.
///
/// Strict on purpose: no user info (`user@`), no fragment (§3: "Fragment
/// identifiers are meaningless in the context of WebSocket URIs and MUST
/// NOT be used"), no spaces or non-ASCII (percent-encode them), a port in
/// 1–65535. The scheme is case-insensitive; the host is kept as written
/// (an IPv6 address without its brackets).
///
/// # Examples
///
/// ```
/// use rfc6455_tokio::WsUrl;
///
/// let url = WsUrl::parse("ws://example.com:9001/chat?room=1")?;
/// assert_eq!((url.host(), url.port(), url.target()), ("example.com", 9001, "/chat?room=1"));
/// assert!(!url.is_secure());
///
/// let url = WsUrl::parse("wss://[::1]")?;
/// assert_eq!((url.host(), url.port(), url.target()), ("::1", 443, "/"));
///
/// assert!(WsUrl::parse("http://example.com/").is_err());
/// assert!(WsUrl::parse("ws://example.com/#top").is_err());
/// # Ok::<(), rfc6455_tokio::UrlError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WsUrl<'a> {
    secure: bool,
    host: &'a str,
    port: u16,
    target: Cow<'a, str>,
}

/// Why a URL is not a WebSocket URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum UrlError {
    /// The scheme is not `ws` or `wss`.
    Scheme,
    /// No host, or a host with characters a host cannot have.
    Host,
    /// A port that is not a number in 1–65535.
    Port,
    /// User info (`user:password@`) is not allowed.
    UserInfo,
    /// A fragment (`#…`) is not allowed (RFC 6455 §3).
    Fragment,
    /// A space, control character or non-ASCII character: percent-encode it.
    Character,
}

impl fmt::Display for UrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            UrlError::Scheme => "the scheme must be ws:// or wss://",
            UrlError::Host => "missing or malformed host",
            UrlError::Port => "the port must be a number from 1 to 65535",
            UrlError::UserInfo => "user info (user@host) is not allowed",
            UrlError::Fragment => "a fragment (#...) is not allowed in a WebSocket URL",
            UrlError::Character => {
                "spaces, control and non-ASCII characters must be percent-encoded"
            }
        })
    }
}

impl std::error::Error for UrlError {}

impl<'a> WsUrl<'a> {
    /// Parses `url`.
    ///
    /// # Errors
    ///
    /// A [`UrlError`] saying what is wrong.
    pub fn parse(url: &'a str) -> Result<Self, UrlError> {
        if !url.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(UrlError::Character);
        }
        let (scheme, rest) = url.split_once("://").ok_or(UrlError::Scheme)?;
        let secure = if scheme.eq_ignore_ascii_case("ws") {
            false
        } else if scheme.eq_ignore_ascii_case("wss") {
            true
        } else {
            return Err(UrlError::Scheme);
        };
        if rest.contains('#') {
            return Err(UrlError::Fragment);
        }
        let split = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, target) = rest.split_at(split);
        if authority.contains('@') {
            return Err(UrlError::UserInfo);
        }
        let (host, port) = split_host_port(authority)?;
        let port = match port {
            None => {
                if secure {
                    443
                } else {
                    80
                }
            }
            Some(p) => parse_port(p)?,
        };
        // §3: the resource name is "/" when the path is empty, then the
        // query (`ws://host?x=1` asks for `/?x=1`).
        let target = match target.as_bytes().first() {
            None => Cow::Borrowed("/"),
            Some(b'?') => Cow::Owned(format!("/{target}")),
            Some(_) => Cow::Borrowed(target),
        };
        Ok(WsUrl {
            secure,
            host,
            port,
            target,
        })
    }

    /// Whether the scheme is `wss` (TLS).
    #[must_use]
    pub fn is_secure(&self) -> bool {
        self.secure
    }

    /// The host: a name, an IPv4 address, or an IPv6 address without
    /// brackets.
    #[must_use]
    pub fn host(&self) -> &'a str {
        self.host
    }

    /// The port, 80 or 443 when not given.
    #[must_use]
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The request target: path and query, the path `/` when empty.
    #[must_use]
    pub fn target(&self) -> &str {
        &self.target
    }
}

fn split_host_port(authority: &str) -> Result<(&str, Option<&str>), UrlError> {
    if let Some(bracketed) = authority.strip_prefix('[') {
        let (host, after) = bracketed.split_once(']').ok_or(UrlError::Host)?;
        let ipv6 = !host.is_empty()
            && host
                .bytes()
                .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.');
        if !ipv6 {
            return Err(UrlError::Host);
        }
        return match after {
            "" => Ok((host, None)),
            _ => match after.strip_prefix(':') {
                Some(port) => Ok((host, Some(port))),
                None => Err(UrlError::Host),
            },
        };
    }
    let (host, port) = match authority.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    };
    // RFC 3986 reg-name, without percent-encoding: letters, digits, `-._~`
    // and sub-delims are allowed; a name resolver wants less, but that is
    // its call.
    let valid = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=".contains(&b));
    if !valid {
        return Err(UrlError::Host);
    }
    Ok((host, port))
}

fn parse_port(port: &str) -> Result<u16, UrlError> {
    if port.is_empty() || port.len() > 5 || !port.bytes().all(|b| b.is_ascii_digit()) {
        return Err(UrlError::Port);
    }
    match port.parse::<u16>() {
        Ok(0) | Err(_) => Err(UrlError::Port),
        Ok(p) => Ok(p),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_usual_forms() {
        let url = WsUrl::parse("ws://localhost").unwrap();
        assert_eq!(
            (url.host(), url.port(), url.target()),
            ("localhost", 80, "/")
        );
        let url = WsUrl::parse("WS://127.0.0.1:9001?x=1").unwrap();
        assert_eq!(
            (url.host(), url.port(), url.target()),
            ("127.0.0.1", 9001, "/?x=1")
        );
        let url = WsUrl::parse("wss://[2001:db8::1]:8443/a/b").unwrap();
        assert_eq!(
            (url.host(), url.port(), url.target()),
            ("2001:db8::1", 8443, "/a/b")
        );
        assert!(url.is_secure());
    }

    #[test]
    fn rejects_with_the_reason() {
        let cases = [
            ("http://a/", UrlError::Scheme),
            ("ws:/a", UrlError::Scheme),
            ("ws://", UrlError::Host),
            ("ws://:80/", UrlError::Host),
            ("ws://a:0/", UrlError::Port),
            ("ws://a:65536/", UrlError::Port),
            ("ws://a:/", UrlError::Port),
            ("ws://a:+1/", UrlError::Port),
            ("ws://u@a/", UrlError::UserInfo),
            ("ws://a/#f", UrlError::Fragment),
            ("ws://a/b c", UrlError::Character),
            ("ws://é/", UrlError::Character),
            ("ws://[::1/", UrlError::Host),
            ("ws://[::1]x/", UrlError::Host),
            ("ws://a:1:2/", UrlError::Port),
        ];
        for (url, error) in cases {
            assert_eq!(WsUrl::parse(url), Err(error), "{url}");
        }
    }
}
