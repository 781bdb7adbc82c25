//! The opening handshake driven through `Connection`, on both sides: the
//! server's decision, automatic error responses, the client's checks, and
//! bytes that arrive right behind a head.

mod common;

use common::*;
use rfc6455::{
    Accept, ClientRequest, Config, Connection, Error, HandshakeError, Opcode, Rejection, Role,
    State, UsageError,
};

fn server() -> Connection<Grow> {
    Connection::server(Config::new(), grow(4096), grow(4096)).unwrap()
}

#[test]
fn end_to_end_with_subprotocol_messages_and_close() {
    let request = ClientRequest::new("127.0.0.1")
        .port(9001)
        .target("/chat?room=1")
        .origin("http://127.0.0.1")
        .subprotocols(&["chat", "superchat"]);
    let mut pair = Pair::connecting(&request, Config::new(), test_keys());
    assert_eq!(pair.client.state(), State::Connecting);
    assert_eq!(
        pair.client.send_text("early"),
        Err(Error::Usage(UsageError::NotOpen))
    );
    pair.pump();
    assert_eq!(pair.server_events, [Ev::Upgrade("/chat?room=1".into())]);
    let offered: Vec<String> = pair
        .server
        .request()
        .unwrap()
        .subprotocols()
        .map(str::to_owned)
        .collect();
    assert_eq!(offered, ["chat", "superchat"]);
    pair.server
        .accept(&Accept::new().subprotocol("superchat"))
        .unwrap();
    // The server may send at once, before the client has seen the 101.
    pair.server.send_text("welcome").unwrap();
    pair.pump();
    assert_eq!(pair.server_events[1], Ev::Open(Some("superchat".into())));
    assert_eq!(
        pair.client_events,
        [Ev::Open(Some("superchat".into())), text("welcome")]
    );
    pair.client.send_binary(&[1, 2, 3]).unwrap();
    pair.client
        .close(rfc6455::CloseCode::NORMAL, "done")
        .unwrap();
    pair.pump();
    assert_eq!(
        pair.server_events[2..],
        [binary(&[1, 2, 3]), Ev::Close(1000, "done".into())]
    );
    assert!(pair.server.should_close_transport());
    assert_eq!(pair.client.state(), State::Closed);
}

#[test]
fn handshake_completes_the_same_at_every_split_and_byte_by_byte() {
    let first_frame = client_frame(0x81, b"pipelined");
    let input = [CHROME_REQUEST, &first_frame[..]].concat();
    // Without a decision the server reports the request and waits; the
    // pipelined frame stays in storage.
    let out = all_ways(server, &input, false);
    assert_eq!(out.events, [Ev::Upgrade("/chat?room=1".into())]);
    assert_eq!(out.state, State::Connecting);
    assert!(out.sent.is_empty());
}

#[test]
fn pipelined_frames_after_the_request_are_delivered_after_accept() {
    let first_frame = client_frame(0x81, b"pipelined");
    let input = [CHROME_REQUEST, &first_frame[..]].concat();
    for cut in [
        0,
        100,
        CHROME_REQUEST.len(),
        CHROME_REQUEST.len() + 3,
        input.len(),
    ] {
        let mut conn = server();
        let mut events = Vec::new();
        deliver(&mut conn, &input[..cut], &mut events);
        if events.is_empty() {
            deliver(&mut conn, &input[cut..], &mut events);
            conn.accept(&Accept::new().subprotocol("chat")).unwrap();
        } else {
            conn.accept(&Accept::new().subprotocol("chat")).unwrap();
            deliver(&mut conn, &input[cut..], &mut events);
        }
        deliver(&mut conn, &[], &mut events);
        assert_eq!(
            events,
            [
                Ev::Upgrade("/chat?room=1".into()),
                Ev::Open(Some("chat".into())),
                text("pipelined")
            ],
            "cut {cut}"
        );
    }
}

#[test]
fn malformed_request_is_answered_400_and_reported() {
    let input = b"GET /chat HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
Sec-WebSocket-Version: 13\r\n\r\n";
    let out = all_ways(server, input, false);
    assert_eq!(
        out.events,
        [Ev::Error(Error::Handshake(HandshakeError::MissingKey))]
    );
    let response = &out.sent[0].1;
    assert!(
        response.starts_with(b"HTTP/1.1 400 Bad Request\r\n"),
        "{}",
        String::from_utf8_lossy(response)
    );
    assert_eq!(out.state, State::Failed);
    assert!(out.should_close);
}

#[test]
fn wrong_version_is_answered_426_with_the_supported_version() {
    let input = String::from_utf8_lossy(CHROME_REQUEST).replace("Version: 13", "Version: 8");
    let out = all_ways(server, input.as_bytes(), false);
    assert_eq!(
        out.events,
        [Ev::Error(Error::Handshake(
            HandshakeError::UnsupportedWebSocketVersion
        ))]
    );
    let response = String::from_utf8_lossy(&out.sent[0].1).into_owned();
    assert!(response.starts_with("HTTP/1.1 426 "), "{response}");
    assert!(
        response.contains("\r\nSec-WebSocket-Version: 13\r\n"),
        "{response}"
    );
}

#[test]
fn head_larger_than_the_storage_is_431() {
    let mut huge = b"GET / HTTP/1.1\r\nHost: a\r\nX-Filler: ".to_vec();
    huge.extend(std::iter::repeat(b'a').take(5000));
    let fixed_server = Connection::server(Config::new(), fixed(4096), fixed(4096)).unwrap();
    let (_, out) = run_conn(fixed_server, &huge, &[], false);
    assert_eq!(
        out.events,
        [Ev::Error(Error::Handshake(HandshakeError::HeadTooLarge))]
    );
    assert!(out.sent[0].1.starts_with(b"HTTP/1.1 431 "));
    assert!(out.should_close);
    // A 100 KiB head against the default 8 KiB limit and a large storage.
    let big = Connection::server(Config::new(), fixed(200_000), fixed(4096)).unwrap();
    let mut huge = b"GET / HTTP/1.1\r\nHost: a\r\nX-Filler: ".to_vec();
    huge.extend(std::iter::repeat(b'a').take(100 << 10));
    let (_, out) = run_conn(big, &huge, &[], false);
    assert_eq!(
        out.events,
        [Ev::Error(Error::Handshake(HandshakeError::HeadTooLarge))]
    );
}

#[test]
fn application_can_reject_with_any_response() {
    let mut conn = server();
    let mut events = Vec::new();
    deliver(&mut conn, CHROME_REQUEST, &mut events);
    let origin = conn.request().unwrap().origin().map(str::to_owned);
    assert_eq!(origin.as_deref(), Some("http://127.0.0.1:8080"));
    conn.reject(&Rejection::new(403).body(b"origin not allowed"))
        .unwrap();
    let response = String::from_utf8_lossy(conn.peek_transmit()).into_owned();
    assert!(
        response.starts_with("HTTP/1.1 403 Forbidden\r\n"),
        "{response}"
    );
    assert!(
        response.ends_with("\r\n\r\norigin not allowed"),
        "{response}"
    );
    assert_eq!(conn.state(), State::Closed);
    let n = conn.peek_transmit().len();
    conn.advance_transmit(n);
    assert!(conn.should_close_transport());
    assert_eq!(
        conn.accept(&Accept::new()),
        Err(Error::Usage(UsageError::InvalidState))
    );
}

#[test]
fn accept_refuses_a_subprotocol_the_client_did_not_offer() {
    let mut conn = server();
    let mut events = Vec::new();
    deliver(&mut conn, CHROME_REQUEST, &mut events);
    assert_eq!(
        conn.accept(&Accept::new().subprotocol("mqtt")),
        Err(Error::Usage(UsageError::SubprotocolNotOffered))
    );
    assert_eq!(conn.state(), State::Connecting, "nothing changed");
    conn.accept(&Accept::new()).unwrap();
    let mut events = Vec::new();
    deliver(&mut conn, &[], &mut events);
    assert_eq!(events, [Ev::Open(None)]);
}

#[test]
fn bare_connect_then_close_fails_quietly() {
    let (_, out) = run_conn(server(), b"", &[], true);
    assert_eq!(
        out.events,
        [Ev::Error(Error::Handshake(HandshakeError::TransportClosed))]
    );
    assert!(out.sent.is_empty(), "nothing to answer");
    assert!(out.should_close);
    let (_, out) = run_conn(server(), b"GET / HT", &[], true);
    assert_eq!(
        out.events,
        [Ev::Error(Error::Handshake(HandshakeError::TransportClosed))]
    );
}

fn client() -> Connection<Grow, impl rfc6455::KeySource> {
    let request = ClientRequest::new("server.example.com")
        .target("/chat")
        .subprotocols(&["chat"]);
    // The nonce is "the sample nonce", so the accept key is the RFC's.
    let mut nonce = b"the sample nonce".iter().copied().cycle();
    let keys = move |k: &mut [u8]| k.iter_mut().for_each(|b| *b = nonce.next().unwrap_or(0));
    Connection::client(&request, Config::new(), grow(4096), grow(4096), keys).unwrap()
}

const RFC_RESPONSE: &[u8] = b"HTTP/1.1 101 Switching Protocols\r\n\
Upgrade: websocket\r\nConnection: Upgrade\r\n\
Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\
Sec-WebSocket-Protocol: chat\r\n\r\n";

#[test]
fn client_sends_the_request_then_accepts_the_rfc_response_and_pipelined_frames() {
    let mut conn = client();
    let request = String::from_utf8_lossy(conn.peek_transmit()).into_owned();
    assert!(request.starts_with("GET /chat HTTP/1.1\r\n"), "{request}");
    assert!(request.contains("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"));
    let input = [
        RFC_RESPONSE,
        &server_frame(0x81, b"hi")[..],
        &server_frame(0x89, b"p")[..],
    ]
    .concat();
    let out = all_ways(client, &input, false);
    assert_eq!(
        out.events,
        [
            Ev::Open(Some("chat".into())),
            text("hi"),
            Ev::Ping(b"p".to_vec())
        ]
    );
    // The request, then the masked pong.
    assert_eq!(out.sent[0].0, Opcode::Continuation);
    assert_eq!(out.sent[1], (Opcode::Pong, b"p".to_vec()));
    assert_eq!(out.state, State::Open);
}

#[test]
fn client_rejects_bad_responses() {
    let cases: &[(&str, HandshakeError)] = &[
        ("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", HandshakeError::UnexpectedStatus(404)),
        (
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
Sec-WebSocket-Accept: AAAAAAAAAAAAAAAAAAAAAAAAAAA=\r\n\r\n",
            HandshakeError::AcceptMismatch,
        ),
        (
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Protocol: mqtt\r\n\r\n",
            HandshakeError::SubprotocolNotOffered,
        ),
        (
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n",
            HandshakeError::ExtensionNotOffered,
        ),
        (
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\
Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n",
            HandshakeError::MissingConnectionUpgrade,
        ),
    ];
    for (response, err) in cases {
        let out = all_ways(client, response.as_bytes(), false);
        assert_eq!(
            out.events,
            [Ev::Error(Error::Handshake(*err))],
            "{response}"
        );
        assert_eq!(out.state, State::Failed);
        assert!(out.should_close);
    }
}

#[test]
fn client_skips_interim_responses_before_the_101() {
    // RFC 9110 §15.2: a client MUST parse 1xx responses before the final one.
    let input = [
        &b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"[..],
        RFC_RESPONSE,
        &server_frame(0x81, b"hi")[..],
    ]
    .concat();
    let out = all_ways(client, &input, false);
    assert_eq!(out.events, [Ev::Open(Some("chat".into())), text("hi")]);
    assert_eq!(out.state, State::Open);
}

#[test]
fn many_interim_responses_pass_through_the_smallest_storage() {
    // Each interim head is skipped in place and dropped when room is
    // needed, so a storage of the minimum size takes any number of them.
    let small_client = || {
        let request = ClientRequest::new("server.example.com")
            .target("/chat")
            .subprotocols(&["chat"]);
        let mut nonce = b"the sample nonce".iter().copied().cycle();
        let keys = move |k: &mut [u8]| k.iter_mut().for_each(|b| *b = nonce.next().unwrap_or(0));
        let storage = || fixed(rfc6455::MIN_STORAGE_LEN);
        Connection::client(&request, Config::new(), storage(), storage(), keys).unwrap()
    };
    let mut input = b"HTTP/1.1 100 Continue\r\n\r\n".repeat(300);
    input.extend(RFC_RESPONSE);
    input.extend(server_frame(0x81, b"hi"));
    let out = all_ways(small_client, &input, false);
    assert_eq!(out.events, [Ev::Open(Some("chat".into())), text("hi")]);
}

#[test]
fn a_refused_client_can_read_the_response_head() {
    // §4.1: a status other than 101 is handled "per HTTP procedures": the
    // application reads Location or WWW-Authenticate itself.
    let response = b"HTTP/1.1 302 Found\r\nLocation: ws://other.example/chat\r\n\r\nmore bytes";
    for split in 0..=response.len() {
        let mut conn = client();
        let _request = conn.poll_transmit(&mut [0; 4096]);
        let mut events = Vec::new();
        for piece in [&response[..split], &response[split..]] {
            assert_eq!(conn.receive(piece), piece.len());
            while let Some(event) = conn.poll_event() {
                events.push(Ev::from(event));
            }
        }
        assert_eq!(
            events,
            [Ev::Error(Error::Handshake(
                HandshakeError::UnexpectedStatus(302)
            ))]
        );
        assert_eq!(conn.state(), State::Failed);
        assert!(conn.should_close_transport());
        // Input after the failure is ignored and does not overwrite the head.
        assert_eq!(conn.receive(&[0xAA; 5000]), 5000);
        let head = conn.response().expect("the refused response is kept");
        assert_eq!(head.status(), 302);
        assert_eq!(
            head.header("location"),
            Some(&b"ws://other.example/chat"[..])
        );
    }
    // Only a refusal keeps a response: not a bad 101, not a server.
    let mut conn = client();
    let _ = conn.receive(b"HTTP/1.1 101 OK\r\n\r\n");
    assert!(matches!(conn.poll_event(), Some(Err(_))));
    assert!(conn.response().is_none());
    assert!(server().response().is_none());
}

#[test]
fn client_refuses_an_accepted_extension_it_cannot_run() {
    let request = ClientRequest::new("h").extensions(&["permessage-deflate"]);
    let mut pair = Pair::connecting(&request, Config::new(), test_keys());
    // Hand-write a 101 that accepts the extension.
    let sent = pair.client.peek_transmit().to_vec();
    let key = String::from_utf8_lossy(&sent)
        .lines()
        .find_map(|l| l.strip_prefix("Sec-WebSocket-Key: ").map(str::to_owned))
        .unwrap();
    let accept = rfc6455::accept_key(key.as_bytes());
    let response = format!(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
Sec-WebSocket-Accept: {}\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n",
        accept.as_str()
    );
    let mut events = Vec::new();
    deliver(&mut pair.client, response.as_bytes(), &mut events);
    assert_eq!(
        events,
        [Ev::Error(Error::Handshake(
            HandshakeError::UnsupportedExtension
        ))]
    );
}

#[test]
fn server_role_is_reported() {
    assert_eq!(server().role(), Role::Server);
    assert_eq!(client().role(), Role::Client);
}
