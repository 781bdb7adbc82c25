//! Large Text and Binary messages go to the transport from their own
//! buffer, header and payload in one vectored write, without a copy into
//! the connection: whole, in order with everything queued around them,
//! however the transport cuts the writes.

mod common;

use std::sync::atomic::Ordering;

use futures_sink::Sink;
use rfc6455_tokio::{CloseCode, CloseFrame, Message};

/// Messages around the size from which the payload is not copied (8 KiB),
/// text with multi-byte characters, and a large one.
fn messages() -> Vec<Message> {
    let pattern = |len: usize| {
        (0..len)
            .map(|i| (i * 7 + i / 251) as u8)
            .collect::<Vec<u8>>()
    };
    vec![
        Message::binary(pattern((8 << 10) - 1)),
        Message::binary(pattern(8 << 10)),
        Message::text("é€😀".repeat(4_000)),
        Message::text("short"),
        Message::binary(pattern(1 << 20)),
        Message::Ping(b"between".to_vec()),
        Message::binary(pattern(70_000)),
    ]
}

async fn exchange(max: usize) {
    let (client, mut server, vectored) = common::vectored_pair(max).await;
    let sent = messages();
    // The client writes while it reads the server's echoes and automatic
    // Pongs, so queued control frames meet payloads in the middle of being
    // written, both ways.
    let (mut reader, mut writer) = client.split();
    let writing = async {
        for message in sent.clone() {
            writer.send(message).await.unwrap();
        }
        writer
    };
    let reading = async {
        let mut got = Vec::new();
        while got.len() < sent.len() {
            match reader.recv().await.unwrap().unwrap() {
                Message::Pong(_) => {}
                message => got.push(message),
            }
        }
        (reader, got)
    };
    let serving = async {
        let mut got = Vec::new();
        while got.len() < sent.len() {
            let message = server.recv().await.unwrap().unwrap();
            // Echo the data; a Ping was answered already: send one back.
            if !matches!(message, Message::Pong(_)) {
                got.push(message.clone());
                server.send(message).await.unwrap();
            }
        }
        got
    };
    let (writer, (reader, client_got), server_got) = tokio::join!(writing, reading, serving);
    assert_eq!(server_got, sent);
    assert_eq!(client_got, sent);
    assert!(
        vectored.load(Ordering::Relaxed) > 0,
        "the vectored path was not taken"
    );
    let Ok(mut client) = reader.unsplit(writer) else {
        panic!("the halves of one connection")
    };
    assert_eq!(client.queued_len(), 0);
    // The close handshake after them (the server may still get the Pong
    // for its Ping first).
    let (closed, close) = tokio::join!(client.close(CloseCode::NORMAL, "done"), async {
        let mut close = None;
        while let Some(message) = server.recv().await {
            if let Message::Close(frame) = message.unwrap() {
                close = Some(frame);
            }
        }
        close
    });
    closed.unwrap();
    assert_eq!(
        close,
        Some(Some(CloseFrame::new(CloseCode::NORMAL, "done")))
    );
}

#[tokio::test]
async fn large_messages_arrive_whole_when_every_write_is_cut_short() {
    // 7 bytes a write: headers and payloads are cut at every kind of place.
    exchange(7).await;
}

#[tokio::test]
async fn large_messages_arrive_whole_when_writes_take_everything() {
    exchange(usize::MAX).await;
}

#[tokio::test]
async fn a_message_going_out_from_its_buffer_counts_as_queued() {
    let (mut client, mut server, _) = common::vectored_pair(usize::MAX).await;
    let payload = vec![42u8; 100_000];
    std::future::poll_fn(|cx| std::pin::Pin::new(&mut client).poll_ready(cx))
        .await
        .unwrap();
    std::pin::Pin::new(&mut client)
        .start_send(Message::binary(payload.clone()))
        .unwrap();
    // Nothing written yet: header (10 bytes), mask key (4) and payload.
    assert_eq!(client.queued_len(), 14 + payload.len());
    let (flushed, got) = tokio::join!(
        std::future::poll_fn(|cx| std::pin::Pin::new(&mut client).poll_flush(cx)),
        server.recv()
    );
    flushed.unwrap();
    assert_eq!(client.queued_len(), 0);
    assert_eq!(got.unwrap().unwrap(), Message::binary(payload));
}
