//! Reference columns (lower bounds, not WebSocket implementations):
//! `memcpy` is the simulated recv copy alone (the same reads into a 64 KiB
//! buffer) or, for encode, one copy of every payload into the output;
//! `simdutf8` is `simdutf8::basic::from_utf8` over the unmasked text of W3.

use std::hint::black_box;
use tokio::runtime::Runtime;

use super::{Column, EncodeJob, Role};
use crate::harness::{Checksum, Duplex};
use crate::workloads::RecvInput;

pub struct Memcpy;
pub struct Simdutf8;

impl Column for Memcpy {
    fn name(&self) -> &'static str {
        "memcpy"
    }

    fn role(&self) -> Role {
        Role::Reference
    }

    fn recv(
        &self,
        input: &RecvInput,
        read_size: usize,
        _: &Runtime,
    ) -> Option<Result<Checksum, String>> {
        let mut transport = Duplex::reader(&input.wire, read_size);
        let mut buf = vec![0u8; 64 << 10];
        while transport.read_into(black_box(&mut buf)) > 0 {}
        black_box(&buf);
        Some(Ok(Checksum::default()))
    }

    fn encode(
        &self,
        job: &EncodeJob,
        out: &mut [u8],
        _: &Runtime,
    ) -> Option<Result<usize, String>> {
        let len = job.payload.len();
        for chunk in out.chunks_exact_mut(len).take(job.count) {
            chunk.copy_from_slice(black_box(job.payload));
        }
        black_box(&out);
        Some(Ok(len * job.count))
    }
}

impl Column for Simdutf8 {
    fn name(&self) -> &'static str {
        "simdutf8"
    }

    fn role(&self) -> Role {
        Role::Reference
    }

    fn recv(&self, input: &RecvInput, _: usize, _: &Runtime) -> Option<Result<Checksum, String>> {
        if input.text_len == 0 {
            return None;
        }
        for message in input.text.chunks(input.text_len) {
            if simdutf8::basic::from_utf8(black_box(message)).is_err() {
                return Some(Err("invalid UTF-8".into()));
            }
        }
        Some(Ok(Checksum::default()))
    }

    fn encode(&self, _: &EncodeJob, _: &mut [u8], _: &Runtime) -> Option<Result<usize, String>> {
        None
    }
}
