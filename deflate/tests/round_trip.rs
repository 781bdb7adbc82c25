//! Round trips (RFC 7692 §7.2): every window setting both ways, with and
//! without context takeover, messages of every size, fragmented or not,
//! decoded whole, at every split, byte by byte and into 1-byte outputs;
//! the RFC's own byte vectors.

mod common;

use common::{decode, decode_pieces, encode, negotiate, random, repetitive};
use rfc6455::{Extension, MessageKind};
use rfc6455_deflate::{Deflate, DeflateConfig};

const SIZES: [usize; 4] = [0, 1, 100, 16 << 10];

/// A conversation of `messages` each way between a client and a server
/// negotiated with `client` and `server`, every message checked.
fn converse(client: DeflateConfig, server: DeflateConfig, messages: &[Vec<u8>], fragment: usize) {
    let (mut c, mut s, answer) = negotiate(client.threshold(0), server.threshold(0));
    assert!(answer.is_some());
    for m in messages {
        // Client to server.
        let wire = encode(&mut c, m, fragment);
        let pieces: Vec<&[u8]> = wire.iter().map(Vec::as_slice).collect();
        assert_eq!(
            &decode_pieces(&mut s, &pieces, 64 << 10, usize::MAX - 1).unwrap(),
            m
        );
        // Server to client.
        let wire = encode(&mut s, m, fragment);
        let pieces: Vec<&[u8]> = wire.iter().map(Vec::as_slice).collect();
        assert_eq!(
            &decode_pieces(&mut c, &pieces, 64 << 10, usize::MAX - 1).unwrap(),
            m
        );
    }
}

fn messages(sizes: &[usize]) -> Vec<Vec<u8>> {
    let mut all = Vec::new();
    for (i, &len) in sizes.iter().enumerate() {
        all.push(random(len, i as u64));
        all.push(repetitive(len, i as u64));
        all.push(repetitive(len, i as u64));
    }
    all
}

#[test]
fn every_window_both_ways_with_and_without_context_takeover() {
    let all = messages(&SIZES);
    for bits in 8..=15 {
        let server = DeflateConfig::new()
            .server_max_window_bits(bits)
            .client_max_window_bits(bits);
        converse(DeflateConfig::new(), server, &all, 0);
        converse(
            DeflateConfig::new().client_max_window_bits(bits),
            DeflateConfig::new().server_max_window_bits(bits),
            &all,
            0,
        );
        let reset = server
            .server_no_context_takeover()
            .client_no_context_takeover();
        converse(DeflateConfig::new(), reset, &all, 0);
    }
}

#[test]
fn a_megabyte_both_ways() {
    let big = vec![
        random(1 << 20, 1),
        repetitive(1 << 20, 2),
        repetitive(1 << 20, 3),
    ];
    for bits in [8, 12, 15] {
        let server = DeflateConfig::new()
            .server_max_window_bits(bits)
            .client_max_window_bits(bits);
        converse(DeflateConfig::new(), server, &big, 0);
    }
    converse(
        DeflateConfig::new(),
        DeflateConfig::new().server_no_context_takeover(),
        &big,
        100_000,
    );
}

#[test]
fn fragmented_messages_every_window() {
    let all = messages(&[0, 1, 100, 5000]);
    for bits in 8..=15 {
        let server = DeflateConfig::new()
            .server_max_window_bits(bits)
            .client_max_window_bits(bits);
        for fragment in [1, 7, 1000] {
            converse(DeflateConfig::new(), server, &all, fragment);
        }
    }
}

#[test]
fn every_level_round_trips_and_stays_within_max_encoded_len() {
    for level in 0..=9 {
        let config = DeflateConfig::new().level(level).threshold(0);
        let (mut tx, mut rx) = (Deflate::with_config(config), Deflate::new());
        for len in [0, 1, 2, 9, 100, 1000, 65_535, 65_536, 200_000] {
            for m in [random(len, len as u64), repetitive(len, 1)] {
                let mut out = vec![0u8; tx.max_encoded_len(m.len())];
                let n = tx.encode(&m, true, &mut out).unwrap();
                assert!(n <= out.len());
                assert_eq!(decode(&mut rx, &out[..n]), m, "level {level} len {len}");
            }
        }
    }
}

/// Decoding a short message's payload split at every offset, byte by byte,
/// and into outputs of 1 byte.
#[test]
fn decode_at_every_split_byte_by_byte_and_into_one_byte_outputs() {
    for bits in [8, 15] {
        let config = DeflateConfig::new().server_max_window_bits(bits);
        for m in [
            repetitive(100, 1),
            random(100, 2),
            b"Hello".to_vec(),
            Vec::new(),
        ] {
            // Twice each, so the second message uses the context.
            let (mut c, mut s, _) = negotiate(DeflateConfig::new(), config.threshold(0));
            let first = encode(&mut s, &m, 0).concat();
            let second = encode(&mut s, &m, 0).concat();
            let whole = |c: &mut Deflate| {
                assert_eq!(decode(c, &first), m);
                assert_eq!(decode(c, &second), m);
            };
            whole(&mut c);
            for split in 0..=second.len() {
                let (mut c, _, _) = negotiate(DeflateConfig::new(), config);
                assert_eq!(decode(&mut c, &first), m);
                let pieces = [&second[..split], &second[split..]];
                assert_eq!(
                    decode_pieces(&mut c, &pieces, 64, usize::MAX - 1).unwrap(),
                    m
                );
            }
            let (mut c, _, _) = negotiate(DeflateConfig::new(), config);
            for wire in [&first, &second] {
                let bytes: Vec<&[u8]> = wire.chunks(1).collect();
                let bytes = if bytes.is_empty() {
                    vec![&wire[..]]
                } else {
                    bytes
                };
                assert_eq!(decode_pieces(&mut c, &bytes, 1, usize::MAX - 1).unwrap(), m);
            }
            let (mut c, _, _) = negotiate(DeflateConfig::new(), config);
            for wire in [&first, &second] {
                assert_eq!(
                    decode_pieces(&mut c, &[wire], 1, usize::MAX - 1).unwrap(),
                    m
                );
            }
        }
    }
}

#[test]
fn rfc_7692_hello_compressed() {
    // §7.2.3.1: "Hello" in one compressed message.
    let mut tx = Deflate::with_config(DeflateConfig::new().threshold(0));
    let wire = encode(&mut tx, b"Hello", 0).concat();
    assert_eq!(wire, [0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00]);
    let mut rx = Deflate::new();
    assert_eq!(decode(&mut rx, &wire), b"Hello");
    // §7.2.3.2: the same again with context takeover refers back.
    assert_eq!(decode(&mut rx, &[0xf2, 0x00, 0x11, 0x00, 0x00]), b"Hello");
}

#[test]
fn rfc_7692_examples_decode() {
    let mut rx = Deflate::new();
    // §7.2.3.1, fragmented: "Hello" in two frames.
    let pieces: [&[u8]; 2] = [&[0xf2, 0x48, 0xcd], &[0xc9, 0xc9, 0x07, 0x00]];
    assert_eq!(decode_pieces(&mut rx, &pieces, 100, 100).unwrap(), b"Hello");
    // §7.2.3.3: a DEFLATE block with no compression.
    let mut rx = Deflate::new();
    let stored = [
        0x00, 0x05, 0x00, 0xfa, 0xff, 0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x00,
    ];
    assert_eq!(decode(&mut rx, &stored), b"Hello");
    // §7.2.3.4: a DEFLATE block with BFINAL set: allowed; the next message
    // starts a new stream.
    let mut rx = Deflate::new();
    let last = [0xf3, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0x00];
    assert_eq!(decode(&mut rx, &last), b"Hello");
    assert!(!rx.holds_decompressor());
    assert_eq!(decode(&mut rx, &last), b"Hello");
    assert_eq!(
        decode(&mut rx, &[0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00]),
        b"Hello"
    );
    // §7.2.3.5: two DEFLATE blocks in one message.
    let mut rx = Deflate::new();
    let two = [
        0xf2, 0x48, 0x05, 0x00, 0x00, 0x00, 0xff, 0xff, 0xca, 0xc9, 0xc9, 0x07, 0x00,
    ];
    assert_eq!(decode(&mut rx, &two), b"Hello");
    // §7.2.3.6: an empty message is the single octet 0x00.
    assert_eq!(decode(&mut rx, &[0x00]), b"");
    let mut tx = Deflate::with_config(DeflateConfig::new().threshold(0));
    assert_eq!(encode(&mut tx, b"", 0).concat(), [0x00]);
    // An empty message after another, and an empty last fragment.
    assert_eq!(
        encode(&mut tx, b"Hello", 0).concat(),
        [0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00]
    );
    assert_eq!(encode(&mut tx, b"", 0).concat(), [0x00]);
}

#[test]
fn short_messages_are_sent_as_they_are() {
    let d = Deflate::new();
    let t = DeflateConfig::DEFAULT_THRESHOLD;
    assert!(!d.encodes(MessageKind::Text, t - 1));
    assert!(d.encodes(MessageKind::Text, t));
    assert!(d.encodes(MessageKind::Binary, 1 << 20));
    let d = Deflate::with_config(DeflateConfig::new().threshold(0));
    assert!(d.encodes(MessageKind::Binary, 0));
}

#[test]
fn no_context_takeover_holds_no_state_between_messages() {
    let reset = DeflateConfig::new()
        .server_no_context_takeover()
        .client_no_context_takeover();
    let (mut c, mut s, _) = negotiate(DeflateConfig::new(), reset.threshold(0));
    assert!(!c.holds_compressor() && !c.holds_decompressor());
    let m = repetitive(1000, 1);
    let wire = encode(&mut s, &m, 0).concat();
    assert!(!s.holds_compressor());
    assert_eq!(decode(&mut c, &wire), m);
    assert!(!c.holds_decompressor());
    // With context takeover the state stays, allocated on first use.
    let (mut c, mut s, _) = negotiate(DeflateConfig::new(), DeflateConfig::new().threshold(0));
    assert!(!s.holds_compressor());
    let wire = encode(&mut s, &m, 0).concat();
    assert!(s.holds_compressor());
    assert_eq!(decode(&mut c, &wire), m);
    assert!(c.holds_decompressor());
    // ...and pays: the same message again is a few matches.
    let again = encode(&mut s, &m, 0).concat();
    assert!(
        again.len() * 4 < wire.len(),
        "{} vs {}",
        again.len(),
        wire.len()
    );
    assert_eq!(decode(&mut c, &again), m);
}

/// zlib compresses with 9 bits where 8 is asked; its matches never reach
/// further back than 2^9 - 262 = 250 bytes, so an 8-bit inflater decodes
/// them. Checked with an inflater of 256 bytes given one byte of output at
/// a time, so that every match must come from its window; and the check is
/// shown to catch a stream that needs more (window 10).
#[test]
fn window_8_streams_fit_an_8_bit_inflater() {
    // Random 300-byte blocks repeated: matches at distance 300 exist, and at
    // 251..=300 only with a larger window.
    let mut m = Vec::new();
    for period in [251usize, 256, 257, 300, 200] {
        let block = random(period, period as u64);
        for _ in 0..20 {
            m.extend_from_slice(&block);
        }
    }
    let fits = |bits: u8| {
        let config = DeflateConfig::new()
            .server_max_window_bits(bits)
            .threshold(0);
        let (_, mut s, _) = negotiate(DeflateConfig::new(), config);
        let mut wire = encode(&mut s, &m, 0).concat();
        wire.extend_from_slice(&[0, 0, 0xff, 0xff]);
        let mut inflate = zlib_rs::Inflate::new(false, 8);
        let mut input = &wire[..];
        let mut out = Vec::new();
        while !input.is_empty() {
            let mut byte = [0u8; 1];
            let before = inflate.total_in();
            let r = inflate.decompress(input, &mut byte, zlib_rs::InflateFlush::SyncFlush);
            if r.is_err() {
                return false;
            }
            let used = (inflate.total_in() - before) as usize;
            out.extend_from_slice(&byte[..(inflate.total_out() as usize - out.len())]);
            input = &input[used..];
        }
        assert_eq!(out, m);
        true
    };
    assert!(fits(8));
    assert!(!fits(10));
}

/// Random schedules: messages of random sizes, fragmented at random, their
/// payloads cut at random and inflated into outputs of random sizes; every
/// step must move something until the message is done.
#[test]
fn random_schedules() {
    let mut rng = random(1 << 16, 99).into_iter().cycle();
    let mut next = |max: usize| {
        let r = usize::from(rng.next().unwrap()) << 8 | usize::from(rng.next().unwrap());
        r % max
    };
    for seed in 0..60u64 {
        let reset = seed % 3 == 0;
        let mut server = DeflateConfig::new().level((seed % 10) as u8);
        if reset {
            server = server.server_no_context_takeover();
        }
        let (mut c, mut s, _) = negotiate(DeflateConfig::new(), server.threshold(0));
        for i in 0..5 {
            let len = next(6000);
            let m = if i % 2 == 0 {
                repetitive(len, seed)
            } else {
                random(len, seed + i)
            };
            let fragment = next(3000);
            let wire = encode(&mut s, &m, fragment).concat();
            let mut pieces = Vec::new();
            let mut rest = &wire[..];
            while !rest.is_empty() {
                let cut = (next(200) + 1).min(rest.len());
                pieces.push(&rest[..cut]);
                rest = &rest[cut..];
            }
            if pieces.is_empty() {
                pieces.push(&wire[..]);
            }
            let room = next(300) + 1;
            assert_eq!(
                decode_pieces(&mut c, &pieces, room, usize::MAX - 1).unwrap(),
                m
            );
        }
    }
}
