//! Invariant: any bytes as the server's answer to a fixed client request give
//! success, "need more" or a `HandshakeError`, never a panic; success means a
//! 101 whose subprotocol was offered. Fed to a client `Connection` in two
//! pieces, the same bytes give the same verdict.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rfc6455::{
    validate_response, ClientRequest, Config, Connection, Error, Event, HeadLimits, Status,
};
use rfc6455_fuzz::{header, keys};

const OFFERED: [&str; 2] = ["chat", "superchat"];

fuzz_target!(|data: &[u8]| {
    let Some(([a, b], response)) = header::<2>(data) else {
        return;
    };
    let split = u16::from_be_bytes([a, b]);
    let request = ClientRequest::new("example.com")
        .target("/chat")
        .subprotocols(&OFFERED);
    let mut conn = Connection::client(
        &request,
        Config::new(),
        // Fixed storage: the head must fit its 4096 bytes.
        vec![0u8; 4096].into_boxed_slice(),
        vec![0u8; 4096].into_boxed_slice(),
        keys(7),
    )
    .unwrap();
    let sent = conn.peek_transmit().to_vec();
    let verdict = validate_response(response, &sent, HeadLimits::new().with_max_head_len(4096));
    if let Ok(Status::Complete(negotiated)) = &verdict {
        assert!(negotiated.head_len() <= response.len());
        assert!(negotiated
            .subprotocol()
            .is_none_or(|p| OFFERED.contains(&p)));
    }
    let n = conn.peek_transmit().len();
    conn.advance_transmit(n);
    let split = usize::from(split) % (response.len() + 1);
    let mut first = None;
    for piece in [&response[..split], &response[split..]] {
        let mut rest = piece;
        while !rest.is_empty() {
            let taken = conn.receive(rest);
            rest = &rest[taken..];
            while let Some(event) = conn.poll_event() {
                if first.is_none() {
                    first = Some(match event {
                        Ok(Event::HandshakeComplete(_)) => Ok(()),
                        Err(Error::Handshake(e)) => Err(e),
                        Ok(_) | Err(_) => continue,
                    });
                }
            }
            let _ = conn.poll_transmit(&mut [0u8; 256]);
            if taken == 0 && conn.poll_event().is_none() {
                break;
            }
        }
    }
    match (verdict, first) {
        (Ok(Status::Complete(negotiated)), Some(Ok(()))) => {
            assert!(negotiated.extensions().next().is_none())
        }
        (Ok(Status::Complete(_)), Some(Err(e))) => {
            assert_eq!(e, rfc6455::HandshakeError::UnsupportedExtension)
        }
        (Err(e), Some(Err(got))) => assert_eq!(e, got),
        (Ok(Status::Partial), None) | (Err(_), None) => {}
        (verdict, first) => panic!("connection and parser disagree: {verdict:?} vs {first:?}"),
    }
});
