//! Invariant: peer bytes (arbitrary, valid frames, the opening head, read
//! then timed before the drain), time steps (small and large forward steps,
//! backwards, jumps of a year or to the end of time, exactly to the
//! deadline) and commands, interleaved in any order, never panic; a due
//! `handle_timeout` makes progress (the deadline moves later, the state
//! changes, or none is left) within two calls; a Timeout is reported at
//! most once, after it nothing is written; and time alone, followed through
//! `poll_timeout`, ends every deadline.
#![no_main]

use core::time::Duration;
use libfuzzer_sys::fuzz_target;
use rfc6455::{
    accept_key, Accept, ClientRequest, CloseCode, Config, Connection, Error, KeySource, NoKeys,
    Role, State, Timestamp,
};
use rfc6455_fuzz::{header, keys, Seen};

/// The fuzzer's bytes after the header, one op at a time; zeros once used up.
struct Ops<'a>(&'a [u8]);

impl<'a> Ops<'a> {
    fn byte(&mut self) -> u8 {
        let (&b, rest) = self.0.split_first().unwrap_or((&0, &[]));
        self.0 = rest;
        b
    }

    fn bytes(&mut self, n: usize) -> &'a [u8] {
        let (taken, rest) = self.0.split_at(n.min(self.0.len()));
        self.0 = rest;
        taken
    }
}

/// A deadline chosen by one byte: off, zero, short, typical or endless.
fn duration(b: u8) -> Option<Duration> {
    match b % 8 {
        0 => None,
        1 => Some(Duration::ZERO),
        2 => Some(Duration::from_millis(1)),
        3 => Some(Duration::from_secs(1)),
        4 => Some(Duration::from_secs(10)),
        5 => Some(Duration::from_secs(20)),
        6 => Some(Duration::from_secs(u64::from(b))),
        _ => Some(Duration::MAX),
    }
}

const REQUEST: &[u8] = b"GET /chat HTTP/1.1\r\nHost: example.com\r\nUpgrade: websocket\r\n\
Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

/// The 101 that accepts the request a client connection has queued.
fn switching_protocols<K: KeySource>(conn: &mut Connection<Vec<u8>, K>) -> Vec<u8> {
    let request = String::from_utf8_lossy(conn.peek_transmit()).into_owned();
    let key = request
        .lines()
        .find_map(|l| l.strip_prefix("Sec-WebSocket-Key: "))
        .unwrap_or("");
    format!(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Accept: {}\r\n\r\n",
        accept_key(key.as_bytes())
    )
    .into_bytes()
}

/// A frame as the peer of `role` sends it (masked towards a server).
fn frame(role: Role, b0: u8, payload: &[u8]) -> Vec<u8> {
    const KEY: [u8; 4] = [0x37, 0xfa, 0x21, 0x3d];
    let mask = role.is_server();
    let mut out = vec![b0];
    let bit = if mask { 0x80 } else { 0 };
    match payload.len() {
        n @ 0..=125 => out.push(bit | n as u8),
        n => {
            out.push(bit | 126);
            out.extend_from_slice(&(n as u16).to_be_bytes());
        }
    }
    if mask {
        out.extend_from_slice(&KEY);
        out.extend(payload.iter().enumerate().map(|(i, b)| b ^ KEY[i % 4]));
    } else {
        out.extend_from_slice(payload);
    }
    out
}

/// A connection under test and what the target knows about it.
struct Run<K: KeySource> {
    conn: Connection<Vec<u8>, K>,
    /// The latest time passed in (what the connection takes as now).
    now: Timestamp,
    /// The transport takes no output.
    stalled: bool,
    timeouts: usize,
    /// Due `handle_timeout` calls in a row that made no progress.
    stuck: usize,
}

impl<K: KeySource> Run<K> {
    /// Drains events, then output unless stalled.
    fn pump(&mut self) {
        for _ in 0..100_000 {
            let was_failed = self.conn.state() == State::Failed;
            let Some(event) = self.conn.poll_event() else {
                break;
            };
            if let Seen::Error(Error::Timeout(_)) = Seen::from(event) {
                self.timeouts += 1;
                assert_eq!(self.timeouts, 1, "a Timeout reported twice");
                assert_eq!(self.conn.state(), State::Failed);
            }
            if was_failed {
                assert_eq!(self.conn.state(), State::Failed, "left Failed");
            }
        }
        assert!(self.conn.poll_event().is_none(), "events without end");
        if self.stalled {
            return;
        }
        let mut out = [0u8; 1024];
        for _ in 0..100_000 {
            let Some(n) = self.conn.poll_transmit(&mut out) else {
                return;
            };
            assert!(self.timeouts == 0 || n == 0, "written after a Timeout");
        }
        panic!("output without end");
    }

    /// Reads `bytes`; with `timed`, passes the time before the last drain.
    fn receive(&mut self, bytes: &[u8], timed: bool) {
        let mut rest = bytes;
        for _ in 0..=rest.len() * 2 + 8 {
            let n = self.conn.receive(rest);
            rest = &rest[n..];
            if rest.is_empty() {
                break;
            }
            self.pump();
        }
        if timed {
            self.tick(self.now);
        } else {
            self.pump();
        }
    }

    /// `handle_timeout(t)` and a drain, checking that a due call makes
    /// progress: at most two in a row may not (the one drain a deadline
    /// waits for input taken before it; a phase timed at the end of time,
    /// whose deadline saturates to that same time; nothing is judged at the
    /// end of time itself).
    fn tick(&mut self, t: Timestamp) {
        self.now = self.now.max(t);
        let before = (
            self.conn.poll_timeout(),
            self.conn.state(),
            self.conn.should_close_transport(),
        );
        self.conn.handle_timeout(t);
        self.pump();
        // At the end of time every deadline saturates to it: a keepalive
        // Ping per tick re-arms the storage deadline there for ever.
        let end = Timestamp::from_duration(Duration::MAX);
        let Some(due) = before.0.filter(|&d| d <= self.now && d < end) else {
            return;
        };
        let after = self.conn.poll_timeout();
        let moved = after.is_none_or(|d| d > due)
            || self.conn.state() != before.1
            || self.conn.should_close_transport() != before.2;
        self.stuck = if moved { 0 } else { self.stuck + 1 };
        assert!(self.stuck <= 2, "stuck at {due:?} in {:?}, storage {}", before.1, self.conn.storage_len());
    }

    fn command(&mut self, choice: u8, ops: &mut Ops<'_>) {
        let n = usize::from(ops.byte() % 64);
        let payload = ops.bytes(n);
        let _ = match choice % 6 {
            0 => self.conn.send_text(&String::from_utf8_lossy(payload)),
            1 => self.conn.send_binary(payload),
            2 => self.conn.ping(&payload[..payload.len().min(125)]),
            3 => self.conn.pong(&payload[..payload.len().min(125)]),
            4 => self.conn.close(CloseCode::new(1000 + u16::from(choice % 4)), ""),
            _ => self.conn.accept(&Accept::new()),
        };
        self.pump();
    }

    fn run(&mut self, ops: &mut Ops<'_>, head: &[u8]) {
        let role = self.conn.role();
        self.pump();
        for _ in 0..256 {
            if ops.0.is_empty() {
                break;
            }
            let op = ops.byte();
            match op % 13 {
                0 => {
                    let n = usize::from(ops.byte());
                    self.receive(ops.bytes(n), false);
                }
                1 => {
                    let b0 = [0x81, 0x82, 0x89, 0x8a, 0x01, 0x80, 0x88][usize::from(op / 13 % 7)];
                    let n = usize::from(ops.byte() % 126);
                    let mut payload: Vec<u8> = ops.bytes(n).iter().map(|b| b & 0x7f).collect();
                    if b0 == 0x88 {
                        payload.splice(0..payload.len().min(2), 1000u16.to_be_bytes());
                    }
                    self.receive(&frame(role, b0, &payload), false);
                }
                2 => self.receive(head, op & 0x80 != 0),
                3 => self.tick(self.now + Duration::from_millis(u64::from(ops.byte()) * 10)),
                4 => {
                    let secs = u16::from_be_bytes([ops.byte(), ops.byte()]);
                    self.tick(self.now + Duration::from_secs(u64::from(secs)));
                }
                5 => {
                    let back = Duration::from_secs(u64::from(ops.byte()));
                    let t = self.now.as_duration().saturating_sub(back);
                    self.tick(Timestamp::from_duration(t));
                }
                6 => self.tick(match ops.byte() % 4 {
                    0 => self.now + Duration::from_secs(365 * 24 * 3600),
                    1 => Timestamp::from_millis(u64::MAX - u64::from(ops.byte())),
                    2 => Timestamp::from_duration(Duration::MAX),
                    _ => self.now + Duration::MAX,
                }),
                7 => match self.conn.poll_timeout() {
                    Some(deadline) => self.tick(deadline),
                    None => self.tick(self.now),
                },
                8 => {
                    let choice = ops.byte();
                    self.command(choice, ops);
                }
                9 => self.stalled = !self.stalled,
                10 => {
                    self.conn.receive_eof();
                    self.pump();
                }
                11 => self.tick(self.now),
                _ => {
                    let n = usize::from(ops.byte() % 32);
                    self.receive(ops.bytes(n), true);
                }
            }
        }
        // Time alone ends every deadline: follow poll_timeout.
        self.stalled = false;
        for _ in 0..8 {
            let Some(deadline) = self.conn.poll_timeout() else {
                return;
            };
            self.tick(deadline);
        }
        panic!(
            "deadlines without end: {:?} in {:?}",
            self.conn.poll_timeout(),
            self.conn.state()
        );
    }
}

fn start<K: KeySource>(conn: Connection<Vec<u8>, K>, ops: &mut Ops<'_>, head: &[u8]) {
    let mut run = Run {
        conn,
        now: Timestamp::ZERO,
        stalled: false,
        timeouts: 0,
        stuck: 0,
    };
    run.run(ops, head);
}

fuzz_target!(|data: &[u8]| {
    let Some(([kind, handshake, keepalive, dead, close, linger, misc], rest)) = header::<7>(data)
    else {
        return;
    };
    let mut config = Config::new()
        .with_handshake_timeout(duration(handshake))
        .with_keepalive(duration(keepalive), duration(dead))
        .with_close_timeout(duration(close))
        .with_linger_timeout(duration(linger));
    if misc & 1 != 0 {
        // A small send queue: the echo of a Close can be kept out.
        config = config.with_max_send_queue(512);
    }
    if misc & 2 != 0 {
        config = config.with_auto_pong(rfc6455::AutoPong::Disabled);
    }
    let mut ops = Ops(rest);
    let (rx, tx) = (Vec::new(), Vec::new());
    match kind % 4 {
        0 => start(Connection::server(config, rx, tx).unwrap(), &mut ops, REQUEST),
        1 => {
            let request = ClientRequest::new("example.com").target("/chat");
            let mut conn = Connection::client(&request, config, rx, tx, keys(misc)).unwrap();
            let head = switching_protocols(&mut conn);
            start(conn, &mut ops, &head);
        }
        2 => {
            let conn = Connection::open(Role::Server, config, rx, tx, NoKeys).unwrap();
            start(conn, &mut ops, REQUEST);
        }
        _ => {
            let conn = Connection::open(Role::Client, config, rx, tx, keys(misc)).unwrap();
            start(conn, &mut ops, REQUEST);
        }
    }
});
