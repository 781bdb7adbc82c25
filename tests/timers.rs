//! The deadlines of `Config` (handshake, keepalive and dead peer, close,
//! linger) on simulated time: no test sleeps, every loop is bounded.
//!
//! Each case is a script of steps (bytes from the peer, a time step
//! `handle_timeout(t)`, an application command) run by [`all_ways`]: the
//! peer's bytes are delivered whole, split at every offset and byte by byte,
//! and every step must give the same events, the same output bytes, the same
//! `poll_timeout()`, state and `should_close_transport()` in all of them.
//!
//! The ordering rule these tests pin down: input the connection has taken
//! before `handle_timeout(t)` counts as heard at `t`, and is handled before
//! any deadline due at `t`. A Pong, the rest of a head or the peer's Close
//! that arrives at exactly a deadline is in time; one that arrives after the
//! `handle_timeout` that ran the deadline is too late (and discarded).

// Not under Miri: these drive megabytes through the safe public API (hours
// there); the `unsafe` they reach is covered by the library tests Miri runs.
#![cfg(not(miri))]

mod common;

use common::*;
use core::time::Duration;
use rfc6455::{
    accept_key, Accept, ClientRequest, CloseCode, Config, Connection, Error, KeySource, Opcode,
    Role, State, Storage, Timeout, Timestamp,
};

const SECOND: u64 = 1_000;
const HOUR: u64 = 3_600 * SECOND;
const YEAR: u64 = 365 * 24 * HOUR;

/// The time `ms` milliseconds after the origin.
fn ms(ms: u64) -> Timestamp {
    Timestamp::from_millis(ms)
}

/// The time `s` seconds after the origin.
fn sec(s: u64) -> Timestamp {
    Timestamp::from_millis(s * SECOND)
}

fn secs(s: u64) -> Option<Duration> {
    Some(Duration::from_secs(s))
}

/// The latest timestamp there is.
const END_OF_TIME: Timestamp = Timestamp::from_duration(Duration::MAX);

// --- The driver --------------------------------------------------------------

/// One step of a script.
#[derive(Clone, Debug, PartialEq)]
enum Step {
    /// Bytes from the peer; events and output are drained after each read.
    Peer(Vec<u8>),
    /// Bytes from the peer, then `handle_timeout(t)` before their events
    /// are drained (the run loop "read, handle_timeout, drain").
    PeerThenAt(Vec<u8>, Timestamp),
    /// `handle_timeout(t)`.
    At(Timestamp),
    /// The peer ended the transport.
    Eof,
    /// Application commands.
    Text(String),
    Ping,
    Close(u16),
    Accept,
    /// The transport stops taking our output (a full socket buffer).
    Stall,
    /// The transport takes our output again.
    Flow,
}

use Step::{At, Eof, Flow, Peer, PeerThenAt, Stall};

/// What the connection showed after a step.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Snap {
    /// The time of the last time step so far (the script's clock).
    clock: Option<Timestamp>,
    /// Events reported during the step (data pieces merged).
    events: Vec<Ev>,
    /// Bytes written to the transport during the step.
    wrote: Vec<u8>,
    /// The command's result, for a command.
    result: Option<Result<(), Error>>,
    timeout: Option<Timestamp>,
    state: State,
    should_close: bool,
}

/// How the peer's bytes of each step are read.
#[derive(Clone, Copy, Debug)]
enum Way {
    Whole,
    /// In two reads, the first of at most this many bytes.
    Split(usize),
    ByteByByte,
}

/// What a script did: `snaps[0]` is before the first step, `snaps[i + 1]`
/// after `steps[i]`.
struct Trace {
    role: Role,
    steps: Vec<Step>,
    snaps: Vec<Snap>,
    /// The most memory the connection held at the end of any step, in any
    /// way of reading.
    max_storage: usize,
}

impl Trace {
    fn last(&self) -> &Snap {
        self.snaps.last().unwrap()
    }

    /// What the connection showed after the last step `handle_timeout(t)`.
    fn at(&self, t: Timestamp) -> &Snap {
        let i = self
            .steps
            .iter()
            .rposition(|s| matches!(s, At(u) | PeerThenAt(_, u) if *u == t))
            .unwrap_or_else(|| panic!("no step at {t:?}"));
        &self.snaps[i + 1]
    }

    /// Every frame written (an HTTP head as a `Continuation` pseudo-frame),
    /// with the clock when it was written.
    fn frames(&self) -> Vec<(Option<Timestamp>, Opcode, Vec<u8>)> {
        let mut out = Vec::new();
        for snap in &self.snaps {
            for (op, payload) in decode(self.role, &snap.wrote) {
                out.push((snap.clock, op, payload));
            }
        }
        out
    }

    /// When frames with `opcode` were written.
    fn written(&self, opcode: Opcode) -> Vec<Timestamp> {
        self.frames()
            .into_iter()
            .filter(|(_, op, _)| *op == opcode)
            .map(|(clock, _, _)| clock.expect("written before the first time step"))
            .collect()
    }

    /// Every error reported, with the clock when it was.
    fn errors(&self) -> Vec<(Option<Timestamp>, Error)> {
        self.snaps
            .iter()
            .flat_map(|s| {
                s.events.iter().filter_map(move |e| match e {
                    Ev::Error(e) => Some((s.clock, *e)),
                    _ => None,
                })
            })
            .collect()
    }

    /// Every event, with the clock when it was reported.
    fn events(&self) -> Vec<(Option<Timestamp>, Ev)> {
        self.snaps
            .iter()
            .flat_map(|s| s.events.iter().map(move |e| (s.clock, e.clone())))
            .collect()
    }

    /// Bytes written from the first step `handle_timeout(t)` on.
    fn wrote_from(&self, t: Timestamp) -> usize {
        let i = self
            .steps
            .iter()
            .position(|s| matches!(s, At(u) | PeerThenAt(_, u) if *u == t))
            .unwrap();
        self.snaps[i + 1..].iter().map(|s| s.wrote.len()).sum()
    }

    /// Checks the end of a connection that failed on deadline `kind` at
    /// `t`: the error is reported once, at `t`; nothing is written from then
    /// on; the transport should close; no deadline is left.
    fn assert_timed_out(&self, kind: Timeout, t: Timestamp) {
        assert_eq!(self.errors(), [(Some(t), Error::Timeout(kind))]);
        let failed = self
            .snaps
            .iter()
            .position(|s| s.events.contains(&Ev::Error(Error::Timeout(kind))))
            .unwrap();
        let wrote: usize = self.snaps[failed..].iter().map(|s| s.wrote.len()).sum();
        assert_eq!(wrote, 0, "written after the deadline");
        let snap = &self.snaps[failed];
        assert_eq!(snap.state, State::Failed);
        assert!(snap.should_close);
        assert_eq!(snap.timeout, None);
        assert_eq!(self.last().state, State::Failed);
        assert!(self.last().should_close);
    }
}

/// Splits what a connection wrote into an HTTP head (a `Continuation`
/// pseudo-frame; with the body, for an error response) and frames.
fn decode(role: Role, wrote: &[u8]) -> Vec<(Opcode, Vec<u8>)> {
    let mut frames = Vec::new();
    let mut rest = wrote;
    if wrote.starts_with(b"HTTP/") || wrote.starts_with(b"GET ") {
        let end = if wrote.starts_with(b"HTTP/1.1 101") || wrote.starts_with(b"GET ") {
            wrote.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4
        } else {
            wrote.len()
        };
        frames.push((Opcode::Continuation, wrote[..end].to_vec()));
        rest = &wrote[end..];
    }
    frames.extend(decode_sent(role, rest.to_vec()));
    frames
}

/// Drains events, then output unless the transport is stalled.
fn pump<B: Storage, K: KeySource>(
    conn: &mut Connection<B, K>,
    stalled: bool,
    events: &mut Vec<Ev>,
    wrote: &mut Vec<u8>,
) {
    for _ in 0..100_000 {
        match conn.poll_event() {
            Some(result) => events.push(Ev::from(result)),
            None => break,
        }
    }
    assert!(conn.poll_event().is_none(), "events without end");
    if stalled {
        return;
    }
    let mut out = [0u8; 4096];
    for _ in 0..100_000 {
        match conn.poll_transmit(&mut out) {
            Some(n) => wrote.extend_from_slice(&out[..n]),
            None => return,
        }
    }
    panic!("output without end");
}

/// Reads `bytes` the given way, draining after every read but the last
/// when `then` is set; then `handle_timeout(then)`.
#[allow(clippy::too_many_arguments)]
fn feed<B: Storage, K: KeySource>(
    conn: &mut Connection<B, K>,
    bytes: &[u8],
    way: Way,
    then: Option<Timestamp>,
    stalled: bool,
    events: &mut Vec<Ev>,
    wrote: &mut Vec<u8>,
) {
    let mut ends: Vec<usize> = match way {
        Way::Whole => Vec::new(),
        // Only inside the step: an empty last read would leave nothing
        // unpolled for PeerThenAt.
        Way::Split(at) if at < bytes.len() => vec![at],
        Way::Split(_) => Vec::new(),
        Way::ByteByByte => (1..bytes.len()).collect(),
    };
    ends.push(bytes.len());
    let mut start = 0;
    for (i, &end) in ends.iter().enumerate() {
        let mut piece = &bytes[start..end];
        start = end;
        for _ in 0..=piece.len() * 2 + 8 {
            let n = conn.receive(piece);
            piece = &piece[n..];
            if piece.is_empty() {
                break;
            }
            pump(conn, stalled, events, wrote);
        }
        assert!(piece.is_empty(), "the connection stopped taking input");
        if i + 1 < ends.len() || then.is_none() {
            pump(conn, stalled, events, wrote);
        }
    }
    if let Some(t) = then {
        conn.handle_timeout(t);
    }
}

/// Runs `script` on `conn`, reading the peer's bytes `way`.
fn run<B: Storage, K: KeySource>(
    mut conn: Connection<B, K>,
    script: &[Step],
    way: Way,
) -> (Vec<Snap>, usize) {
    let mut stalled = false;
    let mut clock = None;
    let mut max_storage = conn.storage_len();
    let mut snaps = Vec::with_capacity(script.len() + 1);
    let snap = |conn: &Connection<B, K>, clock, events: Vec<Ev>, wrote, result| Snap {
        clock,
        events: merge(&events),
        wrote,
        result,
        timeout: conn.poll_timeout(),
        state: conn.state(),
        should_close: conn.should_close_transport(),
    };
    let (mut events, mut wrote) = (Vec::new(), Vec::new());
    pump(&mut conn, stalled, &mut events, &mut wrote);
    snaps.push(snap(&conn, clock, events, wrote, None));
    for step in script {
        let (mut events, mut wrote, mut result) = (Vec::new(), Vec::new(), None);
        match step {
            Peer(bytes) => feed(
                &mut conn,
                bytes,
                way,
                None,
                stalled,
                &mut events,
                &mut wrote,
            ),
            PeerThenAt(bytes, t) => {
                feed(
                    &mut conn,
                    bytes,
                    way,
                    Some(*t),
                    stalled,
                    &mut events,
                    &mut wrote,
                );
                clock = Some(*t);
            }
            At(t) => {
                conn.handle_timeout(*t);
                clock = Some(*t);
            }
            Eof => conn.receive_eof(),
            Step::Text(text) => result = Some(conn.send_text(text)),
            Step::Ping => result = Some(conn.ping(b"app")),
            Step::Close(code) => result = Some(conn.close(CloseCode::new(*code), "")),
            Step::Accept => result = Some(conn.accept(&Accept::new())),
            Stall => stalled = true,
            Flow => stalled = false,
        }
        pump(&mut conn, stalled, &mut events, &mut wrote);
        max_storage = max_storage.max(conn.storage_len());
        snaps.push(snap(&conn, clock, events, wrote, result));
    }
    (snaps, max_storage)
}

/// Runs `script` on connections made by `make`, the peer's bytes whole,
/// split at every offset and byte by byte, asserting that every step shows
/// the same in all of them; returns the trace of the whole run.
fn all_ways<B: Storage, K: KeySource>(
    make: impl Fn() -> Connection<B, K>,
    script: &[Step],
) -> Trace {
    let role = make().role();
    let (whole, mut max_storage) = run(make(), script, Way::Whole);
    let longest = script
        .iter()
        .map(|s| match s {
            Peer(b) | PeerThenAt(b, _) => b.len(),
            _ => 0,
        })
        .max()
        .unwrap_or(0);
    let ways = (1..longest).map(Way::Split).chain([Way::ByteByByte]);
    for way in ways {
        let (snaps, storage) = run(make(), script, way);
        max_storage = max_storage.max(storage);
        for (i, (a, b)) in whole.iter().zip(&snaps).enumerate() {
            let step = i.checked_sub(1).map(|i| &script[i]);
            assert_eq!(a, b, "{way:?} differs from whole after step {i}: {step:?}");
        }
    }
    Trace {
        role,
        steps: script.to_vec(),
        snaps: whole,
        max_storage,
    }
}

// --- Connections and peers ---------------------------------------------------

/// A server waiting for the upgrade request, in growable storage.
fn server(config: Config) -> Connection<Grow> {
    Connection::server(config, grow(0), grow(0)).unwrap()
}

fn request() -> ClientRequest<'static> {
    ClientRequest::new("example.com").target("/chat")
}

/// A client that has queued its upgrade request, in growable storage.
fn client(config: Config) -> Connection<Grow, impl KeySource> {
    Connection::client(&request(), config, grow(0), grow(0), test_keys()).unwrap()
}

/// An open connection with 1 KiB of fixed storage each way.
fn open(role: Role, config: Config) -> Connection<Fixed, impl KeySource> {
    Connection::open(role, config, fixed(1024), fixed(1024), test_keys()).unwrap()
}

/// The 101 that accepts [`client`]'s request (its nonce is predictable).
fn switching_protocols() -> Vec<u8> {
    let mut conn = client(Config::new());
    let mut out = vec![0u8; 4096];
    let n = conn.poll_transmit(&mut out).unwrap();
    let head = core::str::from_utf8(&out[..n]).unwrap();
    let key = head
        .lines()
        .find_map(|l| l.strip_prefix("Sec-WebSocket-Key: "))
        .unwrap();
    format!(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Accept: {}\r\n\r\n",
        accept_key(key.as_bytes()).as_str()
    )
    .into_bytes()
}

/// A frame as the peer of `role` sends it (masked towards a server).
fn from_peer(role: Role, b0: u8, payload: &[u8]) -> Vec<u8> {
    match role {
        Role::Server => client_frame(b0, payload),
        Role::Client => server_frame(b0, payload),
    }
}

fn pong(role: Role) -> Step {
    Peer(from_peer(role, 0x8a, b""))
}

fn close_1000(role: Role) -> Step {
    Peer(from_peer(role, 0x88, &1000u16.to_be_bytes()))
}

/// A text message that leaves less room in a 256-byte transmit storage
/// than the echo of a Close needs (2-byte code, a 2-byte header, and a
/// mask key from a client).
fn fill_tx(role: Role) -> Step {
    let header = if role.is_client() { 8 } else { 4 };
    Step::Text("x".repeat(255 - header))
}

fn keepalive(interval: u64, dead_peer: u64) -> Config {
    Config::new()
        .without_deadlines()
        .with_keepalive(secs(interval), secs(dead_peer))
}

const ROLES: [Role; 2] = [Role::Server, Role::Client];

// --- Before the first handle_timeout -----------------------------------------

#[test]
fn poll_timeout_asks_for_the_time_first_when_deadlines_are_on() {
    let only_linger = Config::new()
        .without_deadlines()
        .with_linger_timeout(secs(2));
    for config in [Config::new(), only_linger] {
        assert_eq!(server(config).poll_timeout(), Some(Timestamp::ZERO));
        assert_eq!(client(config).poll_timeout(), Some(Timestamp::ZERO));
        for role in ROLES {
            assert_eq!(open(role, config).poll_timeout(), Some(Timestamp::ZERO));
        }
    }
    let off = Config::new().without_deadlines();
    assert_eq!(server(off).poll_timeout(), None);
    assert_eq!(client(off).poll_timeout(), None);
    for role in ROLES {
        assert_eq!(open(role, off).poll_timeout(), None);
    }
}

// --- The handshake deadline --------------------------------------------------

/// The first half of the standard request.
fn half_request() -> Vec<u8> {
    CHROME_REQUEST[..CHROME_REQUEST.len() / 2].to_vec()
}

#[test]
fn a_server_whose_request_stalls_fails_at_the_handshake_deadline_and_answers_nothing() {
    let config = Config::new()
        .without_deadlines()
        .with_handshake_timeout(secs(10));
    let script = [
        At(ms(0)),
        Peer(half_request()),
        At(sec(5)),
        At(ms(9_999)),
        At(sec(10)),
        At(sec(11)),
        Peer(CHROME_REQUEST[CHROME_REQUEST.len() / 2..].to_vec()),
        At(sec(3_600)),
    ];
    let trace = all_ways(|| server(config), &script);
    assert_eq!(trace.at(ms(0)).timeout, Some(sec(10)));
    assert_eq!(trace.at(ms(9_999)).timeout, Some(sec(10)));
    assert_eq!(trace.at(ms(9_999)).state, State::Connecting);
    // A request that never finished gets no response at all.
    assert_eq!(trace.frames(), []);
    trace.assert_timed_out(Timeout::Handshake, sec(10));
    // The rest of the request, too late, is discarded.
    assert_eq!(trace.events().len(), 1);
}

#[test]
fn a_slowloris_at_one_byte_per_second_is_dropped_at_the_deadline_in_little_memory() {
    let config = Config::new()
        .without_deadlines()
        .with_handshake_timeout(secs(10));
    let mut script = vec![At(ms(0))];
    for (i, &byte) in CHROME_REQUEST.iter().enumerate().take(30) {
        script.push(Peer(vec![byte]));
        script.push(At(sec(i as u64 + 1)));
    }
    let trace = all_ways(|| server(config), &script);
    trace.assert_timed_out(Timeout::Handshake, sec(10));
    assert_eq!(trace.frames(), []);
    assert!(
        trace.max_storage <= config.max_head_len,
        "a slow request held {} bytes",
        trace.max_storage
    );
}

#[test]
fn a_slowloris_with_endless_headers_holds_no_more_than_the_head_limit() {
    // A 400-byte header line a second, never ending: by the deadline 4 KB
    // arrived, less than max_head_len, and memory stayed within the limit
    // and one read's room.
    let config = Config::new()
        .without_deadlines()
        .with_handshake_timeout(secs(10));
    let mut script = vec![At(ms(0)), Peer(b"GET /chat HTTP/1.1\r\n".to_vec())];
    for s in 1..=12 {
        script.push(Peer(
            format!("X-Slow-{s}: {}\r\n", "a".repeat(380)).into_bytes(),
        ));
        script.push(At(sec(s)));
    }
    let trace = all_ways(|| server(config), &script);
    trace.assert_timed_out(Timeout::Handshake, sec(10));
    assert!(
        trace.max_storage <= config.max_head_len + 4096,
        "held {} bytes",
        trace.max_storage
    );
}

#[test]
fn the_handshake_deadline_does_not_fire_when_the_head_completes_in_time() {
    let config = Config::new()
        .without_deadlines()
        .with_handshake_timeout(secs(10));
    let (first, rest) = CHROME_REQUEST.split_at(100);
    let script = [
        At(ms(0)),
        Peer(first.to_vec()),
        At(ms(9_999)),
        Peer(rest.to_vec()),
        At(sec(10)),
        At(sec(3_600)),
    ];
    let trace = all_ways(|| server(config), &script);
    assert_eq!(trace.errors(), []);
    assert_eq!(
        trace.events(),
        [(Some(ms(9_999)), Ev::Upgrade("/chat?room=1".into()))]
    );
    // While the application decides there is no deadline: its time is not
    // the peer's fault.
    assert_eq!(trace.at(sec(10)).timeout, None);
    assert_eq!(trace.last().state, State::Connecting);
}

#[test]
fn the_handshake_deadline_does_not_run_while_the_server_application_decides() {
    let config = Config::new()
        .without_deadlines()
        .with_handshake_timeout(secs(10));
    let script = [
        At(ms(0)),
        Peer(CHROME_REQUEST.to_vec()),
        At(sec(1)),
        At(sec(10)),
        At(sec(60)),
        Step::Accept,
        At(sec(61)),
        At(sec(3_600)),
    ];
    let trace = all_ways(|| server(config), &script);
    assert_eq!(trace.errors(), []);
    assert_eq!(trace.at(sec(10)).state, State::Connecting);
    assert_eq!(trace.at(sec(10)).timeout, None);
    assert_eq!(trace.last().state, State::Open);
    // The 101 went out at the decision.
    assert_eq!(trace.frames().len(), 1);
    assert!(trace.frames()[0].2.starts_with(b"HTTP/1.1 101"));
}

#[test]
fn the_handshake_deadline_counts_from_the_first_handle_timeout() {
    let config = Config::new()
        .without_deadlines()
        .with_handshake_timeout(secs(10));
    let script = [
        Peer(half_request()),
        At(sec(100)),
        At(ms(109_999)),
        At(sec(110)),
    ];
    let trace = all_ways(|| server(config), &script);
    assert_eq!(trace.at(sec(100)).timeout, Some(sec(110)));
    trace.assert_timed_out(Timeout::Handshake, sec(110));
}

#[test]
fn a_client_whose_101_never_comes_fails_at_the_handshake_deadline() {
    let config = Config::new()
        .without_deadlines()
        .with_handshake_timeout(secs(10));
    let ok = switching_protocols();
    let script = [
        At(ms(0)),
        Peer(ok[..20].to_vec()),
        At(sec(3)),
        At(ms(9_999)),
        At(sec(10)),
        Peer(ok[20..].to_vec()),
        At(sec(11)),
    ];
    let trace = all_ways(|| client(config), &script);
    // The request went out before any time step; nothing after it.
    assert!(trace.snaps[0].wrote.starts_with(b"GET /chat"));
    assert_eq!(trace.at(ms(9_999)).timeout, Some(sec(10)));
    trace.assert_timed_out(Timeout::Handshake, sec(10));
    assert_eq!(trace.events().len(), 1);
}

#[test]
fn a_client_whose_101_comes_in_time_opens_and_starts_the_keepalive() {
    let config = Config::new()
        .without_deadlines()
        .with_handshake_timeout(secs(10))
        .with_keepalive(secs(20), secs(20));
    let script = [
        At(ms(0)),
        Peer(switching_protocols()),
        At(ms(9_999)),
        At(ms(29_998)),
        At(ms(29_999)),
    ];
    let trace = all_ways(|| client(config), &script);
    assert_eq!(trace.errors(), []);
    assert_eq!(trace.at(ms(9_999)).state, State::Open);
    // The 101 counts as heard at the handle_timeout after it.
    assert_eq!(trace.at(ms(9_999)).timeout, Some(ms(29_999)));
    assert_eq!(trace.written(Opcode::Ping), [ms(29_999)]);
}

/// Runs an IO layer that reads only when `wants_read()` says so (as the
/// crate docs advise): the peer's `head` reaches the socket 100 bytes a
/// second; every second the layer reads if it may, calls `handle_timeout`
/// and drains. Returns the events with the second they were reported at.
fn read_when_wanted<B: Storage, K: KeySource>(
    mut conn: Connection<B, K>,
    head: &[u8],
) -> Vec<(u64, Ev)> {
    let mut socket = Vec::new();
    let mut segments = head.chunks(100);
    let mut events = Vec::new();
    let mut out = [0u8; 4096];
    for s in 0..=30 {
        socket.extend_from_slice(segments.next().unwrap_or(&[]));
        if conn.wants_read() && !socket.is_empty() {
            let n = conn.receive(&socket);
            socket.drain(..n);
        }
        conn.handle_timeout(sec(s));
        while let Some(event) = conn.poll_event() {
            events.push((s, Ev::from(event)));
        }
        while conn.poll_transmit(&mut out).is_some() {}
    }
    events
}

#[test]
fn a_head_that_arrives_in_pieces_is_read_in_time_by_an_io_layer_that_follows_wants_read() {
    let config = Config::new()
        .without_deadlines()
        .with_handshake_timeout(secs(10));
    // The head is complete at the second its last segment arrives.
    let last_segment = |head: &[u8]| (head.len() as u64 - 1) / 100;
    let events = read_when_wanted(server(config), CHROME_REQUEST);
    let done = last_segment(CHROME_REQUEST);
    assert_eq!(events, [(done, Ev::Upgrade("/chat?room=1".into()))]);
    let response = switching_protocols();
    let events = read_when_wanted(client(config), &response);
    assert_eq!(events, [(last_segment(&response), Ev::Open(None))]);
}

// --- Keepalive and the dead peer ---------------------------------------------

#[test]
fn a_keepalive_ping_goes_out_at_the_idle_interval_and_not_before() {
    for role in ROLES {
        let script = [At(ms(0)), At(sec(10)), At(ms(19_999)), At(sec(20))];
        let trace = all_ways(|| open(role, keepalive(20, 20)), &script);
        assert_eq!(trace.at(ms(0)).timeout, Some(sec(20)));
        assert_eq!(trace.at(ms(19_999)).timeout, Some(sec(20)));
        assert_eq!(trace.written(Opcode::Ping), [sec(20)], "{role:?}");
        let ping = trace.frames().into_iter().find(|f| f.1 == Opcode::Ping);
        assert_eq!(ping.unwrap().2, b"", "the keepalive Ping is empty");
        // Now the dead-peer deadline runs.
        assert_eq!(trace.at(sec(20)).timeout, Some(sec(40)));
        assert_eq!(trace.errors(), []);
    }
}

#[test]
fn any_input_resets_the_keepalive() {
    for role in ROLES {
        let inputs = [
            Peer(from_peer(role, 0x81, b"data")),
            pong(role),
            Peer(from_peer(role, 0x89, b"their ping")),
            // Not even a whole frame: a byte is a sign of life.
            Peer(from_peer(role, 0x82, b"x")[..1].to_vec()),
        ];
        for input in inputs {
            let script = [
                At(ms(0)),
                At(sec(15)),
                input.clone(),
                At(sec(16)),
                At(ms(35_999)),
                At(sec(36)),
            ];
            let trace = all_ways(|| open(role, keepalive(20, 20)), &script);
            assert_eq!(trace.at(sec(16)).timeout, Some(sec(36)), "{input:?}");
            assert_eq!(trace.written(Opcode::Ping), [sec(36)], "{role:?} {input:?}");
            assert_eq!(trace.errors(), []);
        }
    }
}

#[test]
fn input_after_the_keepalive_ping_cancels_the_dead_peer_deadline() {
    for role in ROLES {
        let script = [
            At(ms(0)),
            At(sec(20)),
            At(sec(30)),
            Peer(from_peer(role, 0x82, b"late but alive")),
            At(sec(31)),
            At(ms(50_999)),
            At(sec(51)),
            pong(role),
            At(sec(60)),
            At(sec(79)),
        ];
        let trace = all_ways(|| open(role, keepalive(20, 20)), &script);
        assert_eq!(trace.at(sec(30)).timeout, Some(sec(40)));
        assert_eq!(trace.at(sec(31)).timeout, Some(sec(51)));
        assert_eq!(trace.written(Opcode::Ping), [sec(20), sec(51)]);
        assert_eq!(trace.at(sec(60)).timeout, Some(sec(80)));
        assert_eq!(trace.errors(), []);
        assert_eq!(trace.last().state, State::Open);
    }
}

#[test]
fn our_own_traffic_does_not_reset_the_keepalive() {
    // The keepalive measures the peer's silence: what we send proves nothing
    // about the peer.
    for role in ROLES {
        let script = [
            At(ms(0)),
            At(sec(10)),
            Step::Text("ours".into()),
            Step::Ping,
            At(sec(19)),
            At(sec(20)),
        ];
        let trace = all_ways(|| open(role, keepalive(20, 20)), &script);
        assert_eq!(trace.written(Opcode::Ping), [sec(10), sec(20)]);
        assert_eq!(trace.at(sec(19)).timeout, Some(sec(20)));
    }
}

#[test]
fn a_peer_that_only_answers_pings_is_kept_for_an_hour() {
    // The peer sends no data, only a Pong one second after each Ping. Each
    // Pong is heard at the next second, so the Pings come every 21 s.
    for role in ROLES {
        let mut script = vec![At(ms(0))];
        let mut expected = Vec::new();
        let mut next_ping = 20;
        for s in 1..=3_600 {
            if s == next_ping + 1 {
                script.push(pong(role));
                next_ping = s + 20;
            }
            script.push(At(sec(s)));
            if s == next_ping {
                expected.push(sec(s));
            }
        }
        let trace = all_ways(|| open(role, keepalive(20, 20)), &script);
        assert_eq!(trace.errors(), []);
        assert_eq!(trace.written(Opcode::Ping), expected);
        assert_eq!(expected.len(), 3_600 / 21);
        assert_eq!(trace.last().state, State::Open);
    }
}

#[test]
fn a_real_client_that_only_answers_pings_keeps_a_server_with_keepalive_for_an_hour() {
    // The client is a Connection with automatic Pongs and no deadlines; the
    // server pings it. Bytes move at once, every second.
    let server_config = Config::new()
        .without_deadlines()
        .with_keepalive(secs(20), secs(5));
    let mut pair = Pair {
        client: Connection::open(
            Role::Client,
            Config::new().without_deadlines(),
            grow(0),
            grow(0),
            test_keys(),
        )
        .unwrap(),
        server: Connection::open(
            Role::Server,
            server_config,
            grow(0),
            grow(0),
            rfc6455::NoKeys,
        )
        .unwrap(),
        client_events: Vec::new(),
        server_events: Vec::new(),
        chunk: 0,
    };
    for s in 0..=3_600 {
        pair.server.handle_timeout(sec(s));
        pair.client.handle_timeout(sec(s));
        pair.pump();
        // A deadline asked for is never in the past after handle_timeout.
        let next = pair.server.poll_timeout().unwrap();
        assert!(next > sec(s), "poll_timeout {next:?} at {s} s");
    }
    assert_eq!(pair.server.state(), State::Open);
    assert_eq!(pair.client.state(), State::Open);
    // A Ping every 21 s: sent at 20 s, its Pong heard at 21 s, and so on.
    let pings = pair
        .client_events
        .iter()
        .filter(|e| matches!(e, Ev::Ping(_)));
    assert_eq!(pings.count(), 3_600 / 21);
    assert_eq!(pair.server_events.len(), 3_600 / 21);
    assert!(pair.server_events.iter().all(|e| *e == Ev::Pong(vec![])));
}

#[test]
fn a_silent_peer_fails_with_dead_peer_at_interval_plus_timeout() {
    for role in ROLES {
        let script = [
            At(ms(0)),
            At(sec(20)),
            At(ms(39_999)),
            At(sec(40)),
            At(sec(41)),
            Step::Text("after".into()),
            At(sec(3_600)),
        ];
        let trace = all_ways(|| open(role, keepalive(20, 20)), &script);
        assert_eq!(trace.written(Opcode::Ping), [sec(20)]);
        assert_eq!(trace.at(ms(39_999)).timeout, Some(sec(40)));
        assert_eq!(trace.at(ms(39_999)).state, State::Open);
        trace.assert_timed_out(Timeout::DeadPeer, sec(40));
        // Commands fail afterwards; the error was reported once.
        let result = trace.snaps.iter().find_map(|s| s.result);
        assert!(matches!(result, Some(Err(Error::Usage(_)))), "{result:?}");
    }
}

#[test]
fn a_dead_peer_loses_the_output_queued_for_it() {
    // A peer that neither reads nor writes: our output queues up; at the
    // deadline it is dropped and the transport should close at once.
    for role in ROLES {
        let script = [
            At(ms(0)),
            Stall,
            At(sec(20)),
            Step::Text("never read".into()),
            At(sec(40)),
            Flow,
            At(sec(41)),
        ];
        let trace = all_ways(|| open(role, keepalive(20, 20)), &script);
        assert!(!trace.at(sec(20)).should_close);
        trace.assert_timed_out(Timeout::DeadPeer, sec(40));
        assert_eq!(trace.frames(), [], "the queued Ping and text are dropped");
    }
}

#[test]
fn a_keepalive_without_a_dead_peer_timeout_pings_and_never_fails() {
    for role in ROLES {
        let script = [At(ms(0)), At(sec(20)), At(sec(21)), At(sec(3_600))];
        let config = Config::new()
            .without_deadlines()
            .with_keepalive(secs(20), None);
        let trace = all_ways(|| open(role, config), &script);
        assert_eq!(trace.written(Opcode::Ping), [sec(20)]);
        // One Ping per silence; then nothing to wait for.
        assert_eq!(trace.at(sec(20)).timeout, None);
        assert_eq!(trace.errors(), []);
        let config = Config::new()
            .without_deadlines()
            .with_keepalive(None, secs(20));
        let trace = all_ways(|| open(role, config), &script);
        assert_eq!(trace.frames(), []);
        assert_eq!(trace.at(ms(0)).timeout, None);
    }
}

#[test]
fn the_dead_peer_deadline_counts_from_the_ping_even_when_time_is_passed_in_late() {
    // The first handle_timeout after a long gap (a suspended process, an IO
    // layer that only wakes for deadlines) sends the Ping; the peer gets
    // the whole dead_peer_timeout to answer it.
    for role in ROLES {
        let script = [
            At(ms(0)),
            At(sec(45)),
            At(ms(64_999)),
            pong(role),
            At(sec(65)),
        ];
        let trace = all_ways(|| open(role, keepalive(20, 20)), &script);
        assert_eq!(trace.written(Opcode::Ping), [sec(45)]);
        assert_eq!(trace.at(sec(45)).timeout, Some(sec(65)));
        assert_eq!(trace.errors(), []);
        let silent = [At(ms(0)), At(sec(45)), At(ms(64_999)), At(sec(65))];
        let trace = all_ways(|| open(role, keepalive(20, 20)), &silent);
        trace.assert_timed_out(Timeout::DeadPeer, sec(65));
    }
}

#[test]
fn keepalive_starts_after_a_slow_decision_with_a_ping_the_client_can_answer() {
    // The application took a minute to accept. The request was the last
    // input, so the first Ping goes out at the first handle_timeout after
    // the accept; the client then has the whole dead_peer_timeout.
    let config = Config::new()
        .without_deadlines()
        .with_keepalive(secs(20), secs(20));
    let script = [
        At(ms(0)),
        Peer(CHROME_REQUEST.to_vec()),
        At(sec(1)),
        At(sec(60)),
        Step::Accept,
        At(sec(60)),
        At(ms(79_999)),
        At(sec(80)),
    ];
    let trace = all_ways(|| server(config), &script);
    assert_eq!(trace.at(sec(1)).timeout, None, "no deadline while deciding");
    assert_eq!(trace.written(Opcode::Ping), [sec(60)]);
    trace.assert_timed_out(Timeout::DeadPeer, sec(80));
}

// --- The close deadline ------------------------------------------------------

#[test]
fn we_sent_close_and_the_peer_is_silent_fails_at_the_close_deadline() {
    for role in ROLES {
        let config = Config::new()
            .without_deadlines()
            .with_keepalive(secs(20), secs(20))
            .with_close_timeout(secs(60));
        let script = [
            At(ms(0)),
            At(sec(1)),
            Step::Close(1000),
            // The close starts being timed at the next handle_timeout,
            // which poll_timeout asks for at once.
            At(sec(1)),
            At(sec(30)),
            // Data from the peer does not extend the close handshake.
            Peer(from_peer(role, 0x81, b"still talking")),
            At(sec(31)),
            At(ms(60_999)),
            At(sec(61)),
        ];
        let trace = all_ways(|| open(role, config), &script);
        assert_eq!(trace.snaps[3].timeout, Some(sec(1)), "due at once");
        assert_eq!(trace.at(sec(1)).timeout, Some(sec(61)));
        // No keepalive while closing.
        assert_eq!(trace.written(Opcode::Ping), []);
        assert_eq!(trace.written(Opcode::Close), [sec(1)]);
        assert_eq!(trace.at(ms(60_999)).state, State::CloseSent);
        trace.assert_timed_out(Timeout::Close, sec(61));
    }
}

#[test]
fn the_peers_close_at_the_close_deadline_is_in_time() {
    for role in ROLES {
        let config = Config::new()
            .without_deadlines()
            .with_close_timeout(secs(10));
        let script = [
            At(ms(0)),
            Step::Close(1000),
            At(ms(0)),
            close_1000(role),
            At(sec(10)),
        ];
        let trace = all_ways(|| open(role, config), &script);
        assert_eq!(trace.errors(), []);
        assert_eq!(trace.last().state, State::Closed);
        // Too late: the deadline ran first and the Close is discarded.
        let late = [
            At(ms(0)),
            Step::Close(1000),
            At(ms(0)),
            At(sec(10)),
            close_1000(role),
        ];
        let trace = all_ways(|| open(role, config), &late);
        trace.assert_timed_out(Timeout::Close, sec(10));
        assert_eq!(trace.events().len(), 1);
    }
}

#[test]
fn the_peer_sent_close_and_our_echo_cannot_be_written_fails_at_the_close_deadline() {
    // The peer sends its Close and then reads nothing: the application's
    // data fills the transmit storage, so the echo cannot even be queued.
    for role in ROLES {
        let config = Config::new()
            .without_deadlines()
            .with_close_timeout(secs(10));
        let make = || Connection::open(role, config, fixed(1024), fixed(256), test_keys()).unwrap();
        let script = [
            At(ms(0)),
            Stall,
            fill_tx(role),
            close_1000(role),
            At(sec(1)),
            At(ms(10_999)),
            At(sec(11)),
            Flow,
            At(sec(12)),
        ];
        let trace = all_ways(make, &script);
        assert_eq!(trace.at(sec(1)).state, State::CloseReceived);
        assert_eq!(trace.at(sec(1)).timeout, Some(sec(11)));
        assert_eq!(
            trace.events()[0],
            (Some(ms(0)), Ev::Close(1000, String::new()))
        );
        trace.assert_timed_out(Timeout::Close, sec(11));
        assert_eq!(trace.frames(), [], "queued output is dropped");
    }
}

#[test]
fn the_peer_sent_close_and_the_echo_went_out() {
    // The echo is written at once: a server closes the transport; a client
    // waits linger_timeout for the server to close it.
    for role in ROLES {
        let config = Config::new()
            .without_deadlines()
            .with_close_timeout(secs(10))
            .with_linger_timeout(secs(2));
        let script = [
            At(ms(0)),
            close_1000(role),
            At(ms(0)),
            At(ms(1_999)),
            At(sec(2)),
        ];
        let trace = all_ways(|| open(role, config), &script);
        assert_eq!(trace.errors(), []);
        assert_eq!(trace.written(Opcode::Close), [ms(0)]);
        let closed = trace.at(ms(1_999));
        assert_eq!(closed.state, State::Closed);
        match role {
            Role::Server => {
                assert!(closed.should_close);
                assert_eq!(closed.timeout, None);
            }
            Role::Client => {
                assert!(!closed.should_close);
                assert_eq!(closed.timeout, Some(sec(2)));
                assert!(trace.at(sec(2)).should_close);
                assert_eq!(trace.at(sec(2)).timeout, None);
            }
        }
    }
}

// --- Linger ------------------------------------------------------------------

#[test]
fn a_client_whose_server_never_ends_tcp_gives_up_at_the_linger_deadline() {
    let config = Config::new()
        .without_deadlines()
        .with_close_timeout(secs(10))
        .with_linger_timeout(secs(2));
    let script = [
        At(ms(0)),
        Step::Close(1000),
        At(sec(1)),
        close_1000(Role::Client),
        At(sec(2)),
        At(ms(3_999)),
        At(sec(4)),
        At(sec(5)),
    ];
    let trace = all_ways(|| open(Role::Client, config), &script);
    let waiting = trace.at(ms(3_999));
    assert_eq!(waiting.state, State::Closed);
    assert!(!waiting.should_close, "§7.1.1: the server closes TCP first");
    assert_eq!(waiting.timeout, Some(sec(4)));
    let given_up = trace.at(sec(4));
    assert!(given_up.should_close);
    assert_eq!(given_up.timeout, None);
    assert_eq!(given_up.state, State::Closed);
    // Giving up is no error, and writes nothing.
    assert_eq!(trace.errors(), []);
    assert_eq!(trace.wrote_from(sec(2)), 0);
}

#[test]
fn a_client_whose_server_ends_tcp_needs_no_linger() {
    let config = Config::new()
        .without_deadlines()
        .with_linger_timeout(secs(2));
    let script = [
        At(ms(0)),
        Step::Close(1000),
        close_1000(Role::Client),
        At(sec(1)),
        Eof,
        At(sec(2)),
    ];
    let trace = all_ways(|| open(Role::Client, config), &script);
    assert_eq!(trace.at(sec(1)).timeout, Some(sec(3)));
    assert!(trace.snaps[5].should_close);
    assert_eq!(trace.snaps[5].timeout, None);
    assert_eq!(trace.errors(), []);
}

#[test]
fn a_server_after_the_close_handshake_has_no_linger_deadline() {
    let config = Config::new()
        .without_deadlines()
        .with_linger_timeout(secs(2));
    let script = [
        At(ms(0)),
        Step::Close(1000),
        close_1000(Role::Server),
        At(sec(1)),
    ];
    let trace = all_ways(|| open(Role::Server, config), &script);
    assert!(trace.at(sec(1)).should_close);
    assert_eq!(trace.at(sec(1)).timeout, None);
}

// --- Ordering: input and a deadline at the same time ----------------------

#[test]
fn a_pong_at_exactly_the_dead_peer_deadline_is_in_time() {
    for role in ROLES {
        let script = [At(ms(0)), At(sec(20)), pong(role), At(sec(40)), At(sec(59))];
        let trace = all_ways(|| open(role, keepalive(20, 20)), &script);
        assert_eq!(trace.errors(), []);
        assert_eq!(trace.at(sec(40)).timeout, Some(sec(60)));
        // After the deadline ran, the Pong is too late and discarded.
        let late = [At(ms(0)), At(sec(20)), At(sec(40)), pong(role), At(sec(41))];
        let trace = all_ways(|| open(role, keepalive(20, 20)), &late);
        trace.assert_timed_out(Timeout::DeadPeer, sec(40));
        assert_eq!(trace.events().len(), 1);
    }
}

#[test]
fn a_pong_read_but_not_yet_polled_at_the_dead_peer_deadline_is_in_time() {
    // The run loop "read, handle_timeout, drain": the Pong is in the
    // connection but no poll_event has looked at it when the deadline comes.
    for role in ROLES {
        let pong = from_peer(role, 0x8a, b"");
        let script = [
            At(ms(0)),
            At(sec(20)),
            PeerThenAt(pong, sec(40)),
            At(sec(41)),
        ];
        let trace = all_ways(|| open(role, keepalive(20, 20)), &script);
        assert_eq!(trace.errors(), [], "{role:?}");
        assert_eq!(trace.at(sec(40)).timeout, Some(sec(60)));
    }
}

#[test]
fn a_head_or_close_read_but_not_yet_polled_at_its_deadline_is_in_time() {
    // As for the Pong above: the input is in the connection, unseen, when
    // handle_timeout(deadline) comes; it is handled first.
    let config = Config::new()
        .without_deadlines()
        .with_handshake_timeout(secs(10))
        .with_close_timeout(secs(10));
    let (first, rest) = CHROME_REQUEST.split_at(100);
    let script = [
        At(ms(0)),
        Peer(first.to_vec()),
        PeerThenAt(rest.to_vec(), sec(10)),
        At(sec(10)),
    ];
    let trace = all_ways(|| server(config), &script);
    assert_eq!(trace.errors(), []);
    assert_eq!(
        trace.events(),
        [(Some(sec(10)), Ev::Upgrade("/chat?room=1".into()))]
    );
    let response = switching_protocols();
    let script = [At(ms(0)), PeerThenAt(response, sec(10)), At(sec(10))];
    let trace = all_ways(|| client(config), &script);
    assert_eq!(trace.errors(), []);
    assert_eq!(trace.last().state, State::Open);
    for role in ROLES {
        let script = [
            At(ms(0)),
            Step::Close(1000),
            At(ms(0)),
            PeerThenAt(from_peer(role, 0x88, &1000u16.to_be_bytes()), sec(10)),
            At(sec(10)),
        ];
        let trace = all_ways(|| open(role, config), &script);
        assert_eq!(trace.errors(), [], "{role:?}");
        assert_eq!(trace.last().state, State::Closed);
    }
}

#[test]
fn input_that_does_not_meet_a_deadline_delays_it_by_one_handle_timeout_only() {
    // The grace is for the input already in at the deadline: a peer that
    // keeps sending cannot stretch it.
    let config = Config::new()
        .without_deadlines()
        .with_handshake_timeout(secs(10))
        .with_close_timeout(secs(10));
    let trickle = || PeerThenAt(b"X-More: 1\r\n".to_vec(), sec(10));
    let script = [
        At(ms(0)),
        Peer(b"GET / HTTP/1.1\r\n".to_vec()),
        trickle(),
        trickle(),
        trickle(),
    ];
    let trace = all_ways(|| server(config), &script);
    assert_eq!(trace.snaps[3].state, State::Connecting);
    assert_eq!(trace.snaps[3].timeout, Some(sec(10)), "due: ask again");
    assert_eq!(
        trace.errors(),
        [(Some(sec(10)), Error::Timeout(Timeout::Handshake))]
    );
    assert_eq!(trace.snaps[4].state, State::Failed);
    for role in ROLES {
        let data = || PeerThenAt(from_peer(role, 0x82, b"more"), sec(10));
        let script = [
            At(ms(0)),
            Step::Close(1000),
            At(ms(0)),
            data(),
            data(),
            data(),
        ];
        let trace = all_ways(|| open(role, config), &script);
        assert_eq!(trace.snaps[4].state, State::CloseSent);
        assert_eq!(trace.snaps[5].state, State::Failed, "{role:?}");
        assert_eq!(trace.errors().len(), 1);
    }
}

// --- Zero, None, huge and backwards ------------------------------------------

#[test]
fn zero_durations_fire_at_the_first_handle_timeout() {
    let zero = Some(Duration::ZERO);
    let none = Config::new().without_deadlines();
    let trace = all_ways(
        || server(none.with_handshake_timeout(zero)),
        &[Peer(half_request()), At(sec(5))],
    );
    trace.assert_timed_out(Timeout::Handshake, sec(5));
    let trace = all_ways(|| client(none.with_handshake_timeout(zero)), &[At(sec(5))]);
    trace.assert_timed_out(Timeout::Handshake, sec(5));
    for role in ROLES {
        // A Ping at once, and with no time to answer it, dead at once.
        let trace = all_ways(
            || open(role, none.with_keepalive(zero, zero)),
            &[At(sec(5))],
        );
        trace.assert_timed_out(Timeout::DeadPeer, sec(5));
        // With time to answer: a Ping at once, and after each answer.
        let trace = all_ways(
            || open(role, none.with_keepalive(zero, secs(1))),
            &[At(sec(5)), pong(role), At(sec(6)), At(sec(7))],
        );
        assert_eq!(trace.written(Opcode::Ping), [sec(5), sec(6)]);
        trace.assert_timed_out(Timeout::DeadPeer, sec(7));
        // The close handshake gets no time at all.
        let trace = all_ways(
            || open(role, none.with_close_timeout(zero)),
            &[At(sec(5)), Step::Close(1000), At(sec(5))],
        );
        assert_eq!(trace.written(Opcode::Close), [sec(5)]);
        trace.assert_timed_out(Timeout::Close, sec(5));
    }
    // A client gives up on the server's end of TCP at once.
    let trace = all_ways(
        || open(Role::Client, none.with_linger_timeout(zero)),
        &[At(sec(5)), close_1000(Role::Client), At(sec(5))],
    );
    assert!(trace.last().should_close);
    assert_eq!(trace.errors(), []);
}

#[test]
fn without_deadlines_nothing_ever_fires() {
    let none = Config::new().without_deadlines();
    let times = [At(ms(0)), At(sec(3_600)), At(ms(YEAR)), At(END_OF_TIME)];
    let check = |trace: &Trace| {
        assert_eq!(trace.errors(), []);
        assert!(trace.snaps.iter().all(|s| s.timeout.is_none()));
    };
    check(&all_ways(
        || server(none),
        &[&[Peer(half_request())][..], &times].concat(),
    ));
    check(&all_ways(
        || server(none),
        &[&[Peer(CHROME_REQUEST.to_vec())][..], &times].concat(),
    ));
    check(&all_ways(|| client(none), &times));
    for role in ROLES {
        let trace = all_ways(|| open(role, none), &times);
        check(&trace);
        assert_eq!(trace.frames(), []);
        let trace = all_ways(
            || open(role, none),
            &[&[Step::Close(1000)][..], &times].concat(),
        );
        check(&trace);
        assert_eq!(trace.last().state, State::CloseSent);
        let stalled = [&[Stall, fill_tx(role), close_1000(role)][..], &times];
        let make = || Connection::open(role, none, fixed(1024), fixed(256), test_keys()).unwrap();
        let trace = all_ways(make, &stalled.concat());
        check(&trace);
        assert_eq!(trace.last().state, State::CloseReceived);
    }
    let trace = all_ways(
        || open(Role::Client, none),
        &[&[close_1000(Role::Client)][..], &times].concat(),
    );
    check(&trace);
    assert!(
        !trace.last().should_close,
        "waits for the server's end of TCP"
    );
}

#[test]
fn duration_max_deadlines_saturate_and_fire_only_at_the_end_of_time() {
    let max = Some(Duration::MAX);
    let config = Config::new()
        .with_handshake_timeout(max)
        .with_keepalive(max, max)
        .with_close_timeout(max)
        .with_linger_timeout(max);
    // The last instant before the end of time (2^64 − 1 ns after the origin).
    let late = Timestamp::from_duration(Duration::from_nanos(u64::MAX - 1));
    let times = [At(ms(0)), At(ms(YEAR)), At(late)];
    let trace = all_ways(
        || server(config),
        &[&[Peer(half_request())][..], &times, &[At(END_OF_TIME)]].concat(),
    );
    assert_eq!(trace.at(ms(0)).timeout, Some(END_OF_TIME));
    assert_eq!(trace.at(late).timeout, Some(END_OF_TIME));
    trace.assert_timed_out(Timeout::Handshake, END_OF_TIME);
    for role in ROLES {
        let trace = all_ways(|| open(role, config), &times);
        assert_eq!(trace.errors(), []);
        assert_eq!(trace.last().timeout, Some(END_OF_TIME));
        let trace = all_ways(
            || open(role, config),
            &[
                &times[..],
                &[Step::Close(1000), At(END_OF_TIME), At(END_OF_TIME)],
            ]
            .concat(),
        );
        assert_eq!(trace.snaps[4].timeout, Some(late), "due at once");
        trace.assert_timed_out(Timeout::Close, END_OF_TIME);
    }
}

#[test]
fn a_clock_that_goes_backwards_counts_as_no_time_passing() {
    for role in ROLES {
        let script = [
            At(ms(0)),
            At(sec(15)),
            At(sec(5)),
            At(ms(0)),
            At(ms(19_999)),
            At(sec(20)),
        ];
        let trace = all_ways(|| open(role, keepalive(20, 20)), &script);
        assert_eq!(trace.written(Opcode::Ping), [sec(20)]);
        assert!(trace.snaps[1..6].iter().all(|s| s.timeout == Some(sec(20))));
        // Input heard while the clock reads earlier counts at the latest
        // time seen.
        let script = [
            At(sec(30)),
            At(sec(10)),
            Peer(from_peer(role, 0x81, b"now")),
            At(sec(12)),
        ];
        let trace = all_ways(|| open(role, keepalive(20, 20)), &script);
        assert_eq!(trace.at(sec(12)).timeout, Some(sec(50)));
        // A deadline already passed stays passed.
        let script = [At(ms(0)), At(sec(20)), At(sec(1)), At(sec(40)), At(sec(2))];
        let trace = all_ways(|| open(role, keepalive(20, 20)), &script);
        assert_eq!(trace.written(Opcode::Ping), [sec(20)]);
        trace.assert_timed_out(Timeout::DeadPeer, sec(40));
    }
    // The handshake deadline is not restarted by an earlier time.
    let script = [
        At(sec(100)),
        Peer(half_request()),
        At(sec(50)),
        At(sec(110)),
    ];
    let trace = all_ways(|| server(Config::new()), &script);
    trace.assert_timed_out(Timeout::Handshake, sec(110));
}

#[test]
fn a_clock_that_jumps_forward_a_year_makes_deadlines_due_without_overflow() {
    for role in ROLES {
        // Open: the jump is a silence; the Ping goes out and the peer still
        // gets dead_peer_timeout to answer.
        let script = [
            At(ms(0)),
            At(ms(YEAR)),
            pong(role),
            At(ms(YEAR + 20 * SECOND)),
            At(ms(YEAR + 40 * SECOND)),
            At(ms(YEAR + 60 * SECOND)),
        ];
        let trace = all_ways(|| open(role, Config::new()), &script);
        assert_eq!(
            trace.written(Opcode::Ping),
            [ms(YEAR), ms(YEAR + 40 * SECOND)]
        );
        assert_eq!(trace.at(ms(YEAR)).timeout, Some(ms(YEAR + 20 * SECOND)));
        trace.assert_timed_out(Timeout::DeadPeer, ms(YEAR + 60 * SECOND));
        // Closing: the deadline is due.
        let script = [At(ms(0)), Step::Close(1000), At(ms(0)), At(ms(YEAR))];
        let trace = all_ways(|| open(role, Config::new()), &script);
        trace.assert_timed_out(Timeout::Close, ms(YEAR));
        // An origin near the end of time.
        let script = [At(ms(u64::MAX - 1)), At(ms(u64::MAX)), At(END_OF_TIME)];
        let trace = all_ways(|| open(role, Config::new()), &script);
        assert!(trace.snaps[1..]
            .iter()
            .all(|s| s.timeout.map_or(true, |t| t >= ms(u64::MAX - 1))));
    }
    let trace = all_ways(|| server(Config::new()), &[At(ms(0)), At(ms(YEAR))]);
    trace.assert_timed_out(Timeout::Handshake, ms(YEAR));
}
