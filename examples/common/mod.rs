//! The echo loop shared by `echo_server` and `echo_client`: the reference way
//! to drive a `Connection` over a blocking `std::net::TcpStream`, with its
//! deadlines run on `std::time::Instant` ([`read`]), and to close that
//! stream without losing the last bytes written ([`close`]).

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use rfc6455::{
    Accept, Connection, Error, Event, Fragment, KeySource, MessageKind, Request, State, Storage,
    Timestamp, UsageError,
};

/// How a connection ended.
#[derive(Debug)]
pub struct Ended {
    /// The close handshake completed: both Close frames were exchanged.
    pub clean: bool,
    /// The close code the peer sent (1006 if the transport just ended).
    pub code: Option<u16>,
    /// The error that failed the connection, if any.
    pub error: Option<Error>,
}

/// How long [`close`] waits for the peer to end its side of the transport.
/// Long enough for a peer to read our Close frame and answer it, short enough
/// that a peer which never closes holds a thread for a moment only.
pub const LINGER: Duration = Duration::from_secs(2);

/// How many bytes [`close`] reads and discards at most, so a peer that keeps
/// sending cannot keep the connection open until the deadline at full speed.
pub const LINGER_MAX_BYTES: usize = 1 << 20;

/// Picks the subprotocol a server accepts, from the client's request.
pub type Chooser = fn(&Request<'_>) -> Option<&'static str>;

/// Runs `conn` over `socket`, echoing every message, until the transport
/// should close (then hand the socket to [`close`]). Pings are answered and
/// Close frames echoed by the connection itself.
pub fn echo<K: KeySource>(
    socket: &mut TcpStream,
    conn: &mut Connection<Vec<u8>, K>,
    choose: Chooser,
) -> io::Result<Ended> {
    let mut ended = Ended {
        clean: false,
        code: None,
        error: None,
    };
    // Events borrow the connection, so a reply is copied out first.
    let mut reply: Vec<u8> = Vec::new();
    let mut eof = false;
    loop {
        // 1. Drain events, answering each before taking the next.
        while let Some(event) = conn.poll_event() {
            let mut accept = None;
            let answer = match event {
                Ok(Event::Upgrade(request)) => {
                    accept = Some(choose(&request));
                    None
                }
                Ok(Event::Text { data, fin }) => Some((MessageKind::Text, data.as_bytes(), fin)),
                Ok(Event::Binary { data, fin }) => Some((MessageKind::Binary, data, fin)),
                Ok(Event::Close { code, .. }) => {
                    ended.code = Some(code.as_u16());
                    None
                }
                Ok(Event::HandshakeComplete(_) | Event::Ping(_) | Event::Pong(_)) => None,
                Err(e) => {
                    ended.error = Some(e);
                    None
                }
            };
            let answer = answer.map(|(kind, data, fin)| {
                reply.clear();
                reply.extend_from_slice(data);
                (kind, fin)
            });
            if let Some(protocol) = accept {
                let options = protocol.map_or(Accept::new(), |p| Accept::new().subprotocol(p));
                conn.accept(&options).map_err(io::Error::other)?;
            }
            if let Some((kind, fin)) = answer {
                send(socket, conn, kind, &reply, Fragment::from_fin(fin))?;
            }
        }
        // 2. Write everything queued, in one write.
        flush(socket, conn)?;
        // 3. Close when the protocol says so (a server closes TCP first).
        if conn.should_close_transport() || eof {
            ended.clean = conn.state() == State::Closed && ended.code.is_some_and(|c| c != 1006);
            return Ok(ended);
        }
        // 4. Read straight into the connection's storage, or pass the time
        //    when a deadline comes first.
        eof = !read(socket, conn)?;
    }
}

/// The time passed to connections: a monotonic clock counted from the
/// first call.
pub fn now() -> Timestamp {
    static ORIGIN: OnceLock<Instant> = OnceLock::new();
    Timestamp::since(*ORIGIN.get_or_init(Instant::now))
}

/// Reads once from the socket straight into the connection's storage,
/// waiting at most until the connection's next deadline
/// ([`Connection::poll_timeout`]); then passes the time in
/// ([`Connection::handle_timeout`]), after a read too, so input is timed
/// exactly. Returns false when the transport ended (the connection has been
/// told). Drain events and output after it, whatever it returns.
pub fn read<B: Storage, K: KeySource>(
    socket: &mut TcpStream,
    conn: &mut Connection<B, K>,
) -> io::Result<bool> {
    // A zero timeout means "block forever" to `set_read_timeout`: wait at
    // least a millisecond.
    let wait = conn.poll_timeout().map(|deadline| {
        deadline
            .saturating_duration_since(now())
            .max(Duration::from_millis(1))
    });
    socket.set_read_timeout(wait)?;
    let n = match socket.read(conn.spare_mut()) {
        Ok(n) => n,
        // The deadline came (Unix says WouldBlock, Windows TimedOut).
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
            ) =>
        {
            conn.handle_timeout(now());
            return Ok(true);
        }
        Err(e) if e.kind() == io::ErrorKind::Interrupted => return Ok(true),
        // A reset ends the transport like a FIN; the connection's state
        // tells whether the close handshake had finished (Autobahn's
        // server resets after a clean close).
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

/// Queues one frame, writing queued output first if the storage is full.
fn send<K: KeySource>(
    socket: &mut TcpStream,
    conn: &mut Connection<Vec<u8>, K>,
    kind: MessageKind,
    data: &[u8],
    fragment: Fragment,
) -> io::Result<()> {
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
            flush(socket, conn)?;
            send(socket, conn, kind, data, fragment)
        }
        // After a failure or the close handshake there is nothing to echo to.
        Err(Error::Usage(_)) => Ok(()),
        other => other.map_err(io::Error::other),
    }
}

/// Writes all queued output to the socket.
pub fn flush<K: KeySource>(
    socket: &mut TcpStream,
    conn: &mut Connection<Vec<u8>, K>,
) -> io::Result<()> {
    let out = conn.peek_transmit();
    if !out.is_empty() {
        socket.write_all(out)?;
        let n = out.len();
        conn.advance_transmit(n);
    }
    Ok(())
}

/// Closes a TCP connection without destroying what was last written: shuts
/// down the write side (a FIN after the queued bytes), then reads and
/// discards input until the peer ends its side, [`LINGER`] passes or
/// [`LINGER_MAX_BYTES`] were discarded, and only then closes the socket.
///
/// Call it once the connection says [`Connection::should_close_transport`],
/// or after a failure once the queued output (the Close frame) is written.
/// Dropping a socket with unread input makes the kernel send a reset instead
/// of a FIN (RFC 1122 §4.2.2.13), and on a reset the peer's kernel drops what
/// its application has not read yet: our Close frame with it. A browser then
/// reports code 1006 and `wasClean == false` though we closed properly, for
/// instance after a message over our limit (1009) whose rest was still
/// arriving. Reading until the peer's FIN also means it saw ours: the close
/// was orderly on both sides.
///
/// A reset or a peer that is already gone ends the wait early and is not an
/// error.
pub fn close(mut socket: TcpStream) -> io::Result<()> {
    match socket.shutdown(Shutdown::Write) {
        // The peer reset the connection: there is nothing left to close.
        Err(e) if e.kind() == io::ErrorKind::NotConnected => return Ok(()),
        other => other?,
    }
    let deadline = Instant::now() + LINGER;
    let mut discard = [0; 8 << 10];
    let mut discarded = 0;
    while discarded < LINGER_MAX_BYTES {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        socket.set_read_timeout(Some(left))?;
        match socket.read(&mut discard) {
            Ok(0) => break,
            Ok(n) => discarded += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            // The deadline (Unix says WouldBlock, Windows TimedOut), or the
            // peer reset: either way there is nothing more to wait for.
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock
                        | io::ErrorKind::TimedOut
                        | io::ErrorKind::ConnectionReset
                ) =>
            {
                break
            }
            Err(e) => return Err(e),
        }
    }
    Ok(())
}
