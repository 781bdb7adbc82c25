//! The minimal scenario, server only, for the flash and stack figures: a
//! server (1 KiB receive and 1 KiB transmit storage, locals of `main`)
//! takes a canned upgrade request, accepts it, takes a canned masked
//! 16-byte text message and answers with one. `ews_server` does the same
//! with embedded-websocket.

#![no_std]
#![no_main]

use cortex_m_rt::entry;
use rfc6455::{Accept, Config, Connection, Event};
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
    let (mut rx, mut tx) = ([0u8; 1024], [0u8; 1024]);
    let mut server = ok(
        Connection::server(Config::new(), &mut rx[..], &mut tx[..]),
        "server built",
    );
    check(
        server.receive(REQUEST) == REQUEST.len(),
        "the request taken",
    );
    let Some(Ok(Event::Upgrade(_))) = server.poll_event() else {
        fail("the upgrade request")
    };
    ok(server.accept(&Accept::new()), "accepted");
    let Some(Ok(Event::HandshakeComplete(_))) = server.poll_event() else {
        fail("the handshake")
    };
    let mut wire = [0u8; 256];
    let n = ok(server.poll_transmit(&mut wire).ok_or(()), "the response");
    check(
        wire[..n].starts_with(b"HTTP/1.1 101 ")
            && wire[..n]
                .windows(28)
                .any(|w| w == b"s3pPLMBiTxaQ9kYGzzhZRbK+xOo="),
        "a 101 with the accept key",
    );
    check(
        server.receive(CLIENT_TEXT) == CLIENT_TEXT.len(),
        "the text taken",
    );
    let Some(Ok(Event::Text {
        data: "temperature=21.5",
        fin: true,
    })) = server.poll_event()
    else {
        fail("the client's text")
    };
    ok(server.send_text("set-point=22.00!"), "server text");
    check(
        server.poll_transmit(&mut wire) == Some(2 + 16),
        "an unmasked frame",
    );
    finish("server")
}
