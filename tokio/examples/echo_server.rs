//! An echo server: one task per connection.
//!
//! `cargo run -p rfc6455-tokio --release --example tokio_echo_server -- 127.0.0.1:9001`
//!
//! The same contract as the core's `echo_server`: any path and Origin are
//! accepted, the first offered subprotocol that is `chat` or `superchat` is
//! selected, every message is echoed with its type, and TCP is closed in
//! order after the close handshake.
//!
//! `--deflate` (built with `--features deflate`) accepts permessage-deflate
//! when the client offers it: `tokio_echo_server --deflate 127.0.0.1:9001`.

use rfc6455_tokio::{Accept, Error};
use tokio::net::{TcpListener, TcpStream};

/// Serves every connection `listener` accepts.
pub async fn serve(listener: TcpListener) -> std::io::Result<()> {
    serve_with(listener, false).await
}

/// Serves every connection `listener` accepts, with permessage-deflate
/// when `deflate` is set.
pub async fn serve_with(listener: TcpListener, deflate: bool) -> std::io::Result<()> {
    loop {
        let (stream, peer) = listener.accept().await?;
        stream.set_nodelay(true)?;
        tokio::spawn(async move {
            if let Err(e) = echo(stream, deflate).await {
                eprintln!("echo_server: {peer}: {e}");
            }
        });
    }
}

async fn echo(stream: TcpStream, deflate: bool) -> Result<(), Error> {
    let mut ws = rfc6455_tokio::accept_with(stream, |request| {
        let chosen = request
            .subprotocols()
            .find(|p| ["chat", "superchat"].contains(p));
        let accept = chosen.map_or(Accept::new(), |p| Accept::new().subprotocol(p));
        Ok(with_deflate(accept, deflate))
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

#[cfg(feature = "deflate")]
fn with_deflate(accept: Accept, deflate: bool) -> Accept {
    if deflate {
        accept.deflate(rfc6455_tokio::DeflateConfig::new())
    } else {
        accept
    }
}

#[cfg(not(feature = "deflate"))]
fn with_deflate(accept: Accept, _: bool) -> Accept {
    accept
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let deflate = args.first().is_some_and(|a| a == "--deflate");
    if deflate {
        args.remove(0);
        if cfg!(not(feature = "deflate")) {
            eprintln!("echo_server: --deflate needs `--features deflate`");
            std::process::exit(2);
        }
    }
    let addr = args.first().map_or("127.0.0.1:9001", String::as_str);
    let listener = TcpListener::bind(addr).await?;
    eprintln!("echo_server: listening on ws://{}", listener.local_addr()?);
    serve_with(listener, deflate).await
}
