//! tokio-websockets: `AsyncRead + AsyncWrite` stream on a current-thread
//! runtime, `ServerBuilder::serve` / `ClientBuilder::take_over` (no
//! handshake). Validates UTF-8 itself (simdutf8, incremental). Client masking
//! keys come from its own RNG (feature `fastrand`, the cheapest it offers).

use ::tokio_websockets::{ClientBuilder, Limits, Message, ServerBuilder};
use futures_util::{SinkExt, StreamExt};
use tokio::runtime::Runtime;

use super::{err, Column, EncodeJob, Role};
use crate::harness::{Checksum, Duplex, Kind};
use crate::workloads::RecvInput;

pub struct TokioWebsockets;

fn limits() -> Limits {
    Limits::default().max_payload_len(Some(64 << 20))
}

impl Column for TokioWebsockets {
    fn name(&self) -> &'static str {
        "tokio-websockets"
    }

    fn role(&self) -> Role {
        Role::Peer
    }

    fn own_mask_keys(&self) -> bool {
        true
    }

    fn recv(
        &self,
        input: &RecvInput,
        read_size: usize,
        rt: &Runtime,
    ) -> Option<Result<Checksum, String>> {
        Some(rt.block_on(async {
            let stream = Duplex::reader(&input.wire, read_size);
            let mut ws = ServerBuilder::new().limits(limits()).serve(stream);
            let mut sum = Checksum::default();
            while let Some(message) = ws.next().await {
                let message = message.map_err(err)?;
                if message.is_text() {
                    sum.message(Kind::Text, message.as_payload());
                } else if message.is_binary() {
                    sum.message(Kind::Binary, message.as_payload());
                } else if message.is_close() {
                    return Ok(sum);
                }
            }
            Err("stream ended before the Close frame".to_string())
        }))
    }

    fn encode(
        &self,
        job: &EncodeJob,
        out: &mut [u8],
        rt: &Runtime,
    ) -> Option<Result<usize, String>> {
        Some(rt.block_on(async {
            let stream = Duplex::writer(out);
            let mut ws = match job.client {
                false => ServerBuilder::new().limits(limits()).serve(stream),
                true => ClientBuilder::new().limits(limits()).take_over(stream),
            };
            for _ in 0..job.count {
                ws.feed(Message::binary(job.shared.clone()))
                    .await
                    .map_err(err)?;
            }
            ws.flush().await.map_err(err)?;
            Ok(ws.get_ref().written())
        }))
    }
}
