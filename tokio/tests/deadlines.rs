//! The core's deadlines, driven by tokio's clock (paused: no real waiting).

mod common;

use std::time::Duration;

use rfc6455::{ClientRequest, Role, Timeout};
use rfc6455_tokio::{CloseCode, Config, Error, Message, WebSocket};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::time::Instant;

#[tokio::test(start_paused = true)]
async fn a_stalled_upgrade_request_times_out() {
    let (server_side, mut client_side) = tokio::io::duplex(4096);
    client_side
        .write_all(b"GET / HTTP/1.1\r\nHost: a\r\n")
        .await
        .unwrap();
    let started = Instant::now();
    let result = rfc6455_tokio::accept(server_side).await;
    assert!(
        matches!(result, Err(Error::Timeout(Timeout::Handshake))),
        "{result:?}"
    );
    assert_eq!(started.elapsed().as_secs(), 10);
    // Nothing was answered, and the transport was closed.
    let mut rest = Vec::new();
    client_side.read_to_end(&mut rest).await.unwrap();
    assert!(rest.is_empty());
}

#[tokio::test(start_paused = true)]
async fn a_server_that_never_answers_the_upgrade_times_out() {
    let (client_side, _server_side) = tokio::io::duplex(4096);
    let config = Config::new().with_handshake_timeout(Some(Duration::from_secs(3)));
    let started = Instant::now();
    let request = ClientRequest::new("example.com");
    let result = rfc6455_tokio::client_with_config(&request, client_side, config).await;
    assert!(
        matches!(result, Err(Error::Timeout(Timeout::Handshake))),
        "{result:?}"
    );
    assert_eq!(started.elapsed().as_secs(), 3);
}

#[tokio::test(start_paused = true)]
async fn keepalive_pings_an_idle_peer_and_fails_a_dead_one() {
    let (a, mut peer) = tokio::io::duplex(4096);
    let config =
        Config::new().with_keepalive(Some(Duration::from_secs(20)), Some(Duration::from_secs(5)));
    let mut ws = WebSocket::from_upgraded(a, Role::Server, config).unwrap();
    let started = Instant::now();
    let (result, ping) = tokio::join!(ws.recv(), async {
        let mut ping = [0; 2];
        peer.read_exact(&mut ping).await.unwrap();
        (ping, started.elapsed().as_secs())
    });
    // A Ping after 20 s of silence; no answer in 5 s: a dead peer.
    assert_eq!(ping, ([0x89, 0x00], 20));
    assert!(
        matches!(result, Some(Err(Error::Timeout(Timeout::DeadPeer)))),
        "{result:?}"
    );
    assert_eq!(started.elapsed().as_secs(), 25);
    assert!(ws.recv().await.is_none());
}

#[tokio::test(start_paused = true)]
async fn an_answered_keepalive_keeps_the_connection() {
    let config =
        Config::new().with_keepalive(Some(Duration::from_secs(20)), Some(Duration::from_secs(5)));
    // Only the server pings, so every Ping and Pong below is the server's.
    let quiet = Config::new().with_keepalive(None, None);
    let (mut client, mut server) = common::pair_with(quiet, config, common::PIPE).await;
    let started = Instant::now();
    // The client answers the server's Pings while it waits; 50 s later
    // a message still goes through.
    let client_side = async {
        let mut pings = 0;
        loop {
            tokio::select! {
                message = client.recv() => {
                    assert_eq!(message.unwrap().unwrap(), Message::Ping(Vec::new()));
                    pings += 1;
                }
                () = tokio::time::sleep_until(started + Duration::from_secs(50)) => break,
            }
        }
        client.send(Message::text("still here")).await.unwrap();
        pings
    };
    let server_side = async {
        let mut pongs = 0;
        loop {
            match server.recv().await.unwrap().unwrap() {
                Message::Pong(_) => pongs += 1,
                message => return (message, pongs),
            }
        }
    };
    let (pings, (message, pongs)) = tokio::join!(client_side, server_side);
    // Pings at 20 s and 40 s, each answered.
    assert_eq!((pings, pongs), (2, 2));
    assert_eq!(message, Message::text("still here"));
    assert_eq!(started.elapsed().as_secs(), 50);
}

#[tokio::test(start_paused = true)]
async fn a_close_the_peer_never_answers_times_out() {
    let (a, mut peer) = tokio::io::duplex(4096);
    let config = Config::new().with_close_timeout(Some(Duration::from_secs(4)));
    let mut ws = WebSocket::from_upgraded(a, Role::Server, config).unwrap();
    let started = Instant::now();
    let reader = tokio::spawn(async move {
        // Reads our Close, never answers, never ends its side.
        let mut buf = [0; 64];
        let n = peer.read(&mut buf).await.unwrap();
        let close = buf[..n].to_vec();
        std::future::pending::<()>().await;
        drop(peer);
        close
    });
    let result = ws.close(CloseCode::NORMAL, "").await;
    assert!(
        matches!(result, Err(Error::Timeout(Timeout::Close))),
        "{result:?}"
    );
    // 4 s for the close handshake, then at most `linger_timeout` (2 s)
    // waiting for the peer's end of the transport.
    assert!(started.elapsed() >= Duration::from_secs(4));
    assert!(started.elapsed() <= Duration::from_secs(6));
    reader.abort();
}

#[tokio::test(start_paused = true)]
async fn a_client_waits_for_the_servers_end_then_gives_up() {
    // A server that answers the Close but never closes TCP.
    let (a, mut peer) = tokio::io::duplex(4096);
    let mut ws = WebSocket::from_upgraded(a, Role::Client, Config::new()).unwrap();
    let started = Instant::now();
    let server = tokio::spawn(async move {
        let mut close = [0; 8]; // a masked empty-reason 1000: 2 + 4 + 2 bytes
        peer.read_exact(&mut close).await.unwrap();
        peer.write_all(b"\x88\x02\x03\xe8").await.unwrap();
        std::future::pending::<()>().await;
        drop(peer);
    });
    ws.close(CloseCode::NORMAL, "").await.unwrap();
    // linger_timeout (2 s) waiting for the server's end, then our own
    // lingering close, bounded by the same 2 s.
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_secs(2) && waited <= Duration::from_secs(4),
        "{waited:?}"
    );
    server.abort();
}
