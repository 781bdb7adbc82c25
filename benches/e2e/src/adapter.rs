//! rfc6455-tokio: `accept`, then `recv` and `send` of whole messages (the
//! adapter's echo server, `tokio/examples/echo_server.rs`). Pings are
//! answered and the Close echoed by the core underneath. With `--deflate`,
//! `accept_with` and `Accept::deflate` with the defaults (level 1,
//! memLevel 4).

use std::io;

use rfc6455_tokio::{Accept, DeflateConfig, WebSocket};
use tokio::net::TcpStream;

pub async fn echo(socket: TcpStream) -> io::Result<()> {
    let ws = rfc6455_tokio::accept(socket)
        .await
        .map_err(io::Error::other)?;
    serve(ws).await
}

pub async fn echo_deflate(socket: TcpStream) -> io::Result<()> {
    let ws =
        rfc6455_tokio::accept_with(socket, |_| Ok(Accept::new().deflate(DeflateConfig::new())))
            .await
            .map_err(io::Error::other)?;
    serve(ws).await
}

async fn serve(mut ws: WebSocket<TcpStream>) -> io::Result<()> {
    while let Some(message) = ws.recv().await {
        let message = message.map_err(io::Error::other)?;
        if message.is_data() {
            ws.send(message).await.map_err(io::Error::other)?;
        }
    }
    Ok(())
}
