//! Control frames (Ping, Pong, Close) as they complete, and failing the
//! connection (RFC 6455 §5.5, §7.1.7).

use super::{Connection, ControlBuf, State};
use crate::close::parse_close_payload;
use crate::close_code::CloseCode;
use crate::config::AutoPong;
use crate::error::{Error, ProtocolError};
use crate::event::Event;
use crate::frame::Opcode;
use crate::handshake::Extension;
use crate::keys::KeySource;
use crate::storage::Storage;

impl<B: Storage, K: KeySource + ?Sized, E: Extension> Connection<B, K, E> {
    /// A whole control frame arrived.
    pub(super) fn on_control(&mut self) -> Option<Result<Event<'_>, Error>> {
        match self.inbound.frame {
            Opcode::Ping => {
                // §5.5.2: "Upon receipt of a Ping frame, an endpoint MUST send
                // a Pong frame in response, unless it already received a Close
                // frame", with the same payload. It is queued at once while
                // Pongs leave half the transmit storage to the application;
                // beyond that only the latest is kept (§5.5.3) until output
                // is taken, so a flood neither grows memory nor crowds out
                // the application's frames.
                let answering = matches!(self.state(), State::Open | State::CloseSent);
                if self.config.auto_pong == AutoPong::Enabled && answering {
                    self.pending_pong = Some(self.control);
                    self.flush_pending();
                }
                Some(Ok(Event::Ping(self.control.as_slice())))
            }
            Opcode::Pong => Some(Ok(Event::Pong(self.control.as_slice()))),
            _ => self.on_close(),
        }
    }

    /// The peer's Close frame arrived (§5.5.1, §7.1.5).
    fn on_close(&mut self) -> Option<Result<Event<'_>, Error>> {
        let code = match parse_close_payload(self.control.as_slice()) {
            Err(e) => return Some(Err(self.fail(e))),
            Ok(parsed) => parsed.map(|(code, _)| code),
        };
        if self.state() == State::Open {
            // §5.5.1: "If an endpoint receives a Close frame and did not
            // previously send a Close frame, the endpoint MUST send a Close
            // frame in response" — echoing the status code it received.
            let echo = code.map_or(ControlBuf::new(), |c| {
                ControlBuf::from_slice(&c.as_u16().to_be_bytes())
            });
            self.pending_close = Some(echo);
            self.move_to_close_received();
        } else {
            self.move_to_closed();
        }
        // A message in progress is abandoned: nothing after a Close counts.
        self.inbound.finish();
        let payload = self.control.as_slice();
        let reason = payload
            .get(2..)
            .map_or("", |r| core::str::from_utf8(r).unwrap_or(""));
        Some(Ok(Event::Close {
            code: code.unwrap_or(CloseCode::NO_STATUS),
            reason,
        }))
    }

    /// Fails the connection (§7.1.7): queue a Close frame with the error's
    /// code, unless one was already sent, and ignore all further input.
    pub(super) fn fail(&mut self, error: ProtocolError) -> Error {
        if self.state() == State::Open {
            self.pending_close = Some(failure_close(error));
        }
        self.move_to_failed(None);
        Error::Protocol(error)
    }
}

/// The payload of the Close frame that fails a connection with `error`:
/// one copy, not one per storage and key source type.
#[inline(never)]
fn failure_close(error: ProtocolError) -> ControlBuf {
    let mut payload = [0; crate::frame::MAX_CONTROL_PAYLOAD];
    let len = crate::close::encode_close_payload(error.close_code(), error.reason(), &mut payload)
        .unwrap_or(0);
    ControlBuf::from_slice(payload.get(..len).unwrap_or_default())
}
