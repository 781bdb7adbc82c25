//! The client side of the opening handshake (RFC 6455 §4.1): the request
//! writer and every check of the server's response.

#[path = "common/handshake_util.rs"]
mod util;

use rfc6455::{
    validate_response, ClientRequest, HandshakeError, HeadLimits, ResponseHead, Scheme, Status,
};
use rfc6455::{BufferTooSmall, Error, UsageError};
use util::{complete, crlf, feed, feed_complete};

const NONCE: [u8; 16] = *b"the sample nonce"; // key dGhlIHNhbXBsZSBub25jZQ==

fn write(request: &ClientRequest<'_>) -> Result<Vec<u8>, Error> {
    let mut out = [0u8; 1024];
    let n = request.write(NONCE, &mut out)?;
    Ok(out[..n].to_vec())
}

/// What the client learned, owned, for comparisons.
#[derive(Debug, PartialEq)]
struct Outcome {
    len: usize,
    subprotocol: Option<String>,
    extensions: Vec<String>,
}

/// Validates `response` (with `\n` line ends) against `ours`, fed all ways.
fn check(response: &str, ours: &[u8]) -> Result<Outcome, HandshakeError> {
    let input = crlf(response);
    feed_complete(&input, HeadLimits::new(), |buf| {
        let negotiated = complete(validate_response(buf, ours, HeadLimits::new())?);
        Ok(Outcome {
            len: negotiated.head_len(),
            subprotocol: negotiated.subprotocol().map(Into::into),
            extensions: negotiated.extensions().map(|e| e.name().into()).collect(),
        })
    })
}

fn plain_request() -> Vec<u8> {
    write(&ClientRequest::new("server.example.com").target("/chat")).unwrap()
}

const OK_101: &str = "HTTP/1.1 101 Switching Protocols\nUpgrade: websocket\n\
                      Connection: Upgrade\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\n";

#[test]
fn rfc6455_section_1_3_handshake_from_the_client_side() {
    let protocols = ["chat", "superchat"];
    let ours = write(
        &ClientRequest::new("server.example.com")
            .target("/chat")
            .origin("http://example.com")
            .subprotocols(&protocols),
    )
    .unwrap();
    let expected = crlf(
        "GET /chat HTTP/1.1\nHost: server.example.com\nUpgrade: websocket\n\
         Connection: Upgrade\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\n\
         Sec-WebSocket-Version: 13\nOrigin: http://example.com\n\
         Sec-WebSocket-Protocol: chat, superchat\n\n",
    );
    assert_eq!(ours, expected);
    let got = check(&format!("{OK_101}Sec-WebSocket-Protocol: chat\n\n"), &ours).unwrap();
    assert_eq!(got.subprotocol.as_deref(), Some("chat"));
    assert!(got.extensions.is_empty());
}

#[test]
fn section_4_1_host_has_the_port_only_when_not_default() {
    let host = |request: ClientRequest<'_>| {
        let bytes = write(&request).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        text.lines().nth(1).unwrap().to_string()
    };
    assert_eq!(host(ClientRequest::new("h")), "Host: h");
    assert_eq!(host(ClientRequest::new("h").port(80)), "Host: h");
    assert_eq!(host(ClientRequest::new("h").port(8080)), "Host: h:8080");
    assert_eq!(
        host(ClientRequest::new("h").scheme(Scheme::Wss).port(443)),
        "Host: h"
    );
    assert_eq!(
        host(ClientRequest::new("h").scheme(Scheme::Wss).port(80)),
        "Host: h:80"
    );
    assert_eq!(host(ClientRequest::new("h").scheme(Scheme::Wss)), "Host: h");
    assert_eq!(
        host(ClientRequest::new("::1").port(9001)),
        "Host: [::1]:9001"
    );
    assert_eq!(host(ClientRequest::new("[::1]")), "Host: [::1]");
    assert_eq!(
        host(ClientRequest::new("fe80::1:2").port(80)),
        "Host: [fe80::1:2]"
    );
    assert_eq!(
        host(ClientRequest::new("10.0.0.1").port(81)),
        "Host: 10.0.0.1:81"
    );
    assert_eq!(Scheme::Ws.default_port(), 80);
    assert_eq!(Scheme::Wss.default_port(), 443);
}

#[test]
fn section_4_1_request_carries_every_required_field() {
    let offers = ["permessage-deflate; client_max_window_bits", "x-foo"];
    let extra = [("Cookie", "a=1"), ("Authorization", "Bearer t")];
    let ours = write(
        &ClientRequest::new("h")
            .target("/a/b?c=d&e")
            .extensions(&offers)
            .headers(&extra),
    )
    .unwrap();
    let expected = crlf(
        "GET /a/b?c=d&e HTTP/1.1\nHost: h\nUpgrade: websocket\nConnection: Upgrade\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\nSec-WebSocket-Version: 13\n\
         Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits, x-foo\n\
         Cookie: a=1\nAuthorization: Bearer t\n\n",
    );
    assert_eq!(
        String::from_utf8(ours).unwrap(),
        String::from_utf8(expected).unwrap()
    );
}

#[test]
fn request_writer_refuses_malformed_input_and_injection() {
    let invalid = Err(Error::Usage(UsageError::InvalidHeader));
    let mut out = [0xAAu8; 1024];
    let cases: &[ClientRequest<'_>] = &[
        ClientRequest::new(""),
        ClientRequest::new("h\r\nX: y"),
        ClientRequest::new("a b"),
        ClientRequest::new("h/x"),
        // RFC 3986 §3.2.2: brackets and colons only around an IPv6 address;
        // a port goes in `.port()`.
        ClientRequest::new("example.com:8080"),
        ClientRequest::new("a]b"),
        ClientRequest::new("[example.com]"),
        ClientRequest::new("[::1"),
        ClientRequest::new("::g"),
        ClientRequest::new("h").target("chat"),
        ClientRequest::new("h").target(""),
        ClientRequest::new("h").target("/a b"),
        ClientRequest::new("h").target("/a\r\nX: y"),
        ClientRequest::new("h").target("/a#frag"),
        ClientRequest::new("h").target("/caf\u{e9}"),
        ClientRequest::new("h").origin("http://a\r\nX: y"),
        ClientRequest::new("h").origin(""),
        // RFC 6454 §6.2: an origin is ASCII (a server would refuse it).
        ClientRequest::new("h").origin("http://b\u{fc}cher.example"),
        ClientRequest::new("h").subprotocols(&["a b"]),
        ClientRequest::new("h").subprotocols(&[""]),
        ClientRequest::new("h").subprotocols(&["chat", "chat"]),
        ClientRequest::new("h").subprotocols(&["chat\r\nX: y"]),
        ClientRequest::new("h").extensions(&["a;"]),
        ClientRequest::new("h").extensions(&[""]),
        ClientRequest::new("h").extensions(&["a\r\nX: y"]),
        ClientRequest::new("h").headers(&[("X", "v\r\nEvil: 1")]),
        ClientRequest::new("h").headers(&[("X", "v\0")]),
        ClientRequest::new("h").headers(&[("X Y", "v")]),
        ClientRequest::new("h").headers(&[("Sec-WebSocket-Key", "forged")]),
        ClientRequest::new("h").headers(&[("host", "other")]),
        ClientRequest::new("h").headers(&[("Origin", "other")]),
        // An upgrade request has no content: frames would become its body.
        ClientRequest::new("h").headers(&[("Transfer-Encoding", "chunked")]),
        ClientRequest::new("h").headers(&[("content-length", "5")]),
    ];
    for request in cases {
        assert_eq!(request.write(NONCE, &mut out), invalid, "{request:?}");
        assert_eq!(out, [0xAA; 1024], "nothing written");
    }
}

#[test]
fn request_writer_reports_the_exact_size_when_too_small() {
    let request = ClientRequest::new("server.example.com").target("/chat");
    let n = plain_request().len();
    for len in 0..n {
        let mut out = vec![0u8; len];
        assert_eq!(
            request.write(NONCE, &mut out),
            Err(Error::BufferTooSmall(BufferTooSmall { required: n }))
        );
        assert!(out.iter().all(|&b| b == 0));
    }
    let mut out = vec![0u8; n];
    assert_eq!(request.write(NONCE, &mut out), Ok(n));
}

#[test]
fn section_4_1_status_other_than_101_fails_with_the_status() {
    let ours = plain_request();
    for (status, line) in [
        (200, "200 OK"),
        (302, "302 Found"),
        (401, "401 Unauthorized"),
        (426, "426 "),
    ] {
        let response = format!("HTTP/1.1 {line}\nLocation: /other\nWWW-Authenticate: Basic\n\n");
        assert_eq!(
            check(&response, &ours),
            Err(HandshakeError::UnexpectedStatus(status))
        );
        // The caller can still read the head, e.g. to follow a redirect.
        let bytes = crlf(&response);
        let head = complete(ResponseHead::parse(&bytes, HeadLimits::new()).unwrap());
        assert_eq!(head.status(), status);
        assert_eq!(head.header("location"), Some(&b"/other"[..]));
    }
}

#[test]
fn interim_responses_before_the_101_are_skipped() {
    // RFC 9110 §15.2: "A client MUST be able to parse one or more 1xx
    // responses received prior to a final response".
    let ours = plain_request();
    let interim = crlf("HTTP/1.1 100 Continue\n\nHTTP/1.1 102 Processing\nX: y\n\n");
    let mut input = interim.clone();
    input.extend(crlf(&format!("{OK_101}\n")));
    let head_end = input.len();
    input.extend(b"\x81\x02hi");
    let negotiated = complete(validate_response(&input, &ours, HeadLimits::new()).unwrap());
    assert_eq!(negotiated.head_len(), head_end);
    assert_eq!(negotiated.response().status(), 101);
    assert_eq!(&input[negotiated.head_len()..], b"\x81\x02hi");
    // Every prefix short of the 101's blank line is still incomplete.
    for end in 0..head_end {
        let got = validate_response(&input[..end], &ours, HeadLimits::new());
        assert!(matches!(got, Ok(Status::Partial)), "prefix of {end}");
    }
    // A final status after an interim one is still reported as such.
    let mut refused = interim;
    refused.extend(crlf("HTTP/1.1 403 Forbidden\n\n"));
    assert!(matches!(
        validate_response(&refused, &ours, HeadLimits::new()),
        Err(HandshakeError::UnexpectedStatus(403))
    ));
}

#[test]
fn section_4_1_upgrade_must_be_websocket() {
    let ours = plain_request();
    let err = Err(HandshakeError::MissingUpgrade);
    assert_eq!(
        check(
            &format!("{}\n", OK_101.replace("Upgrade: websocket\n", "")),
            &ours
        ),
        err
    );
    let h2c = OK_101.replace("Upgrade: websocket", "Upgrade: h2c");
    assert_eq!(check(&format!("{h2c}\n"), &ours), err);
    let both = OK_101.replace("Upgrade: websocket", "Upgrade: websocket, h2c");
    assert_eq!(check(&format!("{both}\n"), &ours), err);
    let upper = OK_101.replace("Upgrade: websocket", "UPGRADE: WebSocket");
    assert!(check(&format!("{upper}\n"), &ours).is_ok());
}

#[test]
fn section_4_1_connection_must_contain_upgrade() {
    let ours = plain_request();
    let err = Err(HandshakeError::MissingConnectionUpgrade);
    let none = OK_101.replace("Connection: Upgrade\n", "");
    assert_eq!(check(&format!("{none}\n"), &ours), err);
    let keep = OK_101.replace("Connection: Upgrade", "Connection: keep-alive");
    assert_eq!(check(&format!("{keep}\n"), &ours), err);
    let list = OK_101.replace("Connection: Upgrade", "connection: keep-alive, upgrade");
    assert!(check(&format!("{list}\n"), &ours).is_ok());
}

#[test]
fn section_4_1_accept_must_match_the_key() {
    let ours = plain_request();
    let err = Err(HandshakeError::AcceptMismatch);
    let missing = OK_101.replace("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\n", "");
    assert_eq!(check(&format!("{missing}\n"), &ours), err);
    let wrong = OK_101.replace(
        "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=",
        "s3pPLMBiTxaQ9kYGzzhZRbK+xOp=",
    );
    assert_eq!(check(&format!("{wrong}\n"), &ours), err);
    let case = OK_101.replace(
        "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=",
        "S3PPLMBITXAQ9KYGZZHZRBK+XOO=",
    );
    assert_eq!(check(&format!("{case}\n"), &ours), err);
    let twice = format!("{OK_101}Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\n\n");
    assert_eq!(check(&twice, &ours), err);
    // A different nonce gives a different key.
    let mut other = [0u8; 512];
    let n = ClientRequest::new("h").write([7; 16], &mut other).unwrap();
    assert_eq!(check(&format!("{OK_101}\n"), &other[..n]), err);
    // Surrounding whitespace is not part of the value.
    let spaced = OK_101
        .replace(": s3pP", ":   s3pP")
        .replace("xOo=\n", "xOo= \t\n");
    assert!(check(&format!("{spaced}\n"), &ours).is_ok());
}

#[test]
fn section_4_1_subprotocol_must_have_been_offered() {
    let offered = ["chat", "superchat"];
    let ours = write(&ClientRequest::new("h").subprotocols(&offered)).unwrap();
    let with = |p: &str| format!("{OK_101}Sec-WebSocket-Protocol: {p}\n\n");
    assert_eq!(
        check(&with("superchat"), &ours)
            .unwrap()
            .subprotocol
            .as_deref(),
        Some("superchat")
    );
    assert_eq!(
        check(&format!("{OK_101}\n"), &ours).unwrap().subprotocol,
        None
    );
    assert_eq!(
        check(&with("mqtt"), &ours),
        Err(HandshakeError::SubprotocolNotOffered)
    );
    assert_eq!(
        check(&with("Chat"), &ours),
        Err(HandshakeError::SubprotocolNotOffered)
    );
    // One value only (§4.2.2).
    assert_eq!(
        check(&with("chat, superchat"), &ours),
        Err(HandshakeError::InvalidSubprotocols)
    );
    let two = format!("{OK_101}Sec-WebSocket-Protocol: chat\nSec-WebSocket-Protocol: chat\n\n");
    assert_eq!(check(&two, &ours), Err(HandshakeError::InvalidSubprotocols));
    assert_eq!(
        check(&with(""), &ours),
        Err(HandshakeError::InvalidSubprotocols)
    );
    // Nothing offered: anything selected fails.
    let plain = plain_request();
    assert_eq!(
        check(&with("chat"), &plain),
        Err(HandshakeError::SubprotocolNotOffered)
    );
}

#[test]
fn section_4_1_extension_must_have_been_offered() {
    let plain = plain_request();
    let with = |e: &str| format!("{OK_101}Sec-WebSocket-Extensions: {e}\n\n");
    assert_eq!(
        check(&with("permessage-deflate"), &plain),
        Err(HandshakeError::ExtensionNotOffered)
    );
    let offers = ["permessage-deflate; client_max_window_bits", "x-foo; a=1"];
    let ours = write(&ClientRequest::new("h").extensions(&offers)).unwrap();
    let got = check(
        &with("permessage-deflate; server_max_window_bits=10"),
        &ours,
    )
    .unwrap();
    assert_eq!(got.extensions, ["permessage-deflate"]);
    let got = check(&with("x-foo, permessage-deflate"), &ours).unwrap();
    assert_eq!(got.extensions, ["x-foo", "permessage-deflate"]);
    assert_eq!(
        check(&with("x-bar"), &ours),
        Err(HandshakeError::ExtensionNotOffered)
    );
    assert_eq!(
        check(&with("x-foo;"), &ours),
        Err(HandshakeError::InvalidExtensions)
    );
}

#[test]
fn response_status_line_syntax() {
    let ours = plain_request();
    let no_reason = OK_101.replace("101 Switching Protocols", "101");
    assert!(check(&format!("{no_reason}\n"), &ours).is_ok());
    let empty_reason = OK_101.replace("101 Switching Protocols", "101 ");
    assert!(check(&format!("{empty_reason}\n"), &ours).is_ok());
    let http10 = OK_101.replace("HTTP/1.1", "HTTP/1.0");
    assert_eq!(
        check(&format!("{http10}\n"), &ours),
        Err(HandshakeError::UnsupportedHttpVersion)
    );
    for bad in [
        "HTTP/1.1 1010 X",
        "HTTP/1.1 10 X",
        "HTTP/1.1  101 X",
        "HTTP/1.1 1a1 X",
        "HTTP/1.1101",
        "FOO/1.1 101 X",
    ] {
        let response = OK_101.replace("HTTP/1.1 101 Switching Protocols", bad);
        assert_eq!(
            check(&format!("{response}\n"), &ours),
            Err(HandshakeError::InvalidStatusLine),
            "{bad}"
        );
    }
}

#[test]
fn responses_shaped_like_real_servers_are_accepted() {
    let ours = plain_request();
    // nginx proxying, Node ws, gorilla, Python websockets.
    for response in [
        "HTTP/1.1 101 Switching Protocols\nServer: nginx/1.24.0\nDate: Mon, 01 Jan 2024 00:00:00 GMT\n\
         Connection: upgrade\nUpgrade: websocket\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\n\n",
        "HTTP/1.1 101 Switching Protocols\nUpgrade: websocket\nConnection: Upgrade\n\
         Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\n\n",
        "HTTP/1.1 101 Switching Protocols\nUpgrade: websocket\nConnection: Upgrade\n\
         Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\n\n",
        "HTTP/1.1 101 Switching Protocols\nDate: Mon, 01 Jan 2024 00:00:00 GMT\nUpgrade: websocket\n\
         Connection: Upgrade\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\n\
         Server: Python/3.11 websockets/12.0\n\n",
    ] {
        assert!(check(response, &ours).is_ok(), "{response}");
    }
}

#[test]
fn bytes_after_the_101_are_left_for_the_frame_layer() {
    let ours = plain_request();
    let head = crlf(&format!("{OK_101}\n"));
    let mut input = head.clone();
    input.extend_from_slice(b"\x81\x05Hello\x89\x00");
    let got = feed(&input, HeadLimits::new(), |buf| {
        let negotiated = complete(validate_response(buf, &ours, HeadLimits::new())?);
        assert_eq!(&buf[negotiated.head_len()..], &input[head.len()..buf.len()]);
        Ok(negotiated.head_len())
    });
    assert_eq!(got, Ok(Some((head.len(), head.len()))));
}

#[test]
fn response_limits_and_partial_heads() {
    let ours = plain_request();
    let head = crlf(&format!("{OK_101}\n"));
    for end in 0..head.len() {
        assert!(validate_response(&head[..end], &ours, HeadLimits::new())
            .unwrap()
            .is_partial());
    }
    let exact = HeadLimits::new().with_max_head_len(head.len());
    assert!(validate_response(&head, &ours, exact)
        .unwrap()
        .is_complete());
    let short = HeadLimits::new().with_max_head_len(head.len() - 1);
    assert_eq!(
        validate_response(&head, &ours, short).map(|_| ()),
        Err(HandshakeError::HeadTooLarge)
    );
    let few = HeadLimits::new().with_max_headers(3);
    assert!(validate_response(&head, &ours, few).unwrap().is_complete());
    let fewer = HeadLimits::new().with_max_headers(2);
    assert_eq!(
        feed(&head, fewer, |_| Ok(())),
        Err(HandshakeError::TooManyHeaders)
    );
}

#[test]
fn our_own_request_must_be_complete() {
    let ours = plain_request();
    let response = crlf(&format!("{OK_101}\n"));
    let truncated = &ours[..ours.len() - 1];
    assert_eq!(
        validate_response(&response, truncated, HeadLimits::new()).map(|_| ()),
        Err(HandshakeError::InvalidRequestLine)
    );
    assert!(matches!(
        validate_response(&response, &ours, HeadLimits::new()),
        Ok(Status::Complete(_))
    ));
    // The key is what the response is checked against: exactly one.
    let text = String::from_utf8(ours.clone()).unwrap();
    let key_line = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
    assert!(text.contains(key_line));
    let without = text.replace(key_line, "");
    assert_eq!(
        validate_response(&response, without.as_bytes(), HeadLimits::new()).map(|_| ()),
        Err(HandshakeError::MissingKey)
    );
    let twice = text.replace(key_line, &key_line.repeat(2));
    assert_eq!(
        validate_response(&response, twice.as_bytes(), HeadLimits::new()).map(|_| ()),
        Err(HandshakeError::InvalidKey)
    );
}

#[test]
fn arbitrary_responses_never_panic() {
    let ours = write(
        &ClientRequest::new("h")
            .subprotocols(&["a", "b"])
            .extensions(&["x; y"]),
    )
    .unwrap();
    let base = crlf(&format!(
        "{OK_101}Sec-WebSocket-Protocol: a\nSec-WebSocket-Extensions: x; y=\"1\"\n\n"
    ));
    assert!(validate_response(&base, &ours, HeadLimits::new()).is_ok());
    let alphabet = b"\r\n\0 \t:;,=\"\\/aZ9\x7f\x80\xff";
    let mut state: u32 = 0x9e37_79b9;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        state as usize
    };
    for _ in 0..if cfg!(miri) { 100 } else { 20_000 } {
        let mut input = base.clone();
        for _ in 0..1 + next() % 3 {
            let at = next() % input.len();
            let byte = alphabet[next() % alphabet.len()];
            match next() % 3 {
                0 => input[at] = byte,
                1 => input.insert(at, byte),
                _ => {
                    input.remove(at);
                }
            }
        }
        if let Ok(Status::Complete(n)) = validate_response(&input, &ours, HeadLimits::new()) {
            let _ = n.extensions().map(|e| e.params().count()).sum::<usize>();
        }
        let _ = ResponseHead::parse(&input, HeadLimits::new().with_max_headers(3));
        // Garbage as "our request" must not panic either.
        let _ = validate_response(&base, &input, HeadLimits::new());
    }
}
