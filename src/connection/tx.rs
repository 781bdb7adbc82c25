//! The transmit queue: whole frames waiting for the socket.

use crate::error::BufferTooSmall;

pub(crate) struct Tx<B> {
    buf: B,
    cap: usize,
    start: usize,
    end: usize,
    /// Bytes taken by the transport since the connection began.
    sent_total: u64,
}

impl<B: AsMut<[u8]>> Tx<B> {
    pub(crate) fn new(mut buf: B) -> Self {
        let cap = buf.as_mut().len();
        Tx {
            buf,
            cap,
            start: 0,
            end: 0,
            sent_total: 0,
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

    pub(crate) const fn cap(&self) -> usize {
        self.cap
    }

    pub(crate) const fn len(&self) -> usize {
        self.end - self.start
    }

    pub(crate) const fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// Room for `len` more bytes at the end of the queue, compacting first if
    /// needed. Call [`commit`](Self::commit) with the bytes actually written.
    pub(crate) fn reserve(&mut self, len: usize) -> Result<&mut [u8], BufferTooSmall> {
        if self.cap - self.end < len && self.start > 0 {
            let (start, end) = (self.start, self.end);
            self.buf.as_mut().copy_within(start..end, 0);
            self.end -= start;
            self.start = 0;
        }
        if self.cap - self.end < len {
            return Err(BufferTooSmall { required: len });
        }
        let end = self.end;
        Ok(&mut self.buf.as_mut()[end..end + len])
    }

    pub(crate) fn commit(&mut self, n: usize) {
        self.end += n;
    }

    /// The queued bytes.
    pub(crate) fn pending(&mut self) -> &[u8] {
        let (start, end) = (self.start, self.end);
        &self.buf.as_mut()[start..end]
    }

    /// Bytes `[0..len)` as written, even after they were transmitted: the
    /// client keeps its request here until the response is checked.
    pub(crate) fn written_prefix(&mut self, len: usize) -> &[u8] {
        &self.buf.as_mut()[..len]
    }

    pub(crate) fn advance(&mut self, n: usize) {
        let n = n.min(self.len());
        self.sent_total += n as u64;
        self.start += n;
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
        }
    }
}
