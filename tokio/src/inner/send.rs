//! The send path: messages in, bytes out, with backpressure.

use std::io::{self, IoSlice};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use rfc6455::{CloseCode, HeaderBytes, MessageKind, State, UsageError};
use tokio::io::{AsyncRead, AsyncWrite};

use super::{Inner, Transport};
use crate::error::Error;
use crate::message::Message;
use crate::wakers::{pick, Half};

/// Text and Binary messages from this size on are not copied into the
/// connection's queue: the core writes their header (`send_header`) and
/// the payload goes to the transport from the message's own buffer, in one
/// vectored write with the header. One copy of the payload less, which is
/// most of the CPU a large echo costs beyond the kernel's (BENCHMARKS.md,
/// "End to end"); below it, copying into the queue is cheap and lets
/// several messages share one write.
pub(crate) const DIRECT_MIN: usize = 8 << 10;

/// A message going out from its own buffer: its header, then its payload
/// (masked in place by a client), written from `written` on.
pub(crate) struct Direct {
    header: HeaderBytes,
    payload: Vec<u8>,
    written: usize,
}

impl Direct {
    pub(crate) fn remaining(&self) -> usize {
        self.header.as_bytes().len() + self.payload.len() - self.written
    }

    /// What is left to write, as at most two slices.
    fn slices(&self) -> [IoSlice<'_>; 2] {
        let header = self.header.as_bytes();
        let (head, body) = match header.get(self.written..) {
            Some(rest) => (rest, &self.payload[..]),
            None => (&[][..], &self.payload[self.written - header.len()..]),
        };
        [IoSlice::new(head), IoSlice::new(body)]
    }
}

/// Why a message was not queued.
enum Refused {
    /// The queue is full for now: write out and try again.
    Full,
    Error(Error),
}

impl<S: AsyncRead + AsyncWrite + Unpin> Inner<S> {
    /// Ready when the connection takes another message: nothing is left
    /// over from `start_send` and the queued output is under the core's
    /// watermarks (`Connection::send_ready`). Writes queued output while it
    /// waits.
    pub(crate) fn poll_ready(
        &mut self,
        cx: &mut Context<'_>,
        half: Half,
    ) -> Poll<Result<(), Error>> {
        loop {
            if let Some(message) = self.unsent.take() {
                match self.queue_owned(message) {
                    Ok(()) => {}
                    // Kept in `unsent` again.
                    Err(Refused::Full) => {
                        ready!(self.poll_write_out(cx, half))?;
                        continue;
                    }
                    Err(Refused::Error(e)) => return Poll::Ready(Err(e)),
                }
            }
            // One message at a time goes out from its own buffer.
            if self.direct.is_none() && self.conn.send_ready() {
                return Poll::Ready(Ok(()));
            }
            ready!(self.poll_write_out(cx, half))?;
        }
    }

    /// Queues `message`, or keeps it for `poll_ready` when the queue is
    /// full. Never half-queued.
    pub(crate) fn start_send(&mut self, message: Message) -> Result<(), Error> {
        if self.unsent.is_some() {
            // `poll_ready` was not called (the `Sink` contract).
            return Err(Error::Usage(UsageError::QueueFull));
        }
        match self.queue_owned(message) {
            Ok(()) => Ok(()),
            Err(Refused::Full) => Ok(()),
            Err(Refused::Error(e)) => Err(e),
        }
    }

    /// Queues `message`, large Text and Binary ones without a copy (see
    /// [`DIRECT_MIN`]); keeps it in `unsent` when the queue is full.
    fn queue_owned(&mut self, message: Message) -> Result<(), Refused> {
        let message = match self.send_direct(message) {
            Ok(()) => return Ok(()),
            Err(message) => message,
        };
        let queued = self.queue(&message);
        if let Err(Refused::Full) = queued {
            self.unsent = Some(message);
        }
        queued
    }

    /// Starts writing a large Text or Binary message from its own buffer,
    /// or gives it back to be queued as usual: when it is small, when the
    /// transport takes no vectored writes, over the queue's limit, while
    /// another is going out, when output is queued (the payload must follow
    /// its header at once), with permessage-deflate, or when the connection
    /// refuses it (the usual way then reports why).
    fn send_direct(&mut self, message: Message) -> Result<(), Message> {
        let kind = match &message {
            Message::Text(_) => MessageKind::Text,
            Message::Binary(_) => MessageKind::Binary,
            _ => return Err(message),
        };
        // Within the queue's limit, as if it were queued: a message the
        // usual way refuses whole (`Error::TooLarge`) is refused here too.
        if message.len() < DIRECT_MIN
            || message.len() + rfc6455::MAX_HEADER_LEN > self.conn.config().max_send_queue
            || self.direct.is_some()
            || self.transport != super::Transport::Open
            || !self.io.is_write_vectored()
            || !self.conn.peek_transmit().is_empty()
        {
            return Err(message);
        }
        let Some(Ok(header)) = self.conn.send_header(kind, message.len() as u64) else {
            return Err(message);
        };
        let mut payload = match message {
            Message::Text(text) => text.into_bytes(),
            Message::Binary(data) => data,
            _ => unreachable!("only data messages get here"),
        };
        if let Some(key) = header.mask_key() {
            rfc6455::apply_mask(&mut payload, key, 0);
        }
        self.direct = Some(Box::new(Direct {
            header,
            payload,
            written: 0,
        }));
        Ok(())
    }

    /// Writes everything handed over and flushes the transport.
    pub(crate) fn poll_flush(
        &mut self,
        cx: &mut Context<'_>,
        half: Half,
    ) -> Poll<Result<(), Error>> {
        ready!(self.poll_ready(cx, half))?;
        ready!(self.poll_write_out(cx, half))?;
        Poll::Ready(Ok(()))
    }

    /// Starts the close handshake with 1000 if nothing started it yet.
    pub(crate) fn start_close(&mut self) {
        if self.conn.state() == State::Open && self.unsent.is_none() {
            // Cannot fail in `Open` with a valid code and empty reason.
            let _ = self.conn.close(CloseCode::NORMAL, "");
        }
    }

    /// Closes: the close handshake, then the transport in order. Messages
    /// that arrive meanwhile are dropped.
    pub(crate) fn poll_close(
        &mut self,
        cx: &mut Context<'_>,
        half: Half,
    ) -> Poll<Result<(), Error>> {
        if self.transport == Transport::Open {
            ready!(self.poll_ready(cx, half))?;
            self.start_close();
        }
        loop {
            match ready!(self.poll_recv(cx, half)) {
                Some(Ok(_)) => {}
                Some(Err(e)) => return Poll::Ready(Err(e)),
                None => return Poll::Ready(Ok(())),
            }
        }
    }

    fn queue(&mut self, message: &Message) -> Result<(), Refused> {
        if self.transport != Transport::Open {
            return Err(Refused::Error(Error::Closed(self.peer_close())));
        }
        let queued = match message {
            Message::Text(text) => self.conn.send_text(text),
            Message::Binary(data) => self.conn.send_binary(data),
            Message::Ping(data) => self.conn.ping(data),
            Message::Pong(data) => self.conn.pong(data),
            Message::Close(frame) => match frame {
                Some(frame) => self.conn.close(frame.code, &frame.reason),
                None => self.conn.close(CloseCode::NORMAL, ""),
            },
        };
        match queued {
            Ok(()) => Ok(()),
            Err(rfc6455::Error::Usage(UsageError::QueueFull)) => Err(Refused::Full),
            Err(rfc6455::Error::Usage(UsageError::Closed | UsageError::NotOpen)) => {
                Err(Refused::Error(Error::Closed(self.peer_close())))
            }
            Err(e) => Err(Refused::Error(e.into())),
        }
    }

    /// Writes queued output until none is left, then flushes the
    /// transport. Pending with the write waker registered.
    pub(crate) fn poll_write_out(
        &mut self,
        cx: &mut Context<'_>,
        half: Half,
    ) -> Poll<io::Result<()>> {
        let waker = pick(&self.wakers, |w| &w.write, half, cx);
        let mut cx = Context::from_waker(waker);
        // A message going out from its own buffer was begun with the queue
        // empty: whatever was queued since follows it.
        while let Some(direct) = self.direct.as_mut() {
            let slices = direct.slices();
            match ready!(Pin::new(&mut self.io).poll_write_vectored(&mut cx, &slices)) {
                Ok(0) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Ok(n) => {
                    direct.written += n;
                    self.unflushed = true;
                    if direct.remaining() == 0 {
                        self.direct = None;
                    }
                }
                Err(e) => return Poll::Ready(Err(e)),
            }
        }
        loop {
            let out = self.conn.peek_transmit();
            if out.is_empty() {
                break;
            }
            match ready!(Pin::new(&mut self.io).poll_write(&mut cx, out)) {
                Ok(0) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Ok(n) => {
                    self.conn.advance_transmit(n);
                    self.unflushed = true;
                }
                Err(e) => return Poll::Ready(Err(e)),
            }
        }
        if self.unflushed {
            ready!(Pin::new(&mut self.io).poll_flush(&mut cx))?;
            self.unflushed = false;
        }
        Poll::Ready(Ok(()))
    }
}
