//! The opening handshake phase of a connection.

use super::Connection;
use crate::error::Error;
use crate::event::Event;
use crate::keys::KeySource;

/// Where the opening handshake is.
pub(super) enum Phase {
    /// Finished (or never needed).
    Done,
}

impl<B: AsMut<[u8]>, K: KeySource> Connection<B, K> {
    pub(super) fn poll_handshake(&mut self) -> Option<Result<Event<'_>, Error>> {
        match self.phase {
            Phase::Done => None,
        }
    }
}
