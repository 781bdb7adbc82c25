//! An encoded frame header, held by value.

use super::{Header, MAX_HEADER_LEN};

/// An encoded frame header, for writing a payload that lives elsewhere
/// (`writev(header, payload)`) without copying it.
///
/// # Examples
///
/// ```
/// use rfc6455::{Encoder, Fragment, Opcode};
///
/// let mut encoder = Encoder::server();
/// let payload = vec![7u8; 70_000];
/// let header = encoder.header(Opcode::Binary, payload.len() as u64, Fragment::Last)?;
/// assert_eq!(header.as_bytes(), &[0x82, 127, 0, 0, 0, 0, 0, 1, 0x11, 0x70]);
/// // socket.write_vectored(&[IoSlice::new(&header), IoSlice::new(&payload)])
/// # Ok::<(), rfc6455::UsageError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeaderBytes {
    bytes: [u8; MAX_HEADER_LEN],
    len: u8,
    mask: Option<[u8; 4]>,
}

impl HeaderBytes {
    pub(super) fn new(header: &Header) -> Self {
        let mut bytes = [0; MAX_HEADER_LEN];
        // 14 bytes always hold a header.
        let len = header.encode(&mut bytes).unwrap_or(0) as u8;
        HeaderBytes {
            bytes,
            len,
            mask: header.mask,
        }
    }

    /// The header's bytes (2 to 14).
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }

    /// The masking key written in the header (clients only). The payload must
    /// be sent masked with it; [`Encoder::header_in_place`](super::Encoder::header_in_place) does that.
    #[must_use]
    pub const fn mask_key(&self) -> Option<[u8; 4]> {
        self.mask
    }
}

impl AsRef<[u8]> for HeaderBytes {
    fn as_ref(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl core::ops::Deref for HeaderBytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        self.as_bytes()
    }
}
