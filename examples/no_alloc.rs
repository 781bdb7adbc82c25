//! A client and a server talking in memory with nothing but stack arrays.
//!
//! This is what the crate looks like on a microcontroller: fixed storage,
//! a key source closure over whatever RNG the board has, and a loop that
//! moves bytes. It uses no allocator (it also builds with
//! `--no-default-features`); `std` is used only to print.
//!
//! Run with `cargo run --example no_alloc --no-default-features`.

use rfc6455::{Accept, ClientRequest, CloseCode, Config, Connection, Event, KeySource, State};

/// Moves every queued byte from `from` to `to` through a small "wire".
fn transfer<K1: KeySource, K2: KeySource>(
    from: &mut Connection<[u8; 1024], K1>,
    to: &mut Connection<[u8; 1024], K2>,
) -> usize {
    let mut wire = [0u8; 256];
    let mut moved = 0;
    while let Some(n) = from.poll_transmit(&mut wire) {
        let mut rest = &wire[..n];
        while !rest.is_empty() {
            let taken = to.receive(rest);
            rest = &rest[taken..];
            if taken == 0 {
                // Storage full: the receiver must hand out events first.
                drain(to, "(backpressure)");
            }
        }
        moved += n;
    }
    moved
}

/// Prints and handles every pending event of `conn`.
fn drain<B: rfc6455::Storage, K: KeySource>(conn: &mut Connection<B, K>, who: &str) {
    while let Some(event) = conn.poll_event() {
        match event {
            Ok(Event::Upgrade(request)) => {
                println!("{who}: upgrade request for {}", request.target())
            }
            Ok(Event::HandshakeComplete(done)) => {
                println!("{who}: open, subprotocol {:?}", done.protocol())
            }
            Ok(Event::Text { data, fin }) => println!(
                "{who}: text {:?} ({} bytes, fin={fin})",
                short(data),
                data.len()
            ),
            Ok(Event::Binary { data, fin }) => {
                println!("{who}: binary of {} bytes (fin={fin})", data.len())
            }
            Ok(Event::Ping(p)) => {
                println!("{who}: ping {:?}", core::str::from_utf8(p).unwrap_or("?"))
            }
            Ok(Event::Pong(p)) => {
                println!("{who}: pong {:?}", core::str::from_utf8(p).unwrap_or("?"))
            }
            Ok(Event::Close { code, reason }) => println!("{who}: close {code} {reason:?}"),
            Err(e) => println!("{who}: error: {e}"),
        }
    }
}

fn short(s: &str) -> &str {
    match s.char_indices().nth(24) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

fn pump<K: KeySource>(client: &mut Connection<[u8; 1024], K>, server: &mut Connection<[u8; 1024]>) {
    loop {
        drain(client, "client");
        drain(server, "server");
        if transfer(client, server) + transfer(server, client) == 0 {
            break;
        }
    }
    drain(client, "client");
    drain(server, "server");
}

fn main() -> Result<(), rfc6455::Error> {
    // Demo entropy: on a board, read the hardware RNG here instead.
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let keys = move |dest: &mut [u8]| {
        for b in dest {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            *b = seed as u8;
        }
    };

    let request = ClientRequest::new("device.local")
        .target("/telemetry")
        .subprotocols(&["v1.telemetry"]);
    let mut client = Connection::client(&request, Config::new(), [0u8; 1024], [0u8; 1024], keys)?;
    let mut server = Connection::server(Config::new(), [0u8; 1024], [0u8; 1024])?;

    pump(&mut client, &mut server);
    server.accept(&Accept::new().subprotocol("v1.telemetry"))?;
    pump(&mut client, &mut server);

    client.send_text("temperature=21.5")?;
    server.send_binary(&[0x01, 0x02, 0x03])?;
    pump(&mut client, &mut server);

    // A message larger than the 1 KiB storage arrives in chunks that end on
    // character boundaries. It is sent in fragments that fit the transmit
    // storage.
    let big = "Grüße aus dem Gerät! ".repeat(100);
    let mut pieces = big.as_bytes().chunks(700).peekable();
    let mut start = 0;
    while let Some(piece) = pieces.next() {
        let mut end = start + piece.len();
        while !big.is_char_boundary(end) {
            end -= 1;
        }
        let fragment = if pieces.peek().is_none() {
            rfc6455::Fragment::Last
        } else {
            rfc6455::Fragment::More
        };
        let text = if fragment.is_last() {
            &big[start..]
        } else {
            &big[start..end]
        };
        client.send_text_fragment(text, fragment)?;
        start += text.len();
        pump(&mut client, &mut server);
    }

    client.ping(b"are you there")?;
    pump(&mut client, &mut server);

    server.close(CloseCode::GOING_AWAY, "rebooting")?;
    pump(&mut client, &mut server);
    client.receive_eof(); // the server closes TCP first
    pump(&mut client, &mut server);
    println!(
        "states: client {:?} (close transport: {}), server {:?} (close transport: {})",
        client.state(),
        client.should_close_transport(),
        server.state(),
        server.should_close_transport()
    );
    assert_eq!(
        (client.state(), server.state()),
        (State::Closed, State::Closed)
    );
    Ok(())
}
