//! wtx: `WebSocket::new` (what its acceptor returns after the handshake)
//! over its `StreamReader + StreamWriter`, with the `Flate2` compression
//! negotiated from the offer header (`Compression::negotiate`, as its
//! acceptor does); `split_mut`, then the reader's `read_frame` with
//! `WebSocketPayloadOrigin::Adaptive` (the payload stays in its network
//! buffer) and the writer's `write_frame` of that same frame (its way to send
//! back a received frame). Level 1 and window 15 set in `DeflateConfig`
//! (its defaults: level 5, window 12); flate2 on zlib-rs (the C zlib if
//! soketto's column is built), memLevel 8. It resets its compressor and
//! decompressor after every message whatever was agreed, so like soketto it
//! gets the no-context-takeover input.

use tokio::runtime::Runtime;
use wtx::rng::Xorshift64;
use wtx::web_socket::compression::{Flate2, WindowBits};
use wtx::web_socket::{
    Compression, CompressionLevel, DeflateConfig, OpCode, WebSocket, WebSocketBuffer,
    WebSocketPayloadOrigin,
};

use super::{err, Column};
use crate::input::{Input, READ_SIZE};
use crate::mem::Mem;

pub struct Wtx;

impl Column for Wtx {
    fn name(&self) -> &'static str {
        "wtx"
    }

    fn settings(&self) -> &'static str {
        if cfg!(feature = "soketto") {
            "level 1, memLevel 8, C zlib (flate2); no context takeover"
        } else {
            "level 1, memLevel 8, zlib-rs (flate2); no context takeover"
        }
    }

    fn takeover(&self) -> bool {
        false
    }

    fn echo(&self, input: &Input, out: &mut Vec<u8>, rt: &Runtime) -> Result<(), String> {
        let config = DeflateConfig {
            client_max_window_bits: WindowBits::Fifteen,
            compression_level: CompressionLevel::One,
            server_max_window_bits: WindowBits::Fifteen,
        };
        let header: [&[u8]; 2] = [b"sec-websocket-extensions", input.offer.as_bytes()];
        let nc = <Flate2 as Compression<false>>::negotiate(Flate2::from(config), [header].iter())
            .map_err(err)?;
        if nc.is_none() {
            return Err("wtx declined the offer".into());
        }
        rt.block_on(async {
            let mut mem = Mem::new(&input.wire, READ_SIZE, out);
            let mut ws = WebSocket::<_, _, _, _, false>::new(
                nc,
                false,
                Xorshift64::from(7),
                &mut mem,
                WebSocketBuffer::default(),
            );
            // Its documented way to send back a received frame.
            let (mut common, mut reader, mut writer) = ws.split_mut();
            let mut buffer = wtx::collection::Vector::new();
            for _ in 0..input.messages.len() {
                let mut frame = reader
                    .read_frame(&mut buffer, &mut common, WebSocketPayloadOrigin::Adaptive)
                    .await
                    .map_err(err)?;
                if frame.op_code() != OpCode::Text {
                    return Err(format!("unexpected {:?}", frame.op_code()));
                }
                writer
                    .write_frame(&mut common, &mut frame)
                    .await
                    .map_err(err)?;
            }
            Ok(())
        })
    }
}
