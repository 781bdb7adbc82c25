//! rfc6455: sans-IO; reads are copied into `spare_mut()` and committed.
//! Streaming mode (64 KiB receive storage, chunks delivered as they arrive)
//! or whole-message reassembly. Full UTF-8 validation is built in.

use ::rfc6455::{
    Config, Connection, Encoder, Event, KeySource, MessageMode, NoKeys, Role as WsRole,
};
use tokio::runtime::Runtime;

use super::{err, Column, EncodeJob, Role};
use crate::harness::{Checksum, Duplex, KeyGen, Kind};
use crate::workloads::RecvInput;

pub const RX_STORAGE: usize = 64 << 10;
/// Receive-only: the transmit storage only ever holds the Close echo.
pub const TX_STORAGE: usize = 4 << 10;

pub struct Rfc6455 {
    pub reassemble: bool,
}

/// The shared cheap key generator as an rfc6455 key source.
struct Keys(KeyGen);

impl KeySource for Keys {
    fn fill(&mut self, dest: &mut [u8]) {
        self.0.fill(dest);
    }
    fn mask_key(&mut self) -> [u8; 4] {
        self.0.key()
    }
}

impl Column for Rfc6455 {
    fn name(&self) -> &'static str {
        match self.reassemble {
            false => "rfc6455",
            true => "rfc6455 (reassembly)",
        }
    }

    fn role(&self) -> Role {
        Role::Subject
    }

    fn recv(
        &self,
        input: &RecvInput,
        read_size: usize,
        _: &Runtime,
    ) -> Option<Result<Checksum, String>> {
        let mode = match self.reassemble {
            false => MessageMode::Stream,
            true => MessageMode::Reassemble,
        };
        Some(recv(&input.wire, read_size, mode))
    }

    fn encode(
        &self,
        job: &EncodeJob,
        out: &mut [u8],
        _: &Runtime,
    ) -> Option<Result<usize, String>> {
        if self.reassemble {
            return None; // the same Encoder: see the rfc6455 column
        }
        Some(match job.client {
            false => encode(Encoder::server(), job, out),
            true => encode(Encoder::client(Keys(KeyGen::new(7))), job, out),
        })
    }
}

fn recv(wire: &[u8], read_size: usize, mode: MessageMode) -> Result<Checksum, String> {
    let config = Config::new().with_message_mode(mode);
    let (rx, tx) = (
        vec![0u8; RX_STORAGE].into_boxed_slice(),
        vec![0u8; TX_STORAGE].into_boxed_slice(),
    );
    let mut conn = Connection::open(WsRole::Server, config, rx, tx, NoKeys).map_err(err)?;
    let mut transport = Duplex::reader(wire, read_size);
    let mut sum = Checksum::default();
    loop {
        while let Some(event) = conn.poll_event() {
            match event.map_err(err)? {
                Event::Text { data, fin } => {
                    sum.feed(data.as_bytes());
                    if fin {
                        sum.end(Kind::Text);
                    }
                }
                Event::Binary { data, fin } => {
                    sum.feed(data);
                    if fin {
                        sum.end(Kind::Binary);
                    }
                }
                Event::Close { .. } => return Ok(sum),
                _ => {}
            }
        }
        let n = transport.read_into(conn.spare_mut());
        if n == 0 {
            return Err("wire ended before the Close frame".into());
        }
        conn.commit(n);
    }
}

fn encode<K: KeySource>(
    mut encoder: Encoder<K>,
    job: &EncodeJob,
    out: &mut [u8],
) -> Result<usize, String> {
    let mut at = 0;
    for _ in 0..job.count {
        at += encoder.binary(job.payload, &mut out[at..]).map_err(err)?;
    }
    Ok(at)
}
