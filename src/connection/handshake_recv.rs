//! The opening handshake's receive side: reading the request or response
//! head, skipping interim responses, checking the head and reporting it
//! (RFC 6455 §4.1, §4.2.1). What only one role does is reached through
//! that role's [`Side`] (`side.rs`).

use super::extension::check_extension_answer;
use super::side::Side;
use super::state::Opening;
use super::Connection;
use crate::error::{Error, HandshakeError};
use crate::event::{Event, Handshake};
use crate::handshake::Extension;
use crate::handshake::ResponseHead;
use crate::keys::KeySource;
use crate::status::Status;
use crate::storage::Storage;

impl<B: Storage, K: KeySource + ?Sized, E: Extension> Connection<B, K, E> {
    /// Out of line: its locals (the parsed head, the expected
    /// `Sec-WebSocket-Accept`) then share no stack frame with the open
    /// connection's frame loop, which cut the peak stack of a Cortex-M
    /// program by 280 bytes (BENCHMARKS.md, "Embedded").
    #[inline(never)]
    pub(super) fn poll_handshake(&mut self) -> Option<Result<Event<'_>, Error>> {
        // A connection handshakes only if its constructor set a side.
        let side = self.life.side()?;
        if let Some(accepted) = self.life.take_accepted() {
            let (head_len, protocol) = (accepted.head_len(), accepted.protocol());
            self.rx.read = head_len;
            self.rx.settle();
            let limits = self.head_limits();
            let request = side.request(&self.rx.bytes()[..head_len], limits).ok();
            let protocol = protocol.and_then(|i| request.and_then(|r| r.subprotocols().nth(i)));
            return Some(Ok(Event::HandshakeComplete(Handshake {
                protocol,
                extensions: None,
                request,
            })));
        }
        match self.life.opening() {
            Some(Opening::ServerRequest(_) | Opening::ClientResponse { .. }) => {
                self.read_head(side)
            }
            Some(Opening::ServerDecision { .. }) | None => None,
        }
    }

    /// Looks for a complete head in the received bytes.
    ///
    /// A client skips interim responses (`100 Continue` and the like) before
    /// the final one (RFC 9110 §15.2: "A client MUST be able to parse one or
    /// more 1xx responses received prior to a final response"). They stay in
    /// the storage until the final head arrives or room is needed, then go in
    /// one move, so however many there are each byte moves at most once.
    fn read_head(&mut self, side: &Side) -> Option<Result<Event<'_>, Error>> {
        let head_len = loop {
            let filled = self.rx.filled;
            let skipped = self.skipped_interim();
            let scanned = match self.life.opening_mut() {
                Some(Opening::ServerRequest(scanner) | Opening::ClientResponse { scanner, .. }) => {
                    scanner.scan(&self.rx.buf.bytes()[skipped..filled])
                }
                _ => return None,
            };
            match scanned {
                Err(e) => return Some(Err(self.fail_handshake(e))),
                Ok(Status::Complete(len)) if self.is_interim_response(side, skipped, len) => {
                    if let Some(Opening::ClientResponse {
                        scanner, skipped, ..
                    }) = self.life.opening_mut()
                    {
                        scanner.reset();
                        *skipped += len;
                    }
                }
                Ok(Status::Complete(len)) => {
                    self.drop_interim_responses();
                    break len;
                }
                // Room is needed: drop the interim responses now.
                Ok(Status::Partial) if filled == self.rx.max && skipped > 0 => {
                    self.drop_interim_responses();
                }
                Ok(Status::Partial) if filled == self.rx.max => {
                    return Some(Err(self.fail_handshake(HandshakeError::HeadTooLarge)))
                }
                Ok(Status::Partial) if self.eof => {
                    return Some(Err(self.fail_handshake(HandshakeError::TransportClosed)))
                }
                Ok(Status::Partial) => {
                    // Everything received was looked at: the rest of the
                    // head is wanted (`wants_read`).
                    self.unpolled = false;
                    return None;
                }
            }
        };
        match self.life.opening() {
            Some(&Opening::ClientResponse { request_len, .. }) => {
                self.finish_client(side, head_len, request_len)
            }
            _ => self.report_request(side, head_len),
        }
    }

    /// Client: bytes of interim responses at the start of the storage.
    fn skipped_interim(&self) -> usize {
        match self.life.opening() {
            Some(&Opening::ClientResponse { skipped, .. }) => skipped,
            _ => 0,
        }
    }

    /// Client: whether the head at `start..start + len` is an interim
    /// response.
    fn is_interim_response(&mut self, side: &Side, start: usize, len: usize) -> bool {
        let Some(Opening::ClientResponse { scanner, .. }) = self.life.opening() else {
            return false;
        };
        let limits = scanner.limits();
        side.is_interim(&self.rx.buf.bytes()[start..start + len], limits)
    }

    /// Client: moves what followed the skipped interim responses to the
    /// start of the storage.
    fn drop_interim_responses(&mut self) {
        let Some(Opening::ClientResponse { skipped, .. }) = self.life.opening_mut() else {
            return;
        };
        if *skipped > 0 {
            (self.rx.read, self.rx.msg_start, self.rx.asm) = (*skipped, *skipped, *skipped);
            *skipped = 0;
            self.rx.compact();
        }
    }

    /// Server: the request head is complete; check it and report it.
    fn report_request(&mut self, side: &Side, head_len: usize) -> Option<Result<Event<'_>, Error>> {
        let limits = self.head_limits();
        if let Err(e) = side.request(&self.rx.bytes()[..head_len], limits) {
            return Some(Err(self.fail_handshake(e)));
        }
        self.move_to_decision(head_len);
        let request = side.request(&self.rx.bytes()[..head_len], limits).ok()?;
        Some(Ok(Event::Upgrade(request)))
    }

    /// Client: the response head is complete; check it against our request.
    fn finish_client(
        &mut self,
        side: &Side,
        head_len: usize,
        request_len: usize,
    ) -> Option<Result<Event<'_>, Error>> {
        let limits = self.head_limits();
        let head: &[u8] = &self.rx.buf.bytes()[..head_len];
        let request = self.tx.written_prefix(request_len);
        let checked = side.response(head, request, limits, self.ext.is_some());
        // The extension's answer, checked by the extension (no code at all
        // for a connection without one).
        let checked = checked.and_then(|_| match self.ext.as_mut() {
            Some(ext) => check_extension_answer(head, request, limits, ext),
            None => Ok(false),
        });
        let in_use = match checked {
            Ok(in_use) => in_use,
            Err(e) => {
                // A refused response stays readable through `response()`.
                let refused = matches!(e, HandshakeError::UnexpectedStatus(_)).then_some(head_len);
                return Some(Err(self.fail_handshake_keeping(e, refused)));
            }
        };
        self.use_extension(in_use);
        self.move_to_open(None);
        self.rx.read = head_len;
        self.rx.settle();
        let head: &[u8] = &self.rx.buf.bytes()[..head_len];
        let negotiated = side
            .response(head, self.tx.written_prefix(request_len), limits, true)
            .ok()?;
        // The answer of the extension in use, as the server wrote it.
        let extensions = if in_use {
            match ResponseHead::parse(head, limits) {
                Ok(Status::Complete(response)) => response
                    .header("Sec-WebSocket-Extensions")
                    .and_then(|v| core::str::from_utf8(v).ok()),
                _ => None,
            }
        } else {
            None
        };
        // The request was kept only to check the response against.
        // (Fields, not `on_tx_empty`: `negotiated` borrows the storage.)
        let at_once = !self.config.storage_idle_timeout.is_some()
            || !self.timers.knows_time()
            || !self.timers.busy;
        if at_once && self.tx.is_empty() {
            self.tx.release();
        }
        Some(Ok(Event::HandshakeComplete(Handshake {
            protocol: negotiated,
            extensions,
            request: None,
        })))
    }

    /// The handshake failed: a server queues the HTTP error response.
    fn fail_handshake(&mut self, error: HandshakeError) -> Error {
        self.fail_handshake_keeping(error, None)
    }

    /// [`fail_handshake`](Self::fail_handshake), keeping a refused
    /// response's head of `refused_head` bytes in the receive storage.
    fn fail_handshake_keeping(
        &mut self,
        error: HandshakeError,
        refused_head: Option<usize>,
    ) -> Error {
        let refusal = self.life.side().and_then(Side::refusal);
        if let Some(refuse) = refusal.filter(|_| error != HandshakeError::TransportClosed) {
            // Without room the response is dropped: the connection fails
            // either way.
            let _ = self.tx.write_head(|space| refuse(error, space));
        }
        self.move_to_failed(refused_head);
        Error::Handshake(error)
    }
}
