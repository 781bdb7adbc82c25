//! `e2e-server CRATE ADDR [--deflate]`: an echo server over tokio on a
//! `current_thread` runtime, one task per connection, written the way CRATE
//! documents. It echoes every text and binary message whole and answers the
//! close handshake. With `--deflate` it agrees to permessage-deflate when
//! the client offers it (context takeover, level 1); only `rfc6455`,
//! `rfc6455-tokio` and `yawc` have it. CRATE is one of:
//!
//! - `rfc6455`: the sans-IO core driven by the crate's reference loop
//!   (`examples/tokio_io`, shared with `tokio_echo`);
//! - `rfc6455-tokio`: the crate's tokio adapter, `accept`, then `recv` and
//!   `send` of whole messages;
//! - `tokio-tungstenite`: `accept_async`, then `Stream` + `Sink`;
//! - `fastwebsockets`: the opening handshake answered here (fastwebsockets
//!   leaves it to hyper), then `WebSocket::after_handshake` in a
//!   `FragmentCollector`;
//! - `tokio-websockets`: `ServerBuilder::accept`, then `Stream` + `Sink`;
//! - `yawc`: the opening handshake answered here, then
//!   `WebSocket::from_stream_with_extensions`, `next_frame` and `send`.
//!
//! `run.sh` starts it under load (`e2e-client` for the deflate workload).

mod adapter;
mod fastws;
mod handshake;
mod raw;
#[path = "../../../examples/tokio_io/mod.rs"]
mod tokio_io;
mod tokio_ws;
mod tungstenite;
mod yawc;

use std::future::Future;
use std::io;
use std::process::ExitCode;

use futures_util::FutureExt;
use tokio::net::{TcpListener, TcpStream};

const CRATES: [&str; 6] = [
    "rfc6455",
    "rfc6455-tokio",
    "tokio-tungstenite",
    "fastwebsockets",
    "tokio-websockets",
    "yawc",
];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (name, addr, deflate) = match args.as_slice() {
        [name, addr] => (name, addr, false),
        [name, addr, flag] if flag == "--deflate" => (name, addr, true),
        _ => {
            eprintln!("usage: e2e-server {} ADDR [--deflate]", CRATES.join("|"));
            return ExitCode::from(2);
        }
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let result = runtime.block_on(async {
        match (name.as_str(), deflate) {
            ("rfc6455", false) => serve(addr, raw::echo).await,
            ("rfc6455", true) => serve(addr, raw::echo_deflate).await,
            ("rfc6455-tokio", false) => serve(addr, |s| adapter::echo(s, false)).await,
            ("rfc6455-tokio", true) => serve(addr, |s| adapter::echo(s, true)).await,
            ("tokio-tungstenite", false) => serve(addr, tungstenite::echo).await,
            ("fastwebsockets", false) => serve(addr, fastws::echo).await,
            ("tokio-websockets", false) => serve(addr, tokio_ws::echo).await,
            ("yawc", false) => serve(addr, yawc::echo).await,
            ("yawc", true) => serve(addr, yawc::echo_deflate).await,
            (name, true) if CRATES.contains(&name) => Err(io::Error::other(format!(
                "{name} has no permessage-deflate"
            ))),
            _ => Err(io::Error::other(format!("unknown crate {name}"))),
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("e2e-server: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Accepts connections on `addr` and runs `echo` on each in its own task.
async fn serve<F, Fut>(addr: &str, echo: F) -> io::Result<()>
where
    F: Fn(TcpStream) -> Fut,
    Fut: Future<Output = io::Result<()>> + Send + 'static,
{
    let listener = TcpListener::bind(addr).await?;
    eprintln!("e2e-server: listening on {}", listener.local_addr()?);
    loop {
        match listener.accept().await {
            Ok((socket, _)) => {
                socket.set_nodelay(true)?;
                // `map`, not an `async` block awaiting the echo: a block
                // would hold the echo future twice (as the value it captured
                // and as the one it awaits), doubling each task's memory.
                tokio::spawn(echo(socket).map(|result| {
                    if let Err(e) = result {
                        eprintln!("e2e-server: connection ended: {e}");
                    }
                }));
            }
            Err(e) => {
                eprintln!("e2e-server: accept failed: {e}");
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
        }
    }
}
