//! `recv` and `send` dropped mid-way under `select!`: nothing is lost,
//! duplicated or sent in part.

mod common;

use std::time::Duration;

use rfc6455_tokio::{Config, Message};

fn message(i: usize) -> Message {
    // Large enough to arrive over several reads of a 4 KiB transport.
    Message::binary(vec![i as u8; 20_000 + i])
}

#[tokio::test]
async fn a_cancelled_recv_loses_nothing() {
    let (mut client, mut server) = common::pair_with(Config::new(), Config::new(), 4096).await;
    let sending = async {
        for i in 0..50 {
            server.send(message(i)).await.unwrap();
        }
        server
    };
    let receiving = async {
        let (mut got, mut cancelled) = (Vec::new(), 0);
        while got.len() < 50 {
            tokio::select! {
                biased;
                message = client.recv() => got.push(message.unwrap().unwrap()),
                // Drops `recv` whenever it would wait.
                () = tokio::task::yield_now() => cancelled += 1,
            }
        }
        (got, cancelled)
    };
    let (_server, (got, cancelled)) = tokio::join!(sending, receiving);
    assert!(cancelled > 50, "recv was cancelled only {cancelled} times");
    assert_eq!(got, (0..50).map(message).collect::<Vec<_>>());
}

#[tokio::test(start_paused = true)]
async fn a_send_cancelled_while_writing_still_goes_out_once() {
    let (mut client, mut server) = common::pair_with(Config::new(), Config::new(), 4096).await;
    // The server does not read yet: the send waits to write.
    tokio::select! {
        _ = client.send(message(1)) => panic!("a 20 KB message fit a 4 KiB transport"),
        () = tokio::time::sleep(Duration::from_millis(10)) => {}
    }
    assert!(client.queued_len() > 0);
    // The next send writes the rest first; the server sees each once.
    let (sent, (first, second)) = tokio::join!(client.send(message(2)), async {
        (server.recv().await, server.recv().await)
    });
    sent.unwrap();
    assert_eq!(first.unwrap().unwrap(), message(1));
    assert_eq!(second.unwrap().unwrap(), message(2));
}

#[tokio::test(start_paused = true)]
async fn a_send_cancelled_before_it_was_queued_is_not_sent() {
    let client_config = Config::new().with_send_watermarks(1024, 4096);
    let (mut client, mut server) = common::pair_with(client_config, Config::new(), 4096).await;
    // Fill the transport and the queue past the high watermark.
    tokio::select! {
        _ = async {
            for i in 0..10 {
                client.send(message(i)).await.unwrap();
            }
        } => panic!("the queue never filled"),
        () = tokio::time::sleep(Duration::from_millis(10)) => {}
    }
    let queued = client.queued_len();
    // Waiting for backpressure: cancelled before the message was queued.
    tokio::select! {
        _ = client.send(Message::text("never")) => panic!("backpressure did not hold"),
        () = tokio::time::sleep(Duration::from_millis(10)) => {}
    }
    assert_eq!(client.queued_len(), queued);
    let (sent, received) = tokio::join!(client.send(Message::text("after")), async {
        let mut got = Vec::new();
        loop {
            let message = server.recv().await.unwrap().unwrap();
            let last = message == Message::text("after");
            got.push(message);
            if last {
                return got;
            }
        }
    });
    sent.unwrap();
    assert!(!received.contains(&Message::text("never")));
    let data: Vec<_> = received
        .iter()
        .filter(|m| m.len() > 1000)
        .cloned()
        .collect();
    assert_eq!(data, (0..data.len()).map(message).collect::<Vec<_>>());
}
