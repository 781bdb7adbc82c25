//! An echo server over blocking `std::net`, one thread per connection.
//!
//! Run with `cargo run --release --example echo_server -- 127.0.0.1:9001`.
//! It accepts any path and Origin, selects the first offered subprotocol that
//! is `chat` or `superchat`, echoes every message with its type, and closes
//! TCP after the close handshake (lingering until the client's FIN, so the
//! last Close frame is never lost to a reset). This is the server the
//! Autobahn TestSuite runs against (`scripts/autobahn.sh server`).

mod common;

use std::net::{TcpListener, TcpStream};
use std::{env, io, thread};

use rfc6455::{Config, Connection, Request};

/// 64 KiB of receive storage: larger messages are echoed chunk by chunk.
const STORAGE: usize = 64 << 10;

fn choose(request: &Request<'_>) -> Option<&'static str> {
    request
        .subprotocols()
        .find_map(|offered| ["chat", "superchat"].into_iter().find(|&p| p == offered))
}

fn serve(mut socket: TcpStream) -> io::Result<()> {
    socket.set_nodelay(true)?;
    // The transmit storage holds a whole echoed chunk plus control frames.
    let mut conn = Connection::server(Config::new(), vec![0; STORAGE], vec![0; 2 * STORAGE])
        .map_err(io::Error::other)?;
    let ended = common::echo(&mut socket, &mut conn, choose)?;
    if let Some(error) = ended.error {
        eprintln!("echo_server: {}: {error}", socket.peer_addr()?);
    }
    // The Close frame is written: FIN, then wait for the client's.
    common::close(socket)
}

fn main() -> io::Result<()> {
    let addr = env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:9001".into());
    let listener = TcpListener::bind(&addr)?;
    eprintln!("echo_server: listening on ws://{}", listener.local_addr()?);
    for stream in listener.incoming() {
        match stream {
            // One bad connection never stops the server.
            Ok(socket) => {
                thread::spawn(move || {
                    if let Err(e) = serve(socket) {
                        eprintln!("echo_server: connection ended: {e}");
                    }
                });
            }
            Err(e) => eprintln!("echo_server: accept failed: {e}"),
        }
    }
    Ok(())
}
