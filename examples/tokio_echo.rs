//! An echo server over tokio: one task per connection, as many as the
//! machine allows.
//!
//! Run with `cargo run --release --example tokio_echo -- 127.0.0.1:9001`.
//! Like `echo_server`, it accepts any path and Origin, selects the
//! subprotocol `chat` or `superchat` when offered, echoes every message with
//! its type (whole, so messages of any size up to the limits), and closes TCP after
//! the close handshake (lingering until the client's FIN, `tokio_io::close`).

mod tokio_io;

use std::io;

use rfc6455::{Accept, Config, Connection, Event, Fragment, MessageKind};
use tokio::net::{TcpListener, TcpStream};

async fn serve(mut socket: TcpStream) -> io::Result<()> {
    socket.set_nodelay(true)?;
    // Growable storage: it grows with the messages and is given back when idle.
    let mut conn =
        Connection::server(Config::new(), Vec::new(), Vec::new()).map_err(io::Error::other)?;
    // Events borrow the connection: what is echoed is copied out first,
    // into a buffer kept while the connection keeps its storage (it gives
    // it back after `storage_idle_timeout` without use).
    let mut reply = Vec::new();
    loop {
        if conn.storage_len() == 0 {
            reply = Vec::new();
        }
        while let Some(event) = conn.poll_event() {
            let (kind, data, fin) = match event {
                Ok(Event::Upgrade(request)) => {
                    let chosen = request.subprotocols().find_map(|offered| {
                        ["chat", "superchat"].into_iter().find(|&p| p == offered)
                    });
                    let accept = chosen.map_or(Accept::new(), |p| Accept::new().subprotocol(p));
                    conn.accept(&accept).map_err(io::Error::other)?;
                    continue;
                }
                Ok(Event::Text { data, fin }) => (MessageKind::Text, data.as_bytes(), fin),
                Ok(Event::Binary { data, fin }) => (MessageKind::Binary, data, fin),
                // Pings are answered and Close frames echoed by the connection.
                Ok(_) => continue,
                Err(e) => {
                    eprintln!("tokio_echo: {}: {e}", socket.peer_addr()?);
                    continue;
                }
            };
            reply.clear();
            reply.extend_from_slice(data);
            let fragment = Fragment::from_fin(fin);
            tokio_io::send(&mut socket, &mut conn, kind, &reply, fragment).await?;
        }
        tokio_io::flush(&mut socket, &mut conn).await?;
        // A server closes TCP first after the close handshake (§7.1.1).
        if conn.should_close_transport() || !tokio_io::read(&mut socket, &mut conn).await? {
            // After the transport ended, report what is left (a 1006 Close).
            while conn.poll_event().is_some() {}
            if tokio_io::flush(&mut socket, &mut conn).await.is_err() {
                return Ok(()); // the peer is gone: nothing to close in order
            }
            return tokio_io::close(socket).await;
        }
    }
}

#[tokio::main]
async fn main() -> io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:9001".into());
    let listener = TcpListener::bind(&addr).await?;
    eprintln!("tokio_echo: listening on ws://{}", listener.local_addr()?);
    loop {
        match listener.accept().await {
            Ok((socket, _)) => {
                // One bad connection never stops the server.
                tokio::spawn(async move {
                    if let Err(e) = serve(socket).await {
                        eprintln!("tokio_echo: connection ended: {e}");
                    }
                });
            }
            Err(e) => {
                // Out of file descriptors, say: wait and try again.
                eprintln!("tokio_echo: accept failed: {e}");
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
        }
    }
}
