//! embedded-websocket: sans-IO `read(from, to)` / `write(.., from, to)` on
//! caller buffers (its `state` set to `Open` to skip the handshake). Reads are
//! copied into a 64 KiB input buffer; `read` unmasks payload from it into a
//! destination buffer. It does NOT validate UTF-8: this adapter reassembles
//! each text message in the (growable, reused) destination buffer and runs
//! `simdutf8::basic::from_utf8` on it. Binary payload is consumed as it
//! arrives. Client masking uses the shared cheap key generator (any
//! `rand_core::RngCore`).
//!
//! Its higher-level `Framer` does check text (`core::str::from_utf8`), but it
//! fails when a frame header is split across reads (`ReadFrameIncomplete` is
//! returned as an error), so it cannot run the 4 KiB-read rows.
//!
//! Workaround for a bug in 0.9.5 (`WebSocket::read_frame`, src/lib.rs): the
//! state of a frame whose payload was split across `read` calls is cleared
//! only when that frame has FIN set, so a split non-final fragment leaves
//! `read` returning 0 bytes forever, and a split final continuation frame
//! fails with `UnexpectedContinuationFrame`. The adapter therefore peeks each
//! frame header and hands `read` a frame only once it is complete (unless it
//! is larger than the 64 KiB input buffer, which only W2/W3's single-frame
//! messages are), with room for its payload.

use ::embedded_websocket::{
    Error, WebSocketClient, WebSocketReceiveMessageType as Rx, WebSocketSendMessageType as Tx,
    WebSocketServer, WebSocketState,
};
use tokio::runtime::Runtime;

use super::{err, validate_utf8, Column, EncodeJob, Role};
use crate::harness::{Checksum, Duplex, KeyGen, Kind};
use crate::workloads::RecvInput;

pub struct EmbeddedWebsocket;

const INPUT: usize = 64 << 10;

/// The shared cheap key generator as a `rand_core` 0.6 RNG.
struct Rng(KeyGen);

impl rand_core::RngCore for Rng {
    fn next_u32(&mut self) -> u32 {
        self.0.next_u32()
    }
    fn next_u64(&mut self) -> u64 {
        u64::from(self.0.next_u32()) << 32 | u64::from(self.0.next_u32())
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        self.0.fill(dest)
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
        self.0.fill(dest);
        Ok(())
    }
}

impl Column for EmbeddedWebsocket {
    fn name(&self) -> &'static str {
        "embedded-websocket"
    }

    fn role(&self) -> Role {
        Role::Peer
    }

    fn validates_utf8(&self) -> bool {
        false
    }

    fn recv(
        &self,
        input: &RecvInput,
        read_size: usize,
        _: &Runtime,
    ) -> Option<Result<Checksum, String>> {
        Some(recv(&input.wire, read_size))
    }

    fn encode(
        &self,
        job: &EncodeJob,
        out: &mut [u8],
        _: &Runtime,
    ) -> Option<Result<usize, String>> {
        let mut at = 0;
        let result = if job.client {
            let mut ws = WebSocketClient::new_client(Rng(KeyGen::new(7)));
            ws.state = WebSocketState::Open;
            (0..job.count).try_for_each(|_| {
                at += ws.write(Tx::Binary, true, job.payload, &mut out[at..])?;
                Ok::<_, Error>(())
            })
        } else {
            let mut ws = WebSocketServer::new_server();
            ws.state = WebSocketState::Open;
            (0..job.count).try_for_each(|_| {
                at += ws.write(Tx::Binary, true, job.payload, &mut out[at..])?;
                Ok::<_, Error>(())
            })
        };
        Some(result.map(|()| at).map_err(err))
    }
}

fn recv(wire: &[u8], read_size: usize) -> Result<Checksum, String> {
    let mut ws = WebSocketServer::new_server();
    ws.state = WebSocketState::Open;
    let mut transport = Duplex::reader(wire, read_size);
    let mut input = vec![0u8; INPUT];
    let (mut start, mut end) = (0, 0);
    let mut dest = vec![0u8; INPUT];
    let mut text_len = 0; // text of the current message held in `dest`
    let mut frame_left = 0; // bytes of the current frame not yet given to `read`
    let mut sum = Checksum::default();
    loop {
        while start < end {
            if frame_left == 0 {
                // Workaround (see the module docs): hand `read` a frame only
                // once it is complete, unless it is larger than the input
                // buffer, and with room for its payload.
                let Some((len, payload)) = frame_len(&input[start..end]) else {
                    break;
                };
                if len <= INPUT && start + len > end {
                    break;
                }
                frame_left = len;
                let room = text_len + payload.min(INPUT);
                if dest.len() < room {
                    dest.resize(room.next_power_of_two(), 0);
                }
            }
            if text_len == dest.len() {
                dest.resize(dest.len() * 2, 0);
            }
            let r = match ws.read(&input[start..end], &mut dest[text_len..]) {
                Ok(r) => r,
                Err(Error::ReadFrameIncomplete) => break,
                Err(e) => return Err(err(e)),
            };
            start += r.len_from;
            frame_left -= r.len_from;
            match r.message_type {
                Rx::Binary => {
                    sum.feed(&dest[..r.len_to]);
                    if r.end_of_message {
                        sum.end(Kind::Binary);
                    }
                }
                Rx::Text => {
                    text_len += r.len_to;
                    if r.end_of_message {
                        validate_utf8(&dest[..text_len])?;
                        sum.message(Kind::Text, &dest[..text_len]);
                        text_len = 0;
                    }
                }
                Rx::CloseMustReply | Rx::CloseCompleted => return Ok(sum),
                _ => {}
            }
        }
        input.copy_within(start..end, 0);
        end -= start;
        start = 0;
        let n = transport.read_into(&mut input[end..]);
        if n == 0 {
            return Err("wire ended before the Close frame".into());
        }
        end += n;
    }
}

/// (frame length, payload length) of the frame at the start of `buf`, once
/// its header is complete.
fn frame_len(buf: &[u8]) -> Option<(usize, usize)> {
    let b1 = *buf.get(1)?;
    let ext = match b1 & 0x7F {
        126 => 2,
        127 => 8,
        _ => 0,
    };
    let head = 2 + ext + if b1 & 0x80 != 0 { 4 } else { 0 };
    let bytes = buf.get(2..2 + ext)?;
    let payload = match ext {
        0 => usize::from(b1 & 0x7F),
        _ => bytes.iter().fold(0usize, |n, &b| n << 8 | usize::from(b)),
    };
    (buf.len() >= head).then_some((head + payload, payload))
}
