//! The opening handshake of a connection (RFC 6455 §4): the constructors
//! that start it and the commands that answer it. Reading the heads is in
//! `handshake_recv.rs`.

use super::extension::accept_with_extension;
use super::side::{parse_request, CLIENT, SERVER};
use super::state::{Accepted, Inner, Opening};
use super::{receive_max, Connection};
use crate::config::Config;
use crate::error::{Error, UsageError};
use crate::handshake::Extension;
use crate::handshake::{
    Accept, ClientRequest, HeadLimits, HeadScanner, Rejection, Request, ResponseHead,
};
use crate::keys::{KeySource, NoKeys};
use crate::role::Role;
use crate::status::Status;
use crate::storage::Storage;

impl<B: Storage> Connection<B, NoKeys> {
    /// A server connection waiting for the client's upgrade request.
    ///
    /// Feed it bytes; [`poll_event`](Self::poll_event) reports
    /// [`Event::Upgrade`](crate::Event::Upgrade) with the request, which you answer with
    /// [`accept`](Self::accept) or [`reject`](Self::reject). A malformed
    /// request is answered for you (400, or 426 with
    /// `Sec-WebSocket-Version: 13`, or 431) and reported as a
    /// [`HandshakeError`](crate::HandshakeError).
    ///
    /// # Errors
    ///
    /// [`BufferTooSmall`](crate::BufferTooSmall) if either buffer is shorter
    /// than [`MIN_STORAGE_LEN`](crate::MIN_STORAGE_LEN).
    pub fn server(config: Config, mut rx: B, tx: B) -> Result<Self, crate::BufferTooSmall> {
        let rx_max = receive_max(&config, &mut rx);
        let limits = head_limits(config.max_head_len, config.max_headers, rx_max);
        let opening = Opening::ServerRequest(HeadScanner::with_limits(limits));
        Self::build(
            Role::Server,
            config,
            Inner::Connecting(opening),
            Some(&SERVER),
            rx,
            tx,
            NoKeys,
        )
    }
}

impl<B: Storage, K: KeySource> Connection<B, K> {
    /// A client connection: writes the upgrade request (with a fresh nonce
    /// from `keys`) into the transmit queue and waits for the response.
    ///
    /// To run an extension (permessage-deflate), attach it with
    /// [`with_extension`](Self::with_extension), which adds its offer.
    /// Other offers in `request` are passed on as given, but a server that
    /// accepts one fails the handshake with
    /// [`HandshakeError::UnsupportedExtension`](crate::HandshakeError::UnsupportedExtension):
    /// the connection runs only the extension attached.
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
        mut rx: B,
        tx: B,
        keys: K,
    ) -> Result<Self, Error> {
        super::check_keys(Role::Client, &keys)?;
        let opening = Opening::ClientResponse {
            scanner: HeadScanner::with_limits(head_limits(
                config.max_head_len,
                config.max_headers,
                receive_max(&config, &mut rx),
            )),
            request_len: 0,
            skipped: 0,
        };
        let mut conn = Self::build(
            Role::Client,
            config,
            Inner::Connecting(opening),
            Some(&CLIENT),
            rx,
            tx,
            keys,
        )?;
        let mut nonce = [0; 16];
        conn.encoder.keys_mut().fill(&mut nonce);
        let written = conn.tx.write_head(|space| request.write(nonce, space))?;
        if let Some(Opening::ClientResponse { request_len, .. }) = conn.life.opening_mut() {
            *request_len = written;
        }
        Ok(conn)
    }
}

impl<B: Storage, K: KeySource + ?Sized, E: Extension> Connection<B, K, E> {
    /// On a server, the client's upgrade request while it waits for
    /// [`accept`](Self::accept) or [`reject`](Self::reject).
    #[must_use]
    pub fn request(&mut self) -> Option<Request<'_>> {
        let Some(&Opening::ServerDecision { head_len }) = self.life.opening() else {
            return None;
        };
        let limits = self.head_limits();
        parse_request(&self.rx.bytes()[..head_len], limits).ok()
    }

    /// On a client whose upgrade the server refused (a status other than
    /// `101`, reported as [`HandshakeError::UnexpectedStatus`](crate::HandshakeError::UnexpectedStatus)), the
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
        let Inner::Failed {
            refused_head: Some(head_len),
        } = *self.life.inner()
        else {
            return None;
        };
        let limits = self.head_limits();
        match ResponseHead::parse(&self.rx.bytes()[..head_len], limits) {
            Ok(Status::Complete(head)) => Some(head),
            _ => None,
        }
    }

    /// Accepts the upgrade request reported by [`Event::Upgrade`](crate::Event::Upgrade): queues the
    /// `101 Switching Protocols` response and opens the connection.
    /// [`poll_event`](Self::poll_event) then reports
    /// [`Event::HandshakeComplete`](crate::Event::HandshakeComplete); frames may be sent at once.
    ///
    /// # Errors
    ///
    /// [`UsageError::InvalidState`] if no request is waiting;
    /// [`UsageError::SubprotocolNotOffered`] or
    /// [`UsageError::InvalidHeader`] for bad options;
    /// [`UsageError::UnsupportedExtension`] if `options` accepts an
    /// extension (the connection runs only the one attached with
    /// [`with_extension`](Self::with_extension), which answers for itself);
    /// [`BufferTooSmall`](crate::BufferTooSmall) if the response does not fit
    /// the transmit storage. Nothing changes on error.
    ///
    /// # Examples
    ///
    /// ```
    /// use rfc6455::{Accept, Config, Connection, Event};
    ///
    /// let mut conn = Connection::server(Config::new(), [0u8; 4096], [0u8; 4096])?;
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
        let Some(&Opening::ServerDecision { head_len }) = self.life.opening() else {
            return Err(UsageError::InvalidState.into());
        };
        // The connection runs only its own extension (`with_extension`): a
        // 101 naming another would announce frames it cannot read.
        if !options.accepted_extensions().is_empty() {
            return Err(UsageError::UnsupportedExtension.into());
        }
        let limits = self.head_limits();
        let request = parse_request(&self.rx.buf.bytes()[..head_len], limits)?;
        let in_use = match self.ext.as_mut() {
            // Out of line (its answer is written on its own stack), and no
            // code at all for a connection without an extension.
            Some(ext) => accept_with_extension(&request, options, ext, &mut self.tx)?,
            None => {
                self.tx
                    .write_head(|space| request.write_accept(options, &[], space))?;
                false
            }
        };
        let protocol = options
            .chosen_subprotocol()
            .and_then(|chosen| request.subprotocols().position(|offered| offered == chosen));
        self.use_extension(in_use);
        self.move_to_open(Some(Accepted::new(head_len, protocol)));
        Ok(())
    }

    /// Refuses the upgrade request reported by [`Event::Upgrade`](crate::Event::Upgrade) with any
    /// HTTP response (for example 403 for an unwelcome `Origin`). The
    /// connection moves to [`State::Closed`](crate::State::Closed); close the transport once the
    /// response is written.
    ///
    /// # Errors
    ///
    /// [`UsageError::InvalidState`] if no request is waiting;
    /// [`UsageError::InvalidHeader`] for a bad header;
    /// [`BufferTooSmall`](crate::BufferTooSmall) if the response does not fit.
    pub fn reject(&mut self, response: &Rejection<'_>) -> Result<(), Error> {
        if !matches!(self.life.opening(), Some(Opening::ServerDecision { .. })) {
            return Err(UsageError::InvalidState.into());
        }
        self.tx.write_head(|space| response.write(space))?;
        self.move_to_closed();
        Ok(())
    }

    pub(super) fn head_limits(&self) -> HeadLimits {
        head_limits(
            self.config.max_head_len,
            self.config.max_headers,
            self.rx.max,
        )
    }

    /// Receive storage that input must not overwrite: the head of a refused
    /// response, kept for [`response`](Self::response).
    pub(super) fn kept_rx_len(&self) -> usize {
        match *self.life.inner() {
            Inner::Failed {
                refused_head: Some(head_len),
            } => head_len,
            _ => 0,
        }
    }
}

/// The head limits of a connection: the configured ones, and the head must
/// fit the receive storage whatever the configuration says.
fn head_limits(max_head_len: usize, max_headers: usize, rx_cap: usize) -> HeadLimits {
    HeadLimits::new()
        // Capped at 4 GiB so that a head's length fits `Accepted`'s u32.
        .with_max_head_len(max_head_len.min(rx_cap).min(u32::MAX as usize))
        .with_max_headers(max_headers)
}
