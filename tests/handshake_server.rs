//! The server side of the opening handshake (RFC 6455 §4.2): requests from
//! real clients, every §4.2.1 check, HTTP syntax, limits, and the writers.

#[path = "common/handshake_util.rs"]
mod util;

use rfc6455::{
    Accept, HandshakeError, HeadLimits, HeadScanner, Rejection, Request, RequestHead, Status,
};
use rfc6455::{BufferTooSmall, Error, UsageError};
use util::{complete, crlf, feed, feed_complete};

/// Everything a server reads from a request, owned, for comparisons.
#[derive(Debug, PartialEq)]
struct Summary {
    len: usize,
    target: String,
    path: String,
    query: Option<String>,
    host: String,
    origin: Option<String>,
    key: String,
    subprotocols: Vec<String>,
    extensions: Vec<String>,
    headers: Vec<(String, Vec<u8>)>,
}

fn summarize(buf: &[u8]) -> Result<Summary, HandshakeError> {
    let request = complete(Request::parse(buf, HeadLimits::new())?);
    Ok(Summary {
        len: request.head_len(),
        target: request.target().into(),
        path: request.path().into(),
        query: request.query().map(Into::into),
        host: request.host().into(),
        origin: request.origin().map(Into::into),
        key: request.key().into(),
        subprotocols: request.subprotocols().map(Into::into).collect(),
        extensions: request
            .extensions()
            .map(|e| {
                let mut s = String::from(e.name());
                for p in e.params() {
                    s.push(';');
                    s.push_str(p.name());
                    if let Some(v) = p.value() {
                        s.push('=');
                        s.push_str(v);
                    }
                }
                s
            })
            .collect(),
        headers: request
            .headers()
            .iter()
            .map(|h| (h.name.into(), h.value.into()))
            .collect(),
    })
}

/// Parses `text` (with `\n` line ends) all the ways, expecting success.
fn accepted(text: &str) -> Summary {
    let input = crlf(text);
    feed_complete(&input, HeadLimits::new(), summarize).expect("request accepted")
}

/// Parses `text` all the ways, expecting `err`.
fn rejected(text: &str, err: HandshakeError) {
    let input = crlf(text);
    assert_eq!(
        feed(&input, HeadLimits::new(), summarize),
        Err(err),
        "{text}"
    );
}

const GOOD: &str = "GET /chat HTTP/1.1\nHost: server.example.com\nUpgrade: websocket\n\
                    Connection: Upgrade\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\n\
                    Sec-WebSocket-Version: 13\n\n";

/// `GOOD` with one header line replaced (or removed, if `with` is empty).
fn good_with(line: &str, with: &str) -> String {
    let mut out = String::new();
    for l in GOOD.lines() {
        if l.starts_with(line) {
            if !with.is_empty() {
                out.push_str(with);
                out.push('\n');
            }
        } else {
            out.push_str(l);
            out.push('\n');
        }
    }
    out
}

#[test]
fn rfc6455_section_1_3_example_is_accepted_and_answered() {
    let request = accepted(
        "GET /chat HTTP/1.1\nHost: server.example.com\nUpgrade: websocket\n\
         Connection: Upgrade\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\n\
         Origin: http://example.com\nSec-WebSocket-Protocol: chat, superchat\n\
         Sec-WebSocket-Version: 13\n\n",
    );
    assert_eq!(request.path, "/chat");
    assert_eq!(request.host, "server.example.com");
    assert_eq!(request.origin.as_deref(), Some("http://example.com"));
    assert_eq!(request.subprotocols, ["chat", "superchat"]);

    let buf = crlf(
        "GET /chat HTTP/1.1\nHost: server.example.com\nUpgrade: websocket\n\
         Connection: Upgrade\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\n\
         Origin: http://example.com\nSec-WebSocket-Protocol: chat, superchat\n\
         Sec-WebSocket-Version: 13\n\n",
    );
    let request = complete(Request::parse(&buf, HeadLimits::new()).unwrap());
    let mut out = [0u8; 256];
    let n = request
        .accept(&Accept::new().subprotocol("chat"), &mut out)
        .unwrap();
    // RFC 6455 §1.3, the server's handshake.
    let expected = crlf(
        "HTTP/1.1 101 Switching Protocols\nUpgrade: websocket\nConnection: Upgrade\n\
         Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\nSec-WebSocket-Protocol: chat\n\n",
    );
    assert_eq!(&out[..n], &expected[..]);
}

#[test]
fn requests_shaped_like_real_clients_are_accepted() {
    // Chromium 120 (DevTools "copy request headers").
    let chromium = accepted(
        "GET /socket?token=abc HTTP/1.1\nHost: example.com:8080\nConnection: Upgrade\n\
         Pragma: no-cache\nCache-Control: no-cache\n\
         User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36\n\
         Upgrade: websocket\nOrigin: http://example.com:8080\nSec-WebSocket-Version: 13\n\
         Accept-Encoding: gzip, deflate, br\nAccept-Language: en-US,en;q=0.9\n\
         Cookie: session=abc; theme=dark\nSec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXDw==\n\
         Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\n\
         Sec-WebSocket-Protocol: chat, superchat\n\n",
    );
    assert_eq!(chromium.path, "/socket");
    assert_eq!(chromium.query.as_deref(), Some("token=abc"));
    assert_eq!(
        chromium.extensions,
        ["permessage-deflate;client_max_window_bits"]
    );
    assert_eq!(chromium.headers.len(), 14);

    // Firefox 121: `Connection: keep-alive, Upgrade`, Sec-Fetch-* headers.
    let firefox = accepted(
        "GET /chat HTTP/1.1\nHost: example.com\n\
         User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0\n\
         Accept: */*\nAccept-Language: en-US,en;q=0.5\nAccept-Encoding: gzip, deflate, br\n\
         Sec-WebSocket-Version: 13\nOrigin: https://example.com\n\
         Sec-WebSocket-Extensions: permessage-deflate\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\nConnection: keep-alive, Upgrade\n\
         Sec-Fetch-Dest: empty\nSec-Fetch-Mode: websocket\nSec-Fetch-Site: same-origin\n\
         Pragma: no-cache\nCache-Control: no-cache\nUpgrade: websocket\n\n",
    );
    assert_eq!(firefox.extensions, ["permessage-deflate"]);
    assert_eq!(firefox.origin.as_deref(), Some("https://example.com"));

    // curl 8 (`curl ws://localhost:8080/`).
    let curl = accepted(
        "GET / HTTP/1.1\nHost: localhost:8080\nUser-Agent: curl/8.5.0\nAccept: */*\n\
         Upgrade: websocket\nSec-WebSocket-Version: 13\n\
         Sec-WebSocket-Key: 8Hx0XoMMi5KDVuIXL0vZSA==\nConnection: Upgrade\n\n",
    );
    assert_eq!(curl.origin, None);
    assert!(curl.subprotocols.is_empty());

    // Python websockets 12.
    let python = accepted(
        "GET /path HTTP/1.1\nHost: localhost:8765\nUpgrade: websocket\nConnection: Upgrade\n\
         Sec-WebSocket-Key: 9BqYGcdWBn0GBY1hQ5qAWg==\nSec-WebSocket-Version: 13\n\
         Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\n\
         User-Agent: Python/3.11 websockets/12.0\n\n",
    );
    assert_eq!(python.host, "localhost:8765");

    // Node ws 8.
    let node = accepted(
        "GET / HTTP/1.1\nSec-WebSocket-Version: 13\nSec-WebSocket-Key: 6lPBmPe8oPXSu1MYiAu4Aw==\n\
         Connection: Upgrade\nUpgrade: websocket\n\
         Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\n\
         Host: localhost:8080\n\n",
    );
    assert_eq!(node.key, "6lPBmPe8oPXSu1MYiAu4Aw==");

    // Go gorilla/websocket, compression enabled.
    let gorilla = accepted(
        "GET /ws HTTP/1.1\nHost: localhost:8080\nUser-Agent: Go-http-client/1.1\n\
         Connection: Upgrade\nSec-WebSocket-Key: 2V2qOSWvU6rNoCDrWlTIMw==\n\
         Sec-WebSocket-Version: 13\nUpgrade: websocket\n\
         Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover; client_no_context_takeover\n\n",
    );
    assert_eq!(
        gorilla.extensions,
        ["permessage-deflate;server_no_context_takeover;client_no_context_takeover"]
    );

    // Old Safari and Java clients: `Upgrade: WebSocket`, lowercase names.
    let mixed_case = accepted(
        "GET / HTTP/1.1\nhost: h\nupgrade: WebSocket\nconnection: UPGRADE\n\
         sec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\nsec-websocket-version: 13\n\n",
    );
    assert_eq!(mixed_case.host, "h");
}

#[test]
fn section_4_2_1_item_1_requires_get() {
    rejected(
        &GOOD.replacen("GET", "POST", 1),
        HandshakeError::MethodNotGet,
    );
    rejected(
        &GOOD.replacen("GET", "get", 1),
        HandshakeError::MethodNotGet,
    );
    assert_eq!(HandshakeError::MethodNotGet.status(), 400);
}

#[test]
fn section_4_2_1_item_1_requires_http_1_1_or_later() {
    let err = HandshakeError::UnsupportedHttpVersion;
    rejected(&GOOD.replacen("HTTP/1.1", "HTTP/1.0", 1), err);
    rejected(&GOOD.replacen("HTTP/1.1", "HTTP/2.0", 1), err);
    rejected(&GOOD.replacen("HTTP/1.1", "HTTP/0.9", 1), err);
    accepted(&GOOD.replacen("HTTP/1.1", "HTTP/1.2", 1));
    rejected(
        &GOOD.replacen("HTTP/1.1", "HTTP/1.10", 1),
        HandshakeError::InvalidRequestLine,
    );
    rejected(
        &GOOD.replacen("HTTP/1.1", "http/1.1", 1),
        HandshakeError::InvalidRequestLine,
    );
    assert_eq!(err.status(), 400);
}

#[test]
fn section_4_2_1_item_1_request_uri_forms() {
    let abs = accepted(&GOOD.replacen("/chat", "ws://server.example.com/chat?x=1", 1));
    assert_eq!(
        (abs.path.as_str(), abs.query.as_deref()),
        ("/chat", Some("x=1"))
    );
    let err = HandshakeError::InvalidRequestTarget;
    rejected(&GOOD.replacen("/chat", "*", 1), err);
    rejected(&GOOD.replacen("/chat", "/chat#frag", 1), err);
    rejected(&GOOD.replacen("/chat", "server.example.com:80", 1), err);
    rejected(
        &GOOD.replacen("/chat", "ws://user@server.example.com/", 1),
        err,
    );
}

#[test]
fn absolute_form_target_names_the_host() {
    // RFC 9112 §3.2.2: the authority of an absolute-form target wins over
    // the Host header.
    let abs = accepted(&GOOD.replacen("/chat", "http://other.example:8080/chat", 1));
    assert_eq!(abs.host, "other.example:8080");
    assert_eq!(accepted(GOOD).host, "server.example.com");
}

#[test]
fn a_request_with_a_body_is_refused() {
    // RFC 9112 §6: an upgrade request has no content; body bytes would be
    // read as frames, and both framings at once is request smuggling.
    let err = HandshakeError::RequestBody;
    rejected(
        &good_with("Upgrade:", "Upgrade: websocket\nTransfer-Encoding: chunked"),
        err,
    );
    rejected(
        &good_with("Upgrade:", "Upgrade: websocket\nContent-Length: 5"),
        err,
    );
    rejected(
        &good_with(
            "Upgrade:",
            "Upgrade: websocket\nTransfer-Encoding: chunked\nContent-Length: 5",
        ),
        err,
    );
    assert_eq!(err.status(), 400);
    accepted(&good_with(
        "Upgrade:",
        "Upgrade: websocket\nContent-Length: 0",
    ));
    // No content, so `Expect: 100-continue` needs no interim response (RFC
    // 9110 §10.1.1: the server MAY omit it when the framing says there is no
    // content).
    accepted(&good_with(
        "Upgrade:",
        "Upgrade: websocket\nExpect: 100-continue",
    ));
}

#[test]
fn section_4_2_1_item_2_requires_one_host() {
    rejected(&good_with("Host:", ""), HandshakeError::MissingHost);
    let twice = good_with("Host:", "Host: a.example\nHost: b.example");
    rejected(&twice, HandshakeError::InvalidHost);
    rejected(&good_with("Host:", "Host:"), HandshakeError::InvalidHost);
    rejected(
        &good_with("Host:", "Host: a b"),
        HandshakeError::InvalidHost,
    );
    assert_eq!(
        accepted(&good_with("Host:", "Host: [::1]:9001")).host,
        "[::1]:9001"
    );
}

#[test]
fn section_4_2_1_item_3_requires_upgrade_websocket() {
    let err = HandshakeError::MissingUpgrade;
    rejected(&good_with("Upgrade:", ""), err);
    rejected(&good_with("Upgrade:", "Upgrade: h2c"), err);
    rejected(&good_with("Upgrade:", "Upgrade: websockets"), err);
    accepted(&good_with("Upgrade:", "Upgrade: WEBSOCKET"));
    accepted(&good_with("Upgrade:", "Upgrade: h2c, websocket"));
    accepted(&good_with("Upgrade:", "Upgrade: h2c\nUpgrade: websocket"));
}

#[test]
fn section_4_2_1_item_4_requires_connection_upgrade() {
    let err = HandshakeError::MissingConnectionUpgrade;
    rejected(&good_with("Connection:", ""), err);
    rejected(&good_with("Connection:", "Connection: keep-alive"), err);
    rejected(&good_with("Connection:", "Connection: Upgraded"), err);
    accepted(&good_with("Connection:", "Connection: keep-alive, upgrade"));
    accepted(&good_with(
        "Connection:",
        "Connection: keep-alive\nConnection: ,Upgrade ,",
    ));
}

#[test]
fn section_4_2_1_item_5_requires_a_16_byte_key() {
    rejected(
        &good_with("Sec-WebSocket-Key:", ""),
        HandshakeError::MissingKey,
    );
    let err = HandshakeError::InvalidKey;
    for bad in [
        "Sec-WebSocket-Key:",
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ", // unpadded
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25j",   // 15 bytes
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZXg=", // 17 bytes
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==AA",
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZ*==",
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
    ] {
        rejected(&good_with("Sec-WebSocket-Key:", bad), err);
    }
    assert_eq!(err.status(), 400);
}

#[test]
fn section_4_2_1_item_6_requires_version_13_else_426() {
    let err = HandshakeError::UnsupportedWebSocketVersion;
    assert_eq!(err.status(), 426);
    rejected(&good_with("Sec-WebSocket-Version:", ""), err);
    rejected(
        &good_with("Sec-WebSocket-Version:", "Sec-WebSocket-Version: 8"),
        err,
    );
    rejected(
        &good_with("Sec-WebSocket-Version:", "Sec-WebSocket-Version: 13, 8"),
        err,
    );
    let twice = "Sec-WebSocket-Version: 13\nSec-WebSocket-Version: 13";
    rejected(&good_with("Sec-WebSocket-Version:", twice), err);

    // RFC 6455 §4.4: the 426 names the versions the server speaks.
    let mut out = [0u8; 256];
    let n = Rejection::from(err).write(&mut out).unwrap();
    let body = err.reason();
    let expected = format!(
        "HTTP/1.1 426 Upgrade Required\r\nSec-WebSocket-Version: 13\r\n\
         Content-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    );
    assert_eq!(std::str::from_utf8(&out[..n]).unwrap(), expected);
}

#[test]
fn section_4_2_1_items_7_to_10_optional_headers_are_exposed() {
    let request = accepted(&good_with(
        "Sec-WebSocket-Version:",
        "Sec-WebSocket-Version: 13\nOrigin: https://app.example\n\
         Sec-WebSocket-Protocol: v2.chat\nSec-WebSocket-Protocol: v1.chat, , mqtt\n\
         Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=\"15\", x-foo\n\
         Sec-WebSocket-Extensions: bar; a=1\nX-Custom: caf\u{e9}",
    ));
    assert_eq!(request.origin.as_deref(), Some("https://app.example"));
    assert_eq!(request.subprotocols, ["v2.chat", "v1.chat", "mqtt"]);
    assert_eq!(
        request.extensions,
        [
            "permessage-deflate;client_max_window_bits=15",
            "x-foo",
            "bar;a=1"
        ]
    );
    let custom = &request.headers.last().unwrap();
    assert_eq!(
        (custom.0.as_str(), &custom.1[..]),
        ("X-Custom", "café".as_bytes())
    );

    let err = HandshakeError::InvalidSubprotocols;
    rejected(
        &good_with(
            "Connection:",
            "Connection: Upgrade\nSec-WebSocket-Protocol: a b",
        ),
        err,
    );
    rejected(
        &good_with(
            "Connection:",
            "Connection: Upgrade\nSec-WebSocket-Protocol: a/b",
        ),
        err,
    );
    let err = HandshakeError::InvalidExtensions;
    rejected(
        &good_with(
            "Connection:",
            "Connection: Upgrade\nSec-WebSocket-Extensions: a;",
        ),
        err,
    );
    let two_origins = "Connection: Upgrade\nOrigin: https://a\nOrigin: https://b";
    rejected(
        &good_with("Connection:", two_origins),
        HandshakeError::InvalidHeaderValue,
    );
}

#[test]
fn header_lookup_is_case_insensitive_and_lazy() {
    let buf = crlf(&good_with(
        "Connection:",
        "connection: keep-alive\nCONNECTION: Upgrade",
    ));
    let request = complete(Request::parse(&buf, HeadLimits::new()).unwrap());
    assert_eq!(request.header("HOST"), Some(&b"server.example.com"[..]));
    assert_eq!(request.header("connection"), Some(&b"keep-alive"[..]));
    assert_eq!(request.headers().values("Connection").count(), 2);
    assert!(request
        .headers()
        .list("connection")
        .contains_token("UPGRADE"));
    assert_eq!(request.header("missing"), None);
    assert_eq!(request.headers().len(), 6);
}

#[test]
fn http_syntax_errors_are_rejected() {
    use HandshakeError::*;
    let cases: &[(&[u8], HandshakeError)] = &[
        (b"GET / HTTP/1.1\nHost: a\r\n\r\n", InvalidLineEnding), // bare LF
        (b"GET / HTTP/1.1\r\nHost: a\n\n", InvalidLineEnding),
        (b"GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n", InvalidLineEnding), // bare CR
        (b"GET / HTTP/1.1\r\nHost: a\r\r\n\r\n", InvalidLineEnding),
        (b"GET / HTTP/1.1\r\nHost: a\0\r\n\r\n", NulByte),
        (b"GET / HTTP/1.1\r\nX: a\r\n folded\r\n\r\n", ObsFold),
        (b"GET / HTTP/1.1\r\n\tX: a\r\n\r\n", ObsFold),
        (b"GET / HTTP/1.1\r\nX : a\r\n\r\n", InvalidHeaderName),
        (b"GET / HTTP/1.1\r\nX(y): a\r\n\r\n", InvalidHeaderName),
        (b"GET / HTTP/1.1\r\n\xc3\xa9: a\r\n\r\n", InvalidHeaderName),
        (b"GET / HTTP/1.1\r\nNo colon\r\n\r\n", InvalidHeaderName),
        (b"GET / HTTP/1.1\r\n: a\r\n\r\n", InvalidHeaderName),
        (b"GET / HTTP/1.1\r\nX: a\x01b\r\n\r\n", InvalidHeaderValue),
        (b"GET / HTTP/1.1\r\nX: a\x7fb\r\n\r\n", InvalidHeaderValue),
        (
            b"GET /\xc3\xa9 HTTP/1.1\r\nHost: a\r\n\r\n",
            InvalidRequestLine,
        ),
        (b"GET /a b HTTP/1.1\r\nHost: a\r\n\r\n", InvalidRequestLine),
        (b"GET  / HTTP/1.1\r\nHost: a\r\n\r\n", InvalidRequestLine),
        (b"GET / HTTP/1.1 \r\nHost: a\r\n\r\n", InvalidRequestLine),
        (b"G(T / HTTP/1.1\r\nHost: a\r\n\r\n", InvalidRequestLine),
        (b"GET /\r\nHost: a\r\n\r\n", InvalidRequestLine),
        (b"\r\n", InvalidRequestLine),
        (b"\r\nGET / HTTP/1.1\r\n\r\n", InvalidRequestLine),
    ];
    for &(input, err) in cases {
        let got = feed(input, HeadLimits::new(), |buf| {
            RequestHead::parse(buf, HeadLimits::new()).map(|s| complete(s).head_len())
        });
        assert_eq!(got, Err(err), "{:?}", String::from_utf8_lossy(input));
        assert_eq!(err.status(), 400);
    }
    // obs-text is allowed in values (RFC 9110 §5.5).
    let ok = feed(
        b"GET / HTTP/1.1\r\nX: \xff\x80\r\n\r\n",
        HeadLimits::new(),
        |buf| {
            RequestHead::parse(buf, HeadLimits::new())
                .map(|s| complete(s).header("x").map(<[u8]>::to_vec))
        },
    );
    assert_eq!(ok, Ok(Some((25, Some(vec![0xff, 0x80])))));
}

/// A valid request of exactly `len` bytes with `headers` header lines
/// (at least 6: the five of `GOOD` and a padding one).
fn sized_request(len: usize, headers: usize) -> Vec<u8> {
    let mut head = GOOD.trim_end().to_string();
    for i in 6..headers {
        head.push_str(&format!("\nX-{i}: v"));
    }
    head.push_str("\nX-Pad: ");
    let current = crlf(&head).len() + 4; // CRLF CRLF still to come
    head.push_str(&"p".repeat(len - current));
    head.push_str("\n\n");
    let bytes = crlf(&head);
    assert_eq!(bytes.len(), len);
    bytes
}

#[test]
fn head_length_limit_exactly_reached_is_accepted_one_more_is_431() {
    let limits = HeadLimits::new().with_max_head_len(300);
    let parse = |buf: &[u8]| Request::parse(buf, limits).map(|s| complete(s).head_len());
    let at_limit = sized_request(300, 7);
    assert_eq!(feed(&at_limit, limits, parse), Ok(Some((300, 300))));
    let over = sized_request(301, 7);
    assert_eq!(
        feed(&over, limits, parse),
        Err(HandshakeError::HeadTooLarge)
    );
    // A partial head already longer than the limit fails before its end.
    let mut scanner = HeadScanner::with_limits(limits);
    assert_eq!(scanner.scan(&over[..299]), Ok(Status::Partial));
    assert_eq!(
        scanner.scan(&over[..300]),
        Err(HandshakeError::HeadTooLarge)
    );
    assert_eq!(HandshakeError::HeadTooLarge.status(), 431);
    // Bytes after a head within the limit do not count against it.
    let mut pipelined = at_limit.clone();
    pipelined.extend_from_slice(&[0x81; 50]);
    assert_eq!(feed(&pipelined, limits, parse), Ok(Some((300, 300))));
    // The default limit is 8 KiB.
    let parse = |buf: &[u8]| Request::parse(buf, HeadLimits::new()).map(|s| complete(s).head_len());
    let big = sized_request(8192, 7);
    assert!(Request::parse(&big, HeadLimits::new()).is_ok());
    let big = sized_request(8193, 7);
    assert_eq!(parse(&big), Err(HandshakeError::HeadTooLarge));
}

#[test]
fn header_count_limit_exactly_reached_is_accepted_one_more_is_431() {
    let limits = HeadLimits::new().with_max_headers(10);
    let parse = |buf: &[u8]| Request::parse(buf, limits).map(|s| complete(s).headers().len());
    let at_limit = sized_request(400, 10);
    assert_eq!(feed(&at_limit, limits, parse), Ok(Some((400, 10))));
    let over = sized_request(400, 11);
    assert_eq!(
        feed(&over, limits, parse),
        Err(HandshakeError::TooManyHeaders)
    );
    assert_eq!(HandshakeError::TooManyHeaders.status(), 431);
    // The parse checks the limit too, without a scanner.
    assert_eq!(parse(&over), Err(HandshakeError::TooManyHeaders));
    // Default: 64.
    let default =
        |buf: &[u8]| Request::parse(buf, HeadLimits::new()).map(|s| complete(s).head_len());
    assert!(default(&sized_request(2000, 64)).is_ok());
    assert_eq!(
        default(&sized_request(2000, 65)),
        Err(HandshakeError::TooManyHeaders)
    );
}

#[test]
fn bytes_after_the_request_head_are_left_for_the_frame_layer() {
    let head = crlf(GOOD);
    let frame = [
        0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58,
    ];
    let mut input = head.clone();
    input.extend_from_slice(&frame);
    let got = feed(&input, HeadLimits::new(), |buf| {
        let request = complete(Request::parse(buf, HeadLimits::new())?);
        // Whatever part of the frame arrived with the head is still there.
        assert_eq!(
            &buf[request.head_len()..],
            &frame[..buf.len() - request.head_len()]
        );
        Ok(request.head_len())
    });
    assert_eq!(got, Ok(Some((head.len(), head.len()))));
}

#[test]
fn incomplete_heads_are_partial_not_errors() {
    let head = crlf(GOOD);
    for end in 0..head.len() {
        assert_eq!(
            Request::parse(&head[..end], HeadLimits::new()).map(|s| s.is_partial()),
            Ok(true)
        );
    }
    assert_eq!(
        feed(&head[..head.len() - 1], HeadLimits::new(), summarize),
        Ok(None)
    );
}

fn parsed(buf: &[u8]) -> Request<'_> {
    complete(Request::parse(buf, HeadLimits::new()).unwrap())
}

#[test]
fn accept_writes_the_101_with_extra_headers() {
    let buf = crlf(&good_with(
        "Connection:",
        "Connection: Upgrade\nSec-WebSocket-Protocol: a, b",
    ));
    let request = parsed(&buf);
    let headers = [("Set-Cookie", "id=1; HttpOnly"), ("X-Empty", "")];
    let mut out = [0u8; 512];
    let n = request
        .accept(&Accept::new().subprotocol("b").headers(&headers), &mut out)
        .unwrap();
    let expected = crlf(
        "HTTP/1.1 101 Switching Protocols\nUpgrade: websocket\nConnection: Upgrade\n\
         Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\nSec-WebSocket-Protocol: b\n\
         Set-Cookie: id=1; HttpOnly\nX-Empty: \n\n",
    );
    assert_eq!(&out[..n], &expected[..]);
    // No subprotocol, no extensions header: §4.2.2 allows both.
    let n = request.accept(&Accept::new(), &mut out).unwrap();
    assert!(!std::str::from_utf8(&out[..n])
        .unwrap()
        .contains("Sec-WebSocket-Protocol"));
    assert!(!std::str::from_utf8(&out[..n])
        .unwrap()
        .contains("Extensions"));
}

#[test]
fn accept_refuses_a_subprotocol_not_offered() {
    let buf = crlf(&good_with(
        "Connection:",
        "Connection: Upgrade\nSec-WebSocket-Protocol: chat",
    ));
    let request = parsed(&buf);
    let mut out = [0u8; 512];
    for chosen in ["superchat", "Chat", "chat, superchat", ""] {
        let err = request.accept(&Accept::new().subprotocol(chosen), &mut out);
        assert_eq!(
            err,
            Err(Error::Usage(UsageError::SubprotocolNotOffered)),
            "{chosen}"
        );
    }
}

#[test]
fn header_injection_is_refused_by_every_writer() {
    let buf = crlf(GOOD);
    let request = parsed(&buf);
    let mut out = [0u8; 512];
    let bad_headers: &[(&str, &str)] = &[
        ("X-A", "v\r\nSet-Cookie: evil=1"),
        ("X-A", "v\nX: y"),
        ("X-A", "v\rX: y"),
        ("X-A", "v\0"),
        ("X-A\r\nEvil", "v"),
        ("X A", "v"),
        ("X-A:", "v"),
        ("", "v"),
        ("Sec-WebSocket-Accept", "forged"),
        ("connection", "close"),
        ("Content-Length", "0"),
    ];
    let invalid = Err(Error::Usage(UsageError::InvalidHeader));
    for header in bad_headers {
        let headers = [*header];
        out.fill(0xAA);
        assert_eq!(
            request.accept(&Accept::new().headers(&headers), &mut out),
            invalid
        );
        assert_eq!(out, [0xAA; 512], "nothing written");
        let name = header.0;
        if !name.eq_ignore_ascii_case("Sec-WebSocket-Accept") {
            assert_eq!(
                Rejection::new(403).headers(&headers).write(&mut out),
                invalid,
                "{header:?}"
            );
        }
    }
    assert_eq!(
        Rejection::new(403).reason("No\r\nX: y").write(&mut out),
        invalid
    );
    assert_eq!(Rejection::new(101).write(&mut out), invalid);
    assert_eq!(Rejection::new(199).write(&mut out), invalid);
    assert_eq!(Rejection::new(600).write(&mut out), invalid);
    // RFC 9110 §8.6: a 204 has no content, so neither a body nor a length.
    assert_eq!(Rejection::new(204).body(b"x").write(&mut out), invalid);
    assert_eq!(Rejection::new(304).body(b"x").write(&mut out), invalid);
    let n = Rejection::new(304).write(&mut out).unwrap();
    assert_eq!(
        &out[..n],
        b"HTTP/1.1 304 Not Modified\r\nConnection: close\r\n\r\n"
    );
    let n = Rejection::new(204).write(&mut out).unwrap();
    assert_eq!(
        &out[..n],
        b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n"
    );
}

#[test]
fn writers_report_the_exact_size_and_write_nothing_when_too_small() {
    let buf = crlf(GOOD);
    let request = parsed(&buf);
    let mut big = [0u8; 512];
    let n = request.accept(&Accept::new(), &mut big).unwrap();
    for len in 0..n {
        let mut out = vec![0x55u8; len];
        assert_eq!(
            request.accept(&Accept::new(), &mut out),
            Err(Error::BufferTooSmall(BufferTooSmall { required: n }))
        );
        assert!(out.iter().all(|&b| b == 0x55));
    }
    let mut exact = vec![0u8; n];
    assert_eq!(request.accept(&Accept::new(), &mut exact), Ok(n));
    assert_eq!(exact, big[..n]);

    let rejection = Rejection::from(HandshakeError::MissingKey);
    let n = rejection.write(&mut big).unwrap();
    let mut small = vec![0u8; n - 1];
    assert_eq!(
        rejection.write(&mut small),
        Err(Error::BufferTooSmall(BufferTooSmall { required: n }))
    );
    assert!(small.iter().all(|&b| b == 0));
}

#[test]
fn error_responses_carry_status_reason_and_plain_text_body() {
    let mut out = [0u8; 256];
    for (err, line) in [
        (HandshakeError::MissingKey, "HTTP/1.1 400 Bad Request\r\n"),
        (HandshakeError::MethodNotGet, "HTTP/1.1 400 Bad Request\r\n"),
        (
            HandshakeError::HeadTooLarge,
            "HTTP/1.1 431 Request Header Fields Too Large\r\n",
        ),
        (
            HandshakeError::TooManyHeaders,
            "HTTP/1.1 431 Request Header Fields Too Large\r\n",
        ),
    ] {
        let n = Rejection::from(err).write(&mut out).unwrap();
        let text = std::str::from_utf8(&out[..n]).unwrap();
        assert!(text.starts_with(line), "{text}");
        assert!(text.contains("\r\nContent-Type: text/plain; charset=utf-8\r\n"));
        assert!(text.contains("\r\nConnection: close\r\n"));
        assert!(!text.contains("Sec-WebSocket-Version"));
        assert!(text.ends_with(&format!("\r\n\r\n{}", err.reason())));
    }
}

#[test]
fn every_426_names_the_supported_version() {
    // RFC 6455 §4.4, even when the application adds headers of its own.
    let mut out = [0u8; 256];
    let extra = [("Retry-After", "5")];
    for rejection in [
        Rejection::from(HandshakeError::UnsupportedWebSocketVersion),
        Rejection::from(HandshakeError::UnsupportedWebSocketVersion).headers(&extra),
        Rejection::new(426),
    ] {
        let n = rejection.write(&mut out).unwrap();
        let text = std::str::from_utf8(&out[..n]).unwrap();
        assert!(
            text.starts_with("HTTP/1.1 426 Upgrade Required\r\n"),
            "{text}"
        );
        assert_eq!(text.matches("\r\nSec-WebSocket-Version: 13\r\n").count(), 1);
    }
    // The application may name other versions itself; then only those.
    let own = [("Sec-WebSocket-Version", "13, 8")];
    let n = Rejection::new(426).headers(&own).write(&mut out).unwrap();
    let text = std::str::from_utf8(&out[..n]).unwrap();
    assert!(
        text.contains("\r\nSec-WebSocket-Version: 13, 8\r\n"),
        "{text}"
    );
    assert_eq!(text.matches("Sec-WebSocket-Version").count(), 1);
}

#[test]
fn applications_can_reject_with_any_status_headers_and_body() {
    let mut out = [0u8; 256];
    let headers = [
        ("Content-Type", "text/plain"),
        ("WWW-Authenticate", "Bearer"),
    ];
    let n = Rejection::new(403)
        .headers(&headers)
        .body(b"origin not allowed")
        .write(&mut out)
        .unwrap();
    let expected = "HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\n\
                    WWW-Authenticate: Bearer\r\nContent-Length: 18\r\nConnection: close\r\n\r\n\
                    origin not allowed";
    assert_eq!(std::str::from_utf8(&out[..n]).unwrap(), expected);
    let n = Rejection::new(499)
        .reason("Custom Thing")
        .write(&mut out)
        .unwrap();
    assert!(out[..n].starts_with(b"HTTP/1.1 499 Custom Thing\r\n"));
    let n = Rejection::new(599).write(&mut out).unwrap();
    assert!(out[..n].starts_with(b"HTTP/1.1 599 \r\n"));
}

#[test]
fn arbitrary_bytes_never_panic() {
    // A small deterministic generator: mutate a good request many ways.
    let base = crlf(
        "GET /chat?x HTTP/1.1\nHost: h\nUpgrade: websocket\nConnection: Upgrade\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\nSec-WebSocket-Version: 13\n\
         Sec-WebSocket-Protocol: a, b\nSec-WebSocket-Extensions: x; y=\"1\", z\n\n",
    );
    let alphabet = b"\r\n\0 \t:;,=\"\\/?#aZ9\x7f\x80\xff";
    let mut state: u32 = 0x1234_5678;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        state as usize
    };
    let mut out = [0u8; 1024];
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
        let mut scanner = HeadScanner::with_limits(HeadLimits::new().with_max_headers(8));
        let _ = scanner.scan(&input);
        if let Ok(Status::Complete(request)) = Request::parse(&input, HeadLimits::new()) {
            let _ = request.subprotocols().count();
            for offer in request.extensions() {
                let _ = offer.params().count();
            }
            let chosen = request.subprotocols().next();
            let mut accept = Accept::new();
            if let Some(chosen) = chosen {
                accept = accept.subprotocol(chosen);
            }
            assert!(request.accept(&accept, &mut out).is_ok());
        }
        let _ = RequestHead::parse(&input, HeadLimits::new());
    }
}
