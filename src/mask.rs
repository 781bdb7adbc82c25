//! XOR masking of payload data (RFC 6455 §5.3).
//!
//! Masking is its own inverse: the same call masks and unmasks. It can resume
//! at any offset, so a payload that arrives in pieces is unmasked piece by
//! piece with the offset of each piece within the frame's payload.

/// The longest payload [`move_masked`] moves in one fixed-size block.
const BLOCK: usize = 64;

/// XORs `buf` with the masking `key`, as the bytes at position `offset` (and
/// onwards) of a frame's payload.
///
/// Masking `payload[a..b]` with `offset = a` gives the same bytes as masking
/// the whole payload at once and taking `[a..b]`.
///
/// # Examples
///
/// ```
/// use rfc6455::apply_mask;
///
/// // RFC 6455 §5.7: a masked "Hello" with key 37 fa 21 3d.
/// let key = [0x37, 0xfa, 0x21, 0x3d];
/// let mut data = *b"\x7f\x9f\x4d\x51\x58";
/// let (head, tail) = data.split_at_mut(2);
/// apply_mask(head, key, 0);
/// apply_mask(tail, key, 2);
/// assert_eq!(&data, b"Hello");
/// ```
#[inline]
pub fn apply_mask(buf: &mut [u8], key: [u8; 4], offset: usize) {
    crate::simd::xor_words(buf, key_word(rotate(key, offset)));
}

/// Copies `src` into `dst` (of the same length) while masking it with `key`
/// from payload offset 0, in one pass.
#[inline]
pub(crate) fn copy_masked(dst: &mut [u8], src: &[u8], key: [u8; 4]) {
    crate::simd::copy_xor_words(dst, src, key_word(key));
}

/// The key twice over, as one 8-byte word.
#[inline]
const fn key_word(key: [u8; 4]) -> u64 {
    // The same 4 bytes in both halves, whatever the byte order.
    let half = u32::from_ne_bytes(key) as u64;
    half | (half << 32)
}

/// [`apply_mask`] from payload offset 0, also telling whether the unmasked
/// bytes are all ASCII (and so valid UTF-8), in the same pass.
///
/// Always inlined: its one caller is the whole-frame path, for short text,
/// where a call's entry and exit cost about 7% of a 16-byte message
/// (BENCHMARKS.md, W1).
#[inline(always)]
pub(crate) fn apply_mask_ascii(buf: &mut [u8], key: [u8; 4]) -> bool {
    let word = key_word(key);
    let mut seen = 0u64;
    let mut words = buf.chunks_exact_mut(8);
    for chunk in &mut words {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(chunk);
        let plain = u64::from_ne_bytes(bytes) ^ word;
        seen |= plain;
        chunk.copy_from_slice(&plain.to_ne_bytes());
    }
    let mut high = 0u8;
    for (b, k) in words.into_remainder().iter_mut().zip(key.iter().cycle()) {
        *b ^= *k;
        high |= *b;
    }
    seen & 0x8080_8080_8080_8080 == 0 && high < 0x80
}

/// Moves `len` payload bytes from `from` down to `to` within `buf` (`to <
/// from`; the ranges may overlap), unmasking them with `key` from payload
/// offset 0 on the way.
///
/// Bytes between `to + len` and `from + len` (the gap and the source) may be
/// overwritten: the caller holds nothing there. Bytes outside `to..from +
/// len` are untouched.
pub(crate) fn move_masked(buf: &mut [u8], from: usize, to: usize, len: usize, key: [u8; 4]) {
    debug_assert!(to < from && from + len <= buf.len());
    let gap = from - to;
    let word = key_word(key);
    if len <= BLOCK && from + BLOCK <= buf.len() && to + BLOCK <= from + len {
        // A short payload in one fixed-size block through the stack: the
        // bytes written past `to + len` land inside the source payload,
        // which is dead once moved.
        let mut block = [0u8; BLOCK];
        block.copy_from_slice(&buf[from..from + BLOCK]);
        crate::simd::xor_words(&mut block, word);
        buf[to..to + BLOCK].copy_from_slice(&block);
        return;
    }
    if gap < BLOCK && gap < len {
        // Close overlap: unmask in place, then one `memmove`.
        apply_mask(&mut buf[from..from + len], key, 0);
        buf.copy_within(from..from + len, to);
        return;
    }
    // In pieces no longer than the gap, so no piece overlaps its own
    // destination, each a multiple of 8 long so the key word lines up.
    let piece = if gap >= len { len } else { gap & !7 };
    let mut done = 0;
    while done < len {
        let n = piece.min(len - done);
        let (low, high) = buf.split_at_mut(from + done);
        crate::simd::copy_xor_words(&mut low[to + done..to + done + n], &high[..n], word);
        done += n;
    }
}

/// The key as seen from `offset` bytes into the payload.
#[inline]
const fn rotate(key: [u8; 4], offset: usize) -> [u8; 4] {
    let s = offset % 4;
    [key[s], key[(s + 1) % 4], key[(s + 2) % 4], key[(s + 3) % 4]]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference(buf: &mut [u8], key: [u8; 4], offset: usize) {
        for (i, b) in buf.iter_mut().enumerate() {
            *b ^= key[(offset + i) % 4];
        }
    }

    fn pattern(len: usize) -> ([u8; 512], usize) {
        let mut data = [0u8; 512];
        for (i, b) in data.iter_mut().enumerate() {
            *b = (i as u8).wrapping_mul(31).wrapping_add(7);
        }
        (data, len)
    }

    /// Every length 0..=300; under Miri, which interprets every instruction,
    /// the short ones and those around the 64-byte blocks.
    fn lengths() -> impl Iterator<Item = usize> {
        let miri = [0, 1, 3, 4, 5, 63, 64, 65, 127, 128, 129, 200, 300];
        let all = if cfg!(miri) { 0..0 } else { 0..301 };
        all.chain(miri.into_iter().filter(|_| cfg!(miri)))
    }

    #[test]
    fn matches_bytewise_reference_for_every_offset_and_length() {
        let key = [0x12, 0x34, 0x56, 0x78];
        for len in lengths() {
            for offset in 0..8 {
                let (mut fast, len) = pattern(len);
                let mut slow = fast;
                apply_mask(&mut fast[..len], key, offset);
                reference(&mut slow[..len], key, offset);
                assert_eq!(fast[..len], slow[..len], "len {len} offset {offset}");
                // Only the given slice is touched.
                assert_eq!(fast[len..], slow[len..]);
            }
        }
    }

    #[test]
    fn resumes_at_any_split() {
        let key = [0xde, 0xad, 0xbe, 0xef];
        let (whole, _) = pattern(0);
        let mut once = whole;
        apply_mask(&mut once[..300], key, 0);
        for a in (0..=300).step_by(if cfg!(miri) { 23 } else { 1 }) {
            for b in [a, (a + 1).min(300), (a + 67).min(300), 300] {
                let mut pieces = whole;
                apply_mask(&mut pieces[..a], key, 0);
                apply_mask(&mut pieces[a..b], key, a);
                apply_mask(&mut pieces[b..300], key, b);
                assert_eq!(pieces[..300], once[..300], "split {a} {b}");
            }
        }
    }

    #[test]
    fn copy_masked_matches_copy_then_mask() {
        let key = [0x01, 0x80, 0x7f, 0xfe];
        for len in lengths() {
            let (src, len) = pattern(len);
            let mut expected = src;
            apply_mask(&mut expected[..len], key, 0);
            let mut dst = [0xaau8; 512];
            copy_masked(&mut dst[..len], &src[..len], key);
            assert_eq!(dst[..len], expected[..len], "len {len}");
            assert!(dst[len..].iter().all(|&b| b == 0xaa));
        }
    }

    #[test]
    fn move_masked_matches_mask_then_move_for_every_gap_and_length() {
        let key = [0x9a, 0x01, 0xff, 0x5c];
        let lens = if cfg!(miri) { 0..=20 } else { 0..=150 };
        for len in lens {
            for gap in 1..=len + 9 {
                let mut buf = [0u8; 400];
                for (i, b) in buf.iter_mut().enumerate() {
                    *b = (i * 7 + 3) as u8;
                }
                let (to, from) = (5, 5 + gap);
                let mut want = buf;
                apply_mask(&mut want[from..from + len], key, 0);
                want.copy_within(from..from + len, to);
                move_masked(&mut buf, from, to, len, key);
                assert_eq!(buf[to..to + len], want[to..to + len], "len {len} gap {gap}");
                assert_eq!(buf[..to], want[..to]);
                assert_eq!(buf[from + len..], want[from + len..], "len {len} gap {gap}");
            }
        }
    }

    #[test]
    fn apply_mask_ascii_masks_and_finds_any_high_byte() {
        let key = [0x37, 0xfa, 0x21, 0x3d];
        for len in 0..=40 {
            for high_at in (0..len).map(Some).chain([None]) {
                let mut plain = [b'a'; 40];
                if let Some(at) = high_at {
                    plain[at] = 0xc3;
                }
                let mut buf = plain;
                apply_mask(&mut buf[..len], key, 0);
                let ascii = apply_mask_ascii(&mut buf[..len], key);
                assert_eq!(buf[..len], plain[..len]);
                assert_eq!(ascii, high_at.is_none(), "len {len} high at {high_at:?}");
            }
        }
    }

    #[test]
    fn move_masked_of_long_payloads_matches_mask_then_move() {
        let key = [0x10, 0x20, 0x30, 0x47];
        for (len, gap) in [
            (300, 64),
            (1000, 100),
            (1000, 257),
            (2000, 7),
            (700, 700),
            (333, 65),
        ] {
            let mut buf = [0u8; 4096];
            for (i, b) in buf.iter_mut().enumerate() {
                *b = (i * 13 + 1) as u8;
            }
            let (to, from) = (3, 3 + gap);
            let mut want = buf;
            apply_mask(&mut want[from..from + len], key, 0);
            want.copy_within(from..from + len, to);
            move_masked(&mut buf, from, to, len, key);
            assert_eq!(buf[to..to + len], want[to..to + len], "len {len} gap {gap}");
            assert_eq!(buf[from + len..], want[from + len..], "len {len} gap {gap}");
        }
    }

    #[test]
    fn rfc_example_and_involution() {
        let key = [0x37, 0xfa, 0x21, 0x3d];
        let mut hello = *b"Hello";
        apply_mask(&mut hello, key, 0);
        assert_eq!(hello, [0x7f, 0x9f, 0x4d, 0x51, 0x58]);
        apply_mask(&mut hello, key, 0);
        assert_eq!(&hello, b"Hello");
    }
}
