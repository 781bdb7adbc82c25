//! RFC 6455 §5.6 and §8.1: text must be UTF-8; the connection fails with 1007
//! as soon as an invalid byte arrives.

mod common;

use common::*;
use rfc6455::{Config, Connection, Error, Event, NoKeys, ProtocolError, Role, State};

fn assert_1007(input: &[u8]) -> Outcome {
    let out = server_all_ways(input);
    assert_eq!(
        out.error(),
        Some(Error::Protocol(ProtocolError::InvalidUtf8)),
        "{input:x?}"
    );
    assert_eq!(out.sent_close_code(), Some(1007));
    assert_eq!(out.state, State::Failed);
    out
}

#[test]
fn invalid_text_in_one_frame_is_1007() {
    for bad in [
        &b"\xff"[..],
        b"\xc0\xaf",
        b"\xed\xa0\x80",
        b"\xf4\x90\x80\x80",
        b"\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80\x65\x64\x69\x74\x65\x64",
        b"ok\x80",
    ] {
        assert_1007(&client_frame(0x81, bad));
    }
}

#[test]
fn text_ending_inside_a_character_is_1007() {
    assert_1007(&client_frame(0x81, b"abc\xe2\x82"));
    assert_1007(&cat(&[
        client_frame(0x01, b"\xf0\x9f"),
        client_frame(0x80, b""),
    ]));
}

#[test]
fn fails_fast_before_the_message_ends() {
    // The invalid byte is in the first fragment; the message never finishes.
    let input = cat(&[
        client_frame(0x01, b"valid \xed\xa0\x80 then"),
        client_frame(0x00, b"more"),
    ]);
    let out = assert_1007(&input);
    assert_eq!(out.events.len(), 1, "nothing delivered before the error");

    // Within a single frame whose end has not arrived yet.
    let frame = client_frame(
        0x81,
        b"\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80 lots more",
    );
    let first_bad = 6 + 12; // header + mask + the 12 valid bytes and 0xed
    let mut conn = Connection::open(
        Role::Server,
        Config::new(),
        fixed(4096),
        fixed(4096),
        NoKeys,
    )
    .unwrap();
    let _ = conn.receive(&frame[..first_bad]);
    assert!(
        conn.poll_event().is_none(),
        "0xed can still begin a character"
    );
    let _ = conn.receive(&frame[first_bad..first_bad + 1]);
    assert_eq!(
        conn.poll_event().map(|r| r.err()),
        Some(Some(Error::Protocol(ProtocolError::InvalidUtf8)))
    );
}

#[test]
fn invalid_sequences_split_across_fragments_fail() {
    let bad = b"\xf4\x90\x80\x80";
    for cut in 0..=bad.len() {
        assert_1007(&cat(&[
            client_frame(0x01, &bad[..cut]),
            client_frame(0x80, &bad[cut..]),
        ]));
    }
}

#[test]
fn valid_text_at_every_fragment_split_passes() {
    let s = "Hello-µ@ßöäüàá-UTF-8!!".as_bytes();
    for cut in 0..=s.len() {
        let input = cat(&[client_frame(0x01, &s[..cut]), client_frame(0x80, &s[cut..])]);
        let out = server_all_ways(&input);
        assert_eq!(out.events, [text("Hello-µ@ßöäüàá-UTF-8!!")]);
    }
}

#[test]
fn invalid_close_reason_is_1007() {
    let out = server_all_ways(&client_frame(0x88, b"\x03\xe8\xce\xba\xe1\xbd\xed\xa0\x80"));
    assert_eq!(
        out.error(),
        Some(Error::Protocol(ProtocolError::InvalidCloseReason))
    );
    assert_eq!(out.sent_close_code(), Some(1007));
}

#[test]
fn binary_is_not_validated() {
    let out = server_all_ways(&client_frame(0x82, b"\xff\xfe\xed\xa0\x80"));
    assert_eq!(out.events, [binary(b"\xff\xfe\xed\xa0\x80")]);
}

#[test]
fn chunked_delivery_never_splits_a_character() {
    let mut conn =
        Connection::open(Role::Server, Config::new(), fixed(256), fixed(512), NoKeys).unwrap();
    let message = "𝄞".repeat(200); // 4-byte characters, 800 bytes
    let input = client_frame(0x81, message.as_bytes());
    let mut got = String::new();
    let mut rest = &input[..];
    while !rest.is_empty() {
        let n = conn.receive(rest);
        rest = &rest[n..];
        while let Some(ev) = conn.poll_event() {
            match ev.unwrap() {
                Event::Text { data, .. } => got.push_str(data),
                other => panic!("{other:?}"),
            }
        }
    }
    assert_eq!(got, message);
}
