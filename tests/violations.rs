//! Every RFC 6455 §5 rule a peer can break, through a `Connection` of each
//! role: the error reported, the Close frame sent with its code, and the
//! transport released. Plus the paths around closing that only a whole
//! connection has: abnormal closure in every state, simultaneous close, and
//! the checks on what this side sends.

mod common;

use common::*;
use rfc6455::{
    CloseCode, Config, Connection, Encoder, Error, Fragment, MessageKind, NoKeys, Opcode,
    ProtocolError, Role, State, UsageError,
};

/// Feeds `input` to `role` all ways and checks the whole failure: one error
/// event after `before`, one Close frame with `code` on the wire (masked
/// when a client sends it), `Failed`, and the transport to be closed.
fn fails(role: Role, input: &[u8], before: &[Ev], error: ProtocolError, code: u16) {
    let out = run_all_ways_with(role, Config::new(), 4096, input, false);
    let mut expected = before.to_vec();
    expected.push(proto_err(error));
    assert_eq!(out.events, expected, "{role:?} {input:02x?}");
    assert_eq!(out.sent_close_code(), Some(code), "{role:?} {input:02x?}");
    let closes = out.sent.iter().filter(|(op, _)| *op == Opcode::Close);
    assert_eq!(closes.count(), 1);
    assert_eq!(out.state, State::Failed);
    assert!(out.should_close);
    assert_eq!(error.close_code().as_u16(), code);
}

/// A frame as the peer of `role` would send it, correctly masked.
fn from_peer(role: Role, b0: u8, payload: &[u8]) -> Vec<u8> {
    raw(b0, role.is_server(), payload)
}

#[test]
fn section_5_1_masking_direction() {
    // "a client MUST mask all frames that it sends to the server" / "A
    // server MUST NOT mask any frames that it sends to the client".
    fails(
        Role::Server,
        &server_frame(0x81, b"hi"),
        &[],
        ProtocolError::UnmaskedFrame,
        1002,
    );
    fails(
        Role::Client,
        &client_frame(0x81, b"hi"),
        &[],
        ProtocolError::MaskedFrame,
        1002,
    );
}

#[test]
fn section_5_2_reserved_bits_and_opcodes() {
    for role in [Role::Server, Role::Client] {
        for rsv in [0x40, 0x20, 0x10, 0x70] {
            let input = from_peer(role, 0x81 | rsv, b"x");
            fails(role, &input, &[], ProtocolError::ReservedBits, 1002);
        }
        for opcode in (0x3..=0x7).chain(0xb..=0xf) {
            let input = from_peer(role, 0x80 | opcode, b"");
            fails(
                role,
                &input,
                &[],
                ProtocolError::ReservedOpcode(opcode),
                1002,
            );
        }
    }
}

#[test]
fn section_5_2_lengths_minimal_and_63_bit() {
    for role in [Role::Server, Role::Client] {
        let mask = if role.is_server() { 0x80 } else { 0 };
        let key: &[u8] = if role.is_server() { &KEY } else { &[] };
        // "the minimal number of bytes MUST be used to encode the length".
        let mut short16 = vec![0x82, mask | 126, 0x00, 0x05];
        short16.extend(key);
        short16.extend([0; 5]);
        fails(role, &short16, &[], ProtocolError::NonMinimalLength, 1002);
        let mut short64 = vec![0x82, mask | 127];
        short64.extend(0xffffu64.to_be_bytes());
        short64.extend(key);
        fails(role, &short64, &[], ProtocolError::NonMinimalLength, 1002);
        // "the most significant bit MUST be 0".
        let mut top = vec![0x82, mask | 127];
        top.extend((1u64 << 63).to_be_bytes());
        top.extend(key);
        fails(role, &top, &[], ProtocolError::LengthOverflow, 1002);
    }
}

#[test]
fn section_5_5_control_frames() {
    for role in [Role::Server, Role::Client] {
        // "All control frames MUST have a payload length of 125 bytes or
        // less and MUST NOT be fragmented."
        for opcode in [0x88, 0x89, 0x8a] {
            let input = from_peer(role, opcode, &[b'a'; 126]);
            fails(role, &input, &[], ProtocolError::ControlFrameTooLong, 1002);
            let input = from_peer(role, opcode & 0x0f, b"");
            fails(
                role,
                &input,
                &[],
                ProtocolError::FragmentedControlFrame,
                1002,
            );
        }
    }
}

#[test]
fn section_5_4_fragment_order_and_section_8_1_utf8_in_a_client() {
    let role = Role::Client;
    let input = from_peer(role, 0x80, b"orphan");
    fails(
        role,
        &input,
        &[],
        ProtocolError::UnexpectedContinuation,
        1002,
    );
    let input = cat(&[from_peer(role, 0x01, b"a"), from_peer(role, 0x81, b"b")]);
    fails(role, &input, &[], ProtocolError::ExpectedContinuation, 1002);
    let input = cat(&[
        from_peer(role, 0x81, b"ok"),
        from_peer(role, 0x81, b"\xc3\x28"),
    ]);
    fails(
        role,
        &input,
        &[text("ok")],
        ProtocolError::InvalidUtf8,
        1007,
    );
    let input = from_peer(role, 0x88, b"\x03\xe8\xff");
    fails(role, &input, &[], ProtocolError::InvalidCloseReason, 1007);
    let input = from_peer(role, 0x88, b"\x03\xed");
    fails(
        role,
        &input,
        &[],
        ProtocolError::InvalidCloseCode(1005),
        1002,
    );
}

#[test]
fn transport_lost_is_1006_in_every_open_state() {
    // §7.1.5 / §7.2.1: the transport closed without a close handshake.
    for role in [Role::Server, Role::Client] {
        let input = from_peer(role, 0x81, b"hi");
        let out = run_all_ways_with(role, Config::new(), 4096, &input, true);
        assert_eq!(out.events, [text("hi"), Ev::Close(1006, String::new())]);
        assert!(out.sent.is_empty(), "1006 is never sent");
        assert_eq!(out.state, State::Closed);
        assert!(out.should_close);
    }
    // After this side's Close, the peer hangs up without answering.
    let mut pair = Pair::open(Config::new(), test_keys());
    pair.client.close(CloseCode::NORMAL, "").unwrap();
    assert_eq!(pair.client.state(), State::CloseSent);
    pair.client.receive_eof();
    let mut events = Vec::new();
    deliver(&mut pair.client, &[], &mut events);
    assert_eq!(events, [Ev::Close(1006, String::new())]);
    assert_eq!(pair.client.state(), State::Closed);
}

#[test]
fn simultaneous_close_completes_on_both_sides() {
    // §5.5.1 / §7.1.3: both sides send a Close before receiving one; each
    // takes the other's as the answer and sends no second Close.
    let mut pair = Pair::open(Config::new(), test_keys());
    pair.client.close(CloseCode::new(4001), "client").unwrap();
    pair.server.close(CloseCode::new(4002), "server").unwrap();
    pair.pump();
    assert_eq!(pair.client_events, [Ev::Close(4002, "server".into())]);
    assert_eq!(pair.server_events, [Ev::Close(4001, "client".into())]);
    assert_eq!(pair.client.state(), State::Closed);
    assert_eq!(pair.server.state(), State::Closed);
    assert!(pair.server.should_close_transport());
    assert!(pair.client.peek_transmit().is_empty());
}

#[test]
fn a_client_masks_every_frame_with_a_fresh_key() {
    // §5.3: "The masking key needs to be unpredictable"; each frame gets its
    // own key from the key source.
    let mut conn = Connection::open(
        Role::Client,
        Config::new(),
        fixed(512),
        fixed(512),
        test_keys(),
    )
    .unwrap();
    conn.send_text("one").unwrap();
    conn.send_binary(b"two").unwrap();
    conn.ping(b"three").unwrap();
    let wire = conn.peek_transmit().to_vec();
    let keys = [&wire[2..6], &wire[11..15], &wire[20..24]];
    assert!(wire[1] & 0x80 != 0 && wire[10] & 0x80 != 0 && wire[19] & 0x80 != 0);
    assert!(
        keys[0] != keys[1] && keys[1] != keys[2] && keys[0] != keys[2],
        "{keys:02x?}"
    );
    let frames = decode_sent(Role::Client, wire);
    let payloads: Vec<&[u8]> = frames.iter().map(|(_, p)| p.as_slice()).collect();
    assert_eq!(payloads, [&b"one"[..], b"two", b"three"]);
}

fn server() -> Connection<Fixed, NoKeys> {
    Connection::open(Role::Server, Config::new(), fixed(512), fixed(512), NoKeys).unwrap()
}

fn prepared(opcode: Opcode, payload: &[u8], fragment: Fragment) -> Vec<u8> {
    let mut encoder = Encoder::server();
    let mut frame = vec![0; encoder.frame_len(payload.len())];
    encoder
        .frame(opcode, payload, fragment, &mut frame)
        .unwrap();
    frame
}

#[test]
fn prepared_text_must_be_utf8_across_fragments() {
    // §5.6: "the text data MUST be UTF-8" — also for frames encoded elsewhere.
    let invalid = Err(Error::Usage(UsageError::InvalidUtf8));
    let mut conn = server();
    assert_eq!(
        conn.send_prepared(&prepared(Opcode::Text, b"\xc3\x28", Fragment::Last)),
        invalid
    );
    // A character split across fragments is fine; a message ending inside
    // one is not.
    let euro = "€".as_bytes();
    conn.send_prepared(&prepared(Opcode::Text, &euro[..1], Fragment::More))
        .unwrap();
    conn.send_prepared(&prepared(Opcode::Continuation, &euro[1..], Fragment::More))
        .unwrap();
    assert_eq!(
        conn.send_prepared(&prepared(Opcode::Continuation, &euro[..2], Fragment::Last)),
        invalid
    );
    assert_eq!(
        conn.send_prepared(&prepared(Opcode::Continuation, b"\xff", Fragment::More)),
        invalid
    );
    conn.send_prepared(&prepared(Opcode::Continuation, &euro[..2], Fragment::More))
        .unwrap();
    conn.send_prepared(&prepared(Opcode::Continuation, &euro[2..], Fragment::Last))
        .unwrap();
    // Binary is not text.
    conn.send_prepared(&prepared(Opcode::Binary, b"\xff", Fragment::Last))
        .unwrap();
    let sent = decode_sent(Role::Server, conn.peek_transmit().to_vec());
    let ops: Vec<Opcode> = sent.iter().map(|(op, _)| *op).collect();
    assert_eq!(
        ops,
        [
            Opcode::Text,
            Opcode::Continuation,
            Opcode::Continuation,
            Opcode::Continuation,
            Opcode::Binary
        ]
    );
    // A `&str` fragment cannot finish a character a prepared frame began.
    let mut conn = server();
    conn.send_prepared(&prepared(Opcode::Text, &euro[..2], Fragment::More))
        .unwrap();
    assert_eq!(conn.send_text_fragment("x", Fragment::Last), invalid);
    conn.send_prepared(&prepared(Opcode::Continuation, &euro[2..], Fragment::More))
        .unwrap();
    conn.send_text_fragment("x", Fragment::Last).unwrap();
    // After `send_header` the payload was never seen: nothing to check.
    let _ = conn.poll_transmit(&mut [0; 64]);
    conn.send_header(MessageKind::Text, 2, Fragment::More)
        .unwrap();
    conn.send_prepared(&prepared(Opcode::Continuation, &euro[2..], Fragment::Last))
        .unwrap();
    // Frames with RSV bits are refused (no extension is in use).
    let mut rsv = prepared(Opcode::Binary, b"x", Fragment::Last);
    rsv[0] |= 0x40;
    assert_eq!(
        conn.send_prepared(&rsv),
        Err(Error::Usage(UsageError::InvalidFrame))
    );
}

#[test]
fn nothing_is_sent_before_the_handshake_and_only_control_frames_after_our_close() {
    let request = rfc6455::ClientRequest::new("example.com");
    let mut conn =
        Connection::client(&request, Config::new(), fixed(512), fixed(512), test_keys()).unwrap();
    let not_open = Err(Error::Usage(UsageError::NotOpen));
    assert_eq!(conn.send_text("x"), not_open);
    assert_eq!(conn.send_binary_fragment(b"x", Fragment::More), not_open);
    assert_eq!(conn.ping(b""), not_open);
    assert_eq!(conn.pong(b""), not_open);
    assert_eq!(conn.close(CloseCode::NORMAL, ""), not_open);
    assert_eq!(
        conn.send_header(MessageKind::Binary, 1, Fragment::Last)
            .map(|_| ()),
        not_open
    );

    let mut conn = server();
    conn.close(CloseCode::NORMAL, "").unwrap();
    let closed = Err(Error::Usage(UsageError::Closed));
    assert_eq!(conn.send_text("x"), closed);
    assert_eq!(conn.send_binary_fragment(b"x", Fragment::Last), closed);
    assert_eq!(
        conn.send_prepared(&prepared(Opcode::Text, b"x", Fragment::Last)),
        closed
    );
    assert_eq!(conn.close(CloseCode::NORMAL, ""), closed);
    let _ = conn.poll_transmit(&mut [0; 64]);
    assert_eq!(
        conn.send_header(MessageKind::Text, 1, Fragment::Last)
            .map(|_| ()),
        closed
    );
    // §5.5.1 forbids only data frames after a Close.
    conn.send_prepared(&prepared(Opcode::Pong, b"p", Fragment::Last))
        .unwrap();
    conn.send_prepared(&prepared(Opcode::Ping, b"q", Fragment::Last))
        .unwrap();
    let sent = decode_sent(Role::Server, conn.peek_transmit().to_vec());
    assert_eq!(
        sent,
        [(Opcode::Pong, b"p".to_vec()), (Opcode::Ping, b"q".to_vec())]
    );
}

#[test]
fn a_pong_held_back_by_a_flood_is_still_sent_when_either_side_closes() {
    // §5.5.3 allows answering only the latest Ping, but that one is owed
    // (§5.5.2), whether this side closes first or the peer does.
    for peer_closes in [false, true] {
        let mut conn =
            Connection::open(Role::Server, Config::new(), fixed(512), fixed(256), NoKeys).unwrap();
        for i in 0..100u8 {
            let ping = client_frame(0x89, &[i; 8]);
            assert_eq!(conn.receive(&ping), ping.len());
            while conn.poll_event().is_some() {}
        }
        if peer_closes {
            let close = client_frame(0x88, b"\x03\xe8");
            assert_eq!(conn.receive(&close), close.len());
            while conn.poll_event().is_some() {}
        } else {
            conn.close(CloseCode::NORMAL, "").unwrap();
        }
        let mut sent = Vec::new();
        let mut out = [0u8; 64];
        while let Some(n) = conn.poll_transmit(&mut out) {
            sent.extend_from_slice(&out[..n]);
        }
        let frames = decode_sent(Role::Server, sent);
        // The Pong for the latest Ping goes out, ahead of the Close.
        let tail = &frames[frames.len() - 2..];
        assert_eq!(
            tail,
            [
                (Opcode::Pong, vec![99; 8]),
                (Opcode::Close, b"\x03\xe8".to_vec())
            ],
            "{frames:?}"
        );
        assert_eq!(
            frames.iter().filter(|(op, _)| *op == Opcode::Close).count(),
            1
        );
        assert_eq!(
            conn.state(),
            if peer_closes {
                State::Closed
            } else {
                State::CloseSent
            }
        );
    }
}

#[test]
fn an_application_that_keeps_the_output_full_cannot_starve_a_pong() {
    let mut conn =
        Connection::open(Role::Server, Config::new(), fixed(512), fixed(1024), NoKeys).unwrap();
    let fill = |conn: &mut Connection<Fixed, NoKeys>| while conn.send_binary(&[7; 200]).is_ok() {};
    fill(&mut conn);
    let ping = client_frame(0x89, b"keepalive");
    assert_eq!(conn.receive(&ping), ping.len());
    while conn.poll_event().is_some() {}
    let mut sent = Vec::new();
    for _ in 0..20 {
        // The transport takes 300 bytes at a time; the application refills.
        let out = conn.peek_transmit();
        let n = out.len().min(300);
        sent.extend_from_slice(&out[..n]);
        conn.advance_transmit(n);
        fill(&mut conn);
    }
    let frames = decode_sent(Role::Server, sent);
    assert!(
        frames.contains(&(Opcode::Pong, b"keepalive".to_vec())),
        "no Pong among {} frames",
        frames.len()
    );
}

#[test]
fn a_client_refuses_a_predictable_key_source() {
    // §4.1: the nonce "MUST be selected randomly"; §5.3: masking keys
    // "MUST be derived from a strong source of entropy". NoKeys is all zeros.
    let refused = Error::Usage(UsageError::PredictableKeys);
    let request = rfc6455::ClientRequest::new("example.com");
    let client = Connection::client(&request, Config::new(), fixed(512), fixed(512), NoKeys);
    assert_eq!(client.err(), Some(refused));
    let open = Connection::open(Role::Client, Config::new(), fixed(512), fixed(512), NoKeys);
    assert_eq!(open.err(), Some(refused));
    // A server never masks, so NoKeys is what it takes.
    assert!(Connection::open(Role::Server, Config::new(), fixed(512), fixed(512), NoKeys).is_ok());
}
