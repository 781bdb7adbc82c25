//! Invariant: any frames (both roles, every opcode, every fragment shape)
//! encoded by `Encoder` and decoded by `FrameDecoder`, whole or split at a
//! fuzzer-chosen point, come back exactly: same opcode, FIN and payload. The
//! encoder refuses exactly the control frames RFC 6455 §5.5 forbids.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use rfc6455::{Decoded, Encoder, Error, Fragment, FrameDecoder, Opcode, Role, UsageError};
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
        let forbidden = opcode.is_control() && (frame.payload.len() > 125 || !frame.fin);
        match result {
            Ok(_) => {
                assert!(!forbidden);
                expected.push((opcode, frame.fin, frame.payload.clone()));
            }
            Err(e) => {
                assert!(forbidden, "{e}");
                assert!(matches!(
                    Error::Usage(e),
                    Error::Usage(
                        UsageError::ControlPayloadTooLong | UsageError::FragmentedControlFrame
                    )
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
