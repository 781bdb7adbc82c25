//! Invariant: the same bytes fed whole and split at fuzzer-chosen points give
//! identical events and errors (data pieces joined per message) and identical
//! output, for either role.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rfc6455::{Connection, Role};
use rfc6455_fuzz::{config, feed, header, keys, merge};

fuzz_target!(|data: &[u8]| {
    let Some(([choice, a, b, c, d], input)) = header::<5>(data) else {
        return;
    };
    let cuts = [u16::from_be_bytes([a, b]), u16::from_be_bytes([c, d])];
    let role = if choice & 1 == 0 {
        Role::Server
    } else {
        Role::Client
    };
    let storage = 256 + usize::from(choice) * 2;
    let make = || {
        Connection::open(
            role,
            config(choice),
            vec![0u8; storage].into_boxed_slice(),
            vec![0u8; 1024].into_boxed_slice(),
            keys(choice),
        )
        .unwrap()
    };
    let mut cuts: Vec<usize> = cuts
        .iter()
        .map(|&c| usize::from(c) % (input.len() + 1))
        .collect();
    cuts.sort_unstable();
    let (whole, whole_sent) = feed(&mut make(), input, &[]);
    let (split, split_sent) = feed(&mut make(), input, &cuts);
    assert_eq!(merge(whole), merge(split));
    assert_eq!(whole_sent, split_sent);
});
