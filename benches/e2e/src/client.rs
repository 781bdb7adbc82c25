//! `e2e-client HOST:PORT CONNECTIONS SECONDS`: the load generator of the
//! permessage-deflate workload. CONNECTIONS connections offer
//! permessage-deflate (rfc6455-tokio's client with `DeflateConfig`'s
//! defaults: context takeover, level 1) and fail if the server does not
//! agree; each keeps one JSON-like text message of about 1 KiB in flight
//! (`benches/json_messages.rs`, 256 different ones, each connection
//! starting at its own), sends the next when the echo matched, and counts
//! echoes for SECONDS after a 2 s warm-up. It prints messages per second and
//! the bytes the server sent per message byte echoed (from the socket, so
//! a server that does not compress its answers shows as about 1.0).
//!
//! The messages per *server* CPU-second, which `run.sh` reports, come from
//! the server's process; this client runs on its own core.

#[path = "../../json_messages.rs"]
mod json;

use std::io;
use std::pin::Pin;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use rfc6455_tokio::{CloseCode, Config, DeflateConfig, Message};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::watch;

/// Before echoes are counted.
const WARM_UP: Duration = Duration::from_secs(2);
/// How long the connections get to close after the count.
const LIMIT: Duration = Duration::from_secs(30);
/// Different messages, so a stale echo is caught.
const MESSAGES: usize = 256;
/// About the size of each message.
const MESSAGE_LEN: usize = 1024;

/// Counters shared by every connection.
#[derive(Default)]
struct Counts {
    /// Echoes that matched.
    echoes: AtomicU64,
    /// Message bytes echoed.
    payload: AtomicU64,
    /// Bytes read from the server (frames, compressed or not).
    wire: AtomicU64,
}

/// A socket that counts the bytes it reads.
struct Counted {
    socket: TcpStream,
    counts: Arc<Counts>,
}

impl AsyncRead for Counted {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let result = Pin::new(&mut self.socket).poll_read(cx, buf);
        let read = (buf.filled().len() - before) as u64;
        self.counts.wire.fetch_add(read, Ordering::Relaxed);
        result
    }
}

impl AsyncWrite for Counted {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.socket).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.socket).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.socket).poll_shutdown(cx)
    }
}

/// One connection: messages in turn, one in flight, until `stop`.
async fn connection(
    addr: String,
    id: usize,
    messages: Arc<Vec<String>>,
    counts: Arc<Counts>,
    stop: watch::Receiver<bool>,
) -> io::Result<()> {
    let (host, port) = addr
        .rsplit_once(':')
        .and_then(|(h, p)| Some((h, p.parse().ok()?)))
        .ok_or_else(|| io::Error::other(format!("{addr} is not HOST:PORT")))?;
    let socket = TcpStream::connect(&addr).await?;
    socket.set_nodelay(true)?;
    let socket = Counted {
        socket,
        counts: counts.clone(),
    };
    let request = rfc6455::ClientRequest::new(host).port(port);
    let mut ws =
        rfc6455_tokio::client_with_deflate(&request, socket, Config::new(), DeflateConfig::new())
            .await
            .map_err(io::Error::other)?;
    if ws.deflate().is_none() {
        return Err(io::Error::other(
            "the server did not agree to permessage-deflate",
        ));
    }
    let mut next = id * 37;
    while !*stop.borrow() {
        let sent = &messages[next % messages.len()];
        next += 1;
        ws.send(Message::text(sent.as_str()))
            .await
            .map_err(io::Error::other)?;
        match ws.recv().await {
            Some(Ok(Message::Text(echo))) if echo == *sent => {}
            Some(Ok(other)) => {
                return Err(io::Error::other(format!("echo {next} differs: {other:?}")))
            }
            Some(Err(e)) => return Err(io::Error::other(e)),
            None => return Err(io::Error::other("the server ended the connection")),
        }
        counts.echoes.fetch_add(1, Ordering::Relaxed);
        counts
            .payload
            .fetch_add(sent.len() as u64, Ordering::Relaxed);
    }
    ws.close(CloseCode::NORMAL, "")
        .await
        .map_err(io::Error::other)?;
    while let Some(message) = ws.recv().await {
        message.map_err(io::Error::other)?;
    }
    Ok(())
}

/// Echoes, payload bytes and wire bytes counted so far.
fn snapshot(counts: &Counts) -> [u64; 3] {
    [&counts.echoes, &counts.payload, &counts.wire].map(|c| c.load(Ordering::Relaxed))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let parsed = match args.as_slice() {
        [addr, c, s] => c
            .parse::<usize>()
            .ok()
            .zip(s.parse::<u64>().ok())
            .map(|cs| (addr, cs)),
        _ => None,
    };
    let Some((addr, (connections, seconds))) = parsed else {
        eprintln!("usage: e2e-client HOST:PORT CONNECTIONS SECONDS");
        return ExitCode::from(2);
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(run(addr.clone(), connections, Duration::from_secs(seconds)))
}

async fn run(addr: String, connections: usize, span: Duration) -> ExitCode {
    let messages = Arc::new(json::messages(MESSAGES, MESSAGE_LEN));
    let counts = Arc::new(Counts::default());
    let (stop_tx, stop) = watch::channel(false);
    let tasks: Vec<_> = (0..connections)
        .map(|id| {
            let task = connection(
                addr.clone(),
                id,
                messages.clone(),
                counts.clone(),
                stop.clone(),
            );
            tokio::spawn(task)
        })
        .collect();
    tokio::time::sleep(WARM_UP).await;
    let (from, started) = (snapshot(&counts), Instant::now());
    tokio::time::sleep(span).await;
    let (to, elapsed) = (snapshot(&counts), started.elapsed());
    let _ = stop_tx.send(true);
    let deadline = tokio::time::Instant::now() + LIMIT;
    let mut failed = 0;
    for (id, task) in tasks.into_iter().enumerate() {
        let result = match tokio::time::timeout_at(deadline, task).await {
            Ok(joined) => joined.map_err(io::Error::other).and_then(|r| r),
            Err(_) => Err(io::Error::other("timed out")),
        };
        if let Err(e) = result {
            // The first few: the rest tend to repeat them.
            if failed < 5 {
                eprintln!("e2e-client: connection {id}: {e}");
            }
            failed += 1;
        }
    }
    let [echoes, payload, wire] = [0, 1, 2].map(|i| to[i] - from[i]);
    let rate = echoes as f64 / elapsed.as_secs_f64();
    println!(
        "e2e-client: {rate:.0} msg/s ({echoes} echoes in {:.2} s after a {} s warm-up; \
         {connections} connections, one JSON text message of about {MESSAGE_LEN} bytes in \
         flight each, permessage-deflate), {:.3} wire bytes per message byte from the server",
        elapsed.as_secs_f64(),
        WARM_UP.as_secs(),
        wire as f64 / payload.max(1) as f64
    );
    println!(
        "e2e-client: {} passed, {failed} failed (every echo matched, closed cleanly)",
        connections - failed
    );
    if failed == 0 && echoes > 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
