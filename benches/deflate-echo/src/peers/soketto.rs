//! soketto: `connection::Builder` over a futures `AsyncRead + AsyncWrite`
//! with its `Deflate` extension configured from the offer (as its server
//! handshake does); `receive_data` into a reused `Vec`, `send_text`,
//! `flush`. It creates a fresh decompressor for every message, so it cannot
//! read a client that keeps its context: this column gets the
//! no-context-takeover input. Compression is fixed at level 1
//! (`Compression::fast()`) with a fresh compressor per message; flate2 on the
//! C zlib (soketto's `flate2/zlib`), memLevel 8. It does not check UTF-8:
//! the adapter does (`str::from_utf8`, which `send_text` needs anyway).
//! flate2 1.1.10 and later fail its inflate ("incomplete deflate stream":
//! it finishes a `write::DeflateDecoder` on a sync-flushed stream), so the
//! lockfile holds flate2 at 1.1.9.

use soketto::connection::{Builder, Mode};
use soketto::extension::deflate::Deflate;
use soketto::extension::{Extension, Param};
use soketto::Data;
use tokio::runtime::Runtime;

use super::{err, Column};
use crate::input::{Input, READ_SIZE};
use crate::mem::Mem;

pub struct Soketto;

impl Column for Soketto {
    fn name(&self) -> &'static str {
        "soketto"
    }

    fn settings(&self) -> &'static str {
        "level 1 (fixed), memLevel 8, C zlib (flate2); no context takeover; UTF-8 by the adapter*"
    }

    fn takeover(&self) -> bool {
        false
    }

    fn echo(&self, input: &Input, out: &mut Vec<u8>, rt: &Runtime) -> Result<(), String> {
        let params: Vec<Param> = input
            .offer
            .split(';')
            .skip(1)
            .map(|p| Param::new(p.trim().to_owned()))
            .collect();
        rt.block_on(async {
            let mut mem = Mem::new(&input.wire, READ_SIZE, out);
            let mut deflate = Deflate::new(Mode::Server);
            deflate.configure(&params).map_err(err)?;
            if !deflate.is_enabled() {
                return Err("soketto declined the offer".into());
            }
            let mut builder = Builder::new(&mut mem, Mode::Server);
            builder.add_extensions(Some(Box::new(deflate) as Box<dyn Extension + Send>));
            let (mut sender, mut receiver) = builder.finish();
            let mut message = Vec::new();
            for _ in 0..input.messages.len() {
                message.clear();
                match receiver.receive_data(&mut message).await.map_err(err)? {
                    Data::Text(_) => {}
                    Data::Binary(_) => return Err("expected text".into()),
                }
                let text = std::str::from_utf8(&message).map_err(err)?;
                sender.send_text(text).await.map_err(err)?;
                sender.flush().await.map_err(err)?;
            }
            Ok(())
        })
    }
}
