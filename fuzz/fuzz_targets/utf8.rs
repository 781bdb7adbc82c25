//! Invariant: the incremental validator agrees with `core::str::from_utf8`
//! under any split: same verdict, same `valid_up_to`, and the error is
//! reported on the piece holding the first byte that cannot be UTF-8.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rfc6455::Utf8Validator;
use rfc6455_fuzz::header;

fuzz_target!(|data: &[u8]| {
    let Some((cuts, input)) = header::<3>(data) else {
        return;
    };
    let mut ends: Vec<usize> = cuts
        .iter()
        .map(|&c| usize::from(c) % (input.len() + 1))
        .collect();
    ends.push(input.len());
    ends.sort_unstable();
    let expected = core::str::from_utf8(input);
    let mut validator = Utf8Validator::new();
    let mut start = 0;
    for &end in &ends {
        if let Err(e) = validator.feed(&input[start..end]) {
            let core_err = expected.expect_err("validator rejected valid UTF-8");
            assert_eq!(e.valid_up_to(), core_err.valid_up_to() as u64);
            // The bad byte is in this piece...
            let upto = core::str::from_utf8(&input[..end]).expect_err("error with a valid prefix");
            assert!(
                upto.error_len().is_some(),
                "error while still only truncated"
            );
            // ...and not before it: the prefix before this piece could still be UTF-8.
            let prefix = &input[..start];
            if let Err(p) = core::str::from_utf8(prefix) {
                assert!(p.error_len().is_none(), "error reported a piece too late");
            }
            return;
        }
        start = end;
    }
    match (validator.finish(), expected) {
        (Ok(()), Ok(_)) => {}
        (Err(e), Err(core_err)) => {
            assert!(core_err.error_len().is_none(), "a bad byte was missed");
            assert_eq!(e.valid_up_to(), core_err.valid_up_to() as u64);
        }
        (ours, theirs) => panic!("disagree: {ours:?} vs {theirs:?}"),
    }
});
