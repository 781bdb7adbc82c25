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
    echo_client::autobahn(&format!("ws://{addr}"), "me")
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
