//! Differential tests against zlib itself (the C library, through flate2):
//! what we compress zlib inflates, and what zlib compresses we inflate, for
//! every window setting, with and without context takeover, whole and
//! fragmented.

mod common;

use common::{decode_pieces, encode, negotiate, random, repetitive};
use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};
use rfc6455_deflate::DeflateConfig;

const TAIL: [u8; 4] = [0x00, 0x00, 0xff, 0xff];

/// zlib's inflater, raw, with a `bits` window.
fn zlib_inflate(inflater: &mut Decompress, fragments: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::with_capacity(1 << 20);
    let wire: Vec<u8> = fragments.concat().into_iter().chain(TAIL).collect();
    let mut input = &wire[..];
    loop {
        out.reserve(64 << 10);
        let before = (inflater.total_in(), inflater.total_out());
        let status = inflater
            .decompress_vec(input, &mut out, FlushDecompress::Sync)
            .expect("zlib inflates what we compress");
        let read = (inflater.total_in() - before.0) as usize;
        input = &input[read..];
        let wrote = inflater.total_out() - before.1;
        if input.is_empty() && wrote == 0 || status == Status::StreamEnd {
            break;
        }
    }
    out
}

/// zlib's compressor: one message, a sync flush, the tail cut.
fn zlib_deflate(compressor: &mut Compress, message: &[u8]) -> Vec<u8> {
    let mut wire = Vec::with_capacity(message.len() + 1024);
    let mut input = message;
    loop {
        wire.reserve(64 << 10);
        let before = compressor.total_in();
        compressor
            .compress_vec(input, &mut wire, FlushCompress::Sync)
            .expect("zlib compresses");
        input = &input[(compressor.total_in() - before) as usize..];
        if input.is_empty() && wire.len() < wire.capacity() {
            break;
        }
    }
    if wire.is_empty() {
        // Nothing new to flush (an empty message after another): zlib
        // writes nothing, and an empty message is sent as one 0x00 byte
        // (RFC 7692 §7.2.3.6).
        return vec![0x00];
    }
    assert!(wire.ends_with(&TAIL), "{wire:02x?}");
    wire.truncate(wire.len() - TAIL.len());
    wire
}

fn messages() -> Vec<Vec<u8>> {
    vec![
        b"Hello".to_vec(),
        Vec::new(),
        repetitive(100_000, 1),
        random(20_000, 2),
        repetitive(300, 3),
        random(70_000, 4),
        repetitive(1 << 20, 5),
    ]
}

#[test]
fn zlib_inflates_what_we_compress_for_every_window() {
    for bits in 8..=15u8 {
        for takeover in [true, false] {
            let mut client = DeflateConfig::new().server_max_window_bits(bits);
            if !takeover {
                client = client.server_no_context_takeover();
            }
            let (_, mut server, answer) = negotiate(client, DeflateConfig::new().threshold(0));
            assert!(answer.is_some());
            // flate2 takes windows of 9 to 15 bits; a window-8 stream (ours
            // is compressed with 9, within 250 bytes) is checked against an
            // 8-bit inflater in `round_trip.rs`.
            let inflate_bits = bits.max(9);
            let mut inflater = Decompress::new_with_window_bits(false, inflate_bits);
            for (i, message) in messages().iter().enumerate() {
                for fragment in [0, 1000] {
                    if !takeover {
                        inflater = Decompress::new_with_window_bits(false, inflate_bits);
                    }
                    let wire = encode(&mut server, message, fragment);
                    let out = zlib_inflate(&mut inflater, &wire);
                    assert!(
                        out == *message,
                        "window {bits}, takeover {takeover}, message {i}, fragments of {fragment}"
                    );
                }
            }
        }
    }
}

#[test]
fn we_inflate_what_zlib_compresses_for_every_window() {
    // zlib compresses a raw stream with windows of 9 to 15 bits (8 is
    // refused, and taken as 9).
    for bits in 9..=15u8 {
        for takeover in [true, false] {
            let mut client = DeflateConfig::new().server_max_window_bits(bits);
            if !takeover {
                client = client.server_no_context_takeover();
            }
            let (mut ours, _, _) = negotiate(client, DeflateConfig::new());
            let level = Compression::new(6);
            let mut compressor = Compress::new_with_window_bits(level, false, bits);
            for (i, message) in messages().iter().enumerate() {
                if !takeover {
                    compressor = Compress::new_with_window_bits(level, false, bits);
                }
                let wire = zlib_deflate(&mut compressor, message);
                // Whole, and in pieces with little room per step.
                let pieces: Vec<&[u8]> = wire.chunks(777).collect();
                let out = decode_pieces(&mut ours, &pieces, 1000, usize::MAX - 1).unwrap();
                assert!(
                    out == *message,
                    "window {bits}, takeover {takeover}, message {i}"
                );
            }
        }
    }
}
