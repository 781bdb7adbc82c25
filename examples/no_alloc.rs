//! A client and a server talking in memory with nothing but stack arrays.
//!
//! This is what the crate looks like on a microcontroller: fixed storage
//! (1 KiB to receive into and 512 bytes to queue output in, on each side),
//! a key source closure over whatever RNG the board has, a clock it passes
//! in (a simulated millisecond count here), and a loop that moves bytes. Messages of any size go through it: a 1 MiB message is sent
//! through the 512 bytes of transmit storage and checked byte for byte as it
//! arrives. It uses no allocator (it also builds with
//! `--no-default-features`); `std` is used only to print.
//!
//! Run with `cargo run --example no_alloc --no-default-features`.

use rfc6455::{
    Accept, ClientRequest, CloseCode, Config, Connection, Event, KeySource, MessageMode, State,
    Storage, Timestamp,
};

/// Moves every queued byte from `from` to `to` through a small "wire".
fn transfer<B: Storage, K1: KeySource, K2: KeySource>(
    from: &mut Connection<B, K1>,
    to: &mut Connection<B, K2>,
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

/// Moves bytes both ways until nothing moves. `now` is the board's clock
/// (here simulated): each side is told the time before it is driven and
/// after, as an IO layer does after every read.
fn pump<B: Storage, K: KeySource>(
    client: &mut Connection<B, K>,
    server: &mut Connection<B>,
    now: Timestamp,
) {
    client.handle_timeout(now);
    server.handle_timeout(now);
    loop {
        drain(client, "client");
        drain(server, "server");
        if transfer(client, server) + transfer(server, client) == 0 {
            break;
        }
    }
    // As after every read: input just taken counts as heard now.
    client.handle_timeout(now);
    server.handle_timeout(now);
    drain(client, "client");
    drain(server, "server");
}

/// Byte `i` of the 1 MiB message, made on the fly (on a board: read from
/// flash, a file, a sensor), so the message is never held whole.
fn message_byte(i: usize) -> u8 {
    (i as u8).wrapping_mul(31) ^ (i >> 8) as u8
}

const MESSAGE_LEN: usize = 1 << 20;

/// Sends a 1 MiB binary message from `client` to `server` through the
/// client's 512 bytes of transmit storage; the server checks every byte as
/// it arrives.
fn send_a_megabyte<B: Storage, K: KeySource>(
    client: &mut Connection<B, K>,
    server: &mut Connection<B>,
) -> Result<(), rfc6455::Error> {
    // send_binary_partial takes at most what the transmit storage holds, so
    // offering the next 1 KiB of the message (more than 512 bytes can ever
    // take) is as good as offering all of it; the last piece offered is the
    // true end of the message, and the frame that takes its last byte ends
    // the message.
    let mut piece = [0u8; 1024];
    let (mut sent, mut checked, mut chunks) = (0, 0, 0);
    let mut wire = [0u8; 256];
    while checked < MESSAGE_LEN {
        if sent < MESSAGE_LEN {
            let len = piece.len().min(MESSAGE_LEN - sent);
            for (k, b) in piece[..len].iter_mut().enumerate() {
                *b = message_byte(sent + k);
            }
            // 0 when the storage is full: the loop below drains it.
            sent += client.send_binary_partial(&piece[..len])?;
        }
        while let Some(n) = client.poll_transmit(&mut wire) {
            let mut rest = &wire[..n];
            while !rest.is_empty() {
                let taken = server.receive(rest);
                rest = &rest[taken..];
                while let Some(event) = server.poll_event() {
                    let Event::Binary { data, fin } = event? else {
                        panic!("only the binary message was sent");
                    };
                    for (k, b) in data.iter().enumerate() {
                        assert_eq!(*b, message_byte(checked + k), "byte {}", checked + k);
                    }
                    checked += data.len();
                    chunks += 1;
                    assert_eq!(fin, checked == MESSAGE_LEN);
                }
            }
        }
    }
    println!("server: binary of {checked} bytes in {chunks} chunks, every byte as sent");
    Ok(())
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
    // Messages larger than the receive storage arrive in chunks (the only
    // mode without an allocator; with one, whole messages are the default).
    let config = Config::new().with_message_mode(MessageMode::Stream);
    let (mut client_rx, mut client_tx) = ([0u8; 1024], [0u8; 512]);
    let (mut server_rx, mut server_tx) = ([0u8; 1024], [0u8; 512]);
    let mut client = Connection::client(
        &request,
        config,
        &mut client_rx[..],
        &mut client_tx[..],
        keys,
    )?;
    let mut server = Connection::server(config, &mut server_rx[..], &mut server_tx[..])?;
    // The board's clock: a simulated millisecond count.
    let mut now = Timestamp::from_millis(0);

    pump(&mut client, &mut server, now);
    server.accept(&Accept::new().subprotocol("v1.telemetry"))?;
    pump(&mut client, &mut server, now);

    client.send_text("temperature=21.5")?;
    server.send_binary(&[0x01, 0x02, 0x03])?;
    pump(&mut client, &mut server, now);

    // A text larger than the storage on both sides: send_text_partial
    // queues what fits as one frame (cut at a character boundary) and says
    // how much it took; the rest goes as the transport drains the storage.
    // It arrives in chunks that end on character boundaries.
    let big = "Grüße aus dem Gerät! ".repeat(100);
    let mut sent = 0;
    while sent < big.len() {
        sent += client.send_text_partial(&big[sent..])?;
        pump(&mut client, &mut server, now);
    }

    send_a_megabyte(&mut client, &mut server)?;

    client.ping(b"are you there")?;
    pump(&mut client, &mut server, now);

    // Then quiet. Time comes from the board (a hardware timer's count of
    // milliseconds, say), only when a deadline is due: the next one is the
    // keepalive, 20 s after the last input, and the peer's Pong meets it.
    let next = [client.poll_timeout(), server.poll_timeout()];
    now = next.into_iter().flatten().min().expect("keepalive is on");
    println!("{} s later:", now.as_duration().as_secs());
    pump(&mut client, &mut server, now);
    assert_eq!((client.state(), server.state()), (State::Open, State::Open));

    server.close(CloseCode::GOING_AWAY, "rebooting")?;
    pump(&mut client, &mut server, now);
    client.receive_eof(); // the server closes TCP first
    pump(&mut client, &mut server, now);
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
