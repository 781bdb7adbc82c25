//! A load-generating client over tokio: many concurrent connections to an
//! echo server, checking every echo. Three modes:
//!
//! - `tokio_client ws://127.0.0.1:9001/ 100 50`: 100 connections of 50
//!   messages each. Messages alternate between text (with multi-byte
//!   characters) and binary, of sizes from 0 to about 3 KB; up to 8 are in
//!   flight per connection. Each connection ends with a close handshake.
//!   Exits 0 if every echo matched and every close was clean.
//! - `tokio_client --idle 10000 ws://127.0.0.1:9001/ [SECONDS]`: opens 10,000
//!   connections, completes each handshake, prints
//!   `tokio_client: 10000 idle connections established` and then sends
//!   nothing until its standard input ends or SECONDS (60) pass; then closes
//!   each cleanly. For measuring a server's memory per idle connection
//!   (`scripts/idle_rss.sh`).
//! - `tokio_client --throughput ws://127.0.0.1:9001/ 500 16384 [SECONDS]`:
//!   500 connections, each with one binary message of 16,384 bytes in flight
//!   (the next is sent when the echo came back and matched). After a warm-up
//!   of 2 s, counts echoes for SECONDS (5) and prints messages per second.
//!
//! Run `tokio_echo` (or `echo_server`) first, e.g.
//! `cargo run --release --example tokio_echo -- 127.0.0.1:9001`.

mod tokio_io;
mod url;

use std::collections::VecDeque;
use std::io::{self, Read};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rfc6455::{
    ClientRequest, CloseCode, Config, Connection, Event, Fragment, MessageKind, MessageMode, State,
    StdKeys,
};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, oneshot, watch, Semaphore};
use tokio_io::Conn;

/// Messages sent but not yet echoed, per connection.
const WINDOW: usize = 8;

/// How long one connection of the echo mode may take, and how long the
/// idle and throughput modes wait for connections to open or to close.
const LIMIT: Duration = Duration::from_secs(60);

/// Opening handshakes in flight at once, so that thousands of connections do
/// not overflow the server's listen backlog (a dropped SYN waits a second
/// or more before it is sent again).
const OPENING: usize = 256;

/// The throughput mode's warm-up, before echoes are counted.
const WARM_UP: Duration = Duration::from_secs(2);

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

/// A TCP connection to `url` and a client `Connection` for it, with
/// `storage` bytes of receive and transmit storage each. Whole messages are
/// delivered, whatever size the server's chunks are.
async fn connect(url: &str, storage: usize) -> io::Result<(TcpStream, Conn<StdKeys>)> {
    let url = url::parse(url)?;
    let socket = TcpStream::connect((url.host, url.port)).await?;
    socket.set_nodelay(true)?;
    let request = ClientRequest::new(url.host)
        .port(url.port)
        .target(url.target);
    let config = Config::new().with_message_mode(MessageMode::Reassemble);
    let conn = Connection::client(
        &request,
        config,
        vec![0; storage],
        vec![0; storage],
        StdKeys::new(),
    )
    .map_err(io::Error::other)?;
    Ok((socket, conn))
}

/// Sends the upgrade request and reads until the handshake completed.
async fn open(socket: &mut TcpStream, conn: &mut Conn<StdKeys>) -> io::Result<()> {
    loop {
        tokio_io::flush(socket, conn).await?;
        while let Some(event) = conn.poll_event() {
            if let Event::HandshakeComplete(_) = event.map_err(io::Error::other)? {
                return Ok(());
            }
        }
        if !tokio_io::read(socket, conn).await? {
            return Err(io::Error::other("the server ended the opening handshake"));
        }
    }
}

/// Closes with 1000, waits for the server's Close and its end of TCP, then
/// closes TCP in order. Messages still arriving are dropped.
async fn close(mut socket: TcpStream, mut conn: Conn<StdKeys>) -> io::Result<()> {
    conn.close(CloseCode::NORMAL, "done")
        .map_err(io::Error::other)?;
    loop {
        while let Some(event) = conn.poll_event() {
            event.map_err(io::Error::other)?;
        }
        tokio_io::flush(&mut socket, &mut conn).await?;
        if conn.should_close_transport() || !tokio_io::read(&mut socket, &mut conn).await? {
            break;
        }
    }
    while let Some(event) = conn.poll_event() {
        event.map_err(io::Error::other)?;
    }
    let state = conn.state();
    tokio_io::close(socket).await?;
    match state {
        State::Closed => Ok(()),
        state => Err(io::Error::other(format!("closing ended in {state:?}"))),
    }
}

/// One connection of the echo mode: send `count` messages, check their
/// echoes, close.
async fn session(url: &str, id: usize, count: usize) -> io::Result<()> {
    let (mut socket, mut conn) = connect(url, 16 << 10).await?;
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

/// One connection of the idle mode: open, say so on `opened`, then send
/// nothing until `stop`, and close.
async fn idle(
    url: &str,
    opening: &Semaphore,
    opened: mpsc::UnboundedSender<bool>,
    mut stop: watch::Receiver<bool>,
) -> io::Result<()> {
    let permit = opening.acquire().await.map_err(io::Error::other)?;
    let attempt = async {
        let (mut socket, mut conn) = connect(url, 4 << 10).await?;
        open(&mut socket, &mut conn).await?;
        io::Result::Ok((socket, conn))
    };
    let attempt = attempt.await;
    drop(permit);
    let _ = opened.send(attempt.is_ok());
    let (mut socket, mut conn) = attempt?;
    // Idle, but still reading: a Ping is answered, a close noticed.
    while !*stop.borrow() {
        tokio::select! {
            changed = stop.changed() => {
                if changed.is_err() {
                    break; // nobody is left to say stop
                }
            }
            more = tokio_io::read(&mut socket, &mut conn) => {
                let more = more?;
                while let Some(event) = conn.poll_event() {
                    event.map_err(io::Error::other)?;
                }
                tokio_io::flush(&mut socket, &mut conn).await?;
                if !more || conn.state() != State::Open {
                    return Err(io::Error::other("the server closed an idle connection"));
                }
            }
        }
    }
    close(socket, conn).await
}

/// One connection of the throughput mode: one binary message of `size`
/// bytes in flight, the next sent when its echo matched; each echo counted
/// in `echoed`.
async fn throughput(
    url: &str,
    id: usize,
    size: usize,
    echoed: &AtomicU64,
    stop: watch::Receiver<bool>,
) -> io::Result<()> {
    // The transmit storage holds a whole masked frame (14-byte header).
    let (mut socket, mut conn) = connect(url, (size + 14).max(16 << 10)).await?;
    open(&mut socket, &mut conn).await?;
    let mut data: Vec<u8> = (0..size).map(|i| (i * 31 + id) as u8).collect();
    let mut sequence: u64 = 0;
    while !*stop.borrow() {
        // Each message differs from the last, so a stale echo is caught.
        let stamp = sequence.to_le_bytes();
        let stamped = stamp.len().min(size);
        data[..stamped].copy_from_slice(&stamp[..stamped]);
        tokio_io::send(
            &mut socket,
            &mut conn,
            MessageKind::Binary,
            &data,
            Fragment::Last,
        )
        .await?;
        tokio_io::flush(&mut socket, &mut conn).await?;
        'echo: loop {
            while let Some(event) = conn.poll_event() {
                match event.map_err(io::Error::other)? {
                    Event::Binary { data: echo, .. } if echo == data.as_slice() => break 'echo,
                    Event::Binary { .. } | Event::Text { .. } => {
                        return Err(io::Error::other(format!("echo {sequence} differs")));
                    }
                    Event::Close { code, .. } => {
                        return Err(io::Error::other(format!("server closed with {code}")));
                    }
                    _ => {}
                }
            }
            tokio_io::flush(&mut socket, &mut conn).await?;
            if !tokio_io::read(&mut socket, &mut conn).await? {
                return Err(io::Error::other("the server ended the connection"));
            }
        }
        echoed.fetch_add(1, Ordering::Relaxed);
        sequence += 1;
    }
    close(socket, conn).await
}

/// Waits for every task, [`LIMIT`] at most; prints and counts those that
/// failed or did not end in time.
async fn join(tasks: Vec<tokio::task::JoinHandle<io::Result<()>>>) -> usize {
    let deadline = tokio::time::Instant::now() + LIMIT;
    let mut failed = 0;
    for (id, task) in tasks.into_iter().enumerate() {
        let result = match tokio::time::timeout_at(deadline, task).await {
            Ok(joined) => joined.map_err(io::Error::other).and_then(|r| r),
            Err(_) => Err(io::Error::other("timed out")),
        };
        if let Err(e) = result {
            eprintln!("tokio_client: connection {id}: {e}");
            failed += 1;
        }
    }
    failed
}

async fn echo_mode(url: String, connections: usize, messages: usize) -> ExitCode {
    let started = Instant::now();
    let tasks: Vec<_> = (0..connections)
        .map(|id| {
            let url = url.clone();
            tokio::spawn(async move {
                match tokio::time::timeout(LIMIT, session(&url, id, messages)).await {
                    Ok(result) => result,
                    Err(_) => Err(io::Error::other("timed out")),
                }
            })
        })
        .collect();
    let failed = join(tasks).await;
    println!(
        "tokio_client: {} passed, {failed} failed ({connections} connections of {messages} \
         messages, echoed and closed cleanly, in {} ms)",
        connections - failed,
        started.elapsed().as_millis()
    );
    status(failed)
}

async fn idle_mode(url: String, connections: usize, hold: Duration) -> ExitCode {
    let started = Instant::now();
    let opening = Arc::new(Semaphore::new(OPENING));
    let (opened_tx, mut opened) = mpsc::unbounded_channel();
    let (stop_tx, stop) = watch::channel(false);
    let tasks: Vec<_> = (0..connections)
        .map(|_| {
            let (url, opening, opened_tx, stop) = (
                url.clone(),
                opening.clone(),
                opened_tx.clone(),
                stop.clone(),
            );
            tokio::spawn(async move { idle(&url, &opening, opened_tx, stop).await })
        })
        .collect();
    drop(opened_tx);
    let mut established = 0;
    let deadline = tokio::time::Instant::now() + LIMIT;
    for _ in 0..connections {
        match tokio::time::timeout_at(deadline, opened.recv()).await {
            Ok(Some(true)) => established += 1,
            Ok(Some(false)) => {}
            Ok(None) | Err(_) => break,
        }
    }
    println!(
        "tokio_client: {established} idle connections established ({} failed) in {} ms",
        connections - established,
        started.elapsed().as_millis()
    );
    // Hold them until standard input ends or `hold` passes.
    let (stdin_closed, ended) = oneshot::channel();
    std::thread::spawn(move || {
        let mut sink = [0; 256];
        while matches!(io::stdin().read(&mut sink), Ok(n) if n > 0) {}
        let _ = stdin_closed.send(());
    });
    let _ = tokio::time::timeout(hold, ended).await;
    let _ = stop_tx.send(true);
    let failed = join(tasks).await;
    println!(
        "tokio_client: {} passed, {failed} failed ({connections} idle connections, closed cleanly)",
        connections - failed
    );
    status(failed)
}

async fn throughput_mode(url: String, connections: usize, size: usize, span: Duration) -> ExitCode {
    let echoed = Arc::new(AtomicU64::new(0));
    let (stop_tx, stop) = watch::channel(false);
    let tasks: Vec<_> = (0..connections)
        .map(|id| {
            let (url, echoed, stop) = (url.clone(), echoed.clone(), stop.clone());
            tokio::spawn(async move { throughput(&url, id, size, &echoed, stop).await })
        })
        .collect();
    tokio::time::sleep(WARM_UP).await;
    let (from, started) = (echoed.load(Ordering::Relaxed), Instant::now());
    tokio::time::sleep(span).await;
    let (to, elapsed) = (echoed.load(Ordering::Relaxed), started.elapsed());
    let _ = stop_tx.send(true);
    let failed = join(tasks).await;
    let rate = (to - from) as f64 / elapsed.as_secs_f64();
    println!(
        "tokio_client: {rate:.0} msg/s, {:.1} MB/s each way ({size}-byte binary echoes, \
         {connections} connections with one in flight each, {} echoes in {:.2} s after a \
         {} s warm-up)",
        rate * size as f64 / 1e6,
        to - from,
        elapsed.as_secs_f64(),
        WARM_UP.as_secs()
    );
    println!(
        "tokio_client: {} passed, {failed} failed ({connections} connections, every echo \
         matched, closed cleanly)",
        connections - failed
    );
    status(failed)
}

fn status(failed: usize) -> ExitCode {
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let number = |s: &str| s.parse::<usize>().ok();
    let seconds = |s: Option<&&str>, default| match s {
        None => Some(Duration::from_secs(default)),
        Some(s) => s.parse().ok().map(Duration::from_secs),
    };
    match args.as_slice() {
        [url] => echo_mode(url.to_string(), 10, 20).await,
        [url, c, m] if !url.starts_with("--") => match (number(c), number(m)) {
            (Some(c), Some(m)) => echo_mode(url.to_string(), c, m).await,
            _ => usage(),
        },
        ["--idle", n, url, rest @ ..] if rest.len() <= 1 => {
            match (number(n), seconds(rest.first(), 60)) {
                (Some(n), Some(hold)) => idle_mode(url.to_string(), n, hold).await,
                _ => usage(),
            }
        }
        ["--throughput", url, c, size, rest @ ..] if rest.len() <= 1 => {
            match (number(c), number(size), seconds(rest.first(), 5)) {
                (Some(c), Some(size), Some(span)) => {
                    throughput_mode(url.to_string(), c, size, span).await
                }
                _ => usage(),
            }
        }
        _ => usage(),
    }
}

fn usage() -> ExitCode {
    eprintln!(
        "usage: tokio_client ws://HOST:PORT/PATH [CONNECTIONS MESSAGES]\n       \
         tokio_client --idle CONNECTIONS ws://HOST:PORT/PATH [SECONDS]\n       \
         tokio_client --throughput ws://HOST:PORT/PATH CONNECTIONS SIZE [SECONDS]"
    );
    ExitCode::from(2)
}
