//! The send path: messages in, bytes out, with backpressure.

use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use rfc6455::{CloseCode, State, UsageError};
use tokio::io::{AsyncRead, AsyncWrite};

use super::{Inner, Transport};
use crate::error::Error;
use crate::message::Message;
use crate::wakers::{pick, Half};

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
                match self.queue(&message) {
                    Ok(()) => {}
                    Err(Refused::Full) => {
                        self.unsent = Some(message);
                        ready!(self.poll_write_out(cx, half))?;
                        continue;
                    }
                    Err(Refused::Error(e)) => return Poll::Ready(Err(e)),
                }
            }
            if self.conn.send_ready() {
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
        match self.queue(&message) {
            Ok(()) => Ok(()),
            Err(Refused::Full) => {
                self.unsent = Some(message);
                Ok(())
            }
            Err(Refused::Error(e)) => Err(e),
        }
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
            return Err(Refused::Error(Error::Closed(self.peer_close.clone())));
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
                Err(Refused::Error(Error::Closed(self.peer_close.clone())))
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
