//! Frames: the opcode, the header codec, the streaming decoder and the encoder
//! (RFC 6455 §5).
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-------+-+-------------+-------------------------------+
//! |F|R|R|R| opcode|M| Payload len |    Extended payload length    |
//! |I|S|S|S|  (4)  |A|     (7)     |             (16/64)           |
//! |N|V|V|V|       |S|             |   (if payload len==126/127)   |
//! | |1|2|3|       |K|             |                               |
//! +-+-+-+-+-------+-+-------------+ - - - - - - - - - - - - - - - +
//! |     Extended payload length continued, if payload len == 127  |
//! + - - - - - - - - - - - - - - - +-------------------------------+
//! |                               |Masking-key, if MASK set to 1  |
//! +-------------------------------+-------------------------------+
//! | Masking-key (continued)       |          Payload Data         |
//! +-------------------------------- - - - - - - - - - - - - - - - +
//! ```

mod decode;
mod encode;
mod header_bytes;
mod opcode;

pub use decode::{Decoded, FrameDecoder};
pub use encode::Encoder;
pub use header_bytes::HeaderBytes;
pub use opcode::{Fragment, Opcode};

use crate::error::ProtocolError;
use crate::status::Status;

/// The longest a frame header can be: 2 fixed bytes, an 8-byte extended
/// length and a 4-byte masking key.
pub const MAX_HEADER_LEN: usize = 14;

/// The longest payload a control frame may carry (RFC 6455 §5.5).
pub const MAX_CONTROL_PAYLOAD: usize = 125;

const FIN: u8 = 0x80;
const RSV_MASK: u8 = 0x70;
const OPCODE_MASK: u8 = 0x0f;
const MASK_BIT: u8 = 0x80;
const LEN_MASK: u8 = 0x7f;
/// The opcode bit that marks a control frame (§5.5).
const CONTROL_BIT: u8 = 0x08;
/// 7-bit length values that announce an extended length.
const LEN_16: u8 = 126;
const LEN_64: u8 = 127;

/// A frame header (RFC 6455 §5.2).
///
/// `parse` checks only what is wrong in every context: a reserved opcode, a
/// control frame that is fragmented or longer than 125 bytes, a length that is
/// not minimally encoded or has its top bit set. The masking direction, RSV
/// bits and size limits depend on the connection and are checked by
/// [`FrameDecoder`].
///
/// # Examples
///
/// ```
/// use rfc6455::{Header, Opcode, Status};
///
/// // RFC 6455 §5.7: a single-frame unmasked text message "Hello".
/// let wire = b"\x81\x05Hello";
/// let Status::Complete((header, len)) = Header::parse(wire)? else { panic!() };
/// assert_eq!((header.opcode, header.payload_len, len), (Opcode::Text, 5, 2));
/// let mut out = [0u8; 14];
/// assert_eq!(header.encode(&mut out)?, 2);
/// assert_eq!(&out[..2], &wire[..2]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Header {
    /// The FIN bit: this frame ends its message.
    pub fin: bool,
    /// The RSV1–RSV3 bits, in their wire positions ([`Header::RSV1`] …).
    pub rsv: u8,
    /// The opcode.
    pub opcode: Opcode,
    /// The masking key, present when the MASK bit is set.
    pub mask: Option<[u8; 4]>,
    /// The payload length in bytes.
    pub payload_len: u64,
}

impl Header {
    /// The RSV1 bit in [`Header::rsv`] (used by permessage-deflate).
    pub const RSV1: u8 = 0x40;
    /// The RSV2 bit in [`Header::rsv`].
    pub const RSV2: u8 = 0x20;
    /// The RSV3 bit in [`Header::rsv`].
    pub const RSV3: u8 = 0x10;

    /// A header for a frame with no RSV bits.
    #[must_use]
    pub const fn new(
        opcode: Opcode,
        fragment: Fragment,
        mask: Option<[u8; 4]>,
        payload_len: u64,
    ) -> Self {
        Header {
            fin: fragment.is_last(),
            rsv: 0,
            opcode,
            mask,
            payload_len,
        }
    }

    /// Parses a header from the start of `buf`, returning it and its length
    /// in bytes (2 to 14).
    ///
    /// # Errors
    ///
    /// A [`ProtocolError`] with close code 1002 for a reserved opcode, a
    /// fragmented or over-long control frame, a non-minimal length encoding,
    /// or a 64-bit length with its most significant bit set.
    #[inline]
    pub fn parse(buf: &[u8]) -> Result<Status<(Header, usize)>, ProtocolError> {
        let [b0, b1, rest @ ..] = buf else {
            return Ok(Status::Partial);
        };
        let opcode = Opcode::try_from(b0 & OPCODE_MASK)?;
        let fin = b0 & FIN != 0;
        let masked = b1 & MASK_BIT != 0;
        let len7 = b1 & LEN_MASK;
        if opcode.is_control() {
            // §5.5: "All control frames MUST have a payload length of 125
            // bytes or less and MUST NOT be fragmented."
            if len7 > 125 {
                return Err(ProtocolError::ControlFrameTooLong);
            }
            if !fin {
                return Err(ProtocolError::FragmentedControlFrame);
            }
        }
        let ext_len = match len7 {
            LEN_16 => 2,
            LEN_64 => 8,
            _ => 0,
        };
        let mask_len = if masked { 4 } else { 0 };
        if rest.len() < ext_len + mask_len {
            // Fail fast on what is already visible: a bad 16-bit or 64-bit
            // length is reported as soon as its bytes are here.
            if rest.len() >= ext_len {
                check_len(len7, &rest[..ext_len])?;
            }
            return Ok(Status::Partial);
        }
        let payload_len = check_len(len7, &rest[..ext_len])?;
        let mask = if masked {
            let k = &rest[ext_len..ext_len + 4];
            Some([k[0], k[1], k[2], k[3]])
        } else {
            None
        };
        let header = Header {
            fin,
            rsv: b0 & RSV_MASK,
            opcode,
            mask,
            payload_len,
        };
        Ok(Status::Complete((header, 2 + ext_len + mask_len)))
    }

    /// The header at the start of `buf` if it is all there and passes
    /// [`parse`](Self::parse)'s checks; `None` if it is incomplete or breaks
    /// a rule (the [`FrameDecoder`] then says which).
    ///
    /// For the whole-frame path: the common header of a payload under 126
    /// bytes is read here inline, anything longer by `parse`. It returns
    /// `Some` exactly when `parse` returns it complete (a test checks every
    /// first two bytes).
    #[inline(always)]
    pub(crate) fn parse_complete(buf: &[u8]) -> Option<(Header, usize)> {
        let [b0, b1, ref rest @ ..] = *buf else {
            return None;
        };
        let len7 = b1 & LEN_MASK;
        if len7 >= LEN_16 {
            return match Header::parse(buf) {
                Ok(Status::Complete(parsed)) => Some(parsed),
                _ => None,
            };
        }
        // §5.5: control frames "MUST NOT be fragmented" (and a 7-bit length
        // below 126 is within their 125-byte limit). Tested on the raw bits,
        // before the opcode is known: it is one test on the hottest path.
        if b0 & (FIN | CONTROL_BIT) == CONTROL_BIT {
            return None;
        }
        let opcode = Opcode::try_from(b0 & OPCODE_MASK).ok()?;
        let (mask, header_len) = if b1 & MASK_BIT != 0 {
            let [k0, k1, k2, k3, ..] = *rest else {
                return None;
            };
            (Some([k0, k1, k2, k3]), 6)
        } else {
            (None, 2)
        };
        let header = Header {
            fin: b0 & FIN != 0,
            rsv: b0 & RSV_MASK,
            opcode,
            mask,
            payload_len: u64::from(len7),
        };
        Some((header, header_len))
    }

    /// How many bytes [`encode`](Self::encode) writes (2 to 14).
    #[must_use]
    #[inline(always)]
    pub const fn encoded_len(&self) -> usize {
        let ext = if self.payload_len <= 125 {
            0
        } else if self.payload_len <= 0xffff {
            2
        } else {
            8
        };
        2 + ext + if self.mask.is_some() { 4 } else { 0 }
    }

    /// Writes the header into the start of `out` in the shortest length
    /// encoding, returning the number of bytes written.
    ///
    /// # Errors
    ///
    /// [`BufferTooSmall`](crate::BufferTooSmall) if `out` is shorter than
    /// [`encoded_len`](Self::encoded_len); nothing is written.
    // Always inlined: out of line it was a third of the time of encoding a
    // 16-byte message (the encoder's loop, one codegen unit, thin LTO).
    #[inline(always)]
    pub fn encode(&self, out: &mut [u8]) -> Result<usize, crate::BufferTooSmall> {
        let len = self.encoded_len();
        let Some(out) = out.get_mut(..len) else {
            return Err(crate::BufferTooSmall { required: len });
        };
        out[0] = (if self.fin { FIN } else { 0 }) | (self.rsv & RSV_MASK) | self.opcode.as_u8();
        let mask_bit = if self.mask.is_some() { MASK_BIT } else { 0 };
        let mut at = 2;
        if let Ok(len7 @ 0..=125) = u8::try_from(self.payload_len) {
            out[1] = mask_bit | len7;
        } else if let Ok(short) = u16::try_from(self.payload_len) {
            out[1] = mask_bit | LEN_16;
            out[2..4].copy_from_slice(&short.to_be_bytes());
            at = 4;
        } else {
            out[1] = mask_bit | LEN_64;
            out[2..10].copy_from_slice(&self.payload_len.to_be_bytes());
            at = 10;
        }
        if let Some(key) = self.mask {
            out[at..at + 4].copy_from_slice(&key);
        }
        Ok(len)
    }
}

/// The wire length of a payload held in memory. `usize` has at most 64 bits
/// on every target Rust supports, so the fallback (a length the encoder
/// refuses as too long) is never taken; and a slice holds at most
/// `isize::MAX` bytes, within the 63 bits §5.2 allows.
#[inline]
pub(crate) fn payload_len_of(len: usize) -> u64 {
    u64::try_from(len).unwrap_or(u64::MAX)
}

/// Reads an extended payload length and checks its encoding (§5.2).
fn check_len(len7: u8, ext: &[u8]) -> Result<u64, ProtocolError> {
    match *ext {
        [] => Ok(u64::from(len7)),
        [a, b] => {
            let len = u16::from_be_bytes([a, b]);
            // §5.2: "the minimal number of bytes MUST be used to encode the
            // length" — a 16-bit length below 126 is not minimal.
            if len < 126 {
                return Err(ProtocolError::NonMinimalLength);
            }
            Ok(u64::from(len))
        }
        [a, b, c, d, e, f, g, h] => {
            let len = u64::from_be_bytes([a, b, c, d, e, f, g, h]);
            // §5.2: "the most significant bit MUST be 0".
            if len >> 63 != 0 {
                return Err(ProtocolError::LengthOverflow);
            }
            // §5.2: minimal encoding — a 64-bit length must not fit in 16 bits.
            if len <= 0xffff {
                return Err(ProtocolError::NonMinimalLength);
            }
            Ok(len)
        }
        _ => Ok(0), // unreachable: callers pass 0, 2 or 8 bytes
    }
}

#[cfg(test)]
mod tests;
