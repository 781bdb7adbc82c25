//! The client side: write the upgrade request (RFC 6455 §4.1), then check
//! the server's answer against the very bytes that were sent.

use super::extensions::ExtensionOffers;
use super::key::ClientKey;
use super::response::{check_headers, is_field_value, write_with, Sink};
use super::token::{has_byte, is_reg_name_byte, is_token};
use crate::error::{Error, UsageError};

/// The scheme of a `ws` or `wss` URI, for its default port (RFC 6455 §3).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// `ws://`, over plain TCP; default port 80.
    #[default]
    Ws,
    /// `wss://`, over TLS; default port 443.
    Wss,
}

impl Scheme {
    /// The port used when a URI names none.
    #[must_use]
    pub const fn default_port(self) -> u16 {
        match self {
            Scheme::Ws => 80,
            Scheme::Wss => 443,
        }
    }
}

/// The client's upgrade request, to be written with [`write`](Self::write).
///
/// The `Host` header carries `:port` only when a port is set and differs
/// from the scheme's default (§4.1 item 4); an IPv6 address is bracketed.
///
/// # Examples
///
/// ```
/// use rfc6455::{ClientRequest, Scheme};
///
/// let protocols = ["chat", "superchat"];
/// let request = ClientRequest::new("server.example.com")
///     .scheme(Scheme::Wss)
///     .port(443)
///     .target("/chat")
///     .origin("http://example.com")
///     .subprotocols(&protocols);
/// let mut out = [0u8; 512];
/// let n = request.write(*b"the sample nonce", &mut out)?;
/// assert_eq!(
///     &out[..n],
///     &b"GET /chat HTTP/1.1\r\n\
///        Host: server.example.com\r\n\
///        Upgrade: websocket\r\n\
///        Connection: Upgrade\r\n\
///        Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
///        Sec-WebSocket-Version: 13\r\n\
///        Origin: http://example.com\r\n\
///        Sec-WebSocket-Protocol: chat, superchat\r\n\r\n"[..]
/// );
/// # Ok::<(), rfc6455::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClientRequest<'h> {
    host: &'h str,
    scheme: Scheme,
    port: Option<u16>,
    target: &'h str,
    origin: Option<&'h str>,
    subprotocols: &'h [&'h str],
    extensions: &'h [&'h str],
    headers: &'h [(&'h str, &'h str)],
}

impl<'h> ClientRequest<'h> {
    /// A request to `host` (a name or an IP address), for `/`.
    #[must_use]
    pub const fn new(host: &'h str) -> Self {
        ClientRequest {
            host,
            scheme: Scheme::Ws,
            port: None,
            target: "/",
            origin: None,
            subprotocols: &[],
            extensions: &[],
            headers: &[],
        }
    }

    /// Sets the scheme, whose default port is left out of `Host`.
    #[must_use]
    pub const fn scheme(mut self, scheme: Scheme) -> Self {
        self.scheme = scheme;
        self
    }

    /// Sets the port, written in `Host` unless it is the scheme's default.
    #[must_use]
    pub const fn port(mut self, port: u16) -> Self {
        self.port = Some(port);
        self
    }

    /// Sets the request target: a path with optional query (default `/`).
    #[must_use]
    pub const fn target(mut self, target: &'h str) -> Self {
        self.target = target;
        self
    }

    /// Sets the `Origin` header (§4.1 item 8; browsers always send it).
    #[must_use]
    pub const fn origin(mut self, origin: &'h str) -> Self {
        self.origin = Some(origin);
        self
    }

    /// Offers subprotocols, most preferred first (§4.1 item 10).
    #[must_use]
    pub const fn subprotocols(mut self, protocols: &'h [&'h str]) -> Self {
        self.subprotocols = protocols;
        self
    }

    /// Offers extensions, each written as given, e.g.
    /// `"permessage-deflate; client_max_window_bits"` (§4.1 item 11, §9.1).
    #[must_use]
    pub const fn extensions(mut self, offers: &'h [&'h str]) -> Self {
        self.extensions = offers;
        self
    }

    /// Adds headers (cookies, authorization, …), written in order last.
    #[must_use]
    pub const fn headers(mut self, headers: &'h [(&'h str, &'h str)]) -> Self {
        self.headers = headers;
        self
    }

    /// Writes the request into `out` and returns its length.
    ///
    /// `nonce` must be 16 fresh unpredictable bytes (§4.1 item 7: "randomly
    /// selected"), e.g. from a [`KeySource`](crate::KeySource). Keep the
    /// written bytes: [`validate_response`](super::validate_response) reads the key and offers back
    /// from them.
    ///
    /// # Errors
    ///
    /// - [`UsageError::InvalidHeader`] if the host (a name, IPv4 or IPv6
    ///   address, without a port), target (must start with `/`, visible
    ///   ASCII, no `#`), origin (ASCII, RFC 6454), a subprotocol (must be a token,
    ///   all distinct), an extension offer (must follow §9.1) or an extra
    ///   header is malformed, or an extra header is one this method writes
    ///   (`Host`, `Upgrade`, `Connection`, `Origin`, `Sec-WebSocket-*`) or
    ///   one that would give the request a body (`Transfer-Encoding`,
    ///   `Content-Length`).
    /// - [`BufferTooSmall`](crate::BufferTooSmall) if `out` is too short;
    ///   nothing is written.
    pub fn write(&self, nonce: [u8; 16], out: &mut [u8]) -> Result<usize, Error> {
        self.check()?;
        let key = ClientKey::from_nonce(nonce);
        // §4.1 item 4: the port is included "when not using the default".
        let port = self.port.filter(|&p| p != self.scheme.default_port());
        // RFC 3986 §3.2.2: an IPv6 literal is written in brackets (`check`
        // made sure that a host with a colon is one).
        let bracket = has_byte(self.host.as_bytes(), b':') && !self.host.starts_with('[');
        let n = write_with(out, |sink| {
            // §4.1 items 1-2: "The method of the request MUST be GET, and
            // the HTTP version MUST be at least 1.1", with the resource name.
            sink.put(b"GET ");
            sink.put(self.target.as_bytes());
            sink.put(b" HTTP/1.1\r\nHost: ");
            sink.put(if bracket { b"[" } else { b"" });
            sink.put(self.host.as_bytes());
            sink.put(if bracket { b"]" } else { b"" });
            if let Some(port) = port {
                sink.put(b":");
                sink.put_decimal(usize::from(port));
            }
            // §4.1 items 5-7 and 9.
            sink.put(b"\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n");
            sink.put_header("Sec-WebSocket-Key", key.as_str().as_bytes());
            sink.put(b"Sec-WebSocket-Version: 13\r\n");
            if let Some(origin) = self.origin {
                sink.put_header("Origin", origin.as_bytes());
            }
            put_list(sink, "Sec-WebSocket-Protocol", self.subprotocols);
            put_list(sink, "Sec-WebSocket-Extensions", self.extensions);
            for (name, value) in self.headers {
                sink.put_header(name, value.as_bytes());
            }
            sink.put(b"\r\n");
        })?;
        Ok(n)
    }

    fn check(&self) -> Result<(), UsageError> {
        let host_ok = is_uri_host(self.host);
        let target = self.target.as_bytes();
        let target_ok = target.first() == Some(&b'/')
            && target.iter().all(|&b| b.is_ascii_graphic() && b != b'#');
        let origin_ok = self
            .origin
            .map_or(true, |o| !o.is_empty() && o.is_ascii() && is_field_value(o));
        // §4.1 item 10: the subprotocols are tokens and "MUST all be unique".
        let protocols_ok = self.subprotocols.iter().enumerate().all(|(i, p)| {
            is_token(p.as_bytes()) && !self.subprotocols.iter().take(i).any(|q| q == p)
        });
        let offers_ok = self.extensions.iter().all(|offer| {
            // `parse` checks the list's grammar; one element at least.
            is_field_value(offer)
                && ExtensionOffers::parse(offer.as_bytes()).is_some_and(|mut o| o.next().is_some())
        });
        if !(host_ok && target_ok && origin_ok && protocols_ok && offers_ok) {
            return Err(UsageError::InvalidHeader);
        }
        check_headers(self.headers, CLIENT_RESERVED)
    }
}

/// Headers [`ClientRequest::write`] writes itself.
const CLIENT_RESERVED: &[&str] = &[
    "Host",
    "Upgrade",
    "Connection",
    "Origin",
    "Sec-WebSocket-Key",
    "Sec-WebSocket-Version",
    "Sec-WebSocket-Protocol",
    "Sec-WebSocket-Extensions",
    "Sec-WebSocket-Accept",
    // An upgrade request has no content: frames would be read as its body.
    "Transfer-Encoding",
    "Content-Length",
];

/// A host for the `Host` header (RFC 3986 §3.2.2): a registered name or IPv4
/// address, or an IPv6 address, bracketed or not. A port goes in
/// [`ClientRequest::port`], never in the host.
fn is_uri_host(host: &str) -> bool {
    let ipv6 = super::ip::is_ipv6;
    if let Some(inner) = host.strip_prefix('[') {
        return inner.strip_suffix(']').is_some_and(ipv6);
    }
    if has_byte(host.as_bytes(), b':') {
        return ipv6(host);
    }
    !host.is_empty() && host.bytes().all(is_reg_name_byte)
}

pub(super) fn put_list(sink: &mut dyn Sink, name: &str, items: &[&str]) {
    let mut items = items.iter();
    let Some(first) = items.next() else {
        return;
    };
    sink.put(name.as_bytes());
    sink.put(b": ");
    sink.put(first.as_bytes());
    for item in items {
        sink.put(b", ");
        sink.put(item.as_bytes());
    }
    sink.put(b"\r\n");
}
