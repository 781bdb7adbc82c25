//! An upgrade run by an HTTP server: `upgrade_response` answers a real
//! client's request, then `from_upgraded` carries the messages.
#![cfg(feature = "http")]

use rfc6455::{ClientRequest, Config, Role};
use rfc6455_tokio::{upgrade_response, Accept, Message, WebSocket};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// What an HTTP server does: read the head, build an `http::Request`.
async fn read_request(io: &mut tokio::io::DuplexStream) -> http::Request<()> {
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") {
        head.push(io.read_u8().await.unwrap());
    }
    let head = String::from_utf8(head).unwrap();
    let mut lines = head.split("\r\n");
    let mut parts = lines.next().unwrap().split(' ');
    let (method, target) = (parts.next().unwrap(), parts.next().unwrap());
    let mut request = http::Request::builder().method(method).uri(target);
    for line in lines.filter(|l| !l.is_empty()) {
        let (name, value) = line.split_once(": ").unwrap();
        request = request.header(name, value);
    }
    request.body(()).unwrap()
}

#[tokio::test]
async fn a_client_talks_to_a_connection_upgraded_elsewhere() {
    let (client_io, mut server_io) = tokio::io::duplex(4096);
    let server = tokio::spawn(async move {
        let request = read_request(&mut server_io).await;
        let chosen = Accept::new().subprotocol("chat");
        let response = upgrade_response(&request, &chosen).unwrap();
        let mut head = format!("HTTP/1.1 {}\r\n", response.status());
        for (name, value) in response.headers() {
            head += &format!("{name}: {}\r\n", value.to_str().unwrap());
        }
        server_io
            .write_all(format!("{head}\r\n").as_bytes())
            .await
            .unwrap();
        let mut ws = WebSocket::from_upgraded(server_io, Role::Server, Config::new()).unwrap();
        let message = ws.recv().await.unwrap().unwrap();
        ws.send(message).await.unwrap();
        assert!(matches!(ws.recv().await, Some(Ok(Message::Close(_)))));
        assert!(ws.recv().await.is_none());
    });
    let request = ClientRequest::new("example.com").subprotocols(&["chat"]);
    let mut ws = rfc6455_tokio::client(&request, client_io).await.unwrap();
    assert_eq!(ws.protocol(), Some("chat"));
    ws.send(Message::text("over hyper")).await.unwrap();
    assert_eq!(
        ws.recv().await.unwrap().unwrap(),
        Message::text("over hyper")
    );
    ws.close(rfc6455::CloseCode::NORMAL, "").await.unwrap();
    server.await.unwrap();
}
