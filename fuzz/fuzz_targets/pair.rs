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

fn messages(events: &[Seen]) -> Vec<Seen> {
    merge(events.to_vec())
        .into_iter()
        .filter(|e| matches!(e, Seen::Text(..) | Seen::Binary(..)))
        .collect()
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
    let got_by_server = messages(&server.events);
    let got_by_client = messages(&client.events);
    // Whatever arrived is what was sent, in order (a prefix when cut or closed).
    assert!(
        client.sent_messages.starts_with(&got_by_server),
        "server got {got_by_server:?}, client sent {:?}",
        client.sent_messages
    );
    assert!(
        server.sent_messages.starts_with(&got_by_client),
        "client got {got_by_client:?}, server sent {:?}",
        server.sent_messages
    );
    if !cut {
        // Everything was delivered: each side's Close arrived with its code,
        // and every message sent before it arrived.
        for (closer, peer_events, sent) in [
            (client.close_sent, &server.events, &client.sent_messages),
            (server.close_sent, &client.events, &server.sent_messages),
        ] {
            if let Some(code) = closer {
                assert!(
                    peer_events
                        .iter()
                        .any(|e| matches!(e, Seen::Close(c, _) if *c == code)),
                    "close {code} not seen: {peer_events:?}"
                );
            } else if closer.is_none() && client.close_sent.is_none() && server.close_sent.is_none()
            {
                assert_eq!(&messages(peer_events), sent);
            }
        }
        if client.close_sent.is_some() || server.close_sent.is_some() {
            assert_eq!(client.conn.state(), State::Closed);
            assert_eq!(server.conn.state(), State::Closed);
        }
    }
});
