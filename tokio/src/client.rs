//! The client's opening handshake: `connect` and `client`.

use std::future::poll_fn;
use std::time::Duration;

use rfc6455::{
    ClientRequest, Config, Connection, HandshakeError, HeadLimits, ResponseHead, Scheme, Status,
    StdKeys,
};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::conn::AnyConn;
use crate::error::{Error, Refusal};
use crate::inner::{Inner, Opened};
use crate::stream::MaybeTlsStream;
use crate::url::WsUrl;
use crate::websocket::{whole, WebSocket};

/// How long a refused upgrade's body is read for, at most.
const BODY_WAIT: Duration = Duration::from_secs(1);

/// Connects to a `ws://` URL over TCP, or to a `wss://` URL over TLS
/// (feature `rustls`, with Mozilla's roots), and runs the opening
/// handshake.
///
/// For custom headers, `Origin` or subprotocols, connect the transport
/// yourself and call [`client`]; for TLS roots of your own (a private CA,
/// the operating system's store), `connect_with_tls` (feature `rustls`).
///
/// # Errors
///
/// [`Error::Url`] for a URL that is not a WebSocket URL (see
/// [`WsUrl`](crate::WsUrl)); [`Error::TlsNotEnabled`] for `wss://` without
/// the `rustls` feature; [`Error::Io`] if TCP fails; [`Error::Tls`] if the
/// TLS handshake fails (an untrusted certificate, another name);
/// [`Error::Timeout`] if it takes longer than the handshake timeout; the
/// errors of [`client`].
///
/// # Examples
///
/// ```no_run
/// # async fn run() -> Result<(), rfc6455_tokio::Error> {
/// let ws = rfc6455_tokio::connect("ws://127.0.0.1:9001/chat").await?;
/// # Ok(())
/// # }
/// ```
pub async fn connect(url: &str) -> Result<WebSocket<MaybeTlsStream>, Error> {
    let url = WsUrl::parse(url)?;
    if url.is_secure() {
        return secure(&url).await;
    }
    let tcp = tcp(&url).await?;
    handshake(&url, MaybeTlsStream::Plain(tcp)).await
}

/// [`connect`] with a rustls configuration of your own for `wss://` (its
/// root certificates, client certificate, ALPN); `ws://` URLs ignore it.
///
/// # Errors
///
/// As for [`connect`].
///
/// # Examples
///
/// Trusting the operating system's roots, loaded by the
/// `rustls-native-certs` crate, instead of Mozilla's:
///
/// ```ignore
/// use std::sync::Arc;
/// use rfc6455_tokio::tokio_rustls::rustls::{ClientConfig, RootCertStore};
///
/// let mut roots = RootCertStore::empty();
/// roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
/// let config = ClientConfig::builder().with_root_certificates(roots).with_no_client_auth();
/// let ws = rfc6455_tokio::connect_with_tls("wss://example.com/", Arc::new(config)).await?;
/// ```
#[cfg(feature = "rustls")]
pub async fn connect_with_tls(
    url: &str,
    config: std::sync::Arc<tokio_rustls::rustls::ClientConfig>,
) -> Result<WebSocket<MaybeTlsStream>, Error> {
    let url = WsUrl::parse(url)?;
    if !url.is_secure() {
        let tcp = tcp(&url).await?;
        return handshake(&url, MaybeTlsStream::Plain(tcp)).await;
    }
    over_tls(&url, config).await
}

#[cfg(feature = "rustls")]
async fn secure(url: &WsUrl<'_>) -> Result<WebSocket<MaybeTlsStream>, Error> {
    over_tls(url, crate::tls::default_config()?).await
}

/// TCP, then TLS within the handshake timeout, then the opening handshake.
#[cfg(feature = "rustls")]
async fn over_tls(
    url: &WsUrl<'_>,
    config: std::sync::Arc<tokio_rustls::rustls::ClientConfig>,
) -> Result<WebSocket<MaybeTlsStream>, Error> {
    let tcp = tcp(url).await?;
    let timeout = Config::new().handshake_timeout.unwrap_or(Duration::MAX);
    let tls = tokio::time::timeout(timeout, crate::tls::handshake(url.host(), tcp, config))
        .await
        .map_err(|_| Error::Timeout(rfc6455::Timeout::Handshake))??;
    handshake(url, tls).await
}

#[cfg(not(feature = "rustls"))]
async fn secure(_: &WsUrl<'_>) -> Result<WebSocket<MaybeTlsStream>, Error> {
    Err(Error::TlsNotEnabled)
}

async fn tcp(url: &WsUrl<'_>) -> Result<TcpStream, Error> {
    let stream = TcpStream::connect((url.host(), url.port())).await?;
    stream.set_nodelay(true)?;
    Ok(stream)
}

/// The opening handshake for `url` over `stream`.
async fn handshake(
    url: &WsUrl<'_>,
    stream: MaybeTlsStream,
) -> Result<WebSocket<MaybeTlsStream>, Error> {
    client(&request_for(url), stream).await
}

/// The upgrade request for `url`.
fn request_for<'u>(url: &'u WsUrl<'_>) -> ClientRequest<'u> {
    let scheme = if url.is_secure() {
        Scheme::Wss
    } else {
        Scheme::Ws
    };
    ClientRequest::new(url.host())
        .scheme(scheme)
        .port(url.port())
        .target(url.target())
}

/// [`connect`], offering permessage-deflate (RFC 7692) as `deflate` says;
/// [`WebSocket::deflate`] tells whether the server accepted it.
///
/// # Errors
///
/// As for [`connect`] and [`client_with_deflate`].
///
/// # Examples
///
/// ```no_run
/// use rfc6455_tokio::DeflateConfig;
///
/// # async fn run() -> Result<(), rfc6455_tokio::Error> {
/// let ws = rfc6455_tokio::connect_with_deflate("ws://127.0.0.1:9001/", DeflateConfig::new()).await?;
/// println!("compressed: {:?}", ws.deflate());
/// # Ok(())
/// # }
/// ```
#[cfg(feature = "deflate")]
pub async fn connect_with_deflate(
    url: &str,
    deflate: rfc6455_deflate::DeflateConfig,
) -> Result<WebSocket<MaybeTlsStream>, Error> {
    let url = WsUrl::parse(url)?;
    let tcp = tcp(&url).await?;
    let stream = if url.is_secure() {
        tls_stream(&url, tcp).await?
    } else {
        MaybeTlsStream::Plain(tcp)
    };
    client_with_deflate(&request_for(&url), stream, Config::new(), deflate).await
}

/// TLS over `tcp` with the default roots, within the handshake timeout.
#[cfg(all(feature = "deflate", feature = "rustls"))]
async fn tls_stream(url: &WsUrl<'_>, tcp: TcpStream) -> Result<MaybeTlsStream, Error> {
    let timeout = Config::new().handshake_timeout.unwrap_or(Duration::MAX);
    let config = crate::tls::default_config()?;
    tokio::time::timeout(timeout, crate::tls::handshake(url.host(), tcp, config))
        .await
        .map_err(|_| Error::Timeout(rfc6455::Timeout::Handshake))?
}

#[cfg(all(feature = "deflate", not(feature = "rustls")))]
async fn tls_stream(_: &WsUrl<'_>, _: TcpStream) -> Result<MaybeTlsStream, Error> {
    Err(Error::TlsNotEnabled)
}

/// Runs a client's opening handshake over any transport, with the request
/// you describe: target, `Origin`, subprotocols, extra headers.
///
/// # Errors
///
/// [`Error::Refused`] when the server answers with another status than
/// `101` (with its headers and body); [`Error::Handshake`] for an invalid
/// `101`; [`Error::Timeout`] after [`Config::handshake_timeout`];
/// [`Error::Usage`] for a header that could inject into the request;
/// [`Error::Io`].
///
/// # Examples
///
/// ```no_run
/// use rfc6455::ClientRequest;
///
/// # async fn run() -> Result<(), rfc6455_tokio::Error> {
/// let stream = tokio::net::TcpStream::connect("127.0.0.1:9001").await?;
/// let request = ClientRequest::new("127.0.0.1")
///     .port(9001)
///     .target("/chat")
///     .subprotocols(&["chat", "superchat"])
///     .headers(&[("Authorization", "Bearer xyz")]);
/// let ws = rfc6455_tokio::client(&request, stream).await?;
/// println!("subprotocol: {:?}", ws.protocol());
/// # Ok(())
/// # }
/// ```
pub async fn client<S>(request: &ClientRequest<'_>, stream: S) -> Result<WebSocket<S>, Error>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    client_with_config(request, stream, Config::new()).await
}

/// [`client`] with a [`Config`] of your own. Messages are always delivered
/// whole.
///
/// # Errors
///
/// As for [`client`].
pub async fn client_with_config<S>(
    request: &ClientRequest<'_>,
    stream: S,
    config: Config,
) -> Result<WebSocket<S>, Error>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let conn = Connection::client(
        request,
        whole(config),
        Vec::new(),
        Vec::new(),
        StdKeys::new(),
    )?;
    open_client(AnyConn::Keyed(conn), stream, config).await
}

/// [`client_with_config`] offering permessage-deflate (RFC 7692) as
/// `deflate` says; the connection uses it if the server accepts it
/// ([`WebSocket::deflate`] tells).
///
/// # Errors
///
/// As for [`client`]; [`Error::Handshake`] with
/// [`HandshakeError::ExtensionRejected`](rfc6455::HandshakeError::ExtensionRejected)
/// if the server answers with parameters that were not offered.
///
/// # Examples
///
/// ```no_run
/// use rfc6455::{ClientRequest, Config};
/// use rfc6455_tokio::DeflateConfig;
///
/// # async fn run() -> Result<(), rfc6455_tokio::Error> {
/// let stream = tokio::net::TcpStream::connect("127.0.0.1:9001").await?;
/// let request = ClientRequest::new("127.0.0.1").port(9001);
/// let ws = rfc6455_tokio::client_with_deflate(&request, stream, Config::new(), DeflateConfig::new()).await?;
/// println!("compressed: {}", ws.deflate().is_some());
/// # Ok(())
/// # }
/// ```
#[cfg(feature = "deflate")]
pub async fn client_with_deflate<S>(
    request: &ClientRequest<'_>,
    stream: S,
    config: Config,
    deflate: rfc6455_deflate::DeflateConfig,
) -> Result<WebSocket<S>, Error>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let conn = Connection::client(
        request,
        whole(config),
        Vec::new(),
        Vec::new(),
        StdKeys::new(),
    )?;
    let mut conn = AnyConn::Keyed(conn);
    conn.with_deflate(deflate)?;
    open_client(conn, stream, config).await
}

/// Runs a client's opening handshake on `stream`.
async fn open_client<S>(conn: AnyConn, stream: S, config: Config) -> Result<WebSocket<S>, Error>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let mut inner = Inner::new(stream, conn);
    inner.rare().seen = Some(Vec::new());
    match poll_fn(|cx| inner.poll_opening(cx)).await {
        Ok(Opened::Complete(protocol)) => {
            inner.opened(protocol);
            Ok(WebSocket::from_inner(inner))
        }
        Ok(Opened::Upgrade) => unreachable!("a client receives no upgrade request"),
        Err(Error::Handshake(HandshakeError::UnexpectedStatus(status))) => {
            let refusal = refusal(&mut inner, status, config).await;
            let _ = inner.io.shutdown().await;
            Err(Error::Refused(Box::new(refusal)))
        }
        Err(e) => {
            crate::server::finish(&mut inner).await;
            Err(e)
        }
    }
}

/// Reads the refused response from the bytes seen, and the rest of its
/// body (up to [`Refusal::MAX_BODY`], for [`BODY_WAIT`] at most).
async fn refusal<S: AsyncRead + Unpin>(
    inner: &mut Inner<S>,
    status: u16,
    config: Config,
) -> Refusal {
    let seen = inner
        .rare
        .as_mut()
        .and_then(|r| r.seen.take())
        .unwrap_or_default();
    let limits = HeadLimits::new()
        .with_max_head_len(config.max_head_len)
        .with_max_headers(config.max_headers);
    // Interim (1xx) responses may precede the final one.
    let mut start = 0;
    let parsed = loop {
        match ResponseHead::parse(&seen[start..], limits) {
            Ok(Status::Complete(head)) if (100..200).contains(&head.status()) => {
                start += head.head_len();
            }
            Ok(Status::Complete(head)) => break Some(head),
            _ => break None,
        }
    };
    let Some(head) = parsed else {
        return Refusal {
            status,
            reason: String::new(),
            headers: Vec::new(),
            body: Vec::new(),
        };
    };
    let headers: Vec<(String, Vec<u8>)> = head
        .headers()
        .iter()
        .map(|field| (field.name.to_owned(), field.value.to_vec()))
        .collect();
    let length = head
        .header("Content-Length")
        .and_then(|v| std::str::from_utf8(v).ok())
        .and_then(|v| v.trim().parse::<usize>().ok());
    let want = length.unwrap_or(usize::MAX).min(Refusal::MAX_BODY);
    let mut body = seen[start + head.head_len()..].to_vec();
    let reason = String::from_utf8_lossy(head.reason()).into_owned();
    let deadline = tokio::time::Instant::now() + BODY_WAIT;
    while body.len() < want {
        let mut chunk = [0u8; 1024];
        match tokio::time::timeout_at(deadline, inner.io.read(&mut chunk)).await {
            Ok(Ok(n)) if n > 0 => body.extend_from_slice(&chunk[..n]),
            _ => break,
        }
    }
    body.truncate(want);
    Refusal {
        status,
        reason,
        headers,
        body,
    }
}
