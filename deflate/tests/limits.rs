//! Bad input: a deflate bomb stops after bounded work under a small budget,
//! the limit is exact, corrupt data is an error.

mod common;

use common::{bomb, decode, decode_pieces, encode, repetitive};
use rfc6455::Extension;
use rfc6455_deflate::{Deflate, DeflateConfig};

#[test]
fn a_bomb_stops_after_bounded_work() {
    let wire = bomb();
    assert!(wire.len() < 2 << 20, "{}", wire.len());
    // It is 1 GiB indeed (checked in release builds only: slow in debug).
    if !cfg!(debug_assertions) {
        let mut rx = Deflate::new();
        let all = decode_pieces(&mut rx, &[&wire], 1 << 20, usize::MAX - 1).unwrap();
        assert_eq!(all.len(), 1 << 30);
    }
    // Under a 1 MiB budget it fails with the step that goes past, having
    // read little of the input and written at most its budget + 1.
    let limit = 1 << 20;
    let mut rx = Deflate::new();
    let mut produced = 0usize;
    let mut read = 0usize;
    let mut out = vec![0u8; 64 << 10];
    loop {
        let room = (limit - produced + 1).min(out.len());
        let step = rx.decode(&wire[read..], true, &mut out[..room]).unwrap();
        assert!(step.written <= room);
        produced += step.written;
        read += step.read;
        if produced > limit || step.done {
            break;
        }
    }
    assert_eq!(produced, limit + 1);
    // Bounded work: little of the input was read.
    assert!(read < 64 << 10, "read {read} bytes of input");
}

#[test]
fn a_message_at_the_limit_passes_and_one_byte_more_fails() {
    let m = repetitive(100_000, 1);
    let mut tx = Deflate::with_config(DeflateConfig::new().threshold(0));
    let wire = encode(&mut tx, &m, 0).concat();
    for room in [1, 1000, 64 << 10] {
        let mut rx = Deflate::new();
        assert_eq!(decode_pieces(&mut rx, &[&wire], room, m.len()).unwrap(), m);
        let mut rx = Deflate::new();
        assert!(decode_pieces(&mut rx, &[&wire], room, m.len() - 1).is_err());
    }
}

#[test]
fn corrupt_data_is_an_error() {
    for bad in [
        // BTYPE 11 is reserved (RFC 1951 §3.2.3).
        &[0x07][..],
        &[0x06, 0x00][..],
        // A stored block whose NLEN is not LEN's complement.
        &[0x00, 0x05, 0x00, 0x00, 0x00, b'H', b'e', b'l', b'l', b'o'][..],
        // A match before the start of the stream (§7.2.3.2's second
        // message, to a fresh decoder).
        &[0xf2, 0x00, 0x11, 0x00, 0x00][..],
    ] {
        let mut rx = Deflate::new();
        let e = decode_pieces(&mut rx, &[bad], 1000, 1000).unwrap_err();
        assert!(!e.reason().is_empty());
        assert!(!rx.holds_decompressor(), "{bad:02x?}");
    }
    // Random bytes: an error or some output, never a panic or a loop.
    for seed in 0..200 {
        let bytes = common::random(64, seed);
        let mut rx = Deflate::new();
        let _ = decode_pieces(&mut rx, &[&bytes], 100, 10_000);
    }
}

#[test]
fn a_truncated_message_is_no_panic_and_the_next_can_still_be_read_fresh() {
    let m = repetitive(10_000, 3);
    let mut tx = Deflate::with_config(
        DeflateConfig::new()
            .threshold(0)
            .server_no_context_takeover(),
    );
    let wire = encode(&mut tx, &m, 0).concat();
    for cut in [1, wire.len() / 2, wire.len() - 1] {
        let mut rx = Deflate::new();
        let _ = decode_pieces(&mut rx, &[&wire[..cut]], 1000, 100_000);
        let mut fresh = Deflate::new();
        assert_eq!(decode(&mut fresh, &wire), m);
    }
}

/// zlib counts the current call's output as window when it checks how far
/// back a match reaches; so the decompressor uses 32 KiB whatever the
/// agreed window, and a peer that compresses with a larger window than it
/// agreed to gives the same result for any output size (found by the fuzz
/// target `deflate_inflate`).
#[test]
fn the_verdict_does_not_depend_on_output_sizes() {
    let block = common::random(300, 5);
    let m: Vec<u8> = block.iter().chain(&block).chain(&block).copied().collect();
    // Compressed with a 32 KiB window: matches 300 bytes back.
    let mut tx = Deflate::with_config(DeflateConfig::new().threshold(0));
    let wire = encode(&mut tx, &m, 0).concat();
    for room in [1, 7, 1000, 64 << 10] {
        let (mut client, _, _) = common::negotiate(
            DeflateConfig::new().server_max_window_bits(8),
            DeflateConfig::new(),
        );
        assert_eq!(client.agreed().unwrap().server_max_window_bits, 8);
        assert_eq!(
            decode_pieces(&mut client, &[&wire], room, 10_000).unwrap(),
            m
        );
    }
}
