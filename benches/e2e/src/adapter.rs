//! rfc6455-tokio: `accept`, then `recv` and `send` of whole messages (the
//! adapter's echo server, `tokio/examples/echo_server.rs`). Pings are
//! answered and the Close echoed by the core underneath.

use std::io;

use tokio::net::TcpStream;

pub async fn echo(socket: TcpStream) -> io::Result<()> {
    let mut ws = rfc6455_tokio::accept(socket)
        .await
        .map_err(io::Error::other)?;
    while let Some(message) = ws.recv().await {
        let message = message.map_err(io::Error::other)?;
        if message.is_data() {
            ws.send(message).await.map_err(io::Error::other)?;
        }
    }
    Ok(())
}
