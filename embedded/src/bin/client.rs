//! The minimal scenario, client only, for the flash and stack figures: a
//! client (1 KiB receive and 1 KiB transmit storage, locals of `main`) sends
//! its upgrade request, takes a canned `101` and a canned 16-byte text
//! message from the server, and sends one 16-byte text message.
//! `ews_client` does the same with embedded-websocket.

#![no_std]
#![no_main]

use cortex_m_rt::entry;
use rfc6455::{ClientRequest, Config, Connection, Event};
use rfc6455_embedded::{check, fail, finish, keys, ok, paint_stack};

/// The server's answer to the nonce the key source below draws first.
const RESPONSE: &[u8] = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\
Connection: Upgrade\r\nSec-WebSocket-Accept: XvNkr658+edNv3byteNFr/Oz0CA=\r\n\r\n";

/// The server's text message: unmasked, "set-point=22.00!".
const SERVER_TEXT: &[u8] = b"\x81\x10set-point=22.00!";

#[entry]
fn main() -> ! {
    paint_stack();
    let (mut rx, mut tx) = ([0u8; 1024], [0u8; 1024]);
    let request = ClientRequest::new("device.local").target("/telemetry");
    let mut client = ok(
        Connection::client(
            &request,
            Config::new(),
            &mut rx[..],
            &mut tx[..],
            keys(0x1234_5678),
        ),
        "client built",
    );
    let mut wire = [0u8; 128];
    let mut sent = 0;
    while let Some(n) = client.poll_transmit(&mut wire) {
        check(
            sent > 0 || wire.starts_with(b"GET /telemetry "),
            "the request",
        );
        sent += n;
    }
    check(
        client.receive(RESPONSE) == RESPONSE.len(),
        "the response taken",
    );
    let Some(Ok(Event::HandshakeComplete(_))) = client.poll_event() else {
        fail("the handshake")
    };
    check(
        client.receive(SERVER_TEXT) == SERVER_TEXT.len(),
        "the text taken",
    );
    let Some(Ok(Event::Text {
        data: "set-point=22.00!",
        fin: true,
    })) = client.poll_event()
    else {
        fail("the server's text")
    };
    ok(client.send_text("temperature=21.5"), "client text");
    check(
        client.poll_transmit(&mut wire) == Some(2 + 4 + 16),
        "a masked frame",
    );
    finish("client")
}
