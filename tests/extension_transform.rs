//! The message transform of a negotiated extension, driven by the
//! connection: decoding received messages that carry the extension's RSV
//! bits (whole, split at every offset, byte by byte; both message modes),
//! the limits on the decoded bytes, corrupt data, and encoding what is sent.
//!
//! The extension here is a toy run-length code (`x-rle`): pairs of a count
//! (1–255) and a byte. It expands up to 127 times, like a small deflate
//! bomb, and keeps state across calls (a run half written, a count without
//! its byte), as an inflater does.
#![cfg(feature = "alloc")]

mod common;

use common::*;
use rfc6455::{
    ClientRequest, Config, Connection, Error, Event, Extension, ExtensionError, ExtensionOffer,
    ExtensionParamWriter, Fragment, Header, MessageKind, MessageMode, NoKeys, Opcode,
    ProtocolError, Role, State, Transformed, UsageError,
};

#[derive(Default, Debug)]
struct Rle {
    /// A run not yet written: (count left, byte).
    run: Option<(u8, u8)>,
    /// A count read without its byte.
    count: Option<u8>,
}

impl Extension for Rle {
    fn name(&self) -> &str {
        "x-rle"
    }
    fn rsv(&self) -> u8 {
        Header::RSV1
    }
    fn offer(&self, _: &mut ExtensionParamWriter<'_>) {}
    fn accept_offer(&mut self, offer: &ExtensionOffer<'_>) -> bool {
        offer.params().next().is_none()
    }
    fn response(&self, _: &mut ExtensionParamWriter<'_>) {}
    fn accept_response(&mut self, response: &ExtensionOffer<'_>) -> bool {
        response.params().next().is_none()
    }
    fn decode(
        &mut self,
        input: &[u8],
        last: bool,
        out: &mut [u8],
    ) -> Result<Transformed, ExtensionError> {
        let (mut read, mut written) = (0, 0);
        loop {
            if let Some((left, byte)) = self.run {
                let n = usize::from(left).min(out.len() - written);
                out[written..written + n].fill(byte);
                written += n;
                let left = left - n as u8;
                self.run = (left > 0).then_some((left, byte));
                if left > 0 {
                    break;
                }
            }
            let Some(&b) = input.get(read) else { break };
            read += 1;
            match self.count.take() {
                None if b == 0 => return Err(ExtensionError::new("run of length 0")),
                None => self.count = Some(b),
                Some(count) => self.run = Some((count, b)),
            }
        }
        let done = last && read == input.len() && self.run.is_none();
        if done && self.count.is_some() {
            return Err(ExtensionError::new("count without its byte"));
        }
        Ok(Transformed {
            read,
            written,
            done,
        })
    }
    fn encodes(&self, _: MessageKind, len: usize) -> bool {
        len >= 4
    }
    fn max_encoded_len(&self, len: usize) -> usize {
        2 * len
    }
    fn encode(&mut self, input: &[u8], _: bool, out: &mut [u8]) -> Result<usize, ExtensionError> {
        Ok(rle(input, out))
    }
}

/// Run-length encodes `input` into `out` (at least twice as long).
fn rle(input: &[u8], out: &mut [u8]) -> usize {
    let mut n = 0;
    let mut i = 0;
    while i < input.len() {
        let b = input[i];
        let run = input[i..].iter().take(255).take_while(|&&x| x == b).count();
        out[n] = run as u8;
        out[n + 1] = b;
        n += 2;
        i += run;
    }
    n
}

fn rle_vec(input: &[u8]) -> Vec<u8> {
    let mut out = vec![0; 2 * input.len()];
    let n = rle(input, &mut out);
    out.truncate(n);
    out
}

/// A masked client frame with the given first byte (FIN, RSV, opcode).
fn frame(b0: u8, payload: &[u8]) -> Vec<u8> {
    client_frame(b0, payload)
}

/// An open server running the toy extension.
fn server(config: Config, storage: usize) -> Connection<Fixed, NoKeys, Rle> {
    Connection::open(Role::Server, config, fixed(storage), fixed(4096), NoKeys)
        .unwrap()
        .with_extension(Rle::default())
        .unwrap()
}

fn modes() -> [Config; 2] {
    [
        Config::new(),
        Config::new().with_message_mode(MessageMode::Stream),
    ]
}

#[test]
fn a_transformed_message_is_decoded_every_way() {
    let text = "héllo wörld ".repeat(40) + &"z".repeat(700);
    let input = cat(&[
        frame(0xc1, &rle_vec(text.as_bytes())),
        // An untransformed message in between.
        frame(0x82, b"plain"),
        frame(0xc2, &rle_vec(&[7; 1000])),
    ]);
    for config in modes() {
        for storage in [256, 4096] {
            let outcome = all_ways(|| server(config, storage), &input, false);
            assert_eq!(
                outcome.events,
                vec![
                    Ev::Text(text.clone(), true),
                    binary(b"plain"),
                    Ev::Binary(vec![7; 1000], true)
                ],
                "{config:?} storage {storage}"
            );
            assert_eq!(outcome.state, State::Open);
        }
    }
}

#[test]
fn a_fragmented_transformed_message_has_rsv1_on_its_first_frame_only() {
    let payload = rle_vec(&[b'a'; 3000]);
    let (a, b) = payload.split_at(3);
    let (b, c) = b.split_at(b.len() / 2);
    let input = cat(&[
        frame(0x41, a),
        // A control frame between the fragments.
        frame(0x89, b"ping"),
        frame(0x00, b),
        frame(0x80, c),
    ]);
    let outcome = all_ways(|| server(Config::new(), 512), &input, false);
    assert_eq!(
        outcome.events,
        vec![Ev::Ping(b"ping".to_vec()), Ev::Text("a".repeat(3000), true)]
    );
    // Stream mode delivers what the first fragment decoded to before the
    // Ping that follows it, as it does for an untransformed message.
    let stream = Config::new().with_message_mode(MessageMode::Stream);
    let outcome = all_ways(|| server(stream, 512), &input, false);
    assert_eq!(
        outcome.events,
        vec![
            Ev::Text("a".repeat(255), false),
            Ev::Ping(b"ping".to_vec()),
            Ev::Text("a".repeat(2745), true)
        ]
    );
}

#[test]
fn stream_mode_delivers_a_transformed_message_as_it_decodes() {
    // Split into many frames: each decoded piece goes out as a chunk.
    let text = "€".repeat(2000);
    let encoded = rle_vec(text.as_bytes());
    let mut frames = vec![];
    for (i, piece) in encoded.chunks(100).enumerate() {
        let last = (i + 1) * 100 >= encoded.len();
        let b0 = match (i, last) {
            (0, false) => 0x41,
            (0, true) => 0xc1,
            (_, false) => 0x00,
            (_, true) => 0x80,
        };
        frames.push(frame(b0, piece));
    }
    let input = cat(&frames);
    let config = Config::new().with_message_mode(MessageMode::Stream);
    let (events, outcome) = run_conn(server(config, 512), &input, &[], false);
    assert_eq!(outcome.events, vec![Ev::Text(text, true)]);
    assert!(events.len() > 10, "{} events", events.len());
    // Every chunk is whole characters.
    for e in &events {
        let Ev::Text(chunk, _) = e else { panic!() };
        assert_eq!(chunk.len() % 3, 0);
    }
}

#[test]
fn the_limit_applies_to_decoded_bytes() {
    for config in modes() {
        let limit = 5000;
        let config = config.with_max_message_len(limit);
        // 2 bytes of input for every 255 of output: a small bomb.
        let exact = frame(0xc2, &rle_vec(&vec![1; limit as usize]));
        let outcome = all_ways(|| server(config, 1024), &exact, false);
        assert_eq!(
            outcome.events,
            vec![Ev::Binary(vec![1; limit as usize], true)]
        );
        let over = frame(0xc2, &rle_vec(&vec![1; limit as usize + 1]));
        // A message of many fragments counts all of them.
        let encoded = rle_vec(&vec![1; limit as usize + 1]);
        let (a, b) = encoded.split_at(encoded.len() / 2);
        let fragmented = cat(&[frame(0x42, a), frame(0x80, b)]);
        for input in [over, fragmented] {
            // In stream mode what decoded before the limit was reached may
            // have gone out, depending on the reads: only the failure is
            // the same every way.
            let cuts: Vec<usize> = (1..input.len()).collect();
            for cuts in [&[][..], &[input.len() / 3], &cuts] {
                let (_, outcome) = run_conn(server(config, 1024), &input, cuts, false);
                assert_eq!(
                    outcome.error(),
                    Some(Error::Protocol(ProtocolError::MessageTooLarge))
                );
                assert_eq!(outcome.sent_close_code(), Some(1009), "{config:?}");
                let delivered: usize = outcome
                    .events
                    .iter()
                    .map(|e| match e {
                        Ev::Binary(b, _) => b.len(),
                        _ => 0,
                    })
                    .sum();
                assert!(delivered <= limit as usize);
            }
        }
    }
}

#[test]
fn a_bomb_fails_after_bounded_work() {
    // 1 GiB decoded from 8 MiB on the wire: fails at the default limit
    // plus one step, without decoding the rest.
    let config = Config::new().with_max_message_len(1 << 20);
    let mut conn = server(config, 64 << 10);
    let piece = [255u8, 0];
    let payload_len: u64 = 8 << 20;
    let header = {
        let mut h = vec![0xc2, 0xff];
        h.extend_from_slice(&payload_len.to_be_bytes());
        h.extend_from_slice(&[0, 0, 0, 0]); // zero mask
        h
    };
    assert_eq!(conn.receive(&header), header.len());
    let mut fed = 0u64;
    let mut failed = None;
    let chunk: Vec<u8> = piece.iter().copied().cycle().take(16 << 10).collect();
    while fed < payload_len && failed.is_none() {
        let n = conn.receive(&chunk);
        fed += n as u64;
        while let Some(event) = conn.poll_event() {
            if let Err(e) = event {
                failed = Some(e);
                break;
            }
        }
    }
    assert_eq!(
        failed,
        Some(Error::Protocol(ProtocolError::MessageTooLarge))
    );
    // About 1 MiB decoded: 8 KiB of input, not the 8 MiB sent.
    assert!(fed < 64 << 10, "fed {fed}");
    assert!(conn.storage_len() < 3 << 20, "{}", conn.storage_len());
}

#[test]
fn corrupt_data_fails_with_1007() {
    for input in [
        frame(0xc2, &[3, b'a', 0, b'b']),
        // A count without its byte at the end of the message.
        frame(0xc2, &[3, b'a', 4]),
    ] {
        let outcome = all_ways(|| server(Config::new(), 512), &input, false);
        assert_eq!(
            outcome.error(),
            Some(Error::Protocol(ProtocolError::InvalidExtensionData))
        );
        assert_eq!(outcome.sent_close_code(), Some(1007));
    }
}

#[test]
fn decoded_text_is_checked_as_it_decodes() {
    // The invalid byte comes first: the connection fails before the rest
    // (which never arrives) could finish the message.
    let mut payload = vec![1, 0xff];
    payload.extend(rle_vec(b"more text"));
    let input = frame(0x41, &payload);
    let outcome = all_ways(|| server(Config::new(), 512), &input, false);
    assert_eq!(
        outcome.error(),
        Some(Error::Protocol(ProtocolError::InvalidUtf8))
    );
    assert_eq!(outcome.sent_close_code(), Some(1007));
}

#[test]
fn rsv_bits_out_of_place_fail_with_1002() {
    for input in [
        // RSV1 on a continuation.
        cat(&[frame(0x42, &[1, 1]), frame(0xc0, &[1, 1])]),
        // RSV1 on a control frame.
        frame(0xc9, b""),
        // RSV2, which the extension does not claim.
        frame(0xa2, &[1, 1]),
    ] {
        let outcome = all_ways(|| server(Config::new(), 512), &input, false);
        assert_eq!(
            outcome.error(),
            Some(Error::Protocol(ProtocolError::ReservedBits))
        );
        assert_eq!(outcome.sent_close_code(), Some(1002));
    }
    // Without the extension RSV1 is refused everywhere.
    let plain =
        || Connection::open(Role::Server, Config::new(), fixed(512), fixed(512), NoKeys).unwrap();
    let outcome = all_ways(plain, &frame(0xc2, &[1, 1]), false);
    assert_eq!(outcome.sent_close_code(), Some(1002));
}

/// Decodes a server's output with a decoder that accepts RSV1, keeping the
/// bit of each frame.
fn frames_of(wire: &[u8]) -> Vec<(u8, Opcode, Vec<u8>)> {
    let mut decoder = rfc6455::FrameDecoder::new(Role::Client).with_message_rsv(Header::RSV1);
    let mut wire = wire.to_vec();
    let mut rest = &mut wire[..];
    let mut frames = vec![];
    loop {
        let (used, item) = decoder.decode(rest).unwrap();
        match item {
            None => break,
            Some(rfc6455::Decoded::Header(h)) => frames.push((h.rsv, h.opcode, vec![])),
            Some(rfc6455::Decoded::Payload { data, .. }) => {
                frames.last_mut().unwrap().2.extend_from_slice(data)
            }
        }
        rest = &mut std::mem::take(&mut rest)[used..];
    }
    frames
}

#[test]
fn sent_messages_are_encoded_when_the_extension_says_so() {
    let mut conn = server(Config::new(), 512);
    conn.send_text("hi").unwrap(); // short: sent as it is
    conn.send_binary(&[9; 300]).unwrap();
    conn.send_text_fragment("aaaa", Fragment::More).unwrap();
    conn.send_text_fragment("aab", Fragment::Last).unwrap();
    let frames = frames_of(conn.peek_transmit());
    assert_eq!(
        frames,
        vec![
            (0, Opcode::Text, b"hi".to_vec()),
            (Header::RSV1, Opcode::Binary, vec![255, 9, 45, 9]),
            (Header::RSV1, Opcode::Text, vec![4, b'a']),
            (0, Opcode::Continuation, vec![2, b'a', 1, b'b']),
        ]
    );
    // A transformed message goes on through the extension only.
    conn.send_binary_fragment(&[1; 10], Fragment::More).unwrap();
    let n = conn.peek_transmit().len();
    conn.advance_transmit(n);
    assert_eq!(
        conn.send_header(MessageKind::Binary, 3, Fragment::Last)
            .err(),
        Some(UsageError::MessageInProgress.into())
    );
}

#[test]
fn a_partial_send_fits_the_bound_of_its_encoding() {
    let mut server = server(Config::new(), 256);
    let data = vec![5u8; 5000];
    let mut sent = 0;
    let mut client = Connection::open(
        Role::Client,
        Config::new(),
        fixed(4096),
        fixed(4096),
        test_keys(),
    )
    .unwrap()
    .with_extension(Rle::default())
    .unwrap();
    let mut events = vec![];
    let mut guard = 0;
    while sent < data.len() {
        sent += server.send_binary_partial(&data[sent..]).unwrap();
        let wire = server.peek_transmit().to_vec();
        server.advance_transmit(wire.len());
        deliver_any(&mut client, &wire, &mut events);
        guard += 1;
        assert!(guard < 1000);
    }
    assert_eq!(merge(&events), vec![Ev::Binary(data, true)]);
}

fn deliver_any<E: Extension>(
    to: &mut Connection<Fixed, impl rfc6455::KeySource, E>,
    bytes: &[u8],
    events: &mut Vec<Ev>,
) {
    let mut rest = bytes;
    while !rest.is_empty() {
        let n = to.receive(rest);
        rest = &rest[n..];
        while let Some(e) = to.poll_event() {
            events.push(Ev::from(e));
        }
    }
}

#[test]
fn the_handshake_negotiates_the_extension() {
    let request = ClientRequest::new("example.com");
    let mut client = Connection::client(
        &request,
        Config::new(),
        fixed(4096),
        fixed(4096),
        test_keys(),
    )
    .unwrap()
    .with_extension(Rle::default())
    .unwrap();
    let mut server = Connection::server(Config::new(), fixed(4096), fixed(4096))
        .unwrap()
        .with_extension(Rle::default())
        .unwrap();
    let wire = client.peek_transmit().to_vec();
    client.advance_transmit(wire.len());
    assert!(String::from_utf8_lossy(&wire).contains("\r\nSec-WebSocket-Extensions: x-rle\r\n\r\n"));
    let _ = server.receive(&wire);
    let Some(Ok(Event::Upgrade(_))) = server.poll_event() else {
        panic!()
    };
    server.accept(&rfc6455::Accept::new()).unwrap();
    let Some(Ok(Event::HandshakeComplete(_))) = server.poll_event() else {
        panic!()
    };
    let wire = server.peek_transmit().to_vec();
    server.advance_transmit(wire.len());
    assert!(String::from_utf8_lossy(&wire).contains("Sec-WebSocket-Extensions: x-rle\r\n"));
    let _ = client.receive(&wire);
    let Some(Ok(Event::HandshakeComplete(done))) = client.poll_event() else {
        panic!()
    };
    assert_eq!(done.extensions(), Some("x-rle"));
    assert!(client.extension().is_some() && server.extension().is_some());
    // Messages both ways, transformed.
    client.send_text(&"x".repeat(1000)).unwrap();
    let wire = client.peek_transmit().to_vec();
    client.advance_transmit(wire.len());
    assert!(wire.len() < 100, "{} bytes", wire.len());
    let mut events = vec![];
    deliver_any(&mut server, &wire, &mut events);
    assert_eq!(events, vec![Ev::Text("x".repeat(1000), true)]);
}

#[test]
fn a_server_may_decline_and_a_client_copes() {
    let request = ClientRequest::new("example.com");
    let mut client = Connection::client(
        &request,
        Config::new(),
        fixed(4096),
        fixed(4096),
        test_keys(),
    )
    .unwrap()
    .with_extension(Rle::default())
    .unwrap();
    let mut server = Connection::server(Config::new(), fixed(4096), fixed(4096))
        .unwrap()
        .with_extension(Rle::default())
        .unwrap();
    let wire = client.peek_transmit().to_vec();
    client.advance_transmit(wire.len());
    let _ = server.receive(&wire);
    let Some(Ok(Event::Upgrade(_))) = server.poll_event() else {
        panic!()
    };
    server.decline_extension();
    server.accept(&rfc6455::Accept::new()).unwrap();
    let wire = server.peek_transmit().to_vec();
    assert!(!String::from_utf8_lossy(&wire).contains("Extensions"));
    let _ = client.receive(&wire);
    let Some(Ok(Event::HandshakeComplete(_))) = client.poll_event() else {
        panic!()
    };
    assert!(client.extension().is_none());
    // Nothing is transformed now: RSV1 is refused again.
    client.send_text(&"x".repeat(1000)).unwrap();
    assert_eq!(client.peek_transmit()[0], 0x81);
}

#[test]
fn a_client_refuses_an_answer_it_did_not_offer() {
    let request = ClientRequest::new("example.com");
    let mut client = Connection::client(
        &request,
        Config::new(),
        fixed(4096),
        fixed(4096),
        test_keys(),
    )
    .unwrap()
    .with_extension(Rle::default())
    .unwrap();
    let wire = client.peek_transmit().to_vec();
    let head = String::from_utf8(wire).unwrap();
    let key = head
        .lines()
        .find_map(|l| l.strip_prefix("Sec-WebSocket-Key: "))
        .unwrap();
    let accept = rfc6455::accept_key(key.as_bytes());
    let response = format!(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Accept: {}\r\nSec-WebSocket-Extensions: x-rle; level=3\r\n\r\n",
        accept.as_str()
    );
    let _ = client.receive(response.as_bytes());
    assert_eq!(
        client.poll_event().map(|e| e.err()),
        Some(Some(Error::Handshake(
            rfc6455::HandshakeError::ExtensionRejected
        )))
    );
}

#[test]
fn an_extension_is_attached_before_anything_moves() {
    let mut conn =
        Connection::open(Role::Server, Config::new(), fixed(512), fixed(512), NoKeys).unwrap();
    conn.send_text("x").unwrap();
    assert_eq!(
        conn.with_extension(Rle::default()).err(),
        Some(UsageError::InvalidState.into())
    );
}

#[test]
fn a_boxed_extension_runs_the_same() {
    let make = || {
        let boxed: Box<dyn Extension> = Box::new(Rle::default());
        Connection::open(Role::Server, Config::new(), fixed(512), fixed(512), NoKeys)
            .unwrap()
            .with_extension(boxed)
            .unwrap()
    };
    let input = frame(0xc2, &rle_vec(&[3; 700]));
    let outcome = all_ways(make, &input, false);
    assert_eq!(outcome.events, vec![Ev::Binary(vec![3; 700], true)]);
}

#[test]
fn a_handshake_that_ran_is_not_renegotiated() {
    // A server that accepted without the extension cannot take it on
    // afterwards: the client was told there is none.
    let request = ClientRequest::new("example.com");
    let mut client = Connection::client(
        &request,
        Config::new(),
        fixed(4096),
        fixed(4096),
        test_keys(),
    )
    .unwrap();
    let mut server = Connection::server(Config::new(), fixed(4096), fixed(4096)).unwrap();
    let wire = client.peek_transmit().to_vec();
    let _ = server.receive(&wire);
    let Some(Ok(Event::Upgrade(_))) = server.poll_event() else {
        panic!()
    };
    server.accept(&rfc6455::Accept::new()).unwrap();
    assert_eq!(
        server.with_extension(Rle::default()).err(),
        Some(UsageError::InvalidState.into())
    );
}
