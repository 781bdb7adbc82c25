//! rfc6455 with rfc6455-deflate at its defaults (level 1, memLevel 4,
//! zlib-rs): `receive` the reads, `poll_event` whole messages
//! (reassembly, the default with `alloc`), copy the text out of the event
//! (it borrows the connection), `send_text`, then `peek_transmit` /
//! `advance_transmit`.

use ::rfc6455::{Config, Connection, Event, NoKeys, Role};
use tokio::runtime::Runtime;

use super::{err, Column};
use crate::input::{drain, server_deflate, Input, READ_SIZE};

/// `takeover: false` runs the no-context-takeover input, beside the crates
/// that can only run that one.
pub struct Rfc6455 {
    pub takeover: bool,
}

impl Column for Rfc6455 {
    fn name(&self) -> &'static str {
        match self.takeover {
            true => "rfc6455",
            false => "rfc6455 (no context takeover)",
        }
    }

    fn settings(&self) -> &'static str {
        match self.takeover {
            true => "level 1, memLevel 4, zlib-rs",
            false => "level 1, memLevel 4, zlib-rs; no context takeover",
        }
    }

    fn takeover(&self) -> bool {
        self.takeover
    }

    fn echo(&self, input: &Input, out: &mut Vec<u8>, _: &Runtime) -> Result<(), String> {
        let (deflate, _) = server_deflate(input.offer);
        let conn = Connection::open(Role::Server, Config::new(), Vec::new(), Vec::new(), NoKeys)
            .map_err(err)?;
        let mut conn = conn.with_extension(deflate).map_err(err)?;
        let mut wire = &input.wire[..];
        let mut text = String::new();
        let mut echoed = 0;
        while echoed < input.messages.len() {
            let n = conn.receive(&wire[..wire.len().min(READ_SIZE)]);
            wire = &wire[n..];
            let mut any = false;
            while let Some(event) = conn.poll_event() {
                any = true;
                match event.map_err(err)? {
                    Event::Text { data, fin: true } => {
                        text.clear();
                        text.push_str(data);
                    }
                    Event::Text { .. } | Event::Binary { .. } => {
                        return Err("expected whole text messages".into())
                    }
                    _ => continue,
                }
                conn.send_text(&text).map_err(err)?;
                drain(&mut conn, out);
                echoed += 1;
            }
            if n == 0 && !any {
                return Err(format!("stalled after {echoed} echoes"));
            }
        }
        Ok(())
    }
}
