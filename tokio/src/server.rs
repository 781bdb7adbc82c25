//! The server's opening handshake: `accept` and `accept_with`.

use std::future::{poll_fn, Future};

use rfc6455::{Config, Connection, Request};
use tokio::io::{AsyncRead, AsyncWrite};

use crate::conn::AnyConn;
use crate::error::Error;
use crate::inner::{Inner, Opened};
use crate::websocket::{whole, WebSocket};

/// How to accept an upgrade request: the subprotocol chosen and extra
/// response headers. The owned form of [`rfc6455::Accept`], so that an
/// [`accept_with`] hook can build it from the request it borrows.
///
/// # Examples
///
/// ```
/// use rfc6455_tokio::Accept;
///
/// let accept = Accept::new().subprotocol("chat").header("X-Served-By", "a1");
/// assert_eq!(accept.chosen_subprotocol(), Some("chat"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Accept {
    pub(crate) subprotocol: Option<String>,
    pub(crate) headers: Vec<(String, String)>,
    #[cfg(feature = "deflate")]
    pub(crate) deflate: Option<rfc6455_deflate::DeflateConfig>,
}

impl Accept {
    /// Accept with no subprotocol and no extra headers.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Selects `protocol`, which must be one the client offered.
    #[must_use]
    pub fn subprotocol(mut self, protocol: impl Into<String>) -> Self {
        self.subprotocol = Some(protocol.into());
        self
    }

    /// Adds a response header.
    #[must_use]
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The subprotocol selected, if any.
    #[must_use]
    pub fn chosen_subprotocol(&self) -> Option<&str> {
        self.subprotocol.as_deref()
    }

    /// Accepts permessage-deflate (RFC 7692) if the client offers it in a
    /// form `config` allows; otherwise the connection goes on without it.
    /// Leave it out for requests it should not apply to (a path carrying
    /// compressed media): it is chosen per request.
    ///
    /// # Examples
    ///
    /// ```
    /// use rfc6455_tokio::{Accept, DeflateConfig};
    ///
    /// let accept = Accept::new().deflate(DeflateConfig::new().server_max_window_bits(12));
    /// # let _ = accept;
    /// ```
    #[cfg(feature = "deflate")]
    #[must_use]
    pub fn deflate(mut self, config: rfc6455_deflate::DeflateConfig) -> Self {
        self.deflate = Some(config);
        self
    }
}

/// An HTTP response refusing an upgrade request (for example 403 for an
/// unwelcome `Origin`). The owned form of [`rfc6455::Rejection`].
///
/// # Examples
///
/// ```
/// use rfc6455_tokio::Rejection;
///
/// let no = Rejection::new(403).body("unknown origin");
/// assert_eq!(no.status(), 403);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    status: u16,
    reason: Option<String>,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Rejection {
    /// A response with `status` (and its standard reason phrase).
    #[must_use]
    pub fn new(status: u16) -> Self {
        Rejection {
            status,
            reason: None,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// Replaces the reason phrase.
    #[must_use]
    pub fn reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }

    /// Adds a header.
    #[must_use]
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Sets the body (sent with its `Content-Length`).
    #[must_use]
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    /// The status.
    #[must_use]
    pub fn status(&self) -> u16 {
        self.status
    }
}

/// Runs a server's opening handshake on `stream` and accepts any valid
/// upgrade request, with no subprotocol.
///
/// # Errors
///
/// [`Error::Handshake`] for a malformed request (answered with 400, or 426
/// with `Sec-WebSocket-Version: 13`, before the transport is closed),
/// [`Error::Timeout`] when the request takes longer than
/// [`Config::handshake_timeout`], [`Error::Io`].
///
/// # Examples
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:9001").await?;
/// loop {
///     let (stream, _) = listener.accept().await?;
///     tokio::spawn(async move {
///         let mut ws = rfc6455_tokio::accept(stream).await?;
///         while let Some(message) = ws.recv().await {
///             let message = message?;
///             if message.is_data() {
///                 ws.send(message).await?;
///             }
///         }
///         Ok::<(), rfc6455_tokio::Error>(())
///     });
/// }
/// # }
/// ```
pub fn accept<S>(stream: S) -> impl Future<Output = Result<WebSocket<S>, Error>>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    accept_with(stream, |_| Ok(Accept::new()))
}

/// Runs a server's opening handshake on `stream`, asking `decide` about the
/// request: its path, `Origin`, subprotocols, headers.
///
/// # Errors
///
/// As for [`accept`]; [`Error::Rejected`] when `decide` refused (the
/// response was sent and the transport closed).
///
/// # Examples
///
/// ```
/// use rfc6455_tokio::{Accept, Rejection};
///
/// # async fn serve(stream: tokio::net::TcpStream) -> Result<(), rfc6455_tokio::Error> {
/// let ws = rfc6455_tokio::accept_with(stream, |request| {
///     if request.path() != "/chat" {
///         return Err(Rejection::new(404));
///     }
///     if request.origin() != Some("https://example.com") {
///         return Err(Rejection::new(403).body("unknown origin"));
///     }
///     let chosen = request.subprotocols().find(|p| ["chat", "superchat"].contains(p));
///     Ok(chosen.map_or(Accept::new(), |p| Accept::new().subprotocol(p)))
/// })
/// .await?;
/// # Ok(())
/// # }
/// ```
pub fn accept_with<S, F>(stream: S, decide: F) -> impl Future<Output = Result<WebSocket<S>, Error>>
where
    S: AsyncRead + AsyncWrite + Unpin,
    F: FnOnce(&Request<'_>) -> Result<Accept, Rejection>,
{
    accept_with_config(stream, Config::new(), decide)
}

/// [`accept_with`] with a [`Config`] of your own (limits, deadlines).
/// Messages are always delivered whole.
///
/// # Errors
///
/// As for [`accept_with`].
///
/// # Memory
///
/// The returned future is a pointer: the handshake's state (a connection
/// of its own until it becomes the `WebSocket`, the request, the decision)
/// lives on the heap until the handshake ends. Held in the caller's future
/// instead, it would stay there for the connection's whole life, since a
/// task that awaits `accept` and then keeps the `WebSocket` holds the two
/// side by side (the compiler does not overlap an awaited future with the
/// value it returns): about 2 KB more per idle connection. The same holds
/// for [`accept`] and [`accept_with`].
pub fn accept_with_config<S, F>(
    stream: S,
    config: Config,
    decide: F,
) -> impl Future<Output = Result<WebSocket<S>, Error>>
where
    S: AsyncRead + AsyncWrite + Unpin,
    F: FnOnce(&Request<'_>) -> Result<Accept, Rejection>,
{
    Box::pin(open(stream, config, decide))
}

/// The opening handshake of [`accept_with_config`].
async fn open<S, F>(stream: S, config: Config, decide: F) -> Result<WebSocket<S>, Error>
where
    S: AsyncRead + AsyncWrite + Unpin,
    F: FnOnce(&Request<'_>) -> Result<Accept, Rejection>,
{
    let conn =
        Connection::server(whole(config), Vec::new(), Vec::new()).map_err(rfc6455::Error::from)?;
    let mut inner = Inner::new(stream, AnyConn::Unkeyed(conn));
    let mut decide = Some(decide);
    loop {
        match poll_fn(|cx| inner.poll_opening(cx)).await {
            Ok(Opened::Complete(protocol)) => {
                inner.opened(protocol);
                // The `101` goes out now: the client waits for it.
                poll_fn(|cx| inner.poll_write_out(cx, crate::wakers::Half::Whole)).await?;
                return Ok(WebSocket::from_inner(inner));
            }
            Ok(Opened::Upgrade) => {
                let Some(decide) = decide.take() else {
                    unreachable!("one request per connection");
                };
                let Some(request) = inner.conn.request() else {
                    unreachable!("an Upgrade event leaves the request readable");
                };
                match decide(&request) {
                    Ok(accept) => {
                        let headers: Vec<(&str, &str)> = accept
                            .headers
                            .iter()
                            .map(|(n, v)| (n.as_str(), v.as_str()))
                            .collect();
                        let mut core = rfc6455::Accept::new().headers(&headers);
                        if let Some(protocol) = &accept.subprotocol {
                            core = core.subprotocol(protocol);
                        }
                        #[cfg(feature = "deflate")]
                        let core_accept = match accept.deflate {
                            Some(config) => inner.conn.with_deflate(config),
                            None => Ok(()),
                        };
                        #[cfg(not(feature = "deflate"))]
                        let core_accept: Result<(), rfc6455::Error> = Ok(());
                        if let Err(e) = core_accept.and_then(|()| inner.conn.accept(&core)) {
                            // Refuse rather than leave the client waiting.
                            let _ = inner.conn.reject(&rfc6455::Rejection::new(500));
                            finish(&mut inner).await;
                            return Err(e.into());
                        }
                    }
                    Err(rejection) => {
                        let headers: Vec<(&str, &str)> = rejection
                            .headers
                            .iter()
                            .map(|(n, v)| (n.as_str(), v.as_str()))
                            .collect();
                        let mut core = rfc6455::Rejection::new(rejection.status)
                            .headers(&headers)
                            .body(&rejection.body);
                        if let Some(reason) = &rejection.reason {
                            core = core.reason(reason);
                        }
                        if let Err(e) = inner.conn.reject(&core) {
                            let _ = inner.conn.reject(&rfc6455::Rejection::new(500));
                            finish(&mut inner).await;
                            return Err(e.into());
                        }
                        finish(&mut inner).await;
                        return Err(Error::Rejected {
                            status: rejection.status,
                        });
                    }
                }
            }
            Err(e) => {
                finish(&mut inner).await;
                return Err(e);
            }
        }
    }
}

/// Writes what is queued (an error response) and closes the transport in
/// order.
pub(crate) async fn finish<S: AsyncRead + AsyncWrite + Unpin>(inner: &mut Inner<S>) {
    inner.start_closing();
    poll_fn(|cx| inner.poll_close_transport(cx, crate::wakers::Half::Whole)).await;
}
