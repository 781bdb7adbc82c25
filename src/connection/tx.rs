//! The transmit queue: whole frames waiting for the socket.
//!
//! A growable storage grows when a frame needs room, up to `max`
//! ([`Config::max_send_queue`](crate::Config::max_send_queue)), and is given
//! back by [`Tx::release`] once the transport has taken everything.

use crate::error::{BufferTooSmall, Error};
use crate::storage::Storage;

/// Room a growable storage offers an HTTP head before its length is known.
const HEAD_ROOM: usize = 1 << 10;

pub(crate) struct Tx<B> {
    buf: B,
    cap: usize,
    /// The most bytes the queue may hold (`cap` for a fixed storage).
    max: usize,
    growable: bool,
    start: usize,
    end: usize,
    /// Bytes taken by the transport since the connection began.
    sent_total: u64,
    /// Queued bytes at which [`Tx::is_backed_up`] turns true, and at or below
    /// which it turns false again.
    high: usize,
    low: usize,
    backed_up: bool,
}

impl<B: Storage> Tx<B> {
    /// `max`: the most a growable storage may hold; `high` and `low`: the
    /// watermarks, lowered to fit a small storage.
    pub(crate) fn new(mut buf: B, max: usize, high: usize, low: usize) -> Self {
        let cap = buf.bytes().len();
        let growable = buf.is_growable();
        let max = if growable { max.max(cap) } else { cap };
        let high = high.min(max / 2).max(1);
        Tx {
            buf,
            cap,
            max,
            growable,
            start: 0,
            end: 0,
            sent_total: 0,
            high,
            low: low.min(high / 2),
            backed_up: false,
        }
    }

    /// Bytes taken by the transport so far.
    pub(crate) const fn sent_total(&self) -> u64 {
        self.sent_total
    }

    /// Bytes queued so far: the position, counted from the connection's
    /// start, just after the last queued byte.
    pub(crate) const fn queued_total(&self) -> u64 {
        self.sent_total + self.len() as u64
    }

    /// The storage's current length.
    pub(crate) const fn cap(&self) -> usize {
        self.cap
    }

    /// The most bytes the queue can hold.
    pub(crate) const fn max(&self) -> usize {
        self.max
    }

    /// The high watermark, as in effect.
    pub(crate) const fn high(&self) -> usize {
        self.high
    }

    /// The low watermark, as in effect.
    pub(crate) const fn low(&self) -> usize {
        self.low
    }

    pub(crate) const fn len(&self) -> usize {
        self.end - self.start
    }

    pub(crate) const fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// Bytes that can be queued now (after compacting or growing).
    pub(crate) const fn room(&self) -> usize {
        self.max - self.len()
    }

    /// Whether the queue passed the high watermark and has not yet drained
    /// to the low one.
    pub(crate) const fn is_backed_up(&self) -> bool {
        self.backed_up
    }

    /// Room for `len` more bytes at the end of the queue, compacting or
    /// growing first if needed; `None` if there is no room now. Call
    /// [`commit`](Self::commit) with the bytes actually written.
    #[inline]
    pub(crate) fn reserve(&mut self, len: usize) -> Option<&mut [u8]> {
        if self.cap - self.end < len {
            self.make_room(len);
            if self.cap - self.end < len {
                return None;
            }
        }
        let end = self.end;
        Some(&mut self.buf.bytes()[end..end + len])
    }

    #[inline(never)]
    fn make_room(&mut self, len: usize) {
        if self.start > 0 {
            let (start, end) = (self.start, self.end);
            self.buf.bytes().copy_within(start..end, 0);
            self.end -= start;
            self.start = 0;
        }
        let needed = self.end.saturating_add(len);
        if self.growable && self.cap < needed && needed <= self.max {
            let len = needed.max(self.cap + self.cap / 2).min(self.max);
            self.cap = self.buf.resize(len);
        }
    }

    /// Writes an HTTP head with `write`, which reports the length it needs
    /// when the space is too small; a growable storage then grows to it.
    pub(crate) fn write_head(
        &mut self,
        write: impl Fn(&mut [u8]) -> Result<usize, Error>,
    ) -> Result<usize, Error> {
        let room = (self.cap - self.end).max(HEAD_ROOM.min(self.room()));
        let space = self
            .reserve(room)
            .ok_or(BufferTooSmall { required: room })?;
        let written = match write(space) {
            Err(Error::BufferTooSmall(e)) if self.growable && e.required <= self.room() => {
                let space = self.reserve(e.required).ok_or(e)?;
                write(space)?
            }
            result => result?,
        };
        self.commit(written);
        Ok(written)
    }

    #[inline]
    pub(crate) fn commit(&mut self, n: usize) {
        self.end += n;
        if self.len() >= self.high {
            self.backed_up = true;
        }
    }

    /// Takes back the last `n` queued bytes (none of them sent).
    #[cfg(feature = "alloc")]
    pub(crate) fn unwrite(&mut self, n: usize) {
        self.end -= n.min(self.len());
    }

    /// The queued bytes.
    pub(crate) fn pending(&mut self) -> &[u8] {
        let (start, end) = (self.start, self.end);
        &self.buf.bytes()[start..end]
    }

    /// Bytes `[0..len)` as written, even after they were transmitted: the
    /// client keeps its request here until the response is checked.
    pub(crate) fn written_prefix(&mut self, len: usize) -> &[u8] {
        &self.buf.bytes()[..len]
    }

    pub(crate) fn advance(&mut self, n: usize) {
        let n = n.min(self.len());
        self.sent_total += n as u64;
        self.start += n;
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
        }
        if self.len() <= self.low {
            self.backed_up = false;
        }
    }

    /// Drops everything queued (the connection failed on a deadline).
    pub(crate) fn clear(&mut self) {
        self.start = 0;
        self.end = 0;
        self.backed_up = false;
        self.release();
    }

    /// Whether [`release`](Self::release) would give memory back.
    #[inline]
    pub(crate) const fn can_release(&self) -> bool {
        self.growable && self.is_empty() && self.cap > 0
    }

    /// Gives a growable storage's memory back if nothing is queued.
    #[inline]
    pub(crate) fn release(&mut self) {
        if self.can_release() {
            self.cap = self.buf.resize(0);
        }
    }
}
