//! The connection's state machine: one owner for where a connection is in
//! its life (RFC 6455 §4–§7), and one function per move.
//!
//! The public [`State`] is a view of the private [`Lifecycle`]: the opening
//! handshake's progress lives inside `Connecting`, the head of a refused
//! response inside `Failed`. Every move goes through a `move_to_*` function
//! below, which checks (in debug builds, so in every test and fuzzing run)
//! that the move is in this table:
//!
//! ```text
//!  from \ on      handshake   reject   bad handshake  close()    peer's     echo      violation  transport  deadline
//!                 done                                            Close      queued               ended      passed
//!  Connecting     Open        Closed   Failed         ·          ·          ·         ·          Failed     Failed
//!  Open           ·           ·        ·              CloseSent  CloseRecd  ·         Failed     Closed     Failed
//!  CloseSent      ·           ·        ·              ·          Closed     ·         Failed     Closed     Failed
//!  CloseReceived  ·           ·        ·              ·          ·          Closed    ·          ·          Failed
//!  Closed         (terminal: input is discarded, commands fail with UsageError::Closed)
//!  Failed         (terminal)
//! ```
//!
//! `·` is "cannot happen" (an error to the caller, or input already being
//! discarded). "Deadline passed" is a timeout of `Config` (handshake, dead
//! peer, close; see `timers.rs`). A `close()` in `CloseReceived` replaces the queued echo and
//! stays there. Within `Connecting`, the handshake moves from reading the
//! request to waiting for the application's decision (server) or skips
//! interim responses (client); those moves go through here too.
//! `tests/state_machine.rs` walks every cell of the table through the
//! public API.

use super::side::Side;
use super::{Connection, State};
use crate::handshake::Extension;
use crate::handshake::HeadScanner;
use crate::keys::KeySource;
use crate::storage::Storage;
use core::num::NonZeroU32;

/// Where the opening handshake is, while [`Inner::Connecting`].
pub(super) enum Opening {
    /// Server: reading the client's request head.
    ServerRequest(HeadScanner),
    /// Server: the request was reported; waiting for `accept` or `reject`.
    ServerDecision { head_len: usize },
    /// Client: reading the server's response; our request is the first
    /// `request_len` bytes of the transmit storage.
    ClientResponse {
        scanner: HeadScanner,
        request_len: usize,
        /// Bytes of interim (1xx) responses skipped at the start of the
        /// receive storage.
        skipped: usize,
    },
}

/// A server's accepted handshake, not yet reported as
/// [`Event::HandshakeComplete`](crate::Event::HandshakeComplete).
///
/// Every connection holds an `Option<Accepted>`, so it is kept to 8 bytes:
/// two `u32`s, the first never 0 so that `None` costs nothing.
#[derive(Clone, Copy)]
pub(super) struct Accepted {
    /// At most `u32::MAX` (the head limit, see `head_limits`), and at least
    /// 4 (a head ends in CRLF CRLF).
    head_len: NonZeroU32,
    /// The index of the chosen subprotocol among those offered (fewer than
    /// the head's bytes, so below `u32::MAX`), or [`Self::NO_PROTOCOL`].
    protocol: u32,
}

impl Accepted {
    const NO_PROTOCOL: u32 = u32::MAX;

    pub(super) fn new(head_len: usize, protocol: Option<usize>) -> Self {
        let narrow = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        debug_assert!(head_len > 0 && protocol.map_or(true, |i| i < head_len));
        Accepted {
            head_len: NonZeroU32::new(narrow(head_len)).unwrap_or(NonZeroU32::MIN),
            protocol: protocol.map_or(Self::NO_PROTOCOL, narrow),
        }
    }

    pub(super) const fn head_len(&self) -> usize {
        self.head_len.get() as usize
    }

    pub(super) fn protocol(&self) -> Option<usize> {
        (self.protocol != Self::NO_PROTOCOL).then_some(self.protocol as usize)
    }
}

/// The state proper: [`State`] with the data each state needs.
pub(super) enum Inner {
    Connecting(Opening),
    Open,
    CloseSent,
    CloseReceived,
    Closed,
    /// The handshake failed or the peer broke the protocol. A client whose
    /// upgrade was refused keeps the response head (its length here) at the
    /// start of the receive storage, for `Connection::response`.
    Failed {
        refused_head: Option<usize>,
    },
}

/// Everything that says where a connection is in its life.
pub(super) struct Lifecycle {
    inner: Inner,
    /// A server's accepted handshake still to report (it may be reported
    /// after the application already sent frames or a Close).
    accepted: Option<Accepted>,
    /// The role's half of the opening handshake, set by the constructor
    /// that starts one (none for `Connection::open`). Only
    /// `Connection::client` and `Connection::server` name a [`Side`], so a
    /// program links the handshake code of the roles it constructs only.
    side: Option<&'static Side>,
}

impl Lifecycle {
    pub(super) const fn new(inner: Inner, side: Option<&'static Side>) -> Self {
        Lifecycle {
            inner,
            accepted: None,
            side,
        }
    }

    pub(super) const fn side(&self) -> Option<&'static Side> {
        self.side
    }

    pub(super) const fn inner(&self) -> &Inner {
        &self.inner
    }

    /// The public view.
    pub(super) const fn view(&self) -> State {
        view_of(&self.inner)
    }

    /// Open, with the handshake reported: the common case of the receive
    /// path, one comparison.
    #[inline]
    pub(super) const fn is_settled_open(&self) -> bool {
        matches!(self.inner, Inner::Open) && self.accepted.is_none()
    }

    pub(super) const fn opening(&self) -> Option<&Opening> {
        match &self.inner {
            Inner::Connecting(opening) => Some(opening),
            _ => None,
        }
    }

    pub(super) fn opening_mut(&mut self) -> Option<&mut Opening> {
        match &mut self.inner {
            Inner::Connecting(opening) => Some(opening),
            _ => None,
        }
    }

    /// Whether the opening handshake waits for the peer's head (not for the
    /// application's decision).
    pub(super) const fn awaits_peer_head(&self) -> bool {
        matches!(
            self.inner,
            Inner::Connecting(Opening::ServerRequest(_) | Opening::ClientResponse { .. })
        )
    }

    /// Whether the handshake still has something to report.
    pub(super) const fn is_handshaking(&self) -> bool {
        matches!(self.inner, Inner::Connecting(_)) || self.accepted.is_some()
    }

    /// Takes the accepted handshake to report it.
    pub(super) fn take_accepted(&mut self) -> Option<Accepted> {
        self.accepted.take()
    }

    fn set(&mut self, to: Inner) {
        debug_assert!(
            is_legal(self.view(), view_of(&to)),
            "illegal state move {:?} -> {:?}",
            self.view(),
            view_of(&to)
        );
        self.inner = to;
    }
}

const fn view_of(inner: &Inner) -> State {
    match inner {
        Inner::Connecting(_) => State::Connecting,
        Inner::Open => State::Open,
        Inner::CloseSent => State::CloseSent,
        Inner::CloseReceived => State::CloseReceived,
        Inner::Closed => State::Closed,
        Inner::Failed { .. } => State::Failed,
    }
}

/// The table in the module docs, as a predicate.
pub(super) const fn is_legal(from: State, to: State) -> bool {
    use State::{CloseReceived, CloseSent, Closed, Connecting, Failed, Open};
    matches!(
        (from, to),
        (Connecting, Connecting | Open | Closed | Failed)
            | (Open, CloseSent | CloseReceived | Failed | Closed)
            | (CloseSent, Closed | Failed)
            | (CloseReceived, Closed | Failed)
    )
}

impl<B: Storage, K: KeySource + ?Sized, E: Extension> Connection<B, K, E> {
    /// Server: the request head is complete and reported; wait for the
    /// application's decision.
    pub(super) fn move_to_decision(&mut self, head_len: usize) {
        debug_assert!(matches!(
            self.life.opening(),
            Some(Opening::ServerRequest(_))
        ));
        self.life
            .set(Inner::Connecting(Opening::ServerDecision { head_len }));
    }

    /// The handshake succeeded: a client checked the 101, or a server
    /// accepted (`accepted` is then reported by the next `poll_event`).
    pub(super) fn move_to_open(&mut self, accepted: Option<Accepted>) {
        self.life.set(Inner::Open);
        self.life.accepted = accepted;
    }

    /// This side sent its Close first (§5.5.1).
    pub(super) fn move_to_close_sent(&mut self) {
        self.life.set(Inner::CloseSent);
    }

    /// The peer sent its Close first; the echo is owed (§5.5.1).
    pub(super) fn move_to_close_received(&mut self) {
        self.life.set(Inner::CloseReceived);
    }

    /// The close handshake finished, the transport ended, or the upgrade was
    /// rejected.
    pub(super) fn move_to_closed(&mut self) {
        self.life.set(Inner::Closed);
        // No more Pongs: a Pong owed for a Ping that came before the peer's
        // Close went out ahead of the echo (§5.5.2); after that, none.
        self.pending_pong = None;
    }

    /// The handshake failed, the peer broke the protocol (§7.1.7), or a
    /// deadline passed.
    pub(super) fn move_to_failed(&mut self, refused_head: Option<usize>) {
        self.life.set(Inner::Failed { refused_head });
        self.life.accepted = None;
        self.pending_pong = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [State; 6] = [
        State::Connecting,
        State::Open,
        State::CloseSent,
        State::CloseReceived,
        State::Closed,
        State::Failed,
    ];

    #[test]
    fn terminal_states_have_no_moves_and_nothing_returns_to_connecting() {
        for to in ALL {
            assert!(!is_legal(State::Closed, to));
            assert!(!is_legal(State::Failed, to));
            assert_eq!(
                is_legal(State::Connecting, to),
                to != State::CloseSent && to != State::CloseReceived
            );
            if to == State::Connecting {
                for from in ALL.into_iter().filter(|&s| s != State::Connecting) {
                    assert!(!is_legal(from, to), "{from:?} -> Connecting");
                }
            }
        }
        assert!(is_legal(State::CloseReceived, State::Failed)); // close timeout
        assert!(!is_legal(State::CloseSent, State::CloseReceived));
    }

    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "illegal state move")]
    fn an_illegal_move_is_caught_in_debug_builds() {
        let mut life = Lifecycle::new(Inner::Closed, None);
        life.set(Inner::Open);
    }
}
