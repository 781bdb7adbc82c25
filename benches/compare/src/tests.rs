//! The fairness guard: every adapter must deliver the right count and
//! checksum on every workload, in any read size, and every encoder's output
//! must decode to the right messages.

use crate::harness::{Checksum, Kind};
use crate::peers::{self, EncodeJob, Role};
use crate::text;
use crate::workloads::{
    masked_frame, prepare, verify_encoded, Data, Prepared, Rng, Sizes, READ_4K, WHOLE,
};

const TINY: Sizes = Sizes {
    small_msgs: 300,
    big_msgs: 2,
    fragmented_msgs: 40,
};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
}

fn check_recv(data: Data, read_sizes: &[usize]) {
    let rt = runtime();
    let Prepared::Recv(input) = prepare(data, &TINY) else {
        panic!("not a receive workload")
    };
    for column in peers::all().iter().filter(|c| c.role() != Role::Reference) {
        for &read_size in read_sizes {
            let got = column
                .recv(&input, read_size, &rt)
                .unwrap_or_else(|| panic!("{} cannot receive", column.name()))
                .unwrap_or_else(|e| {
                    panic!("{} on {data:?}, reads of {read_size}: {e}", column.name())
                });
            assert_eq!(
                (got.messages, got.sum),
                (input.expected.messages, input.expected.sum),
                "{} on {data:?}, reads of {read_size}",
                column.name()
            );
        }
    }
}

#[test]
fn every_adapter_receives_small_text() {
    check_recv(Data::SmallText, &[WHOLE, READ_4K, 13, 1]);
}

#[test]
fn every_adapter_receives_big_binary() {
    check_recv(Data::BigBinary, &[WHOLE, READ_4K, 70_001]);
}

#[test]
fn every_adapter_receives_big_text() {
    check_recv(Data::BigAscii, &[WHOLE, READ_4K]);
    check_recv(Data::BigMultilingual, &[WHOLE, READ_4K]);
}

#[test]
fn every_adapter_receives_fragmented_messages() {
    check_recv(Data::FragmentedBinary, &[WHOLE, READ_4K, 7]);
    check_recv(Data::FragmentedText, &[WHOLE, READ_4K, 7]);
}

#[test]
fn every_encoder_writes_what_it_was_given() {
    let rt = runtime();
    for data in [Data::EncodeSmall, Data::EncodeBig] {
        let Prepared::Encode(input) = prepare(data, &TINY) else {
            panic!()
        };
        let shared = bytes::Bytes::copy_from_slice(&input.payload);
        let mut out = vec![0u8; input.out_len];
        for client in [false, true] {
            let job = EncodeJob {
                payload: &input.payload,
                shared: &shared,
                count: input.count,
                client,
            };
            for column in peers::all().iter().filter(|c| c.role() != Role::Reference) {
                let Some(result) = column.encode(&job, &mut out, &rt) else {
                    continue;
                };
                let n = result.unwrap_or_else(|e| panic!("{} encode: {e}", column.name()));
                let got = verify_encoded(&out[..n], client)
                    .unwrap_or_else(|e| panic!("{}: {e}", column.name()));
                assert_eq!(
                    (got.messages, got.sum),
                    (input.expected.messages, input.expected.sum),
                    "{}",
                    column.name()
                );
            }
        }
    }
}

#[test]
fn checksum_catches_skipped_unmasking_and_ignores_chunking() {
    let mut rng = Rng::new(1);
    let payload = text::multilingual(&mut rng, 5000);
    let mut whole = Checksum::default();
    whole.message(Kind::Text, payload.as_bytes());
    let mut pieces = Checksum::default();
    for piece in payload.as_bytes().chunks(97) {
        pieces.feed(piece);
    }
    pieces.end(Kind::Text);
    assert_eq!(whole, pieces);

    let mut wire = Vec::new();
    masked_frame(
        &mut wire,
        1,
        true,
        payload.as_bytes(),
        [0x12, 0x34, 0x56, 0x78],
    );
    let mut masked = Checksum::default();
    masked.message(Kind::Text, &wire[wire.len() - payload.len()..]);
    assert_ne!(whole.sum, masked.sum);
    // One message of 16 bytes with one wrong byte at offset 0 differs too.
    let (mut a, mut b) = (Checksum::default(), Checksum::default());
    a.message(Kind::Text, b"abcdefghijklmnop");
    b.message(Kind::Text, b"xbcdefghijklmnop");
    assert_ne!(a.sum, b.sum);
}

#[test]
fn generated_text_has_the_intended_shape() {
    let mut rng = Rng::new(2);
    let t = text::multilingual(&mut rng, 1 << 20);
    assert_eq!(t.len(), 1 << 20);
    let share = text::multibyte_share(&t);
    assert!((0.6..0.8).contains(&share), "multi-byte share {share}");
    for _ in 0..200 {
        let t = text::straddling(&mut rng, 1024, 64);
        assert_eq!(t.len(), 1024);
        for cut in (64..1024).step_by(64) {
            assert!(
                !t.is_char_boundary(cut),
                "fragment split at {cut} falls between characters"
            );
        }
    }
}

#[test]
fn every_adapter_rejects_invalid_utf8() {
    let rt = runtime();
    let bad_whole: &[&[u8]] = &[b"ab\xC3\x28cd"];
    let bad_split: &[&[u8]] = &[b"ab\xE2\x82", b"\x28cd"]; // a 3-byte sequence broken across fragments
    for fragments in [bad_whole, bad_split] {
        let mut wire = Vec::new();
        for (i, piece) in fragments.iter().enumerate() {
            let opcode = if i == 0 { 1 } else { 0 };
            masked_frame(
                &mut wire,
                opcode,
                i + 1 == fragments.len(),
                piece,
                [1, 2, 3, 4],
            );
        }
        masked_frame(&mut wire, 8, true, &1000u16.to_be_bytes(), [5, 6, 7, 8]);
        let input = crate::workloads::RecvInput {
            wire,
            expected: Checksum::default(),
            text: Vec::new(),
            text_len: 0,
        };
        for column in peers::all().iter().filter(|c| c.role() != Role::Reference) {
            let result = column.recv(&input, WHOLE, &rt).expect("receives");
            assert!(
                result.is_err(),
                "{} accepted invalid UTF-8 in {fragments:?}",
                column.name()
            );
        }
    }
}
