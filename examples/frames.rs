//! Encodes and decodes the frames of RFC 6455 §5.7 and prints them.
//!
//! Run with `cargo run --example frames`.

use rfc6455::{Decoded, Encoder, Fragment, FrameDecoder, Opcode, Role};

fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Decodes every frame in `wire` as `role` and prints it.
fn show(role: Role, wire: &mut [u8]) -> Result<(), rfc6455::ProtocolError> {
    let mut decoder = FrameDecoder::new(role);
    let mut rest = wire;
    loop {
        let (used, item) = decoder.decode(rest)?;
        match item {
            None => return Ok(()),
            Some(Decoded::Header(h)) => print!(
                "    {:?} fin={} masked={} len={}",
                h.opcode,
                h.fin,
                h.mask.is_some(),
                h.payload_len
            ),
            Some(Decoded::Payload { data, end_of_frame }) => {
                print!(" {:?}", String::from_utf8_lossy(data));
                if end_of_frame {
                    println!();
                }
            }
        }
        rest = &mut std::mem::take(&mut rest)[used..];
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // §5.7 uses the masking key 37 fa 21 3d; a real client draws fresh keys.
    let fixed = |key: &mut [u8]| key.copy_from_slice(&[0x37, 0xfa, 0x21, 0x3d]);
    let mut server = Encoder::server();
    let mut client = Encoder::client(fixed);
    let mut buf = vec![0u8; 70_000];

    let examples: Vec<(&str, Role, Vec<u8>)> = vec![
        ("unmasked text \"Hello\"", Role::Client, {
            let n = server.text("Hello", &mut buf)?;
            buf[..n].to_vec()
        }),
        ("masked text \"Hello\"", Role::Server, {
            let n = client.text("Hello", &mut buf)?;
            buf[..n].to_vec()
        }),
        ("fragmented \"Hel\" + \"lo\"", Role::Client, {
            let mut wire = Vec::new();
            server.frame_to_vec(Opcode::Text, b"Hel", Fragment::More, &mut wire)?;
            server.frame_to_vec(Opcode::Continuation, b"lo", Fragment::Last, &mut wire)?;
            wire
        }),
        ("unmasked ping \"Hello\"", Role::Client, {
            let n = server.ping(b"Hello", &mut buf)?;
            buf[..n].to_vec()
        }),
        ("masked pong \"Hello\"", Role::Server, {
            let n = client.pong(b"Hello", &mut buf)?;
            buf[..n].to_vec()
        }),
    ];
    for (name, role, mut wire) in examples {
        println!("{name}:\n    wire: {}", hex(&wire));
        show(role, &mut wire)?;
    }

    for len in [256usize, 65536] {
        let n = server.binary(&vec![0; len], &mut buf)?;
        let header_len = n - len;
        println!(
            "unmasked binary of {len} bytes:\n    header: {}",
            hex(&buf[..header_len])
        );
    }
    Ok(())
}
