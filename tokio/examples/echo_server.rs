//! An echo server: one task per connection.
//!
//! `cargo run -p rfc6455-tokio --release --example tokio_echo_server -- 127.0.0.1:9001`
//!
//! The same contract as the core's `echo_server`: any path and Origin are
//! accepted, the first offered subprotocol that is `chat` or `superchat` is
//! selected, every message is echoed with its type, and TCP is closed in
//! order after the close handshake.

use rfc6455_tokio::{Accept, Error};
use tokio::net::{TcpListener, TcpStream};

/// Serves every connection `listener` accepts.
pub async fn serve(listener: TcpListener) -> std::io::Result<()> {
    loop {
        let (stream, peer) = listener.accept().await?;
        stream.set_nodelay(true)?;
        tokio::spawn(async move {
            if let Err(e) = echo(stream).await {
                eprintln!("echo_server: {peer}: {e}");
            }
        });
    }
}

async fn echo(stream: TcpStream) -> Result<(), Error> {
    let mut ws = rfc6455_tokio::accept_with(stream, |request| {
        let chosen = request
            .subprotocols()
            .find(|p| ["chat", "superchat"].contains(p));
        Ok(chosen.map_or(Accept::new(), |p| Accept::new().subprotocol(p)))
    })
    .await?;
    while let Some(message) = ws.recv().await {
        let message = message?;
        // Pings are answered and the Close echoed by the connection.
        if message.is_data() {
            ws.send(message).await?;
        }
    }
    Ok(())
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args().nth(1);
    let listener = TcpListener::bind(addr.as_deref().unwrap_or("127.0.0.1:9001")).await?;
    eprintln!("echo_server: listening on ws://{}", listener.local_addr()?);
    serve(listener).await
}
