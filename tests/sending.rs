//! Sending: messages of any length through the smallest transmit storage
//! (`send_text_partial`, `send_binary_partial`), control frames between the
//! pieces, the errors that say whether to wait (`QueueFull`) or to send in
//! pieces (`BufferTooSmall`), the send watermarks, a peer that never reads,
//! and `wants_read`.

mod common;

use common::{fixed, merge, pattern, server_frame, test_keys, text_of_len, Ev, Fixed};
use rfc6455::{
    CloseCode, Config, Connection, Decoded, Error, FrameDecoder, KeySource, NoKeys, Opcode, Role,
    State, MIN_STORAGE_LEN,
};

/// A frame as it went over the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Frame {
    opcode: Opcode,
    fin: bool,
    payload: Vec<u8>,
}

/// Decodes what a connection of `role` sent.
fn frames(role: Role, wire: &[u8]) -> Vec<Frame> {
    let mut wire = wire.to_vec();
    let mut decoder = FrameDecoder::new(role.peer());
    let mut frames: Vec<Frame> = Vec::new();
    let mut at = 0;
    loop {
        let (used, item) = decoder.decode(&mut wire[at..]).expect("our output decodes");
        match item {
            None => break,
            Some(Decoded::Header(h)) => frames.push(Frame {
                opcode: h.opcode,
                fin: h.fin,
                payload: Vec::new(),
            }),
            Some(Decoded::Payload { data, .. }) => {
                frames.last_mut().unwrap().payload.extend_from_slice(data)
            }
        }
        at += used;
    }
    frames
}

/// One end of a link: a connection, what it reported, what it sent.
struct End<K: KeySource> {
    conn: Connection<Fixed, K>,
    events: Vec<Ev>,
    wire: Vec<u8>,
}

impl<K: KeySource> End<K> {
    fn new(conn: Connection<Fixed, K>) -> Self {
        End {
            conn,
            events: Vec::new(),
            wire: Vec::new(),
        }
    }

    fn poll(&mut self) {
        for _ in 0..1_000_000 {
            match self.conn.poll_event() {
                Some(event) => self.events.push(Ev::from(event)),
                None => return,
            }
        }
        panic!("events without end");
    }
}

/// Moves up to `max` bytes of `from`'s output into `to` (as much as `to`
/// takes), then lets `to` report its events; returns the bytes moved.
fn carry<K1: KeySource, K2: KeySource>(from: &mut End<K1>, to: &mut End<K2>, max: usize) -> usize {
    let out = from.conn.peek_transmit();
    let out = &out[..out.len().min(max)];
    let taken = to.conn.receive(out);
    from.wire.extend_from_slice(&out[..taken]);
    from.conn.advance_transmit(taken);
    to.poll();
    taken
}

/// A sender of `role` with the smallest storage and a receiver with room.
fn link(sender: Role) -> (End<impl KeySource>, End<impl KeySource>) {
    let config = Config::new().without_deadlines();
    let small = || fixed(MIN_STORAGE_LEN);
    let roomy = || fixed(4096);
    let (a, b) = if sender.is_client() {
        (
            Connection::open(Role::Client, config, small(), small(), test_keys()).unwrap(),
            Connection::open(Role::Server, config, roomy(), roomy(), test_keys()).unwrap(),
        )
    } else {
        (
            Connection::open(Role::Server, config, small(), small(), test_keys()).unwrap(),
            Connection::open(Role::Client, config, roomy(), roomy(), test_keys()).unwrap(),
        )
    };
    (End::new(a), End::new(b))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Binary,
}

/// A message the tests send: its bytes, and for text the same as a `str`
/// (validated once, not on every partial send).
struct Msg {
    kind: Kind,
    bytes: Vec<u8>,
    text: String,
}

/// The message of `len` bytes of `kind` the tests send.
fn message(kind: Kind, len: usize) -> Msg {
    match kind {
        Kind::Text => {
            let text = text_of_len(len);
            Msg {
                kind,
                bytes: text.clone().into_bytes(),
                text,
            }
        }
        Kind::Binary => Msg {
            kind,
            bytes: pattern(len),
            text: String::new(),
        },
    }
}

/// One partial send of the rest of `msg` after `sent` bytes; checks what
/// the call promises and returns what it took.
fn send_partial<K: KeySource>(
    conn: &mut Connection<Fixed, K>,
    msg: &Msg,
    sent: usize,
) -> Result<usize, Error> {
    let rest = &msg.bytes[sent..];
    let n = match msg.kind {
        // Slicing panics unless the last call cut at a character boundary.
        Kind::Text => conn.send_text_partial(&msg.text[sent..])?,
        Kind::Binary => conn.send_binary_partial(rest)?,
    };
    assert!(n <= rest.len(), "took {n} of {}", rest.len());
    if msg.kind == Kind::Text {
        assert!(
            msg.text.is_char_boundary(sent + n),
            "cut inside a character"
        );
    }
    Ok(n)
}

/// Sends `msg` with partial sends while the transport takes `step` bytes
/// at a time; calls `between` after each piece with the number of pieces
/// so far. Returns once every byte was carried.
fn send_in_pieces<K1: KeySource, K2: KeySource>(
    sender: &mut End<K1>,
    receiver: &mut End<K2>,
    msg: &Msg,
    step: usize,
    mut between: impl FnMut(&mut End<K1>, &mut End<K2>, usize),
) {
    let (mut sent, mut pieces, mut done) = (0, 0, false);
    let len = msg.bytes.len();
    // Each round carries a byte or queues one: bounded by the bytes.
    for _ in 0..4 * (len + 1000) {
        if !done {
            let n = send_partial(&mut sender.conn, msg, sent).unwrap();
            sent += n;
            // A call that took the last byte (or the empty message) ended it.
            done = sent == len;
            if n > 0 || done {
                pieces += 1;
                between(sender, receiver, pieces);
            }
        }
        let moved = carry(sender, receiver, step) + carry(receiver, sender, step);
        if done && moved == 0 {
            return;
        }
    }
    panic!("sending {len} bytes did not finish");
}

/// What the receiver got: exactly the message, once.
fn check_received(kind: Kind, events: &[Ev], message: &[u8]) {
    let data: Vec<Ev> = events
        .iter()
        .filter(|e| matches!(e, Ev::Text(..) | Ev::Binary(..)))
        .cloned()
        .collect();
    let expected = match kind {
        Kind::Text => Ev::Text(String::from_utf8(message.to_vec()).unwrap(), true),
        Kind::Binary => Ev::Binary(message.to_vec(), true),
    };
    assert_eq!(merge(&data), [expected]);
}

#[test]
fn a_slow_transport_does_not_cut_a_message_into_tiny_frames() {
    // The transport takes 7 bytes at a time, and the application offers
    // the rest of the message after each: the frames still fill half the
    // storage, not the few bytes just freed.
    for sender in [Role::Client, Role::Server] {
        let msg = message(Kind::Binary, 10_000);
        let (mut a, mut b) = link(sender);
        send_in_pieces(&mut a, &mut b, &msg, 7, |_, _, _| {});
        let sent = frames(sender, &a.wire);
        assert!(sent.len() <= 10_000 / 120 + 1, "{} frames", sent.len());
        assert!(sent[..sent.len() - 1]
            .iter()
            .all(|f| f.payload.len() >= 120));
        check_received(Kind::Binary, &b.events, &msg.bytes);
    }
}

#[test]
fn wants_read_is_false_while_input_waits_to_be_polled() {
    let hello = common::client_frame(0x81, b"Hello");
    let mut server = Connection::open(
        Role::Server,
        Config::new(),
        fixed(4096),
        fixed(4096),
        NoKeys,
    )
    .unwrap();
    assert!(server.wants_read());
    assert_eq!(server.receive(&hello), hello.len());
    assert!(!server.wants_read(), "input waits");
    assert!(matches!(server.poll_event(), Some(Ok(_))));
    assert!(!server.wants_read(), "poll_event has not yet returned None");
    assert!(server.poll_event().is_none());
    assert!(server.wants_read());
    // Half a frame: nothing to poll, more to read.
    assert_eq!(server.receive(&hello[..3]), 3);
    assert!(!server.wants_read());
    assert!(server.poll_event().is_none());
    assert!(server.wants_read());
    // Queued output does not stop reading.
    server.send_binary(&[0; 1000]).unwrap();
    assert!(server.wants_read());
}

#[test]
fn wants_read_is_false_once_failed_or_after_the_peers_close() {
    let open = || {
        Connection::open(
            Role::Server,
            Config::new(),
            fixed(4096),
            fixed(4096),
            NoKeys,
        )
        .unwrap()
    };
    // Failed: an unmasked frame from a client.
    let mut server = open();
    let _ = server.receive(&server_frame(0x81, b"Hello"));
    assert!(matches!(server.poll_event(), Some(Err(_))));
    assert_eq!(server.state(), State::Failed);
    assert!(server.poll_event().is_none());
    assert!(!server.wants_read());
    // CloseReceived: only the echo is left to write.
    let mut server = open();
    let close = common::client_frame(0x88, b"\x03\xe8");
    let _ = server.receive(&close);
    assert!(matches!(server.poll_event(), Some(Ok(_))));
    assert!(server.poll_event().is_none());
    assert_eq!(server.state(), State::CloseReceived);
    assert!(!server.wants_read());
    // Once the echo is queued the server is closed, and reads no more.
    let mut out = [0u8; 64];
    assert_eq!(server.poll_transmit(&mut out), Some(4));
    assert_eq!(server.state(), State::Closed);
    assert!(!server.wants_read());
}

#[test]
fn wants_read_during_the_handshake_until_the_head_is_whole() {
    use rfc6455::ClientRequest;
    let mut server = Connection::server(Config::new(), fixed(4096), fixed(4096)).unwrap();
    let (first, rest) = common::CHROME_REQUEST.split_at(100);
    assert!(server.wants_read());
    assert_eq!(server.receive(first), first.len());
    assert!(!server.wants_read());
    assert!(server.poll_event().is_none());
    assert!(server.wants_read(), "the rest of the request is to be read");
    assert_eq!(server.receive(rest), rest.len());
    assert!(matches!(server.poll_event(), Some(Ok(_))));
    // While the application decides, nothing more is read.
    assert!(server.poll_event().is_none());
    assert!(!server.wants_read());
    server.accept(&rfc6455::Accept::new()).unwrap();
    assert!(matches!(server.poll_event(), Some(Ok(_))));
    assert!(server.poll_event().is_none());
    assert!(server.wants_read());

    let request = ClientRequest::new("example.com");
    let mut client = Connection::client(
        &request,
        Config::new(),
        fixed(4096),
        fixed(4096),
        test_keys(),
    )
    .unwrap();
    let head = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n";
    assert_eq!(client.receive(head), head.len());
    assert!(!client.wants_read());
    assert!(client.poll_event().is_none());
    assert!(
        client.wants_read(),
        "the rest of the response is to be read"
    );
}

#[test]
fn a_closed_client_wants_to_read_until_the_end_of_input() {
    let mut client = Connection::open(
        Role::Client,
        Config::new(),
        fixed(4096),
        fixed(4096),
        test_keys(),
    )
    .unwrap();
    client.close(CloseCode::NORMAL, "").unwrap();
    let mut out = [0u8; 64];
    while client.poll_transmit(&mut out).is_some() {}
    assert!(client.wants_read(), "waiting for the server's Close");
    let _ = client.receive(&server_frame(0x88, b"\x03\xe8"));
    assert!(matches!(client.poll_event(), Some(Ok(_))));
    assert!(client.poll_event().is_none());
    assert_eq!(client.state(), State::Closed);
    // The server closes TCP first (§7.1.1): the client reads to see it.
    assert!(client.wants_read());
    client.receive_eof();
    assert!(!client.wants_read());
}
