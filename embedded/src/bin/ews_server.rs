//! `server`, with embedded-websocket 0.9.5: a server (1 KiB each for bytes
//! read, bytes to write and the unmasked payload, locals of `main`) parses
//! a canned upgrade request with httparse, accepts it, takes a canned
//! masked 16-byte text message and answers with one. The application
//! checks that text is UTF-8 (the crate does not).

#![no_std]
#![no_main]

use cortex_m_rt::entry;
use embedded_websocket::{
    read_http_header, WebSocketReceiveMessageType as Rx, WebSocketSendMessageType as Tx,
    WebSocketServer,
};
use rfc6455_embedded::{check, fail, finish, ok, paint_stack};

/// A client's upgrade request (the key of RFC 6455 §1.3).
const REQUEST: &[u8] = b"GET /telemetry HTTP/1.1\r\nHost: device.local\r\nUpgrade: websocket\r\n\
Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

/// The client's text message, "temperature=21.5", masked with 37 fa 21 3d.
const CLIENT_TEXT: &[u8] =
    b"\x81\x90\x37\xfa\x21\x3d\x43\x9f\x4c\x4d\x52\x88\x40\x49\x42\x88\x44\x00\x05\xcb\x0f\x08";

#[entry]
fn main() -> ! {
    paint_stack();
    let (mut input, mut output, mut message) = ([0u8; 1024], [0u8; 1024], [0u8; 1024]);
    let mut server = WebSocketServer::new_server();
    input[..REQUEST.len()].copy_from_slice(REQUEST);
    let mut headers = [httparse::EMPTY_HEADER; 16];
    let mut request = httparse::Request::new(&mut headers);
    let Ok(httparse::Status::Complete(_)) = request.parse(&input[..REQUEST.len()]) else {
        fail("the request parsed")
    };
    let headers = request.headers.iter().map(|h| (h.name, h.value));
    let Ok(Some(context)) = read_http_header(headers) else {
        fail("an upgrade request")
    };
    let n = ok(
        server.server_accept(&context.sec_websocket_key, None, &mut output),
        "accepted",
    );
    check(
        output[..n].starts_with(b"HTTP/1.1 101 ")
            && output[..n]
                .windows(28)
                .any(|w| w == b"s3pPLMBiTxaQ9kYGzzhZRbK+xOo="),
        "a 101 with the accept key",
    );
    input[..CLIENT_TEXT.len()].copy_from_slice(CLIENT_TEXT);
    let r = ok(
        server.read(&input[..CLIENT_TEXT.len()], &mut message),
        "read",
    );
    check(
        matches!(r.message_type, Rx::Text)
            && r.end_of_message
            && core::str::from_utf8(&message[..r.len_to]) == Ok("temperature=21.5"),
        "the client's text",
    );
    let n = ok(
        server.write(Tx::Text, true, b"set-point=22.00!", &mut output),
        "server text",
    );
    check(n == 2 + 16, "an unmasked frame");
    finish("ews_server")
}
