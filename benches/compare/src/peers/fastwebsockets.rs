//! fastwebsockets: `AsyncRead + AsyncWrite` stream on a current-thread
//! runtime, `WebSocket::after_handshake`, wrapped in `FragmentCollector` so
//! fragmented messages come out whole. Validates UTF-8 itself (simdutf8 for a
//! single-frame text message, the `utf-8` crate across fragments). A client
//! frame takes the mask key we give it (`Frame::new(.., Some(key), ..)`), so
//! it uses the shared cheap key generator.

use ::fastwebsockets::{FragmentCollector, Frame, OpCode, Payload, Role as WsRole, WebSocket};
use tokio::runtime::Runtime;

use super::{err, Column, EncodeJob, Role};
use crate::harness::{Checksum, Duplex, KeyGen, Kind};
use crate::workloads::RecvInput;

pub struct Fastwebsockets;

impl Column for Fastwebsockets {
    fn name(&self) -> &'static str {
        "fastwebsockets"
    }

    fn role(&self) -> Role {
        Role::Peer
    }

    fn recv(
        &self,
        input: &RecvInput,
        read_size: usize,
        rt: &Runtime,
    ) -> Option<Result<Checksum, String>> {
        Some(rt.block_on(async {
            let stream = Duplex::reader(&input.wire, read_size);
            let mut ws = WebSocket::after_handshake(stream, WsRole::Server);
            ws.set_max_message_size(64 << 20);
            let mut ws = FragmentCollector::new(ws);
            let mut sum = Checksum::default();
            loop {
                let frame = ws.read_frame().await.map_err(err)?;
                match frame.opcode {
                    OpCode::Text => sum.message(Kind::Text, &frame.payload),
                    OpCode::Binary => sum.message(Kind::Binary, &frame.payload),
                    OpCode::Close => return Ok(sum),
                    _ => {}
                }
            }
        }))
    }

    fn encode(
        &self,
        job: &EncodeJob,
        out: &mut [u8],
        rt: &Runtime,
    ) -> Option<Result<usize, String>> {
        Some(rt.block_on(async {
            let role = if job.client {
                WsRole::Client
            } else {
                WsRole::Server
            };
            let mut ws = WebSocket::after_handshake(Duplex::writer(out), role);
            let mut keys = KeyGen::new(7);
            for _ in 0..job.count {
                let mask = job.client.then(|| keys.key());
                let frame = Frame::new(true, OpCode::Binary, mask, Payload::Borrowed(job.payload));
                ws.write_frame(frame).await.map_err(err)?;
            }
            Ok(ws.into_inner().written())
        }))
    }
}
