//! `WebSocket`: a connection over any tokio transport, as a `Stream` and a
//! `Sink` of whole messages.

use std::future::poll_fn;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use futures_sink::Sink;
use rfc6455::{CloseCode, Config, Connection, Role, State, StdKeys};
use tokio::io::{AsyncRead, AsyncWrite};

use crate::conn::AnyConn;
use crate::error::Error;
use crate::inner::Inner;
use crate::message::{CloseFrame, Message};
use crate::split::{self, ReadHalf, WriteHalf};
use crate::wakers::Half;

/// A WebSocket connection over a transport `S` (a `TcpStream`, a TLS
/// stream, a `tokio::io::DuplexStream`, an upgraded hyper connection).
///
/// Get one from [`connect`](crate::connect), [`client`](crate::client),
/// [`accept`](crate::accept) or, after an upgrade done elsewhere,
/// [`WebSocket::from_upgraded`].
///
/// - **Receiving**: [`recv`](Self::recv), or `Stream<Item = Result<Message,
///   Error>>`. Messages are whole (up to [`Config::max_message_len`]).
///   Pings are answered for you and still yielded. The peer's Close is
///   yielded as [`Message::Close`]; the stream ends (`None`) once the
///   transport is closed in order. A failure (a protocol error, a deadline,
///   the transport) is yielded once, after the transport was closed, then
///   the stream ends.
/// - **Sending**: [`send`](Self::send), or `Sink<Message>`. `poll_ready`
///   is the backpressure: it waits while the queued output is above the
///   core's high watermark ([`Config::send_high_watermark`]) until it is
///   written down to the low one.
/// - **Closing**: [`close`](Self::close), or `Sink::poll_close`: sends a
///   Close, waits for the peer's, and closes the transport in order (shut
///   down writing, drain input until the peer's end, for at most
///   [`Config::linger_timeout`]), so the peer receives our Close instead of
///   a reset. Messages arriving meanwhile are dropped. Dropping a
///   `WebSocket` instead closes the transport at once, without a Close
///   frame: the peer sees an abnormal closure (1006), and unread input may
///   make the kernel send a reset.
/// - **Time**: the deadlines of [`Config`] (handshake, keepalive Ping and
///   dead peer, close, linger) run on tokio's clock while the connection is
///   polled for messages: keep a `recv` (or the stream) running, as every
///   WebSocket library needs for Pings to be answered.
///
/// # Cancel safety
///
/// [`recv`](Self::recv) is cancel safe: a message is taken from the
/// connection only by the poll that returns it, so dropping the future
/// (a `select!` branch that lost) loses nothing. [`send`](Self::send)
/// queues the message whole or not at all: dropped before it was queued
/// (while waiting for backpressure), the message is not sent; dropped
/// after (while writing), it stays queued and goes out with the next
/// `send`, `flush`, `recv` or `close`. Never half a frame.
///
/// # Examples
///
/// ```no_run
/// use rfc6455_tokio::Message;
///
/// # async fn run() -> Result<(), rfc6455_tokio::Error> {
/// let mut ws = rfc6455_tokio::connect("ws://127.0.0.1:9001/").await?;
/// ws.send(Message::text("hello")).await?;
/// while let Some(message) = ws.recv().await {
///     match message? {
///         Message::Text(text) => println!("{text}"),
///         Message::Close(_) => break,
///         _ => {}
///     }
/// }
/// ws.close(rfc6455::CloseCode::NORMAL, "bye").await?;
/// # Ok(())
/// # }
/// ```
pub struct WebSocket<S> {
    pub(crate) inner: Inner<S>,
}

impl<S: AsyncRead + AsyncWrite + Unpin> WebSocket<S> {
    pub(crate) fn from_inner(inner: Inner<S>) -> Self {
        WebSocket { inner }
    }

    /// A connection over a transport whose upgrade was done elsewhere (a
    /// hyper or axum upgrade, RFC 8441 over HTTP/2): frames flow at once.
    ///
    /// # Errors
    ///
    /// None in practice: the core refuses only predictable mask keys, and
    /// this uses [`StdKeys`].
    ///
    /// # Examples
    ///
    /// ```
    /// use rfc6455::{Config, Role};
    /// use rfc6455_tokio::{Message, WebSocket};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), rfc6455_tokio::Error> {
    /// let (a, b) = tokio::io::duplex(4096);
    /// let mut server = WebSocket::from_upgraded(a, Role::Server, Config::new())?;
    /// let mut client = WebSocket::from_upgraded(b, Role::Client, Config::new())?;
    /// client.send(Message::text("hi")).await?;
    /// assert_eq!(server.recv().await.transpose()?, Some(Message::text("hi")));
    /// # Ok(())
    /// # }
    /// ```
    pub fn from_upgraded(io: S, role: Role, config: Config) -> Result<Self, Error> {
        let conn = Connection::open(role, whole(config), Vec::new(), Vec::new(), StdKeys::new())?;
        Ok(Self::from_inner(Inner::new(io, AnyConn::Keyed(conn))))
    }

    /// The next message; `None` once the connection is closed and the
    /// transport with it. Cancel safe.
    ///
    /// # Errors
    ///
    /// Once, before the end: [`Error::Protocol`] (the peer broke the
    /// protocol; our Close with its code was sent), [`Error::Timeout`],
    /// [`Error::ConnectionLost`] or [`Error::Io`].
    pub async fn recv(&mut self) -> Option<Result<Message, Error>> {
        poll_fn(|cx| self.inner.poll_recv(cx, Half::Whole)).await
    }

    /// Sends a message: waits for backpressure, queues it whole and writes
    /// it out. A [`Message::Close`] starts the close handshake (then keep
    /// receiving until the end, or call [`close`](Self::close)).
    ///
    /// # Errors
    ///
    /// [`Error::Closed`] after a Close was sent or received;
    /// [`Error::Usage`] for a control payload over 125 bytes or a close
    /// code that may not be sent; [`Error::TooLarge`] for a message over
    /// [`Config::max_send_queue`]; [`Error::Io`].
    pub async fn send(&mut self, message: Message) -> Result<(), Error> {
        poll_fn(|cx| self.inner.poll_ready(cx, Half::Whole)).await?;
        self.inner.start_send(message)?;
        self.flush().await
    }

    /// Writes out everything queued.
    ///
    /// # Errors
    ///
    /// As for [`send`](Self::send).
    pub async fn flush(&mut self) -> Result<(), Error> {
        poll_fn(|cx| self.inner.poll_flush(cx, Half::Whole)).await
    }

    /// Closes with `code` and `reason`: the close handshake, then the
    /// transport in order. Messages that arrive meanwhile are dropped.
    ///
    /// # Errors
    ///
    /// [`Error::Usage`] for a code that may not be sent (1005, 1006, 1015,
    /// out of range) or a reason over 123 bytes; the failures of
    /// [`recv`](Self::recv) while closing (a peer that never answers gives
    /// [`Error::Timeout`] after [`Config::close_timeout`]).
    pub async fn close(&mut self, code: CloseCode, reason: &str) -> Result<(), Error> {
        if self.inner.conn.state() == State::Open {
            poll_fn(|cx| self.inner.poll_ready(cx, Half::Whole)).await?;
            self.inner
                .start_send(Message::Close(Some(CloseFrame::new(code, reason))))?;
        }
        poll_fn(|cx| self.inner.poll_close(cx, Half::Whole)).await
    }

    /// Splits into a read half and a write half, usable from two tasks.
    /// See [`ReadHalf`] for the design.
    pub fn split(self) -> (ReadHalf<S>, WriteHalf<S>) {
        split::split(self.inner)
    }

    /// What permessage-deflate agreed on, if the connection uses it
    /// (offered with `client_with_deflate` or accepted with
    /// `Accept::deflate`, and agreed by the peer).
    #[cfg(feature = "deflate")]
    #[must_use]
    pub fn deflate(&self) -> Option<crate::Agreed> {
        self.inner.conn.deflate()
    }

    /// The subprotocol agreed in the opening handshake.
    #[must_use]
    pub fn protocol(&self) -> Option<&str> {
        self.inner.rare.as_ref().and_then(|r| r.protocol.as_deref())
    }

    /// The connection's state (RFC 6455 §7).
    #[must_use]
    pub fn state(&self) -> State {
        self.inner.conn.state()
    }

    /// Bytes queued and not yet written to the transport.
    #[must_use]
    pub fn queued_len(&self) -> usize {
        self.inner.queued_len()
    }

    /// Bytes of storage the connection holds (its receive and transmit
    /// buffers and a message being reassembled): 0 once it has been idle
    /// for [`Config::storage_idle_timeout`] while being polled.
    #[must_use]
    pub fn storage_len(&self) -> usize {
        self.inner.conn.storage_len()
    }

    /// The transport.
    pub fn get_ref(&self) -> &S {
        &self.inner.io
    }
}

/// The adapter delivers whole messages, whatever the configuration says.
pub(crate) fn whole(config: Config) -> Config {
    config.with_message_mode(rfc6455::MessageMode::Reassemble)
}

impl<S> std::fmt::Debug for WebSocket<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebSocket")
            .field("state", &self.inner.conn.state())
            .field(
                "protocol",
                &self.inner.rare.as_ref().and_then(|r| r.protocol.as_deref()),
            )
            .finish_non_exhaustive()
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> Stream for WebSocket<S> {
    type Item = Result<Message, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().inner.poll_recv(cx, Half::Whole)
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> Sink<Message> for WebSocket<S> {
    type Error = Error;

    fn poll_ready(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        self.get_mut().inner.poll_ready(cx, Half::Whole)
    }

    fn start_send(self: Pin<&mut Self>, item: Message) -> Result<(), Error> {
        self.get_mut().inner.start_send(item)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        self.get_mut().inner.poll_flush(cx, Half::Whole)
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        self.get_mut().inner.poll_close(cx, Half::Whole)
    }
}
