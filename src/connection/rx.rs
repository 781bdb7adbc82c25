//! The receive storage: wire bytes in, message payload assembled in place.
//!
//! ```text
//! 0        msg_start        asm           read           filled        cap
//! |  dead  |  payload so far |    dead     |  unprocessed  |    free     |
//! ```
//!
//! Payload is unmasked where it lands; the bytes of a continuation frame are
//! moved down to `asm` so a fragmented message ends up contiguous. Headers and
//! control frames that sat between fragments become dead space, reclaimed by
//! [`Rx::compact`] only when room is needed, so each byte moves at most once
//! or twice however it arrives.

pub(crate) struct Rx<B> {
    pub(crate) buf: B,
    pub(crate) cap: usize,
    pub(crate) msg_start: usize,
    pub(crate) asm: usize,
    pub(crate) read: usize,
    pub(crate) filled: usize,
}

impl<B: AsMut<[u8]>> Rx<B> {
    pub(crate) fn new(mut buf: B) -> Self {
        let cap = buf.as_mut().len();
        Rx {
            buf,
            cap,
            msg_start: 0,
            asm: 0,
            read: 0,
            filled: 0,
        }
    }

    pub(crate) fn bytes(&mut self) -> &mut [u8] {
        self.buf.as_mut()
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
        let buf = self.buf.as_mut();
        if msg_start > 0 {
            buf.copy_within(msg_start..msg_start + kept, 0);
        }
        buf.copy_within(read..read + pending, kept);
        self.msg_start = 0;
        self.asm = kept;
        self.read = kept;
        self.filled = kept + pending;
    }

    /// The free space after compacting if that is worthwhile.
    pub(crate) fn spare(&mut self) -> &mut [u8] {
        let free = self.cap - self.filled;
        let reclaimable = self.reclaimable();
        // Compact when it is needed, or when it gives back at least as much
        // as it moves, so copying stays linear in the bytes received.
        if reclaimable > 0
            && (free == 0 || reclaimable >= self.assembled() + self.unprocessed() || free < 64)
        {
            self.compact();
        }
        let filled = self.filled;
        &mut self.buf.as_mut()[filled..]
    }

    pub(crate) fn commit(&mut self, n: usize) {
        self.filled = (self.filled + n).min(self.cap);
    }
}
