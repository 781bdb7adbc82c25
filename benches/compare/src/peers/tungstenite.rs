//! tungstenite: blocking `Read + Write` stream, `WebSocket::from_raw_socket`.
//! Validates UTF-8 itself (std `str::from_utf8`, incremental for fragments).
//! Client masking keys come from its own `rand::random()`.

use ::tungstenite::protocol::{Role as WsRole, WebSocket, WebSocketConfig};
use ::tungstenite::Message;
use tokio::runtime::Runtime;

use super::{err, Column, EncodeJob, Role};
use crate::harness::{Checksum, Duplex, Kind};
use crate::workloads::RecvInput;

pub struct Tungstenite;

fn config() -> WebSocketConfig {
    WebSocketConfig::default()
        .max_message_size(Some(64 << 20))
        .max_frame_size(Some(64 << 20))
}

impl Column for Tungstenite {
    fn name(&self) -> &'static str {
        "tungstenite"
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
        _: &Runtime,
    ) -> Option<Result<Checksum, String>> {
        let stream = Duplex::reader(&input.wire, read_size);
        let mut ws = WebSocket::from_raw_socket(stream, WsRole::Server, Some(config()));
        let mut sum = Checksum::default();
        Some(loop {
            match ws.read() {
                Ok(Message::Text(text)) => sum.message(Kind::Text, text.as_bytes()),
                Ok(Message::Binary(data)) => sum.message(Kind::Binary, &data),
                Ok(Message::Close(_)) => break Ok(sum),
                Ok(_) => {}
                Err(e) => break Err(err(e)),
            }
        })
    }

    fn encode(
        &self,
        job: &EncodeJob,
        out: &mut [u8],
        _: &Runtime,
    ) -> Option<Result<usize, String>> {
        let role = if job.client {
            WsRole::Client
        } else {
            WsRole::Server
        };
        let mut ws = WebSocket::from_raw_socket(Duplex::writer(out), role, Some(config()));
        let run = |ws: &mut WebSocket<Duplex>| -> Result<(), ::tungstenite::Error> {
            for _ in 0..job.count {
                ws.write(Message::Binary(job.shared.clone()))?;
            }
            ws.flush()
        };
        Some(run(&mut ws).map_err(err).map(|()| ws.get_ref().written()))
    }
}
