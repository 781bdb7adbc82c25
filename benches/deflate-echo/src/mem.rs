//! An in-memory transport and the clock.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Delivers `wire` in reads of at most `read_size` bytes (0 at the end) and
/// appends what is written to `out`, reserved before the timed region.
pub struct Mem<'a> {
    wire: &'a [u8],
    read_size: usize,
    out: &'a mut Vec<u8>,
}

impl<'a> Mem<'a> {
    pub fn new(wire: &'a [u8], read_size: usize, out: &'a mut Vec<u8>) -> Self {
        Mem {
            wire,
            read_size,
            out,
        }
    }

    /// The next read, copied into `buf`.
    fn read_into(&mut self, buf: &mut [u8]) -> usize {
        let n = buf.len().min(self.read_size).min(self.wire.len());
        buf[..n].copy_from_slice(&self.wire[..n]);
        self.wire = &self.wire[n..];
        n
    }
}

impl tokio::io::AsyncRead for Mem<'_> {
    fn poll_read(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let n = buf.remaining().min(this.read_size).min(this.wire.len());
        buf.put_slice(&this.wire[..n]);
        this.wire = &this.wire[n..];
        Poll::Ready(Ok(()))
    }
}

impl tokio::io::AsyncWrite for Mem<'_> {
    fn poll_write(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.get_mut().out.extend_from_slice(buf);
        Poll::Ready(Ok(buf.len()))
    }
    fn poll_write_vectored(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let mut n = 0;
        for b in bufs {
            this.out.extend_from_slice(b);
            n += b.len();
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

#[cfg(feature = "soketto")]
impl futures::io::AsyncRead for Mem<'_> {
    fn poll_read(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        Poll::Ready(Ok(self.get_mut().read_into(buf)))
    }
}

#[cfg(feature = "soketto")]
impl futures::io::AsyncWrite for Mem<'_> {
    fn poll_write(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.get_mut().out.extend_from_slice(buf);
        Poll::Ready(Ok(buf.len()))
    }
    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
    fn poll_close(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

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

impl wtx::stream::StreamReader for Mem<'_> {
    async fn read(&mut self, bytes: &mut [u8]) -> wtx::Result<usize> {
        Ok(self.read_into(bytes))
    }
}

impl wtx::stream::StreamWriter for Mem<'_> {
    async fn write_all(&mut self, bytes: &[u8]) -> wtx::Result<()> {
        self.out.extend_from_slice(bytes);
        Ok(())
    }
    async fn write_all_vectored(&mut self, bytes: &[&[u8]]) -> wtx::Result<()> {
        for b in bytes {
            self.out.extend_from_slice(b);
        }
        Ok(())
    }
}
