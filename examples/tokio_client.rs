//! A load-generating client over tokio: many concurrent connections, each
//! sending messages to an echo server and checking every echo.
//!
//! Run `tokio_echo` (or `echo_server`), then
//! `cargo run --release --example tokio_client -- ws://127.0.0.1:9001/ 100 50`
//! for 100 connections of 50 messages each. Messages alternate between text
//! (with multi-byte characters) and binary, of sizes from 0 to about 3 KB;
//! up to 8 are in flight per connection. Each connection ends with a close
//! handshake, and TCP is closed in order (`tokio_io::close`). Exits 0 if
//! every echo matched and every close was clean.

mod tokio_io;
mod url;

use std::collections::VecDeque;
use std::io;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use rfc6455::{
    ClientRequest, CloseCode, Config, Connection, Event, Fragment, MessageKind, MessageMode, State,
    StdKeys,
};
use tokio::net::TcpStream;

/// Messages sent but not yet echoed, per connection.
const WINDOW: usize = 8;

/// Message `i` of connection `id`: its kind and bytes.
fn message(id: usize, i: usize) -> (MessageKind, Vec<u8>) {
    let len = (id * 131 + i * 37) % 3000;
    if i % 2 == 0 {
        let text: String = "ab€é😀".chars().cycle().take(len / 3).collect();
        (MessageKind::Text, text.into_bytes())
    } else {
        (
            MessageKind::Binary,
            (0..len).map(|b| (b * 7 + id) as u8).collect(),
        )
    }
}

/// One connection: send `count` messages, check their echoes, close.
async fn session(url: &str, id: usize, count: usize) -> io::Result<()> {
    let url = url::parse(url)?;
    let mut socket = TcpStream::connect((url.host, url.port)).await?;
    socket.set_nodelay(true)?;
    let request = ClientRequest::new(url.host)
        .port(url.port)
        .target(url.target);
    // Whole messages, whatever size the server's chunks are.
    let config = Config::new().with_message_mode(MessageMode::Reassemble);
    let storage = || vec![0; 16 << 10];
    let mut conn = Connection::client(&request, config, storage(), storage(), StdKeys::new())
        .map_err(io::Error::other)?;
    let mut in_flight = VecDeque::new();
    let mut sent = 0;
    loop {
        while let Some(event) = conn.poll_event() {
            let echo = match event.map_err(io::Error::other)? {
                Event::Text { data, .. } => (MessageKind::Text, data.as_bytes()),
                Event::Binary { data, .. } => (MessageKind::Binary, data),
                Event::Close { code, .. } if code != CloseCode::NORMAL => {
                    return Err(io::Error::other(format!("server closed with {code}")));
                }
                _ => continue,
            };
            let expected: (MessageKind, Vec<u8>) = in_flight
                .pop_front()
                .ok_or_else(|| io::Error::other("an echo nobody asked for"))?;
            if (expected.0, expected.1.as_slice()) != echo {
                return Err(io::Error::other(format!(
                    "echo {} differs",
                    sent - in_flight.len()
                )));
            }
        }
        if conn.state() == State::Open {
            while sent < count && in_flight.len() < WINDOW {
                let (kind, data) = message(id, sent);
                tokio_io::send(&mut socket, &mut conn, kind, &data, Fragment::Last).await?;
                in_flight.push_back((kind, data));
                sent += 1;
            }
            if sent == count && in_flight.is_empty() {
                conn.close(CloseCode::NORMAL, "done")
                    .map_err(io::Error::other)?;
            }
        }
        tokio_io::flush(&mut socket, &mut conn).await?;
        // The server closes TCP first; the client then sees the end.
        if conn.should_close_transport() || !tokio_io::read(&mut socket, &mut conn).await? {
            while let Some(event) = conn.poll_event() {
                event.map_err(io::Error::other)?;
            }
            let outcome = match (conn.state(), sent - in_flight.len()) {
                (State::Closed, echoed) if echoed == count => Ok(()),
                (state, echoed) => Err(io::Error::other(format!(
                    "ended in {state:?} after {echoed} of {count} echoes"
                ))),
            };
            tokio_io::close(socket).await?;
            return outcome;
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (url, connections, messages) = match args.as_slice() {
        [url] => (url.clone(), 10, 20),
        [url, c, m] => match (c.parse(), m.parse()) {
            (Ok(c), Ok(m)) => (url.clone(), c, m),
            _ => return usage(),
        },
        _ => return usage(),
    };
    let started = Instant::now();
    let tasks: Vec<_> = (0..connections)
        .map(|id| {
            let url = url.clone();
            tokio::spawn(async move {
                let limit = Duration::from_secs(60);
                match tokio::time::timeout(limit, session(&url, id, messages)).await {
                    Ok(result) => result,
                    Err(_) => Err(io::Error::other("timed out")),
                }
            })
        })
        .collect();
    let mut failed = 0;
    for (id, task) in tasks.into_iter().enumerate() {
        if let Err(e) = task.await.map_err(io::Error::other).and_then(|r| r) {
            eprintln!("tokio_client: connection {id}: {e}");
            failed += 1;
        }
    }
    println!(
        "tokio_client: {} passed, {failed} failed ({connections} connections of {messages} \
         messages, echoed and closed cleanly, in {} ms)",
        connections - failed,
        started.elapsed().as_millis()
    );
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn usage() -> ExitCode {
    eprintln!("usage: tokio_client ws://HOST:PORT/PATH [CONNECTIONS MESSAGES]");
    ExitCode::from(2)
}
