//! Invariant: any `Sec-WebSocket-Extensions` value, offered to a
//! permessage-deflate server of any settings, is declined or answered
//! without a panic; an answer is one well-formed `permessage-deflate`
//! element that a client with the default offer accepts, agreeing on the
//! same parameters. Given as a response to a client of any settings, any
//! element is refused or accepted within what the client offered.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rfc6455::{Extension, ExtensionOffers, HeadLimits, Request, Role, Status};
use rfc6455_deflate::{Deflate, DeflateConfig};
use rfc6455_fuzz::header;

fn config(bits: u8) -> DeflateConfig {
    let mut c = DeflateConfig::new();
    if bits & 1 != 0 {
        c = c.server_no_context_takeover();
    }
    if bits & 2 != 0 {
        c = c.client_no_context_takeover();
    }
    if bits & 4 != 0 {
        c = c.server_max_window_bits(8 + (bits >> 4 & 7));
    }
    if bits & 8 != 0 {
        c = c.client_max_window_bits(8 + (bits >> 4 & 7));
    }
    c
}

fuzz_target!(|data: &[u8]| {
    let Some(([server_bits, client_bits], value)) = header::<2>(data) else {
        return;
    };
    if value.iter().any(|&b| b == b'\r' || b == b'\n') {
        return;
    }
    // Server: the value as the client's offers.
    let mut request = b"GET / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
        Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\
        Sec-WebSocket-Extensions: "
        .to_vec();
    request.extend_from_slice(value);
    request.extend_from_slice(b"\r\n\r\n");
    if let Ok(Status::Complete(req)) = Request::parse(&request, HeadLimits::new()) {
        let mut server = Deflate::with_config(config(server_bits));
        let mut out = [0u8; 256];
        if let Some(answer) = req.select_extension(&mut server, &mut out).unwrap() {
            let mut elements = ExtensionOffers::parse(answer.as_bytes()).expect("well-formed");
            let element = elements.next().expect("one element");
            assert!(elements.next().is_none());
            assert_eq!(element.name(), "permessage-deflate");
            let mut client = Deflate::new();
            assert!(client.accept_response(&element), "{answer}");
            let (mut a, b) = (*client.agreed().unwrap(), *server.agreed().unwrap());
            a.role = Role::Server;
            assert_eq!(a, b, "{answer}");
        }
    }
    // Client: the value as the server's answer.
    let Some(elements) = ExtensionOffers::parse(value) else {
        return;
    };
    let offered = config(client_bits);
    for element in elements {
        let mut client = Deflate::with_config(offered);
        if client.accept_response(&element) {
            let a = client.agreed().unwrap();
            assert!((8..=15).contains(&a.server_max_window_bits));
            assert!((8..=15).contains(&a.client_max_window_bits));
            if client_bits & 1 != 0 {
                assert!(a.server_no_context_takeover);
            }
            if client_bits & 4 != 0 {
                assert!(a.server_max_window_bits <= 8 + (client_bits >> 4 & 7));
            }
            if client_bits & 8 != 0 {
                assert!(a.client_max_window_bits <= 8 + (client_bits >> 4 & 7));
            }
        } else {
            assert!(client.agreed().is_none());
        }
    }
});
