//! Two halves of one connection, for two tasks.

use std::future::poll_fn;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};

use futures_core::Stream;
use futures_sink::Sink;
use rfc6455::CloseCode;
use tokio::io::{AsyncRead, AsyncWrite};

use crate::error::Error;
use crate::inner::{Inner, Transport};
use crate::message::{CloseFrame, Message};
use crate::wakers::{Half, Wakers};

type Shared<S> = Arc<Mutex<Inner<S>>>;

pub(crate) fn split<S>(mut inner: Inner<S>) -> (ReadHalf<S>, WriteHalf<S>) {
    inner.wakers = Some(Box::new(Wakers::new()));
    let shared = Arc::new(Mutex::new(inner));
    (
        ReadHalf {
            shared: shared.clone(),
        },
        WriteHalf { shared },
    )
}

fn lock<S>(shared: &Shared<S>) -> MutexGuard<'_, Inner<S>> {
    // A panic in another half's poll leaves the connection consistent: the
    // core never half-applies an input or a command.
    shared.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The receiving half of a split [`WebSocket`](crate::WebSocket): a
/// `Stream` of messages, and [`recv`](Self::recv).
///
/// # Design
///
/// Both halves share one connection behind an `Arc<Mutex<_>>`. The mutex
/// is held only inside a poll, never across an `.await`, so neither half
/// waits for the other to make progress, and a poll costs an uncontended
/// lock. Splitting the transport instead (`tokio::io::split`) would not
/// remove the lock: the WebSocket state is one state for both directions
/// (the reader queues Pongs and the Close echo that the writer's bytes must
/// not interleave with, the writer's Close changes what the reader
/// accepts).
///
/// The read half writes what the connection queues by itself (automatic
/// Pongs, the Close echo, keepalive Pings) while it polls for messages, so
/// those go out even when the write half is idle. Both halves may wait on
/// the transport's write side at once; each leaves its waker in a slot of
/// its own and both are woken (a tokio transport keeps only one waker per
/// direction). The deadlines of [`rfc6455::Config`] run while the read half
/// is polled: keep it polled.
pub struct ReadHalf<S> {
    shared: Shared<S>,
}

/// The sending half of a split [`WebSocket`](crate::WebSocket): a
/// `Sink<Message>`, [`send`](Self::send) and [`close`](Self::close). See
/// [`ReadHalf`] for the design.
///
/// Its `close` sends our Close and, while the read half lives, waits for
/// the read half to see the peer's Close and to close the transport (the
/// messages before it are the read half's); once the read half is dropped,
/// it drives the close handshake itself.
pub struct WriteHalf<S> {
    shared: Shared<S>,
}

impl<S: AsyncRead + AsyncWrite + Unpin> ReadHalf<S> {
    /// The next message; as [`WebSocket::recv`](crate::WebSocket::recv).
    /// Cancel safe.
    pub async fn recv(&mut self) -> Option<Result<Message, Error>> {
        poll_fn(|cx| lock(&self.shared).poll_recv(cx, Half::Read)).await
    }

    /// Whether `other` is the write half of the same connection.
    #[must_use]
    pub fn is_pair_of(&self, other: &WriteHalf<S>) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }

    /// Joins the halves again.
    ///
    /// # Errors
    ///
    /// Gives both back if they are not halves of one connection.
    pub fn unsplit(self, write: WriteHalf<S>) -> Result<crate::WebSocket<S>, (Self, WriteHalf<S>)> {
        if !self.is_pair_of(&write) {
            return Err((self, write));
        }
        let shared = self.shared.clone();
        drop(self); // marks the read half gone; taken back below
        drop(write);
        let mut inner = match Arc::try_unwrap(shared) {
            Ok(mutex) => mutex.into_inner().unwrap_or_else(PoisonError::into_inner),
            Err(_) => unreachable!("both halves were dropped"),
        };
        inner.wakers = None;
        inner.read_half = true;
        Ok(crate::WebSocket::from_inner(inner))
    }
}

impl<S> Drop for ReadHalf<S> {
    fn drop(&mut self) {
        let mut inner = lock(&self.shared);
        inner.read_half = false;
        // A write half waiting in `close` now drives the connection itself.
        if let Some(wakers) = &inner.wakers {
            wakers.closed.wake();
        }
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> WriteHalf<S> {
    /// Sends a message; as [`WebSocket::send`](crate::WebSocket::send).
    ///
    /// # Errors
    ///
    /// As for [`WebSocket::send`](crate::WebSocket::send).
    pub async fn send(&mut self, message: Message) -> Result<(), Error> {
        poll_fn(|cx| lock(&self.shared).poll_ready(cx, Half::Write)).await?;
        lock(&self.shared).start_send(message)?;
        poll_fn(|cx| lock(&self.shared).poll_flush(cx, Half::Write)).await
    }

    /// Closes with `code` and `reason`, then waits until the transport is
    /// closed (see the type's docs).
    ///
    /// # Errors
    ///
    /// As for [`WebSocket::close`](crate::WebSocket::close).
    pub async fn close(&mut self, code: CloseCode, reason: &str) -> Result<(), Error> {
        poll_fn(|cx| lock(&self.shared).poll_ready(cx, Half::Write)).await?;
        {
            let mut inner = lock(&self.shared);
            if inner.conn.state() == rfc6455::State::Open {
                inner.start_send(Message::Close(Some(CloseFrame::new(code, reason))))?;
            }
        }
        poll_fn(|cx| poll_close(&mut lock(&self.shared), cx)).await
    }
}

fn poll_close<S: AsyncRead + AsyncWrite + Unpin>(
    inner: &mut Inner<S>,
    cx: &mut Context<'_>,
) -> Poll<Result<(), Error>> {
    if !inner.read_half {
        return inner.poll_close(cx, Half::Write);
    }
    if inner.transport == Transport::Open {
        std::task::ready!(inner.poll_ready(cx, Half::Write))?;
        inner.start_close();
        std::task::ready!(inner.poll_write_out(cx, Half::Write))?;
    }
    if inner.finished {
        return Poll::Ready(Ok(()));
    }
    if let Some(wakers) = &inner.wakers {
        wakers.closed.register(Half::Write, cx);
    }
    Poll::Pending
}

impl<S: AsyncRead + AsyncWrite + Unpin> Stream for ReadHalf<S> {
    type Item = Result<Message, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        lock(&self.shared).poll_recv(cx, Half::Read)
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> Sink<Message> for WriteHalf<S> {
    type Error = Error;

    fn poll_ready(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        lock(&self.shared).poll_ready(cx, Half::Write)
    }

    fn start_send(self: Pin<&mut Self>, item: Message) -> Result<(), Error> {
        lock(&self.shared).start_send(item)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        lock(&self.shared).poll_flush(cx, Half::Write)
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        poll_close(&mut lock(&self.shared), cx)
    }
}

impl<S> std::fmt::Debug for ReadHalf<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadHalf").finish_non_exhaustive()
    }
}

impl<S> std::fmt::Debug for WriteHalf<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WriteHalf").finish_non_exhaustive()
    }
}
