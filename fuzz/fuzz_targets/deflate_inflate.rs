//! Invariant: any bytes, as two permessage-deflate messages cut into pieces
//! of any size and inflated into outputs of any size under a 64 KiB budget,
//! give the messages, a budget overrun or an `ExtensionError`, never a
//! panic; no step reads more than given or writes more than its room, and
//! a step that moves nothing is the end of the message; the verdict and
//! the output do not depend on the cuts or the output sizes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rfc6455::{Extension, ExtensionOffers};
use rfc6455_deflate::Deflate;
use rfc6455_fuzz::header;

const BUDGET: usize = 64 << 10;

#[derive(Debug, PartialEq)]
enum Outcome {
    Message(Vec<u8>),
    Over,
    Corrupt,
}

/// A client whose server agreed on `window` bits, resetting or not.
fn client(window: u8, reset: bool) -> Deflate {
    let mut deflate = Deflate::new();
    let text = format!(
        "permessage-deflate; server_max_window_bits={window}{}",
        if reset {
            "; server_no_context_takeover"
        } else {
            ""
        }
    );
    let element = ExtensionOffers::parse(text.as_bytes())
        .unwrap()
        .next()
        .unwrap();
    assert!(deflate.accept_response(&element));
    deflate
}

fn inflate(deflate: &mut Deflate, message: &[u8], piece: usize, room: usize) -> Outcome {
    let mut out = Vec::new();
    let mut buf = vec![0u8; room];
    let pieces: Vec<&[u8]> = if message.is_empty() {
        vec![message]
    } else {
        message.chunks(piece).collect()
    };
    for (i, piece) in pieces.iter().enumerate() {
        let last = i + 1 == pieces.len();
        let mut at = 0;
        loop {
            let room = room.min(BUDGET - out.len() + 1);
            let Ok(step) = deflate.decode(&piece[at..], last, &mut buf[..room]) else {
                return Outcome::Corrupt;
            };
            assert!(step.read <= piece.len() - at && step.written <= room);
            out.extend_from_slice(&buf[..step.written]);
            if out.len() > BUDGET {
                return Outcome::Over;
            }
            at += step.read;
            if at == piece.len() && (!last || step.done) {
                break;
            }
            assert!(step.read > 0 || step.written > 0, "a step moved nothing");
        }
    }
    Outcome::Message(out)
}

fn run(
    body: &[u8],
    split: usize,
    window: u8,
    reset: bool,
    piece: usize,
    room: usize,
) -> Vec<Outcome> {
    let mut deflate = client(window, reset);
    let mut outcomes = Vec::new();
    for message in [&body[..split], &body[split..]] {
        let outcome = inflate(&mut deflate, message, piece, room);
        let failed =
            outcome != Outcome::Message(Vec::new()) && !matches!(outcome, Outcome::Message(_));
        outcomes.push(outcome);
        if failed {
            break;
        }
    }
    outcomes
}

fuzz_target!(|data: &[u8]| {
    let Some(([room, piece, flags, s0, s1], body)) = header::<5>(data) else {
        return;
    };
    let split = usize::from(u16::from_be_bytes([s0, s1])) % (body.len() + 1);
    let window = 8 + (flags & 7);
    let reset = flags & 8 != 0;
    let cut = run(
        body,
        split,
        window,
        reset,
        usize::from(piece) + 1,
        usize::from(room) + 1,
    );
    let whole = run(body, split, window, reset, body.len().max(1), BUDGET + 1);
    assert_eq!(cut, whole);
});
