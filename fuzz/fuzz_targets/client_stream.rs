//! Invariant: any bytes into an open client connection give events or one
//! error, never a panic; once Failed the connection stays Failed and reports
//! nothing more; input is always taken (bounded work), and memory is the
//! storage handed in.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rfc6455::{Connection, Role};
use rfc6455_fuzz::{config, feed, keys};

fuzz_target!(|data: &[u8]| {
    let Some((&choice, input)) = data.split_first() else {
        return;
    };
    let storage = 256 + usize::from(choice) * 4;
    let mut conn = Connection::open(
        Role::Client,
        config(choice),
        vec![0u8; storage].into_boxed_slice(),
        vec![0u8; 512].into_boxed_slice(),
        keys(choice),
    )
    .unwrap();
    feed(&mut conn, input, &[]);
    conn.receive_eof();
    feed(&mut conn, &[], &[]);
});
