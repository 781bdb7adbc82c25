//! Driving a `Connection` over a tokio `TcpStream`: the reference async
//! integration, shared by `tokio_echo` and `tokio_client`.
//!
//! Bytes are read straight into the connection's receive storage
//! (`spare_mut` + `commit`) and queued output is written straight from its
//! transmit storage (`peek_transmit` + `advance_transmit`): no copies besides
//! the kernel's. A server's large payloads are not even copied into the
//! transmit storage: [`send`] writes the header the connection returns
//! (`send_header`) and the payload in one vectored write. When the
//! connection is done, [`close`] ends TCP without losing the last bytes
//! written. The connection's deadlines run on `tokio::time` ([`read`]).
#![allow(dead_code)] // each example uses a part

use std::io::{self, IoSlice};
use std::pin::Pin;
use std::sync::OnceLock;
use std::task::Poll;
use std::time::Duration;

use rfc6455::{
    Connection, Error, Extension, Fragment, KeySource, MessageKind, NoExtension, Role, Timestamp,
    UsageError,
};
use tokio::io::{AsyncRead, AsyncWriteExt, ReadBuf};
use tokio::net::TcpStream;
use tokio::time::Instant;

/// How long [`close`] waits for the peer to end its side of the transport.
/// Long enough for a peer to read our Close frame and answer it, short enough
/// that a peer which never closes holds a task for a moment only.
pub const LINGER: Duration = Duration::from_secs(2);

/// How many bytes [`close`] reads and discards at most, so a peer that keeps
/// sending cannot keep the connection open until the deadline at full speed.
pub const LINGER_MAX_BYTES: usize = 1 << 20;

/// Payloads from this size on are written from where they are (see
/// [`send`]); below it a copy into the transmit storage is cheap and lets
/// several frames share one write.
pub const DIRECT_MIN: usize = 8 << 10;

/// The storage both examples hand to a connection; `E` is an extension
/// (permessage-deflate) where one is attached.
pub type Conn<K, E = NoExtension> = Connection<Vec<u8>, K, E>;

/// Writes everything the connection has queued.
pub async fn flush<K: KeySource, E: Extension>(
    socket: &mut TcpStream,
    conn: &mut Conn<K, E>,
) -> io::Result<()> {
    loop {
        let out = conn.peek_transmit();
        if out.is_empty() {
            return Ok(());
        }
        let n = socket.write(out).await?;
        if n == 0 {
            return Err(io::ErrorKind::WriteZero.into());
        }
        conn.advance_transmit(n);
    }
}

/// The time passed to connections: tokio's clock (so a paused test clock
/// works too), counted from the first call.
pub fn now() -> Timestamp {
    static ORIGIN: OnceLock<Instant> = OnceLock::new();
    let origin = *ORIGIN.get_or_init(Instant::now);
    Timestamp::from_duration(Instant::now().saturating_duration_since(origin))
}

/// Reads once from the socket into the connection's storage, or, when the
/// connection's next deadline ([`Connection::poll_timeout`]) comes first,
/// passes the time in ([`Connection::handle_timeout`]); after a read too,
/// so input is timed exactly. Returns false when the transport ended (the
/// connection has been told). Drain events and output after it, whatever it
/// returns.
///
/// Cancel safe: dropped while waiting, nothing was read.
pub async fn read<K: KeySource, E: Extension>(
    socket: &mut TcpStream,
    conn: &mut Conn<K, E>,
) -> io::Result<bool> {
    // Wait for input before asking for room: growable storage is only
    // allocated when there is something to read, so an idle connection
    // holds none.
    let n = loop {
        match conn.poll_timeout() {
            // Input first (`biased`): on a busy connection the timer is never
            // even registered.
            Some(deadline) => tokio::select! {
                biased;
                ready = readable(socket) => ready?,
                () = sleep_until(deadline) => {
                    conn.handle_timeout(now());
                    return Ok(true);
                }
            },
            None => readable(socket).await?,
        }
        // One attempt, through `AsyncRead` rather than `try_read`: a read
        // shorter than the room clears tokio's readiness, so the next read
        // waits for input instead of asking the kernel for nothing.
        let attempt = std::future::poll_fn(|cx| {
            let mut buf = ReadBuf::new(conn.spare_mut());
            Poll::Ready(match Pin::new(&mut *socket).poll_read(cx, &mut buf) {
                Poll::Ready(result) => Some(result.map(|()| buf.filled().len())),
                Poll::Pending => None, // not ready after all: wait again
            })
        });
        if let Some(result) = attempt.await {
            break result;
        }
    };
    let n = match n {
        Ok(n) => n,
        // A reset ends the transport like a FIN; the connection's state
        // tells whether the close handshake had finished.
        Err(e) if e.kind() == io::ErrorKind::ConnectionReset => 0,
        Err(e) => return Err(e),
    };
    if n == 0 {
        conn.receive_eof();
    }
    conn.commit(n);
    conn.handle_timeout(now());
    Ok(n > 0)
}

/// Waits until the socket is readable. `poll_read_ready` keeps one waker
/// per direction; `TcpStream::readable` links a waiter into a list and
/// unlinks it when dropped, which cost 8% of a 16 KiB echo server's time.
async fn readable(socket: &TcpStream) -> io::Result<()> {
    std::future::poll_fn(|cx| socket.poll_read_ready(cx)).await
}

/// Sleeps until `deadline` on the clock of [`now`].
async fn sleep_until(deadline: Timestamp) {
    let wait = deadline.saturating_duration_since(now());
    tokio::time::sleep(wait).await;
}

/// Queues one data frame, writing queued output first when the transmit
/// storage is full. After the connection closed or failed there is nothing
/// to send to, and the frame is dropped.
///
/// A server's payload of [`DIRECT_MIN`] bytes or more is not copied into the
/// transmit storage when nothing is queued: the connection checks the frame
/// and returns its header (`send_header`), and header and payload go out in
/// one vectored write. (A client's payload would have to be masked, which
/// is a copy anyway; with an extension in use the payload goes through it.)
pub async fn send<K: KeySource, E: Extension>(
    socket: &mut TcpStream,
    conn: &mut Conn<K, E>,
    kind: MessageKind,
    data: &[u8],
    fragment: Fragment,
) -> io::Result<()> {
    if data.len() >= DIRECT_MIN
        && conn.role() == Role::Server
        && conn.extension().is_none()
        && (kind == MessageKind::Binary || std::str::from_utf8(data).is_ok())
        && conn.peek_transmit().is_empty()
    {
        if let Ok(header) = conn.send_header(kind, data.len() as u64, fragment) {
            return write_vectored_all(socket, header.as_bytes(), data).await;
        }
    }
    loop {
        let result = match kind {
            MessageKind::Text => {
                let text = std::str::from_utf8(data).map_err(io::Error::other)?;
                conn.send_text_fragment(text, fragment)
            }
            MessageKind::Binary => conn.send_binary_fragment(data, fragment),
        };
        match result {
            Err(Error::Usage(UsageError::QueueFull) | Error::BufferTooSmall(_))
                if !conn.peek_transmit().is_empty() =>
            {
                flush(socket, conn).await?;
            }
            Err(Error::Usage(_)) => return Ok(()),
            other => return other.map_err(io::Error::other),
        }
    }
}

/// Writes `header` then `payload`, in as few `writev` calls as the socket
/// allows.
async fn write_vectored_all(
    socket: &mut TcpStream,
    header: &[u8],
    payload: &[u8],
) -> io::Result<()> {
    let mut written = 0;
    let total = header.len() + payload.len();
    while written < total {
        let (head, body) = match header.get(written..) {
            Some(rest) => (rest, payload),
            None => (&[][..], &payload[written - header.len()..]),
        };
        let n = socket
            .write_vectored(&[IoSlice::new(head), IoSlice::new(body)])
            .await?;
        if n == 0 {
            return Err(io::ErrorKind::WriteZero.into());
        }
        written += n;
    }
    Ok(())
}

/// Closes a TCP connection without destroying what was last written: shuts
/// down the write side (`shutdown(Write)`: a FIN after the queued bytes),
/// then reads and discards input until the peer ends its side, [`LINGER`]
/// passes or [`LINGER_MAX_BYTES`] were discarded, and only then closes the
/// socket.
///
/// Call it once the connection says `should_close_transport()`, or after a
/// failure once the queued output (the Close frame) is written. Dropping a
/// socket with unread input makes the kernel send a reset instead of a FIN
/// (RFC 1122 §4.2.2.13), and on a reset the peer's kernel drops what its
/// application has not read yet: our Close frame with it. A browser then
/// reports code 1006 and `wasClean == false` though we closed properly, for
/// instance after a message over our limit (1009) whose rest was still
/// arriving. Reading until the peer's FIN also means it saw ours: the close
/// was orderly on both sides.
///
/// A reset or a peer that is already gone ends the wait early and is not an
/// error.
pub async fn close(socket: TcpStream) -> io::Result<()> {
    // Boxed: every connection's task is as large as its largest state, and
    // the timer of this one would otherwise cost each idle connection too.
    Box::pin(linger(socket)).await
}

/// The body of [`close`].
async fn linger(mut socket: TcpStream) -> io::Result<()> {
    match socket.shutdown().await {
        Err(e) if e.kind() == io::ErrorKind::NotConnected => return Ok(()),
        other => other?,
    }
    let deadline = tokio::time::Instant::now() + LINGER;
    let mut discarded = 0;
    while discarded < LINGER_MAX_BYTES {
        match tokio::time::timeout_at(deadline, socket.readable()).await {
            Ok(ready) => ready?,
            Err(_deadline) => break,
        }
        // Not held across an `await`, so the buffer is on the stack only
        // while lingering, not in the task.
        let mut discard = [0; 8 << 10];
        match socket.try_read(&mut discard) {
            Ok(0) => break,
            Ok(n) => discarded += n,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            Err(e) if e.kind() == io::ErrorKind::ConnectionReset => break,
            Err(e) => return Err(e),
        }
    }
    Ok(())
}
