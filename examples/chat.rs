//! A chat room for browsers, over tokio.
//!
//! `cargo run --release --example chat`, then open <http://127.0.0.1:8080/>
//! in a few browser tabs. (An address argument changes where it listens.)
//!
//! One port serves both the page (`GET /`) and the WebSocket (`GET /ws`):
//! the request head is read with the crate's own HTTP parser to route it,
//! then handed, with any bytes behind it, to a `Connection`. Every text
//! message a browser sends is encoded into a frame **once** and that same
//! frame is queued on every open connection (`Connection::send_prepared`).
//! A message `/close CODE REASON` makes the server close that connection
//! with the given code and reason.

mod tokio_io;

use std::io;
use std::sync::Arc;

use rfc6455::{
    Accept, CloseCode, Config, Connection, Encoder, Error, Event, Fragment, MessageMode, NoKeys,
    Opcode, State, Status, UsageError,
};
use rfc6455::{HandshakeError, HeadLimits, HeadScanner, Rejection, RequestHead};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::broadcast::{self, error::RecvError};

const PAGE: &str = include_str!("chat.html");
/// The largest message a browser may send; larger ones close with 1009.
const MAX_MESSAGE: u64 = 16 << 10;
/// How long a client has to send its request head.
const HANDSHAKE: std::time::Duration = std::time::Duration::from_secs(10);
/// A broadcast frame, encoded once and shared by every connection.
type Frame = Arc<[u8]>;

#[tokio::main]
async fn main() -> io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8080".into());
    let listener = TcpListener::bind(&addr).await?;
    eprintln!("chat: open http://{}/ in a browser", listener.local_addr()?);
    let (hub, _) = broadcast::channel::<Frame>(1024);
    loop {
        match listener.accept().await {
            Ok((socket, _)) => {
                let hub = hub.clone();
                tokio::spawn(async move {
                    if let Err(e) = route(socket, hub).await {
                        eprintln!("chat: connection ended: {e}");
                    }
                });
            }
            Err(e) => {
                eprintln!("chat: accept failed: {e}");
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
        }
    }
}

/// Reads one request head and serves the page, the WebSocket, or a 404.
async fn route(mut socket: TcpStream, hub: broadcast::Sender<Frame>) -> io::Result<()> {
    socket.set_nodelay(true)?;
    let mut head = vec![0; 8 << 10];
    let mut len = 0;
    let mut scanner = HeadScanner::new();
    let deadline = tokio::time::Instant::now() + HANDSHAKE;
    loop {
        match scanner.scan(&head[..len]) {
            Ok(Status::Complete(_)) => break,
            Ok(Status::Partial) if len == head.len() => {
                return respond(socket, HandshakeError::HeadTooLarge.into()).await;
            }
            Ok(Status::Partial) => {}
            Err(e) => return respond(socket, e.into()).await,
        }
        // A client that sends half a head and goes quiet is dropped, as the
        // connection's own handshake deadline would.
        let read = tokio::time::timeout_at(deadline, socket.read(&mut head[len..]));
        match read.await {
            Ok(Ok(0)) => return Ok(()),
            Ok(n) => len += n?,
            Err(_) => return Ok(()),
        }
    }
    let path = match RequestHead::parse(&head[..len], HeadLimits::new()) {
        Ok(Status::Complete(request)) => request.target().split('?').next().unwrap_or(""),
        _ => "",
    };
    match path {
        "/" | "/index.html" => {
            let response = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\
                 Content-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n{PAGE}",
                PAGE.len()
            );
            socket.write_all(response.as_bytes()).await?;
            tokio_io::close(socket).await
        }
        "/ws" => chat(socket, &head[..len], hub).await,
        _ => respond(socket, Rejection::new(404).body(b"not found")).await,
    }
}

/// Answers with `response` and closes: in order, since the rest of a head
/// too large to read may still be arriving, and a reset would destroy the
/// answer.
async fn respond(mut socket: TcpStream, response: Rejection<'_>) -> io::Result<()> {
    let mut out = [0; 512];
    let n = response.write(&mut out).map_err(io::Error::other)?;
    socket.write_all(&out[..n]).await?;
    tokio_io::close(socket).await
}

/// What to do once the event that asked for it is no longer borrowed.
enum Action {
    Accept,
    Broadcast(Frame),
    Close(CloseCode, String),
    Tell(&'static str),
}

/// One browser's WebSocket: `head` is the upgrade request and whatever
/// followed it.
async fn chat(mut socket: TcpStream, head: &[u8], hub: broadcast::Sender<Frame>) -> io::Result<()> {
    let config = Config::new()
        .with_message_mode(MessageMode::Reassemble)
        .with_max_message_len(MAX_MESSAGE);
    let mut conn = Connection::server(config, vec![0; 16 << 10], vec![0; 64 << 10])
        .map_err(io::Error::other)?;
    // The storage is larger than the largest head, so all of it is taken.
    let _ = conn.receive(head);
    let mut inbox = hub.subscribe();
    loop {
        while let Some(event) = conn.poll_event() {
            let action = match event {
                Ok(Event::Upgrade(_)) => Action::Accept,
                Ok(Event::Text { data, .. }) => match data.strip_prefix("/close ") {
                    Some(command) => close_command(command),
                    None => {
                        let mut frame = Vec::new();
                        let encoded = Encoder::server().frame_to_vec(
                            Opcode::Text,
                            data.as_bytes(),
                            Fragment::Last,
                            &mut frame,
                        );
                        encoded.map_err(io::Error::other)?;
                        Action::Broadcast(frame.into())
                    }
                },
                Ok(Event::Binary { .. }) => Action::Tell("binary messages are not shared"),
                Ok(_) => continue,
                Err(e) => {
                    eprintln!("chat: {e}");
                    continue;
                }
            };
            match action {
                Action::Accept => conn.accept(&Accept::new()).map_err(io::Error::other)?,
                // Every connection, this one included, gets the same bytes.
                Action::Broadcast(frame) => drop(hub.send(frame)),
                Action::Close(code, reason) => {
                    if conn.close(code, &reason).is_err() {
                        let _ =
                            conn.send_text("usage: /close CODE REASON (code 1000 or 3000-4999)");
                    }
                }
                Action::Tell(note) => {
                    let _ = conn.send_text(note);
                }
            }
        }
        tokio_io::flush(&mut socket, &mut conn).await?;
        if conn.should_close_transport() {
            // After a message over the limit, its rest is still arriving:
            // dropping the socket now would reset the connection and the
            // browser would never see the 1009 Close just written.
            return tokio_io::close(socket).await;
        }
        tokio::select! {
            // Straight into the connection's storage, or the time passed in
            // when a deadline (keepalive, close) comes first.
            more = tokio_io::read(&mut socket, &mut conn) => drop(more?),
            frame = inbox.recv(), if conn.state() == State::Open => match frame {
                Ok(frame) => queue(&mut socket, &mut conn, &frame).await?,
                Err(RecvError::Lagged(missed)) => eprintln!("chat: a slow reader missed {missed} messages"),
                Err(RecvError::Closed) => return Ok(()),
            },
        }
    }
}

/// `/close 4001 some reason`.
fn close_command(command: &str) -> Action {
    let (code, reason) = command.split_once(' ').unwrap_or((command, ""));
    match code.parse() {
        Ok(code) => Action::Close(CloseCode::new(code), reason.into()),
        Err(_) => Action::Tell("usage: /close CODE REASON"),
    }
}

/// Queues a broadcast frame, writing queued output first if the transmit
/// storage is full.
async fn queue(
    socket: &mut TcpStream,
    conn: &mut Connection<Vec<u8>, NoKeys>,
    frame: &[u8],
) -> io::Result<()> {
    loop {
        match conn.send_prepared(frame) {
            Err(Error::Usage(UsageError::QueueFull) | Error::BufferTooSmall(_))
                if !conn.peek_transmit().is_empty() =>
            {
                tokio_io::flush(socket, conn).await?;
            }
            // Closing or closed: the message is not for this connection.
            Err(Error::Usage(_)) => return Ok(()),
            other => return other.map_err(io::Error::other),
        }
    }
}
