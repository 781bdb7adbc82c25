//! A WebSocket client and server over smoltcp TCP sockets on its loopback
//! device, in one process, with a simulated clock: the handshake with a
//! subprotocol, a short text, a text larger than every buffer on the way
//! (multi-byte characters cut across chunks), a Ping, 20 s of silence
//! answered by the keepalive (time flows through smoltcp and the
//! connections alike), and the close handshake with a clean TCP close. Every event is checked; it exits with
//! a failure on any surprise. The WebSocket side uses no allocator: fixed
//! arrays for the sockets' buffers and the connections' storage.
//!
//! Run with `cargo run -p rfc6455-smoltcp-example`.

use rfc6455::{
    Accept, ClientRequest, CloseCode, Config, Connection, Event, Fragment, KeySource, MessageKind,
    MessageMode, State, Storage, Timestamp,
};
use rfc6455_smoltcp_example::Link;
use smoltcp::iface::{Config as IfaceConfig, Interface, PollResult, SocketSet, SocketStorage};
use smoltcp::phy::{Loopback, Medium};
use smoltcp::socket::tcp::{self, State as TcpState};
use smoltcp::time::Instant;
use smoltcp::wire::{HardwareAddress, IpAddress, IpCidr};

const PORT: u16 = 80;
/// Every loop here is bounded: at most this much simulated time.
const GIVE_UP_MS: u64 = 120_000;

/// The server's application: echoes every chunk as it arrives. An event
/// borrows the connection, so a chunk is copied out before it is sent back;
/// if the transmit storage is full, the echo waits (and no further event is
/// taken) until the socket has drained it.
struct Echo {
    chunk: [u8; 512],
    pending: Option<(MessageKind, usize, bool)>,
    closed_with: Option<(u16, usize)>,
}

impl Echo {
    fn run<B: Storage, K: KeySource>(&mut self, conn: &mut Connection<B, K>) {
        loop {
            if let Some((kind, len, fin)) = self.pending {
                let data = &self.chunk[..len];
                let sent = match kind {
                    MessageKind::Text => {
                        let text = core::str::from_utf8(data).expect("chunks end on characters");
                        conn.send_text_fragment(text, Fragment::from_fin(fin))
                    }
                    MessageKind::Binary => conn.send_binary_fragment(data, Fragment::from_fin(fin)),
                };
                match sent {
                    Ok(()) => self.pending = None,
                    Err(_) if !conn.peek_transmit().is_empty() => return, // full: drain first
                    Err(e) => panic!("server: echo failed: {e}"),
                }
            }
            let Some(event) = conn.poll_event() else {
                return;
            };
            let (kind, data, fin) = match event.expect("server: no error") {
                Event::Upgrade(request) => {
                    assert_eq!(request.target(), "/echo");
                    assert!(request.subprotocols().any(|p| p == "chat"));
                    conn.accept(&Accept::new().subprotocol("chat"))
                        .expect("accept");
                    continue;
                }
                Event::HandshakeComplete(_) | Event::Ping(_) | Event::Pong(_) => continue,
                Event::Close { code, reason } => {
                    self.closed_with = Some((code.as_u16(), reason.len()));
                    continue;
                }
                Event::Text { data, fin } => (MessageKind::Text, data.as_bytes(), fin),
                Event::Binary { data, fin } => (MessageKind::Binary, data, fin),
            };
            self.chunk[..data.len()].copy_from_slice(data);
            self.pending = Some((kind, data.len(), fin));
        }
    }
}

/// What the client does next.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Step {
    Opening,
    Hello,
    Big,
    Ping,
    Quiet,
    Closing,
    Done,
}

/// The client's application: sends, then checks each echo byte for byte.
struct Client {
    step: Step,
    big: String,
    sent: usize,
    echoed: [u8; 4096],
    got: usize,
    chunks: usize,
}

impl Client {
    fn run<B: Storage, K: KeySource>(&mut self, conn: &mut Connection<B, K>) {
        if self.step == Step::Big && self.sent < self.big.len() {
            // As much as fits now, cut at a character boundary; the rest
            // when the socket has drained the 512 bytes of transmit storage.
            self.sent += conn
                .send_text_partial(&self.big[self.sent..])
                .expect("send");
        }
        while let Some(event) = conn.poll_event() {
            match (self.step, event.expect("client: no error")) {
                (Step::Opening, Event::HandshakeComplete(done)) => {
                    assert_eq!(done.protocol(), Some("chat"));
                    conn.send_text("hello").expect("send");
                    self.step = Step::Hello;
                }
                (Step::Hello, Event::Text { data, fin: true }) => {
                    assert_eq!(data, "hello");
                    self.step = Step::Big;
                    return self.run(conn);
                }
                (Step::Big, Event::Text { data, fin }) => {
                    let bytes = data.as_bytes();
                    self.echoed[self.got..self.got + bytes.len()].copy_from_slice(bytes);
                    self.got += bytes.len();
                    self.chunks += 1;
                    if fin {
                        assert_eq!(&self.echoed[..self.got], self.big.as_bytes());
                        println!(
                            "client: {} bytes of text echoed in {} chunks, byte for byte",
                            self.got, self.chunks
                        );
                        conn.ping(b"still there?").expect("ping");
                        self.step = Step::Ping;
                    }
                }
                (Step::Ping, Event::Pong(payload)) => {
                    assert_eq!(payload, b"still there?");
                    self.step = Step::Quiet;
                }
                // Then nothing is sent: after 20 s of silence (simulated)
                // each side's keepalive Pings the other, and each answers
                // on its own. The server's Ping is the cue to close.
                (Step::Quiet, Event::Pong(b"")) => {}
                (Step::Quiet, Event::Ping(b"")) => {
                    conn.close(CloseCode::NORMAL, "bye").expect("close");
                    self.step = Step::Closing;
                }
                (Step::Closing, Event::Pong(b"")) => {}
                (Step::Closing, Event::Close { code, reason }) => {
                    // The server's connection answered with the code alone.
                    assert_eq!((code, reason), (CloseCode::NORMAL, ""));
                    self.step = Step::Done;
                }
                (step, other) => panic!("client: unexpected {other:?} at {step:?}"),
            }
        }
    }
}

/// A connection's deadline in the simulated clock's milliseconds.
fn millis(t: Timestamp) -> u64 {
    u64::try_from(t.as_duration().as_millis()).unwrap_or(u64::MAX)
}

fn main() {
    let ms = run();
    println!(
        "closed cleanly after {ms} ms of simulated time: the server ended TCP first, the client after its FIN"
    );
}

/// The whole scenario; panics on any surprise. Returns the simulated time
/// it took, in milliseconds.
fn run() -> u64 {
    // Demo entropy: on a board, read the hardware RNG here instead.
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let keys = move |dest: &mut [u8]| {
        for b in dest {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            *b = seed as u8;
        }
    };

    let mut device = Loopback::new(Medium::Ip);
    let mut iface = Interface::new(
        IfaceConfig::new(HardwareAddress::Ip),
        &mut device,
        Instant::ZERO,
    );
    iface.update_ip_addrs(|addrs| {
        addrs
            .push(IpCidr::new(IpAddress::v4(127, 0, 0, 1), 8))
            .expect("one address");
    });

    // smoltcp's socket buffers and the connections' storage: fixed arrays.
    let (mut server_in, mut server_out) = ([0u8; 1024], [0u8; 1024]);
    let (mut client_in, mut client_out) = ([0u8; 1024], [0u8; 1024]);
    let mut server_socket = tcp::Socket::new(
        tcp::SocketBuffer::new(&mut server_in[..]),
        tcp::SocketBuffer::new(&mut server_out[..]),
    );
    let mut client_socket = tcp::Socket::new(
        tcp::SocketBuffer::new(&mut client_in[..]),
        tcp::SocketBuffer::new(&mut client_out[..]),
    );
    server_socket.listen(PORT).expect("listen");
    client_socket
        .connect(iface.context(), (IpAddress::v4(127, 0, 0, 1), PORT), 49_152)
        .expect("connect");
    let mut socket_storage = [SocketStorage::EMPTY, SocketStorage::EMPTY];
    let mut sockets = SocketSet::new(&mut socket_storage[..]);
    let server_handle = sockets.add(server_socket);
    let client_handle = sockets.add(client_socket);

    // Streamed messages: the mode without an allocator.
    let config = Config::new().with_message_mode(MessageMode::Stream);
    // The server's chunks (at most its receive storage less 14 bytes) must
    // fit its transmit storage whole, so that each can be echoed as a frame.
    let (mut server_rx, mut server_tx) = ([0u8; 512], [0u8; 1024]);
    let (mut client_rx, mut client_tx) = ([0u8; 1024], [0u8; 512]);
    let request = ClientRequest::new("127.0.0.1")
        .target("/echo")
        .subprotocols(&["chat"]);
    let client = Connection::client(
        &request,
        config,
        &mut client_rx[..],
        &mut client_tx[..],
        keys,
    )
    .expect("client");
    let server =
        Connection::server(config, &mut server_rx[..], &mut server_tx[..]).expect("server");
    let (mut client, mut server) = (Link::new(client), Link::new(server));

    let mut echo = Echo {
        chunk: [0; 512],
        pending: None,
        closed_with: None,
    };
    let mut app = Client {
        step: Step::Opening,
        big: "Grüße, 世界! ".repeat(180), // 3,060 bytes: more than any buffer
        sent: 0,
        echoed: [0; 4096],
        got: 0,
        chunks: 0,
    };

    // The device's loop. Time is simulated: it jumps to the next deadline
    // (smoltcp's or a connection's) whenever nothing moved.
    let mut now_ms = 0u64;
    while !(client.is_done(sockets.get(client_handle))
        && server.is_done(sockets.get(server_handle)))
    {
        assert!(
            now_ms < GIVE_UP_MS,
            "gave up at {now_ms} ms: client {:?}, server {:?}",
            app.step,
            server.conn.state()
        );
        let now = Instant::from_millis(now_ms as i64);
        let polled = iface.poll(now, &mut device, &mut sockets) != PollResult::None;
        let t = Timestamp::from_millis(now_ms);
        client.conn.handle_timeout(t);
        server.conn.handle_timeout(t);
        let mut moved = false;
        loop {
            let a = client.pump(sockets.get_mut(client_handle));
            let b = server.pump(sockets.get_mut(server_handle));
            app.run(&mut client.conn);
            echo.run(&mut server.conn);
            if !(a || b) {
                break;
            }
            moved = true;
        }
        if !moved && !polled {
            let next = [
                iface
                    .poll_delay(now, &sockets)
                    .map(|d| now_ms + d.total_millis()),
                client.conn.poll_timeout().map(millis),
                server.conn.poll_timeout().map(millis),
            ];
            now_ms = next
                .into_iter()
                .flatten()
                .min()
                .unwrap_or(GIVE_UP_MS)
                .max(now_ms + 1);
        }
    }

    assert_eq!(app.step, Step::Done);
    assert!(now_ms >= 20_000, "the keepalive came after 20 s of silence");
    assert_eq!(echo.closed_with, Some((1000, 3)));
    assert_eq!(
        (client.conn.state(), server.conn.state()),
        (State::Closed, State::Closed)
    );
    // The server closed TCP first (RFC 6455 §7.1.1), so it holds TIME-WAIT.
    let server_tcp = sockets.get::<tcp::Socket>(server_handle).state();
    let client_tcp = sockets.get::<tcp::Socket>(client_handle).state();
    assert_eq!(
        (server_tcp, client_tcp),
        (TcpState::TimeWait, TcpState::Closed)
    );
    now_ms
}

#[cfg(test)]
mod tests {
    #[test]
    fn client_and_server_talk_and_close_cleanly_over_smoltcp() {
        assert!(super::run() < super::GIVE_UP_MS);
    }
}
