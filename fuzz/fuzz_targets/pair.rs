//! Invariant: a client and a server driven by any sequence of operations
//! (messages whole or in fragments, pings, closes, bytes delivered in any
//! chunks, a stream cut short) never fail each other: every message one side
//! completes sending arrives whole and in order at the other unless the
//! stream was cut, and both agree on the close code.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use rfc6455::{CloseCode, Config, Connection, Fragment, KeySource, NoKeys, Role, State};
use rfc6455_fuzz::{drain, keys, merge, Seen};

#[derive(Arbitrary, Debug)]
enum Op {
    Text {
        client: bool,
        text: String,
        last: bool,
    },
    Binary {
        client: bool,
        data: Vec<u8>,
        last: bool,
    },
    Ping {
        client: bool,
        data: Vec<u8>,
    },
    Close {
        client: bool,
        code: u16,
        reason: String,
    },
    Deliver {
        to_server: bool,
        max: u16,
    },
    Cut,
}

/// One side with what it sent (whole messages) and saw.
struct Side<K: KeySource> {
    conn: Connection<Vec<u8>, K>,
    sent_messages: Vec<Seen>,
    partial: Option<Seen>,
    close_sent: Option<u16>,
    events: Vec<Seen>,
    inbox: Vec<u8>,
}

impl<K: KeySource> Side<K> {
    fn new(conn: Connection<Vec<u8>, K>) -> Self {
        Side {
            conn,
            sent_messages: Vec::new(),
            partial: None,
            close_sent: None,
            events: Vec::new(),
            inbox: Vec::new(),
        }
    }

    /// Records a fragment that was accepted for sending.
    fn record(&mut self, piece: Seen, last: bool) {
        let whole = match (self.partial.take(), piece) {
            (Some(Seen::Text(mut a, _)), Seen::Text(b, _)) => {
                a.push_str(&b);
                Seen::Text(a, last)
            }
            (Some(Seen::Binary(mut a, _)), Seen::Binary(b, _)) => {
                a.extend_from_slice(&b);
                Seen::Binary(a, last)
            }
            (_, piece) => piece,
        };
        if last {
            self.sent_messages.push(whole);
        } else {
            self.partial = Some(whole);
        }
    }

    /// Moves this side's output to the peer's inbox.
    fn flush_to(&mut self, inbox: &mut Vec<u8>) {
        drain(&mut self.conn, &mut self.events, inbox);
    }
}

/// Delivers up to `max` bytes of `side`'s inbox; what it sends in reply
/// (pongs, close echoes) goes to the peer's inbox.
fn deliver<K: KeySource>(side: &mut Side<K>, max: usize, peer_inbox: &mut Vec<u8>) {
    let n = max.min(side.inbox.len());
    let bytes: Vec<u8> = side.inbox.drain(..n).collect();
    let mut rest = &bytes[..];
    for _ in 0..=rest.len() * 2 + 4 {
        let taken = side.conn.receive(rest);
        rest = &rest[taken..];
        drain(&mut side.conn, &mut side.events, peer_inbox);
        if rest.is_empty() {
            break;
        }
    }
    assert!(rest.is_empty(), "receiver stalled");
}

/// The data messages among `events`, pieces joined (control frames may
/// arrive between the pieces of one message).
fn messages(events: &[Seen]) -> Vec<Seen> {
    let data = events
        .iter()
        .filter(|e| matches!(e, Seen::Text(..) | Seen::Binary(..)))
        .cloned()
        .collect();
    merge(data)
}

/// Whether `piece` (an unfinished message) is the start of `message`.
fn starts(message: &Seen, piece: &Seen) -> bool {
    match (message, piece) {
        (Seen::Text(m, _), Seen::Text(p, false)) => m.starts_with(p.as_str()),
        (Seen::Binary(m, _), Seen::Binary(p, false)) => m.starts_with(p),
        _ => false,
    }
}

/// Checks what a receiver got against what the sender sent: the whole
/// messages are a prefix of the sender's, in order; an unfinished last one
/// is the start of the sender's next message (sent whole, or still being
/// sent, or abandoned by a Close). Returns how many whole messages arrived.
fn check_arrived<K: KeySource>(sender: &Side<K>, got: &[Seen], who: &str) -> usize {
    let (whole, unfinished) = match got.split_last() {
        Some((last @ (Seen::Text(_, false) | Seen::Binary(_, false)), rest)) => (rest, Some(last)),
        _ => (got, None),
    };
    assert!(
        sender.sent_messages.starts_with(whole),
        "{who} got {got:?}, peer sent {:?}",
        sender.sent_messages
    );
    if let Some(piece) = unfinished {
        let next = sender
            .sent_messages
            .get(whole.len())
            .or(sender.partial.as_ref());
        assert!(
            next.is_some_and(|m| starts(m, piece)),
            "{who} got the start of {piece:?}, peer sent {:?} then {:?}",
            sender.sent_messages,
            sender.partial
        );
    }
    whole.len()
}

fuzz_target!(|ops: Vec<Op>| {
    let config = Config::new();
    let mut client = Side::new(
        Connection::open(
            Role::Client,
            config,
            vec![0u8; 512],
            vec![0u8; 4096],
            keys(1),
        )
        .unwrap(),
    );
    let mut server = Side::new(
        Connection::open(
            Role::Server,
            config,
            vec![0u8; 512],
            vec![0u8; 4096],
            NoKeys,
        )
        .unwrap(),
    );
    let mut cut = false;
    for op in ops.into_iter().take(64) {
        match op {
            Op::Text {
                client: c,
                text,
                last,
            } => {
                let fragment = Fragment::from_fin(last);
                let text: String = text.chars().take(300).collect();
                if c {
                    if client.conn.send_text_fragment(&text, fragment).is_ok() {
                        client.record(Seen::Text(text, last), last);
                    }
                } else if server.conn.send_text_fragment(&text, fragment).is_ok() {
                    server.record(Seen::Text(text, last), last);
                }
            }
            Op::Binary {
                client: c,
                mut data,
                last,
            } => {
                data.truncate(600);
                let fragment = Fragment::from_fin(last);
                if c {
                    if client.conn.send_binary_fragment(&data, fragment).is_ok() {
                        client.record(Seen::Binary(data, last), last);
                    }
                } else if server.conn.send_binary_fragment(&data, fragment).is_ok() {
                    server.record(Seen::Binary(data, last), last);
                }
            }
            Op::Ping { client: c, data } => {
                let _ = if c {
                    client.conn.ping(&data)
                } else {
                    server.conn.ping(&data)
                };
            }
            Op::Close {
                client: c,
                code,
                reason,
            } => {
                let side_close = if c {
                    &mut client.close_sent
                } else {
                    &mut server.close_sent
                };
                let conn_result = if c {
                    client.conn.close(CloseCode::new(code), &reason)
                } else {
                    server.conn.close(CloseCode::new(code), &reason)
                };
                if conn_result.is_ok() && side_close.is_none() {
                    *side_close = Some(code);
                }
            }
            Op::Deliver { to_server, max } => {
                if cut {
                    continue;
                }
                client.flush_to(&mut server.inbox);
                server.flush_to(&mut client.inbox);
                if to_server {
                    deliver(&mut server, usize::from(max), &mut client.inbox);
                } else {
                    deliver(&mut client, usize::from(max), &mut server.inbox);
                }
            }
            Op::Cut => cut = true,
        }
    }
    // Settle: deliver everything that is left, unless the stream was cut.
    for _ in 0..64 {
        if cut {
            break;
        }
        client.flush_to(&mut server.inbox);
        server.flush_to(&mut client.inbox);
        if server.inbox.is_empty() && client.inbox.is_empty() {
            break;
        }
        deliver(&mut server, usize::MAX, &mut client.inbox);
        deliver(&mut client, usize::MAX, &mut server.inbox);
    }
    // Two correct peers never fail each other.
    for side in [&client.events, &server.events] {
        assert!(
            !side.iter().any(|e| matches!(e, Seen::Error(_))),
            "{side:?}"
        );
    }
    // Whatever arrived is what was sent, in order (a prefix when cut or
    // closed; the last one possibly unfinished).
    let whole_at_server = check_arrived(&client, &messages(&server.events), "server");
    let whole_at_client = check_arrived(&server, &messages(&client.events), "client");
    if !cut {
        // Everything was delivered: each side's Close arrived with its code,
        // and without a Close every whole message arrived.
        for (closer, peer_events) in [
            (client.close_sent, &server.events),
            (server.close_sent, &client.events),
        ] {
            if let Some(code) = closer {
                assert!(
                    peer_events
                        .iter()
                        .any(|e| matches!(e, Seen::Close(c, _) if *c == code)),
                    "close {code} not seen: {peer_events:?}"
                );
            }
        }
        if client.close_sent.is_none() && server.close_sent.is_none() {
            assert_eq!(whole_at_server, client.sent_messages.len());
            assert_eq!(whole_at_client, server.sent_messages.len());
        }
        if client.close_sent.is_some() || server.close_sent.is_some() {
            assert_eq!(client.conn.state(), State::Closed);
            assert_eq!(server.conn.state(), State::Closed);
        }
    }
});
