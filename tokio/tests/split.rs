//! A split connection: a read half and a write half in two tasks.

mod common;

use rfc6455_tokio::{CloseCode, CloseFrame, Message};

#[tokio::test]
async fn the_read_half_answers_pings_while_the_write_half_sends_and_closes() {
    let (mut client, server) = common::pair().await;
    let (mut read, mut write) = server.split();
    let reader = tokio::spawn(async move {
        let mut got = Vec::new();
        while let Some(message) = read.recv().await {
            got.push(message.unwrap());
        }
        got
    });
    // The write half is idle: the read half writes the Pong.
    client.send(Message::Ping(b"p".to_vec())).await.unwrap();
    assert_eq!(
        client.recv().await.unwrap().unwrap(),
        Message::Pong(b"p".to_vec())
    );
    let writer = tokio::spawn(async move {
        for i in 0..3 {
            write.send(Message::text(format!("{i}"))).await.unwrap();
        }
        write.close(CloseCode::NORMAL, "done").await.unwrap();
    });
    let mut got = Vec::new();
    while let Some(message) = client.recv().await {
        got.push(message.unwrap());
    }
    assert_eq!(
        got,
        [
            Message::text("0"),
            Message::text("1"),
            Message::text("2"),
            Message::Close(Some(CloseFrame::new(CloseCode::NORMAL, "done"))),
        ]
    );
    writer.await.unwrap();
    let read = reader.await.unwrap();
    assert_eq!(read[0], Message::Ping(b"p".to_vec()));
    assert!(matches!(
        read[1],
        Message::Close(Some(CloseFrame {
            code: CloseCode::NORMAL,
            ..
        }))
    ));
    assert_eq!(read.len(), 2);
}

#[tokio::test]
async fn with_the_read_half_gone_the_write_half_closes_alone() {
    let (mut client, server) = common::pair().await;
    let (read, mut write) = server.split();
    drop(read);
    let (closed, seen) = tokio::join!(write.close(CloseCode::NORMAL, ""), async {
        let mut seen = Vec::new();
        while let Some(message) = client.recv().await {
            seen.push(message.unwrap());
        }
        seen
    });
    closed.unwrap();
    assert_eq!(
        seen,
        [Message::Close(Some(CloseFrame::new(CloseCode::NORMAL, "")))]
    );
}

#[tokio::test]
async fn halves_unsplit_into_the_connection() {
    let (mut client, server) = common::pair().await;
    let (read, write) = server.split();
    let (other_read, other_write) = common::pair().await.1.split();
    let (read, other_write) = read.unsplit(other_write).unwrap_err();
    drop((other_read, other_write));
    let mut server = read.unsplit(write).unwrap();
    client.send(Message::text("again")).await.unwrap();
    assert_eq!(
        server.recv().await.unwrap().unwrap(),
        Message::text("again")
    );
}
