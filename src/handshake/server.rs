//! The server side: check an upgrade request (RFC 6455 §4.2.1), then answer
//! it with `101 Switching Protocols` (§4.2.2) or a refusal.

use super::client::put_list;
use super::extensions::{is_extension_list, ExtensionOffers};
use super::headers::HeaderList;
use super::headers::Headers;
use super::http::RequestHead;
use super::key::{accept_key, decode_key, AcceptKey};
use super::response::{check_headers, write_with};
use super::scan::HeadLimits;
use super::target::{is_host, split_target};
use super::token::{ascii_str, is_token};
use crate::error::{Error, HandshakeError, UsageError};
use crate::status::Status;

/// A WebSocket upgrade request that passed every check of RFC 6455 §4.2.1.
///
/// It borrows the caller's buffer. Look at it (origin, path, subprotocols,
/// any header), then answer with [`accept`](Self::accept) or a
/// [`Rejection`](super::Rejection).
///
/// # Examples
///
/// ```
/// use rfc6455::{Accept, HeadLimits, Request, Status};
///
/// let buf = b"GET /chat?room=1 HTTP/1.1\r\n\
///     Host: server.example.com\r\n\
///     Upgrade: websocket\r\n\
///     Connection: Upgrade\r\n\
///     Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
///     Origin: http://example.com\r\n\
///     Sec-WebSocket-Protocol: chat, superchat\r\n\
///     Sec-WebSocket-Version: 13\r\n\r\n\
///     \x81\x85";                        // a pipelined frame: not ours
/// let Status::Complete(request) = Request::parse(buf, HeadLimits::new())? else {
///     panic!("incomplete");
/// };
/// assert_eq!(request.path(), "/chat");
/// assert_eq!(request.query(), Some("room=1"));
/// assert_eq!(request.origin(), Some("http://example.com"));
/// assert_eq!(&buf[request.head_len()..], b"\x81\x85"); // for the frame layer
///
/// let mut out = [0u8; 256];
/// let n = request.accept(&Accept::new().subprotocol("chat"), &mut out)?;
/// assert_eq!(
///     &out[..n],
///     &b"HTTP/1.1 101 Switching Protocols\r\n\
///        Upgrade: websocket\r\n\
///        Connection: Upgrade\r\n\
///        Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\
///        Sec-WebSocket-Protocol: chat\r\n\r\n"[..]
/// );
/// # Ok::<(), rfc6455::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Request<'a> {
    head: RequestHead<'a>,
    path: &'a str,
    query: Option<&'a str>,
    host: &'a str,
    origin: Option<&'a str>,
    key: &'a str,
}

impl<'a> Request<'a> {
    /// Parses and checks the upgrade request at the start of `buf`.
    ///
    /// Returns `Partial` if `buf` holds no blank line yet. Bytes after the
    /// head (frames a client pipelined) are left alone; [`head_len`](Self::head_len)
    /// says where they start. To wait for a head that arrives in pieces, run
    /// a [`HeadScanner`](super::HeadScanner) over the growing buffer and call
    /// this once it reports `Complete`.
    ///
    /// # Errors
    ///
    /// The first broken rule, in the order: HTTP syntax and limits, method,
    /// HTTP version, target, `Host`, a declared body, `Upgrade`, `Connection`,
    /// `Sec-WebSocket-Version` (426), `Sec-WebSocket-Key`, `Origin`,
    /// `Sec-WebSocket-Protocol`, `Sec-WebSocket-Extensions`. Answer it with
    /// [`Rejection::from`](super::Rejection).
    pub fn parse(buf: &'a [u8], limits: HeadLimits) -> Result<Status<Self>, HandshakeError> {
        match RequestHead::parse(buf, limits)? {
            Status::Complete(head) => Ok(Status::Complete(Self::from_head(head)?)),
            Status::Partial => Ok(Status::Partial),
        }
    }

    /// Checks an already parsed head against RFC 6455 §4.2.1.
    ///
    /// # Errors
    ///
    /// As for [`parse`](Self::parse), without the syntax errors.
    pub fn from_head(head: RequestHead<'a>) -> Result<Self, HandshakeError> {
        // §4.2.1 item 1: "An HTTP/1.1 or higher GET request, including a
        // "Request-URI"". Methods are case-sensitive (RFC 9110 §9.1).
        if head.method() != "GET" {
            return Err(HandshakeError::MethodNotGet);
        }
        if head.minor_version() < 1 {
            return Err(HandshakeError::UnsupportedHttpVersion);
        }
        let target = split_target(head.target()).ok_or(HandshakeError::InvalidRequestTarget)?;
        let headers = head.headers();

        // §4.2.1 item 2: "A |Host| header field containing the server's
        // authority." RFC 9112 §3.2: more than one Host, or an invalid one,
        // MUST be answered with 400.
        let mut hosts = headers.values("Host");
        let host = hosts.next().ok_or(HandshakeError::MissingHost)?;
        if hosts.next().is_some() || !is_host(host) {
            return Err(HandshakeError::InvalidHost);
        }
        // RFC 9112 §3.2.2: with an absolute-form target the server "MUST
        // ignore the received Host header field ... and instead use the host
        // information of the request-target".
        let host = target.authority.map_or(host, str::as_bytes);

        // An upgrade request has no content (RFC 9112 §6.3): body bytes
        // would be read as frames, and a request with both framings is a
        // smuggling attempt the server "MUST" refuse (RFC 9112 §6.1).
        let chunked = headers.values("Transfer-Encoding").next().is_some();
        if chunked || headers.values("Content-Length").any(|v| v != b"0") {
            return Err(HandshakeError::RequestBody);
        }

        // §4.2.1 item 3: "An |Upgrade| header field containing the value
        // "websocket", treated as an ASCII case-insensitive value."
        if !headers.list("Upgrade").contains_token("websocket") {
            return Err(HandshakeError::MissingUpgrade);
        }
        // §4.2.1 item 4: "A |Connection| header field that includes the
        // token "Upgrade", treated as an ASCII case-insensitive value."
        if !headers.list("Connection").contains_token("Upgrade") {
            return Err(HandshakeError::MissingConnectionUpgrade);
        }
        // §4.2.1 item 6: "A |Sec-WebSocket-Version| header field, with a
        // value of 13." §4.4: otherwise 426 with the versions we speak.
        let mut versions = headers.values("Sec-WebSocket-Version");
        if (versions.next(), versions.next()) != (Some(&b"13"[..]), None) {
            return Err(HandshakeError::UnsupportedWebSocketVersion);
        }
        // §4.2.1 item 5: "A |Sec-WebSocket-Key| header field with a
        // base64-encoded value that, when decoded, is 16 bytes in length."
        let mut keys = headers.values("Sec-WebSocket-Key");
        let key = keys.next().ok_or(HandshakeError::MissingKey)?;
        if keys.next().is_some() || decode_key(key).is_none() {
            return Err(HandshakeError::InvalidKey);
        }

        // §4.2.1 item 7: optionally, an |Origin| header field (RFC 6454
        // §7: at most one, ASCII).
        let mut origins = headers.values("Origin");
        let origin = origins.next();
        if origins.next().is_some() || origin.is_some_and(|o| !o.is_ascii()) {
            return Err(HandshakeError::InvalidHeaderValue);
        }
        // §4.2.1 item 8 and §4.1: subprotocols are tokens.
        if !headers.list("Sec-WebSocket-Protocol").all(is_token) {
            return Err(HandshakeError::InvalidSubprotocols);
        }
        // §4.2.1 item 9 and §9.1: the extension list grammar.
        if !headers
            .values("Sec-WebSocket-Extensions")
            .all(is_extension_list)
        {
            return Err(HandshakeError::InvalidExtensions);
        }
        Ok(Request {
            head,
            path: target.path,
            query: target.query,
            host: ascii_str(host),
            origin: origin.map(ascii_str),
            key: ascii_str(key),
        })
    }

    /// The request target as sent: a path with optional query, or an
    /// absolute URI.
    #[must_use]
    pub const fn target(&self) -> &'a str {
        self.head.target()
    }

    /// The path of the target, such as `/chat` (`/` if an absolute URI has
    /// none).
    #[must_use]
    pub const fn path(&self) -> &'a str {
        self.path
    }

    /// The query of the target, without its `?`.
    #[must_use]
    pub const fn query(&self) -> Option<&'a str> {
        self.query
    }

    /// The authority the client asked for: the `Host` header, or the
    /// authority of an absolute-form target (`GET ws://host/ HTTP/1.1`),
    /// which takes precedence (RFC 9112 §3.2.2).
    #[must_use]
    pub const fn host(&self) -> &'a str {
        self.host
    }

    /// The `Origin` header, sent by browsers (§4.2.1 item 7, §10.2).
    #[must_use]
    pub const fn origin(&self) -> Option<&'a str> {
        self.origin
    }

    /// The `Sec-WebSocket-Key` header.
    #[must_use]
    pub const fn key(&self) -> &'a str {
        self.key
    }

    /// The `Sec-WebSocket-Accept` value for this request's key.
    #[must_use]
    pub fn accept_key(&self) -> AcceptKey {
        accept_key(self.key.as_bytes())
    }

    /// The subprotocols offered, in the client's order of preference.
    #[must_use]
    pub fn subprotocols(&self) -> Subprotocols<'a> {
        Subprotocols(self.headers().list("Sec-WebSocket-Protocol"))
    }

    /// The extensions offered, in order, with their parameters.
    #[must_use]
    pub fn extensions(&self) -> ExtensionOffers<'a> {
        ExtensionOffers::new(self.headers().values("Sec-WebSocket-Extensions"))
    }

    /// The header lines: look up, iterate, split lists.
    #[must_use]
    pub const fn headers(&self) -> Headers<'a> {
        self.head.headers()
    }

    /// The value of the first header named `name` (any case), trimmed:
    /// `headers().get(name)`.
    #[must_use]
    pub fn header(&self, name: &str) -> Option<&'a [u8]> {
        self.head.header(name)
    }

    /// The underlying HTTP view.
    #[must_use]
    pub const fn head(&self) -> &RequestHead<'a> {
        &self.head
    }

    /// The length of the head; bytes after it belong to the frame layer.
    #[must_use]
    pub const fn head_len(&self) -> usize {
        self.head.head_len()
    }

    /// Writes the `101 Switching Protocols` response into `out` and returns
    /// its length.
    ///
    /// RFC 6455 §4.2.2: `Upgrade: websocket`, `Connection: Upgrade`,
    /// `Sec-WebSocket-Accept`, then the chosen subprotocol, the accepted
    /// extensions and the application's headers.
    ///
    /// # Errors
    ///
    /// - [`UsageError::SubprotocolNotOffered`] if the chosen subprotocol is
    ///   not one the client offered (compared exactly).
    /// - [`UsageError::ExtensionNotOffered`] if an accepted extension was not
    ///   offered, or is accepted twice; [`UsageError::InvalidHeader`] if an
    ///   answer is not one element of §9.1's grammar.
    /// - [`UsageError::InvalidHeader`] if an extra header's name is not a
    ///   token or is one this method writes (`Upgrade`, `Connection`,
    ///   `Sec-WebSocket-*`, `Content-Length`, `Transfer-Encoding`), or its
    ///   value holds a control character (CR, LF, NUL, …).
    /// - [`BufferTooSmall`](crate::BufferTooSmall) if `out` is too short;
    ///   nothing is written.
    pub fn accept(&self, options: &Accept<'_>, out: &mut [u8]) -> Result<usize, Error> {
        self.check_extension_answers(options.extensions)?;
        self.write_accept(options, options.extensions, out)
    }

    /// [`accept`](Self::accept) with `extensions` (already checked) in place
    /// of those of `options`. A connection, which runs no extension, passes
    /// none, so a program that never writes them holds no code to check
    /// them.
    pub(crate) fn write_accept(
        &self,
        options: &Accept<'_>,
        extensions: &[&str],
        out: &mut [u8],
    ) -> Result<usize, Error> {
        if let Some(chosen) = options.subprotocol {
            // §4.2.2 /subprotocol/: "The value chosen MUST be derived from
            // the client's handshake, specifically by selecting one of the
            // values from the |Sec-WebSocket-Protocol| field".
            if !self.subprotocols().any(|offered| offered == chosen) {
                return Err(UsageError::SubprotocolNotOffered.into());
            }
        }
        check_headers(options.headers, ACCEPT_RESERVED)?;
        let accept = self.accept_key();
        let n = write_with(out, |sink| {
            sink.put(b"HTTP/1.1 101 Switching Protocols\r\n");
            sink.put(b"Upgrade: websocket\r\nConnection: Upgrade\r\n");
            sink.put_header("Sec-WebSocket-Accept", accept.as_bytes());
            if let Some(chosen) = options.subprotocol {
                sink.put_header("Sec-WebSocket-Protocol", chosen.as_bytes());
            }
            put_list(sink, "Sec-WebSocket-Extensions", extensions);
            for (name, value) in options.headers {
                sink.put_header(name, value.as_bytes());
            }
            sink.put(b"\r\n");
        })?;
        Ok(n)
    }
}

/// Headers [`Request::accept`] writes itself or that a 101 must not carry
/// (RFC 9110 §8.6: no `Content-Length` in a 1xx).
const ACCEPT_RESERVED: &[&str] = &[
    "Upgrade",
    "Connection",
    "Sec-WebSocket-Accept",
    "Sec-WebSocket-Protocol",
    "Sec-WebSocket-Extensions",
    "Sec-WebSocket-Version",
    "Sec-WebSocket-Key",
    "Content-Length",
    "Transfer-Encoding",
];

/// How to accept an upgrade: the chosen subprotocol, the accepted
/// extensions and extra headers.
///
/// With no extensions the `101` names none, which is always a valid answer
/// (§4.2.2): every offer is declined.
///
/// # Examples
///
/// ```
/// use rfc6455::Accept;
///
/// let headers = [("Set-Cookie", "session=1")];
/// let accept = Accept::new().subprotocol("chat").headers(&headers);
/// # let _ = accept;
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Accept<'h> {
    subprotocol: Option<&'h str>,
    extensions: &'h [&'h str],
    headers: &'h [(&'h str, &'h str)],
}

impl<'h> Accept<'h> {
    /// No subprotocol, no extra headers.
    #[must_use]
    pub const fn new() -> Self {
        Accept {
            subprotocol: None,
            extensions: &[],
            headers: &[],
        }
    }

    /// Selects one of the subprotocols the client offered.
    #[must_use]
    pub const fn subprotocol(mut self, protocol: &'h str) -> Self {
        self.subprotocol = Some(protocol);
        self
    }

    /// Accepts extensions: each element is one answer
    /// (`name; param=value…`, RFC 6455 §9.1) to an extension the client
    /// offered, in the order the extensions apply; typically written by
    /// [`Request::select_extension`]. Written as one
    /// `Sec-WebSocket-Extensions` header.
    #[must_use]
    pub const fn extensions(mut self, answers: &'h [&'h str]) -> Self {
        self.extensions = answers;
        self
    }

    /// Adds headers to the response, written in order after the handshake
    /// headers.
    #[must_use]
    pub const fn headers(mut self, headers: &'h [(&'h str, &'h str)]) -> Self {
        self.headers = headers;
        self
    }

    /// The selected subprotocol, if any.
    #[must_use]
    pub const fn chosen_subprotocol(&self) -> Option<&'h str> {
        self.subprotocol
    }

    /// The accepted extensions, as given to [`extensions`](Self::extensions).
    #[must_use]
    pub const fn accepted_extensions(&self) -> &'h [&'h str] {
        self.extensions
    }
}

/// An iterator over the subprotocols a client offered, in order.
#[derive(Debug, Clone)]
pub struct Subprotocols<'a>(HeaderList<'a>);

impl<'a> Iterator for Subprotocols<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        self.0.next().map(ascii_str)
    }
}

#[cfg(test)]
mod tests {
    use super::super::target::Target;
    use super::*;

    #[test]
    fn targets() {
        let t = |authority, path, query| {
            Some(Target {
                authority,
                path,
                query,
            })
        };
        assert_eq!(split_target("/"), t(None, "/", None));
        assert_eq!(split_target("/chat?a=1&b"), t(None, "/chat", Some("a=1&b")));
        assert_eq!(split_target("/?"), t(None, "/", Some("")));
        assert_eq!(
            split_target("ws://h:1/p?q"),
            t(Some("h:1"), "/p", Some("q"))
        );
        assert_eq!(split_target("HTTPS://h"), t(Some("h"), "/", None));
        assert_eq!(split_target("http://h?q"), t(Some("h"), "/", Some("q")));
        assert_eq!(split_target("/a#f"), None);
        assert_eq!(split_target("*"), None);
        assert_eq!(split_target("h:80"), None);
        assert_eq!(split_target("ftp://h/"), None);
        assert_eq!(split_target("http:///p"), None);
        assert_eq!(split_target("http://user@h/p"), None);
    }

    #[test]
    fn hosts() {
        assert!(is_host(b"example.com"));
        assert!(is_host(b"[::1]:8080"));
        assert!(!is_host(b""));
        assert!(!is_host(b"a b"));
        assert!(!is_host(b"a/b"));
        assert!(!is_host(b"a\xffb"));
    }
}
