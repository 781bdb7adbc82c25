//! Invariant: any frames (both roles, every opcode, every fragment shape)
//! encoded by `Encoder` and decoded by `FrameDecoder`, whole or split at a
//! fuzzer-chosen point, come back exactly: same opcode, FIN and payload. The
//! encoder refuses exactly the control frames RFC 6455 §5.5 forbids and the
//! Close payloads §5.5.1 and §7.4.1 forbid.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use rfc6455::{
    CloseCode, Decoded, Encoder, Error, Fragment, FrameDecoder, Opcode, Role, UsageError,
};
use rfc6455_fuzz::keys;

#[derive(Arbitrary, Debug)]
struct Frame {
    opcode: u8,
    fin: bool,
    payload: Vec<u8>,
}

const OPCODES: [Opcode; 6] = [
    Opcode::Continuation,
    Opcode::Text,
    Opcode::Binary,
    Opcode::Close,
    Opcode::Ping,
    Opcode::Pong,
];

/// A Close payload that may be sent: empty, or a sendable code and a UTF-8
/// reason.
fn sendable_close(payload: &[u8]) -> bool {
    match payload {
        [] => true,
        [hi, lo, reason @ ..] => {
            CloseCode::new(u16::from_be_bytes([*hi, *lo])).is_sendable()
                && std::str::from_utf8(reason).is_ok()
        }
        [_] => false,
    }
}

fuzz_target!(|data: (bool, u8, u16, Vec<Frame>)| {
    let (client, seed, split, frames) = data;
    let mut wire = Vec::new();
    let mut expected = Vec::new();
    let mut client_enc = Encoder::client(keys(seed));
    let mut server_enc = Encoder::server();
    for frame in &frames {
        let opcode = OPCODES[usize::from(frame.opcode) % OPCODES.len()];
        let fragment = Fragment::from_fin(frame.fin);
        let result = if client {
            client_enc.frame_to_vec(opcode, &frame.payload, fragment, &mut wire)
        } else {
            server_enc.frame_to_vec(opcode, &frame.payload, fragment, &mut wire)
        };
        let bad_control = opcode.is_control() && (frame.payload.len() > 125 || !frame.fin);
        let bad_close = opcode == Opcode::Close && !bad_control && !sendable_close(&frame.payload);
        match result {
            Ok(_) => {
                assert!(!bad_control && !bad_close);
                expected.push((opcode, frame.fin, frame.payload.clone()));
            }
            Err(e) if bad_control => assert!(matches!(
                Error::Usage(e),
                Error::Usage(
                    UsageError::ControlPayloadTooLong | UsageError::FragmentedControlFrame
                )
            )),
            Err(e) => {
                assert!(bad_close, "{e}");
                assert!(matches!(
                    e,
                    UsageError::InvalidClosePayload | UsageError::InvalidCloseCode(_)
                ));
            }
        }
    }
    let peer = if client { Role::Server } else { Role::Client };
    let split = usize::from(split) % (wire.len() + 1);
    for cut in [wire.len(), split] {
        let mut buf = wire.clone();
        let mut decoder = FrameDecoder::new(peer);
        let mut got: Vec<(Opcode, bool, Vec<u8>)> = Vec::new();
        let (first, second) = buf.split_at_mut(cut);
        for piece in [first, second] {
            let mut rest = piece;
            loop {
                let (used, item) = decoder.decode(rest).expect("our own frames decode");
                match item {
                    None => break,
                    Some(Decoded::Header(h)) => {
                        assert_eq!(h.mask.is_some(), client);
                        got.push((h.opcode, h.fin, Vec::new()));
                    }
                    Some(Decoded::Payload { data, .. }) => {
                        got.last_mut().unwrap().2.extend_from_slice(data)
                    }
                }
                rest = &mut std::mem::take(&mut rest)[used..];
            }
        }
        assert!(decoder.is_between_frames());
        assert_eq!(got, expected);
    }
});
