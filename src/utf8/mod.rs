//! Incremental, fail-fast UTF-8 validation (RFC 6455 §5.6, §8.1).
//!
//! A text message arrives in frames and a frame in reads; RFC 6455 §8.1 asks
//! the endpoint to fail the connection as soon as the data is known to be
//! invalid, not at the end of the message. [`Utf8Validator`] is fed each piece
//! as it arrives, carries an unfinished character (at most 3 bytes) from one
//! piece to the next, and reports an error on the piece that holds the first
//! byte that cannot begin or continue a valid sequence.

use core::fmt;

pub(crate) use crate::simd::{is_valid, str_from_validated};

/// Validation of UTF-8 failed.
///
/// `valid_up_to` counts the bytes, from the start of everything fed to the
/// validator, that form whole valid characters before the bad sequence; it
/// agrees with [`core::str::Utf8Error::valid_up_to`] on the concatenated input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Utf8Error {
    valid_up_to: u64,
}

impl Utf8Error {
    /// Bytes of whole valid characters before the error, counted from the
    /// start of the validated data.
    #[must_use]
    pub const fn valid_up_to(&self) -> u64 {
        self.valid_up_to
    }
}

impl fmt::Display for Utf8Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid UTF-8 after {} valid bytes", self.valid_up_to)
    }
}

impl core::error::Error for Utf8Error {}

/// Validates a whole byte string.
pub(crate) fn validate(bytes: &[u8]) -> Result<&str, Utf8Error> {
    core::str::from_utf8(bytes).map_err(|e| Utf8Error {
        valid_up_to: e.valid_up_to() as u64,
    })
}

/// An incremental UTF-8 validator that fails fast.
///
/// Feed it the pieces of a text in order. After each piece it knows whether
/// the data so far is valid and complete, valid but ending inside a character
/// ([`incomplete_len`](Self::incomplete_len) bytes, at most 3), or invalid.
///
/// # Examples
///
/// ```
/// use rfc6455::Utf8Validator;
///
/// let mut v = Utf8Validator::new();
/// let euro = "€".as_bytes(); // e2 82 ac
/// v.feed(&euro[..1])?;
/// assert_eq!(v.incomplete_len(), 1);
/// v.feed(&euro[1..])?;
/// assert!(v.is_complete());
///
/// // Fails on the first impossible byte, without waiting for the end.
/// let mut v = Utf8Validator::new();
/// assert!(v.feed(b"ok \xed\xa0").is_err()); // a UTF-16 surrogate
/// # Ok::<(), rfc6455::Utf8Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Utf8Validator {
    /// The bytes of an unfinished character.
    partial: [u8; 4],
    /// How many of `partial` are filled (0 when between characters).
    len: u8,
    /// The length of the unfinished character, from its first byte.
    width: u8,
    /// Bytes of whole characters validated so far.
    done: u64,
}

impl Default for Utf8Validator {
    fn default() -> Self {
        Self::new()
    }
}

impl Utf8Validator {
    /// A validator at the start of a text.
    #[must_use]
    pub const fn new() -> Self {
        Utf8Validator {
            partial: [0; 4],
            len: 0,
            width: 0,
            done: 0,
        }
    }

    /// Forgets everything fed so far, for the start of a new text.
    pub fn reset(&mut self) {
        *self = Self::new();
    }

    /// Validates the next piece of the text.
    ///
    /// # Errors
    ///
    /// [`Utf8Error`] if `input`, following what was fed before, contains a byte
    /// that cannot begin or continue a valid character. After an error the
    /// validator's state is unspecified until [`reset`](Self::reset).
    pub fn feed(&mut self, mut input: &[u8]) -> Result<(), Utf8Error> {
        if self.len > 0 {
            let start = usize::from(self.len);
            let take = (usize::from(self.width) - start).min(input.len());
            let end = start + take;
            self.partial[start..end].copy_from_slice(&input[..take]);
            match core::str::from_utf8(&self.partial[..end]) {
                Ok(_) => {
                    self.done += end as u64;
                    self.len = 0;
                    input = &input[take..];
                }
                Err(e) if e.error_len().is_none() => {
                    // Still unfinished, and `input` is used up.
                    self.len = end as u8;
                    return Ok(());
                }
                Err(_) => {
                    return Err(Utf8Error {
                        valid_up_to: self.done,
                    })
                }
            }
        }
        // Long pieces go through the vectorised check first, up to the last
        // character boundary; `core` then only sees the unfinished end (or,
        // if the check failed, the whole piece, to describe the error).
        if input.len() >= FAST_MIN_LEN {
            let whole = whole_chars_len(input);
            if is_valid(&input[..whole]) {
                self.done += whole as u64;
                input = &input[whole..];
            }
        }
        match core::str::from_utf8(input) {
            Ok(_) => {
                self.done += input.len() as u64;
                Ok(())
            }
            Err(e) => {
                let valid = e.valid_up_to();
                if e.error_len().is_some() {
                    return Err(Utf8Error {
                        valid_up_to: self.done + valid as u64,
                    });
                }
                // The input ends inside a character whose bytes so far are a
                // valid prefix (that is what `error_len() == None` promises).
                let tail = &input[valid..];
                self.partial[..tail.len()].copy_from_slice(tail);
                self.len = tail.len() as u8;
                self.width = char_width(tail[0]);
                self.done += valid as u64;
                Ok(())
            }
        }
    }

    /// How many bytes at the end of the data fed so far belong to an
    /// unfinished character (0 to 3).
    #[must_use]
    pub const fn incomplete_len(&self) -> usize {
        self.len as usize
    }

    /// Whether the data fed so far is valid and ends between characters.
    #[must_use]
    pub const fn is_complete(&self) -> bool {
        self.len == 0
    }

    /// Declares the end of the text.
    ///
    /// # Errors
    ///
    /// [`Utf8Error`] if the text ends inside a character.
    pub const fn finish(&self) -> Result<(), Utf8Error> {
        if self.len == 0 {
            Ok(())
        } else {
            Err(Utf8Error {
                valid_up_to: self.done,
            })
        }
    }
}

/// Pieces at least this long are checked by [`is_valid`] first.
const FAST_MIN_LEN: usize = 32;

/// The length of `input` without a character its last bytes begin but do not
/// finish, judged from the lead byte alone (whether the rest is valid is for
/// the validator to say).
fn whole_chars_len(input: &[u8]) -> usize {
    let len = input.len();
    for i in (len.saturating_sub(3)..len).rev() {
        match input[i] {
            0x00..=0x7f => return len,
            0x80..=0xbf => continue,
            lead => {
                return if i + usize::from(char_width(lead)) > len {
                    i
                } else {
                    len
                }
            }
        }
    }
    len
}

/// The length of a character from its first byte (only called on bytes that
/// `core` accepted as the start of an unfinished character).
const fn char_width(first: u8) -> u8 {
    match first {
        0xf0..=0xff => 4,
        0xe0..=0xef => 3,
        _ => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds `input` split at `cuts` and returns the result and the index of the
    /// piece on which the error (if any) was reported.
    fn feed_split(input: &[u8], cuts: &[usize]) -> (Result<(), Utf8Error>, usize) {
        let mut v = Utf8Validator::new();
        let mut start = 0;
        for (i, &cut) in cuts
            .iter()
            .chain(core::iter::once(&input.len()))
            .enumerate()
        {
            if let Err(e) = v.feed(&input[start..cut]) {
                return (Err(e), i);
            }
            start = cut;
        }
        (v.finish(), usize::MAX)
    }

    /// The index of the first byte at which a fail-fast validator must stop.
    fn first_bad_byte(input: &[u8]) -> Option<usize> {
        match core::str::from_utf8(input) {
            Ok(_) => None,
            Err(e) => match e.error_len() {
                None => None, // only invalid at the end (truncated)
                Some(n) => {
                    let v = e.valid_up_to();
                    // The maximal prefix is `n` bytes; the offending byte is the
                    // one after it, unless the first byte itself cannot start.
                    if core::str::from_utf8(&input[v..v + 1]).is_err()
                        && !matches!(input[v], 0xc2..=0xf4)
                    {
                        Some(v)
                    } else {
                        Some(v + n)
                    }
                }
            },
        }
    }

    fn check_all_splits(input: &[u8]) {
        let expected = core::str::from_utf8(input).map_err(|e| e.valid_up_to() as u64);
        let bad = first_bad_byte(input);
        // Under Miri one split per offset stands in for every pair.
        let pairs = if cfg!(miri) { 1 } else { usize::MAX };
        for a in 0..=input.len() {
            for b in (a..=input.len()).take(pairs) {
                let (got, piece) = feed_split(input, &[a, b]);
                assert_eq!(
                    got.map(|_| ()).map_err(|e| e.valid_up_to()),
                    expected.map(|_| ()),
                    "{input:x?} split {a} {b}"
                );
                if let Some(bad) = bad {
                    // Fail fast: reported on the piece holding the bad byte.
                    let want = if bad < a {
                        0
                    } else if bad < b {
                        1
                    } else {
                        2
                    };
                    assert_eq!(piece, want, "{input:x?} split {a} {b} bad {bad}");
                }
            }
        }
    }

    #[test]
    fn adversarial_inputs_agree_with_core_at_every_split() {
        let cases: &[&[u8]] = &[
            b"",
            b"hello",
            "κόσμε".as_bytes(),
            "€𝄞é".as_bytes(),
            b"\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80edited",
            b"\xf4\x90\x80\x80",
            b"\xf0\x8f\xbf\xbf",
            b"\xe0\x80\xaf",
            b"\xc0\xaf",
            b"\xc1\xbf",
            b"\xf5",
            b"\xff",
            b"\x80",
            b"\xbf",
            b"a\xe2\x82",
            b"\xf0\x9d\x84",
            b"\xed\x9f\xbf\xee\x80\x80",
            b"\xed\xbf\xbf",
            b"\xef\xbf\xbf\xf4\x8f\xbf\xbf",
            b"\xe2\x82\xac\x80",
            b"\xe2\x28\xa1",
            b"ab\xf0\x90\x28\xbc",
        ];
        for case in cases {
            check_all_splits(case);
        }
    }

    #[test]
    fn random_inputs_agree_with_core_at_every_split() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let alphabet: &[&[u8]] = &[
            b"a",
            b"\xc3\xa9",
            b"\xe2\x82\xac",
            b"\xf0\x9f\x98\x80",
            b"\x80",
            b"\xed\xa0",
            b"\xf4\x90",
            b"\xc0",
            b"\xe2",
            b"\xf0\x9f",
        ];
        for _ in 0..if cfg!(miri) { 8 } else { 400 } {
            let mut input = [0u8; 24];
            let mut len = 0;
            while len < 16 {
                let piece = alphabet[(next() % alphabet.len() as u64) as usize];
                // Mostly valid pieces, so errors land at varied depths.
                let piece = if next() % 4 == 0 {
                    piece
                } else {
                    alphabet[(next() % 4) as usize]
                };
                input[len..len + piece.len()].copy_from_slice(piece);
                len += piece.len();
            }
            check_all_splits(&input[..len]);
        }
    }

    #[test]
    fn long_inputs_through_the_vector_path_agree_with_core_at_every_split() {
        let text = "κόσμε aé€😀 русский 中文 — long enough for the vector check".as_bytes();
        let mut input = [0u8; 128];
        let n = text.len();
        input[..n].copy_from_slice(text);
        check_all_splits(&input[..n]);
        let step = if cfg!(miri) { 29 } else { 7 };
        for bad in [&b"\xed\xa0\x80"[..], b"\x80", b"\xf0\x9f\x98"] {
            for at in (0..n).step_by(step) {
                input[..at].copy_from_slice(&text[..at]);
                input[at..at + bad.len()].copy_from_slice(bad);
                input[at + bad.len()..n + bad.len()].copy_from_slice(&text[at..]);
                check_all_splits(&input[..n + bad.len()]);
            }
        }
    }

    #[test]
    fn byte_by_byte_reports_incomplete_lengths() {
        let text = "a€𝄞".as_bytes();
        let mut v = Utf8Validator::new();
        let mut seen = [0usize; 8];
        for (i, b) in text.iter().enumerate() {
            v.feed(core::slice::from_ref(b)).unwrap();
            seen[i] = v.incomplete_len();
        }
        assert_eq!(seen, [0, 1, 2, 0, 1, 2, 3, 0]);
        assert!(v.is_complete());
    }

    #[test]
    fn finish_rejects_truncated_text() {
        let mut v = Utf8Validator::new();
        v.feed(b"ok\xf0\x9f").unwrap();
        assert_eq!(v.finish(), Err(Utf8Error { valid_up_to: 2 }));
    }
}
