//! rfc6455-tokio: `accept_with`, then `recv` and `send` of whole messages,
//! in one function (the adapter's echo server,
//! `tokio/examples/echo_server.rs`). Pings are answered and the Close
//! echoed by the core underneath. With `--deflate`, `Accept::deflate` with
//! the defaults (level 1, memLevel 4).

use std::io;

use rfc6455_tokio::{Accept, DeflateConfig};
use tokio::net::TcpStream;

pub async fn echo(socket: TcpStream, deflate: bool) -> io::Result<()> {
    let accept = match deflate {
        true => Accept::new().deflate(DeflateConfig::new()),
        false => Accept::new(),
    };
    let mut ws = rfc6455_tokio::accept_with(socket, |_| Ok(accept))
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
