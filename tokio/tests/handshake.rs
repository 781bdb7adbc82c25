//! The opening handshake: decisions, refusals and what errors say.

use rfc6455::{ClientRequest, HandshakeError};
use rfc6455_tokio::{Accept, Error, Rejection};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::test]
async fn the_hook_sees_the_request_and_picks_a_subprotocol() {
    let (a, b) = tokio::io::duplex(4096);
    let request = ClientRequest::new("example.com")
        .target("/chat?room=1")
        .origin("https://example.com")
        .subprotocols(&["v2", "chat"])
        .headers(&[("X-Token", "abc")]);
    let (client, server) = tokio::join!(
        rfc6455_tokio::client(&request, a),
        rfc6455_tokio::accept_with(b, |request| {
            assert_eq!(request.path(), "/chat");
            assert_eq!(request.query(), Some("room=1"));
            assert_eq!(request.origin(), Some("https://example.com"));
            assert_eq!(request.header("X-Token"), Some(&b"abc"[..]));
            let chosen = request
                .subprotocols()
                .find(|p| ["chat", "superchat"].contains(p));
            Ok(Accept::new()
                .subprotocol(chosen.unwrap())
                .header("X-Served-By", "test"))
        }),
    );
    assert_eq!(client.unwrap().protocol(), Some("chat"));
    assert_eq!(server.unwrap().protocol(), Some("chat"));
}

#[tokio::test]
async fn a_rejection_reaches_the_client_with_status_headers_and_body() {
    let (a, b) = tokio::io::duplex(4096);
    let request = ClientRequest::new("example.com").origin("https://evil.example");
    let (client, server) = tokio::join!(
        rfc6455_tokio::client(&request, a),
        rfc6455_tokio::accept_with(b, |_| {
            Err(Rejection::new(403)
                .header("X-Reason", "origin")
                .body("unknown origin"))
        }),
    );
    assert!(matches!(server, Err(Error::Rejected { status: 403 })));
    let Err(Error::Refused(refusal)) = client else {
        panic!("{client:?}");
    };
    assert_eq!(
        (refusal.status, refusal.reason.as_str()),
        (403, "Forbidden")
    );
    assert_eq!(refusal.header("x-reason"), Some(&b"origin"[..]));
    assert_eq!(refusal.body, b"unknown origin");
    let shown = Error::Refused(refusal).to_string();
    assert_eq!(
        shown,
        "the server refused the upgrade: 403 Forbidden: unknown origin"
    );
}

#[tokio::test]
async fn a_refusal_body_sent_later_is_read_too() {
    let (a, mut server) = tokio::io::duplex(4096);
    let serving = async {
        let mut request = [0; 1024];
        let _ = server.read(&mut request).await.unwrap();
        server
            .write_all(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 401 Unauthorized\r\nContent-Length: 12\r\n\r\nlog")
            .await
            .unwrap();
        tokio::task::yield_now().await;
        server.write_all(b" in first").await.unwrap();
        server
    };
    let request = ClientRequest::new("example.com");
    let (client, _server) = tokio::join!(rfc6455_tokio::client(&request, a), serving);
    let Err(Error::Refused(refusal)) = client else {
        panic!("{client:?}");
    };
    assert_eq!(refusal.status, 401);
    assert_eq!(refusal.body, b"log in first");
}

#[tokio::test]
async fn a_malformed_request_is_answered_and_reported() {
    let (server_side, mut client) = tokio::io::duplex(4096);
    client
        .write_all(b"GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
                     Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n")
        .await
        .unwrap();
    client.shutdown().await.unwrap();
    let result = rfc6455_tokio::accept(server_side).await;
    assert!(
        matches!(
            result,
            Err(Error::Handshake(
                HandshakeError::UnsupportedWebSocketVersion
            ))
        ),
        "{result:?}"
    );
    let mut response = String::new();
    client.read_to_string(&mut response).await.unwrap();
    assert!(response.starts_with("HTTP/1.1 426 "), "{response}");
    assert!(
        response.contains("Sec-WebSocket-Version: 13\r\n"),
        "{response}"
    );
}

#[cfg(not(feature = "rustls"))]
#[tokio::test]
async fn connect_without_tls_says_wss_needs_the_feature() {
    let error = rfc6455_tokio::connect("wss://example.com/")
        .await
        .unwrap_err();
    assert!(matches!(error, Error::TlsNotEnabled));
    assert!(error.to_string().contains("`rustls` feature"), "{error}");
}

#[tokio::test]
async fn connect_says_what_is_wrong_with_a_url() {
    let error = rfc6455_tokio::connect("ws://example.com/#x")
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid WebSocket URL: a fragment (#...) is not allowed in a WebSocket URL"
    );
}

#[tokio::test]
async fn connect_reports_a_refused_tcp_connection() {
    // Bind then drop: a port nobody listens on.
    let port = {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        listener.local_addr().unwrap().port()
    };
    let error = rfc6455_tokio::connect(&format!("ws://127.0.0.1:{port}/"))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Io(_)), "{error:?}");
}

#[tokio::test]
async fn connect_asks_for_slash_then_the_query_when_the_path_is_empty() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        let (stream, _) = listener.accept().await.unwrap();
        let mut target = String::new();
        let mut ws = rfc6455_tokio::accept_with(stream, |request| {
            target = request.target().to_owned();
            Ok(rfc6455_tokio::Accept::new())
        })
        .await
        .unwrap();
        // The client's Close, then the end of the connection.
        while let Some(message) = ws.recv().await {
            message.unwrap();
        }
        target
    });
    let mut ws = rfc6455_tokio::connect(&format!("ws://{addr}?room=1"))
        .await
        .unwrap();
    ws.close(rfc6455_tokio::CloseCode::NORMAL, "")
        .await
        .unwrap();
    assert_eq!(server.await.unwrap(), "/?room=1");
}

/// A server that accepts TCP and never answers the TLS ClientHello: the
/// TLS handshake counts against the opening handshake's deadline.
#[cfg(feature = "rustls")]
#[tokio::test(start_paused = true)]
async fn a_tls_handshake_that_never_completes_times_out() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let (silent, _) = listener.accept().await.unwrap();
        std::future::pending::<()>().await;
        drop(silent);
    });
    let started = tokio::time::Instant::now();
    let error = rfc6455_tokio::connect(&format!("wss://{addr}/"))
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::Timeout(rfc6455::Timeout::Handshake)),
        "{error:?}"
    );
    assert_eq!(
        started.elapsed(),
        rfc6455::Config::new().handshake_timeout.unwrap()
    );
}
