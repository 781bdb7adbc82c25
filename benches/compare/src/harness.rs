//! What every column shares: the CPU clock, the counting allocator, the
//! payload checksum, the in-memory transport and the key generator.

use std::alloc::{GlobalAlloc, Layout, System};
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::task::{Context, Poll};

/// CPU time consumed by the calling thread, in seconds.
pub fn thread_cpu_seconds() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid out-pointer for the duration of the call.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
    ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
}

/// The global allocator: the system's, counting calls and live bytes.
pub struct Counting;

static ALLOCS: AtomicU64 = AtomicU64::new(0);
static CURRENT: AtomicU64 = AtomicU64::new(0);
static PEAK: AtomicU64 = AtomicU64::new(0);

fn grew(by: u64) {
    let now = CURRENT.fetch_add(by, Relaxed) + by;
    PEAK.fetch_max(now, Relaxed);
}

// SAFETY: every call is forwarded to `System` unchanged; only counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Relaxed);
        grew(layout.size() as u64);
        System.alloc(layout)
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Relaxed);
        grew(layout.size() as u64);
        System.alloc_zeroed(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        CURRENT.fetch_sub(layout.size() as u64, Relaxed);
        System.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCS.fetch_add(1, Relaxed);
        let old = layout.size() as u64;
        let new = new_size as u64;
        if new >= old {
            grew(new - old);
        } else {
            CURRENT.fetch_sub(old - new, Relaxed);
        }
        System.realloc(ptr, layout, new_size)
    }
}

/// Allocation counters at the start of a timed region.
pub struct AllocMark {
    allocs: u64,
    baseline: u64,
}

impl AllocMark {
    /// Starts a region: the peak is reset to the bytes live now.
    pub fn start() -> Self {
        let baseline = CURRENT.load(Relaxed);
        PEAK.store(baseline, Relaxed);
        AllocMark {
            allocs: ALLOCS.load(Relaxed),
            baseline,
        }
    }

    /// (allocation calls, peak extra heap bytes) since `start`.
    pub fn finish(&self) -> (u64, u64) {
        let allocs = ALLOCS.load(Relaxed) - self.allocs;
        let peak = PEAK.load(Relaxed).saturating_sub(self.baseline);
        (allocs, peak)
    }
}

/// Every `STRIDE`-th byte of a message (offsets 0, STRIDE, 2·STRIDE, …) is
/// sampled; 251 is prime, so samples fall on every mask-key position.
pub const STRIDE: usize = 251;

/// Message kinds as the checksum sees them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Text = 1,
    Binary = 2,
}

/// Count and payload checksum of the messages a column delivered.
///
/// Fed with message pieces in order, it samples bytes by their offset in the
/// message, so the result does not depend on how delivery was chunked; the
/// work is one load per `STRIDE` bytes plus a few operations per piece and
/// per message, the same for every column.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Checksum {
    pub messages: u64,
    pub sum: u64,
    off: usize,
    next: usize,
}

impl Checksum {
    /// Adds the next piece of the current message.
    #[inline]
    pub fn feed(&mut self, piece: &[u8]) {
        let end = self.off + piece.len();
        while self.next < end {
            self.sum = self.sum.rotate_left(5) ^ u64::from(piece[self.next - self.off]);
            self.next += STRIDE;
        }
        self.off = end;
    }

    /// Ends the current message.
    #[inline]
    pub fn end(&mut self, kind: Kind) {
        let tag = (self.off as u64) ^ ((kind as u64) << 56);
        self.sum = (self.sum.rotate_left(7) ^ tag).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.messages += 1;
        self.off = 0;
        self.next = 0;
    }

    /// A whole message.
    #[inline]
    pub fn message(&mut self, kind: Kind, payload: &[u8]) {
        self.feed(payload);
        self.end(kind);
    }
}

/// A cheap deterministic mask-key generator (xorshift32), shared by every
/// encoder whose API takes keys from the caller.
#[derive(Clone, Debug)]
pub struct KeyGen(u32);

impl KeyGen {
    pub fn new(seed: u32) -> Self {
        KeyGen(seed | 1)
    }

    #[inline]
    pub fn next_u32(&mut self) -> u32 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        self.0 = x;
        x
    }

    #[inline]
    pub fn key(&mut self) -> [u8; 4] {
        self.next_u32().to_le_bytes()
    }

    pub fn fill(&mut self, dest: &mut [u8]) {
        for chunk in dest.chunks_mut(4) {
            let key = self.key();
            chunk.copy_from_slice(&key[..chunk.len()]);
        }
    }
}

/// The in-memory transport: reads hand out the prepared wire bytes, at most
/// `read_size` at a time (the one simulated `recv` copy per wire byte);
/// writes are discarded (receive) or copied into a preallocated buffer
/// (encode).
pub struct Duplex<'a> {
    wire: &'a [u8],
    pos: usize,
    read_size: usize,
    sink: Option<&'a mut [u8]>,
    written: usize,
}

impl<'a> Duplex<'a> {
    /// A transport that delivers `wire` and discards what is written.
    pub fn reader(wire: &'a [u8], read_size: usize) -> Self {
        Duplex {
            wire,
            pos: 0,
            read_size,
            sink: None,
            written: 0,
        }
    }

    /// A transport with nothing to read that copies writes into `sink`.
    pub fn writer(sink: &'a mut [u8]) -> Self {
        Duplex {
            wire: &[],
            pos: 0,
            read_size: 0,
            sink: Some(sink),
            written: 0,
        }
    }

    /// Bytes written into the sink so far.
    pub fn written(&self) -> usize {
        self.written
    }

    /// Copies the next read into `buf`; 0 at the end of the wire.
    #[inline]
    pub fn read_into(&mut self, buf: &mut [u8]) -> usize {
        let n = buf
            .len()
            .min(self.read_size)
            .min(self.wire.len() - self.pos);
        buf[..n].copy_from_slice(&self.wire[self.pos..self.pos + n]);
        self.pos += n;
        n
    }

    #[inline]
    fn write_from(&mut self, data: &[u8]) -> io::Result<usize> {
        if let Some(sink) = self.sink.as_deref_mut() {
            let Some(dest) = sink.get_mut(self.written..self.written + data.len()) else {
                return Err(io::Error::other("encode output buffer too small"));
            };
            dest.copy_from_slice(data);
        }
        self.written += data.len();
        Ok(data.len())
    }
}

impl io::Read for Duplex<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        Ok(self.read_into(buf))
    }
}

impl io::Write for Duplex<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.write_from(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl tokio::io::AsyncRead for Duplex<'_> {
    fn poll_read(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let n = buf
            .remaining()
            .min(this.read_size)
            .min(this.wire.len() - this.pos);
        buf.put_slice(&this.wire[this.pos..this.pos + n]);
        this.pos += n;
        Poll::Ready(Ok(()))
    }
}

impl tokio::io::AsyncWrite for Duplex<'_> {
    fn poll_write(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Poll::Ready(self.get_mut().write_from(buf))
    }
    fn poll_write_vectored(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let mut n = 0;
        for b in bufs {
            n += this.write_from(b)?;
        }
        Poll::Ready(Ok(n))
    }
    fn is_write_vectored(&self) -> bool {
        true
    }
    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

/// Median, min and max of a sample (sorted in place).
pub fn summarize(samples: &mut [f64]) -> (f64, f64, f64) {
    samples.sort_by(f64::total_cmp);
    let n = samples.len();
    let median = if n % 2 == 1 {
        samples[n / 2]
    } else {
        (samples[n / 2 - 1] + samples[n / 2]) / 2.0
    };
    (median, samples[0], samples[n - 1])
}
