//! Differential tests against an independent DEFLATE implementation
//! (miniz_oxide): what we compress it inflates, for every window setting,
//! and what it compresses we inflate. miniz_oxide always compresses with a
//! 32 KiB window, so for smaller windows its messages are kept shorter than
//! the window with no context takeover (every match then fits).

mod common;

use common::{decode_pieces, encode, negotiate, random, repetitive};
use miniz_oxide::deflate::core::{create_comp_flags_from_zip_params, CompressorOxide};
use miniz_oxide::inflate::stream::InflateState;
use miniz_oxide::{DataFormat, MZError, MZFlush};
use rfc6455_deflate::{Deflate, DeflateConfig};

const TAIL: [u8; 4] = [0x00, 0x00, 0xff, 0xff];

/// miniz_oxide's side of one direction, with context takeover.
struct Miniz {
    deflate: Box<CompressorOxide>,
    inflate: Box<InflateState>,
}

impl Miniz {
    fn new(level: u8) -> Self {
        let flags = create_comp_flags_from_zip_params(level.into(), -15, 0);
        Miniz {
            deflate: Box::new(CompressorOxide::new(flags)),
            inflate: InflateState::new_boxed(DataFormat::Raw),
        }
    }

    /// §7.2.1: compress with a sync flush, cut the tail.
    fn compress(&mut self, message: &[u8]) -> Vec<u8> {
        let mut wire = Vec::new();
        let mut input = message;
        let mut buf = vec![0u8; 64 << 10];
        loop {
            let r = miniz_oxide::deflate::stream::deflate(
                &mut self.deflate,
                input,
                &mut buf,
                MZFlush::Sync,
            );
            r.status.expect("miniz deflate");
            wire.extend_from_slice(&buf[..r.bytes_written]);
            input = &input[r.bytes_consumed..];
            if input.is_empty() && r.bytes_written < buf.len() {
                break;
            }
        }
        assert!(wire.ends_with(&TAIL));
        wire.truncate(wire.len() - TAIL.len());
        wire
    }

    /// §7.2.2: append the tail, inflate.
    fn decompress(&mut self, wire: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut buf = vec![0u8; 64 << 10];
        for mut input in [wire, &TAIL[..]] {
            loop {
                let r = miniz_oxide::inflate::stream::inflate(
                    &mut self.inflate,
                    input,
                    &mut buf,
                    MZFlush::Sync,
                );
                if let Err(e) = r.status {
                    assert_eq!(e, MZError::Buf, "miniz inflate");
                }
                out.extend_from_slice(&buf[..r.bytes_written]);
                input = &input[r.bytes_consumed..];
                if input.is_empty() && r.bytes_written < buf.len() {
                    break;
                }
            }
        }
        out
    }
}

fn messages() -> Vec<Vec<u8>> {
    let mut all = Vec::new();
    for (i, len) in [0usize, 1, 100, 16 << 10, 200_000].into_iter().enumerate() {
        all.push(random(len, i as u64));
        all.push(repetitive(len, i as u64));
        all.push(repetitive(len, i as u64 + 1));
    }
    all
}

#[test]
fn what_we_compress_miniz_oxide_inflates_for_every_window() {
    for bits in 8..=15 {
        for fragment in [0, 1000] {
            let config = DeflateConfig::new()
                .server_max_window_bits(bits)
                .threshold(0);
            let (_, mut server, _) = negotiate(DeflateConfig::new(), config);
            let mut them = Miniz::new(1);
            for m in messages() {
                let wire = encode(&mut server, &m, fragment).concat();
                assert_eq!(
                    them.decompress(&wire),
                    m,
                    "window {bits}, {} bytes",
                    m.len()
                );
            }
        }
    }
}

#[test]
fn what_miniz_oxide_compresses_we_inflate() {
    // 32 KiB window, context takeover, every level.
    for level in [1, 6, 9] {
        let (mut client, _, _) = negotiate(DeflateConfig::new(), DeflateConfig::new());
        let mut them = Miniz::new(level);
        for (i, m) in messages().into_iter().enumerate() {
            let wire = them.compress(&m);
            // Every other message into small outputs.
            let room = if i % 2 == 0 { 64 << 10 } else { 1000 };
            let got = decode_pieces(&mut client, &[&wire], room, usize::MAX - 1).unwrap();
            assert_eq!(got, m, "level {level}, {} bytes", m.len());
        }
    }
    // Smaller windows: messages no longer than the window, each from a
    // fresh compressor (server_no_context_takeover).
    for bits in 8..=15u8 {
        let config = DeflateConfig::new()
            .server_max_window_bits(bits)
            .server_no_context_takeover();
        let (mut client, _, _) = negotiate(config, DeflateConfig::new());
        assert_eq!(client.agreed().unwrap().server_max_window_bits, bits);
        let window = 1usize << bits;
        for m in [repetitive(window, 1), random(window, 2), repetitive(100, 3)] {
            let wire = Miniz::new(6).compress(&m);
            assert_eq!(common::decode(&mut client, &wire), m, "window {bits}");
        }
    }
}

#[test]
fn rfc_hello_both_ways() {
    let mut ours = Deflate::with_config(DeflateConfig::new().threshold(0));
    let mut them = Miniz::new(1);
    let wire = encode(&mut ours, b"Hello", 0).concat();
    assert_eq!(them.decompress(&wire), b"Hello");
    let theirs = Miniz::new(1).compress(b"Hello");
    assert_eq!(common::decode(&mut Deflate::new(), &theirs), b"Hello");
}
