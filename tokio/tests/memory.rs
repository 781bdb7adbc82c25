//! Memory follows the bytes in flight: an idle connection holds no buffers.

mod common;

use std::time::Duration;

use rfc6455_tokio::{Message, WebSocket};

#[tokio::test(start_paused = true)]
async fn an_idle_connection_gives_its_storage_back() {
    let (mut client, mut server) = common::pair().await;
    let (sent, received) = tokio::join!(
        client.send(Message::binary(vec![1; 100_000])),
        server.recv()
    );
    sent.unwrap();
    assert_eq!(received.unwrap().unwrap().len(), 100_000);
    assert!(server.storage_len() >= 100_000);
    // Waiting for the next message, the server passes time in: after
    // `storage_idle_timeout` (1 s) its storage is given back.
    tokio::select! {
        _ = server.recv() => panic!("nothing was sent"),
        () = tokio::time::sleep(Duration::from_millis(1500)) => {}
    }
    assert_eq!(server.storage_len(), 0);
    // A small message read while idle takes the core's smallest storage,
    // not the last message's.
    client.send(Message::text("small")).await.unwrap();
    assert_eq!(
        server.recv().await.unwrap().unwrap(),
        Message::text("small")
    );
    assert!(server.storage_len() <= 4096, "{}", server.storage_len());
}

#[test]
fn a_connection_is_small() {
    let size = std::mem::size_of::<WebSocket<tokio::net::TcpStream>>();
    let core = std::mem::size_of::<rfc6455::Connection<Vec<u8>, rfc6455::StdKeys>>();
    let socket = std::mem::size_of::<tokio::net::TcpStream>();
    // The design's budget for an idle connection in a tokio server is
    // 2 KiB, task included: the adapter adds little to the core's
    // connection and the socket (timer and unsent message are boxed or
    // small).
    assert!(
        size <= core + socket + 256,
        "{size} bytes ({core} for the core)"
    );
}

#[test]
fn a_server_task_holds_the_handshake_only_while_it_runs() {
    // A task that awaits `accept` and then keeps the `WebSocket` holds both
    // futures side by side for its whole life (the compiler cannot overlap
    // an awaited future with the value it returns): the handshake's state
    // is boxed: the future is a pointer.
    let (stream, _peer) = tokio::io::duplex(64);
    let accept = rfc6455_tokio::accept(stream);
    let size = std::mem::size_of_val(&accept);
    assert!(size <= 64, "the accept future is {size} bytes");
    let (stream, _peer) = tokio::io::duplex(64);
    let accept = rfc6455_tokio::accept_with(stream, |_| Ok(rfc6455_tokio::Accept::new()));
    let size = std::mem::size_of_val(&accept);
    assert!(size <= 64, "the accept_with future is {size} bytes");
}
