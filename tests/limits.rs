//! Every limit a peer can hit: frame and message length, fragment count,
//! ping floods, giant declared lengths. Each fails with the right code and
//! never grows memory.

mod common;

use common::*;
use rfc6455::{
    Config, Connection, Error, Event, MessageMode, NoKeys, Opcode, ProtocolError, Role, State,
};

fn fails_with(config: Config, input: &[u8], err: ProtocolError, code: u16) {
    let out = run_all_ways_with(Role::Server, config, 1024, input, false);
    assert_eq!(out.error(), Some(Error::Protocol(err)));
    assert_eq!(out.sent_close_code(), Some(code));
    assert_eq!(out.state, State::Failed);
}

#[test]
fn frame_longer_than_max_frame_len_is_1009() {
    let config = Config::new().with_max_frame_len(100);
    fails_with(
        config,
        &client_frame(0x82, &[0; 101]),
        ProtocolError::FrameTooLarge,
        1009,
    );
    let out = run_all_ways_with(
        Role::Server,
        config,
        1024,
        &client_frame(0x82, &[0; 100]),
        false,
    );
    assert_eq!(out.events, [binary(&[0; 100])]);
}

#[test]
fn message_longer_than_max_message_len_is_1009() {
    let config = Config::new().with_max_message_len(10);
    fails_with(
        config,
        &client_frame(0x81, b"eleven char"),
        ProtocolError::MessageTooLarge,
        1009,
    );
    let input = cat(&[client_frame(0x01, b"hello"), client_frame(0x80, b" world")]);
    fails_with(config, &input, ProtocolError::MessageTooLarge, 1009);
    let input = cat(&[client_frame(0x01, b"hello"), client_frame(0x80, b"world")]);
    let out = run_all_ways_with(Role::Server, config, 1024, &input, false);
    assert_eq!(out.events, [text("helloworld")]);
}

#[test]
fn too_many_fragments_is_1009() {
    let config = Config::new().with_max_fragments(3);
    let ok = cat(&[
        client_frame(0x01, b"a"),
        client_frame(0x00, b"b"),
        client_frame(0x80, b"c"),
    ]);
    let out = run_all_ways_with(Role::Server, config, 1024, &ok, false);
    assert_eq!(out.events, [text("abc")]);
    let too_many = cat(&[
        client_frame(0x01, b"a"),
        client_frame(0x00, b"b"),
        client_frame(0x00, b"c"),
        client_frame(0x80, b"d"),
    ]);
    fails_with(config, &too_many, ProtocolError::TooManyFragments, 1009);
}

#[test]
#[cfg_attr(miri, ignore = "too slow under Miri")]
fn a_million_one_byte_fragments_stream_through_small_storage() {
    let mut conn = Connection::open(
        Role::Server,
        Config::new(),
        fixed(1024),
        fixed(1024),
        NoKeys,
    )
    .unwrap();
    let fragment = client_frame(0x00, b"x");
    let mut total = 0usize;
    let feed = |conn: &mut Connection<Fixed>, bytes: &[u8], total: &mut usize| {
        let mut rest = bytes;
        while !rest.is_empty() {
            let n = conn.receive(rest);
            rest = &rest[n..];
            while let Some(ev) = conn.poll_event() {
                match ev.unwrap() {
                    Event::Binary { data, .. } => *total += data.len(),
                    other => panic!("{other:?}"),
                }
            }
        }
    };
    feed(&mut conn, &client_frame(0x02, b"x"), &mut total);
    let batch: Vec<u8> = fragment
        .iter()
        .copied()
        .cycle()
        .take(fragment.len() * 1000)
        .collect();
    for _ in 0..1000 {
        feed(&mut conn, &batch, &mut total);
    }
    feed(&mut conn, &client_frame(0x80, b"x"), &mut total);
    assert_eq!(total, 1_000_002);
    assert_eq!(conn.state(), State::Open);
}

#[test]
#[cfg_attr(miri, ignore = "too slow under Miri")]
fn ping_flood_without_draining_output_stays_within_the_transmit_storage() {
    let mut conn = Connection::open(
        Role::Server,
        Config::new(),
        fixed(1024),
        fixed(1024),
        NoKeys,
    )
    .unwrap();
    for i in 0..100_000u32 {
        let frame = client_frame(0x89, &i.to_be_bytes());
        let mut rest = &frame[..];
        while !rest.is_empty() {
            let n = conn.receive(rest);
            rest = &rest[n..];
            while let Some(ev) = conn.poll_event() {
                assert!(matches!(ev, Ok(Event::Ping(_))));
            }
        }
        assert!(conn.peek_transmit().len() <= 1024);
    }
    // Pongs were queued while they left half the storage free (6 bytes
    // each), then only the latest was kept (§5.5.3): the application still
    // has room for its own frames.
    let text = "x".repeat(400);
    conn.send_text(&text)
        .expect("the flood left room for the application");
    let mut sent = Vec::new();
    let mut out = vec![0u8; 1024];
    while let Some(n) = conn.poll_transmit(&mut out) {
        sent.extend_from_slice(&out[..n]);
    }
    let pongs = decode_sent(Role::Server, sent);
    assert_eq!(pongs.len(), 512 / 6 + 2);
    for (i, (op, payload)) in pongs[..pongs.len() - 2].iter().enumerate() {
        assert_eq!(
            (*op, payload.as_slice()),
            (Opcode::Pong, &(i as u32).to_be_bytes()[..])
        );
    }
    // The application's text went ahead of the one Pong kept back.
    assert_eq!(pongs[pongs.len() - 2], (Opcode::Text, text.into_bytes()));
    assert_eq!(
        pongs.last().unwrap(),
        &(Opcode::Pong, 99_999u32.to_be_bytes().to_vec())
    );
}

#[test]
fn ten_pings_in_one_read_get_ten_pongs() {
    // Autobahn 2.10/2.11: every Ping is answered while there is room, even
    // when all events are drained before any output is taken.
    let mut conn = Connection::open(
        Role::Server,
        Config::new(),
        fixed(1024),
        fixed(1024),
        NoKeys,
    )
    .unwrap();
    let input = cat(&(0..10u8)
        .map(|i| client_frame(0x89, &[i]))
        .collect::<Vec<_>>());
    assert_eq!(conn.receive(&input), input.len());
    let mut pings = 0;
    while let Some(ev) = conn.poll_event() {
        assert!(matches!(ev, Ok(Event::Ping(_))));
        pings += 1;
    }
    assert_eq!(pings, 10);
    let sent = decode_sent(Role::Server, conn.peek_transmit().to_vec());
    let pongs: Vec<Vec<u8>> = sent.iter().map(|(_, p)| p.clone()).collect();
    assert_eq!(pongs, (0..10u8).map(|i| vec![i]).collect::<Vec<_>>());
}

#[test]
fn giant_declared_length_fails_at_the_header_without_allocating() {
    // 2^63 - 1 bytes declared against the default 16 MiB limit.
    let mut input = vec![0x82, 0xff];
    input.extend(((1u64 << 63) - 1).to_be_bytes());
    input.extend(KEY);
    fails_with(Config::new(), &input, ProtocolError::FrameTooLarge, 1009);
    // 2^32 against a limit just below it (what a 32-bit target would use).
    let mut input = vec![0x82, 0xff];
    input.extend((1u64 << 32).to_be_bytes());
    input.extend(KEY);
    let config = Config::new().with_max_frame_len(u64::from(u32::MAX));
    fails_with(config, &input, ProtocolError::FrameTooLarge, 1009);
}

#[test]
fn length_above_u32_max_streams_when_allowed() {
    // 2^32 + 5 bytes declared, with the limits raised to allow them: on a
    // 32-bit target (CI runs this under Miri for i686) more than `usize` can
    // count. The connection streams the message as it arrives, as it does on
    // a 64-bit target; it never needs the whole length as a `usize`.
    let len = (1u64 << 32) + 5;
    let config = Config::new()
        .with_message_mode(MessageMode::Stream)
        .with_max_frame_len(len)
        .with_max_message_len(len);
    let payload: Vec<u8> = (0..40).collect();
    let frame = client_frame(0x82, &payload);
    let mut input = vec![0x82, 0xff];
    input.extend(len.to_be_bytes());
    input.extend(&frame[2..]);
    let out = run_all_ways_with(Role::Server, config, 1024, &input, false);
    assert_eq!(out.events, [Ev::Binary(payload, false)]);
    assert_eq!(out.state, State::Open);
    assert!(out.sent.is_empty());
}

#[test]
#[cfg_attr(miri, ignore = "too slow under Miri")]
fn huge_message_streams_in_fixed_storage() {
    // 4 MiB declared and streamed through 4 KiB of storage.
    let mut conn = Connection::open(
        Role::Client,
        Config::new().with_message_mode(MessageMode::Stream),
        [0u8; 4096],
        [0u8; 4096],
        test_keys(),
    )
    .unwrap();
    let len = 4usize << 20;
    let mut header = vec![0x82, 127];
    header.extend((len as u64).to_be_bytes());
    let _ = conn.receive(&header);
    let chunk = [0xabu8; 65536];
    let mut got = 0;
    for _ in 0..len / chunk.len() {
        let mut rest = &chunk[..];
        while !rest.is_empty() {
            let n = conn.receive(rest);
            rest = &rest[n..];
            while let Some(ev) = conn.poll_event() {
                let Ok(Event::Binary { data, .. }) = ev else {
                    panic!()
                };
                assert!(data.len() <= 4096);
                got += data.len();
            }
        }
    }
    assert_eq!(got, len);
}

#[test]
fn usage_errors_leave_the_connection_usable() {
    let mut conn =
        Connection::open(Role::Server, Config::new(), fixed(512), fixed(512), NoKeys).unwrap();
    assert_eq!(
        conn.ping(&[0; 126]),
        Err(Error::Usage(rfc6455::UsageError::ControlPayloadTooLong))
    );
    assert_eq!(
        conn.send_binary(&[0; 600]),
        Err(Error::BufferTooSmall(rfc6455::BufferTooSmall {
            required: 604
        }))
    );
    conn.send_binary_fragment(b"a", rfc6455::Fragment::More)
        .unwrap();
    assert_eq!(
        conn.send_text("x"),
        Err(Error::Usage(rfc6455::UsageError::MessageInProgress))
    );
    assert_eq!(
        conn.send_text_fragment("x", rfc6455::Fragment::Last),
        Err(Error::Usage(rfc6455::UsageError::MessageInProgress))
    );
    conn.ping(b"between fragments").unwrap();
    conn.send_binary_fragment(b"b", rfc6455::Fragment::Last)
        .unwrap();
    conn.send_text("ok").unwrap();
    let mut out = vec![0u8; 512];
    let n = conn.poll_transmit(&mut out).unwrap();
    let frames = decode_sent(Role::Server, out[..n].to_vec());
    let ops: Vec<Opcode> = frames.iter().map(|f| f.0).collect();
    assert_eq!(
        ops,
        [
            Opcode::Binary,
            Opcode::Ping,
            Opcode::Continuation,
            Opcode::Text
        ]
    );
}
