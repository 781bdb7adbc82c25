//! yawc: `WebSocket::from_stream_with_extensions` (the server's answer as
//! the agreed extensions) over an `AsyncRead + AsyncWrite`, on a
//! current-thread tokio runtime; `next_frame`, then `send` of a text frame
//! holding the received payload (`Bytes`, no copy). Level 1 (its default is
//! flate2's 6); flate2 on zlib-rs (feature `zlib`) with flate2's memLevel
//! 8 (the C zlib if soketto's column is built); UTF-8 checked (`with_utf8`,
//! off by default; simdutf8).

use futures::SinkExt;
use tokio::runtime::Runtime;
use yawc::frame::{Frame, OpCode};
use yawc::{CompressionLevel, Options, Role, WebSocket};

use super::{err, Column};
use crate::input::{Input, READ_SIZE};
use crate::mem::Mem;

pub struct Yawc;

impl Column for Yawc {
    fn name(&self) -> &'static str {
        "yawc"
    }

    fn settings(&self) -> &'static str {
        // flate2 has one backend per binary: soketto's feature brings in the C zlib.
        if cfg!(feature = "soketto") {
            "level 1, memLevel 8, C zlib (flate2)"
        } else {
            "level 1, memLevel 8, zlib-rs (flate2)"
        }
    }

    fn echo(&self, input: &Input, out: &mut Vec<u8>, rt: &Runtime) -> Result<(), String> {
        rt.block_on(async {
            let mut mem = Mem::new(&input.wire, READ_SIZE, out);
            let options = Options::default()
                .with_compression_level(CompressionLevel::new(1))
                .with_utf8();
            let mut ws = WebSocket::from_stream_with_extensions(
                &mut mem,
                Role::Server,
                Some(&input.answer),
                options,
            )
            .map_err(err)?;
            for _ in 0..input.messages.len() {
                let frame = ws.next_frame().await.map_err(err)?;
                if frame.opcode() != OpCode::Text || !frame.is_fin() {
                    return Err(format!("unexpected {:?}", frame.opcode()));
                }
                ws.send(Frame::text(frame.into_payload()))
                    .await
                    .map_err(err)?;
            }
            Ok(())
        })
    }
}
