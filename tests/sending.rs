//! Sending: messages of any length through the smallest transmit storage
//! (`send_text_partial`, `send_binary_partial`), control frames between the
//! pieces, the errors that say whether to wait (`QueueFull`) or to send in
//! pieces (`BufferTooSmall`), the send watermarks, a peer that never reads,
//! and `wants_read`.

// Not under Miri: these drive megabytes through the safe public API (hours
// there); the `unsafe` they reach is covered by the library tests Miri runs.
#![cfg(not(miri))]

mod common;

use common::{fixed, grow, merge, pattern, server_frame, test_keys, text_of_len, Ev, Fixed};
use rfc6455::{
    CloseCode, Config, Connection, Decoded, Error, FrameDecoder, KeySource, NoKeys, Opcode, Role,
    State, Storage, UsageError, MIN_STORAGE_LEN,
};

/// The message sizes around every length encoding (§5.2), and 1 MiB.
const SIZES: [usize; 7] = [0, 1, 125, 126, 65_535, 65_536, 1 << 20];

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

/// The data frames among `frames`.
fn data_frames(frames: &[Frame]) -> Vec<&Frame> {
    frames.iter().filter(|f| !f.opcode.is_control()).collect()
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

/// Moves everything both ways, `max` bytes at a time, until nothing moves.
fn settle<K1: KeySource, K2: KeySource>(a: &mut End<K1>, b: &mut End<K2>, max: usize) {
    for _ in 0..10_000_000 {
        if carry(a, b, max) + carry(b, a, max) == 0 {
            return;
        }
    }
    panic!("the link did not settle");
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

/// The frames of one message as sent: the first with the message's opcode,
/// continuations after, FIN on the last only, each within the storage.
fn check_frames(kind: Kind, frames: &[&Frame], message: &[u8], sender: Role) {
    assert!(!frames.is_empty());
    let opcode = match kind {
        Kind::Text => Opcode::Text,
        Kind::Binary => Opcode::Binary,
    };
    for (i, frame) in frames.iter().enumerate() {
        let first = if i == 0 { opcode } else { Opcode::Continuation };
        assert_eq!(frame.opcode, first, "frame {i}");
        assert_eq!(
            frame.fin,
            i + 1 == frames.len(),
            "FIN on the last frame only"
        );
        let header = match frame.payload.len() {
            0..=125 => 2,
            126..=0xffff => 4,
            _ => 10,
        } + if sender.is_client() { 4 } else { 0 };
        assert!(header + frame.payload.len() <= MIN_STORAGE_LEN);
        // However slowly the transport drains, a frame that does not end
        // the message fills at least half the storage (less a character).
        if !frame.fin {
            assert!(
                header + frame.payload.len() >= MIN_STORAGE_LEN / 2 - 6,
                "frame {i} of {}: {} bytes",
                frames.len(),
                frame.payload.len()
            );
        }
        if kind == Kind::Text {
            // Text is cut at character boundaries: every frame is UTF-8.
            assert!(std::str::from_utf8(&frame.payload).is_ok(), "frame {i}");
        }
    }
    let joined: Vec<u8> = frames.iter().flat_map(|f| f.payload.clone()).collect();
    assert_eq!(joined, message);
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

fn every_size_through_the_smallest_storage(kind: Kind) {
    for sender in [Role::Server, Role::Client] {
        for len in SIZES {
            for step in [1, 7, 300] {
                let msg = message(kind, len);
                let (mut a, mut b) = link(sender);
                send_in_pieces(&mut a, &mut b, &msg, step, |_, _, _| {});
                settle(&mut a, &mut b, step);
                let sent = frames(sender, &a.wire);
                check_frames(kind, &data_frames(&sent), &msg.bytes, sender);
                check_received(kind, &b.events, &msg.bytes);
                assert_eq!(a.conn.queued_len(), 0);
            }
        }
    }
}

#[test]
fn binary_messages_of_any_size_go_through_the_smallest_storage() {
    every_size_through_the_smallest_storage(Kind::Binary);
}

#[test]
fn text_messages_of_any_size_go_through_the_smallest_storage() {
    every_size_through_the_smallest_storage(Kind::Text);
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
fn text_is_cut_before_a_character_that_does_not_fit() {
    // 'a' and 100 four-byte characters: the longest payload that fits
    // (252 bytes from a server, 248 from a client, in 256 bytes) ends
    // inside a character, so the cut is at the boundary before it.
    let text = format!("a{}", "😀".repeat(100));
    for (role, cut) in [(Role::Server, 249), (Role::Client, 245)] {
        let mut conn =
            Connection::open(role, Config::new(), fixed(256), fixed(256), test_keys()).unwrap();
        assert_eq!(conn.send_text_partial(&text).unwrap(), cut, "{role:?}");
        // Nothing more fits until the transport takes the frame.
        assert_eq!(conn.send_text_partial(&text[cut..]).unwrap(), 0);
        let n = conn.queued_len();
        conn.advance_transmit(n);
        assert_eq!(conn.send_text_partial(&text[cut..]).unwrap(), 401 - cut);
    }
}

#[test]
fn pings_between_the_pieces_are_answered_before_the_message_ends() {
    for sender in [Role::Server, Role::Client] {
        for step in [7, 300] {
            let msg = message(Kind::Binary, 65_536);
            let (mut a, mut b) = link(sender);
            let mut pinged = Vec::new();
            send_in_pieces(&mut a, &mut b, &msg, step, |_, peer, piece| {
                if piece % 50 == 1 {
                    let payload = format!("ping {piece}").into_bytes();
                    peer.conn.ping(&payload).unwrap();
                    pinged.push(payload);
                }
            });
            settle(&mut a, &mut b, step);
            assert!(
                pinged.len() >= 3,
                "{sender:?} {step}: {} pings",
                pinged.len()
            );
            let sent = frames(sender, &a.wire);
            check_frames(Kind::Binary, &data_frames(&sent), &msg.bytes, sender);
            // Every Ping was answered, in order, each Pong between two data
            // frames: after the first, before the last.
            let pongs: Vec<usize> = (0..sent.len())
                .filter(|&i| sent[i].opcode == Opcode::Pong)
                .collect();
            let payloads: Vec<Vec<u8>> = pongs.iter().map(|&i| sent[i].payload.clone()).collect();
            assert_eq!(payloads, pinged, "{sender:?} {step}");
            let last_data = sent.iter().rposition(|f| f.opcode == Opcode::Continuation);
            for &i in &pongs {
                assert!(
                    i > 0 && Some(i) < last_data,
                    "Pong at frame {i} of {}",
                    sent.len()
                );
            }
            // The peer saw the Pongs before the message's end.
            let end = b
                .events
                .iter()
                .position(|e| matches!(e, Ev::Binary(_, true)));
            let last_pong = b.events.iter().rposition(|e| matches!(e, Ev::Pong(_)));
            assert!(last_pong.unwrap() < end.unwrap(), "{last_pong:?} {end:?}");
            check_received(Kind::Binary, &b.events, &msg.bytes);
        }
    }
}

#[test]
fn a_close_between_the_pieces_goes_out_and_ends_the_message() {
    for sender in [Role::Server, Role::Client] {
        for kind in [Kind::Text, Kind::Binary] {
            let msg = message(kind, 10_000);
            let (mut a, mut b) = link(sender);
            let mut sent = 0;
            for _ in 0..3 {
                sent += send_partial(&mut a.conn, &msg, sent).unwrap();
                settle(&mut a, &mut b, 7);
            }
            assert!(sent > 0 && sent < msg.bytes.len());
            // The queue is full of the next piece when the Close is asked for.
            sent += send_partial(&mut a.conn, &msg, sent).unwrap();
            a.conn.close(CloseCode::NORMAL, "bye").unwrap();
            for call in [Kind::Text, Kind::Binary] {
                let rest = &msg.bytes[sent..];
                let result = match call {
                    Kind::Text => a.conn.send_text_partial("more"),
                    Kind::Binary => a.conn.send_binary_partial(rest),
                };
                assert_eq!(result, Err(Error::Usage(UsageError::Closed)));
            }
            assert_eq!(
                a.conn.send_binary(b"x"),
                Err(Error::Usage(UsageError::Closed))
            );
            settle(&mut a, &mut b, 7);
            // On the wire: the pieces queued, then the Close, nothing after.
            let wire = frames(sender, &a.wire);
            let (close, data) = wire.split_last().unwrap();
            assert_eq!(
                (close.opcode, &close.payload[..]),
                (Opcode::Close, &b"\x03\xe8bye"[..])
            );
            assert!(data.iter().all(|f| !f.opcode.is_control() && !f.fin));
            let joined: Vec<u8> = data.iter().flat_map(|f| f.payload.clone()).collect();
            assert_eq!(joined, msg.bytes[..sent]);
            // The peer saw the Close and no whole message; both closed.
            assert!(b.events.contains(&Ev::Close(1000, "bye".into())));
            assert!(!b
                .events
                .iter()
                .any(|e| matches!(e, Ev::Text(_, true) | Ev::Binary(_, true))));
            assert_eq!(
                (a.conn.state(), b.conn.state()),
                (State::Closed, State::Closed)
            );
        }
    }
}

#[test]
fn a_message_of_the_other_kind_waits_for_the_partial_one() {
    for (started, other) in [(Kind::Text, Kind::Binary), (Kind::Binary, Kind::Text)] {
        let msg = message(started, 1000);
        let (mut a, mut b) = link(Role::Server);
        let mut sent = send_partial(&mut a.conn, &msg, 0).unwrap();
        assert!(sent > 0 && sent < msg.bytes.len());
        let queued = a.conn.peek_transmit().to_vec();
        let in_progress = Err(Error::Usage(UsageError::MessageInProgress));
        let attempt = match other {
            Kind::Text => a.conn.send_text_partial("x"),
            Kind::Binary => a.conn.send_binary_partial(b"x"),
        };
        assert_eq!(attempt, in_progress);
        assert_eq!(a.conn.send_text("x"), in_progress.map(|_| ()));
        assert_eq!(a.conn.send_binary(b"x"), in_progress.map(|_| ()));
        assert_eq!(a.conn.peek_transmit(), queued, "nothing queued");
        // The started message goes on and ends; then the other may start.
        for _ in 0..100 {
            if sent == msg.bytes.len() {
                break;
            }
            settle(&mut a, &mut b, 300);
            sent += send_partial(&mut a.conn, &msg, sent).unwrap();
        }
        assert_eq!(sent, msg.bytes.len());
        let other_msg = message(other, 3);
        assert_eq!(send_partial(&mut a.conn, &other_msg, 0), Ok(3));
        settle(&mut a, &mut b, 300);
        let data: Vec<Ev> = b.events.clone();
        let expected = |kind, m: &[u8]| match kind {
            Kind::Text => Ev::Text(String::from_utf8(m.to_vec()).unwrap(), true),
            Kind::Binary => Ev::Binary(m.to_vec(), true),
        };
        assert_eq!(
            merge(&data),
            [
                expected(started, &msg.bytes),
                expected(other, &other_msg.bytes)
            ]
        );
    }
}

/// Checks that a failed send left the queue as it was.
fn unchanged<B: Storage, K: KeySource>(conn: &mut Connection<B, K>, before: &[u8], held: usize) {
    assert_eq!(conn.peek_transmit(), before, "nothing queued on an error");
    assert_eq!(conn.storage_len(), held, "no storage taken on an error");
}

#[test]
fn fixed_storage_queue_full_now_or_too_small_ever() {
    for role in [Role::Server, Role::Client] {
        let mask = if role.is_client() { 4 } else { 0 };
        let mut conn =
            Connection::open(role, Config::new(), fixed(256), fixed(256), test_keys()).unwrap();
        // A frame longer than the storage can never be queued whole.
        let too_big = [1u8; 300];
        let required = 300 + 4 + mask;
        assert_eq!(
            conn.send_binary(&too_big),
            Err(Error::BufferTooSmall(rfc6455::BufferTooSmall { required }))
        );
        assert_eq!(conn.queued_len(), 0);
        // Two frames that each fit, but not together: the second must wait.
        conn.send_binary(&[2u8; 200]).unwrap();
        let before = conn.peek_transmit().to_vec();
        let held = conn.storage_len();
        assert_eq!(
            conn.send_binary(&[3u8; 200]),
            Err(Error::Usage(UsageError::QueueFull))
        );
        unchanged(&mut conn, &before, held);
        assert_eq!(
            conn.send_text(&"é".repeat(100)),
            Err(Error::Usage(UsageError::QueueFull))
        );
        unchanged(&mut conn, &before, held);
        assert!(matches!(
            conn.send_binary(&too_big),
            Err(Error::BufferTooSmall(_))
        ));
        unchanged(&mut conn, &before, held);
        // Once the transport took the first, the second fits.
        conn.advance_transmit(before.len());
        conn.send_binary(&[3u8; 200]).unwrap();
        assert_eq!(conn.queued_len(), 200 + 4 + mask);
    }
}

fn growable_queue_full_past_the_limit<B: Storage>(make: &dyn Fn() -> B) {
    for role in [Role::Server, Role::Client] {
        let mask = if role.is_client() { 4 } else { 0 };
        let config = Config::new().with_max_send_queue(1000);
        let mut conn = Connection::open(role, config, make(), make(), test_keys()).unwrap();
        assert_eq!(conn.transmit_capacity(), 1000);
        // Longer than the queue's limit: never.
        assert!(matches!(
            conn.send_binary(&[1u8; 1000]),
            Err(Error::BufferTooSmall(_))
        ));
        assert_eq!(conn.storage_len(), 0, "nothing grown for a refused send");
        // Within the limit, but past it with what is queued: later.
        conn.send_binary(&[2u8; 700]).unwrap();
        let before = conn.peek_transmit().to_vec();
        let held = conn.storage_len();
        assert_eq!(
            conn.send_binary(&[3u8; 300]),
            Err(Error::Usage(UsageError::QueueFull))
        );
        unchanged(&mut conn, &before, held);
        assert!(matches!(
            conn.send_text(&"x".repeat(997)),
            Err(Error::BufferTooSmall(_))
        ));
        unchanged(&mut conn, &before, held);
        // What fits in the rest of the limit is taken.
        let room = 1000 - (704 + mask);
        conn.send_binary(&vec![4u8; room - 4 - mask]).unwrap();
        assert_eq!(conn.queued_len(), 1000);
        assert!(conn.storage_len() <= 1000);
        conn.advance_transmit(1000);
        assert_eq!(conn.storage_len(), 0);
    }
}

#[test]
fn growable_storage_queue_full_past_max_send_queue() {
    growable_queue_full_past_the_limit(&|| grow(0));
}

#[cfg(feature = "alloc")]
#[test]
fn vec_storage_queue_full_past_max_send_queue() {
    growable_queue_full_past_the_limit(&Vec::new);
}

/// Queues frames of 100 bytes until `queued` bytes wait.
fn queue_to<B: Storage, K: KeySource>(conn: &mut Connection<B, K>, queued: usize) {
    while conn.queued_len() < queued {
        conn.send_binary(&[0u8; 98]).unwrap();
    }
    assert_eq!(conn.queued_len(), queued);
}

/// `send_ready` turns false at `high` and true again at `low`.
fn check_watermarks<B: Storage, K: KeySource>(
    conn: &mut Connection<B, K>,
    low: usize,
    high: usize,
) {
    assert!(conn.send_ready());
    queue_to(conn, high - 100);
    assert!(conn.send_ready(), "below the high watermark");
    queue_to(conn, high);
    assert!(!conn.send_ready(), "at the high watermark");
    // Sends still succeed: the signal is advice.
    let more = conn.queued_len();
    let _ = conn.send_binary(&[0; 10]);
    conn.advance_transmit(conn.queued_len() - more);
    let drain = conn.queued_len() - low - 1;
    conn.advance_transmit(drain);
    assert!(!conn.send_ready(), "one byte above the low watermark");
    conn.advance_transmit(1);
    assert!(conn.send_ready(), "at the low watermark");
    // Down again only at the high watermark.
    queue_to(conn, high - 100);
    assert!(conn.send_ready());
    queue_to(conn, high);
    assert!(!conn.send_ready());
    conn.advance_transmit(conn.queued_len());
    assert!(conn.send_ready());
}

#[test]
fn send_ready_follows_the_watermarks() {
    let big = Config::new().with_send_watermarks(300, 1000);
    let mut conn = Connection::open(Role::Server, big, grow(0), grow(0), NoKeys).unwrap();
    check_watermarks(&mut conn, 300, 1000);
    // A low watermark over half the high one is lowered to half.
    let close = Config::new().with_send_watermarks(900, 1000);
    let mut conn = Connection::open(Role::Server, close, grow(0), grow(0), NoKeys).unwrap();
    check_watermarks(&mut conn, 500, 1000);
    // A high watermark over half the queue is lowered to half the queue.
    let small_queue = Config::new().with_max_send_queue(1200);
    let mut conn = Connection::open(Role::Server, small_queue, grow(0), grow(0), NoKeys).unwrap();
    check_watermarks(&mut conn, 300, 600);
    // And so for a small fixed storage: 4000 bytes of it, 64 KiB / 16 KiB
    // by default.
    let mut conn = Connection::open(
        Role::Server,
        Config::new(),
        fixed(4000),
        fixed(4000),
        NoKeys,
    )
    .unwrap();
    check_watermarks(&mut conn, 1000, 2000);
}

#[test]
fn the_smallest_storage_lowers_the_watermarks_to_its_size() {
    // 256 bytes: high 128, low 64.
    let mut conn = Connection::open(
        Role::Server,
        Config::new(),
        fixed(MIN_STORAGE_LEN),
        fixed(MIN_STORAGE_LEN),
        NoKeys,
    )
    .unwrap();
    conn.send_binary(&[0; 124]).unwrap();
    assert_eq!(conn.queued_len(), 126);
    assert!(conn.send_ready());
    conn.send_binary(&[]).unwrap();
    assert_eq!(conn.queued_len(), 128);
    assert!(!conn.send_ready());
    conn.advance_transmit(63);
    assert!(!conn.send_ready());
    conn.advance_transmit(1);
    assert!(conn.send_ready());
}

/// A peer that never reads: sends stop at the queue's limit.
fn never_read<B: Storage>(make: &dyn Fn() -> B) {
    const LIMIT: usize = 1 << 20;
    let config = Config::new().with_max_send_queue(LIMIT);
    let mut conn = Connection::open(Role::Server, config, make(), make(), NoKeys).unwrap();
    let message = pattern(10_000);
    let mut accepted = 0;
    let error = loop {
        assert!(accepted <= LIMIT / 10_000, "sends never stopped");
        match conn.send_binary(&message) {
            Ok(()) => accepted += 1,
            Err(e) => break e,
        }
        assert!(conn.storage_len() <= LIMIT);
    };
    assert_eq!(error, Error::Usage(UsageError::QueueFull));
    assert_eq!(accepted, LIMIT / 10_004);
    assert!(!conn.send_ready());
    assert!(conn.queued_len() <= LIMIT && conn.storage_len() <= LIMIT);
    // A message sent in pieces waits for 16 KiB of room (8160 bytes are
    // left), then takes what is free, and nothing more.
    let big = pattern(1 << 20);
    assert_eq!(conn.send_binary_partial(&big), Ok(0));
    conn.advance_transmit(10_004);
    let taken = conn.send_binary_partial(&big).unwrap();
    assert_eq!(taken, LIMIT - (accepted - 1) * 10_004 - 4);
    assert_eq!(conn.queued_len(), LIMIT);
    assert_eq!(conn.send_binary_partial(&big[taken..]), Ok(0));
    assert!(conn.storage_len() <= LIMIT);
    // Pings from the peer are still answered within the limit.
    let ping = common::client_frame(0x89, b"hello");
    assert_eq!(conn.receive(&ping), ping.len());
    assert!(matches!(conn.poll_event(), Some(Ok(_))));
    assert!(conn.poll_event().is_none());
    assert!(conn.storage_len() <= LIMIT + (16 << 10));
}

#[test]
fn a_peer_that_never_reads_stops_growable_sends_at_max_send_queue() {
    never_read(&|| grow(0));
}

#[cfg(feature = "alloc")]
#[test]
fn a_peer_that_never_reads_stops_vec_sends_at_max_send_queue() {
    never_read(&Vec::new);
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
