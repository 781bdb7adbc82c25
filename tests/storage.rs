//! Growable storage: memory follows the bytes in flight and is given back
//! when the connection is idle, growth stays within the limits of `Config`,
//! and fixed and growable storage deliver the same events for the same
//! input however it is read.
//!
//! Every test runs with the test suite's own growable storage (`grow(0)`,
//! in every feature set) and, with `alloc`, with the crate's `Vec<u8>`.

// Not under Miri: these drive megabytes through the safe public API (hours
// there); the `unsafe` they reach is covered by the library tests Miri runs.
#![cfg(not(miri))]

mod common;

use common::{
    all_ways, cat, client_frame, fixed, grow, merge, pattern, server_frame, test_keys, text_of_len,
    Ev, Outcome, Pair,
};
use rfc6455::{
    Accept, ClientRequest, CloseCode, Config, Connection, Error, KeySource, MessageMode, NoKeys,
    ProtocolError, Role, State, Storage,
};

/// The message sizes around every length encoding (§5.2), and 1 MiB.
const SIZES: [usize; 7] = [0, 1, 125, 126, 65_535, 65_536, 1 << 20];

fn modes() -> Vec<MessageMode> {
    #[allow(unused_mut)]
    let mut modes = vec![MessageMode::Stream];
    #[cfg(feature = "alloc")]
    modes.push(MessageMode::Reassemble);
    modes
}

/// An open client/server pair over storage made by `make`.
fn open_pair<B: Storage>(config: Config, make: &dyn Fn() -> B) -> Pair<B, impl KeySource> {
    Pair {
        client: Connection::open(Role::Client, config, make(), make(), test_keys()).unwrap(),
        server: Connection::open(Role::Server, config, make(), make(), NoKeys).unwrap(),
        client_events: Vec::new(),
        server_events: Vec::new(),
        chunk: 0,
    }
}

/// Sends a binary message of every size each way and a text message back,
/// and checks that both sides hold no storage once idle.
fn idle_after_every_size<B: Storage>(make: &dyn Fn() -> B) {
    for mode in modes() {
        let config = Config::new().without_deadlines().with_message_mode(mode);
        let mut pair = open_pair(config, make);
        assert_eq!(
            (pair.client.storage_len(), pair.server.storage_len()),
            (0, 0)
        );
        for size in SIZES {
            let data = pattern(size);
            let text = text_of_len(size);
            pair.client.send_binary(&data).unwrap();
            pair.server.send_text(&text).unwrap();
            // Memory follows the bytes in flight: a frame queued is held.
            assert!(pair.client.storage_len() > size, "{mode:?} {size}");
            assert!(pair.server.storage_len() > size, "{mode:?} {size}");
            pair.pump();
            assert_eq!(
                merge(&pair.server_events),
                [Ev::Binary(data, true)],
                "{mode:?} {size}"
            );
            assert_eq!(merge(&pair.client_events), [Ev::Text(text, true)]);
            pair.server_events.clear();
            pair.client_events.clear();
            assert_eq!(pair.client.storage_len(), 0, "client, {mode:?}, {size}");
            assert_eq!(pair.server.storage_len(), 0, "server, {mode:?}, {size}");
            assert!(pair.client.wants_read() && pair.server.wants_read());
        }
    }
}

#[test]
fn idle_connections_hold_no_storage_after_messages_of_any_size() {
    idle_after_every_size(&|| grow(0));
}

#[cfg(feature = "alloc")]
#[test]
fn idle_connections_hold_no_vec_after_messages_of_any_size() {
    idle_after_every_size(&Vec::new);
}

/// Feeds `input` to `conn` in reads of `read` bytes, draining events after
/// each, and returns the events and the most storage held at any point.
fn feed_watching<B: Storage>(
    conn: &mut Connection<B>,
    input: &[u8],
    read: usize,
) -> (Vec<Ev>, usize) {
    let mut events = Vec::new();
    let mut peak = conn.storage_len();
    let mut rest = input;
    for _ in 0..input.len() + 1 {
        if rest.is_empty() {
            break;
        }
        let n = conn.receive(&rest[..read.min(rest.len())]);
        rest = &rest[n..];
        peak = peak.max(conn.storage_len());
        while let Some(event) = conn.poll_event() {
            events.push(Ev::from(event));
        }
        peak = peak.max(conn.storage_len());
    }
    assert!(rest.is_empty(), "input left over");
    (events, peak)
}

/// A masked binary frame header (as a client sends it) announcing `len`
/// bytes; the payload that follows is masked with an all-zero key.
fn announce(fin: bool, opcode: u8, len: u64) -> Vec<u8> {
    let mut header = vec![if fin { 0x80 } else { 0 } | opcode, 0x80 | 127];
    header.extend(len.to_be_bytes());
    header.extend([0; 4]);
    header
}

fn frame_too_large<B: Storage>(make: &dyn Fn() -> B) {
    const LIMIT: u64 = 1 << 20;
    for mode in modes() {
        let config = Config::new()
            .without_deadlines()
            .with_message_mode(mode)
            .with_max_frame_len(LIMIT);
        let mut server = Connection::open(Role::Server, config, make(), make(), NoKeys).unwrap();
        // A 16 MiB frame, all of it sent: the connection fails on the
        // header and holds no more than its limit while the rest streams in.
        let mut input = announce(true, 0x2, 16 << 20);
        input.resize(input.len() + (16 << 20), 0x5a);
        let (events, peak) = feed_watching(&mut server, &input, 64 << 10);
        assert_eq!(
            events,
            [Ev::Error(Error::Protocol(ProtocolError::FrameTooLarge))]
        );
        assert_eq!(server.state(), State::Failed);
        let close = server.peek_transmit();
        assert_eq!(
            (close[0], &close[2..4]),
            (0x88, &[0x03, 0xf1][..]),
            "1009 is sent"
        );
        assert!(
            peak <= (LIMIT as usize) + (16 << 10),
            "{mode:?}: peak {peak}"
        );
    }
}

#[test]
fn a_frame_over_max_frame_len_fails_with_1009_within_its_limit() {
    frame_too_large(&|| grow(0));
}

#[cfg(feature = "alloc")]
#[test]
fn a_frame_over_max_frame_len_fails_with_1009_within_its_limit_vec() {
    frame_too_large(&Vec::new);
}

/// A message of exactly `max_message_len` in three frames is delivered,
/// one a frame longer fails with 1009; the storage held stays within the
/// limits (a message in stream mode, a message and a frame reassembling).
fn message_limit<B: Storage>(make: &dyn Fn() -> B) {
    const LIMIT: usize = 1 << 20;
    const FRAME: usize = LIMIT / 3 + 1;
    for mode in modes() {
        let config = Config::new()
            .without_deadlines()
            .with_message_mode(mode)
            .with_max_frame_len(LIMIT as u64)
            .with_max_message_len(LIMIT as u64);
        let mut server = Connection::open(Role::Server, config, make(), make(), NoKeys).unwrap();
        let data = pattern(LIMIT);
        let mut frames = data.chunks(FRAME).peekable();
        let mut input = Vec::new();
        let mut opcode = 0x2;
        while let Some(frame) = frames.next() {
            let fin = if frames.peek().is_none() { 0x80 } else { 0 };
            input.extend(client_frame(fin | opcode, frame));
            opcode = 0;
        }
        let (events, peak) = feed_watching(&mut server, &input, 16 << 10);
        assert_eq!(merge(&events), [Ev::Binary(data, true)], "{mode:?}");
        let bound = match mode {
            MessageMode::Stream => LIMIT + (16 << 10),
            #[cfg(feature = "alloc")]
            MessageMode::Reassemble => LIMIT + FRAME * 3 / 2 + (64 << 10),
        };
        assert!(peak <= bound, "{mode:?}: peak {peak} over {bound}");
        assert_eq!(server.storage_len(), 0);

        let mut input = Vec::new();
        for opcode in [0x2, 0, 0, 0x80] {
            input.extend(announce(opcode & 0x80 != 0, opcode & 0xf, FRAME as u64));
            input.resize(input.len() + FRAME, 0x5a);
        }
        let (events, peak) = feed_watching(&mut server, &input, 16 << 10);
        assert_eq!(
            events,
            [Ev::Error(Error::Protocol(ProtocolError::MessageTooLarge))],
            "{mode:?}"
        );
        assert!(peak <= bound, "{mode:?}: peak {peak} over {bound}");
    }
}

#[test]
fn a_message_at_max_message_len_arrives_and_one_over_fails_within_the_limits() {
    message_limit(&|| grow(0));
}

#[cfg(feature = "alloc")]
#[test]
fn a_message_at_max_message_len_arrives_and_one_over_fails_within_the_limits_vec() {
    message_limit(&Vec::new);
}

/// A 1 MiB message with the default limits arrives as one event; the
/// storage grows with it (by at most half again) and is given back.
fn one_mib_whole<B: Storage>(make: &dyn Fn() -> B) {
    const LEN: usize = 1 << 20;
    for mode in modes() {
        let config = Config::new().without_deadlines().with_message_mode(mode);
        let mut server = Connection::open(Role::Server, config, make(), make(), NoKeys).unwrap();
        let data = pattern(LEN);
        let input = client_frame(0x82, &data);
        for read in [16 << 10, 1 << 20] {
            let (events, peak) = feed_watching(&mut server, &input, read);
            assert_eq!(events.len(), 1, "{mode:?}: one event");
            assert_eq!(events[0], Ev::Binary(data.clone(), true), "{mode:?}");
            assert_eq!(server.storage_len(), 0, "{mode:?}: given back");
            assert!(peak <= LEN * 3 / 2 + (64 << 10), "{mode:?}: peak {peak}");
        }
    }
}

#[test]
fn a_one_mib_message_is_delivered_whole_and_the_storage_given_back() {
    one_mib_whole(&|| grow(0));
}

#[cfg(feature = "alloc")]
#[test]
fn a_one_mib_message_is_delivered_whole_and_the_vec_given_back() {
    one_mib_whole(&Vec::new);
}

/// Frames a peer of `role` receives: every length encoding, text cut inside
/// characters across fragments, control frames between fragments, and a
/// clean close.
fn traffic(to: Role) -> Vec<u8> {
    let frame = |b0: u8, payload: &[u8]| {
        if to.is_server() {
            client_frame(b0, payload)
        } else {
            server_frame(b0, payload)
        }
    };
    let text = text_of_len(300);
    let text = text.as_bytes();
    cat(&[
        frame(0x81, b"Hello"),
        frame(0x82, b""),
        frame(0x82, &pattern(125)),
        frame(0x82, &pattern(126)),
        frame(0x82, &pattern(70_000)),
        // 'é' is cut after its first byte, '😀' inside.
        frame(0x01, &text[..2]),
        frame(0x89, b"ping"),
        frame(0x00, &text[2..101]),
        frame(0x8a, b"pong"),
        frame(0x80, &text[101..]),
        frame(0x02, &pattern(5000)),
        frame(0x80, &pattern(3000)),
        frame(0x88, b"\x03\xe8bye"),
    ])
}

/// Input that fails the connection part way: invalid UTF-8 in a message.
fn traffic_then_bad_utf8(to: Role) -> Vec<u8> {
    let frame = |b0: u8, payload: &[u8]| {
        if to.is_server() {
            client_frame(b0, payload)
        } else {
            server_frame(b0, payload)
        }
    };
    cat(&[
        frame(0x82, &pattern(200)),
        frame(0x81, "ok é".as_bytes()),
        frame(0x01, b"bad \xc3"),
        frame(0x80, b"("),
        frame(0x81, b"never seen"),
    ])
}

/// The data messages among `events` (pieces joined across control
/// frames) and the control events, apart.
fn messages_and_controls(events: &[Ev]) -> (Vec<Ev>, Vec<Ev>) {
    let (data, control): (Vec<Ev>, Vec<Ev>) = events
        .iter()
        .cloned()
        .partition(|e| matches!(e, Ev::Text(..) | Ev::Binary(..)));
    (merge(&data), control)
}

/// Runs `input` into a connection of `role` all three ways, with fixed
/// storage of `fixed_len` and with growable storage made by `make`.
fn fixed_and_growable<B: Storage>(
    role: Role,
    mode: MessageMode,
    fixed_len: usize,
    input: &[u8],
    make: &dyn Fn() -> B,
) -> (Outcome, Outcome) {
    let config = Config::new().without_deadlines().with_message_mode(mode);
    let fixed_run = all_ways(
        || Connection::open(role, config, fixed(fixed_len), fixed(4096), test_keys()).unwrap(),
        input,
        false,
    );
    let growable_run = all_ways(
        || Connection::open(role, config, make(), make(), test_keys()).unwrap(),
        input,
        false,
    );
    (fixed_run, growable_run)
}

fn same_events<B: Storage>(make: &dyn Fn() -> B) {
    for role in [Role::Server, Role::Client] {
        for mode in modes() {
            for input in [traffic(role), traffic_then_bad_utf8(role)] {
                // Fixed storage that holds every message in one chunk: the
                // very same events.
                let (fixed_run, growable_run) =
                    fixed_and_growable(role, mode, 1 << 17, &input, make);
                assert_eq!(fixed_run, growable_run, "{role:?} {mode:?}");
                assert!(fixed_run.events.len() >= 3, "{:?}", fixed_run.events);
                // Small fixed storage: in stream mode a large message comes
                // in chunks, some before the control frames that follow its
                // first fragments; the messages and control frames are the
                // same, and in reassembly mode everything is.
                let (fixed_run, growable_run) = fixed_and_growable(role, mode, 512, &input, make);
                assert_eq!(
                    messages_and_controls(&fixed_run.events),
                    messages_and_controls(&growable_run.events),
                    "{role:?} {mode:?}"
                );
                assert_eq!(fixed_run.sent, growable_run.sent);
                assert_eq!(fixed_run.state, growable_run.state);
                if mode != MessageMode::Stream {
                    assert_eq!(fixed_run, growable_run, "{role:?} {mode:?}");
                }
            }
        }
    }
}

#[test]
fn fixed_and_growable_storage_give_the_same_events_however_input_is_read() {
    same_events(&|| grow(0));
}

#[cfg(feature = "alloc")]
#[test]
fn fixed_and_vec_storage_give_the_same_events_however_input_is_read() {
    same_events(&Vec::new);
}

#[test]
fn the_traffic_is_what_the_peer_sent() {
    // What the comparisons above compare: every message and control frame.
    let run = common::run_all_ways_with(
        Role::Server,
        Config::new().without_deadlines(),
        1 << 17,
        &traffic(Role::Server),
        false,
    );
    let text = text_of_len(300);
    let mut last = pattern(5000);
    last.extend(pattern(3000));
    assert_eq!(
        run.events,
        [
            Ev::Text("Hello".into(), true),
            Ev::Binary(vec![], true),
            Ev::Binary(pattern(125), true),
            Ev::Binary(pattern(126), true),
            Ev::Binary(pattern(70_000), true),
            Ev::Ping(b"ping".to_vec()),
            Ev::Pong(b"pong".to_vec()),
            Ev::Text(text, true),
            Ev::Binary(last, true),
            Ev::Close(1000, "bye".into()),
        ]
    );
    assert_eq!(run.state, State::Closed);
    let run = common::server_all_ways(&traffic_then_bad_utf8(Role::Server));
    assert_eq!(
        run.error(),
        Some(Error::Protocol(ProtocolError::InvalidUtf8))
    );
    assert_eq!(run.sent_close_code(), Some(1007));
}

/// The opening handshake with storage that starts empty on both sides,
/// bytes moved whole and one at a time.
fn handshake_from_empty<B: Storage>(make: &dyn Fn() -> B) {
    for chunk in [0, 1] {
        let config = Config::new().without_deadlines();
        let request = ClientRequest::new("example.com")
            .target("/chat")
            .subprotocols(&["chat"]);
        let mut pair = Pair {
            client: Connection::client(&request, config, make(), make(), test_keys()).unwrap(),
            server: Connection::server(config, make(), make()).unwrap(),
            client_events: Vec::new(),
            server_events: Vec::new(),
            chunk,
        };
        let request_len = pair.client.queued_len();
        assert!(request_len > 100);
        assert_eq!(pair.server.storage_len(), 0);
        pair.pump();
        assert_eq!(pair.server_events, [Ev::Upgrade("/chat".into())]);
        // The request went out, and the client keeps it until it has
        // checked the server's 101 against it.
        assert_eq!(pair.client.queued_len(), 0);
        assert!(pair.client.storage_len() >= request_len);
        pair.server
            .accept(&Accept::new().subprotocol("chat"))
            .unwrap();
        pair.pump();
        assert_eq!(pair.client_events, [Ev::Open(Some("chat".into()))]);
        assert_eq!(pair.server_events[1..], [Ev::Open(Some("chat".into()))]);
        // Once the 101 is checked the request goes: nothing is held.
        assert_eq!(pair.client.storage_len(), 0, "chunk {chunk}");
        assert_eq!(pair.server.storage_len(), 0, "chunk {chunk}");
        pair.client.send_text("hi").unwrap();
        pair.pump();
        assert_eq!(pair.server_events[2..], [Ev::Text("hi".into(), true)]);
        pair.client.close(CloseCode::NORMAL, "").unwrap();
        pair.pump();
        assert_eq!(
            (pair.client.state(), pair.server.state()),
            (State::Closed, State::Closed)
        );
    }
}

#[test]
fn the_handshake_works_with_growable_storage_starting_empty() {
    handshake_from_empty(&|| grow(0));
}

#[cfg(feature = "alloc")]
#[test]
fn the_handshake_works_with_vec_storage_starting_empty() {
    handshake_from_empty(&Vec::new);
}

/// The crate's `Vec<u8>` storage holds the memory `storage_len` reports: it
/// grows to the lengths the connection asks for, not beyond.
#[cfg(feature = "alloc")]
mod vec_memory {
    use std::cell::Cell;
    use std::rc::Rc;

    use super::*;

    /// A `Vec<u8>` storage that records the most its capacity ever exceeded
    /// the length the connection asked for.
    struct Watched {
        vec: Vec<u8>,
        excess: Rc<Cell<usize>>,
    }

    impl Storage for Watched {
        fn bytes(&mut self) -> &mut [u8] {
            self.vec.bytes()
        }

        fn resize(&mut self, len: usize) -> usize {
            let len = Storage::resize(&mut self.vec, len);
            let excess = self.vec.capacity() - len;
            self.excess.set(self.excess.get().max(excess));
            len
        }

        fn is_growable(&self) -> bool {
            self.vec.is_growable()
        }
    }

    #[test]
    fn a_vec_holds_no_more_than_storage_len_reports() {
        let excess = Rc::new(Cell::new(0));
        let make = || Watched {
            vec: Vec::new(),
            excess: excess.clone(),
        };
        let mut pair = open_pair(Config::new().without_deadlines(), &make);
        // The receive storage grows with a 1 MiB frame read in pieces, the
        // transmit storage with messages queued one after another.
        pair.chunk = 16 << 10;
        pair.client.send_binary(&pattern(1 << 20)).unwrap();
        for size in (1..200).map(|i| i * 1000) {
            pair.server.send_binary(&pattern(size)).unwrap();
        }
        pair.pump();
        assert_eq!(pair.server_events.len(), 1);
        assert_eq!(pair.client_events.len(), 199);
        assert_eq!(excess.get(), 0, "capacity beyond the length asked for");
    }
}
