//! One direction's DEFLATE state on zlib-rs, and the RFC 7692 §7.2 framing
//! of a message: a sync flush per fragment, its `00 00 ff ff` cut from the
//! end of the message by the sender and put back by the receiver.

use rfc6455::{ExtensionError, Transformed};
use zlib_rs::{DeflateFlush, InflateError, InflateFlush, Status};

use crate::params::MAX_WINDOW_BITS;

/// What a sync flush ends with, and what §7.2.2 has the receiver append.
pub(crate) const TAIL: [u8; 4] = [0x00, 0x00, 0xff, 0xff];

/// §7.2.3.6: an empty stored block without the tail, "the single octet
/// 0x00", is a complete compressed empty message.
const EMPTY_BLOCK: u8 = 0x00;

/// zlib-rs (like zlib since 1.2.9) refuses a raw 8-bit window and
/// compresses with 9 bits where 8 is asked. That stays within a 256-byte
/// window: a compressor never matches further back than `2^bits - 262`
/// bytes (`MAX_DIST`, room for the longest match and lookahead), 250 for 9
/// bits. The test `window_8_streams_fit_an_8_bit_inflater` checks it.
const MIN_COMPRESS_BITS: u8 = 9;

/// The bytes one call of [`Compressor::compress`] may write for `len` bytes
/// of input: zlib's conservative bound for any level (stored blocks
/// included), the sync flush's empty block (at most 5 bytes), and slack.
pub(crate) fn max_compressed_len(len: usize) -> usize {
    let conservative = len
        .saturating_add(len.saturating_add(7) >> 3)
        .saturating_add(len.saturating_add(63) >> 6)
        .saturating_add(5);
    conservative
        .max(zlib_rs::compress_bound(len))
        .saturating_add(16)
}

/// A compressor for one direction: a raw deflate stream kept across
/// messages unless the context is reset.
pub(crate) struct Compressor {
    stream: zlib_rs::Deflate,
}

impl Compressor {
    /// Allocates a compressor (see the memory table in the crate docs).
    pub(crate) fn new(level: u8, mem_level: u8, window_bits: u8) -> Self {
        let config = zlib_rs::DeflateConfig {
            level: i32::from(level),
            method: zlib_rs::Method::Deflated,
            // Negative: raw deflate, no zlib header (§7.2.1).
            window_bits: -i32::from(window_bits.max(MIN_COMPRESS_BITS)),
            mem_level: i32::from(mem_level),
            strategy: zlib_rs::Strategy::Default,
        };
        Compressor {
            stream: zlib_rs::Deflate::new_with_config(config),
        }
    }

    /// Empties the window, keeping the allocation.
    pub(crate) fn reset(&mut self) {
        self.stream.reset();
    }

    /// Compresses all of `input` into `out` and flushes (sync flush, so the
    /// output ends with [`TAIL`] at a byte boundary); returns the bytes
    /// written.
    pub(crate) fn compress(
        &mut self,
        input: &[u8],
        out: &mut [u8],
    ) -> Result<usize, ExtensionError> {
        let (in_before, out_before) = (self.stream.total_in(), self.stream.total_out());
        let status = self
            .stream
            .compress(input, out, DeflateFlush::SyncFlush)
            .map_err(|_| ExtensionError::new("deflate failed"))?;
        let read = self.stream.total_in() - in_before;
        let written = usize::try_from(self.stream.total_out() - out_before)
            .map_err(|_| ExtensionError::new("deflate failed"))?;
        // zlib: a flush is complete only if output room was left over.
        let complete = status == Status::Ok && written < out.len();
        if read != input.len() as u64 || !complete {
            return Err(ExtensionError::new("deflate output buffer too small"));
        }
        Ok(written)
    }
}

/// Writes the compressed form of an empty last fragment.
pub(crate) fn empty_message(out: &mut [u8]) -> Result<usize, ExtensionError> {
    let first = out
        .first_mut()
        .ok_or(ExtensionError::new("deflate output buffer too small"))?;
    *first = EMPTY_BLOCK;
    Ok(1)
}

/// A decompressor for one direction, with where it stands in the message
/// being inflated.
pub(crate) struct Decompressor {
    stream: zlib_rs::Inflate,
    /// Bytes of [`TAIL`] fed after the message's last byte.
    tail: usize,
    /// The peer ended the DEFLATE stream (a block with BFINAL set, which
    /// §7.2.3.4 allows): the rest of the message is ignored, and the next
    /// message starts a new stream.
    ended: bool,
}

/// The end of a message, as [`Decompressor::decompress`] reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum End {
    /// The message is not complete yet.
    No,
    /// The message is complete; the stream goes on.
    Flushed,
    /// The message is complete and ended the DEFLATE stream (BFINAL): the
    /// decompressor cannot go on.
    Final,
}

impl Decompressor {
    /// Allocates a decompressor, always with a 32 KiB window, whatever the
    /// peer's window: zlib-rs allocates that much anyway, and zlib's check
    /// of a match that reaches too far back counts the output of the
    /// current call as window, so with a smaller window the same bad
    /// stream would fail or not depending on the output buffer's size.
    /// With 32 KiB (the longest distance DEFLATE can express) the verdict
    /// depends on the bytes alone; a peer that compresses with a larger
    /// window than agreed is read, not refused.
    pub(crate) fn new() -> Self {
        Decompressor {
            stream: zlib_rs::Inflate::new(false, MAX_WINDOW_BITS),
            tail: 0,
            ended: false,
        }
    }

    /// One step of inflating a message (see `Extension::decode`): writes at
    /// most `out.len()` bytes.
    pub(crate) fn decompress(
        &mut self,
        input: &[u8],
        last: bool,
        out: &mut [u8],
    ) -> Result<(Transformed, End), ExtensionError> {
        if self.ended {
            // After the final block nothing more is decoded (§7.2.3.4's
            // example follows it with one byte, plus the tail).
            let end = if last { End::Final } else { End::No };
            let step = Transformed {
                read: input.len(),
                written: 0,
                done: last,
            };
            return Ok((step, end));
        }
        let (read, written, status) = self.inflate(input, out)?;
        if status == Status::StreamEnd {
            self.ended = true;
            let step = Transformed {
                read: input.len(),
                written,
                done: last,
            };
            return Ok((step, if last { End::Final } else { End::No }));
        }
        if read < input.len() || !last {
            let step = Transformed {
                read,
                written,
                done: false,
            };
            return Ok((step, End::No));
        }
        // §7.2.2: "Append 4 octets of 0x00 0x00 0xff 0xff to the tail end
        // of the payload of the message", then decompress.
        let room = &mut out[written..];
        let (tail_read, tail_written, status) = self.inflate(&TAIL[self.tail..], room)?;
        self.tail += tail_read;
        let written = written + tail_written;
        // Everything is out once all the input is in and room is left.
        let done = status == Status::StreamEnd || (self.tail == TAIL.len() && written < out.len());
        let end = match (done, status) {
            (false, _) => End::No,
            (true, Status::StreamEnd) => End::Final,
            (true, _) => End::Flushed,
        };
        if done {
            self.tail = 0;
        }
        let step = Transformed {
            read,
            written,
            done,
        };
        Ok((step, end))
    }

    /// Inflates what fits; returns the bytes read and written.
    fn inflate(
        &mut self,
        input: &[u8],
        out: &mut [u8],
    ) -> Result<(usize, usize, Status), ExtensionError> {
        let (in_before, out_before) = (self.stream.total_in(), self.stream.total_out());
        let status = self
            .stream
            .decompress(input, out, InflateFlush::SyncFlush)
            .map_err(|e| match e {
                InflateError::DataError => ExtensionError::new("invalid deflate data"),
                InflateError::NeedDict { .. } => {
                    ExtensionError::new("deflate data needs a dictionary")
                }
                InflateError::StreamError | InflateError::MemError => {
                    ExtensionError::new("inflate failed")
                }
            })?;
        let read = usize::try_from(self.stream.total_in() - in_before);
        let written = usize::try_from(self.stream.total_out() - out_before);
        match (read, written) {
            (Ok(read), Ok(written)) => Ok((read, written, status)),
            _ => Err(ExtensionError::new("inflate failed")),
        }
    }
}
