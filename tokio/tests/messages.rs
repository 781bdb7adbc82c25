//! Messages both ways, whole, and the close handshake ending both streams.

mod common;

use futures_sink::Sink;
use rfc6455_tokio::{CloseCode, CloseFrame, Error, Message, State};

#[tokio::test]
async fn messages_arrive_whole_and_in_order() {
    let (mut client, mut server) = common::pair().await;
    let big: Vec<u8> = (0..1_000_000u32).map(|i| i as u8).collect();
    let sent = vec![
        Message::text("hello"),
        Message::binary(big),
        Message::text("é€😀".repeat(10_000)),
        Message::Ping(b"are you there".to_vec()),
    ];
    let sender = async {
        for message in sent.clone() {
            client.send(message).await.unwrap();
        }
        client
    };
    let receiver = async {
        let mut got = Vec::new();
        while got.len() < sent.len() {
            got.push(server.recv().await.unwrap().unwrap());
        }
        (server, got)
    };
    let (mut client, (mut server, got)) = tokio::join!(sender, receiver);
    assert_eq!(got, sent);
    // The Ping was answered by the server's connection, unasked.
    let pong = async {
        loop {
            if let Message::Pong(data) = client.recv().await.unwrap().unwrap() {
                return data;
            }
        }
    };
    let (pong, ()) = tokio::join!(pong, async {
        // The server must be polled for its Pong to be written.
        tokio::select! {
            _ = server.recv() => panic!("nothing more was sent"),
            () = tokio::time::sleep(std::time::Duration::from_millis(50)) => {}
        }
    });
    assert_eq!(pong, b"are you there");
}

#[tokio::test]
async fn close_completes_both_sides_and_later_sends_fail() {
    let (mut client, mut server) = common::pair().await;
    let closing = client.close(CloseCode::GOING_AWAY, "bye");
    let serving = async {
        let first = server.recv().await.unwrap().unwrap();
        let end = server.recv().await;
        (first, end.is_none())
    };
    let (closed, (first, ended)) = tokio::join!(closing, serving);
    closed.unwrap();
    assert_eq!(
        first,
        Message::Close(Some(CloseFrame::new(CloseCode::GOING_AWAY, "bye")))
    );
    assert!(ended);
    assert_eq!(client.state(), State::Closed);
    assert_eq!(server.state(), State::Closed);
    match server.send(Message::text("late")).await {
        Err(Error::Closed(Some(frame))) => assert_eq!(frame.code, CloseCode::GOING_AWAY),
        other => panic!("{other:?}"),
    }
    assert!(client.recv().await.is_none());
}

#[tokio::test]
async fn the_sink_close_runs_the_close_handshake() {
    let (mut client, mut server) = common::pair().await;
    let closing = std::future::poll_fn(|cx| std::pin::Pin::new(&mut client).poll_close(cx));
    let serving = async {
        let mut seen = Vec::new();
        while let Some(message) = server.recv().await {
            seen.push(message.unwrap());
        }
        seen
    };
    let (closed, seen) = tokio::join!(closing, serving);
    closed.unwrap();
    assert_eq!(
        seen,
        [Message::Close(Some(CloseFrame::new(CloseCode::NORMAL, "")))]
    );
}

#[tokio::test]
async fn a_peer_that_breaks_the_protocol_gets_its_close_code_and_an_error() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let (a, mut raw) = tokio::io::duplex(4096);
    let mut ws =
        rfc6455_tokio::WebSocket::from_upgraded(a, rfc6455::Role::Server, rfc6455::Config::new())
            .unwrap();
    // An unmasked frame from a client (RFC 6455 §5.1: 1002).
    raw.write_all(b"\x81\x05Hello").await.unwrap();
    let (result, end) = tokio::join!(
        async {
            let r = ws.recv().await;
            (r, ws.recv().await)
        },
        async {
            raw.shutdown().await.unwrap();
            let mut close = Vec::new();
            raw.read_to_end(&mut close).await.unwrap();
            close
        }
    );
    let (first, second) = result;
    assert!(matches!(first, Some(Err(Error::Protocol(_)))), "{first:?}");
    assert!(second.is_none());
    // A Close frame with 1002 (and a reason), then the end of the stream.
    assert_eq!((end[0], &end[2..4]), (0x88, &b"\x03\xea"[..]));
    assert_eq!(end.len(), 2 + usize::from(end[1]));
}

#[tokio::test]
async fn losing_the_transport_is_reported() {
    let (client, mut server) = common::pair().await;
    drop(client);
    assert!(matches!(
        server.recv().await,
        Some(Err(Error::ConnectionLost))
    ));
    assert!(server.recv().await.is_none());
}
