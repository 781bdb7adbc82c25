//! Events for each kind of frame, and both input paths.

mod common;

use common::*;
use rfc6455::{AutoPong, Config, Connection, Event, MessageMode, NoKeys, Opcode, Role, State};

#[test]
fn text_and_binary_messages_in_order() {
    let input = cat(&[
        client_frame(0x81, b"Hello"),
        client_frame(0x82, &[0, 1, 2, 255]),
        client_frame(0x81, "κόσμε".as_bytes()),
        client_frame(0x81, b""),
        client_frame(0x82, b""),
    ]);
    let out = server_all_ways(&input);
    assert_eq!(
        out.events,
        [
            text("Hello"),
            binary(&[0, 1, 2, 255]),
            text("κόσμε"),
            text(""),
            binary(b"")
        ]
    );
    assert_eq!(out.state, State::Open);
    assert!(out.sent.is_empty());
}

#[test]
fn client_receives_unmasked_frames() {
    let input = cat(&[server_frame(0x81, b"Hello"), server_frame(0x82, &[9; 300])]);
    let out = client_all_ways(&input);
    assert_eq!(out.events, [text("Hello"), binary(&[9; 300])]);
}

#[test]
fn ping_is_surfaced_and_answered_with_the_same_payload() {
    let input = cat(&[client_frame(0x89, b"Hello"), client_frame(0x89, b"")]);
    let out = server_all_ways(&input);
    assert_eq!(out.events, [Ev::Ping(b"Hello".to_vec()), Ev::Ping(vec![])]);
    assert_eq!(
        out.sent,
        [(Opcode::Pong, b"Hello".to_vec()), (Opcode::Pong, vec![])]
    );
}

#[test]
fn auto_pong_can_be_disabled() {
    let config = Config::new().with_auto_pong(AutoPong::Disabled);
    let out = run_all_ways_with(Role::Server, config, 4096, &client_frame(0x89, b"x"), false);
    assert_eq!(out.events, [Ev::Ping(b"x".to_vec())]);
    assert!(out.sent.is_empty());
}

#[test]
fn pong_is_surfaced_and_not_answered() {
    let out = server_all_ways(&client_frame(0x8a, b"beat"));
    assert_eq!(out.events, [Ev::Pong(b"beat".to_vec())]);
    assert!(out.sent.is_empty());
}

#[test]
fn max_control_payload_round_trips() {
    let payload = [b'p'; 125];
    let out = server_all_ways(&client_frame(0x89, &payload));
    assert_eq!(out.events, [Ev::Ping(payload.to_vec())]);
    assert_eq!(out.sent, [(Opcode::Pong, payload.to_vec())]);
}

#[test]
fn message_larger_than_storage_arrives_in_chunks_on_char_boundaries() {
    // 300 three-byte characters: 900 bytes through a 256-byte storage.
    let message = "€".repeat(300);
    let input = client_frame(0x81, message.as_bytes());
    let out = run_all_ways_with(
        Role::Server,
        Config::new().with_message_mode(MessageMode::Stream),
        256,
        &input,
        false,
    );
    assert_eq!(out.events, [text(&message)]);
    // Each piece is a valid &str (checked by construction) and several came.
    let (pieces, _) = run_pieces(
        Role::Server,
        Config::new().with_message_mode(MessageMode::Stream),
        256,
        &input,
        &[],
        false,
    );
    assert!(pieces.len() >= 4, "{}", pieces.len());
    for piece in &pieces[..pieces.len() - 1] {
        // Chunks hold at most the storage less the longest header (14).
        assert!(matches!(piece, Ev::Text(s, false) if !s.is_empty() && s.len() <= 256 - 14));
    }
    assert!(matches!(pieces.last(), Some(Ev::Text(_, true))));
}

#[test]
#[cfg_attr(miri, ignore = "too slow under Miri")]
fn binary_larger_than_storage_streams_with_bounded_memory() {
    let data: Vec<u8> = (0..100_000u32).map(|i| (i * 31 % 251) as u8).collect();
    let input = client_frame(0x82, &data);
    let (pieces, out) = run_pieces(
        Role::Server,
        Config::new().with_message_mode(MessageMode::Stream),
        1024,
        &input,
        &[],
        false,
    );
    assert_eq!(out.events, [binary(&data)]);
    assert!(pieces
        .iter()
        .all(|p| matches!(p, Ev::Binary(d, _) if d.len() <= 1024 - 14)));
    let (_, split) = run_pieces(
        Role::Server,
        Config::new().with_message_mode(MessageMode::Stream),
        1024,
        &input,
        &[7, 5000, 77_777],
        false,
    );
    assert_eq!(split, out);
}

/// A fragmented message that turns out larger than a chunk, with Pings
/// between its fragments, fed whole: no chunk beyond the storage less 14
/// bytes, and all data before each Ping is delivered before it.
#[test]
fn chunks_of_a_fragmented_message_stay_within_the_limit_and_precede_later_pings() {
    let mut frames = Vec::new();
    for i in 0..6u8 {
        let first = if i == 0 { 0x02 } else { 0x00 };
        let fin = if i == 5 { 0x80 } else { 0 };
        frames.push(client_frame(first | fin, &[i; 100]));
        frames.push(client_frame(0x89, &[i]));
    }
    let input = cat(&frames);
    for cuts in [vec![], (1..input.len()).collect::<Vec<_>>(), vec![150, 400]] {
        let (pieces, _) = run_pieces(
            Role::Server,
            Config::new().with_message_mode(MessageMode::Stream),
            256,
            &input,
            &cuts,
            false,
        );
        let mut data_seen = 0;
        for piece in &pieces {
            match piece {
                Ev::Binary(d, _) => {
                    assert!(d.len() <= 256 - 14, "a chunk of {}", d.len());
                    data_seen += d.len();
                }
                // Ping i follows fragment i. The first two fragments are held
                // (the message might still fit in one chunk); from the third,
                // the message is known not to fit and flows out at once.
                Ev::Ping(p) => {
                    let i = usize::from(p[0]);
                    let want = if i < 2 { 0 } else { (i + 1) * 100 };
                    assert_eq!(data_seen, want, "before Ping {i}, cuts {}", cuts.len());
                }
                other => panic!("unexpected {other:?}"),
            }
        }
        assert_eq!(data_seen, 600);
    }
}

#[test]
fn message_that_fits_is_delivered_whole_however_it_arrives() {
    let data = vec![5u8; 3000];
    let input = client_frame(0x82, &data);
    let bytes: Vec<usize> = (1..input.len()).collect();
    let (pieces, _) = run_pieces(Role::Server, Config::new(), 4096, &input, &bytes, false);
    assert_eq!(pieces, [binary(&data)]);
}

#[test]
fn spare_and_commit_read_straight_into_storage() {
    let mut conn =
        Connection::open(Role::Server, Config::new(), [0u8; 512], [0u8; 512], NoKeys).unwrap();
    let wire = cat(&[client_frame(0x81, b"zero"), client_frame(0x81, b"copy")]);
    let mut seen = Vec::new();
    for chunk in wire.chunks(3) {
        let spare = conn.spare_mut();
        assert!(!spare.is_empty());
        spare[..chunk.len()].copy_from_slice(chunk);
        conn.commit(chunk.len());
        while let Some(ev) = conn.poll_event() {
            if let Ok(Event::Text { data, fin: true }) = ev {
                seen.push(data.to_owned());
            }
        }
    }
    assert_eq!(seen, ["zero", "copy"]);
}

#[test]
fn receive_takes_only_what_fits_and_poll_event_frees_room() {
    let mut conn =
        Connection::open(Role::Server, Config::new(), [0u8; 256], [0u8; 256], NoKeys).unwrap();
    let input = cat(&[client_frame(0x82, &[1; 200]), client_frame(0x82, &[2; 200])]);
    let taken = conn.receive(&input);
    assert_eq!(taken, 256);
    assert!(
        matches!(conn.poll_event(), Some(Ok(Event::Binary { data, fin: true })) if data == [1; 200])
    );
    assert!(conn.poll_event().is_none());
    let rest = conn.receive(&input[taken..]);
    assert_eq!(rest, input.len() - taken);
    assert!(
        matches!(conn.poll_event(), Some(Ok(Event::Binary { data, fin: true })) if data == [2; 200])
    );
}

#[test]
fn storage_below_the_minimum_is_refused() {
    let err = Connection::open(Role::Server, Config::new(), fixed(255), fixed(4096), NoKeys).err();
    assert_eq!(err, Some(rfc6455::BufferTooSmall { required: 256 }.into()));
    let err = Connection::open(Role::Server, Config::new(), fixed(4096), fixed(100), NoKeys).err();
    assert_eq!(err, Some(rfc6455::BufferTooSmall { required: 256 }.into()));
}

#[cfg(feature = "alloc")]
#[test]
fn reassembly_mode_delivers_whole_messages_beyond_the_storage() {
    let config = Config::new().with_message_mode(rfc6455::MessageMode::Reassemble);
    let message = "ab€".repeat(2000);
    let input = cat(&[
        client_frame(0x01, &message.as_bytes()[..1000]),
        client_frame(0x89, b"mid"),
        client_frame(0x80, &message.as_bytes()[1000..]),
    ]);
    let (pieces, out) = run_pieces(Role::Server, config, 256, &input, &[], false);
    assert_eq!(pieces, [Ev::Ping(b"mid".to_vec()), text(&message)]);
    let out2 = run_all_ways_with(Role::Server, config, 256, &input, false);
    assert_eq!(out2, out);
}

#[test]
fn prepared_frames_are_checked_and_copied() {
    use rfc6455::{Encoder, Error, Fragment, UsageError};
    let mut conn =
        Connection::open(Role::Server, Config::new(), fixed(512), fixed(512), NoKeys).unwrap();
    let mut enc = Encoder::server();
    let mut buf = [0u8; 64];
    let n = enc
        .frame(Opcode::Text, b"one", Fragment::More, &mut buf)
        .unwrap();
    conn.send_prepared(&buf[..n]).unwrap();
    // A new message may not start inside the fragmented one...
    let m = enc.binary(b"x", &mut buf[32..]).unwrap();
    assert_eq!(
        conn.send_prepared(&buf[32..32 + m]),
        Err(Error::Usage(UsageError::MessageInProgress))
    );
    // ...but control frames may interleave, and a continuation ends it.
    let m = enc.ping(b"p", &mut buf[32..]).unwrap();
    conn.send_prepared(&buf[32..32 + m]).unwrap();
    let m = enc
        .frame(Opcode::Continuation, b"two", Fragment::Last, &mut buf[32..])
        .unwrap();
    conn.send_prepared(&buf[32..32 + m]).unwrap();
    let m = enc
        .frame(Opcode::Continuation, b"x", Fragment::Last, &mut buf[32..])
        .unwrap();
    assert_eq!(
        conn.send_prepared(&buf[32..32 + m]),
        Err(Error::Usage(UsageError::NoMessageInProgress))
    );
    // Not exactly one frame, masked, or a Close: refused.
    assert_eq!(
        conn.send_prepared(&buf[..n - 1]),
        Err(Error::Usage(UsageError::InvalidFrame))
    );
    let mut two = buf[..n].to_vec();
    two.push(0);
    assert_eq!(
        conn.send_prepared(&two),
        Err(Error::Usage(UsageError::InvalidFrame))
    );
    let masked = client_frame(0x81, b"m");
    assert_eq!(
        conn.send_prepared(&masked),
        Err(Error::Usage(UsageError::InvalidFrame))
    );
    assert_eq!(
        conn.send_prepared(&server_frame(0x88, b"")),
        Err(Error::Usage(UsageError::InvalidFrame))
    );
    let sent = decode_sent(Role::Server, conn.peek_transmit().to_vec());
    assert_eq!(
        sent,
        [
            (Opcode::Text, b"one".to_vec()),
            (Opcode::Ping, b"p".to_vec()),
            (Opcode::Continuation, b"two".to_vec())
        ]
    );
    let mut client = Connection::open(
        Role::Client,
        Config::new(),
        fixed(512),
        fixed(512),
        test_keys(),
    )
    .unwrap();
    assert_eq!(
        client.send_prepared(&buf[..n]),
        Err(Error::Usage(UsageError::InvalidState))
    );
}

#[test]
fn send_header_hands_out_headers_for_zero_copy_writes() {
    use rfc6455::{Error, Fragment, MessageKind, UsageError};
    let mut conn =
        Connection::open(Role::Server, Config::new(), fixed(512), fixed(512), NoKeys).unwrap();
    conn.send_text("queued").unwrap();
    assert_eq!(
        conn.send_header(MessageKind::Binary, 3, Fragment::Last),
        Err(Error::Usage(UsageError::OutputPending))
    );
    let n = conn.peek_transmit().len();
    conn.advance_transmit(n);
    let first = conn
        .send_header(MessageKind::Binary, 70_000, Fragment::More)
        .unwrap();
    assert_eq!(
        first.as_bytes(),
        b"\x02\x7f\x00\x00\x00\x00\x00\x01\x11\x70"
    );
    assert_eq!(
        conn.send_header(MessageKind::Text, 1, Fragment::Last),
        Err(Error::Usage(UsageError::MessageInProgress))
    );
    let last = conn
        .send_header(MessageKind::Binary, 5, Fragment::Last)
        .unwrap();
    assert_eq!(last.as_bytes(), b"\x80\x05");
    conn.send_text("next message").unwrap();

    // A client gets a masking key to apply to its payload.
    let mut client = Connection::open(
        Role::Client,
        Config::new(),
        fixed(512),
        fixed(512),
        test_keys(),
    )
    .unwrap();
    let mut payload = *b"Hello";
    let header = client
        .send_header(MessageKind::Text, 5, Fragment::Last)
        .unwrap();
    rfc6455::apply_mask(&mut payload, header.mask_key().unwrap(), 0);
    let wire = [header.as_bytes(), &payload[..]].concat();
    let out = run_all_ways_with(Role::Server, Config::new(), 512, &wire, false);
    assert_eq!(out.events, [text("Hello")]);
}

#[test]
fn poll_transmit_into_an_empty_buffer_says_output_is_still_queued() {
    let mut conn =
        Connection::open(Role::Server, Config::new(), fixed(512), fixed(512), NoKeys).unwrap();
    assert_eq!(conn.poll_transmit(&mut []), None);
    conn.send_text("hi").unwrap();
    assert_eq!(conn.poll_transmit(&mut []), Some(0));
    let mut out = [0u8; 3];
    assert_eq!(conn.poll_transmit(&mut out), Some(3));
    assert_eq!(conn.poll_transmit(&mut out), Some(1));
    assert_eq!(&out[..1], b"i");
    assert_eq!(conn.poll_transmit(&mut out), None);
}

/// Frames that lie whole in storage take a shortcut; fed whole, split and
/// byte by byte (`all_ways`), the events, errors and close codes must be the
/// same as the general path's, at every edge of that shortcut.
#[test]
fn whole_frames_and_split_frames_give_the_same_events() {
    let long = "κόσμε aé€😀 русский 中文 — long enough for the vector check ".repeat(4);
    let ok = cat(&[
        client_frame(0x81, b"short"),
        client_frame(0x81, long.as_bytes()),
        client_frame(0x82, &[0xff; 200]),
        client_frame(0x81, b""),
        client_frame(0x01, b"frag"),
        client_frame(0x81, b"interleaved"), // a new message inside a fragmented one
    ]);
    let out = server_all_ways(&ok);
    assert_eq!(
        out.events[..4],
        [text("short"), text(&long), binary(&[0xff; 200]), text("")]
    );
    assert_eq!(
        out.error(),
        Some(rfc6455::Error::Protocol(
            rfc6455::ProtocolError::ExpectedContinuation
        ))
    );
    assert_eq!(out.sent_close_code(), Some(1002));

    let mut bad_long = long.clone().into_bytes();
    bad_long[150] = 0xff;
    let cases: [(Vec<u8>, u16); 5] = [
        (client_frame(0x81, &bad_long), 1007),
        (client_frame(0x81, b"\xed\xa0\x80"), 1007),
        (client_frame(0xc1, b"rsv1"), 1002),
        (server_frame(0x81, b"unmasked"), 1002),
        (client_frame(0x83, b"reserved opcode"), 1002),
    ];
    for (frame, code) in cases {
        let out = server_all_ways(&cat(&[client_frame(0x81, b"first"), frame]));
        assert_eq!(out.events[0], text("first"));
        assert_eq!(out.sent_close_code(), Some(code));
        assert_eq!(out.state, State::Failed);
    }

    // Limits: a frame over `max_frame_len` or a message over
    // `max_message_len` fails with 1009 even when it is all in storage.
    for config in [
        Config::new().with_max_frame_len(10),
        Config::new().with_max_message_len(10),
    ] {
        let input = cat(&[client_frame(0x82, &[1; 10]), client_frame(0x82, &[1; 11])]);
        let out = run_all_ways_with(Role::Server, config, 4096, &input, false);
        assert_eq!(out.events[0], binary(&[1; 10]));
        assert_eq!(out.sent_close_code(), Some(1009));
    }
}

/// A text continuation taken whole while the message already flows out in
/// chunks is delivered in the same `poll_event` round, not held back until
/// more input arrives (a stalled run loop would wait on the socket forever).
#[test]
fn streamed_text_is_delivered_in_the_round_its_bytes_arrive() {
    let first = client_frame(0x01, &[b'x'; 250]);
    let second = client_frame(0x00, b"hello");
    let mut conn = Connection::open(
        Role::Server,
        Config::new().with_message_mode(MessageMode::Stream),
        fixed(256),
        fixed(256),
        NoKeys,
    )
    .unwrap();
    // One drain per read, as a run loop does before it waits on the socket.
    fn drain(conn: &mut Connection<Fixed, NoKeys>, text: &mut String) {
        while let Some(event) = conn.poll_event() {
            match event.unwrap() {
                Event::Text { data, .. } => text.push_str(data),
                other => panic!("unexpected {other:?}"),
            }
        }
    }
    let mut text = String::new();
    let mut rest = &first[..];
    while !rest.is_empty() {
        let n = conn.receive(rest);
        rest = &rest[n..];
        drain(&mut conn, &mut text);
    }
    assert_eq!(text.len(), 250);
    assert_eq!(conn.receive(&second), second.len());
    drain(&mut conn, &mut text);
    assert_eq!(&text[250..], "hello");
}
