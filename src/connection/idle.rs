//! When growable storage is given back: at once, or after
//! [`Config::storage_idle_timeout`](crate::Config::storage_idle_timeout)
//! once the IO layer passes time in.
//!
//! Giving storage back as soon as it holds nothing makes an idle connection
//! cost only its struct, but a busy one then allocates and zeroes its
//! buffers for every message (a tenth of a 16 KiB echo server's time). With
//! time, the buffers stay while frames move and go once the connection has
//! been quiet for the timeout. The opening handshake alone does not keep
//! them: thousands of connections that open and then idle would otherwise
//! all hold storage at once for the timeout, and an allocator keeps that
//! peak resident. The deadline joins
//! [`poll_timeout`](Connection::poll_timeout), so a busy connection is woken
//! for it at most once per timeout.

use super::Connection;
use crate::handshake::Extension;
use crate::keys::KeySource;
use crate::storage::Storage;
use crate::time::Timestamp;

impl<B: Storage, K: KeySource + ?Sized, E: Extension> Connection<B, K, E> {
    /// Whether storage that holds nothing is given back now rather than
    /// after the idle timeout.
    #[inline]
    fn releases_at_once(&self) -> bool {
        !self.config.storage_idle_timeout.is_some()
            || !self.timers.knows_time()
            || !self.timers.busy
    }

    /// The receive storage (and the reassembly buffer) holds nothing: give
    /// it back if that is not left to the idle timeout.
    #[inline]
    pub(super) fn on_rx_empty(&mut self) {
        if self.releases_at_once() {
            self.release_rx();
        }
    }

    /// The transport took everything queued: likewise for the transmit
    /// storage.
    #[inline]
    pub(super) fn on_tx_empty(&mut self) {
        if self.releases_at_once() {
            self.release_tx();
        }
    }

    fn release_rx(&mut self) {
        self.rx.release();
        #[cfg(feature = "alloc")]
        if self.message_releasable() {
            self.message = alloc::vec::Vec::new();
        }
    }

    fn release_tx(&mut self) {
        // A client keeps its request until the response is checked.
        if !self.life.is_handshaking() {
            self.tx.release();
        }
    }

    /// No message is being reassembled and the receive storage is (or is
    /// about to be) given back.
    #[cfg(feature = "alloc")]
    fn message_releasable(&self) -> bool {
        self.inbound.kind.is_none() && self.message.capacity() > 0 && self.rx.cap == 0
    }

    /// Whether some storage would be given back now.
    fn holds_idle_storage(&self) -> bool {
        #[cfg(feature = "alloc")]
        let message = self.inbound.kind.is_none()
            && self.message.capacity() > 0
            && (self.rx.cap == 0 || self.rx.can_release());
        #[cfg(not(feature = "alloc"))]
        let message = false;
        self.rx.can_release() || (self.tx.can_release() && !self.life.is_handshaking()) || message
    }

    /// Gives back storage that has held nothing for the idle timeout.
    pub(super) fn release_idle(&mut self, now: Timestamp) {
        let Some(due) = self
            .config
            .storage_idle_timeout
            .after(self.timers.last_used)
        else {
            return;
        };
        if now >= due {
            self.release_rx();
            self.release_tx();
            self.timers.busy = false;
        }
    }

    /// When storage that holds nothing is next due to be given back.
    pub(super) fn storage_deadline(&self) -> Option<Timestamp> {
        let due = self
            .config
            .storage_idle_timeout
            .after(self.timers.last_used)?;
        (self.timers.knows_time() && self.holds_idle_storage()).then_some(due)
    }
}
