//! RFC 6455 §5.4: fragmented messages, interleaved control frames, and the
//! ordering rules a peer can break.

mod common;

use common::*;
use rfc6455::{Config, Opcode, ProtocolError, Role, State};

#[test]
fn rfc_5_7_fragmented_hello() {
    let out = client_all_ways(&cat(&[
        server_frame(0x01, b"Hel"),
        server_frame(0x80, b"lo"),
    ]));
    assert_eq!(out.events, [text("Hello")]);
}

#[test]
fn many_fragments_including_empty_ones() {
    let input = cat(&[
        client_frame(0x02, b""),
        client_frame(0x00, b"a"),
        client_frame(0x00, b""),
        client_frame(0x00, b"bc"),
        client_frame(0x80, b""),
    ]);
    assert_eq!(server_all_ways(&input).events, [binary(b"abc")]);
}

#[test]
fn text_split_inside_characters_across_fragments() {
    let s = "a€𝄞é".as_bytes();
    for cut in 0..=s.len() {
        let input = cat(&[client_frame(0x01, &s[..cut]), client_frame(0x80, &s[cut..])]);
        assert_eq!(server_all_ways(&input).events, [text("a€𝄞é")], "cut {cut}");
    }
}

#[test]
fn control_frames_between_fragments_are_delivered_at_once() {
    let input = cat(&[
        client_frame(0x01, b"fra"),
        client_frame(0x89, b"p1"),
        client_frame(0x00, b"gme"),
        client_frame(0x8a, b"p2"),
        client_frame(0x89, b""),
        client_frame(0x80, b"nted"),
    ]);
    let out = server_all_ways(&input);
    assert_eq!(
        out.events,
        [
            Ev::Ping(b"p1".to_vec()),
            Ev::Pong(b"p2".to_vec()),
            Ev::Ping(vec![]),
            text("fragmented"),
        ]
    );
    assert_eq!(
        out.sent,
        [(Opcode::Pong, b"p1".to_vec()), (Opcode::Pong, vec![])],
        "a Pong for each Ping, in order"
    );
}

#[test]
fn control_frame_at_every_position_of_a_fragmented_message() {
    let parts: [&[u8]; 4] = [b"ab", b"cd", b"ef", b"gh"];
    for at in 0..=parts.len() {
        let mut frames = Vec::new();
        for (i, p) in parts.iter().enumerate() {
            if i == at {
                frames.push(client_frame(0x89, b"ping"));
            }
            let first = if i == 0 { 0x02 } else { 0x00 };
            let fin = if i == parts.len() - 1 { 0x80 } else { 0 };
            frames.push(client_frame(first | fin, p));
        }
        if at == parts.len() {
            frames.push(client_frame(0x89, b"ping"));
        }
        let out = server_all_ways(&cat(&frames));
        let mut expected = vec![binary(b"abcdefgh")];
        expected.insert(usize::from(at == parts.len()), Ev::Ping(b"ping".to_vec()));
        assert_eq!(out.events, expected, "ping at {at}");
    }
}

#[test]
fn fragmented_message_larger_than_storage_with_interleaved_ping() {
    let body: Vec<u8> = (0..2000u32).map(|i| (i % 200) as u8).collect();
    let mut frames = Vec::new();
    for (i, chunk) in body.chunks(300).enumerate() {
        let first = if i == 0 { 0x02 } else { 0x00 };
        let fin = if (i + 1) * 300 >= body.len() { 0x80 } else { 0 };
        frames.push(client_frame(first | fin, chunk));
        frames.push(client_frame(0x89, &[i as u8]));
    }
    let input = cat(&frames);
    let out = run_all_ways_with(Role::Server, Config::new(), 256, &input, false);
    let pings = out
        .events
        .iter()
        .filter(|e| matches!(e, Ev::Ping(_)))
        .count();
    assert_eq!(pings, 7);
    let data: Vec<u8> = out
        .events
        .iter()
        .filter_map(|e| match e {
            Ev::Binary(d, _) => Some(d.clone()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .concat();
    assert_eq!(data, body);
}

fn assert_fails(input: &[u8], err: ProtocolError, code: u16) {
    let out = server_all_ways(input);
    assert_eq!(
        out.error(),
        Some(rfc6455::Error::Protocol(err)),
        "{input:x?}"
    );
    assert_eq!(out.sent_close_code(), Some(code));
    assert_eq!(out.state, State::Failed);
    assert!(out.should_close);
}

#[test]
fn continuation_without_a_message_is_1002() {
    assert_fails(
        &client_frame(0x80, b"x"),
        ProtocolError::UnexpectedContinuation,
        1002,
    );
    assert_fails(
        &client_frame(0x00, b"x"),
        ProtocolError::UnexpectedContinuation,
        1002,
    );
    // After a finished message, too.
    let input = cat(&[client_frame(0x81, b"done"), client_frame(0x80, b"x")]);
    assert_fails(&input, ProtocolError::UnexpectedContinuation, 1002);
}

#[test]
fn new_message_inside_a_fragmented_one_is_1002() {
    let input = cat(&[client_frame(0x01, b"a"), client_frame(0x81, b"b")]);
    assert_fails(&input, ProtocolError::ExpectedContinuation, 1002);
    let input = cat(&[client_frame(0x02, b"a"), client_frame(0x02, b"b")]);
    assert_fails(&input, ProtocolError::ExpectedContinuation, 1002);
}

#[test]
fn fragmented_control_frame_is_1002() {
    assert_fails(
        &client_frame(0x09, b"x"),
        ProtocolError::FragmentedControlFrame,
        1002,
    );
}

#[test]
fn events_before_the_violation_are_kept() {
    let input = cat(&[
        client_frame(0x81, b"first"),
        client_frame(0x89, b"p"),
        client_frame(0x80, b"bad"),
        client_frame(0x81, b"never"),
    ]);
    let out = server_all_ways(&input);
    assert_eq!(
        out.events,
        [
            text("first"),
            Ev::Ping(b"p".to_vec()),
            proto_err(ProtocolError::UnexpectedContinuation)
        ]
    );
    assert_eq!(out.sent[0].0, rfc6455::Opcode::Pong);
    assert_eq!(out.sent_close_code(), Some(1002));
}

/// Text fragments that lie whole in storage are validated together, but the
/// first error in the stream is still the one reported, before any later
/// frame is looked at, whatever follows and however the bytes arrive.
#[test]
fn invalid_text_in_a_fragment_fails_before_any_later_frame() {
    let followers: [(Vec<u8>, &str); 4] = [
        (client_frame(0x00, b" more valid text"), "a valid fragment"),
        (client_frame(0x40, b"rsv1"), "a fragment with RSV1 set"),
        (client_frame(0x89, b"ping"), "a Ping"),
        (client_frame(0x81, b"new message"), "a new message"),
    ];
    for (follower, what) in followers {
        let input = cat(&[
            client_frame(0x01, "€ ok ".as_bytes()),
            client_frame(0x00, b"then \xed\xa0\x80 a surrogate"),
            follower,
            client_frame(0x80, b"end"),
        ]);
        let out = server_all_ways(&input);
        assert_eq!(
            out.events,
            [proto_err(ProtocolError::InvalidUtf8)],
            "followed by {what}"
        );
        assert_eq!(out.sent_close_code(), Some(1007), "followed by {what}");
    }
}

/// A character split across fragments, and a chunk boundary inside a
/// character, both in storage at once: the text arrives intact.
#[test]
fn characters_straddling_fragments_and_chunks_arrive_intact() {
    let text = "κόσμε €𝄞 ".repeat(40);
    let bytes = text.as_bytes();
    let mut frames = Vec::new();
    for (i, piece) in bytes.chunks(7).enumerate() {
        let first = if i == 0 { 0x01 } else { 0x00 };
        let fin = if (i + 1) * 7 >= bytes.len() { 0x80 } else { 0 };
        frames.push(client_frame(first | fin, piece));
    }
    let out = run_all_ways_with(Role::Server, Config::new(), 256, &cat(&frames), false);
    let got: String = out
        .events
        .iter()
        .map(|e| match e {
            Ev::Text(t, _) => t.clone(),
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    assert_eq!(got, text);
}
