//! A connected client and server over an in-memory transport.
#![allow(dead_code)] // each test file uses a part

use rfc6455::ClientRequest;
use rfc6455_tokio::{Accept, Config, WebSocket};
use tokio::io::DuplexStream;

/// Bytes the in-memory transport holds each way.
pub const PIPE: usize = 64 << 10;

/// A client and a server that completed the opening handshake.
pub async fn pair() -> (WebSocket<DuplexStream>, WebSocket<DuplexStream>) {
    pair_with(Config::new(), Config::new(), PIPE).await
}

/// As [`pair`], with configurations and a transport buffer of your own.
pub async fn pair_with(
    client: Config,
    server: Config,
    pipe: usize,
) -> (WebSocket<DuplexStream>, WebSocket<DuplexStream>) {
    let (a, b) = tokio::io::duplex(pipe);
    let request = ClientRequest::new("example.com").target("/test");
    let (c, s) = tokio::join!(
        rfc6455_tokio::client_with_config(&request, a, client),
        rfc6455_tokio::accept_with_config(b, server, |_| Ok(Accept::new())),
    );
    (c.unwrap(), s.unwrap())
}

/// A transport that takes vectored writes, at most `max` bytes per write,
/// and counts the vectored ones: for the path that writes a large message
/// from its own buffer.
pub struct Vectored<S> {
    pub inner: S,
    pub max: usize,
    pub vectored: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl<S: tokio::io::AsyncRead + Unpin> tokio::io::AsyncRead for Vectored<S> {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: tokio::io::AsyncWrite + Unpin> tokio::io::AsyncWrite for Vectored<S> {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        let n = buf.len().min(self.max);
        std::pin::Pin::new(&mut self.inner).poll_write(cx, &buf[..n])
    }

    fn poll_write_vectored(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> std::task::Poll<std::io::Result<usize>> {
        // Gathers up to `max` bytes across the slices, as a kernel's
        // partial `writev` may stop anywhere.
        let mut gathered = Vec::new();
        for buf in bufs {
            let take = buf.len().min(self.max - gathered.len());
            gathered.extend_from_slice(&buf[..take]);
        }
        let result = std::pin::Pin::new(&mut self.inner).poll_write(cx, &gathered);
        if let std::task::Poll::Ready(Ok(n)) = result {
            if n > 0 {
                self.vectored
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
        }
        result
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// A client and a server over [`Vectored`] transports taking at most `max`
/// bytes per write; the counter counts both sides' vectored writes.
pub async fn vectored_pair(
    max: usize,
) -> (
    WebSocket<Vectored<DuplexStream>>,
    WebSocket<Vectored<DuplexStream>>,
    std::sync::Arc<std::sync::atomic::AtomicUsize>,
) {
    let (a, b) = tokio::io::duplex(PIPE);
    let vectored = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let wrap = |inner| Vectored {
        inner,
        max,
        vectored: vectored.clone(),
    };
    let request = ClientRequest::new("example.com").target("/test");
    let (c, s) = tokio::join!(
        rfc6455_tokio::client_with_config(&request, wrap(a), Config::new()),
        rfc6455_tokio::accept_with_config(wrap(b), Config::new(), |_| Ok(Accept::new())),
    );
    (c.unwrap(), s.unwrap(), vectored)
}
