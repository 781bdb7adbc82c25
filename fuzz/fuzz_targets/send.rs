//! Invariant: a client and a server over fixed or growable storage of any
//! size (≥ MIN_STORAGE_LEN), driven by any script of whole sends, partial
//! sends, pings, closes, bytes moved either way and polls, never panic and
//! never fail each other; every message a sender's API accepted (a whole
//! send that returned Ok, or a partial message sent to its end) arrives at
//! the peer exactly once, in order and byte for byte; a partial send never
//! takes more than it was given and cuts text at character boundaries; a
//! refused send queues nothing and says rightly whether to wait
//! (QueueFull) or never (BufferTooSmall); and neither side holds more
//! storage than its limits.
//!
//! The input is a script, so seeds are easy to write (see `seeds.py`):
//!
//! ```text
//! byte 0       flags: bit 0/1 client/server storage growable, bit 2/3 client/server reassemble
//! bytes 1-2    client storage size: MIN_STORAGE_LEN + (u16 % 8192)
//! bytes 3-4    server storage size, likewise
//! bytes 5-6    max_send_queue of growable storage: MIN_STORAGE_LEN + u16 * 16
//! then ops     op byte: bit 0 the side (0 client, 1 server), op >> 1 the operation:
//!   0 text, 1 binary      whole send: length u16, seed byte (bit 7: length × 16)
//!   2 text, 3 binary      start a partial send: length u16, seed byte (likewise)
//!   4                     continue the partial send once
//!   5                     ping: length byte (≤ 125)
//!   6                     close: code byte, reason length byte
//!   7                     move up to u16 bytes from this side to the peer
//!   8                     poll up to n events (byte; 0: until None)
//! ```
#![no_main]

use libfuzzer_sys::fuzz_target;
use rfc6455::{
    CloseCode, Config, Connection, Error, Event, KeySource, MessageMode, NoKeys, Role, State,
    Storage, UsageError, MIN_STORAGE_LEN,
};
use rfc6455_fuzz::keys;

/// Fixed or growable storage, chosen at run time.
enum Store {
    Fixed(Box<[u8]>),
    Grow(Vec<u8>),
}

impl Storage for Store {
    fn bytes(&mut self) -> &mut [u8] {
        match self {
            Store::Fixed(b) => b,
            Store::Grow(v) => v,
        }
    }

    fn resize(&mut self, len: usize) -> usize {
        match self {
            Store::Fixed(b) => b.len(),
            Store::Grow(v) => Storage::resize(v, len),
        }
    }

    fn is_growable(&self) -> bool {
        matches!(self, Store::Grow(_))
    }
}

/// Messages are generated, not carried in the input: a long one costs the
/// fuzzer three bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Desc {
    text: bool,
    len: usize,
    seed: u8,
}

impl Desc {
    /// The message's bytes: text mixes characters of 1 to 4 bytes (cuts by
    /// length fall inside them), binary is a seeded pattern.
    fn bytes(self) -> Vec<u8> {
        if self.text {
            let chars = ['a', 'é', '€', '😀', 'ß', '中'];
            let mut text = String::with_capacity(self.len);
            let mut i = usize::from(self.seed);
            loop {
                let c = chars[i % chars.len()];
                if text.len() + c.len_utf8() > self.len {
                    break;
                }
                text.push(c);
                i += 1;
            }
            while text.len() < self.len {
                text.push('.');
            }
            text.into_bytes()
        } else {
            (0..self.len)
                .map(|i| (i as u8).wrapping_mul(31) ^ self.seed ^ (i >> 8) as u8)
                .collect()
        }
    }
}

/// A message being sent with partial sends (text kept as a `String`, so
/// it is not validated again at every call).
struct Partial {
    desc: Desc,
    bytes: Vec<u8>,
    text: String,
    sent: usize,
}

/// Total message bytes one input may generate (keeps runs fast).
const BUDGET: usize = 4 << 20;

struct Side<K: KeySource> {
    conn: Connection<Store, K>,
    /// Messages this side's API accepted, in order.
    accepted: Vec<Desc>,
    partial: Option<Partial>,
    /// Whole messages received from the peer.
    received: usize,
    /// The message being received: its kind (text) and bytes so far.
    incoming: Option<(bool, Vec<u8>)>,
    /// The most storage the limits allow.
    limit: usize,
}

impl<K: KeySource> Side<K> {
    fn new(role: Role, flags: u8, size: usize, queue: usize, keys: K) -> Self {
        let (growable, reassemble) = match role {
            Role::Client => (flags & 1 != 0, flags & 4 != 0),
            Role::Server => (flags & 2 != 0, flags & 8 != 0),
        };
        let mode = if reassemble {
            MessageMode::Reassemble
        } else {
            MessageMode::Stream
        };
        // Room for the longest message generated (1 MiB), and a limit that
        // means something.
        let max_len = 2 << 20;
        let config = Config::new()
            .without_deadlines()
            .with_message_mode(mode)
            .with_max_frame_len(max_len)
            .with_max_message_len(max_len)
            .with_max_send_queue(queue);
        let store = || {
            if growable {
                Store::Grow(Vec::new())
            } else {
                Store::Fixed(vec![0; size].into_boxed_slice())
            }
        };
        let conn = Connection::open(role, config, store(), store(), keys).unwrap();
        let (rx, tx) = if growable {
            (max_len as usize + 14, queue)
        } else {
            (size, size)
        };
        // The reassembly buffer stays within max_message_len.
        let reassembly = if reassemble { max_len as usize } else { 0 };
        Side {
            conn,
            accepted: Vec::new(),
            partial: None,
            received: 0,
            incoming: None,
            limit: rx + tx + reassembly + 64,
        }
    }

    fn check_storage(&self) {
        assert!(
            self.conn.storage_len() <= self.limit,
            "{} bytes held, limit {}",
            self.conn.storage_len(),
            self.limit
        );
        assert!(self.conn.queued_len() <= self.conn.transmit_capacity());
    }

    /// A whole send; checks what a refusal says and that it queued nothing.
    fn send_whole(&mut self, desc: Desc) {
        let bytes = desc.bytes();
        let queued = self.conn.queued_len();
        let held = self.conn.storage_len();
        let result = if desc.text {
            self.conn
                .send_text(std::str::from_utf8(&bytes).unwrap())
        } else {
            self.conn.send_binary(&bytes)
        };
        let header = match bytes.len() {
            0..=125 => 2,
            126..=0xffff => 4,
            _ => 10,
        } + if self.conn.role().is_client() { 4 } else { 0 };
        let frame = bytes.len() + header;
        match result {
            Ok(()) => {
                self.accepted.push(desc);
                return;
            }
            Err(Error::Usage(UsageError::QueueFull)) => {
                assert!(frame <= self.conn.transmit_capacity(), "QueueFull for {frame}");
            }
            Err(Error::BufferTooSmall(e)) => {
                assert!(frame > self.conn.transmit_capacity(), "BufferTooSmall for {frame}");
                assert_eq!(e.required, frame);
            }
            Err(Error::Usage(UsageError::MessageInProgress)) => assert!(self.partial.is_some()),
            Err(Error::Usage(UsageError::Closed)) => assert!(self.is_closing()),
            Err(e) => panic!("send refused: {e:?}"),
        }
        assert_eq!(self.conn.queued_len(), queued, "a refused send queued bytes: {result:?}");
        assert_eq!(self.conn.storage_len(), held, "a refused send took storage");
    }

    fn is_closing(&self) -> bool {
        matches!(
            self.conn.state(),
            State::CloseSent | State::Closed | State::Failed
        )
    }

    fn start_partial(&mut self, desc: Desc) {
        if self.partial.is_some() {
            // Continuing another message would be MessageInProgress (or go
            // on with this one): only the continue op sends more of it.
            return;
        }
        let (bytes, text) = if desc.text {
            (Vec::new(), String::from_utf8(desc.bytes()).unwrap())
        } else {
            (desc.bytes(), String::new())
        };
        self.partial = Some(Partial {
            desc,
            bytes,
            text,
            sent: 0,
        });
        self.continue_partial();
    }

    /// One partial send of the rest of the message in progress.
    fn continue_partial(&mut self) {
        let Some(p) = &mut self.partial else {
            return;
        };
        let len = p.desc.len;
        let rest = len - p.sent;
        let result = if p.desc.text {
            // Slicing panics (a failure) unless the last cut was at a
            // character boundary.
            self.conn.send_text_partial(&p.text[p.sent..])
        } else {
            self.conn.send_binary_partial(&p.bytes[p.sent..])
        };
        match result {
            Ok(n) => {
                assert!(n <= rest, "took {n} of {rest}");
                p.sent += n;
                if p.desc.text {
                    assert!(p.text.is_char_boundary(p.sent), "text cut inside a character");
                }
                if p.sent == len && (n > 0 || len == 0) {
                    self.accepted.push(p.desc);
                    self.partial = None;
                }
            }
            // Abandoned: the connection is closing.
            Err(Error::Usage(UsageError::Closed)) => {
                assert!(self.is_closing());
                self.partial = None;
            }
            // An empty message with no room for its frame: later.
            Err(Error::Usage(UsageError::QueueFull)) if rest == 0 => {}
            Err(e) => panic!("partial send refused: {e:?}"),
        }
    }

    /// Whether a partial message is still being sent.
    fn sending(&self) -> bool {
        self.partial.is_some()
    }
}

/// Polls up to `max` events of `side` (0: until None), checking each
/// message against what `peer` accepted.
fn poll<K1: KeySource, K2: KeySource>(side: &mut Side<K1>, peer: &Side<K2>, max: usize) {
    for i in 0..1_000_000 {
        if max != 0 && i == max {
            return;
        }
        let Some(event) = side.conn.poll_event() else {
            return;
        };
        let (text, data, fin) = match event {
            Ok(Event::Text { data, fin }) => (true, data.as_bytes(), fin),
            Ok(Event::Binary { data, fin }) => (false, data, fin),
            Ok(Event::Close { .. }) => {
                // A message being received is abandoned.
                side.incoming = None;
                continue;
            }
            Ok(_) => continue,
            Err(e) => panic!("correct peers never fail each other: {e:?}"),
        };
        let incoming = side.incoming.get_or_insert_with(|| (text, Vec::new()));
        assert_eq!(incoming.0, text, "the kind changed within a message");
        incoming.1.extend_from_slice(data);
        if fin {
            let (text, bytes) = side.incoming.take().unwrap();
            let expected = peer
                .accepted
                .get(side.received)
                .unwrap_or_else(|| panic!("message {} arrived unsent", side.received));
            assert_eq!(text, expected.text, "message {}", side.received);
            assert!(bytes == expected.bytes(), "message {} differs", side.received);
            side.received += 1;
        }
    }
    panic!("events without end");
}

/// Moves up to `max` bytes from `from` to `to` (what `to` takes).
fn carry<K1: KeySource, K2: KeySource>(from: &mut Side<K1>, to: &mut Side<K2>, max: usize) -> usize {
    let out = from.conn.peek_transmit();
    let n = out.len().min(max);
    let taken = to.conn.receive(&out[..n]);
    assert!(taken <= n);
    from.conn.advance_transmit(taken);
    taken
}

/// Moves and polls both ways until nothing moves, finishing partial sends.
fn settle<K1: KeySource, K2: KeySource>(a: &mut Side<K1>, b: &mut Side<K2>) {
    for _ in 0..10_000_000 {
        // Polling first frees the storage a full receiver needs (it may
        // produce no event), so a round that moves nothing is the end.
        poll(a, b, 0);
        poll(b, a, 0);
        a.continue_partial();
        b.continue_partial();
        let moved = carry(a, b, usize::MAX) + carry(b, a, usize::MAX);
        if moved == 0 && !a.sending() && !b.sending() {
            return;
        }
    }
    panic!("the pair did not settle");
}

/// Reads the fuzzer's bytes in order; zeros once they run out.
struct Script<'a>(&'a [u8]);

impl Script<'_> {
    fn byte(&mut self) -> u8 {
        let (&b, rest) = self.0.split_first().unwrap_or((&0, &[]));
        self.0 = rest;
        b
    }

    fn u16(&mut self) -> usize {
        usize::from(u16::from_be_bytes([self.byte(), self.byte()]))
    }

    fn desc(&mut self, text: bool, budget: &mut usize) -> Desc {
        let len = self.u16();
        let seed = self.byte();
        let len = if seed & 0x80 != 0 { len * 16 } else { len };
        let len = len.min(*budget);
        *budget -= len;
        Desc { text, len, seed }
    }
}

fn step<K1: KeySource, K2: KeySource>(
    side: &mut Side<K1>,
    peer: &mut Side<K2>,
    op: u8,
    script: &mut Script<'_>,
    budget: &mut usize,
) {
    match op {
        0 | 1 => {
            let desc = script.desc(op == 0, budget);
            side.send_whole(desc);
        }
        2 | 3 => {
            let desc = script.desc(op == 2, budget);
            side.start_partial(desc);
        }
        4 => side.continue_partial(),
        5 => {
            let len = usize::from(script.byte() % 126);
            let open = side.conn.state() == State::Open;
            let result = side.conn.ping(&vec![0x70; len]);
            if open {
                // Without room the Ping waits for none: it is refused.
                assert!(matches!(
                    result,
                    Ok(()) | Err(Error::Usage(UsageError::QueueFull))
                ));
            }
        }
        6 => {
            let code = [1000, 1001, 1003, 3000, 4999][usize::from(script.byte() % 5)];
            let reason = "r".repeat(usize::from(script.byte() % 124));
            let open = side.conn.state() == State::Open;
            let result = side.conn.close(CloseCode::new(code), &reason);
            assert!(result.is_ok() || !open, "close refused while open: {result:?}");
        }
        7 => {
            let max = script.u16();
            carry(side, peer, max);
        }
        _ => {
            let max = usize::from(script.byte());
            poll(side, peer, max);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let mut script = Script(data);
    let flags = script.byte();
    let client_size = MIN_STORAGE_LEN + script.u16() % 8192;
    let server_size = MIN_STORAGE_LEN + script.u16() % 8192;
    let queue = MIN_STORAGE_LEN + script.u16() * 16;
    let mut client = Side::new(Role::Client, flags, client_size, queue, keys(flags));
    let mut server = Side::new(Role::Server, flags, server_size, queue, NoKeys);
    let mut budget = BUDGET;
    for _ in 0..256 {
        if script.0.is_empty() {
            break;
        }
        let op = script.byte();
        let (which, op) = (op & 1, (op >> 1) % 9);
        if which == 0 {
            step(&mut client, &mut server, op, &mut script, &mut budget);
        } else {
            step(&mut server, &mut client, op, &mut script, &mut budget);
        }
        client.check_storage();
        server.check_storage();
    }
    settle(&mut client, &mut server);
    client.check_storage();
    server.check_storage();
    // Everything moved: every accepted message arrived, once, in order.
    assert_eq!(server.received, client.accepted.len(), "client to server");
    assert_eq!(client.received, server.accepted.len(), "server to client");
});
