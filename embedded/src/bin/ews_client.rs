//! `client`, with embedded-websocket 0.9.5: a client (1 KiB each for bytes
//! read, bytes to write and the unmasked payload, locals of `main`) sends
//! its upgrade request, takes a canned `101` and a canned 16-byte text
//! message, and sends one 16-byte text message. The application checks
//! that text is UTF-8 (the crate does not).

#![no_std]
#![no_main]

use cortex_m_rt::entry;
use embedded_websocket::{
    WebSocketClient, WebSocketOptions, WebSocketReceiveMessageType as Rx,
    WebSocketSendMessageType as Tx,
};
use rfc6455_embedded::{check, finish, ok, paint_stack, EwsRng, Xorshift};

/// The server's answer to the nonce the generator below draws first.
const RESPONSE: &[u8] = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\
Connection: Upgrade\r\nSec-WebSocket-Accept: XvNkr658+edNv3byteNFr/Oz0CA=\r\n\r\n";

/// The server's text message: unmasked, "set-point=22.00!".
const SERVER_TEXT: &[u8] = b"\x81\x10set-point=22.00!";

#[entry]
fn main() -> ! {
    paint_stack();
    let (mut input, mut output, mut message) = ([0u8; 1024], [0u8; 1024], [0u8; 1024]);
    let mut client = WebSocketClient::new_client(EwsRng(Xorshift(0x1234_5678)));
    let options = WebSocketOptions {
        path: "/telemetry",
        host: "device.local",
        origin: "",
        sub_protocols: None,
        additional_headers: None,
    };
    let (n, key) = ok(client.client_connect(&options, &mut output), "connect");
    check(output[..n].starts_with(b"GET /telemetry "), "the request");
    input[..RESPONSE.len()].copy_from_slice(RESPONSE);
    ok(
        client.client_accept(&key, &input[..RESPONSE.len()]),
        "the response",
    );
    input[..SERVER_TEXT.len()].copy_from_slice(SERVER_TEXT);
    let r = ok(
        client.read(&input[..SERVER_TEXT.len()], &mut message),
        "read",
    );
    check(
        matches!(r.message_type, Rx::Text)
            && r.end_of_message
            && core::str::from_utf8(&message[..r.len_to]) == Ok("set-point=22.00!"),
        "the server's text",
    );
    let n = ok(
        client.write(Tx::Text, true, b"temperature=21.5", &mut output),
        "client text",
    );
    check(n == 2 + 4 + 16, "a masked frame");
    finish("ews_client")
}
