//! The memory a connection works in: fixed (arrays, slices, boxed slices) or
//! growable (`Vec<u8>`).

#[cfg(feature = "alloc")]
use alloc::{boxed::Box, vec::Vec};

/// Memory a [`Connection`](crate::Connection) receives or queues bytes in.
///
/// Two kinds:
///
/// - **Fixed**: `[u8; N]`, `&mut [u8]` and `Box<[u8]>`. The connection uses
///   exactly this memory and never allocates for it; its length bounds what
///   the connection holds (a received message larger than the receive
///   storage arrives in chunks, a frame larger than the transmit storage is
///   sent with [`Connection::send_binary_partial`](crate::Connection::send_binary_partial)).
///   The only kind without an allocator.
/// - **Growable**: `Vec<u8>`, from `Vec::new()`. The connection grows it on
///   demand, up to the limits in [`Config`](crate::Config), and gives the
///   memory back as soon as it holds nothing: an idle connection holds no
///   buffers, and memory follows the bytes in flight.
///
/// Implement it for a pool or a buffer of your own: `bytes` is the memory
/// in use, and a growable storage overrides `resize`.
///
/// # Examples
///
/// ```
/// use rfc6455::{Config, Connection, NoKeys, Role};
///
/// // Fixed: a stack array each way, no allocator.
/// let fixed = Connection::open(Role::Server, Config::new(), [0u8; 1024], [0u8; 1024], NoKeys)?;
/// // Growable: nothing allocated until bytes arrive or are sent.
/// # #[cfg(feature = "alloc")]
/// let growable = Connection::open(Role::Server, Config::new(), Vec::new(), Vec::new(), NoKeys)?;
/// # Ok::<(), rfc6455::Error>(())
/// ```
pub trait Storage {
    /// The memory in use.
    fn bytes(&mut self) -> &mut [u8];

    /// Makes the memory in use `len` bytes long, keeping its first
    /// `min(len, old length)` bytes, and returns the new length. `len == 0`
    /// gives the memory back. A fixed storage keeps its length (the
    /// default).
    fn resize(&mut self, len: usize) -> usize {
        let _ = len;
        self.bytes().len()
    }

    /// Whether [`resize`](Self::resize) changes the length.
    fn is_growable(&self) -> bool {
        false
    }
}

impl<const N: usize> Storage for [u8; N] {
    fn bytes(&mut self) -> &mut [u8] {
        self
    }
}

impl Storage for &mut [u8] {
    fn bytes(&mut self) -> &mut [u8] {
        self
    }
}

#[cfg(feature = "alloc")]
impl Storage for Box<[u8]> {
    fn bytes(&mut self) -> &mut [u8] {
        self
    }
}

#[cfg(feature = "alloc")]
impl Storage for Vec<u8> {
    fn bytes(&mut self) -> &mut [u8] {
        self
    }

    fn resize(&mut self, len: usize) -> usize {
        if len == 0 {
            *self = Vec::new();
        } else {
            // Exactly `len`, not the doubling of `Vec::resize`: the
            // connection grows its storage in steps of its own, within its
            // limits, and reports the length as the memory held.
            self.reserve_exact(len.saturating_sub(self.len()));
            Vec::resize(self, len, 0);
        }
        len
    }

    fn is_growable(&self) -> bool {
        true
    }
}

#[cfg(all(test, feature = "alloc"))]
mod tests {
    use super::Storage;
    use alloc::vec::Vec;

    #[test]
    fn a_vec_grows_keeping_its_bytes_and_gives_them_back() {
        let mut v = Vec::new();
        assert_eq!(Storage::resize(&mut v, 4), 4);
        v.bytes().copy_from_slice(b"abcd");
        assert_eq!(Storage::resize(&mut v, 8), 8);
        assert_eq!(&v[..], b"abcd\0\0\0\0");
        assert_eq!(Storage::resize(&mut v, 0), 0);
        assert_eq!(v.capacity(), 0);
    }

    #[test]
    fn fixed_storage_keeps_its_length() {
        let mut a = [0u8; 16];
        assert_eq!(Storage::resize(&mut a, 64), 16);
        assert_eq!(Storage::resize(&mut a, 0), 16);
        assert!(!a.is_growable());
    }
}
