//! Feeds a head to a scanner whole, split at every offset and byte by byte,
//! and checks that every way gives the same result.
#![allow(dead_code)]

use std::fmt::Debug;

use rfc6455::{HandshakeError, HeadLimits, HeadScanner, Status};

/// The outcome of one way of feeding: the head length and what `parse`
/// made of the buffer, `None` if the head never completed.
pub type Outcome<R> = Result<Option<(usize, R)>, HandshakeError>;

/// Feeds `input` in the given chunk sizes to a scanner over a growing
/// buffer; once it completes, calls `parse` on the buffer as it stands
/// (which may hold bytes after the head).
pub fn feed_chunks<R>(
    input: &[u8],
    limits: HeadLimits,
    chunks: &mut dyn Iterator<Item = usize>,
    parse: &dyn Fn(&[u8]) -> Result<R, HandshakeError>,
) -> Outcome<R> {
    let mut scanner = HeadScanner::with_limits(limits);
    let mut buf = Vec::new();
    let mut rest = input;
    loop {
        let take = chunks.next().unwrap_or(rest.len()).min(rest.len());
        let (chunk, tail) = rest.split_at(take);
        buf.extend_from_slice(chunk);
        rest = tail;
        match scanner.scan(&buf)? {
            Status::Complete(len) => {
                // Called again, the scanner keeps its answer.
                assert_eq!(scanner.scan(&buf)?, Status::Complete(len));
                return Ok(Some((len, parse(&buf)?)));
            }
            // The scanner remembers how far it looked: each byte is looked
            // at once however the head is cut (no quadratic rescanning).
            Status::Partial if scanner.scanned() != buf.len() => {
                panic!("scanned {} of {} bytes", scanner.scanned(), buf.len())
            }
            Status::Partial if rest.is_empty() => return Ok(None),
            Status::Partial => {}
        }
    }
}

/// Feeds `input` whole, at every split and byte by byte; asserts that all
/// agree (and agree with `parse` on the whole input when complete), and
/// returns the common outcome.
pub fn feed<R: PartialEq + Debug>(
    input: &[u8],
    limits: HeadLimits,
    parse: impl Fn(&[u8]) -> Result<R, HandshakeError>,
) -> Outcome<R> {
    let whole = feed_chunks(input, limits, &mut std::iter::empty(), &parse);
    // Under Miri, which interprets every instruction, a sample of splits
    // stands in for all of them.
    let step = if cfg!(miri) { input.len() / 4 + 1 } else { 1 };
    for split in (0..=input.len()).step_by(step) {
        let mut chunks = [split].into_iter();
        let got = feed_chunks(input, limits, &mut chunks, &parse);
        assert_eq!(got, whole, "split at {split}");
    }
    let got = feed_chunks(input, limits, &mut std::iter::repeat(1), &parse);
    assert_eq!(got, whole, "byte by byte");
    let got = feed_chunks(input, limits, &mut std::iter::repeat(7), &parse);
    assert_eq!(got, whole, "7 bytes at a time");
    whole
}

/// Like [`feed`] for a head that must complete: returns the parse result.
pub fn feed_complete<R: PartialEq + Debug>(
    input: &[u8],
    limits: HeadLimits,
    parse: impl Fn(&[u8]) -> Result<R, HandshakeError>,
) -> Result<R, HandshakeError> {
    match feed(input, limits, parse)? {
        Some((_, r)) => Ok(r),
        None => panic!("head never completed: {:?}", String::from_utf8_lossy(input)),
    }
}

/// Unwraps a `Status` that must be complete.
pub fn complete<T>(status: Status<T>) -> T {
    match status {
        Status::Complete(t) => t,
        Status::Partial => panic!("expected a complete head"),
    }
}

/// Turns `\n` line ends into CRLF, for readable test heads.
pub fn crlf(text: &str) -> Vec<u8> {
    text.replace('\n', "\r\n").into_bytes()
}
