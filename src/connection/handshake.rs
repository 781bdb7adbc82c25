//! The opening handshake phase of a connection (RFC 6455 §4).

use super::{Connection, State};
use crate::config::Config;
use crate::error::{Error, HandshakeError, UsageError};
use crate::event::{Event, Handshake};
use crate::handshake::is_interim;
use crate::handshake::{
    validate_response, Accept, ClientRequest, HeadLimits, HeadScanner, Rejection, Request,
    ResponseHead,
};
use crate::keys::{KeySource, NoKeys};
use crate::role::Role;
use crate::status::Status;

/// Where the opening handshake is.
pub(super) enum Phase {
    /// Finished, or never needed.
    Done,
    /// Server: reading the client's request head.
    ServerRequest(HeadScanner),
    /// Server: the request was reported; waiting for `accept` or `reject`.
    ServerDecision { head_len: usize },
    /// Server: accepted; `HandshakeComplete` not yet reported. `protocol` is
    /// the index of the chosen subprotocol among those offered.
    ServerAccepted {
        head_len: usize,
        protocol: Option<usize>,
    },
    /// Client: reading the server's response; our request is the first
    /// `request_len` bytes of the transmit storage.
    ClientResponse {
        scanner: HeadScanner,
        request_len: usize,
        /// Bytes of interim (1xx) responses skipped at the start of the
        /// receive storage.
        skipped: usize,
    },
    /// Client: the server answered with a status other than 101; its head
    /// is kept at the start of the receive storage for
    /// [`Connection::response`].
    ClientRefused { head_len: usize },
}

impl<B: AsMut<[u8]>> Connection<B, NoKeys> {
    /// A server connection waiting for the client's upgrade request.
    ///
    /// Feed it bytes; [`poll_event`](Self::poll_event) reports
    /// [`Event::Upgrade`] with the request, which you answer with
    /// [`accept`](Self::accept) or [`reject`](Self::reject). A malformed
    /// request is answered for you (400, or 426 with
    /// `Sec-WebSocket-Version: 13`, or 431) and reported as a
    /// [`HandshakeError`].
    ///
    /// # Errors
    ///
    /// [`BufferTooSmall`](crate::BufferTooSmall) if either buffer is shorter
    /// than [`MIN_STORAGE_LEN`](crate::MIN_STORAGE_LEN).
    pub fn server(config: Config, rx: B, tx: B) -> Result<Self, crate::BufferTooSmall> {
        let mut conn = Self::build(Role::Server, config, State::Connecting, rx, tx, NoKeys)?;
        conn.phase = Phase::ServerRequest(HeadScanner::with_limits(conn.head_limits()));
        Ok(conn)
    }
}

impl<B: AsMut<[u8]>, K: KeySource> Connection<B, K> {
    /// A client connection: writes the upgrade request (with a fresh nonce
    /// from `keys`) into the transmit queue and waits for the response.
    ///
    /// Extension offers are passed on as given, but the connection
    /// implements no extension yet: a server that accepts one fails the
    /// handshake with [`HandshakeError::UnsupportedExtension`].
    ///
    /// # Errors
    ///
    /// [`BufferTooSmall`](crate::BufferTooSmall) for storage below
    /// [`MIN_STORAGE_LEN`](crate::MIN_STORAGE_LEN) or a request that does not
    /// fit the transmit storage; [`UsageError::InvalidHeader`] for a header
    /// name or value that could inject into the request;
    /// [`UsageError::PredictableKeys`] if `keys` is [`NoKeys`] (§4.1: the
    /// nonce "MUST be selected randomly").
    pub fn client(
        request: &ClientRequest<'_>,
        config: Config,
        rx: B,
        tx: B,
        keys: K,
    ) -> Result<Self, Error> {
        super::check_keys(Role::Client, &keys)?;
        let mut conn = Self::build(Role::Client, config, State::Connecting, rx, tx, keys)?;
        let mut nonce = [0; 16];
        conn.encoder.keys_mut().fill(&mut nonce);
        let space = conn.tx.reserve(conn.tx.cap())?;
        let request_len = request.write(nonce, space)?;
        conn.tx.commit(request_len);
        conn.phase = Phase::ClientResponse {
            scanner: HeadScanner::with_limits(conn.head_limits()),
            request_len,
            skipped: 0,
        };
        Ok(conn)
    }

    /// On a server, the client's upgrade request while it waits for
    /// [`accept`](Self::accept) or [`reject`](Self::reject).
    #[must_use]
    pub fn request(&mut self) -> Option<Request<'_>> {
        let Phase::ServerDecision { head_len } = self.phase else {
            return None;
        };
        let limits = self.head_limits();
        parse_request(&self.rx.bytes()[..head_len], limits).ok()
    }

    /// On a client whose upgrade the server refused (a status other than
    /// `101`, reported as [`HandshakeError::UnexpectedStatus`]), the
    /// server's response head: read `Location` to follow a redirect, or
    /// `WWW-Authenticate` to authenticate, then connect again. RFC 6455 §4.1:
    /// such a response is handled "per HTTP procedures".
    ///
    /// # Examples
    ///
    /// ```
    /// use rfc6455::{ClientRequest, Config, Connection, Error, HandshakeError};
    ///
    /// let request = ClientRequest::new("example.com");
    /// let rng = |key: &mut [u8]| key.fill(4); // use a real RNG
    /// let mut conn = Connection::client(&request, Config::new(), [0; 1024], [0; 1024], rng)?;
    /// let _ = conn.receive(b"HTTP/1.1 302 Found\r\nLocation: ws://example.net/\r\n\r\n");
    /// let refused = conn.poll_event();
    /// assert!(matches!(refused, Some(Err(Error::Handshake(HandshakeError::UnexpectedStatus(302))))));
    /// assert_eq!(conn.response().and_then(|r| r.header("Location")), Some(&b"ws://example.net/"[..]));
    /// # Ok::<(), rfc6455::Error>(())
    /// ```
    #[must_use]
    pub fn response(&mut self) -> Option<ResponseHead<'_>> {
        let Phase::ClientRefused { head_len } = self.phase else {
            return None;
        };
        let limits = self.head_limits();
        match ResponseHead::parse(&self.rx.bytes()[..head_len], limits) {
            Ok(Status::Complete(head)) => Some(head),
            _ => None,
        }
    }

    /// Accepts the upgrade request reported by [`Event::Upgrade`]: queues the
    /// `101 Switching Protocols` response and opens the connection.
    /// [`poll_event`](Self::poll_event) then reports
    /// [`Event::HandshakeComplete`]; frames may be sent at once.
    ///
    /// # Errors
    ///
    /// [`UsageError::InvalidState`] if no request is waiting;
    /// [`UsageError::SubprotocolNotOffered`] or
    /// [`UsageError::InvalidHeader`] for bad options;
    /// [`BufferTooSmall`](crate::BufferTooSmall) if the response does not fit
    /// the transmit storage. Nothing changes on error.
    ///
    /// # Examples
    ///
    /// ```
    /// use rfc6455::{Accept, Config, Connection, Event};
    ///
    /// let mut conn = Connection::server(Config::new(), vec![0u8; 4096], vec![0u8; 4096])?;
    /// let _ = conn.receive(b"GET /chat HTTP/1.1\r\nHost: server.example.com\r\n\
    ///     Upgrade: websocket\r\nConnection: Upgrade\r\n\
    ///     Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
    ///     Sec-WebSocket-Protocol: chat, superchat\r\nSec-WebSocket-Version: 13\r\n\r\n");
    /// let Some(Ok(Event::Upgrade(request))) = conn.poll_event() else { panic!() };
    /// let wanted = request.subprotocols().any(|p| p == "chat");
    /// let accept = if wanted { Accept::new().subprotocol("chat") } else { Accept::new() };
    /// conn.accept(&accept)?;
    /// let Some(Ok(Event::HandshakeComplete(done))) = conn.poll_event() else { panic!() };
    /// assert_eq!(done.protocol(), Some("chat"));
    /// assert!(conn.peek_transmit().starts_with(b"HTTP/1.1 101 Switching Protocols\r\n"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn accept(&mut self, options: &Accept<'_>) -> Result<(), Error> {
        let Phase::ServerDecision { head_len } = self.phase else {
            return Err(UsageError::InvalidState.into());
        };
        let limits = self.head_limits();
        let request = parse_request(&self.rx.buf.as_mut()[..head_len], limits)?;
        let space = self.tx.reserve(self.tx.cap())?;
        let written = request.accept(options, space)?;
        let protocol = options
            .chosen_subprotocol()
            .and_then(|chosen| request.subprotocols().position(|offered| offered == chosen));
        self.tx.commit(written);
        self.phase = Phase::ServerAccepted { head_len, protocol };
        self.transition(State::Open);
        Ok(())
    }

    /// Refuses the upgrade request reported by [`Event::Upgrade`] with any
    /// HTTP response (for example 403 for an unwelcome `Origin`). The
    /// connection moves to [`State::Closed`]; close the transport once the
    /// response is written.
    ///
    /// # Errors
    ///
    /// [`UsageError::InvalidState`] if no request is waiting;
    /// [`UsageError::InvalidHeader`] for a bad header;
    /// [`BufferTooSmall`](crate::BufferTooSmall) if the response does not fit.
    pub fn reject(&mut self, response: &Rejection<'_>) -> Result<(), Error> {
        if !matches!(self.phase, Phase::ServerDecision { .. }) {
            return Err(UsageError::InvalidState.into());
        }
        let space = self.tx.reserve(self.tx.cap())?;
        let written = response.write(space)?;
        self.tx.commit(written);
        self.phase = Phase::Done;
        self.transition(State::Closed);
        Ok(())
    }

    fn head_limits(&self) -> HeadLimits {
        // The head must fit the storage, whatever the configuration says.
        HeadLimits::new()
            .with_max_head_len(self.config.max_head_len.min(self.rx.cap))
            .with_max_headers(self.config.max_headers)
    }

    /// Whether the handshake still has something to report.
    pub(super) fn is_handshaking(&self) -> bool {
        !matches!(self.phase, Phase::Done | Phase::ClientRefused { .. })
    }

    /// Receive storage that input must not overwrite: the head of a refused
    /// response, kept for [`response`](Self::response).
    pub(super) fn kept_rx_len(&self) -> usize {
        match self.phase {
            Phase::ClientRefused { head_len } => head_len,
            _ => 0,
        }
    }

    pub(super) fn poll_handshake(&mut self) -> Option<Result<Event<'_>, Error>> {
        match self.phase {
            Phase::Done | Phase::ServerDecision { .. } | Phase::ClientRefused { .. } => None,
            Phase::ServerRequest(_) | Phase::ClientResponse { .. } => self.read_head(),
            Phase::ServerAccepted { head_len, protocol } => {
                self.phase = Phase::Done;
                self.rx.read = head_len;
                self.rx.settle();
                let limits = self.head_limits();
                let request = parse_request(&self.rx.bytes()[..head_len], limits).ok();
                let protocol = protocol.and_then(|i| request.and_then(|r| r.subprotocols().nth(i)));
                Some(Ok(Event::HandshakeComplete(Handshake {
                    protocol,
                    extensions: None,
                    request,
                })))
            }
        }
    }

    /// Looks for a complete head in the received bytes.
    ///
    /// A client skips interim responses (`100 Continue` and the like) before
    /// the final one (RFC 9110 §15.2: "A client MUST be able to parse one or
    /// more 1xx responses received prior to a final response"). They stay in
    /// the storage until the final head arrives or room is needed, then go in
    /// one move, so however many there are each byte moves at most once.
    fn read_head(&mut self) -> Option<Result<Event<'_>, Error>> {
        let head_len = loop {
            let filled = self.rx.filled;
            let skipped = self.skipped_interim();
            let scanned = match &mut self.phase {
                Phase::ServerRequest(scanner) | Phase::ClientResponse { scanner, .. } => {
                    scanner.scan(&self.rx.buf.as_mut()[skipped..filled])
                }
                _ => return None,
            };
            match scanned {
                Err(e) => return Some(Err(self.fail_handshake(e))),
                Ok(Status::Complete(len)) if self.is_interim_response(skipped, len) => {
                    if let Phase::ClientResponse {
                        scanner, skipped, ..
                    } = &mut self.phase
                    {
                        scanner.reset();
                        *skipped += len;
                    }
                }
                Ok(Status::Complete(len)) => {
                    self.drop_interim_responses();
                    break len;
                }
                // Room is needed: drop the interim responses now.
                Ok(Status::Partial) if filled == self.rx.cap && skipped > 0 => {
                    self.drop_interim_responses();
                }
                Ok(Status::Partial) if filled == self.rx.cap => {
                    return Some(Err(self.fail_handshake(HandshakeError::HeadTooLarge)))
                }
                Ok(Status::Partial) if self.eof => {
                    return Some(Err(self.fail_handshake(HandshakeError::TransportClosed)))
                }
                Ok(Status::Partial) => return None,
            }
        };
        match self.phase {
            Phase::ClientResponse { request_len, .. } => self.finish_client(head_len, request_len),
            _ => self.report_request(head_len),
        }
    }

    /// Client: bytes of interim responses at the start of the storage.
    fn skipped_interim(&self) -> usize {
        match self.phase {
            Phase::ClientResponse { skipped, .. } => skipped,
            _ => 0,
        }
    }

    /// Client: whether the head at `start..start + len` is an interim
    /// response.
    fn is_interim_response(&mut self, start: usize, len: usize) -> bool {
        let Phase::ClientResponse { scanner, .. } = &self.phase else {
            return false;
        };
        let limits = scanner.limits();
        let head = &self.rx.buf.as_mut()[start..start + len];
        matches!(
            ResponseHead::parse(head, limits),
            Ok(Status::Complete(r)) if is_interim(r.status())
        )
    }

    /// Client: moves what followed the skipped interim responses to the
    /// start of the storage.
    fn drop_interim_responses(&mut self) {
        let Phase::ClientResponse { skipped, .. } = &mut self.phase else {
            return;
        };
        if *skipped > 0 {
            (self.rx.read, self.rx.msg_start, self.rx.asm) = (*skipped, *skipped, *skipped);
            *skipped = 0;
            self.rx.compact();
        }
    }

    /// Server: the request head is complete; check it and report it.
    fn report_request(&mut self, head_len: usize) -> Option<Result<Event<'_>, Error>> {
        let limits = self.head_limits();
        if let Err(e) = parse_request(&self.rx.bytes()[..head_len], limits) {
            return Some(Err(self.fail_handshake(e)));
        }
        self.phase = Phase::ServerDecision { head_len };
        let request = parse_request(&self.rx.bytes()[..head_len], limits).ok()?;
        Some(Ok(Event::Upgrade(request)))
    }

    /// Client: the response head is complete; check it against our request.
    fn finish_client(
        &mut self,
        head_len: usize,
        request_len: usize,
    ) -> Option<Result<Event<'_>, Error>> {
        let limits = self.head_limits();
        let checked = check_response(
            &self.rx.buf.as_mut()[..head_len],
            self.tx.written_prefix(request_len),
            limits,
        );
        if let Err(e) = checked {
            let error = self.fail_handshake(e);
            if let HandshakeError::UnexpectedStatus(_) = e {
                self.phase = Phase::ClientRefused { head_len };
            }
            return Some(Err(error));
        }
        self.phase = Phase::Done;
        self.transition(State::Open);
        self.rx.read = head_len;
        self.rx.settle();
        let negotiated = check_response(
            &self.rx.buf.as_mut()[..head_len],
            self.tx.written_prefix(request_len),
            limits,
        )
        .ok()?;
        Some(Ok(Event::HandshakeComplete(Handshake {
            protocol: negotiated,
            extensions: None,
            request: None,
        })))
    }

    /// The handshake failed: a server queues the HTTP error response.
    fn fail_handshake(&mut self, error: HandshakeError) -> Error {
        if self.role.is_server() && error != HandshakeError::TransportClosed {
            let response = Rejection::from(error);
            if let Ok(space) = self.tx.reserve(self.tx.cap()) {
                if let Ok(written) = response.write(space) {
                    self.tx.commit(written);
                }
            }
        }
        self.phase = Phase::Done;
        self.transition(State::Failed);
        Error::Handshake(error)
    }
}

/// Parses a head the scanner found complete.
fn parse_request(head: &[u8], limits: HeadLimits) -> Result<Request<'_>, HandshakeError> {
    match Request::parse(head, limits)? {
        Status::Complete(request) => Ok(request),
        // The scanner saw the blank line, so the parser does too.
        Status::Partial => Err(HandshakeError::InvalidRequestLine),
    }
}

/// Checks the server's response (§4.1) and returns the chosen subprotocol.
fn check_response<'r>(
    head: &'r [u8],
    request: &[u8],
    limits: HeadLimits,
) -> Result<Option<&'r str>, HandshakeError> {
    match validate_response(head, request, limits)? {
        Status::Complete(negotiated) => {
            if negotiated.extensions().next().is_some() {
                return Err(HandshakeError::UnsupportedExtension);
            }
            Ok(negotiated.subprotocol())
        }
        Status::Partial => Err(HandshakeError::InvalidStatusLine),
    }
}
