//! Invariant: any bytes into an open connection running permessage-deflate
//! (either role, parameters chosen by the fuzzer) give events or one error,
//! never a panic or a hang; decoded messages never exceed
//! `max_message_len`; memory stays within the limits (no inflate beyond the
//! budget, whatever the ratio); a failed connection stays failed.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rfc6455::{Connection, HeadLimits, Request, Role, Status};
use rfc6455_deflate::Deflate;
use rfc6455_fuzz::{config, feed, header, keys, merge, Seen};

/// The offers a server may be given, one per fuzzer choice.
const OFFERS: [&str; 8] = [
    "permessage-deflate",
    "permessage-deflate; client_max_window_bits",
    "permessage-deflate; server_no_context_takeover; client_no_context_takeover",
    "permessage-deflate; server_max_window_bits=8; client_max_window_bits=8",
    "permessage-deflate; server_max_window_bits=9; client_max_window_bits=10",
    "permessage-deflate; client_max_window_bits=15; server_max_window_bits=12",
    "permessage-deflate; server_no_context_takeover; client_max_window_bits=9",
    "permessage-deflate; client_no_context_takeover; server_max_window_bits=11",
];

/// A `Deflate` that agreed on `OFFERS[choice]` as a server, or on the
/// server's answer to it as a client.
fn agreed(choice: u8, role: Role) -> Deflate {
    let offer = OFFERS[usize::from(choice) % OFFERS.len()];
    let head = format!(
        "GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\
         Sec-WebSocket-Extensions: {offer}\r\n\r\n"
    );
    let Ok(Status::Complete(request)) = Request::parse(head.as_bytes(), HeadLimits::new()) else {
        panic!("the canned request parses");
    };
    let mut server = Deflate::new();
    let mut answer = [0u8; 256];
    let answer = request
        .select_extension(&mut server, &mut answer)
        .expect("the answer fits")
        .expect("a server takes every canned offer")
        .to_owned();
    if role.is_server() {
        return server;
    }
    let response = format!(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Extensions: {answer}\r\n\r\n"
    );
    let Ok(Status::Complete(negotiated)) =
        rfc6455::validate_response(response.as_bytes(), head.as_bytes(), HeadLimits::new())
    else {
        panic!("the canned response validates");
    };
    let mut client = Deflate::new();
    assert!(negotiated.check_extension(&mut client).expect("the client takes the answer"));
    client
}

fuzz_target!(|data: &[u8]| {
    let Some(([choice, params, cut], input)) = header::<3>(data) else {
        return;
    };
    let role = if params & 0x80 == 0 { Role::Server } else { Role::Client };
    let config = config(choice).with_message_mode(if params & 0x40 == 0 {
        rfc6455::MessageMode::Reassemble
    } else {
        rfc6455::MessageMode::Stream
    });
    let limit = config.max_message_len;
    let conn = Connection::open(role, config, Vec::new(), Vec::new(), keys(choice)).unwrap();
    let mut conn = conn.with_extension(agreed(params, role)).unwrap();
    let cut = usize::from(cut) * input.len() / 256;
    let (events, _) = feed(&mut conn, input, &[cut]);
    for event in merge(events) {
        let len = match event {
            Seen::Text(text, _) => text.len(),
            Seen::Binary(data, _) => data.len(),
            _ => 0,
        };
        assert!(len as u64 <= limit, "a message over the limit");
    }
    // The frames received and a decoded message within its limit (the
    // buffer doubles, and a decode step has 64 KiB of room): nothing grows
    // with what the peer claims.
    let bound = 2 * input.len() as u64 + 2 * (limit + 1) + (128 << 10) + 1024;
    assert!(conn.storage_len() as u64 <= bound, "{} bytes held", conn.storage_len());
    conn.receive_eof();
    feed(&mut conn, &[], &[]);
});
