//! websocket-sans-io: a frame-level push decoder that unmasks payload in
//! place in the caller's input buffer, and a header encoder plus in-place
//! masking. It validates nothing and assembles no messages (its README says
//! so), so this adapter: rejects frames failing `FrameInfo::is_reasonable`
//! or unmasked; consumes binary payload as it arrives; validates text with
//! `simdutf8::basic::from_utf8`, in place when a message arrives as one
//! piece, else after collecting it in a reused buffer. Client masking uses the
//! shared cheap key generator (the caller supplies every mask).

use ::websocket_sans_io::{
    FrameInfo, Opcode, WebsocketFrameDecoder, WebsocketFrameEncoder, WebsocketFrameEvent as Ev,
};
use tokio::runtime::Runtime;

use super::{validate_utf8, Column, EncodeJob, Role};
use crate::harness::{Checksum, Duplex, KeyGen, Kind};
use crate::workloads::RecvInput;

pub struct WebsocketSansIo;

const INPUT: usize = 64 << 10;

impl Column for WebsocketSansIo {
    fn name(&self) -> &'static str {
        "websocket-sans-io"
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
        let mut encoder = WebsocketFrameEncoder::new();
        let mut keys = KeyGen::new(7);
        let mut at = 0;
        for _ in 0..job.count {
            let info = FrameInfo {
                opcode: Opcode::Binary,
                payload_length: job.payload.len() as u64,
                mask: job.client.then(|| keys.key()),
                fin: true,
                reserved: 0,
            };
            let header = encoder.start_frame(&info);
            let end = at + header.len() + job.payload.len();
            let Some(frame) = out.get_mut(at..end) else {
                return Some(Err("output buffer too small".into()));
            };
            let (head, body) = frame.split_at_mut(header.len());
            head.copy_from_slice(&header);
            body.copy_from_slice(job.payload);
            encoder.transform_frame_payload(body);
            at = end;
        }
        Some(Ok(at))
    }
}

fn recv(wire: &[u8], read_size: usize) -> Result<Checksum, String> {
    let mut decoder = WebsocketFrameDecoder::new();
    let mut transport = Duplex::reader(wire, read_size);
    let mut input = vec![0u8; INPUT];
    let mut text = Vec::new(); // a text message arriving in pieces
    let mut frame = FrameInfo::default();
    let mut validated_in_place = false;
    let mut sum = Checksum::default();
    loop {
        let n = transport.read_into(&mut input);
        if n == 0 {
            return Err("wire ended before the Close frame".into());
        }
        let mut pos = 0;
        loop {
            let Ok(r) = decoder.add_data(&mut input[pos..n]);
            let piece = pos..pos + r.consumed_bytes;
            pos += r.consumed_bytes;
            match r.event {
                None => break,
                Some(Ev::Start { frame_info, .. }) => {
                    if !frame_info.is_reasonable() || frame_info.mask.is_none() {
                        return Err(format!("bad frame {frame_info:?}"));
                    }
                    if frame_info.opcode == Opcode::ConnectionClose {
                        return Ok(sum);
                    }
                    frame = frame_info;
                }
                Some(Ev::PayloadChunk { original_opcode }) => {
                    let data = &input[piece];
                    match original_opcode {
                        Opcode::Binary => sum.feed(data),
                        Opcode::Text => {
                            let whole = frame.opcode == Opcode::Text
                                && frame.fin
                                && data.len() as u64 == frame.payload_length;
                            if whole {
                                validate_utf8(data)?;
                                sum.feed(data);
                                validated_in_place = true;
                            } else {
                                text.extend_from_slice(data);
                            }
                        }
                        _ => {}
                    }
                }
                Some(Ev::End {
                    frame_info,
                    original_opcode,
                }) => {
                    if !(frame_info.fin && frame_info.opcode.is_data()) {
                        continue;
                    }
                    match original_opcode {
                        Opcode::Binary => sum.end(Kind::Binary),
                        Opcode::Text => {
                            if !validated_in_place {
                                validate_utf8(&text)?;
                                sum.feed(&text);
                                text.clear();
                            }
                            validated_in_place = false;
                            sum.end(Kind::Text);
                        }
                        _ => return Err("continuation without a message".into()),
                    }
                }
            }
        }
    }
}
