//! The crate's only `unsafe`: AVX2 code paths chosen at run time, and
//! turning bytes the UTF-8 validator accepted into `&str` without checking
//! them a second time.
//!
//! - **UTF-8 validation** uses the "lookup" algorithm of Keiser and Lemire,
//!   *Validating UTF-8 In Less Than One Instruction Per Byte* (Software:
//!   Practice and Experience, 2021): three 16-entry table lookups classify
//!   every pair of adjacent bytes, and one saturating subtraction finds the
//!   bytes that must be the third or fourth of a character. Only a yes/no
//!   answer comes from here. Where the answer is no, callers ask `core` for
//!   the details (where the error is, whether the input merely ends inside a
//!   character), so errors are always described by the standard library's
//!   own rules.
//! - **Masking** runs the portable word loops (kept here, below; [`crate::mask`]
//!   only calls down into them) compiled a second time with AVX2 enabled,
//!   which doubles their speed on data in the cache.
//!
//! AVX2 is chosen at run time where `std` can ask the CPU, or at compile
//! time when the build enables it. Everything else (other targets, CPUs
//! without AVX2, inputs shorter than a vector block, Miri without AVX2) uses
//! `core::str::from_utf8` and the portable loops.

#![allow(unsafe_code)]

/// Whether `bytes` is valid UTF-8 that ends between characters.
#[inline]
pub(crate) fn is_valid(bytes: &[u8]) -> bool {
    #[cfg(target_arch = "x86_64")]
    if bytes.len() >= avx2::MIN_LEN && avx2::available() {
        // SAFETY: `available` checked that the CPU supports AVX2.
        return unsafe { avx2::is_valid(bytes) };
    }
    bytes.is_ascii() || core::str::from_utf8(bytes).is_ok()
}

/// `bytes` as `&str`, for bytes that this crate's validation accepted.
///
/// Every caller passes bytes that went, unchanged and whole characters only,
/// through [`is_valid`] or [`crate::Utf8Validator`] (which itself only
/// accepts what [`is_valid`] or `core::str::from_utf8` accept). Debug builds,
/// and so every fuzzing run, check that again.
#[inline]
pub(crate) fn str_from_validated(bytes: &[u8]) -> &str {
    debug_assert!(core::str::from_utf8(bytes).is_ok(), "{bytes:x?}");
    // SAFETY: the bytes were validated as UTF-8 ending on a character
    // boundary (the callers' contract above), and have not changed since.
    unsafe { core::str::from_utf8_unchecked(bytes) }
}

/// Masking below this length is not worth the feature check.
#[cfg(target_arch = "x86_64")]
const MASK_MIN_LEN: usize = 256;

/// XORs `buf` with `word`'s bytes repeated, with AVX2 where the CPU has it.
#[inline]
pub(crate) fn xor_words(buf: &mut [u8], word: u64) {
    #[cfg(target_arch = "x86_64")]
    if buf.len() >= MASK_MIN_LEN && avx2::available() {
        // SAFETY: `available` checked that the CPU supports AVX2.
        unsafe { avx2::xor_words(buf, word) };
        return;
    }
    portable::xor_words(buf, word);
}

/// Copies `src` into `dst` (the same length) XORed with `word`'s bytes
/// repeated, with AVX2 where the CPU has it.
#[inline]
pub(crate) fn copy_xor_words(dst: &mut [u8], src: &[u8], word: u64) {
    #[cfg(target_arch = "x86_64")]
    if dst.len() >= MASK_MIN_LEN && avx2::available() {
        // SAFETY: `available` checked that the CPU supports AVX2.
        unsafe { avx2::copy_xor_words(dst, src, word) };
        return;
    }
    portable::copy_xor_words(dst, src, word);
}

/// The portable masking loops: the only ones on most targets, and compiled
/// a second time with AVX2 in `avx2`.
mod portable {
    /// How many bytes the wide loop handles per step.
    const BLOCK: usize = 64;

    /// XORs `buf` with `word`'s bytes repeated. Fixed-size inner loops let the
    /// compiler use vector XORs on any target without `unsafe` (and `avx2`
    /// compiles this again with AVX2).
    #[inline(always)]
    pub(super) fn xor_words(buf: &mut [u8], word: u64) {
        let mut blocks = buf.chunks_exact_mut(BLOCK);
        for block in &mut blocks {
            for chunk in block.chunks_exact_mut(8) {
                let mut bytes = [0u8; 8];
                bytes.copy_from_slice(chunk);
                chunk.copy_from_slice(&(u64::from_ne_bytes(bytes) ^ word).to_ne_bytes());
            }
        }
        // The remainder starts at a multiple of 8, so the word still lines up.
        let mut words = blocks.into_remainder().chunks_exact_mut(8);
        for chunk in &mut words {
            let mut bytes = [0u8; 8];
            bytes.copy_from_slice(chunk);
            chunk.copy_from_slice(&(u64::from_ne_bytes(bytes) ^ word).to_ne_bytes());
        }
        let tail = words.into_remainder();
        for (b, k) in tail.iter_mut().zip(word.to_ne_bytes()) {
            *b ^= k;
        }
    }

    /// Copies `src` into `dst` (the same length) XORed with `word`'s bytes
    /// repeated.
    #[inline(always)]
    pub(super) fn copy_xor_words(dst: &mut [u8], src: &[u8], word: u64) {
        let mut dst_blocks = dst.chunks_exact_mut(BLOCK);
        let mut src_blocks = src.chunks_exact(BLOCK);
        for (d, s) in (&mut dst_blocks).zip(&mut src_blocks) {
            for (d, s) in d.chunks_exact_mut(8).zip(s.chunks_exact(8)) {
                let mut bytes = [0u8; 8];
                bytes.copy_from_slice(s);
                d.copy_from_slice(&(u64::from_ne_bytes(bytes) ^ word).to_ne_bytes());
            }
        }
        let mut dst_words = dst_blocks.into_remainder().chunks_exact_mut(8);
        let mut src_words = src_blocks.remainder().chunks_exact(8);
        for (d, s) in (&mut dst_words).zip(&mut src_words) {
            let mut bytes = [0u8; 8];
            bytes.copy_from_slice(s);
            d.copy_from_slice(&(u64::from_ne_bytes(bytes) ^ word).to_ne_bytes());
        }
        let tail = dst_words.into_remainder().iter_mut();
        for ((d, s), k) in tail.zip(src_words.remainder()).zip(word.to_ne_bytes()) {
            *d = *s ^ k;
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use core::arch::x86_64::*;

    /// Below this, `core`'s validator (word-at-a-time for ASCII) wins.
    pub(super) const MIN_LEN: usize = 32;

    /// The portable masking loop, compiled with AVX2.
    ///
    /// # Safety
    ///
    /// The CPU must support AVX2.
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn xor_words(buf: &mut [u8], word: u64) {
        super::portable::xor_words(buf, word);
    }

    /// The portable masked copy, compiled with AVX2.
    ///
    /// # Safety
    ///
    /// The CPU must support AVX2.
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn copy_xor_words(dst: &mut [u8], src: &[u8], word: u64) {
        super::portable::copy_xor_words(dst, src, word);
    }

    /// Whether the CPU has AVX2.
    #[inline]
    pub(super) fn available() -> bool {
        #[cfg(target_feature = "avx2")]
        return true;
        #[cfg(all(not(target_feature = "avx2"), feature = "std"))]
        return std::is_x86_feature_detected!("avx2");
        #[cfg(all(not(target_feature = "avx2"), not(feature = "std")))]
        return false;
    }

    // Error classes of a pair of bytes (the byte before, and this byte).
    const TOO_SHORT: u8 = 1 << 0; // lead byte then no continuation
    const TOO_LONG: u8 = 1 << 1; // ASCII then a continuation
    const OVERLONG_3: u8 = 1 << 2; // e0 then 80..9f
    const TOO_LARGE: u8 = 1 << 3; // above U+10FFFF
    const SURROGATE: u8 = 1 << 4; // ed then a0..bf
    const OVERLONG_2: u8 = 1 << 5; // c0 or c1 as a lead
    const TOO_LARGE_1000: u8 = 1 << 6; // f5.. then 80..8f
    const OVERLONG_4: u8 = 1 << 6; // f0 then 80..8f
    const TWO_CONTS: u8 = 1 << 7; // two continuations (right only in 3- and 4-byte characters)
    const CARRY: u8 = TOO_SHORT | TOO_LONG | TWO_CONTS;

    /// Classes by the high nibble of the first byte of a pair.
    const BYTE_1_HIGH: [u8; 16] = [
        TOO_LONG,
        TOO_LONG,
        TOO_LONG,
        TOO_LONG,
        TOO_LONG,
        TOO_LONG,
        TOO_LONG,
        TOO_LONG,
        TWO_CONTS,
        TWO_CONTS,
        TWO_CONTS,
        TWO_CONTS,
        TOO_SHORT | OVERLONG_2,
        TOO_SHORT,
        TOO_SHORT | OVERLONG_3 | SURROGATE,
        TOO_SHORT | TOO_LARGE | TOO_LARGE_1000 | OVERLONG_4,
    ];

    /// Classes by the low nibble of the first byte of a pair.
    const BYTE_1_LOW: [u8; 16] = [
        CARRY | OVERLONG_3 | OVERLONG_2 | OVERLONG_4,
        CARRY | OVERLONG_2,
        CARRY,
        CARRY,
        CARRY | TOO_LARGE,
        CARRY | TOO_LARGE | TOO_LARGE_1000,
        CARRY | TOO_LARGE | TOO_LARGE_1000,
        CARRY | TOO_LARGE | TOO_LARGE_1000,
        CARRY | TOO_LARGE | TOO_LARGE_1000,
        CARRY | TOO_LARGE | TOO_LARGE_1000,
        CARRY | TOO_LARGE | TOO_LARGE_1000,
        CARRY | TOO_LARGE | TOO_LARGE_1000,
        CARRY | TOO_LARGE | TOO_LARGE_1000,
        CARRY | TOO_LARGE | TOO_LARGE_1000 | SURROGATE,
        CARRY | TOO_LARGE | TOO_LARGE_1000,
        CARRY | TOO_LARGE | TOO_LARGE_1000,
    ];

    /// Classes by the high nibble of the second byte of a pair.
    const BYTE_2_HIGH: [u8; 16] = [
        TOO_SHORT,
        TOO_SHORT,
        TOO_SHORT,
        TOO_SHORT,
        TOO_SHORT,
        TOO_SHORT,
        TOO_SHORT,
        TOO_SHORT,
        TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE_1000 | OVERLONG_4,
        TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE,
        TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE,
        TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE,
        TOO_SHORT,
        TOO_SHORT,
        TOO_SHORT,
        TOO_SHORT,
    ];

    /// The highest byte allowed in each of the last three positions of a
    /// block that ends between characters (0xff elsewhere).
    const LAST_MAX: [u8; 32] = {
        let mut m = [0xff; 32];
        m[29] = 0xf0 - 1;
        m[30] = 0xe0 - 1;
        m[31] = 0xc0 - 1;
        m
    };

    /// Validates `bytes` (at least [`MIN_LEN`] long) with AVX2.
    ///
    /// # Safety
    ///
    /// The CPU must support AVX2.
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn is_valid(bytes: &[u8]) -> bool {
        let t = Tables {
            byte_1_high: table(&BYTE_1_HIGH),
            byte_1_low: table(&BYTE_1_LOW),
            byte_2_high: table(&BYTE_2_HIGH),
            // SAFETY: `LAST_MAX` is 32 readable bytes.
            last_max: unsafe { _mm256_loadu_si256(LAST_MAX.as_ptr().cast()) },
        };
        let mut error = _mm256_setzero_si256();
        let mut prev = _mm256_setzero_si256();
        let mut prev_incomplete = _mm256_setzero_si256();
        let mut blocks = bytes.chunks_exact(64);
        for block in &mut blocks {
            // SAFETY: `block` is 64 readable bytes.
            let (a, b) = unsafe {
                (
                    _mm256_loadu_si256(block.as_ptr().cast()),
                    _mm256_loadu_si256(block.as_ptr().add(32).cast()),
                )
            };
            if _mm256_movemask_epi8(_mm256_or_si256(a, b)) == 0 {
                // All ASCII: only an unfinished character before it is wrong.
                error = _mm256_or_si256(error, prev_incomplete);
                continue;
            }
            error = _mm256_or_si256(error, check_block(&t, a, prev));
            error = _mm256_or_si256(error, check_block(&t, b, a));
            prev_incomplete = _mm256_subs_epu8(b, t.last_max);
            prev = b;
        }
        let rest = blocks.remainder();
        if rest.is_empty() {
            error = _mm256_or_si256(error, prev_incomplete);
        } else {
            // The tail, padded with ASCII zeros: a character cut short by the
            // end is "too short" against the padding.
            let mut padded = [0u8; 64];
            padded[..rest.len()].copy_from_slice(rest);
            // SAFETY: `padded` is 64 readable bytes.
            let (a, b) = unsafe {
                (
                    _mm256_loadu_si256(padded.as_ptr().cast()),
                    _mm256_loadu_si256(padded.as_ptr().add(32).cast()),
                )
            };
            error = _mm256_or_si256(error, check_block(&t, a, prev));
            error = _mm256_or_si256(error, check_block(&t, b, a));
        }
        _mm256_testz_si256(error, error) == 1
    }

    struct Tables {
        byte_1_high: __m256i,
        byte_1_low: __m256i,
        byte_2_high: __m256i,
        last_max: __m256i,
    }

    /// A 16-entry table in both 128-bit lanes, for `_mm256_shuffle_epi8`.
    #[inline]
    #[target_feature(enable = "avx2")]
    unsafe fn table(t: &[u8; 16]) -> __m256i {
        // SAFETY: `t` is 16 readable bytes; unaligned loads are allowed.
        let lane = unsafe { _mm_loadu_si128(t.as_ptr().cast()) };
        _mm256_broadcastsi128_si256(lane)
    }

    /// The high nibble of every byte.
    #[inline]
    #[target_feature(enable = "avx2")]
    unsafe fn high_nibbles(v: __m256i) -> __m256i {
        _mm256_and_si256(_mm256_srli_epi16::<4>(v), _mm256_set1_epi8(0x0f))
    }

    /// The error bits of one 32-byte block, given the block before it.
    #[inline]
    #[target_feature(enable = "avx2")]
    unsafe fn check_block(t: &Tables, input: __m256i, prev_input: __m256i) -> __m256i {
        let low_nibbles = _mm256_set1_epi8(0x0f);
        // The 32 bytes starting 1, 2 and 3 bytes earlier in the stream.
        let joined = _mm256_permute2x128_si256::<0x21>(prev_input, input);
        let prev1 = _mm256_alignr_epi8::<15>(input, joined);
        let prev2 = _mm256_alignr_epi8::<14>(input, joined);
        let prev3 = _mm256_alignr_epi8::<13>(input, joined);
        let special = _mm256_and_si256(
            _mm256_and_si256(
                _mm256_shuffle_epi8(t.byte_1_high, high_nibbles(prev1)),
                _mm256_shuffle_epi8(t.byte_1_low, _mm256_and_si256(prev1, low_nibbles)),
            ),
            _mm256_shuffle_epi8(t.byte_2_high, high_nibbles(input)),
        );
        // Bytes two after an e0..ff lead or three after an f0..ff lead must
        // be continuations: their 0x80 bit must match the TWO_CONTS class.
        let third = _mm256_subs_epu8(prev2, _mm256_set1_epi8((0xe0u8 - 0x80) as i8));
        let fourth = _mm256_subs_epu8(prev3, _mm256_set1_epi8((0xf0u8 - 0x80) as i8));
        let must_continue = _mm256_and_si256(
            _mm256_or_si256(third, fourth),
            _mm256_set1_epi8(0x80u8 as i8),
        );
        _mm256_xor_si256(must_continue, special)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Valid text with every width of character, long enough for the vector
    /// path, in which each broken sequence is placed at every offset.
    #[test]
    fn agrees_with_core_for_every_error_at_every_offset() {
        let text = "aé€😀 ASCII run of bytes, κόσμε, русский, 中文, 😀😀 end.".repeat(3);
        let text = text.as_bytes();
        let broken: &[&[u8]] = &[
            b"\x80",
            b"\xbf",
            b"\xc0\xaf",
            b"\xc1\xbf",
            b"\xc3",
            b"\xc3a",
            b"\xe0\x80\xaf",
            b"\xe0\x9f\xbf",
            b"\xed\xa0\x80",
            b"\xed\xbf\xbf",
            b"\xe2\x82",
            b"\xe2\x82a",
            b"\xf0\x8f\xbf\xbf",
            b"\xf4\x90\x80\x80",
            b"\xf5\x80\x80\x80",
            b"\xf0\x9f\x98",
            b"\xff",
            b"\xfe",
            b"\xc3\xa9\xa9",
            b"\xef\xbf\xbf",     // valid: U+FFFF
            b"\xf4\x8f\xbf\xbf", // valid: U+10FFFF
            b"\xed\x9f\xbf",     // valid: U+D7FF
        ];
        let step = if cfg!(miri) { 37 } else { 1 };
        let mut input = [0u8; 512];
        for bad in broken {
            for at in (0..=text.len()).step_by(step) {
                let len = text.len() + bad.len();
                input[..at].copy_from_slice(&text[..at]);
                input[at..at + bad.len()].copy_from_slice(bad);
                input[at + bad.len()..len].copy_from_slice(&text[at..]);
                let input = &input[..len];
                for end in [len, len - 1, len.min(at + bad.len()), at] {
                    let piece = &input[..end];
                    assert_eq!(
                        is_valid(piece),
                        core::str::from_utf8(piece).is_ok(),
                        "{bad:x?} at {at}, end {end}"
                    );
                }
            }
        }
    }

    #[test]
    fn agrees_with_core_on_random_bytes_of_every_length() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let pieces: &[&[u8]] = &[
            b"a",
            b"z",
            b"\xc3\xa9",
            b"\xe2\x82\xac",
            b"\xf0\x9f\x98\x80",
            b"\xed\x9f\xbf",
        ];
        let rounds = if cfg!(miri) { 4 } else { 3000 };
        for round in 0..rounds {
            let mut buf = [0u8; 300];
            let mut len = 0;
            let target = 60 + (next() % 220) as usize;
            while len + 4 <= target {
                let p = pieces[(next() % pieces.len() as u64) as usize];
                buf[len..len + p.len()].copy_from_slice(p);
                len += p.len();
            }
            let input = &mut buf[..len];
            assert!(is_valid(input), "round {round}");
            // Corrupt one byte, sometimes into ASCII, sometimes at random.
            let at = (next() % len as u64) as usize;
            input[at] = if round % 3 == 0 { b'q' } else { next() as u8 };
            assert_eq!(
                is_valid(input),
                core::str::from_utf8(input).is_ok(),
                "{input:x?}"
            );
        }
    }

    #[test]
    fn ascii_blocks_after_an_unfinished_character_are_caught() {
        let mut input = [b'a'; 200];
        for at in 0..200 - 3 {
            for lead in [0xc3u8, 0xe2, 0xf0] {
                input.fill(b'a');
                input[at] = lead;
                assert!(!is_valid(&input), "{lead:x} at {at}");
            }
        }
    }
}
