//! The echo loop shared by `echo_server` and `echo_client`: the reference way
//! to drive a `Connection` over a blocking `std::net::TcpStream`.

use std::io::{self, Read, Write};
use std::net::TcpStream;

use rfc6455::{Accept, Connection, Error, Event, Fragment, KeySource, MessageKind, Request, State};

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

/// Picks the subprotocol a server accepts, from the client's request.
pub type Chooser = fn(&Request<'_>) -> Option<&'static str>;

/// Runs `conn` over `socket`, echoing every message, until the transport
/// should close. Pings are answered and Close frames echoed by the
/// connection itself.
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
        // 4. Read straight into the connection's storage.
        let n = match socket.read(conn.spare_mut()) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            // A reset ends the transport like a FIN; the connection's state
            // tells whether the close handshake had finished (Autobahn's
            // server resets after a clean close).
            Err(e) if e.kind() == io::ErrorKind::ConnectionReset => 0,
            Err(e) => return Err(e),
        };
        if n == 0 {
            conn.receive_eof();
            eof = true;
        }
        conn.commit(n);
    }
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
        Err(Error::BufferTooSmall(_)) if !conn.peek_transmit().is_empty() => {
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
