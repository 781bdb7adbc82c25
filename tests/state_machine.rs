//! Walks the connection's transition table (the one in the docs of
//! `src/connection/state.rs`) cell by cell, in both roles, through the
//! public API only: every state is reached as an application would reach
//! it, every input applied as an application or a peer would apply it, and
//! the resulting state checked.

mod common;

use common::{client_frame, grow, server_frame, Grow, CHROME_REQUEST};
use rfc6455::{
    accept_key, ClientRequest, CloseCode, Config, Connection, KeySource, NoKeys, Rejection, Role,
    State,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Input {
    /// Server: `accept` of the request; client: the server's 101.
    HandshakeDone,
    /// Server: `reject` of the request.
    Reject,
    /// A malformed request (server) or a refusal (client).
    BadHandshake,
    /// `close()`.
    Close,
    /// The peer's Close frame arrives.
    PeerClose,
    /// Queued output is taken (the echo of the peer's Close goes out).
    EchoTaken,
    /// A protocol violation arrives (a frame with a reserved opcode).
    Violation,
    /// The transport ends.
    TransportEnded,
}

const INPUTS: [Input; 8] = [
    Input::HandshakeDone,
    Input::Reject,
    Input::BadHandshake,
    Input::Close,
    Input::PeerClose,
    Input::EchoTaken,
    Input::Violation,
    Input::TransportEnded,
];

const STATES: [State; 6] = [
    State::Connecting,
    State::Open,
    State::CloseSent,
    State::CloseReceived,
    State::Closed,
    State::Failed,
];

/// The table: the state after `input` in `from`, or `None` where the input
/// does not exist in that state (wire bytes during the handshake are a
/// handshake, not frames; an HTTP response after it is not a handshake).
/// Where it exists but the table says "cannot happen", the state must not
/// change: a command returns an error, or the input is discarded.
fn expected(role: Role, from: State, input: Input) -> Option<State> {
    use Input::*;
    use State::*;
    let server = role.is_server();
    match (from, input) {
        (Connecting, HandshakeDone) => Some(Open),
        (Connecting, Reject) => server.then_some(Closed),
        (Connecting, BadHandshake | TransportEnded) => Some(Failed),
        (Connecting, PeerClose | Violation) => None,
        (_, BadHandshake) => None,
        // A client has no command that completes a handshake: the 101 would
        // arrive as frame bytes.
        (_, HandshakeDone | Reject) if !server => None,
        (Open, Close) => Some(CloseSent),
        (Open, PeerClose) => Some(CloseReceived),
        (Open | CloseSent, Violation) => Some(Failed),
        (Open | CloseSent, TransportEnded) => Some(Closed),
        (CloseSent, PeerClose) => Some(Closed),
        (CloseReceived, EchoTaken) => Some(Closed),
        (state, _) => Some(state),
    }
}

/// A connection in `state`, reached as an application reaches it.
fn reach<K: KeySource>(mut conn: Connection<Grow, K>, state: State) -> Connection<Grow, K> {
    let role = conn.role();
    match state {
        State::Connecting => {}
        State::Open => {}
        State::CloseSent => conn.close(CloseCode::NORMAL, "bye").unwrap(),
        State::CloseReceived => apply(&mut conn, role, Input::PeerClose),
        State::Closed => {
            conn.close(CloseCode::NORMAL, "bye").unwrap();
            apply(&mut conn, role, Input::PeerClose);
        }
        State::Failed => apply(&mut conn, role, Input::Violation),
    }
    assert_eq!(conn.state(), state, "{role:?} did not reach {state:?}");
    conn
}

fn feed<K: KeySource>(conn: &mut Connection<Grow, K>, bytes: &[u8]) {
    let mut rest = bytes;
    for _ in 0..1000 {
        let n = conn.receive(rest);
        rest = &rest[n..];
        while conn.poll_event().is_some() {}
        if rest.is_empty() {
            return;
        }
    }
    panic!("input not taken");
}

fn peer_frame(role: Role, b0: u8, payload: &[u8]) -> Vec<u8> {
    match role {
        Role::Server => client_frame(b0, payload),
        Role::Client => server_frame(b0, payload),
    }
}

/// Applies `input`, draining events but not output (taking output is an
/// input of its own).
fn apply<K: KeySource>(conn: &mut Connection<Grow, K>, role: Role, input: Input) {
    let connecting = conn.state() == State::Connecting;
    match input {
        Input::HandshakeDone if role.is_server() => {
            if connecting {
                feed(conn, CHROME_REQUEST);
            }
            let _ = conn.accept(&rfc6455::Accept::new());
            while conn.poll_event().is_some() {}
        }
        Input::HandshakeDone => {
            let request = conn.peek_transmit().to_vec();
            let key = header_value(&request, "Sec-WebSocket-Key");
            let response = format!(
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\
                 Connection: Upgrade\r\nSec-WebSocket-Accept: {}\r\n\r\n",
                accept_key(key.as_bytes()).as_str()
            );
            feed(conn, response.as_bytes());
        }
        Input::Reject => {
            if connecting {
                feed(conn, CHROME_REQUEST);
            }
            let _ = conn.reject(&Rejection::new(403));
        }
        Input::BadHandshake if role.is_server() => feed(conn, b"NOT HTTP AT ALL\r\n\r\n"),
        Input::BadHandshake => feed(conn, b"HTTP/1.1 403 Forbidden\r\n\r\n"),
        Input::Close => {
            let _ = conn.close(CloseCode::NORMAL, "");
        }
        Input::PeerClose => feed(conn, &peer_frame(role, 0x88, b"\x03\xe8")),
        Input::EchoTaken => {
            let mut out = [0u8; 4096];
            while conn.poll_transmit(&mut out).is_some() {}
        }
        Input::Violation => feed(conn, &peer_frame(role, 0x83, b"")),
        Input::TransportEnded => {
            conn.receive_eof();
            while conn.poll_event().is_some() {}
        }
    }
}

fn header_value(head: &[u8], name: &str) -> String {
    let head = std::str::from_utf8(head).unwrap();
    head.lines()
        .find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
        })
        .unwrap()
}

/// Masking keys for the walk (never used for anything but masking here).
type Keys = fn(&mut [u8]);

fn fixed_keys(key: &mut [u8]) {
    key.fill(0x42);
}

fn fresh(role: Role, state: State) -> Connection<Grow, Keys> {
    let keys: Keys = fixed_keys;
    let (rx, tx) = (grow(4096), grow(4096));
    let config = Config::new();
    let conn = match (role, state) {
        (Role::Server, State::Connecting) => {
            unreachable!("a server's handshake starts from Connection::server (see the walk)")
        }
        (Role::Client, State::Connecting) => {
            Connection::client(&ClientRequest::new("example.com"), config, rx, tx, keys).unwrap()
        }
        (Role::Server, _) => Connection::open(role, config, rx, tx, keys).unwrap(),
        (Role::Client, _) => Connection::open(role, config, rx, tx, keys).unwrap(),
    };
    reach(conn, state)
}

fn check_cell<K: KeySource>(mut conn: Connection<Grow, K>, role: Role, from: State, input: Input) {
    let Some(to) = expected(role, from, input) else {
        return;
    };
    apply(&mut conn, role, input);
    assert_eq!(
        conn.state(),
        to,
        "{role:?}: {from:?} on {input:?} should give {to:?}"
    );
}

#[test]
fn every_cell_of_the_transition_table_in_both_roles() {
    let mut walked = 0;
    for role in [Role::Server, Role::Client] {
        for from in STATES {
            for input in INPUTS {
                if expected(role, from, input).is_none() {
                    continue;
                }
                if (role, from) == (Role::Server, State::Connecting) {
                    let conn = Connection::server(Config::new(), grow(4096), grow(4096)).unwrap();
                    check_cell::<NoKeys>(conn, role, from, input);
                } else {
                    check_cell(fresh(role, from), role, from, input);
                }
                walked += 1;
            }
        }
    }
    // 6 states × 8 inputs × 2 roles, less the cells that do not exist.
    assert_eq!(walked, 71);
}

#[test]
fn terminal_states_stay_terminal_whatever_arrives() {
    for role in [Role::Server, Role::Client] {
        for terminal in [State::Closed, State::Failed] {
            let mut conn = fresh(role, terminal);
            for input in INPUTS {
                if matches!(input, Input::HandshakeDone | Input::Reject) && !role.is_server() {
                    continue;
                }
                apply(&mut conn, role, input);
                assert_eq!(conn.state(), terminal, "{role:?} {terminal:?} on {input:?}");
            }
        }
    }
}
