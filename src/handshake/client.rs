//! The client side: write the upgrade request (RFC 6455 §4.1), then check
//! the server's answer against the very bytes that were sent.

use super::headers::{is_extension_list, ExtensionOffers};
use super::http::{ascii_str, is_token, HeadLimits, ResponseHead};
use super::response::{check_headers, is_field_value, write_with, Sink};
use super::server::Request;
use super::{ClientKey, HandshakeError, Status};
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
/// use rfc6455::handshake::{ClientRequest, Scheme};
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
    /// written bytes: [`validate_response`] reads the key and offers back
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
        let bracket = self.host.contains(':') && !self.host.starts_with('[');
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
            is_field_value(offer)
                && is_extension_list(offer.as_bytes())
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
    let ipv6 = |s: &str| s.parse::<core::net::Ipv6Addr>().is_ok();
    if let Some(inner) = host.strip_prefix('[') {
        return inner.strip_suffix(']').is_some_and(ipv6);
    }
    if host.contains(':') {
        return ipv6(host);
    }
    !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~%!$&'()*+,;=".contains(&b))
}

fn put_list(sink: &mut dyn Sink, name: &str, items: &[&str]) {
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

/// What a server's `101` settled: the subprotocol and the extensions.
///
/// Borrows the response head; bytes after it ([`head_len`](Self::head_len) onwards)
/// are frames the server sent right away and belong to the frame layer.
#[derive(Debug, Clone, Copy)]
pub struct Negotiated<'a> {
    response: ResponseHead<'a>,
    subprotocol: Option<&'a str>,
    /// Bytes of interim (1xx) responses that came before the 101.
    interim_len: usize,
}

impl<'a> Negotiated<'a> {
    /// Checks a parsed response against the request this client sent
    /// (`our_request_head`, the bytes [`ClientRequest::write`] produced).
    ///
    /// # Errors
    ///
    /// As for [`validate_response`].
    pub fn from_response(
        response: ResponseHead<'a>,
        our_request_head: &[u8],
    ) -> Result<Self, HandshakeError> {
        // §4.1: "If the status code received from the server is not 101,
        // the client handles the response per HTTP procedures."
        if response.status() != 101 {
            return Err(HandshakeError::UnexpectedStatus(response.status()));
        }
        // A 101 exists from HTTP/1.1 on (RFC 9110 §15.2.2, §7.8).
        if response.minor_version() < 1 {
            return Err(HandshakeError::UnsupportedHttpVersion);
        }
        // Our own request, read back the way a server would read it.
        let ours = match Request::parse(our_request_head, HeadLimits::UNLIMITED)? {
            Status::Complete(ours) => ours,
            Status::Partial => return Err(HandshakeError::InvalidRequestLine),
        };
        // §4.1 item 2 (of the response checks): "If the response lacks an
        // |Upgrade| header field or the |Upgrade| header field contains a
        // value that is not an ASCII case-insensitive match for the value
        // "websocket", the client MUST _Fail the WebSocket Connection_."
        let mut upgrades = response.list("Upgrade").peekable();
        if upgrades.peek().is_none() || !upgrades.all(|u| u.eq_ignore_ascii_case(b"websocket")) {
            return Err(HandshakeError::MissingUpgrade);
        }
        // §4.1 item 3: the |Connection| header field MUST contain a token
        // that is an ASCII case-insensitive match for "Upgrade".
        if !response.list("Connection").contains_token("Upgrade") {
            return Err(HandshakeError::MissingConnectionUpgrade);
        }
        // §4.1 item 4: |Sec-WebSocket-Accept| MUST be the base64 of the
        // SHA-1 of our key and the GUID, whitespace trimmed.
        let mut accepts = response.values("Sec-WebSocket-Accept");
        let expected = ours.accept_key();
        if (accepts.next(), accepts.next()) != (Some(&expected.as_bytes()[..]), None) {
            return Err(HandshakeError::AcceptMismatch);
        }
        // §4.1 item 5: an extension "not present in the client's handshake"
        // MUST fail the connection.
        if !response
            .values("Sec-WebSocket-Extensions")
            .all(is_extension_list)
        {
            return Err(HandshakeError::InvalidExtensions);
        }
        let extensions = ExtensionOffers::new(response.values("Sec-WebSocket-Extensions"));
        for accepted in extensions {
            if !ours
                .extensions()
                .any(|o| o.name().eq_ignore_ascii_case(accepted.name()))
            {
                return Err(HandshakeError::ExtensionNotOffered);
            }
        }
        // §4.1 item 6: a subprotocol "that was not present in the client's
        // handshake" MUST fail the connection; §4.2.2: the server selects
        // one value (so a list of several is malformed).
        let mut selected = response.list("Sec-WebSocket-Protocol");
        let subprotocol = match (selected.next(), selected.next()) {
            (None, None) if response.header("Sec-WebSocket-Protocol").is_none() => None,
            (Some(chosen), None) if is_token(chosen) => {
                let chosen = ascii_str(chosen);
                if !ours.subprotocols().any(|offered| offered == chosen) {
                    return Err(HandshakeError::SubprotocolNotOffered);
                }
                Some(chosen)
            }
            _ => return Err(HandshakeError::InvalidSubprotocols),
        };
        Ok(Negotiated {
            response,
            subprotocol,
            interim_len: 0,
        })
    }

    /// The subprotocol the server selected, if any.
    #[must_use]
    pub const fn subprotocol(&self) -> Option<&'a str> {
        self.subprotocol
    }

    /// The extensions the server accepted, with their parameters (each one
    /// offered by the client). Empty unless the client offered some.
    #[must_use]
    pub fn extensions(&self) -> ExtensionOffers<'a> {
        ExtensionOffers::new(self.response.values("Sec-WebSocket-Extensions"))
    }

    /// The response head, for any other header (cookies, …).
    #[must_use]
    pub const fn response(&self) -> &ResponseHead<'a> {
        &self.response
    }

    /// The length of the response head (with any interim 1xx responses
    /// before it); bytes after it are frames.
    #[must_use]
    pub const fn head_len(&self) -> usize {
        self.interim_len + self.response.head_len()
    }
}

/// Parses the server's response at the start of `buf` and checks it
/// against the request this client sent (RFC 6455 §4.1).
///
/// `our_request_head` is the request exactly as written by
/// [`ClientRequest::write`]: the expected `Sec-WebSocket-Accept` is computed
/// from its key and the offered subprotocols and extensions are read back
/// from it, so a caller keeps no other state. Returns `Partial` if `buf`
/// holds no complete head yet. Interim responses (`1xx` other than `101`,
/// such as `100 Continue`) are skipped, as HTTP requires; so call this on
/// the whole growing buffer until it is `Complete` (a
/// [`HeadScanner`](super::HeadScanner) over the same buffer would stop at
/// the end of an interim head).
///
/// # Errors
///
/// - Any syntax error or limit of the response head.
/// - [`HandshakeError::UnexpectedStatus`] for any status but 101: parse the
///   head with [`ResponseHead::parse`] to read it.
/// - [`HandshakeError::MissingUpgrade`], [`HandshakeError::MissingConnectionUpgrade`],
///   [`HandshakeError::AcceptMismatch`], [`HandshakeError::ExtensionNotOffered`],
///   [`HandshakeError::SubprotocolNotOffered`],
///   [`HandshakeError::InvalidSubprotocols`], [`HandshakeError::InvalidExtensions`].
/// - If `our_request_head` is not a complete upgrade request, the error of
///   reading it (`InvalidRequestLine` when incomplete).
///
/// # Examples
///
/// ```
/// use rfc6455::handshake::{validate_response, ClientRequest, HeadLimits, Status};
///
/// let mut request = [0u8; 256];
/// let n = ClientRequest::new("example.com").write(*b"the sample nonce", &mut request)?;
/// let response = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\
///     Connection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n\
///     \x81\x02hi";
/// let Status::Complete(negotiated) =
///     validate_response(response, &request[..n], HeadLimits::new())?
/// else {
///     panic!("incomplete");
/// };
/// assert_eq!(negotiated.subprotocol(), None);
/// assert_eq!(&response[negotiated.head_len()..], b"\x81\x02hi");
/// # Ok::<(), rfc6455::Error>(())
/// ```
pub fn validate_response<'r>(
    buf: &'r [u8],
    our_request_head: &[u8],
    limits: HeadLimits,
) -> Result<Status<Negotiated<'r>>, HandshakeError> {
    let mut interim_len = 0;
    loop {
        let rest = buf.get(interim_len..).unwrap_or_default();
        match ResponseHead::parse(rest, limits)? {
            Status::Partial => return Ok(Status::Partial),
            // RFC 9110 §15.2: "A client MUST be able to parse one or more 1xx
            // responses received prior to a final response".
            Status::Complete(head) if is_interim(head.status()) => interim_len += head.head_len(),
            Status::Complete(head) => {
                let mut negotiated = Negotiated::from_response(head, our_request_head)?;
                negotiated.interim_len = interim_len;
                return Ok(Status::Complete(negotiated));
            }
        }
    }
}

/// An interim response (1xx other than 101), to be skipped while waiting for
/// the final one.
pub(crate) const fn is_interim(status: u16) -> bool {
    status >= 100 && status < 200 && status != 101
}
