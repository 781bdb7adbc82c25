//! The frame encoder.

#[cfg(feature = "alloc")]
use alloc::vec::Vec;

use super::{payload_len_of, Fragment, Header, HeaderBytes, Opcode, MAX_CONTROL_PAYLOAD};
use crate::close::{check_close, encode_close_payload};
use crate::close_code::CloseCode;
use crate::error::{BufferTooSmall, Error, UsageError};
use crate::keys::{KeySource, NoKeys};
use crate::mask::{apply_mask, copy_masked};
use crate::role::Role;

/// Turns application messages into frames: unmasked for a server, masked with
/// a fresh key per frame for a client (RFC 6455 §5.1, §5.3).
///
/// The encoder is pure: it writes into the caller's buffer (or appends to a
/// `Vec` with the `alloc` feature) and keeps no state between frames except
/// its key source. It refuses control payloads over 125 bytes and fragmented
/// control frames. Message-level sequencing (a `Continuation` after a first
/// fragment) is the caller's, or the connection's, job.
///
/// # Examples
///
/// ```
/// use rfc6455::Encoder;
///
/// // RFC 6455 §5.7: an unmasked text frame "Hello".
/// let mut out = [0u8; 16];
/// let n = Encoder::server().text("Hello", &mut out)?;
/// assert_eq!(&out[..n], b"\x81\x05Hello");
///
/// // A client masks with keys from its key source.
/// let mut client = Encoder::client(|key: &mut [u8]| key.copy_from_slice(&[0x37, 0xfa, 0x21, 0x3d]));
/// let n = client.text("Hello", &mut out)?;
/// assert_eq!(&out[..n], b"\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58");
/// # Ok::<(), rfc6455::BufferTooSmall>(())
/// ```
#[derive(Debug, Clone)]
pub struct Encoder<K: ?Sized = NoKeys> {
    role: Role,
    keys: K,
}

impl Encoder<NoKeys> {
    /// An encoder for a server: frames are not masked.
    #[must_use]
    pub const fn server() -> Self {
        Encoder {
            role: Role::Server,
            keys: NoKeys,
        }
    }
}

impl Default for Encoder<NoKeys> {
    fn default() -> Self {
        Self::server()
    }
}

impl<K: KeySource> Encoder<K> {
    /// An encoder for a client: every frame is masked with a fresh key from
    /// `keys`.
    pub const fn client(keys: K) -> Self {
        Encoder {
            role: Role::Client,
            keys,
        }
    }

    /// An encoder for `role`; `keys` is used only by a client.
    pub(crate) const fn with_role(role: Role, keys: K) -> Self {
        Encoder { role, keys }
    }
}

impl<K: KeySource + ?Sized> Encoder<K> {
    /// The role this encoder writes for.
    #[must_use]
    pub const fn role(&self) -> Role {
        self.role
    }

    /// The key source.
    pub fn keys_mut(&mut self) -> &mut K {
        &mut self.keys
    }

    /// The number of bytes a frame with a payload of `payload_len` bytes
    /// takes on the wire from this encoder.
    #[must_use]
    #[inline]
    pub fn frame_len(&self, payload_len: usize) -> usize {
        let header = Header::new(
            Opcode::Binary,
            Fragment::Last,
            self.role.is_client().then_some([0; 4]),
            payload_len_of(payload_len),
        );
        header.encoded_len() + payload_len
    }

    /// Writes one frame with any opcode into `out` and returns its length.
    ///
    /// The payload is raw bytes: a Text frame's payload is not checked to be
    /// UTF-8 (use [`text`](Self::text) for that), but a Close payload is
    /// checked.
    ///
    /// # Errors
    ///
    /// - [`UsageError::ControlPayloadTooLong`] or
    ///   [`UsageError::FragmentedControlFrame`] for a control frame that
    ///   breaks RFC 6455 §5.5.
    /// - For a Close frame, [`UsageError::InvalidClosePayload`] (one byte, or
    ///   a reason that is not UTF-8) or [`UsageError::InvalidCloseCode`] (a
    ///   code that may not be sent, see [`CloseCode::is_sendable`]; §7.4).
    /// - [`BufferTooSmall`] if `out` cannot hold the frame; nothing is written.
    pub fn frame(
        &mut self,
        opcode: Opcode,
        payload: &[u8],
        fragment: Fragment,
        out: &mut [u8],
    ) -> Result<usize, Error> {
        check_frame(opcode, payload, fragment)?;
        Ok(self.write(opcode, payload, fragment, out)?)
    }

    /// Writes a single-frame text message.
    ///
    /// # Errors
    ///
    /// [`BufferTooSmall`] if `out` cannot hold the frame; nothing is written.
    #[inline]
    pub fn text(&mut self, text: &str, out: &mut [u8]) -> Result<usize, BufferTooSmall> {
        self.write(Opcode::Text, text.as_bytes(), Fragment::Last, out)
    }

    /// Writes a single-frame binary message.
    ///
    /// # Errors
    ///
    /// [`BufferTooSmall`] if `out` cannot hold the frame; nothing is written.
    #[inline]
    pub fn binary(&mut self, data: &[u8], out: &mut [u8]) -> Result<usize, BufferTooSmall> {
        self.write(Opcode::Binary, data, Fragment::Last, out)
    }

    /// Writes a Ping frame.
    ///
    /// # Errors
    ///
    /// [`UsageError::ControlPayloadTooLong`] for a payload over 125 bytes;
    /// [`BufferTooSmall`] if `out` cannot hold the frame.
    pub fn ping(&mut self, payload: &[u8], out: &mut [u8]) -> Result<usize, Error> {
        self.frame(Opcode::Ping, payload, Fragment::Last, out)
    }

    /// Writes a Pong frame.
    ///
    /// # Errors
    ///
    /// [`UsageError::ControlPayloadTooLong`] for a payload over 125 bytes;
    /// [`BufferTooSmall`] if `out` cannot hold the frame.
    pub fn pong(&mut self, payload: &[u8], out: &mut [u8]) -> Result<usize, Error> {
        self.frame(Opcode::Pong, payload, Fragment::Last, out)
    }

    /// Writes a Close frame with a status code and reason.
    ///
    /// # Errors
    ///
    /// [`UsageError::InvalidCloseCode`] for a code that may not be sent,
    /// [`UsageError::CloseReasonTooLong`] for a reason over 123 bytes,
    /// [`BufferTooSmall`] if `out` cannot hold the frame.
    pub fn close(&mut self, code: CloseCode, reason: &str, out: &mut [u8]) -> Result<usize, Error> {
        let mut payload = [0; MAX_CONTROL_PAYLOAD];
        let len = encode_close_payload(code, reason, &mut payload)?;
        Ok(self.write(Opcode::Close, &payload[..len], Fragment::Last, out)?)
    }

    /// Writes a Close frame with no status code (the peer reports 1005).
    ///
    /// # Errors
    ///
    /// [`BufferTooSmall`] if `out` cannot hold the frame.
    pub fn close_empty(&mut self, out: &mut [u8]) -> Result<usize, BufferTooSmall> {
        self.write(Opcode::Close, &[], Fragment::Last, out)
    }

    /// Encodes only the header of a frame whose payload the caller writes
    /// itself, so the payload is never copied.
    ///
    /// A client must send the payload masked with
    /// [`HeaderBytes::mask_key`] ([`apply_mask`](crate::apply_mask) with
    /// offset 0), or use [`header_in_place`](Self::header_in_place). A
    /// server's payload goes out as it is: the work done here does not depend
    /// on its size.
    ///
    /// # Errors
    ///
    /// [`UsageError`] for a control frame that breaks RFC 6455 §5.5,
    /// [`UsageError::PayloadTooLong`] for a length over 2^63 − 1 (§5.2), or
    /// [`UsageError::InvalidClosePayload`] for a 1-byte Close.
    pub fn header(
        &mut self,
        opcode: Opcode,
        payload_len: u64,
        fragment: Fragment,
    ) -> Result<HeaderBytes, UsageError> {
        self.header_with_rsv(opcode, payload_len, fragment, 0)
    }

    /// [`header`](Self::header) with the RSV bits of a negotiated extension.
    pub(crate) fn header_with_rsv(
        &mut self,
        opcode: Opcode,
        payload_len: u64,
        fragment: Fragment,
        rsv: u8,
    ) -> Result<HeaderBytes, UsageError> {
        // §5.2: "the most significant bit MUST be 0".
        if payload_len > MAX_PAYLOAD_LEN {
            return Err(UsageError::PayloadTooLong);
        }
        // §5.5.1: a Close body starts with a 2-byte code, so never 1 byte.
        if opcode == Opcode::Close && payload_len == 1 {
            return Err(UsageError::InvalidClosePayload);
        }
        let len = usize::try_from(payload_len).unwrap_or(usize::MAX);
        check_control(opcode, len, fragment)?;
        let mask = self.next_mask();
        let mut header = Header::new(opcode, fragment, mask, payload_len);
        header.rsv = rsv;
        Ok(HeaderBytes::new(&header))
    }

    /// Encodes the header for `payload` and, for a client, masks `payload` in
    /// place with the header's key.
    ///
    /// # Errors
    ///
    /// [`UsageError`] for a control frame that breaks RFC 6455 §5.5.
    pub fn header_in_place(
        &mut self,
        opcode: Opcode,
        payload: &mut [u8],
        fragment: Fragment,
    ) -> Result<HeaderBytes, UsageError> {
        let header = self.header(opcode, payload_len_of(payload.len()), fragment)?;
        if let Some(key) = header.mask_key() {
            apply_mask(payload, key, 0);
        }
        Ok(header)
    }

    /// Appends one frame to `out` and returns the number of bytes appended.
    ///
    /// # Errors
    ///
    /// [`UsageError`] as for [`frame`](Self::frame).
    #[cfg(feature = "alloc")]
    pub fn frame_to_vec(
        &mut self,
        opcode: Opcode,
        payload: &[u8],
        fragment: Fragment,
        out: &mut Vec<u8>,
    ) -> Result<usize, UsageError> {
        check_frame(opcode, payload, fragment)?;
        let len = self.frame_len(payload.len());
        let start = out.len();
        out.resize(start + len, 0);
        // The buffer was just sized for the frame.
        let written = self
            .write(opcode, payload, fragment, &mut out[start..])
            .unwrap_or(0);
        out.truncate(start + written);
        Ok(written)
    }

    #[inline]
    fn next_mask(&mut self) -> Option<[u8; 4]> {
        // §5.3: a client "MUST pick a fresh masking key from the set of
        // allowed 32-bit values" for each frame; §5.1: a server "MUST NOT
        // mask any frames that it sends to the client".
        match self.role {
            Role::Client => Some(self.keys.mask_key()),
            Role::Server => None,
        }
    }

    #[inline]
    fn write(
        &mut self,
        opcode: Opcode,
        payload: &[u8],
        fragment: Fragment,
        out: &mut [u8],
    ) -> Result<usize, BufferTooSmall> {
        let required = self.frame_len(payload.len());
        let Some(out) = out.get_mut(..required) else {
            return Err(BufferTooSmall { required });
        };
        // The key is drawn only once the frame is known to fit.
        let mask = self.next_mask();
        let header = Header::new(opcode, fragment, mask, payload_len_of(payload.len()));
        let (head, body) = out.split_at_mut(required - payload.len());
        header.encode(head)?;
        match mask {
            Some(key) => copy_masked(body, payload, key),
            None => copy_payload(body, payload),
        }
        Ok(required)
    }
}

/// `dst.copy_from_slice(src)`, with short payloads copied inline by fixed-size
/// (possibly overlapping) moves instead of a call to `memcpy`.
#[inline]
fn copy_payload(dst: &mut [u8], src: &[u8]) {
    let len = src.len();
    match len {
        16..=32 => {
            dst[..16].copy_from_slice(&src[..16]);
            dst[len - 16..len].copy_from_slice(&src[len - 16..]);
        }
        8..=15 => {
            dst[..8].copy_from_slice(&src[..8]);
            dst[len - 8..len].copy_from_slice(&src[len - 8..]);
        }
        _ => dst.copy_from_slice(src),
    }
}

/// The largest payload length a frame can carry (§5.2: 63 bits).
const MAX_PAYLOAD_LEN: u64 = u64::MAX >> 1;

/// A frame this side may send (§5.5, and §5.5.1 and §7.4.1 for Close).
fn check_frame(opcode: Opcode, payload: &[u8], fragment: Fragment) -> Result<(), UsageError> {
    check_control(opcode, payload.len(), fragment)?;
    if opcode == Opcode::Close {
        check_close_payload(payload)?;
    }
    Ok(())
}

/// A Close payload this side may send: empty, or a sendable code and a UTF-8
/// reason.
fn check_close_payload(payload: &[u8]) -> Result<(), UsageError> {
    let Some((code, reason)) = payload.split_first_chunk::<2>() else {
        return match payload.len() {
            0 => Ok(()),
            _ => Err(UsageError::InvalidClosePayload),
        };
    };
    let reason = core::str::from_utf8(reason).map_err(|_| UsageError::InvalidClosePayload)?;
    check_close(CloseCode::new(u16::from_be_bytes(*code)), reason)
}

/// RFC 6455 §5.5: "All control frames MUST have a payload length of 125
/// bytes or less and MUST NOT be fragmented."
fn check_control(opcode: Opcode, len: usize, fragment: Fragment) -> Result<(), UsageError> {
    if opcode.is_control() {
        if len > MAX_CONTROL_PAYLOAD {
            return Err(UsageError::ControlPayloadTooLong);
        }
        if !fragment.is_last() {
            return Err(UsageError::FragmentedControlFrame);
        }
    }
    Ok(())
}
