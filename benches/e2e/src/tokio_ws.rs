//! tokio-websockets: `ServerBuilder::accept`, then the `Stream` and `Sink`
//! of `WebSocketStream` (its README's echo server). Pings are answered and
//! the Close echoed by the library.

use std::io;

use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio_websockets::ServerBuilder;

pub async fn echo(socket: TcpStream) -> io::Result<()> {
    let (_request, mut ws) = ServerBuilder::new()
        .accept(socket)
        .await
        .map_err(io::Error::other)?;
    while let Some(message) = ws.next().await {
        let message = message.map_err(io::Error::other)?;
        if message.is_text() || message.is_binary() {
            ws.send(message).await.map_err(io::Error::other)?;
        }
    }
    Ok(())
}
