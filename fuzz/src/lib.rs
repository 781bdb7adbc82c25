//! Shared drivers for the fuzz targets: feeding a connection, recording what
//! it reported in owned form, and checking the invariants every target
//! relies on.

use rfc6455::{Config, Connection, Error, Event, KeySource, State};

/// An event in owned form, with data pieces kept as delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seen {
    Upgrade,
    Open,
    Text(String, bool),
    Binary(Vec<u8>, bool),
    Ping(Vec<u8>),
    Pong(Vec<u8>),
    Close(u16, String),
    Error(Error),
}

impl Seen {
    pub fn from(result: Result<Event<'_>, Error>) -> Seen {
        match result {
            Err(e) => Seen::Error(e),
            Ok(Event::Upgrade(_)) => Seen::Upgrade,
            Ok(Event::HandshakeComplete(_)) => Seen::Open,
            Ok(Event::Text { data, fin }) => Seen::Text(data.to_owned(), fin),
            Ok(Event::Binary { data, fin }) => Seen::Binary(data.to_vec(), fin),
            Ok(Event::Ping(p)) => Seen::Ping(p.to_vec()),
            Ok(Event::Pong(p)) => Seen::Pong(p.to_vec()),
            Ok(Event::Close { code, reason }) => Seen::Close(code.as_u16(), reason.to_owned()),
        }
    }
}

/// Joins consecutive data pieces of one message, so runs whose chunk
/// boundaries differ compare equal when their messages are the same.
///
/// A message that does not fit in one chunk is delivered as it arrives, so
/// how much of it came out before the connection failed in its middle
/// depends on the reads: the unfinished message just before an error is left
/// out.
pub fn merge(events: Vec<Seen>) -> Vec<Seen> {
    let mut out: Vec<Seen> = Vec::new();
    for e in events {
        match (out.last_mut(), e) {
            (Some(Seen::Text(acc, fin @ false)), Seen::Text(more, f)) => {
                acc.push_str(&more);
                *fin = f;
            }
            (Some(Seen::Binary(acc, fin @ false)), Seen::Binary(more, f)) => {
                acc.extend_from_slice(&more);
                *fin = f;
            }
            (Some(Seen::Text(_, false) | Seen::Binary(_, false)), e @ Seen::Error(_)) => {
                out.pop();
                out.push(e);
            }
            (_, e) => out.push(e),
        }
    }
    out
}

/// Feeds `input` to `conn` in pieces ending at `cuts` (sorted, within
/// bounds), draining events and output after each step, and checks that a
/// failed connection stays failed and that the storage never overflows.
/// Returns what it reported and what it sent.
pub fn feed<B: rfc6455::Storage, K: KeySource, E: rfc6455::Extension>(
    conn: &mut Connection<B, K, E>,
    input: &[u8],
    cuts: &[usize],
) -> (Vec<Seen>, Vec<u8>) {
    let mut events = Vec::new();
    let mut sent = Vec::new();
    let mut start = 0;
    for end in cuts.iter().copied().chain([input.len()]) {
        let end = end.clamp(start, input.len());
        let mut piece = &input[start..end];
        start = end;
        // Each round takes at least one byte or frees storage: bounded.
        for _ in 0..=piece.len() * 2 + 8 {
            let taken = conn.receive(piece);
            piece = &piece[taken..];
            drain(conn, &mut events, &mut sent);
            if piece.is_empty() {
                break;
            }
        }
        assert!(piece.is_empty(), "the connection stopped taking input");
    }
    (events, sent)
}

/// Drains events and output, checking the sticky-failure invariant.
pub fn drain<B: rfc6455::Storage, K: KeySource, E: rfc6455::Extension>(
    conn: &mut Connection<B, K, E>,
    events: &mut Vec<Seen>,
    sent: &mut Vec<u8>,
) {
    let mut out = [0u8; 512];
    // Every event consumes input or changes state; the bound is generous.
    for _ in 0..1_000_000 {
        let was_failed = conn.state() == State::Failed;
        match conn.poll_event() {
            Some(result) => events.push(Seen::from(result)),
            None => break,
        }
        if was_failed {
            assert_eq!(conn.state(), State::Failed, "left Failed");
        }
        while let Some(n) = conn.poll_transmit(&mut out) {
            sent.extend_from_slice(&out[..n]);
        }
    }
    while let Some(n) = conn.poll_transmit(&mut out) {
        sent.extend_from_slice(&out[..n]);
    }
    if conn.state() == State::Failed {
        assert!(conn.poll_event().is_none(), "events after failure");
    }
}

/// A configuration chosen by one fuzzer byte: small limits reach every
/// limit path quickly.
pub fn config(choice: u8) -> Config {
    let config = Config::new()
        .with_max_frame_len(u64::from(choice & 0x0f) * 100 + 1)
        .with_max_message_len(u64::from(choice >> 4) * 300 + 1)
        .with_max_fragments(u32::from(choice % 7) + 1);
    match choice % 3 {
        0 => Config::new(),
        1 => config.with_auto_pong(rfc6455::AutoPong::Disabled),
        _ => config,
    }
}

/// A deterministic key source for the fuzzer (never for real use).
pub fn keys(seed: u8) -> impl FnMut(&mut [u8]) {
    let mut state = u64::from(seed) | 0x100;
    move |dest: &mut [u8]| {
        for b in dest {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            *b = state as u8;
        }
    }
}

/// Splits the fuzzer's bytes into a fixed header of `N` bytes (choices,
/// cut points) and the raw rest, which is protocol bytes as they are: so
/// the committed seeds are plain RFC vectors and real heads behind a header.
pub fn header<const N: usize>(data: &[u8]) -> Option<([u8; N], &[u8])> {
    let (head, rest) = data.split_first_chunk::<N>()?;
    Some((*head, rest))
}
