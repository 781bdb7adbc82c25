//! Shared test helpers: a frame builder for raw (also invalid) frames, owned
//! events, and a driver that feeds input whole, at every split and byte by
//! byte and checks that all three agree.
#![allow(dead_code)]

use rfc6455::{
    Config, Connection, Decoded, Error, Event, FrameDecoder, NoKeys, Opcode, Role, State,
};

/// The fixed key used by [`frame`] for masked frames.
pub const KEY: [u8; 4] = [0x37, 0xfa, 0x21, 0x3d];

/// Builds one raw frame: `b0` is the first byte (FIN, RSV, opcode) as on the
/// wire; `masked` masks the payload with [`KEY`].
pub fn raw(b0: u8, masked: bool, payload: &[u8]) -> Vec<u8> {
    let mut out = vec![b0];
    let mask_bit = if masked { 0x80 } else { 0 };
    match payload.len() {
        n if n <= 125 => out.push(mask_bit | n as u8),
        n if n <= 0xffff => {
            out.push(mask_bit | 126);
            out.extend((n as u16).to_be_bytes());
        }
        n => {
            out.push(mask_bit | 127);
            out.extend((n as u64).to_be_bytes());
        }
    }
    if masked {
        out.extend(KEY);
        out.extend(payload.iter().enumerate().map(|(i, b)| b ^ KEY[i % 4]));
    } else {
        out.extend(payload);
    }
    out
}

/// A frame as a client sends it (masked) with FIN and opcode from `b0`.
pub fn client_frame(b0: u8, payload: &[u8]) -> Vec<u8> {
    raw(b0, true, payload)
}

/// A frame as a server sends it (unmasked).
pub fn server_frame(b0: u8, payload: &[u8]) -> Vec<u8> {
    raw(b0, false, payload)
}

pub fn cat(frames: &[Vec<u8>]) -> Vec<u8> {
    frames.concat()
}

/// An owned copy of an [`Event`] (data pieces kept as delivered).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ev {
    Text(String, bool),
    Binary(Vec<u8>, bool),
    Ping(Vec<u8>),
    Pong(Vec<u8>),
    Close(u16, String),
    Error(Error),
    /// A server saw an upgrade request for this target.
    Upgrade(String),
    /// The handshake completed with this subprotocol.
    Open(Option<String>),
}

impl Ev {
    pub fn from(result: Result<Event<'_>, Error>) -> Ev {
        match result {
            Err(e) => Ev::Error(e),
            Ok(Event::Text { data, fin }) => Ev::Text(data.to_owned(), fin),
            Ok(Event::Binary { data, fin }) => Ev::Binary(data.to_vec(), fin),
            Ok(Event::Ping(p)) => Ev::Ping(p.to_vec()),
            Ok(Event::Pong(p)) => Ev::Pong(p.to_vec()),
            Ok(Event::Close { code, reason }) => Ev::Close(code.as_u16(), reason.to_owned()),
            Ok(Event::Upgrade(request)) => Ev::Upgrade(request.target().to_owned()),
            Ok(Event::HandshakeComplete(done)) => Ev::Open(done.protocol().map(str::to_owned)),
        }
    }
}

/// What a run produced: events with data pieces merged into whole messages,
/// the frames the connection sent (decoded), and the final state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub events: Vec<Ev>,
    pub sent: Vec<(Opcode, Vec<u8>)>,
    pub state: State,
    pub should_close: bool,
}

impl Outcome {
    /// The status code of the Close frame this side sent, if any.
    pub fn sent_close_code(&self) -> Option<u16> {
        self.sent
            .iter()
            .find(|(op, _)| *op == Opcode::Close)
            .map(|(_, p)| {
                if p.len() >= 2 {
                    u16::from_be_bytes([p[0], p[1]])
                } else {
                    1005
                }
            })
    }

    pub fn error(&self) -> Option<Error> {
        self.events.iter().find_map(|e| match e {
            Ev::Error(e) => Some(*e),
            _ => None,
        })
    }
}

/// Merges consecutive data pieces of one message.
pub fn merge(events: &[Ev]) -> Vec<Ev> {
    let mut out: Vec<Ev> = Vec::new();
    for e in events {
        match (out.last_mut(), e) {
            (Some(Ev::Text(acc, false)), Ev::Text(more, fin)) => {
                acc.push_str(more);
                let fin = *fin;
                if let Some(Ev::Text(_, f)) = out.last_mut() {
                    *f = fin;
                }
            }
            (Some(Ev::Binary(acc, false)), Ev::Binary(more, fin)) => {
                acc.extend_from_slice(more);
                let fin = *fin;
                if let Some(Ev::Binary(_, f)) = out.last_mut() {
                    *f = fin;
                }
            }
            _ => out.push(e.clone()),
        }
    }
    out
}

/// Decodes the frames `role` sent.
pub fn decode_sent(role: Role, wire: Vec<u8>) -> Vec<(Opcode, Vec<u8>)> {
    decode_sent_rsv(role, 0, wire)
}

/// [`decode_sent`] for frames that may carry an extension's `rsv` bits.
pub fn decode_sent_rsv(role: Role, rsv: u8, mut wire: Vec<u8>) -> Vec<(Opcode, Vec<u8>)> {
    let mut decoder = FrameDecoder::new(role.peer()).with_message_rsv(rsv);
    let mut frames = Vec::new();
    let mut rest = &mut wire[..];
    loop {
        let (used, item) = decoder.decode(rest).expect("our own output decodes");
        match item {
            None => break,
            Some(Decoded::Header(h)) => frames.push((h.opcode, Vec::new())),
            Some(Decoded::Payload { data, .. }) => {
                frames.last_mut().unwrap().1.extend_from_slice(data)
            }
        }
        rest = &mut std::mem::take(&mut rest)[used..];
    }
    frames
}

/// Drains events (and, after each, output) from `conn`.
pub fn drain<B: rfc6455::Storage, K: rfc6455::KeySource, E: rfc6455::Extension>(
    conn: &mut Connection<B, K, E>,
    events: &mut Vec<Ev>,
    sent: &mut Vec<u8>,
) {
    let mut out = [0u8; 4096];
    for _ in 0..1_000_000 {
        match conn.poll_event() {
            Some(r) => events.push(Ev::from(r)),
            None => break,
        }
        while let Some(n) = conn.poll_transmit(&mut out) {
            sent.extend_from_slice(&out[..n]);
        }
    }
    while let Some(n) = conn.poll_transmit(&mut out) {
        sent.extend_from_slice(&out[..n]);
    }
}

/// Feeds `input` to an open connection of `role`, in pieces ending at `cuts`,
/// then the end of the stream if `eof`.
pub fn run_pieces(
    role: Role,
    config: Config,
    storage: usize,
    input: &[u8],
    cuts: &[usize],
    eof: bool,
) -> (Vec<Ev>, Outcome) {
    let conn = Connection::open(
        role,
        config,
        fixed(storage),
        fixed(4096),
        |k: &mut [u8]| k.fill(0x42),
    )
    .unwrap();
    run_conn(conn, input, cuts, eof)
}

/// Feeds `input` to `conn` in pieces ending at `cuts`, then the end of the
/// stream if `eof`, draining events and output after every piece.
pub fn run_conn<B: rfc6455::Storage, K: rfc6455::KeySource, E: rfc6455::Extension>(
    mut conn: Connection<B, K, E>,
    input: &[u8],
    cuts: &[usize],
    eof: bool,
) -> (Vec<Ev>, Outcome) {
    let role = conn.role();
    let mut events = Vec::new();
    let mut sent = Vec::new();
    drain(&mut conn, &mut events, &mut sent);
    let mut start = 0;
    for end in cuts.iter().copied().chain([input.len()]) {
        let mut piece = &input[start..end];
        start = end;
        let mut guard = 0;
        while !piece.is_empty() {
            let n = conn.receive(piece);
            piece = &piece[n..];
            // One drain per read, as a run loop does before it waits on the
            // socket again: anything held back until more input would show.
            drain(&mut conn, &mut events, &mut sent);
            guard += 1;
            assert!(guard < 1_000_000, "no progress");
        }
    }
    if eof {
        conn.receive_eof();
        drain(&mut conn, &mut events, &mut sent);
    }
    let rsv = conn.extension().map_or(0, |e| e.rsv());
    let outcome = Outcome {
        events: merge(&events),
        sent: split_sent(role, rsv, sent),
        state: conn.state(),
        should_close: conn.should_close_transport(),
    };
    (events, outcome)
}

/// Splits what a connection sent into an HTTP head (if it starts with one)
/// and the frames after it. The head is reported as a pseudo-frame with the
/// `Continuation` opcode holding the head's bytes.
fn split_sent(role: Role, rsv: u8, sent: Vec<u8>) -> Vec<(Opcode, Vec<u8>)> {
    if sent.starts_with(b"HTTP/") || sent.starts_with(b"GET ") {
        let end = sent
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .map_or(sent.len(), |p| p + 4);
        // An error response carries a body after the head.
        if sent.starts_with(b"HTTP/") && !sent.starts_with(b"HTTP/1.1 101") {
            return vec![(Opcode::Continuation, sent)];
        }
        let mut frames = vec![(Opcode::Continuation, sent[..end].to_vec())];
        frames.extend(decode_sent_rsv(role, rsv, sent[end..].to_vec()));
        return frames;
    }
    decode_sent_rsv(role, rsv, sent)
}

/// Runs `input` through connections made by `make` whole, split at every
/// offset (a sample of offsets for long inputs), and byte by byte, asserting
/// identical outcomes; returns it.
pub fn all_ways<B: rfc6455::Storage, K: rfc6455::KeySource, E: rfc6455::Extension>(
    make: impl Fn() -> Connection<B, K, E>,
    input: &[u8],
    eof: bool,
) -> Outcome {
    let (_, whole) = run_conn(make(), input, &[], eof);
    // Under Miri, which interprets every instruction, a sample of splits
    // stands in for all of them, and byte by byte only for short inputs.
    let samples = if cfg!(miri) { 4 } else { 200 };
    let step = (input.len() / samples).max(1);
    for split in (0..=input.len()).step_by(step) {
        let (_, split_outcome) = run_conn(make(), input, &[split], eof);
        assert_eq!(split_outcome, whole, "split at {split}");
    }
    if input.len() <= if cfg!(miri) { 64 } else { 100_000 } {
        let bytes: Vec<usize> = (1..input.len()).collect();
        let (_, byte_outcome) = run_conn(make(), input, &bytes, eof);
        assert_eq!(byte_outcome, whole, "byte by byte");
    }
    whole
}

/// Runs `input` into an open connection of `role` all three ways.
pub fn run_all_ways_with(
    role: Role,
    config: Config,
    storage: usize,
    input: &[u8],
    eof: bool,
) -> Outcome {
    all_ways(
        || {
            Connection::open(
                role,
                config,
                fixed(storage),
                fixed(4096),
                |k: &mut [u8]| k.fill(0x42),
            )
            .unwrap()
        },
        input,
        eof,
    )
}

/// [`run_all_ways_with`] for a server with default config and 4 KiB storage.
pub fn server_all_ways(input: &[u8]) -> Outcome {
    run_all_ways_with(Role::Server, Config::new(), 4096, input, false)
}

/// [`run_all_ways_with`] for a client with default config and 4 KiB storage.
pub fn client_all_ways(input: &[u8]) -> Outcome {
    run_all_ways_with(Role::Client, Config::new(), 4096, input, false)
}

pub fn text(s: &str) -> Ev {
    Ev::Text(s.to_owned(), true)
}

pub fn binary(b: &[u8]) -> Ev {
    Ev::Binary(b.to_vec(), true)
}

pub fn proto_err(e: rfc6455::ProtocolError) -> Ev {
    Ev::Error(Error::Protocol(e))
}

/// A key source for tests (predictable: never use in production).
pub fn test_keys() -> impl FnMut(&mut [u8]) {
    let mut n = 0u8;
    move |k: &mut [u8]| {
        for b in k {
            n = n.wrapping_add(0x3b);
            *b = n;
        }
    }
}

/// Unused-import guard for helper users that only need the types.
pub type ServerConn = Connection<Grow, NoKeys>;

/// A client and a server connected in memory.
pub struct Pair<B: rfc6455::Storage, K: rfc6455::KeySource> {
    pub client: Connection<B, K>,
    pub server: Connection<B, NoKeys>,
    pub client_events: Vec<Ev>,
    pub server_events: Vec<Ev>,
    /// Bytes in flight, and how many to deliver per step (0 = all).
    pub chunk: usize,
}

impl<K: rfc6455::KeySource> Pair<Grow, K> {
    /// An open pair with 4 KiB buffers.
    pub fn open(config: Config, keys: K) -> Self {
        let client = Connection::open(Role::Client, config, grow(4096), grow(4096), keys).unwrap();
        let server =
            Connection::open(Role::Server, config, grow(4096), grow(4096), NoKeys).unwrap();
        Pair {
            client,
            server,
            client_events: Vec::new(),
            server_events: Vec::new(),
            chunk: 0,
        }
    }
}

impl<B: rfc6455::Storage, K: rfc6455::KeySource> Pair<B, K> {
    /// Moves bytes both ways until nothing changes; returns the number of
    /// bytes moved.
    pub fn pump(&mut self) -> usize {
        let mut moved = 0;
        for _ in 0..100_000 {
            // Events are drained on delivery (and here, for events that need
            // no input, such as HandshakeComplete after accept); what they
            // cause stays queued and moves on the next round.
            deliver(&mut self.client, &[], &mut self.client_events);
            deliver(&mut self.server, &[], &mut self.server_events);
            let round = transfer(
                &mut self.client,
                &mut self.server,
                &mut self.server_events,
                self.chunk,
            ) + transfer(
                &mut self.server,
                &mut self.client,
                &mut self.client_events,
                self.chunk,
            );
            moved += round;
            if round == 0 {
                return moved;
            }
        }
        panic!("pump did not settle");
    }
}

/// Moves everything `from` has queued into `to`, `chunk` bytes at a time.
fn transfer<B: rfc6455::Storage, K1: rfc6455::KeySource, K2: rfc6455::KeySource>(
    from: &mut Connection<B, K1>,
    to: &mut Connection<B, K2>,
    events: &mut Vec<Ev>,
    chunk: usize,
) -> usize {
    let mut buf = vec![0u8; 1 << 16];
    let mut total = 0;
    loop {
        let limit = if chunk == 0 { buf.len() } else { chunk };
        let Some(n) = from.poll_transmit(&mut buf[..limit]) else {
            break;
        };
        deliver(to, &buf[..n], events);
        total += n;
    }
    total
}

/// Feeds `bytes` into `to`, draining events as it goes (output stays queued).
pub fn deliver<B: rfc6455::Storage, K: rfc6455::KeySource>(
    to: &mut Connection<B, K>,
    bytes: &[u8],
    events: &mut Vec<Ev>,
) {
    let mut rest = bytes;
    let mut guard = 0;
    loop {
        let n = to.receive(rest);
        rest = &rest[n..];
        while let Some(ev) = to.poll_event() {
            events.push(Ev::from(ev));
        }
        if rest.is_empty() {
            break;
        }
        guard += 1;
        assert!(guard < 1_000_000, "receiver made no progress");
    }
}

/// A real client request (Chromium's shape) for `/chat` offering two
/// subprotocols, as bytes.
pub const CHROME_REQUEST: &[u8] = b"GET /chat?room=1 HTTP/1.1\r\n\
Host: 127.0.0.1:9001\r\n\
Connection: Upgrade\r\n\
Pragma: no-cache\r\n\
Cache-Control: no-cache\r\n\
User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36\r\n\
Upgrade: websocket\r\n\
Origin: http://127.0.0.1:8080\r\n\
Sec-WebSocket-Version: 13\r\n\
Accept-Encoding: gzip, deflate, br\r\n\
Accept-Language: en-US,en;q=0.9\r\n\
Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
Sec-WebSocket-Protocol: chat, superchat\r\n\
Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n";

impl<K: rfc6455::KeySource> Pair<Grow, K> {
    /// A pair that starts with the opening handshake: the client has queued
    /// its request; nothing has moved yet.
    pub fn connecting(request: &rfc6455::ClientRequest<'_>, config: Config, keys: K) -> Self {
        let client = Connection::client(request, config, grow(4096), grow(4096), keys).unwrap();
        let server = Connection::server(config, grow(4096), grow(4096)).unwrap();
        Pair {
            client,
            server,
            client_events: Vec::new(),
            server_events: Vec::new(),
            chunk: 0,
        }
    }
}

/// Fixed storage for tests, in every feature set (the crate's own
/// `Box<[u8]>` and `Vec<u8>` storage needs its `alloc` feature).
pub struct Fixed(Box<[u8]>);

impl rfc6455::Storage for Fixed {
    fn bytes(&mut self) -> &mut [u8] {
        &mut self.0
    }
}

/// Fixed storage of `len` bytes.
pub fn fixed(len: usize) -> Fixed {
    Fixed(vec![0; len].into_boxed_slice())
}

/// Growable storage for tests, in every feature set: grows as the
/// connection asks and is given back when empty, as a `Vec<u8>` is.
pub struct Grow(pub Vec<u8>);

impl rfc6455::Storage for Grow {
    fn bytes(&mut self) -> &mut [u8] {
        &mut self.0
    }

    fn resize(&mut self, len: usize) -> usize {
        if len == 0 {
            self.0 = Vec::new();
        } else {
            self.0.resize(len, 0);
        }
        len
    }

    fn is_growable(&self) -> bool {
        true
    }
}

/// Growable storage starting at `len` bytes.
pub fn grow(len: usize) -> Grow {
    Grow(vec![0; len])
}

/// Text of exactly `len` bytes mixing characters of 1, 2, 3 and 4 bytes, so
/// that cuts at arbitrary byte offsets fall inside characters.
pub fn text_of_len(len: usize) -> String {
    let mut text = String::with_capacity(len);
    for c in ['a', 'é', '€', '😀'].into_iter().cycle() {
        if text.len() + c.len_utf8() > len {
            break;
        }
        text.push(c);
    }
    while text.len() < len {
        text.push('.');
    }
    text
}

/// `len` bytes of a pattern that does not repeat every few bytes, so a
/// misplaced or duplicated piece shows.
pub fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i ^ (i >> 8) ^ (i >> 16)) as u8).collect()
}
