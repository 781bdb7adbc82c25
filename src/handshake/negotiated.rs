//! Checking the server's answer against the very request that was sent
//! (RFC 6455 §4.1), after any interim responses.

use super::extensions::{is_extension_list, ExtensionOffers};
use super::headers::Headers;
use super::http::split_head;
use super::http::ResponseHead;
use super::key::accept_key;
use super::scan::HeadLimits;
use super::token::{ascii_str, is_token};
use crate::error::HandshakeError;
use crate::status::Status;

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
    /// (`our_request_head`, the bytes [`ClientRequest::write`](super::ClientRequest::write) produced).
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
        let headers = response.headers();
        let ours = OurRequest::read(our_request_head)?;
        // §4.1 item 2 (of the response checks): "If the response lacks an
        // |Upgrade| header field or the |Upgrade| header field contains a
        // value that is not an ASCII case-insensitive match for the value
        // "websocket", the client MUST _Fail the WebSocket Connection_."
        let mut upgrades = headers.list("Upgrade").peekable();
        if upgrades.peek().is_none() || !upgrades.all(|u| u.eq_ignore_ascii_case(b"websocket")) {
            return Err(HandshakeError::MissingUpgrade);
        }
        // §4.1 item 3: the |Connection| header field MUST contain a token
        // that is an ASCII case-insensitive match for "Upgrade".
        if !headers.list("Connection").contains_token("Upgrade") {
            return Err(HandshakeError::MissingConnectionUpgrade);
        }
        // §4.1 item 4: |Sec-WebSocket-Accept| MUST be the base64 of the
        // SHA-1 of our key and the GUID, whitespace trimmed.
        let mut accepts = headers.values("Sec-WebSocket-Accept");
        let expected = accept_key(ours.key);
        if (accepts.next(), accepts.next()) != (Some(&expected.as_bytes()[..]), None) {
            return Err(HandshakeError::AcceptMismatch);
        }
        // §4.1 item 5: an extension "not present in the client's handshake"
        // MUST fail the connection.
        if !headers
            .values("Sec-WebSocket-Extensions")
            .all(is_extension_list)
        {
            return Err(HandshakeError::InvalidExtensions);
        }
        let extensions = ExtensionOffers::new(headers.values("Sec-WebSocket-Extensions"));
        for accepted in extensions {
            if !ExtensionOffers::new(ours.headers.values("Sec-WebSocket-Extensions"))
                .any(|o| o.name().eq_ignore_ascii_case(accepted.name()))
            {
                return Err(HandshakeError::ExtensionNotOffered);
            }
        }
        // §4.1 item 6: a subprotocol "that was not present in the client's
        // handshake" MUST fail the connection; §4.2.2: the server selects
        // one value (so a list of several is malformed).
        let mut selected = headers.list("Sec-WebSocket-Protocol");
        let subprotocol = match (selected.next(), selected.next()) {
            (None, None) if headers.get("Sec-WebSocket-Protocol").is_none() => None,
            (Some(chosen), None) if is_token(chosen) => {
                let chosen = ascii_str(chosen);
                let mut offers = ours.headers.list("Sec-WebSocket-Protocol");
                if !offers.any(|offered| offered == chosen.as_bytes()) {
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
        ExtensionOffers::new(self.response.headers().values("Sec-WebSocket-Extensions"))
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

/// The parts of the client's own request the response is checked against.
///
/// The request is the client's own, written by
/// [`ClientRequest::write`](super::ClientRequest::write): it is read, not
/// judged. Its head's syntax is checked (the same code reads the response)
/// and it must carry one `Sec-WebSocket-Key`; the server's rules for a
/// request (`Request::parse`) are not linked into a client for it.
struct OurRequest<'a> {
    key: &'a [u8],
    headers: Headers<'a>,
}

impl<'a> OurRequest<'a> {
    fn read(head: &'a [u8]) -> Result<Self, HandshakeError> {
        let head = match split_head(head, HeadLimits::UNLIMITED)? {
            Status::Complete(head) => head,
            Status::Partial => return Err(HandshakeError::InvalidRequestLine),
        };
        let mut keys = head.headers.values("Sec-WebSocket-Key");
        match (keys.next(), keys.next()) {
            (Some(key), None) => Ok(OurRequest {
                key,
                headers: head.headers,
            }),
            (None, _) => Err(HandshakeError::MissingKey),
            (Some(_), Some(_)) => Err(HandshakeError::InvalidKey),
        }
    }
}

/// Parses the server's response at the start of `buf` and checks it
/// against the request this client sent (RFC 6455 §4.1).
///
/// `our_request_head` is the request exactly as written by
/// [`ClientRequest::write`](super::ClientRequest::write): the expected `Sec-WebSocket-Accept` is computed
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
/// - If `our_request_head` is not a complete HTTP request head with one
///   `Sec-WebSocket-Key`, the error of reading it (`InvalidRequestLine` when
///   incomplete, `MissingKey` or `InvalidKey`). It is read, not judged by a
///   server's rules: pass the bytes [`ClientRequest::write`](super::ClientRequest::write) wrote.
///
/// # Examples
///
/// ```
/// use rfc6455::{validate_response, ClientRequest, HeadLimits, Status};
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
