//! RFC 6455 §5.5.1 and §7: the close handshake, who closes the transport,
//! abnormal closure, and invalid Close frames.

mod common;

use common::*;
use rfc6455::{CloseCode, Config, Error, Opcode, ProtocolError, Role, State, UsageError};

#[test]
fn server_echoes_the_clients_close_code_and_closes_first() {
    let input = client_frame(0x88, b"\x03\xe8bye");
    let out = server_all_ways(&input);
    assert_eq!(out.events, [Ev::Close(1000, "bye".into())]);
    // §5.5.1: the echo carries the received status code.
    assert_eq!(out.sent, [(Opcode::Close, b"\x03\xe8".to_vec())]);
    assert_eq!(out.state, State::Closed);
    // §7.1.1: the server closes the TCP connection first.
    assert!(out.should_close);
}

#[test]
fn client_waits_for_the_server_to_close_the_transport() {
    let input = server_frame(0x88, b"\x0f\xa1");
    let out = run_all_ways_with(Role::Client, Config::new(), 4096, &input, false);
    assert_eq!(out.events, [Ev::Close(4001, String::new())]);
    assert_eq!(out.sent, [(Opcode::Close, b"\x0f\xa1".to_vec())]);
    assert_eq!(out.state, State::Closed);
    assert!(!out.should_close, "client waits for the server's TCP close");
    let out = run_all_ways_with(Role::Client, Config::new(), 4096, &input, true);
    assert!(out.should_close);
    assert_eq!(
        out.events.len(),
        1,
        "EOF after a clean close is not abnormal"
    );
}

#[test]
fn empty_close_is_reported_as_1005_and_echoed_empty() {
    let out = server_all_ways(&client_frame(0x88, b""));
    assert_eq!(out.events, [Ev::Close(1005, String::new())]);
    assert_eq!(out.sent, [(Opcode::Close, vec![])]);
}

#[test]
fn client_initiated_close_handshake_end_to_end() {
    let mut pair = Pair::open(Config::new(), test_keys());
    pair.client.send_text("last words").unwrap();
    pair.client.close(CloseCode::GOING_AWAY, "leaving").unwrap();
    assert_eq!(pair.client.state(), State::CloseSent);
    // No data after close (§5.5.1).
    assert_eq!(
        pair.client.send_text("more"),
        Err(Error::Usage(UsageError::Closed))
    );
    assert_eq!(
        pair.client.close(CloseCode::NORMAL, ""),
        Err(Error::Usage(UsageError::Closed))
    );
    pair.pump();
    assert_eq!(
        pair.server_events,
        [text("last words"), Ev::Close(1001, "leaving".into())]
    );
    assert_eq!(pair.client_events, [Ev::Close(1001, String::new())]);
    assert_eq!(pair.server.state(), State::Closed);
    assert_eq!(pair.client.state(), State::Closed);
    assert!(pair.server.should_close_transport());
    assert!(!pair.client.should_close_transport());
    pair.client.receive_eof();
    assert!(pair.client.poll_event().is_none());
    assert!(pair.client.should_close_transport());
}

#[test]
fn server_initiated_close_still_delivers_messages_until_the_peers_close() {
    let mut pair = Pair::open(Config::new(), test_keys());
    pair.server.close(CloseCode::new(4000), "").unwrap();
    // The client sends before it sees the Close.
    pair.client.send_binary(b"in flight").unwrap();
    pair.pump();
    assert_eq!(pair.server_events[0], binary(b"in flight"));
    assert_eq!(pair.server_events[1], Ev::Close(4000, String::new()));
    assert_eq!(pair.client_events, [Ev::Close(4000, String::new())]);
    assert!(pair.server.should_close_transport());
}

#[test]
fn eof_before_close_is_an_abnormal_closure_never_sent() {
    let input = client_frame(0x81, b"hi");
    let out = run_all_ways_with(Role::Server, Config::new(), 4096, &input, true);
    assert_eq!(out.events, [text("hi"), Ev::Close(1006, String::new())]);
    assert!(out.sent.is_empty(), "1006 never goes on the wire");
    assert_eq!(out.state, State::Closed);
    assert!(out.should_close);
    // EOF in the middle of a message too.
    let input = client_frame(0x81, b"truncated");
    let out = run_all_ways_with(Role::Server, Config::new(), 4096, &input[..8], true);
    assert_eq!(out.events, [Ev::Close(1006, String::new())]);
}

#[test]
fn invalid_close_frames_fail_with_1002() {
    let cases: &[(&[u8], ProtocolError)] = &[
        (b"\x03", ProtocolError::InvalidClosePayload),
        (b"\x00\x00", ProtocolError::InvalidCloseCode(0)),
        (b"\x03\xe7", ProtocolError::InvalidCloseCode(999)),
        (b"\x03\xec", ProtocolError::InvalidCloseCode(1004)),
        (b"\x03\xed", ProtocolError::InvalidCloseCode(1005)),
        (b"\x03\xee", ProtocolError::InvalidCloseCode(1006)),
        (b"\x03\xf7", ProtocolError::InvalidCloseCode(1015)),
        (b"\x0b\xb7", ProtocolError::InvalidCloseCode(2999)),
        (b"\x13\x88", ProtocolError::InvalidCloseCode(5000)),
        (b"\xff\xff", ProtocolError::InvalidCloseCode(65535)),
    ];
    for (payload, err) in cases {
        let out = server_all_ways(&client_frame(0x88, payload));
        assert_eq!(out.error(), Some(Error::Protocol(*err)), "{payload:x?}");
        assert_eq!(out.sent_close_code(), Some(1002));
        assert_eq!(out.state, State::Failed);
    }
    for code in [
        1000u16, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999,
        4000, 4999,
    ] {
        let out = server_all_ways(&client_frame(0x88, &code.to_be_bytes()));
        assert_eq!(out.events, [Ev::Close(code, String::new())], "{code}");
    }
}

#[test]
fn data_after_close_is_ignored() {
    let input = cat(&[
        client_frame(0x88, b"\x03\xe8"),
        client_frame(0x81, b"ignored"),
        client_frame(0x89, b"ignored"),
        client_frame(0x83, b""), // would be a violation, but is never looked at
    ]);
    let out = server_all_ways(&input);
    assert_eq!(out.events, [Ev::Close(1000, String::new())]);
    assert_eq!(out.sent, [(Opcode::Close, b"\x03\xe8".to_vec())]);
}

#[test]
fn protocol_error_sends_one_close_then_ignores_input() {
    let input = cat(&[client_frame(0x83, b""), client_frame(0x88, b"\x03\xe8")]);
    let out = server_all_ways(&input);
    assert_eq!(out.events, [proto_err(ProtocolError::ReservedOpcode(3))]);
    assert_eq!(out.sent.len(), 1);
    assert_eq!(out.sent_close_code(), Some(1002));
    assert!(out.should_close);
}

#[test]
fn failure_after_our_close_sends_no_second_close() {
    let mut pair = Pair::open(Config::new(), test_keys());
    pair.server.close(CloseCode::NORMAL, "").unwrap();
    let mut sent = Vec::new();
    let mut events = Vec::new();
    drain(&mut pair.server, &mut events, &mut sent);
    deliver(&mut pair.server, &client_frame(0x83, b""), &mut events);
    drain(&mut pair.server, &mut events, &mut sent);
    let frames = decode_sent(Role::Server, sent);
    assert_eq!(
        frames.iter().filter(|(op, _)| *op == Opcode::Close).count(),
        1
    );
    assert_eq!(pair.server.state(), State::Failed);
}

#[test]
fn pings_are_answered_after_our_close_until_the_peers_close() {
    // §5.5.2: a Pong answers every Ping "unless it already received a Close
    // frame"; §5.5.1 forbids only data frames after sending a Close.
    let mut pair = Pair::open(Config::new(), test_keys());
    pair.server.close(CloseCode::NORMAL, "").unwrap();
    let mut sent = Vec::new();
    let mut events = Vec::new();
    drain(&mut pair.server, &mut events, &mut sent);
    deliver(&mut pair.server, &client_frame(0x89, b"hi"), &mut events);
    drain(&mut pair.server, &mut events, &mut sent);
    assert_eq!(events, [Ev::Ping(b"hi".to_vec())]);
    assert_eq!(pair.server.state(), State::CloseSent);
    // The application may still send control frames, but no data.
    pair.server.pong(b"beat").unwrap();
    pair.server.ping(b"p").unwrap();
    assert_eq!(
        pair.server.send_text("late"),
        Err(Error::Usage(UsageError::Closed))
    );
    drain(&mut pair.server, &mut events, &mut sent);
    assert_eq!(
        decode_sent(Role::Server, sent),
        [
            (Opcode::Close, b"\x03\xe8".to_vec()),
            (Opcode::Pong, b"hi".to_vec()),
            (Opcode::Pong, b"beat".to_vec()),
            (Opcode::Ping, b"p".to_vec()),
        ]
    );
    // Once the peer's Close arrives, nothing more goes out.
    deliver(
        &mut pair.server,
        &client_frame(0x88, b"\x03\xe8"),
        &mut events,
    );
    assert_eq!(pair.server.state(), State::Closed);
    assert_eq!(
        pair.server.pong(b"x"),
        Err(Error::Usage(UsageError::Closed))
    );
}

#[test]
fn outbound_close_codes_are_checked() {
    let mut pair = Pair::open(Config::new(), test_keys());
    for bad in [1004u16, 1005, 1006, 1015, 999, 2000, 5000] {
        assert_eq!(
            pair.client.close(CloseCode::new(bad), ""),
            Err(Error::Usage(UsageError::InvalidCloseCode(bad)))
        );
    }
    let long = "x".repeat(124);
    assert_eq!(
        pair.client.close(CloseCode::NORMAL, &long),
        Err(Error::Usage(UsageError::CloseReasonTooLong))
    );
    assert_eq!(pair.client.state(), State::Open, "still usable");
    pair.client.close(CloseCode::NORMAL, &long[..123]).unwrap();
}

#[test]
fn replies_to_messages_drained_with_the_close_go_out_before_the_echo() {
    // An echo server drains "hi" and the Close in one batch, then echoes.
    let mut conn = rfc6455::Connection::open(
        Role::Server,
        Config::new(),
        fixed(512),
        fixed(512),
        rfc6455::NoKeys,
    )
    .unwrap();
    let input = cat(&[client_frame(0x81, b"hi"), client_frame(0x88, b"\x03\xe8")]);
    let mut events = Vec::new();
    deliver(&mut conn, &input, &mut events);
    assert_eq!(events, [text("hi"), Ev::Close(1000, String::new())]);
    assert_eq!(conn.state(), State::CloseReceived);
    conn.send_text("hi").unwrap();
    let mut out = vec![0u8; 512];
    let n = conn.poll_transmit(&mut out).unwrap();
    assert_eq!(
        decode_sent(Role::Server, out[..n].to_vec()),
        [
            (Opcode::Text, b"hi".to_vec()),
            (Opcode::Close, b"\x03\xe8".to_vec())
        ]
    );
    assert_eq!(conn.state(), State::Closed);
    assert_eq!(
        conn.send_text("late"),
        Err(Error::Usage(UsageError::Closed))
    );
    assert!(conn.should_close_transport());
}

#[test]
fn the_echo_can_be_replaced_before_it_is_written() {
    let mut conn = rfc6455::Connection::open(
        Role::Server,
        Config::new(),
        fixed(512),
        fixed(512),
        rfc6455::NoKeys,
    )
    .unwrap();
    let mut events = Vec::new();
    deliver(&mut conn, &client_frame(0x88, b"\x03\xe8"), &mut events);
    conn.close(CloseCode::new(4002), "custom").unwrap();
    let mut out = vec![0u8; 512];
    let n = conn.poll_transmit(&mut out).unwrap();
    assert_eq!(
        decode_sent(Role::Server, out[..n].to_vec()),
        [(Opcode::Close, b"\x0f\xa2custom".to_vec())]
    );
}
