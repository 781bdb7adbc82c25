//! Invariant: any bytes into a server `Connection` that starts with the
//! opening handshake give events or one error, never a panic. Its verdict on
//! the request head is the one `Request::parse` gives; an accepted upgrade
//! answers `101` and goes on to frames, a rejected one answers with the
//! chosen status and closes, a malformed one answers 400/426/431 and fails.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rfc6455::{
    Accept, Config, Connection, Error, Event, HeadLimits, HeadScanner, Rejection, Request, State,
    Status,
};
use rfc6455_fuzz::header;

fuzz_target!(|data: &[u8]| {
    let Some(([flags, a, b], input)) = header::<3>(data) else {
        return;
    };
    let (accept, split) = (flags & 1 == 1, u16::from_be_bytes([a, b]));
    // Fixed storage: the head must fit its 2048 bytes.
    let storage = || vec![0u8; 2048].into_boxed_slice();
    let mut conn = Connection::server(Config::new(), storage(), storage()).unwrap();
    // What the parser alone says of the head, when it fits the storage.
    let mut scanner = HeadScanner::with_limits(HeadLimits::new().with_max_head_len(2048));
    let expected = match scanner.scan(input) {
        Ok(Status::Complete(len)) => {
            Some(Request::parse(&input[..len], HeadLimits::new()).map(|_| ()))
        }
        Err(e) => Some(Err(e)),
        Ok(Status::Partial) => None,
    };
    let split = usize::from(split) % (input.len() + 1);
    let (mut verdict, mut sent) = (None, Vec::new());
    for piece in [&input[..split], &input[split..]] {
        let mut rest = piece;
        for _ in 0..=rest.len() + 2 {
            let taken = conn.receive(rest);
            rest = &rest[taken..];
            let mut decided = None;
            while let Some(event) = conn.poll_event() {
                match event {
                    Ok(Event::Upgrade(_)) => decided = Some(accept),
                    Err(Error::Handshake(e)) if verdict.is_none() => verdict = Some(Err(e)),
                    _ => {}
                }
            }
            if let Some(accept) = decided {
                verdict = Some(Ok(()));
                if accept {
                    conn.accept(&Accept::new()).unwrap();
                } else {
                    conn.reject(&Rejection::new(403).body(b"no")).unwrap();
                }
                while conn.poll_event().is_some() {}
            }
            let mut out = [0u8; 256];
            while let Some(n) = conn.poll_transmit(&mut out) {
                sent.extend_from_slice(&out[..n]);
            }
            if rest.is_empty() {
                break;
            }
        }
    }
    if let (Some(expected), Some(got)) = (&expected, &verdict) {
        assert_eq!(expected, got);
    }
    match verdict {
        Some(Ok(())) if accept => {
            assert!(sent.starts_with(b"HTTP/1.1 101 Switching Protocols\r\n"))
        }
        Some(Ok(())) => {
            assert!(sent.starts_with(b"HTTP/1.1 403 "));
            assert_eq!(conn.state(), State::Closed);
        }
        Some(Err(e)) => {
            let status = format!("HTTP/1.1 {} ", e.status());
            assert!(sent.starts_with(status.as_bytes()));
            assert_eq!(conn.state(), State::Failed);
        }
        None => {
            assert!(sent.is_empty());
            assert_eq!(conn.state(), State::Connecting);
        }
    }
});
