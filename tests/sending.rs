//! Sending: messages of any length through the smallest transmit storage
//! (`send_text_partial`, `send_binary_partial`), control frames between the
//! pieces, the errors that say whether to wait (`QueueFull`) or to send in
//! pieces (`BufferTooSmall`), the send watermarks, a peer that never reads,
//! and `wants_read`.

mod common;

use common::{fixed, server_frame, test_keys};
use rfc6455::{CloseCode, Config, Connection, NoKeys, Role, State};

#[test]
fn wants_read_is_false_while_input_waits_to_be_polled() {
    let hello = common::client_frame(0x81, b"Hello");
    let mut server = Connection::open(
        Role::Server,
        Config::new(),
        fixed(4096),
        fixed(4096),
        NoKeys,
    )
    .unwrap();
    assert!(server.wants_read());
    assert_eq!(server.receive(&hello), hello.len());
    assert!(!server.wants_read(), "input waits");
    assert!(matches!(server.poll_event(), Some(Ok(_))));
    assert!(!server.wants_read(), "poll_event has not yet returned None");
    assert!(server.poll_event().is_none());
    assert!(server.wants_read());
    // Half a frame: nothing to poll, more to read.
    assert_eq!(server.receive(&hello[..3]), 3);
    assert!(!server.wants_read());
    assert!(server.poll_event().is_none());
    assert!(server.wants_read());
    // Queued output does not stop reading.
    server.send_binary(&[0; 1000]).unwrap();
    assert!(server.wants_read());
}

#[test]
fn wants_read_is_false_once_failed_or_after_the_peers_close() {
    let open = || {
        Connection::open(
            Role::Server,
            Config::new(),
            fixed(4096),
            fixed(4096),
            NoKeys,
        )
        .unwrap()
    };
    // Failed: an unmasked frame from a client.
    let mut server = open();
    let _ = server.receive(&server_frame(0x81, b"Hello"));
    assert!(matches!(server.poll_event(), Some(Err(_))));
    assert_eq!(server.state(), State::Failed);
    assert!(server.poll_event().is_none());
    assert!(!server.wants_read());
    // CloseReceived: only the echo is left to write.
    let mut server = open();
    let close = common::client_frame(0x88, b"\x03\xe8");
    let _ = server.receive(&close);
    assert!(matches!(server.poll_event(), Some(Ok(_))));
    assert!(server.poll_event().is_none());
    assert_eq!(server.state(), State::CloseReceived);
    assert!(!server.wants_read());
    // Once the echo is queued the server is closed, and reads no more.
    let mut out = [0u8; 64];
    assert_eq!(server.poll_transmit(&mut out), Some(4));
    assert_eq!(server.state(), State::Closed);
    assert!(!server.wants_read());
}

#[test]
fn wants_read_during_the_handshake_until_the_head_is_whole() {
    use rfc6455::ClientRequest;
    let mut server = Connection::server(Config::new(), fixed(4096), fixed(4096)).unwrap();
    let (first, rest) = common::CHROME_REQUEST.split_at(100);
    assert!(server.wants_read());
    assert_eq!(server.receive(first), first.len());
    assert!(!server.wants_read());
    assert!(server.poll_event().is_none());
    assert!(server.wants_read(), "the rest of the request is to be read");
    assert_eq!(server.receive(rest), rest.len());
    assert!(matches!(server.poll_event(), Some(Ok(_))));
    // While the application decides, nothing more is read.
    assert!(server.poll_event().is_none());
    assert!(!server.wants_read());
    server.accept(&rfc6455::Accept::new()).unwrap();
    assert!(matches!(server.poll_event(), Some(Ok(_))));
    assert!(server.poll_event().is_none());
    assert!(server.wants_read());

    let request = ClientRequest::new("example.com");
    let mut client = Connection::client(
        &request,
        Config::new(),
        fixed(4096),
        fixed(4096),
        test_keys(),
    )
    .unwrap();
    let head = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n";
    assert_eq!(client.receive(head), head.len());
    assert!(!client.wants_read());
    assert!(client.poll_event().is_none());
    assert!(
        client.wants_read(),
        "the rest of the response is to be read"
    );
}

#[test]
fn a_closed_client_wants_to_read_until_the_end_of_input() {
    let mut client = Connection::open(
        Role::Client,
        Config::new(),
        fixed(4096),
        fixed(4096),
        test_keys(),
    )
    .unwrap();
    client.close(CloseCode::NORMAL, "").unwrap();
    let mut out = [0u8; 64];
    while client.poll_transmit(&mut out).is_some() {}
    assert!(client.wants_read(), "waiting for the server's Close");
    let _ = client.receive(&server_frame(0x88, b"\x03\xe8"));
    assert!(matches!(client.poll_event(), Some(Ok(_))));
    assert!(client.poll_event().is_none());
    assert_eq!(client.state(), State::Closed);
    // The server closes TCP first (§7.1.1): the client reads to see it.
    assert!(client.wants_read());
    client.receive_eof();
    assert!(!client.wants_read());
}
