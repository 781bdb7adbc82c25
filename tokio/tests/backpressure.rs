//! `Sink::poll_ready` follows the core's send watermarks.

mod common;

use std::future::poll_fn;
use std::pin::Pin;
use std::task::Poll;

use futures_sink::Sink;
use rfc6455_tokio::{Config, Message};

#[tokio::test]
async fn poll_ready_waits_above_the_high_watermark_until_the_peer_reads() {
    let client_config = Config::new().with_send_watermarks(1024, 4096);
    let (mut client, mut server) = common::pair_with(client_config, Config::new(), 1024).await;
    let message = |i: usize| Message::binary(vec![i as u8; 1000]);
    // The server reads nothing: the transport takes 1 KiB, the queue 4 KiB.
    let mut accepted = 0;
    loop {
        let ready = poll_fn(|cx| Poll::Ready(Pin::new(&mut client).poll_ready(cx))).await;
        match ready {
            Poll::Ready(result) => result.unwrap(),
            Poll::Pending => break,
        }
        Pin::new(&mut client).start_send(message(accepted)).unwrap();
        accepted += 1;
        assert!(accepted < 100, "backpressure never came");
    }
    // It reached the high watermark, and the transport has not taken it
    // down to the low one.
    assert!(client.queued_len() > 1024, "{}", client.queued_len());
    assert!(accepted <= 6, "{accepted}");
    // Once the server reads, the client takes messages again, and every
    // message arrives once, in order.
    let total = accepted + 20;
    let sending = async {
        for i in accepted..total {
            poll_fn(|cx| Pin::new(&mut client).poll_ready(cx))
                .await
                .unwrap();
            Pin::new(&mut client).start_send(message(i)).unwrap();
        }
        poll_fn(|cx| Pin::new(&mut client).poll_flush(cx))
            .await
            .unwrap();
    };
    let receiving = async {
        for i in 0..total {
            assert_eq!(server.recv().await.unwrap().unwrap(), message(i));
        }
    };
    tokio::join!(sending, receiving);
}

#[tokio::test]
async fn a_message_over_the_queue_limit_is_refused_whole() {
    let client_config = Config::new().with_max_send_queue(4096);
    let (mut client, _server) = common::pair_with(client_config, Config::new(), 1024).await;
    let error = client
        .send(Message::binary(vec![0; 10_000]))
        .await
        .unwrap_err();
    assert!(
        matches!(error, rfc6455_tokio::Error::TooLarge { .. }),
        "{error:?}"
    );
    assert_eq!(client.queued_len(), 0);
}
