//! Client request → server scan, parse, check → server 101 → client check,
//! with stack buffers only and pipelined frames on both sides.

use rfc6455::HandshakeError;
use rfc6455::{
    validate_response, Accept, ClientRequest, HeadLimits, HeadScanner, Rejection, Request, Status,
};

/// Moves `wire` into `buf` in `chunk`-byte reads, scanning after each, and
/// returns how much of `buf` is filled when the head is complete.
fn receive(wire: &[u8], buf: &mut [u8], chunk: usize) -> Result<usize, HandshakeError> {
    let mut scanner = HeadScanner::new();
    let mut filled = 0;
    while filled < wire.len() {
        let n = chunk.min(wire.len() - filled);
        buf[filled..filled + n].copy_from_slice(&wire[filled..filled + n]);
        filled += n;
        if let Status::Complete(_) = scanner.scan(&buf[..filled])? {
            return Ok(filled);
        }
    }
    panic!("head never completed");
}

#[test]
fn client_and_server_complete_the_handshake_with_pipelined_bytes() {
    for chunk in [1, 2, 3, 7, 64, 4096] {
        // Client: write the request, then pipeline a masked frame after it.
        let protocols = ["v2.chat", "v1.chat"];
        let offers = ["permessage-deflate; client_max_window_bits"];
        let mut request = [0u8; 512];
        let request_len = ClientRequest::new("server.example.com")
            .port(8080)
            .target("/chat?room=7")
            .origin("https://example.com")
            .subprotocols(&protocols)
            .extensions(&offers)
            .write(*b"0123456789abcdef", &mut request)
            .unwrap();
        let client_frame = [0x81, 0x82, 1, 2, 3, 4, b'h' ^ 1, b'i' ^ 2];
        let mut wire = [0u8; 1024];
        wire[..request_len].copy_from_slice(&request[..request_len]);
        wire[request_len..request_len + client_frame.len()].copy_from_slice(&client_frame);
        let wire = &wire[..request_len + client_frame.len()];

        // Server: read in chunks, parse, look, accept.
        let mut server_buf = [0u8; 1024];
        let filled = receive(wire, &mut server_buf, chunk).unwrap();
        let received = &server_buf[..filled];
        let Status::Complete(req) = Request::parse(received, HeadLimits::new()).unwrap() else {
            panic!("scanner said complete");
        };
        assert_eq!(req.head_len(), request_len);
        assert_eq!(req.host(), "server.example.com:8080");
        assert_eq!(req.path(), "/chat");
        assert_eq!(req.query(), Some("room=7"));
        assert_eq!(req.origin(), Some("https://example.com"));
        let mut offered = req.subprotocols();
        assert_eq!(
            (offered.next(), offered.next()),
            (Some("v2.chat"), Some("v1.chat"))
        );
        let offer = req.extensions().next().unwrap();
        assert_eq!(offer.name(), "permessage-deflate");
        assert_eq!(offer.param("client_max_window_bits"), Some(None));
        // Pipelined bytes that arrived with the head are intact.
        assert_eq!(
            &received[req.head_len()..],
            &client_frame[..filled - req.head_len()]
        );

        // The server prefers v1.chat; it accepts no extension.
        let mut response = [0u8; 512];
        let response_len = req
            .accept(&Accept::new().subprotocol("v1.chat"), &mut response)
            .unwrap();
        let server_frame = [0x81, 0x02, b'o', b'k'];
        let mut wire_back = [0u8; 1024];
        wire_back[..response_len].copy_from_slice(&response[..response_len]);
        wire_back[response_len..response_len + server_frame.len()].copy_from_slice(&server_frame);
        let wire_back = &wire_back[..response_len + server_frame.len()];

        // Client: read the answer in chunks and check it against its request.
        let mut client_buf = [0u8; 1024];
        let filled = receive(wire_back, &mut client_buf, chunk).unwrap();
        let received = &client_buf[..filled];
        let Status::Complete(negotiated) =
            validate_response(received, &request[..request_len], HeadLimits::new()).unwrap()
        else {
            panic!("scanner said complete");
        };
        assert_eq!(negotiated.subprotocol(), Some("v1.chat"));
        assert_eq!(negotiated.extensions().count(), 0);
        assert_eq!(negotiated.head_len(), response_len);
        assert_eq!(
            &received[negotiated.head_len()..],
            &server_frame[..filled - response_len]
        );
    }
}

#[test]
fn a_refused_handshake_reaches_the_client_as_its_status() {
    let mut request = [0u8; 512];
    let request_len = ClientRequest::new("h")
        .write([9; 16], &mut request)
        .unwrap();
    let Status::Complete(req) = Request::parse(&request[..request_len], HeadLimits::new()).unwrap()
    else {
        panic!("complete");
    };
    assert_eq!(req.origin(), None);
    let mut response = [0u8; 256];
    let n = Rejection::new(403)
        .body(b"no origin")
        .write(&mut response)
        .unwrap();
    assert_eq!(
        validate_response(&response[..n], &request[..request_len], HeadLimits::new()).map(|_| ()),
        Err(HandshakeError::UnexpectedStatus(403))
    );
}

#[test]
fn a_malformed_request_is_answered_with_its_status() {
    let bad = b"GET / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
                Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n";
    let err = Request::parse(bad, HeadLimits::new()).unwrap_err();
    let mut out = [0u8; 256];
    let n = Rejection::from(err).write(&mut out).unwrap();
    assert!(out[..n].starts_with(b"HTTP/1.1 426 Upgrade Required\r\nSec-WebSocket-Version: 13\r\n"));
}
