//! The minimal scenario with both roles, for the flash and stack figures:
//! a client and a server (1 KiB receive and 1 KiB transmit storage each,
//! locals of `main`) do the opening handshake and send one 16-byte text
//! message each way. `ews_both` does the same with embedded-websocket.

#![no_std]
#![no_main]

use cortex_m_rt::entry;
use rfc6455::{Accept, ClientRequest, Config, Connection, Event, KeySource};
use rfc6455_embedded::{check, fail, finish, keys, ok, paint_stack};

/// Moves every queued byte of `from` to `to`, straight from one storage to
/// the other.
fn transfer<K1: KeySource, K2: KeySource>(
    from: &mut Connection<&mut [u8], K1>,
    to: &mut Connection<&mut [u8], K2>,
) {
    loop {
        let out = from.peek_transmit();
        if out.is_empty() {
            return;
        }
        let n = to.receive(out);
        check(n == out.len(), "the receiver takes every byte");
        from.advance_transmit(n);
    }
}

#[entry]
fn main() -> ! {
    paint_stack();
    let (mut crx, mut ctx, mut srx, mut stx) = ([0u8; 1024], [0u8; 1024], [0u8; 1024], [0u8; 1024]);
    let request = ClientRequest::new("device.local").target("/telemetry");
    let mut client = ok(
        Connection::client(
            &request,
            Config::new(),
            &mut crx[..],
            &mut ctx[..],
            keys(0x1234_5678),
        ),
        "client built",
    );
    let mut server = ok(
        Connection::server(Config::new(), &mut srx[..], &mut stx[..]),
        "server built",
    );

    transfer(&mut client, &mut server);
    let Some(Ok(Event::Upgrade(_))) = server.poll_event() else {
        fail("the upgrade request")
    };
    ok(server.accept(&Accept::new()), "accepted");
    let Some(Ok(Event::HandshakeComplete(_))) = server.poll_event() else {
        fail("the server's handshake")
    };
    transfer(&mut server, &mut client);
    let Some(Ok(Event::HandshakeComplete(_))) = client.poll_event() else {
        fail("the client's handshake")
    };

    ok(client.send_text("temperature=21.5"), "client text");
    transfer(&mut client, &mut server);
    let Some(Ok(Event::Text {
        data: "temperature=21.5",
        fin: true,
    })) = server.poll_event()
    else {
        fail("the client's text")
    };
    ok(server.send_text("set-point=22.00!"), "server text");
    transfer(&mut server, &mut client);
    let Some(Ok(Event::Text {
        data: "set-point=22.00!",
        fin: true,
    })) = client.poll_event()
    else {
        fail("the server's text")
    };
    finish("both")
}
