//! Closing the transport in order (crate docs of `rfc6455`, "Closing the
//! transport"): write what is queued, shut down the write side, read and
//! discard until the peer's end, then drop.

use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::Instant;

use super::{Inner, LINGER_MAX_BYTES};
use crate::wakers::{pick, Half};

/// Where the transport is in its closing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Transport {
    Open,
    /// Writing the last queued bytes, then shutting down the write side.
    Flushing {
        until: Instant,
    },
    /// Discarding input until the peer ends its side.
    Draining {
        until: Instant,
        discarded: usize,
    },
    Done,
}

impl<S: AsyncRead + AsyncWrite + Unpin> Inner<S> {
    /// The connection is done (or failed): close the transport, within the
    /// linger time (`Config::linger_timeout`) in all.
    pub(crate) fn start_closing(&mut self) {
        self.transport = match self.linger() {
            Some(linger) => Transport::Flushing {
                until: Instant::now() + linger,
            },
            None => Transport::Done,
        };
    }

    /// Ready once the transport is closed (or given up on).
    pub(crate) fn poll_close_transport(&mut self, cx: &mut Context<'_>, half: Half) -> Poll<()> {
        loop {
            match self.transport {
                Transport::Open => self.start_closing(),
                Transport::Done => return Poll::Ready(()),
                Transport::Flushing { until } => {
                    if self.poll_timer(cx, half) {
                        continue;
                    }
                    match self.poll_write_out(cx, half) {
                        Poll::Pending => return Poll::Pending,
                        Poll::Ready(Err(_)) => self.transport = Transport::Done,
                        Poll::Ready(Ok(())) => {
                            let waker = pick(&self.wakers, |w| &w.write, half, cx);
                            let mut cx = Context::from_waker(waker);
                            if Pin::new(&mut self.io).poll_shutdown(&mut cx).is_pending() {
                                return Poll::Pending;
                            }
                            // A peer that is gone ends the wait too.
                            self.transport = if self.skip_linger {
                                Transport::Done
                            } else {
                                Transport::Draining {
                                    until,
                                    discarded: 0,
                                }
                            };
                        }
                    }
                }
                Transport::Draining { until, discarded } => {
                    if self.poll_timer(cx, half) {
                        continue;
                    }
                    let waker = pick(&self.wakers, |w| &w.read, half, cx);
                    let mut cx = Context::from_waker(waker);
                    // On the stack only while polled, not in the connection.
                    let mut discard = [0u8; 4096];
                    let mut buf = ReadBuf::new(&mut discard);
                    match Pin::new(&mut self.io).poll_read(&mut cx, &mut buf) {
                        Poll::Pending => return Poll::Pending,
                        Poll::Ready(Ok(())) if !buf.filled().is_empty() => {
                            let discarded = discarded + buf.filled().len();
                            self.transport = if discarded >= LINGER_MAX_BYTES {
                                Transport::Done
                            } else {
                                Transport::Draining { until, discarded }
                            };
                        }
                        // The end, a reset, or a transport that is gone.
                        Poll::Ready(_) => self.transport = Transport::Done,
                    }
                }
            }
        }
    }
}
