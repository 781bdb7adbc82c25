//! The examples, end to end over loopback TCP.

#[allow(dead_code)]
#[path = "../examples/client.rs"]
mod client;
#[allow(dead_code)]
#[path = "../examples/echo_client.rs"]
mod echo_client;
#[allow(dead_code)]
#[path = "../examples/echo_server.rs"]
mod echo_server;
#[cfg(feature = "http")]
#[allow(dead_code)]
#[path = "../examples/hyper_echo.rs"]
mod hyper_echo;
#[cfg(feature = "rustls")]
#[allow(dead_code)]
#[path = "../examples/wss_echo.rs"]
mod wss_echo;

use rfc6455::ClientRequest;
use rfc6455_tokio::{Accept, CloseCode, Message, State};
use tokio::net::{TcpListener, TcpStream};

async fn echo_server() -> std::net::SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(echo_server::serve(listener));
    addr
}

#[tokio::test]
async fn client_gets_its_three_echoes_from_echo_server() {
    let addr = echo_server().await;
    let replies = client::run(&format!("ws://{addr}/")).await.unwrap();
    assert_eq!(replies, ["message 1", "message 2", "message 3"]);
}

#[tokio::test]
async fn echo_server_selects_a_subprotocol_and_echoes_every_type() {
    let addr = echo_server().await;
    let stream = TcpStream::connect(addr).await.unwrap();
    let request = ClientRequest::new("127.0.0.1")
        .port(addr.port())
        .subprotocols(&["v9", "superchat", "chat"]);
    let mut ws = rfc6455_tokio::client(&request, stream).await.unwrap();
    assert_eq!(ws.protocol(), Some("superchat"));
    let sent = [
        Message::text("é€😀"),
        Message::binary(vec![7; 300_000]),
        Message::text(""),
    ];
    for message in &sent {
        ws.send(message.clone()).await.unwrap();
        assert_eq!(&ws.recv().await.unwrap().unwrap(), message);
    }
    ws.close(CloseCode::NORMAL, "bye").await.unwrap();
    assert_eq!(ws.state(), State::Closed);
}

#[tokio::test]
async fn echo_client_echoes_and_ends_cleanly() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        let (stream, _) = listener.accept().await.unwrap();
        let mut ws = rfc6455_tokio::accept_with(stream, |_| Ok(Accept::new()))
            .await
            .unwrap();
        let sent = [Message::text("one"), Message::binary(vec![1, 2, 3])];
        for message in &sent {
            ws.send(message.clone()).await.unwrap();
            assert_eq!(&ws.recv().await.unwrap().unwrap(), message);
        }
        ws.close(CloseCode::GOING_AWAY, "done").await.unwrap();
    });
    echo_client::run(&format!("ws://{addr}/path?query"))
        .await
        .unwrap();
    server.await.unwrap();
}

#[tokio::test]
async fn echo_client_fails_when_the_server_drops_the_connection() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let (stream, _) = listener.accept().await.unwrap();
        let ws = rfc6455_tokio::accept(stream).await.unwrap();
        drop(ws); // no close handshake
    });
    let error = echo_client::run(&format!("ws://{addr}/"))
        .await
        .unwrap_err();
    assert!(
        matches!(error, rfc6455_tokio::Error::ConnectionLost),
        "{error:?}"
    );
}

/// A stand-in for Autobahn's fuzzing server: `getCaseCount` says 2, each
/// case sends one message and expects its echo, `updateReports` closes.
#[tokio::test]
async fn echo_client_runs_the_autobahn_client_loop() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        let mut paths = Vec::new();
        for _ in 0..4 {
            let (stream, _) = listener.accept().await.unwrap();
            let mut path = String::new();
            let mut ws = rfc6455_tokio::accept_with(stream, |request| {
                path = request.target().to_owned();
                Ok(Accept::new())
            })
            .await
            .unwrap();
            if path == "/getCaseCount" {
                ws.send(Message::text("2")).await.unwrap();
            } else if path.starts_with("/runCase") {
                let sent = Message::binary(path.clone().into_bytes());
                ws.send(sent.clone()).await.unwrap();
                assert_eq!(ws.recv().await.unwrap().unwrap(), sent);
            }
            ws.close(CloseCode::NORMAL, "").await.unwrap();
            paths.push(path);
        }
        paths
    });
    echo_client::autobahn(&format!("ws://{addr}"), "me", false)
        .await
        .unwrap();
    assert_eq!(
        server.await.unwrap(),
        [
            "/getCaseCount",
            "/runCase?case=1&agent=me",
            "/runCase?case=2&agent=me",
            "/updateReports?agent=me",
        ]
    );
}

#[cfg(feature = "rustls")]
mod wss {
    use std::sync::Arc;

    use rfc6455_tokio::tokio_rustls::TlsAcceptor;
    use rfc6455_tokio::Error;
    use tokio::net::TcpListener;

    use super::wss_echo;

    /// The example's server on loopback; its URL and the client's
    /// configuration, which trusts the self-signed certificate.
    async fn server() -> (String, rfc6455_tokio::tokio_rustls::rustls::ClientConfig) {
        let (server, client) = wss_echo::configs().unwrap();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("wss://localhost:{}/", listener.local_addr().unwrap().port());
        tokio::spawn(wss_echo::serve(
            listener,
            TlsAcceptor::from(Arc::new(server)),
        ));
        (url, client)
    }

    #[tokio::test]
    async fn wss_echo_echoes_over_tls_with_a_self_signed_certificate() {
        let (url, client) = server().await;
        let replies = wss_echo::run(&url, client).await.unwrap();
        assert_eq!(replies, ["secure 1", "secure 2", "secure 3"]);
    }

    #[tokio::test]
    async fn connect_refuses_a_certificate_mozillas_roots_do_not_vouch_for() {
        let (url, _) = server().await;
        let error = rfc6455_tokio::connect(&url).await.unwrap_err();
        assert!(matches!(error, Error::Tls(_)), "{error:?}");
        assert!(
            error.to_string().starts_with("TLS handshake failed"),
            "{error}"
        );
    }

    #[tokio::test]
    async fn the_certificate_must_name_the_host() {
        let (url, client) = server().await;
        let url = url.replace("localhost", "127.0.0.1");
        let error = wss_echo::run(&url, client).await.unwrap_err();
        assert!(matches!(error, Error::Tls(_)), "{error:?}");
    }
}

#[cfg(feature = "http")]
#[tokio::test]
async fn hyper_echo_upgrades_and_echoes_then_closes_cleanly() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(hyper_echo::serve(listener));
    let mut ws = rfc6455_tokio::connect(&format!("ws://{addr}/echo"))
        .await
        .unwrap();
    let sent = [
        Message::text("over hyper"),
        Message::binary(vec![9; 100_000]),
    ];
    for message in &sent {
        ws.send(message.clone()).await.unwrap();
        assert_eq!(&ws.recv().await.unwrap().unwrap(), message);
    }
    ws.close(CloseCode::NORMAL, "done").await.unwrap();
    assert_eq!(ws.state(), State::Closed);
}

#[cfg(feature = "http")]
#[tokio::test]
async fn hyper_echo_closes_a_connection_whose_request_is_no_upgrade() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(hyper_echo::serve(listener));
    let mut tcp = TcpStream::connect(addr).await.unwrap();
    tcp.write_all(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        .await
        .unwrap();
    let mut response = Vec::new();
    tcp.read_to_end(&mut response).await.unwrap();
    // `handle` failed: hyper closes the connection without a response.
    assert_eq!(String::from_utf8_lossy(&response), "");
}
