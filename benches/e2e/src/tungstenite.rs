//! tokio-tungstenite: `accept_async`, then the `Stream` and `Sink` of
//! `WebSocketStream` (its README's echo server). Pings are answered and the
//! Close echoed by the library.

use std::io;

use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpStream;

pub async fn echo(socket: TcpStream) -> io::Result<()> {
    let mut ws = tokio_tungstenite::accept_async(socket)
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
