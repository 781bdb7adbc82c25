//! The receive path: input in, messages out (and, on the way, the output
//! the connection queues by itself: Pongs, the Close echo, keepalive Pings).

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use rfc6455::{CloseCode, Event, Timeout};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use super::{Inner, Transport, PROBE_LEN};
use crate::error::Error;
use crate::message::{CloseFrame, Message};
use crate::wakers::{pick, Half};

/// What the opening handshake reached.
pub(crate) enum Opened {
    /// A server has a request to accept or reject (`conn.request()`).
    Upgrade,
    /// The connection is open, with this subprotocol.
    Complete(Option<String>),
}

impl<S: AsyncRead + AsyncWrite + Unpin> Inner<S> {
    /// The next message, or the end of the connection.
    ///
    /// Cancel safe: a message is taken from the connection only in the
    /// poll that returns it.
    pub(crate) fn poll_recv(
        &mut self,
        cx: &mut Context<'_>,
        half: Half,
    ) -> Poll<Option<Result<Message, Error>>> {
        if self.finished {
            return Poll::Ready(None);
        }
        loop {
            if let Some(message) = self.next_message() {
                return Poll::Ready(Some(Ok(message)));
            }
            if self.transport != Transport::Open {
                match self.poll_close_transport(cx, half) {
                    Poll::Ready(()) => break,
                    Poll::Pending => return Poll::Pending,
                }
            }
            // Pongs, the Close echo and keepalive Pings go out even when
            // the application sends nothing.
            if let Poll::Ready(Err(e)) = self.poll_write_out(cx, half) {
                self.fail_transport(e);
                continue;
            }
            if self.conn.should_close_transport() || self.failed() {
                self.start_closing();
                continue;
            }
            if self.poll_timer(cx, half) {
                continue;
            }
            if !self.conn.wants_read() {
                // Output is waiting for the transport, or a deadline.
                return Poll::Pending;
            }
            match self.poll_read_in(cx, half) {
                Poll::Ready(Ok(())) => {}
                Poll::Ready(Err(e)) => self.fail_transport(e),
                Poll::Pending => return Poll::Pending,
            }
        }
        // The transport is closed: report the failure, if any, then the end.
        if let Some(e) = self.rare.as_mut().and_then(|r| r.failure.take()) {
            return Poll::Ready(Some(Err(e)));
        }
        self.finished = true;
        if let Some(wakers) = &self.wakers {
            wakers.closed.wake();
        }
        Poll::Ready(None)
    }

    /// Runs the opening handshake until a server has a request to decide
    /// on, or the connection is open.
    pub(crate) fn poll_opening(&mut self, cx: &mut Context<'_>) -> Poll<Result<Opened, Error>> {
        loop {
            if let Some(event) = self.conn.poll_event() {
                match event {
                    Ok(Event::Upgrade(_)) => return Poll::Ready(Ok(Opened::Upgrade)),
                    Ok(Event::HandshakeComplete(done)) => {
                        let protocol = done.protocol().map(str::to_owned);
                        return Poll::Ready(Ok(Opened::Complete(protocol)));
                    }
                    Ok(_) => continue,
                    Err(e) => {
                        self.skip_linger |= matches!(e, rfc6455::Error::Timeout(_));
                        return Poll::Ready(Err(e.into()));
                    }
                }
            }
            if let Poll::Ready(Err(e)) = self.poll_write_out(cx, Half::Whole) {
                return Poll::Ready(Err(e.into()));
            }
            if self.poll_timer(cx, Half::Whole) {
                continue;
            }
            if !self.conn.wants_read() {
                return Poll::Pending;
            }
            match self.poll_read_in(cx, Half::Whole) {
                Poll::Ready(Ok(())) => {}
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e.into())),
                Poll::Pending => return Poll::Pending,
            }
        }
    }

    /// The next message the connection has, if any; failures are kept for
    /// when the transport is closed.
    fn next_message(&mut self) -> Option<Message> {
        loop {
            let message = match self.conn.poll_event()? {
                Ok(Event::Text { data, .. }) => Message::Text(data.to_owned()),
                Ok(Event::Binary { data, .. }) => Message::Binary(data.to_vec()),
                Ok(Event::Ping(data)) => Message::Ping(data.to_vec()),
                Ok(Event::Pong(data)) => Message::Pong(data.to_vec()),
                // The transport ended first (1006 is never on the wire).
                Ok(Event::Close {
                    code: CloseCode::ABNORMAL,
                    ..
                }) => {
                    self.rare().failure.get_or_insert(Error::ConnectionLost);
                    continue;
                }
                Ok(Event::Close { code, reason }) => {
                    let frame =
                        (code != CloseCode::NO_STATUS).then(|| CloseFrame::new(code, reason));
                    self.rare().peer_close.clone_from(&frame);
                    Message::Close(frame)
                }
                Ok(Event::Upgrade(_) | Event::HandshakeComplete(_)) => continue,
                Err(e) => {
                    if let rfc6455::Error::Timeout(Timeout::DeadPeer | Timeout::Handshake) = e {
                        self.skip_linger = true;
                    }
                    self.rare().failure.get_or_insert(e.into());
                    continue;
                }
            };
            return Some(message);
        }
    }

    /// Reads once into the connection.
    ///
    /// While the connection holds no storage (idle), input goes through a
    /// small buffer on the stack first: growable storage is taken only when
    /// input has arrived, so an idle connection holds none. Once it holds
    /// storage, input is read straight into it.
    pub(crate) fn poll_read_in(
        &mut self,
        cx: &mut Context<'_>,
        half: Half,
    ) -> Poll<io::Result<()>> {
        let waker = pick(&self.wakers, |w| &w.read, half, cx);
        let mut cx = Context::from_waker(waker);
        let io = Pin::new(&mut self.io);
        let read = if self.conn.storage_len() == 0 {
            let mut probe = [0u8; PROBE_LEN];
            let mut buf = ReadBuf::new(&mut probe);
            let read = io.poll_read(&mut cx, &mut buf);
            let got = buf.filled();
            if let Some(seen) = self.rare.as_mut().and_then(|r| r.seen.as_mut()) {
                seen.extend_from_slice(got);
            }
            // (Offering nothing would still make the storage grow.)
            if !got.is_empty() && self.conn.receive(got) < got.len() {
                return Poll::Ready(Err(io::Error::other(
                    "input beyond the receive storage's limit",
                )));
            }
            read.map_ok(|()| got.len())
        } else {
            let spare = self.conn.spare_mut();
            if spare.is_empty() {
                // Nothing more is read (the connection failed or closed).
                return Poll::Ready(Ok(()));
            }
            let mut buf = ReadBuf::new(spare);
            let read = io.poll_read(&mut cx, &mut buf);
            let n = buf.filled().len();
            if let Some(seen) = self.rare.as_mut().and_then(|r| r.seen.as_mut()) {
                seen.extend_from_slice(buf.filled());
            }
            self.conn.commit(n);
            read.map_ok(|()| n)
        };
        let n = match read {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(Ok(n)) => n,
            // A reset ends the transport like a FIN; the connection's state
            // tells whether the close handshake had finished.
            Poll::Ready(Err(e)) if e.kind() == io::ErrorKind::ConnectionReset => 0,
            Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
        };
        if n == 0 {
            self.conn.receive_eof();
        }
        // After a read too, so input is timed exactly.
        let now = self.now();
        self.conn.handle_timeout(now);
        Poll::Ready(Ok(()))
    }

    /// The transport failed: nothing more can be read or written.
    pub(crate) fn fail_transport(&mut self, e: io::Error) {
        self.rare().failure.get_or_insert(Error::Io(e));
        self.transport = Transport::Done;
    }
}
