//! Time: the connection's deadlines (handshake, keepalive and dead peer,
//! close, linger), run on time the caller passes in.
//!
//! No clock is read. [`Connection::handle_timeout`] tells the connection
//! what time it is and runs what is due; [`Connection::poll_timeout`] says
//! when it next needs to be told. Input is not timestamped as it arrives:
//! the next `handle_timeout` after it counts as the time it was heard. An
//! IO layer that calls `handle_timeout` after every read is exact; one that
//! calls it only when a deadline is due is late by at most one interval,
//! and always on the lenient side (a peer is never declared dead early).
//!
//! Input comes before deadlines: input taken before `handle_timeout(t)` is
//! in time for a deadline due at `t`. For the keepalive it counts as heard
//! at `t`. A head or the peer's Close that no `poll_event` has looked at yet
//! (a loop that reads, passes the time, then drains) cannot be seen by
//! `handle_timeout`, so the handshake or close deadline then waits for one
//! drain: it runs at the next `handle_timeout`, whatever arrived meanwhile,
//! if that input did not meet it.
//!
//! ```text
//! state          deadline (from)                              then
//! Connecting     handshake_timeout (first handle_timeout)     Timeout::Handshake, nothing sent
//! Open           keepalive_interval (last input)              a Ping
//!                dead_peer_timeout (the Ping)                 Timeout::DeadPeer, nothing sent
//! CloseSent,     close_timeout (the close began)              Timeout::Close, nothing more sent
//! CloseReceived
//! Closed         linger_timeout (the close finished),         should_close_transport() turns true
//!                a client waiting for the server's end of TCP
//! ```

use super::{Connection, State};
use crate::error::Timeout;
use crate::frame::Opcode;
use crate::handshake::Extension;
use crate::keys::KeySource;
use crate::storage::Storage;
use crate::time::{Span, Timestamp};

/// What the deadlines need to know, besides the state.
#[derive(Clone, Copy, Default)]
pub(super) struct Timers {
    /// The latest time passed in, if `timed`.
    now: Timestamp,
    /// A time has been passed in. (Each `Option<Timestamp>` would take 16
    /// bytes where a flag fits in padding: every connection holds these.)
    timed: bool,
    /// The first time passed in: the handshake deadline counts from it.
    started: Timestamp,
    /// When input last arrived (as of the `handle_timeout` after it).
    last_heard: Timestamp,
    /// Input arrived since the last `handle_timeout`.
    pub(super) heard: bool,
    /// When input last arrived or a frame was last queued (as of the
    /// `handle_timeout` after it): idle storage counts from it.
    pub(super) last_used: Timestamp,
    /// Input arrived or a frame was queued since the last `handle_timeout`.
    pub(super) used: bool,
    /// Frames have moved since the storage was last given back: it is kept
    /// for the idle timeout. Until then (after the handshake, say) it is
    /// given back as soon as it holds nothing.
    pub(super) busy: bool,
    /// When the keepalive Ping for the current silence was sent (or
    /// tried): the dead-peer deadline counts from it, so a `handle_timeout`
    /// that comes late sends the Ping and still gives the peer the whole
    /// `dead_peer_timeout` to answer.
    pinged: bool,
    /// When, if `pinged`.
    pinged_at: Timestamp,
    /// The state whose deadline is being timed (the close handshake, or a
    /// client's wait for the end of TCP) and when it began, as of the first
    /// `handle_timeout` that saw it.
    phase: Option<State>,
    /// When the phase began.
    phase_began: Timestamp,
    /// A deadline that passed, to report once.
    pub(super) expired: Option<Timeout>,
    /// A deadline that came due while input waited to be polled, and so
    /// waits for one drain (it runs at the next `handle_timeout`).
    deferred: Option<Timeout>,
    /// A client stopped waiting for the server to close TCP.
    pub(super) gave_up_waiting: bool,
}

impl<B: Storage, K: KeySource + ?Sized, E: Extension> Connection<B, K, E> {
    /// Tells the connection the time and runs what is due: a keepalive
    /// Ping, or a deadline that fails the connection (reported by the next
    /// [`poll_event`](Self::poll_event) as [`Error::Timeout`](crate::Error::Timeout)).
    ///
    /// Call it when [`poll_timeout`](Self::poll_timeout)'s time comes, and
    /// best also after every read; then drain events and output as after
    /// any input. Input taken before the call is in time for a deadline due
    /// at `now` (a head or the peer's Close not yet drained gets that one
    /// drain: the deadline then runs at the next call). Time that goes
    /// backwards counts as no time passing.
    ///
    /// # Examples
    ///
    /// A client whose server completes the close handshake but never closes
    /// TCP stops waiting after `linger_timeout`:
    ///
    /// ```
    /// use core::time::Duration;
    /// use rfc6455::{CloseCode, Config, Connection, Role, Timestamp};
    ///
    /// let keys = |key: &mut [u8]| key.fill(7); // use a real RNG
    /// let mut conn = Connection::open(Role::Client, Config::new(), [0u8; 512], [0u8; 512], keys)?;
    /// conn.handle_timeout(Timestamp::ZERO);
    /// conn.close(CloseCode::NORMAL, "")?;
    /// let _ = conn.poll_transmit(&mut [0u8; 64]); // our Close goes out
    /// let _ = conn.receive(b"\x88\x02\x03\xe8"); // the server's Close
    /// while conn.poll_event().is_some() {}
    /// assert!(!conn.should_close_transport()); // the server closes TCP first (§7.1.1)
    /// let mut now = Timestamp::ZERO;
    /// while let Some(deadline) = conn.poll_timeout() {
    ///     now = deadline; // sleep until then
    ///     conn.handle_timeout(now);
    /// }
    /// assert!(conn.should_close_transport());
    /// assert_eq!(now, Timestamp::ZERO + Duration::from_secs(2));
    /// # Ok::<(), rfc6455::Error>(())
    /// ```
    pub fn handle_timeout(&mut self, now: Timestamp) {
        let t = &mut self.timers;
        let now = match t.timed {
            true => now.max(t.now),
            false => {
                t.started = now;
                t.last_heard = now;
                t.last_used = now;
                now
            }
        };
        t.now = now;
        t.timed = true;
        if t.heard {
            t.heard = false;
            t.last_heard = now;
            t.pinged = false;
        }
        if t.used {
            t.used = false;
            t.last_used = now;
        }
        self.release_idle(now);
        let config = self.config;
        match self.state() {
            State::Connecting if self.life.awaits_peer_head() => {
                if is_due(now, self.timers.started, config.handshake_timeout) {
                    self.time_out_after_input(Timeout::Handshake);
                }
            }
            State::Connecting | State::Failed => {}
            State::Open => self.keepalive(now),
            state @ (State::CloseSent | State::CloseReceived) => {
                let since = self.timers.phase_since(state, now);
                if is_due(now, since, config.close_timeout) {
                    match state {
                        // The peer's Close may be in the input.
                        State::CloseSent => self.time_out_after_input(Timeout::Close),
                        // Only our echo, not input, ends this state.
                        _ => self.time_out(Timeout::Close),
                    }
                }
            }
            State::Closed => {
                if self.awaits_transport_end() {
                    let since = self.timers.phase_since(State::Closed, now);
                    if is_due(now, since, config.linger_timeout) {
                        self.timers.gave_up_waiting = true;
                    }
                }
            }
        }
    }

    /// When [`handle_timeout`](Self::handle_timeout) should next be called,
    /// if a deadline applies; a time already past means "now". Before the
    /// first `handle_timeout` it is [`Timestamp::ZERO`] (due at once) when a
    /// deadline is configured, so the connection learns the time.
    ///
    /// The run loop with time in it: sleep until the earlier of input and
    /// this time; then `handle_timeout(now)`, take input, drain
    /// [`poll_event`](Self::poll_event) and
    /// [`poll_transmit`](Self::poll_transmit), and ask again.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<Timestamp> {
        let (config, t) = (&self.config, &self.timers);
        let Some(now) = t.timed.then_some(t.now) else {
            let any = config.handshake_timeout.is_some()
                || config.keepalive_interval.is_some()
                || config.close_timeout.is_some()
                || config.linger_timeout.is_some()
                || config.storage_idle_timeout.is_some();
            return any.then_some(Timestamp::ZERO);
        };
        match (self.state_deadline(now), self.storage_deadline()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// The deadline of the current state, if one applies.
    fn state_deadline(&self, now: Timestamp) -> Option<Timestamp> {
        let (config, t) = (&self.config, &self.timers);
        match self.state() {
            State::Connecting if self.life.awaits_peer_head() => {
                config.handshake_timeout.after(t.started)
            }
            State::Connecting | State::Failed => None,
            State::Open => {
                let idle = config.keepalive_interval.after(t.last_heard)?;
                match t.pinged {
                    false => Some(idle),
                    true => config.dead_peer_timeout.after(t.pinged_at),
                }
            }
            state @ (State::CloseSent | State::CloseReceived) => {
                t.phase_deadline(state, now, config.close_timeout)
            }
            State::Closed if self.awaits_transport_end() => {
                t.phase_deadline(State::Closed, now, config.linger_timeout)
            }
            State::Closed => None,
        }
    }

    /// A client after the close handshake, waiting for the server to end
    /// TCP (§7.1.1).
    fn awaits_transport_end(&self) -> bool {
        self.role().is_client() && !self.eof && !self.timers.gave_up_waiting
    }

    fn keepalive(&mut self, now: Timestamp) {
        let Some(idle_since) = self.config.keepalive_interval.after(self.timers.last_heard) else {
            return;
        };
        if now < idle_since {
            return;
        }
        let pinged = match self.timers.pinged {
            true => self.timers.pinged_at,
            false => {
                self.timers.pinged = true;
                self.timers.pinged_at = now;
                // If the queue is full the Ping is skipped: the peer is not
                // reading, and the dead-peer deadline still runs.
                let _ = self.send_control(Opcode::Ping, &[]);
                now
            }
        };
        if is_due(now, pinged, self.config.dead_peer_timeout) {
            self.time_out(Timeout::DeadPeer);
        }
    }

    /// A deadline that the peer's input can meet (its head, its Close)
    /// passed: unless input taken before it still waits for `poll_event`,
    /// which then comes first, once.
    fn time_out_after_input(&mut self, kind: Timeout) {
        if self.unpolled && self.timers.deferred != Some(kind) {
            self.timers.deferred = Some(kind);
            return;
        }
        self.time_out(kind);
    }

    /// A deadline passed: the connection fails with nothing more sent.
    fn time_out(&mut self, kind: Timeout) {
        self.timers.expired = Some(kind);
        self.pending_close = None;
        self.tx.clear();
        self.move_to_failed(None);
    }
}

impl Timers {
    /// Whether the IO layer has passed time in.
    pub(super) const fn knows_time(&self) -> bool {
        self.timed
    }

    /// When `state` began (as of the first time it was seen with a time).
    fn phase_since(&mut self, state: State, now: Timestamp) -> Timestamp {
        if self.phase == Some(state) {
            return self.phase_began;
        }
        self.phase = Some(state);
        self.phase_began = now;
        now
    }

    /// The deadline of `state`, or `now` (due at once, so that the next
    /// `handle_timeout` starts timing it) if it is not timed yet.
    fn phase_deadline(&self, state: State, now: Timestamp, timeout: Span) -> Option<Timestamp> {
        if self.phase == Some(state) {
            timeout.after(self.phase_began)
        } else {
            timeout.is_some().then_some(now)
        }
    }
}

/// Whether `timeout` (if any) counted from `since` has passed at `now`.
fn is_due(now: Timestamp, since: Timestamp, timeout: Span) -> bool {
    timeout.after(since).is_some_and(|due| now >= due)
}
