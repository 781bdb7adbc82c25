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
