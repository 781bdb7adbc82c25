//! The receive storage: wire bytes in, message payload assembled in place.
//!
//! ```text
//! 0        msg_start        asm           read           filled        cap ≤ max
//! |  dead  |  payload so far |    dead     |  unprocessed  |    free     |
//! ```
//!
//! Payload is unmasked where it lands; the bytes of a continuation frame are
//! moved down to `asm` so a fragmented message ends up contiguous. Headers and
//! control frames that sat between fragments become dead space, reclaimed by
//! [`Rx::compact`] only when room is needed, so each byte moves at most once
//! or twice however it arrives.
//!
//! A growable storage starts empty, grows when a read needs room (to hold
//! the frame being received whole, when its length is known) up to `max`,
//! and is given back by [`Rx::release`] once it holds nothing.

use crate::storage::Storage;

/// Room a growable storage offers a read, at least.
pub(crate) const READ_ROOM: usize = 4 << 10;

/// Room a growable storage takes at once for a frame whose length is known.
const ANNOUNCED_ROOM: usize = 64 << 10;

/// Room a growable storage offers beyond a frame it grows for.
const NEXT_ROOM: usize = 1 << 10;

pub(crate) struct Rx<B> {
    pub(crate) buf: B,
    /// The storage's current length.
    pub(crate) cap: usize,
    /// The most it may grow to (`cap` for a fixed storage).
    pub(crate) max: usize,
    growable: bool,
    pub(crate) msg_start: usize,
    pub(crate) asm: usize,
    pub(crate) read: usize,
    pub(crate) filled: usize,
}

impl<B: Storage> Rx<B> {
    /// `max`: the most a growable storage may grow to.
    pub(crate) fn new(mut buf: B, max: usize) -> Self {
        let cap = buf.bytes().len();
        let growable = buf.is_growable();
        Rx {
            buf,
            cap,
            max: if growable { max.max(cap) } else { cap },
            growable,
            msg_start: 0,
            asm: 0,
            read: 0,
            filled: 0,
        }
    }

    #[inline(always)]
    pub(crate) fn bytes(&mut self) -> &mut [u8] {
        self.buf.bytes()
    }

    /// Bytes received but not yet decoded.
    pub(crate) const fn unprocessed(&self) -> usize {
        self.filled - self.read
    }

    /// Payload bytes of the current message held in storage.
    pub(crate) const fn assembled(&self) -> usize {
        self.asm - self.msg_start
    }

    /// Bytes that compaction would give back.
    const fn reclaimable(&self) -> usize {
        self.msg_start + (self.read - self.asm)
    }

    /// Marks everything up to `read` as processed with no message in progress.
    #[inline]
    pub(crate) fn settle(&mut self) {
        if self.read == self.filled {
            // Nothing left: start again at the beginning, for free.
            self.read = 0;
            self.filled = 0;
        }
        self.msg_start = self.read;
        self.asm = self.read;
    }

    /// Moves the assembled payload to the start and the unprocessed bytes
    /// right after it.
    pub(crate) fn compact(&mut self) {
        let kept = self.assembled();
        let pending = self.unprocessed();
        let (msg_start, read) = (self.msg_start, self.read);
        let buf = self.buf.bytes();
        if msg_start > 0 {
            buf.copy_within(msg_start..msg_start + kept, 0);
        }
        buf.copy_within(read..read + pending, kept);
        self.msg_start = 0;
        self.asm = kept;
        self.read = kept;
        self.filled = kept + pending;
    }

    /// The free space after compacting if that is worthwhile, and after
    /// growing a growable storage that has too little: to `want` bytes in
    /// all if that is more (the frame being received, so it lies whole in
    /// storage), else by half again and at least [`READ_ROOM`].
    pub(crate) fn spare(&mut self, want: usize) -> &mut [u8] {
        let free = self.cap - self.filled;
        let reclaimable = self.reclaimable();
        // Compact when it is needed, or when it gives back at least as much
        // as it moves, so copying stays linear in the bytes received.
        if reclaimable > 0
            && (free == 0 || reclaimable >= self.assembled() + self.unprocessed() || free < 64)
        {
            self.compact();
        }
        if self.growable {
            let free = self.cap - self.filled;
            // Memory follows the bytes that arrived, not the lengths a peer
            // announced: a frame's announced length is taken only up to
            // twice the bytes held (or 64 KiB), so that a peer announcing
            // large frames and sending a byte per read commits no memory.
            let want = want.min(self.filled.saturating_mul(2).max(ANNOUNCED_ROOM));
            // A little more than the frame: the read that brings its end
            // can bring the start of the next, and a read shorter than the
            // room tells an IO layer (tokio does this) that the socket is
            // drained, saving a read that would only say "would block".
            let want = if want > 0 { want + NEXT_ROOM } else { 0 };
            let wanted = want.max(self.filled + READ_ROOM);
            if free < READ_ROOM || wanted > self.cap {
                let len = wanted.max(self.cap + self.cap / 2).min(self.max);
                if len > self.cap {
                    self.cap = self.buf.resize(len);
                }
            }
        }
        let filled = self.filled;
        &mut self.buf.bytes()[filled..]
    }

    /// The storage after its first `kept` bytes, as scratch space for input
    /// that is read only to be discarded (a growable storage is given room
    /// for a read first: an empty buffer would read as the end of input).
    pub(crate) fn scratch(&mut self, kept: usize) -> &mut [u8] {
        if self.growable && self.cap < kept.saturating_add(READ_ROOM) {
            self.cap = self
                .buf
                .resize(kept.saturating_add(READ_ROOM).min(self.max));
        }
        &mut self.buf.bytes()[kept..]
    }

    pub(crate) fn commit(&mut self, n: usize) {
        self.filled = (self.filled + n).min(self.cap);
    }

    /// Whether the storage grows on demand.
    #[inline]
    pub(crate) const fn is_growable(&self) -> bool {
        self.growable
    }

    /// Whether [`release`](Self::release) would give memory back.
    #[inline]
    pub(crate) const fn can_release(&self) -> bool {
        self.growable && self.filled == 0 && self.cap > 0
    }

    /// Gives a growable storage's memory back if it holds nothing.
    #[inline]
    pub(crate) fn release(&mut self) {
        if self.can_release() {
            self.cap = self.buf.resize(0);
            self.msg_start = 0;
            self.asm = 0;
            self.read = 0;
        }
    }
}
