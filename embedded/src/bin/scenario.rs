//! rfc6455 on a Cortex-M3: a client and a server over an in-memory wire,
//! every event asserted. Any failed check or panic ends the run with a
//! non-zero exit status (CI runs it under QEMU).
//!
//! Covered: the opening handshake with a subprotocol; text and binary both
//! ways; a text larger than the storage sent with `send_text_partial`, its
//! multi-byte characters across the edges of the chunks it arrives in;
//! ping and pong; the close handshake with a code and a reason; and three
//! failures: an unmasked client frame (1002), invalid UTF-8 (1007), a frame
//! over the configured limit (1009).

#![no_std]
#![no_main]

use cortex_m_rt::entry;
use rfc6455::{
    Accept, ClientRequest, CloseCode, Config, Connection, Error, Event, KeySource, NoKeys, Role,
    State,
};
use rfc6455_embedded::{check, fail, finish, keys, ok, paint_stack, print};

type Conn<'s, K> = Connection<&'s mut [u8], K>;

/// Fails the run unless the next event of `$conn` matches.
macro_rules! expect {
    ($conn:expr, $pat:pat $(if $guard:expr)?, $what:literal) => {
        match $conn.poll_event() {
            $pat $(if $guard)? => {}
            _ => fail(concat!("expected ", $what)),
        }
    };
}

/// Fails the run if `$conn` has an event waiting.
macro_rules! expect_none {
    ($conn:expr, $what:literal) => {
        check(
            $conn.poll_event().is_none(),
            concat!("no other event: ", $what),
        )
    };
}

/// Moves every queued byte of `from` to `to`, `chunk` bytes at a time;
/// `to` must take all of it without handing out events.
fn transfer<K1: KeySource, K2: KeySource>(
    from: &mut Conn<'_, K1>,
    to: &mut Conn<'_, K2>,
    chunk: usize,
) {
    let mut wire = [0u8; 256];
    while let Some(n) = from.poll_transmit(&mut wire[..chunk]) {
        check(to.receive(&wire[..n]) == n, "the receiver takes every byte");
    }
}

fn config() -> Config {
    Config::new().without_deadlines()
}

#[entry]
fn main() -> ! {
    paint_stack();
    conversation();
    print("conversation: ok\n");
    unmasked_client_frame();
    print("unmasked client frame -> 1002: ok\n");
    invalid_utf8();
    print("invalid UTF-8 -> 1007: ok\n");
    frame_over_limit();
    print("frame over the limit -> 1009: ok\n");
    finish("scenario")
}

#[inline(never)]
fn conversation() {
    let (mut crx, mut ctx, mut srx, mut stx) = ([0u8; 1024], [0u8; 1024], [0u8; 1024], [0u8; 1024]);
    let protocols = ["v2.telemetry", "v1.telemetry"];
    let request = ClientRequest::new("device.local")
        .target("/telemetry")
        .subprotocols(&protocols);
    let mut client = ok(
        Connection::client(
            &request,
            config(),
            &mut crx[..],
            &mut ctx[..],
            keys(0x2545_f491),
        ),
        "client built",
    );
    let mut server = ok(
        Connection::server(config(), &mut srx[..], &mut stx[..]),
        "server built",
    );

    // The opening handshake, with a subprotocol (RFC 6455 §4).
    check(client.state() == State::Connecting, "client connecting");
    transfer(&mut client, &mut server, 256);
    expect!(
        server,
        Some(Ok(Event::Upgrade(req))) if req.target() == "/telemetry"
            && req.host() == "device.local"
            && req.subprotocols().eq(protocols),
        "the upgrade request"
    );
    expect_none!(server, "awaiting the decision");
    ok(
        server.accept(&Accept::new().subprotocol("v1.telemetry")),
        "accepted",
    );
    expect!(
        server,
        Some(Ok(Event::HandshakeComplete(done))) if done.protocol() == Some("v1.telemetry"),
        "the server's handshake complete"
    );
    transfer(&mut server, &mut client, 256);
    expect!(
        client,
        Some(Ok(Event::HandshakeComplete(done))) if done.protocol() == Some("v1.telemetry"),
        "the client's handshake complete"
    );
    expect_none!(client, "after the handshake");
    check(
        client.state() == State::Open && server.state() == State::Open,
        "both open",
    );

    // Text and binary, both ways.
    ok(client.send_text("temperature=21.5"), "client text");
    ok(client.send_binary(&[0, 1, 2, 0xff]), "client binary");
    transfer(&mut client, &mut server, 5);
    expect!(
        server,
        Some(Ok(Event::Text {
            data: "temperature=21.5",
            fin: true
        })),
        "the client's text"
    );
    expect!(
        server,
        Some(Ok(Event::Binary {
            data: [0, 1, 2, 0xff],
            fin: true
        })),
        "the client's binary"
    );
    expect_none!(server, "after the client's messages");
    ok(server.send_text("ack: Grüße"), "server text");
    ok(server.send_binary(&[0xde, 0xad]), "server binary");
    transfer(&mut server, &mut client, 256);
    expect!(
        client,
        Some(Ok(Event::Text {
            data: "ack: Grüße",
            fin: true
        })),
        "the server's text"
    );
    expect!(
        client,
        Some(Ok(Event::Binary {
            data: [0xde, 0xad],
            fin: true
        })),
        "the server's binary"
    );
    expect_none!(client, "after the server's messages");

    large_text(&mut client, &mut server);

    // Ping and the automatic Pong (RFC 6455 §5.5.2, §5.5.3).
    ok(client.ping(b"are you there"), "ping");
    transfer(&mut client, &mut server, 256);
    expect!(server, Some(Ok(Event::Ping(b"are you there"))), "the ping");
    transfer(&mut server, &mut client, 256);
    expect!(client, Some(Ok(Event::Pong(b"are you there"))), "the pong");

    // The close handshake (RFC 6455 §7): the server echoes the code, then
    // closes the transport first.
    ok(client.close(CloseCode::GOING_AWAY, "rebooting"), "close");
    check(client.state() == State::CloseSent, "client close sent");
    transfer(&mut client, &mut server, 256);
    expect!(
        server,
        Some(Ok(Event::Close {
            code: CloseCode::GOING_AWAY,
            reason: "rebooting"
        })),
        "the close"
    );
    transfer(&mut server, &mut client, 256);
    expect!(
        client,
        Some(Ok(Event::Close {
            code: CloseCode::GOING_AWAY,
            ..
        })),
        "the echoed close"
    );
    check(
        server.should_close_transport(),
        "the server closes TCP first",
    );
    client.receive_eof();
    expect_none!(client, "after EOF");
    check(
        client.state() == State::Closed && server.state() == State::Closed,
        "both closed",
    );
}

/// A text of 3000 bytes (more than the 1 KiB storage on either side) with
/// characters of two, three and four bytes: sent with `send_text_partial`
/// as the transmit storage drains, moved 97 bytes at a time, and received
/// in chunks that end on character boundaries.
fn large_text<K: KeySource>(client: &mut Conn<'_, K>, server: &mut Conn<'_, NoKeys>) {
    const PIECE: &str = "Grüße, 世界! 🎉 ";
    let mut buf = [0u8; 3000];
    let mut len = 0;
    while len + PIECE.len() <= buf.len() {
        buf[len..len + PIECE.len()].copy_from_slice(PIECE.as_bytes());
        len += PIECE.len();
    }
    let text = ok(core::str::from_utf8(&buf[..len]), "the text is UTF-8");

    let (mut sent, mut frames, mut checked, mut chunks, mut split) = (0, 0, 0, 0, 0);
    let mut wire = [0u8; 97];
    while checked < text.len() {
        if sent < text.len() {
            let took = ok(client.send_text_partial(&text[sent..]), "send_text_partial");
            if took > 0 {
                frames += 1;
            }
            sent += took;
        }
        let Some(n) = client.poll_transmit(&mut wire) else {
            check(
                sent < text.len(),
                "bytes to move while the text is unchecked",
            );
            continue;
        };
        let mut rest = &wire[..n];
        while !rest.is_empty() {
            let taken = server.receive(rest);
            rest = &rest[taken..];
            let mut events = 0;
            while let Some(event) = server.poll_event() {
                let Ok(Event::Text { data, fin }) = event else {
                    fail("only text chunks arrive");
                };
                check(
                    text[checked..].starts_with(data),
                    "each chunk continues the text",
                );
                checked += data.len();
                chunks += 1;
                events += 1;
                check(fin == (checked == text.len()), "fin on the last chunk only");
                // A chunk that ends just before a multi-byte character: the
                // wire cut the character, the connection held it back.
                if checked < text.len() && !text.as_bytes()[checked].is_ascii() {
                    split += 1;
                }
            }
            check(taken > 0 || events > 0, "the server makes progress");
        }
    }
    check(frames > 2, "the text went as several frames");
    check(chunks > 2, "the text arrived in several chunks");
    check(split > 0, "some chunk ended before a multi-byte character");
    expect_none!(server, "after the large text");
    expect_none!(client, "after the large text");
}

/// A fresh open pair (no handshake), the server with `server_config`.
fn open_pair<'s>(
    bufs: &'s mut [[u8; 512]; 4],
    server_config: Config,
) -> (Conn<'s, impl KeySource>, Conn<'s, NoKeys>) {
    let [crx, ctx, srx, stx] = bufs;
    let client = ok(
        Connection::open(Role::Client, config(), &mut crx[..], &mut ctx[..], keys(7)),
        "open client",
    );
    let server = ok(
        Connection::open(
            Role::Server,
            server_config,
            &mut srx[..],
            &mut stx[..],
            NoKeys,
        ),
        "open server",
    );
    (client, server)
}

/// RFC 6455 §5.1: "The server MUST close the connection upon receiving a
/// frame that is not masked." The client hears 1002.
#[inline(never)]
fn unmasked_client_frame() {
    let mut bufs = [[0u8; 512]; 4];
    let (mut client, mut server) = open_pair(&mut bufs, config());
    check(
        server.receive(b"\x81\x05Hello") == 7,
        "the server takes the frame",
    );
    expect!(
        server,
        Some(Err(Error::Protocol(e))) if e.close_code() == CloseCode::PROTOCOL_ERROR,
        "1002 for an unmasked frame"
    );
    check(server.state() == State::Failed, "the server failed");
    transfer(&mut server, &mut client, 256);
    expect!(
        client,
        Some(Ok(Event::Close {
            code: CloseCode::PROTOCOL_ERROR,
            ..
        })),
        "the client hears 1002"
    );
}

/// RFC 6455 §8.1: invalid UTF-8 in a text message fails the connection
/// with 1007. The server hears it.
#[inline(never)]
fn invalid_utf8() {
    let mut bufs = [[0u8; 512]; 4];
    let (mut client, mut server) = open_pair(&mut bufs, config());
    check(
        client.receive(b"\x81\x02\xc3\x28") == 4,
        "the client takes the frame",
    );
    expect!(
        client,
        Some(Err(Error::Protocol(e))) if e.close_code() == CloseCode::INVALID_PAYLOAD,
        "1007 for invalid UTF-8"
    );
    transfer(&mut client, &mut server, 256);
    expect!(
        server,
        Some(Ok(Event::Close {
            code: CloseCode::INVALID_PAYLOAD,
            ..
        })),
        "the server hears 1007"
    );
}

/// A frame longer than `Config::max_frame_len` fails the connection with
/// 1009 (RFC 6455 §7.4.1). The client hears it.
#[inline(never)]
fn frame_over_limit() {
    let mut bufs = [[0u8; 512]; 4];
    let (mut client, mut server) = open_pair(&mut bufs, config().with_max_frame_len(64));
    ok(client.send_binary(&[0x55; 100]), "client binary");
    transfer(&mut client, &mut server, 256);
    expect!(
        server,
        Some(Err(Error::Protocol(e))) if e.close_code() == CloseCode::MESSAGE_TOO_BIG,
        "1009 for a frame over the limit"
    );
    transfer(&mut server, &mut client, 256);
    expect!(
        client,
        Some(Ok(Event::Close {
            code: CloseCode::MESSAGE_TOO_BIG,
            ..
        })),
        "the client hears 1009"
    );
}
