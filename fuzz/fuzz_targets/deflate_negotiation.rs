//! Invariant: any `Sec-WebSocket-Extensions` offer drives a permessage-deflate
//! server's selection without a panic; when it accepts, its answer is one
//! well-formed element, and a client that offered those parameters agrees
//! with it: each side compresses within what the other decompresses. Any answer in a response leaves a client's deflate in
//! use, not in use, or failed with a `HandshakeError`, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rfc6455::{validate_response, ExtensionOffers, HeadLimits, Request, Role, Status};
use rfc6455_deflate::{Deflate, DeflateConfig};
use rfc6455_fuzz::header;

const KEY_HEAD: &str = "GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
    Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";

/// A client configuration chosen by one fuzzer byte.
fn client_config(choice: u8) -> DeflateConfig {
    let mut config = DeflateConfig::new();
    if choice & 1 != 0 {
        config = config.server_no_context_takeover();
    }
    if choice & 2 != 0 {
        config = config.client_no_context_takeover();
    }
    if choice & 4 != 0 {
        config = config.server_max_window_bits(8 + (choice >> 4) % 8);
    }
    if choice & 8 != 0 {
        config = config.client_max_window_bits(8 + (choice >> 5) % 8);
    }
    config
}

fuzz_target!(|data: &[u8]| {
    let Some(([choice], rest)) = header::<1>(data) else {
        return;
    };
    let Ok(value) = std::str::from_utf8(rest) else {
        return;
    };
    if value.contains(['\r', '\n']) {
        return;
    }
    // A server given any offer.
    let head = format!("{KEY_HEAD}Sec-WebSocket-Extensions: {value}\r\n\r\n");
    if let Ok(Status::Complete(request)) = Request::parse(head.as_bytes(), HeadLimits::new()) {
        let mut server = Deflate::new();
        let mut answer = [0u8; 512];
        if let Ok(Some(answer)) = request.select_extension(&mut server, &mut answer) {
            let mut elements = ExtensionOffers::parse(answer.as_bytes()).expect("well-formed");
            let element = elements.next().expect("one element");
            assert!(elements.next().is_none());
            assert!(element.name().eq_ignore_ascii_case("permessage-deflate"));
            assert_eq!(server.agreed().map(|a| a.role), Some(Role::Server));
        }
    }
    // A client that offered, given any answer.
    let mut client = Deflate::with_config(client_config(choice));
    let mut offer = [0u8; 512];
    let Ok(offer) = rfc6455::write_extension_offer(&client, &mut offer) else {
        return;
    };
    let request = format!("{KEY_HEAD}Sec-WebSocket-Extensions: {offer}\r\n\r\n");
    let response = format!(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Extensions: {value}\r\n\r\n"
    );
    if let Ok(Status::Complete(negotiated)) =
        validate_response(response.as_bytes(), request.as_bytes(), HeadLimits::new())
    {
        if let Ok(true) = negotiated.check_extension(&mut client) {
            assert_eq!(client.agreed().map(|a| a.role), Some(Role::Client));
        }
    }
    // The client's own offer, answered by a server: both agree.
    let Ok(Status::Complete(request)) = Request::parse(request.as_bytes(), HeadLimits::new())
    else {
        panic!("the client's request parses");
    };
    let mut server = Deflate::new();
    let mut answer = [0u8; 512];
    if let Ok(Some(answer)) = request.select_extension(&mut server, &mut answer) {
        let response = format!(
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
             Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Extensions: {answer}\r\n\r\n"
        );
        let head = format!("{KEY_HEAD}Sec-WebSocket-Extensions: {offer}\r\n\r\n");
        let Ok(Status::Complete(negotiated)) =
            validate_response(response.as_bytes(), head.as_bytes(), HeadLimits::new())
        else {
            panic!("the server's answer validates");
        };
        let mut client = Deflate::with_config(client_config(choice));
        assert_eq!(negotiated.check_extension(&mut client), Ok(true), "{offer} / {answer}");
        // Each side's compressor stays within what the other's
        // decompressor expects: a window no larger, and a reset whenever
        // the decompressor resets.
        let (s, c) = (server.agreed().unwrap(), client.agreed().unwrap());
        assert!(s.server_max_window_bits <= c.server_max_window_bits);
        assert!(c.client_max_window_bits <= s.client_max_window_bits);
        assert!(!c.server_no_context_takeover || s.server_no_context_takeover);
        assert!(!s.client_no_context_takeover || c.client_no_context_takeover);
    }
});
