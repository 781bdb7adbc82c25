//! Invariant: any bytes into the server's head scanner and request parser
//! give a request, "need more", or an error with a status of 400, 426 or 431,
//! never a panic. An accepted request is answered with a 101 that the client
//! side accepts for that very request, and its target, Origin and
//! subprotocols survive being written again by `ClientRequest`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rfc6455::{
    validate_response, Accept, ClientRequest, HeadLimits, HeadScanner, Rejection, Request, Status,
};

fuzz_target!(|data: &[u8]| {
    let limits = HeadLimits::new();
    let mut scanner = HeadScanner::with_limits(limits);
    // Scanning in two steps finds the same end as in one.
    let half = data.len() / 2;
    let first = scanner.scan(&data[..half]);
    let scanned = match first {
        Ok(Status::Partial) => scanner.scan(data),
        other => other,
    };
    let head_len = match scanned {
        Ok(Status::Complete(len)) => len,
        Ok(Status::Partial) => return,
        Err(e) => {
            assert!(matches!(e.status(), 400 | 426 | 431));
            let mut out = [0u8; 1024];
            Rejection::from(e)
                .write(&mut out)
                .expect("error responses fit 1 KiB");
            return;
        }
    };
    let head = &data[..head_len];
    let request = match Request::parse(head, limits) {
        Ok(Status::Complete(request)) => request,
        Ok(Status::Partial) => panic!("scanner and parser disagree on the end of the head"),
        Err(e) => {
            assert!(matches!(e.status(), 400 | 426 | 431));
            return;
        }
    };
    assert_eq!(request.head_len(), head_len);

    // Accept with the first offered subprotocol; the client side agrees.
    let chosen = request.subprotocols().next();
    let options = chosen.map_or(Accept::new(), |p| Accept::new().subprotocol(p));
    let mut response = vec![0u8; head_len + 1024];
    let n = request
        .accept(&options, &mut response)
        .expect("accepting a valid request");
    match validate_response(&response[..n], head, limits) {
        Ok(Status::Complete(negotiated)) => assert_eq!(negotiated.subprotocol(), chosen),
        other => panic!("our 101 was refused for our request: {other:?}"),
    }

    // Written again by a client, the request parses to the same fields.
    let protocols: Vec<&str> = request.subprotocols().collect();
    let mut again = ClientRequest::new("example.com")
        .target(request.target())
        .subprotocols(&protocols);
    if let Some(origin) = request.origin() {
        again = again.origin(origin);
    }
    let mut out = vec![0u8; head_len + 1024];
    if let Ok(len) = again.write(*b"0123456789abcdef", &mut out) {
        let Ok(Status::Complete(parsed)) = Request::parse(&out[..len], limits) else {
            panic!("our own request does not parse");
        };
        assert_eq!(parsed.target(), request.target());
        assert_eq!(parsed.origin(), request.origin());
        assert!(parsed.subprotocols().eq(request.subprotocols()));
    }
});
