//! A hyper 1.x server whose requests are WebSocket upgrades, each echoed:
//! `upgrade_response` checks the request and builds the `101`, then
//! `WebSocket::from_upgraded` runs on the connection hyper hands over.
//!
//! `cargo run -p rfc6455-tokio --features http --example hyper_echo -- 127.0.0.1:9001`
//!
//! A request that is not a valid upgrade makes `handle` fail, and hyper
//! closes that connection without a response; to answer it instead, send
//! the status of the `Error::Handshake` (`HandshakeError::status`).

use std::error::Error;

use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use rfc6455_tokio::{upgrade_response, Accept, Config, Role, WebSocket};
use tokio::net::TcpListener;

/// Answers an upgrade request with `101` and echoes on the upgraded
/// connection in a task of its own.
async fn handle(mut request: Request<Incoming>) -> Result<Response<String>, rfc6455_tokio::Error> {
    // The WebSocket part begins.
    let response = upgrade_response(&request, &Accept::new())?;
    tokio::spawn(async move {
        let io = TokioIo::new(hyper::upgrade::on(&mut request).await?);
        let mut ws = WebSocket::from_upgraded(io, Role::Server, Config::new())?;
        while let Some(message) = ws.recv().await {
            let message = message?;
            if message.is_data() {
                ws.send(message).await?;
            }
        }
        Ok::<_, Box<dyn Error + Send + Sync>>(())
    });
    Ok(response.map(|()| String::new()))
    // The WebSocket part ends.
}

/// Serves HTTP/1.1, with upgrades, on every connection `listener` accepts.
pub async fn serve(listener: TcpListener) -> std::io::Result<()> {
    loop {
        let (tcp, _) = listener.accept().await?;
        tokio::spawn(async move {
            let http =
                http1::Builder::new().serve_connection(TokioIo::new(tcp), service_fn(handle));
            if let Err(e) = http.with_upgrades().await {
                eprintln!("hyper_echo: {e}");
            }
        });
    }
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args().nth(1);
    let listener = TcpListener::bind(addr.as_deref().unwrap_or("127.0.0.1:9001")).await?;
    eprintln!("hyper_echo: listening on ws://{}", listener.local_addr()?);
    serve(listener).await
}
