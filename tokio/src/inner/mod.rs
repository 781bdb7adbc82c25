//! The driver every public type shares: a connection, its transport, its
//! timer, and what the application handed over but the connection could
//! not yet take.
//!
//! Each `poll_*` here is a step of the core's run loop (crate docs of
//! `rfc6455`, "Time" and "Closing the transport") that returns `Pending`
//! only with a waker registered on the transport or the timer.

mod recv;
mod send;
mod transport;

use std::future::Future;
use std::pin::Pin;
use std::task::Context;
use std::time::Duration;

use tokio::time::{Instant, Sleep};

use crate::conn::AnyConn;
use crate::error::Error;
use crate::message::{CloseFrame, Message};
use crate::wakers::{pick, Half, Wakers};
use rfc6455::Timestamp;

pub(crate) use recv::Opened;
pub(crate) use transport::Transport;

/// Input read while no storage is held goes through this much stack first
/// (see `poll_read_in`).
const PROBE_LEN: usize = 1024;

/// The most input discarded while lingering, so a peer that keeps sending
/// cannot hold the connection until the deadline at full speed.
const LINGER_MAX_BYTES: usize = 1 << 20;

pub(crate) struct Inner<S> {
    pub(crate) io: S,
    pub(crate) conn: AnyConn,
    /// The origin of the connection's `Timestamp`s, on tokio's clock (so a
    /// paused test clock drives it too).
    origin: Instant,
    /// One timer, re-armed for the next deadline; boxed so an idle
    /// connection that never needs one does not carry it.
    timer: Option<Pin<Box<Sleep>>>,
    /// Present after a split.
    pub(crate) wakers: Option<Box<Wakers>>,
    /// A message `start_send` took while the queue was full.
    unsent: Option<Message>,
    /// A large message going out from its own buffer (see `send.rs`);
    /// boxed, so a connection that sends none carries a pointer only.
    direct: Option<Box<send::Direct>>,
    /// What only the ends of a connection need (see [`Rare`]).
    pub(crate) rare: Option<Box<Rare>>,
    /// No lingering after the transport closes: the peer is dead.
    skip_linger: bool,
    pub(crate) transport: Transport,
    /// Bytes written since the transport was last flushed.
    unflushed: bool,
    /// The stream has ended (`None` was returned).
    pub(crate) finished: bool,
    /// Whether the read half of a split is still alive.
    pub(crate) read_half: bool,
}

/// What a connection fills in only at its ends (the subprotocol, set when
/// the handshake ends, is read at any time): boxed, so an open connection
/// without a subprotocol carries a pointer (104 bytes less per idle
/// server connection).
#[derive(Debug, Default)]
pub(crate) struct Rare {
    /// The peer's Close frame, for [`Error::Closed`].
    pub(crate) peer_close: Option<CloseFrame>,
    /// The error to report once the transport is closed.
    pub(crate) failure: Option<Error>,
    /// While a client handshakes: every byte read, so a refusal's body can
    /// be reported.
    pub(crate) seen: Option<Vec<u8>>,
    /// The subprotocol agreed in the opening handshake.
    pub(crate) protocol: Option<String>,
}

impl Rare {
    fn is_empty(&self) -> bool {
        self.peer_close.is_none()
            && self.failure.is_none()
            && self.seen.is_none()
            && self.protocol.is_none()
    }
}

impl<S> Inner<S> {
    pub(crate) fn new(io: S, conn: AnyConn) -> Self {
        Inner {
            io,
            conn,
            origin: Instant::now(),
            timer: None,
            wakers: None,
            unsent: None,
            direct: None,
            rare: None,
            skip_linger: false,
            transport: Transport::Open,
            unflushed: false,
            finished: false,
            read_half: true,
        }
    }

    /// The connection's [`Rare`] part, made on first use.
    pub(crate) fn rare(&mut self) -> &mut Rare {
        self.rare.get_or_insert_with(Box::default)
    }

    /// The peer's Close frame, if it sent one.
    pub(crate) fn peer_close(&self) -> Option<CloseFrame> {
        self.rare.as_ref().and_then(|r| r.peer_close.clone())
    }

    /// Whether the connection failed (the error waits to be reported).
    pub(crate) fn failed(&self) -> bool {
        self.rare.as_ref().is_some_and(|r| r.failure.is_some())
    }

    /// Ends an opening handshake (either role): the bytes a client kept
    /// are dropped, and the subprotocol agreed (if any) is kept.
    pub(crate) fn opened(&mut self, protocol: Option<String>) {
        if let Some(rare) = &mut self.rare {
            rare.seen = None;
        }
        if protocol.is_some() {
            self.rare().protocol = protocol;
        }
        if self.rare.as_deref().is_some_and(Rare::is_empty) {
            self.rare = None;
        }
    }

    /// Bytes handed over and not yet written: the connection's queue and
    /// the rest of a message going out from its own buffer.
    pub(crate) fn queued_len(&self) -> usize {
        self.conn.queued_len() + self.direct.as_ref().map_or(0, |d| d.remaining())
    }

    pub(crate) fn now(&self) -> Timestamp {
        Timestamp::from_duration(Instant::now().saturating_duration_since(self.origin))
    }

    fn linger(&self) -> Option<Duration> {
        self.conn.config().linger_timeout
    }

    /// Waits for the next deadline: the connection's, or the transport's
    /// while it closes. Returns true when one passed (and was handled);
    /// false with the timer's waker registered, or when there is none.
    fn poll_timer(&mut self, cx: &mut Context<'_>, half: Half) -> bool {
        let deadline = match self.transport {
            Transport::Open => self
                .conn
                .poll_timeout()
                .map(|t| self.origin + t.as_duration()),
            Transport::Flushing { until } | Transport::Draining { until, .. } => Some(until),
            Transport::Done => None,
        };
        let Some(deadline) = deadline else {
            return false;
        };
        let passed = deadline <= Instant::now() || {
            let timer = self
                .timer
                .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
            if timer.deadline() != deadline {
                timer.as_mut().reset(deadline);
            }
            let waker = pick(&self.wakers, |w| &w.timer, half, cx);
            timer
                .as_mut()
                .poll(&mut Context::from_waker(waker))
                .is_ready()
        };
        if passed {
            match self.transport {
                Transport::Open => {
                    let now = self.now();
                    self.conn.handle_timeout(now);
                }
                // Lingering is over: close anyway.
                _ => self.transport = Transport::Done,
            }
        }
        passed
    }
}
