//! Extension negotiation (RFC 6455 §9.1, §4.1, §4.2.2) and the ownership of
//! RSV bits by a negotiated per-message extension (RFC 6455 §5.2, RFC 7692
//! §6.1), with a toy extension defined here: `x-toy`, one optional
//! parameter `level=1`…`level=9`, claiming RSV1.

mod common;
#[path = "common/handshake_util.rs"]
mod handshake_util;

use handshake_util::complete;
use rfc6455::{
    validate_response, write_extension_offer, Accept, ClientRequest, Config, Connection, Decoded,
    Error, Extension, ExtensionOffer, ExtensionParamWriter, FrameDecoder, HandshakeError,
    HeadLimits, Header, Negotiated, ProtocolError, Request, Role, UsageError,
};

const DIGITS: [&str; 9] = ["1", "2", "3", "4", "5", "6", "7", "8", "9"];

/// The toy extension. `offered` is the level a client offers; `agreed` is
/// what the negotiation settled (`Some(None)`: in use, no level).
#[derive(Debug, Default)]
struct Toy {
    offered: Option<u8>,
    agreed: Option<Option<u8>>,
}

/// `Some(level)` if every parameter is known, given once, with a valid value
/// (RFC 7692 §7 asks the same of deflate's parameters).
fn level(element: &ExtensionOffer<'_>) -> Option<Option<u8>> {
    let mut level = None;
    for param in element.params() {
        let digit = param
            .value()
            .and_then(|v| v.parse().ok())
            .filter(|d| (1..=9).contains(d));
        if !param.name().eq_ignore_ascii_case("level") || level.is_some() || digit.is_none() {
            return None;
        }
        level = digit;
    }
    Some(level)
}

impl Extension for Toy {
    fn name(&self) -> &str {
        "x-toy"
    }

    fn rsv(&self) -> u8 {
        Header::RSV1
    }

    fn offer(&self, params: &mut ExtensionParamWriter<'_>) {
        if let Some(l) = self.offered {
            params.param("level", Some(DIGITS[usize::from(l) - 1]));
        }
    }

    fn accept_offer(&mut self, offer: &ExtensionOffer<'_>) -> bool {
        self.agreed = level(offer);
        self.agreed.is_some()
    }

    fn response(&self, params: &mut ExtensionParamWriter<'_>) {
        if let Some(Some(l)) = self.agreed {
            params.param("level", Some(DIGITS[usize::from(l) - 1]));
        }
    }

    fn accept_response(&mut self, response: &ExtensionOffer<'_>) -> bool {
        // Only the level offered may come back (or none); a parameter the
        // client did not offer fails the handshake.
        match level(response) {
            Some(l) if l.is_none() || l == self.offered => {
                self.agreed = Some(l);
                true
            }
            _ => false,
        }
    }
    // Negotiation only: the transform is the identity.
    fn decode(
        &mut self,
        input: &[u8],
        last: bool,
        out: &mut [u8],
    ) -> Result<rfc6455::Transformed, rfc6455::ExtensionError> {
        let n = input.len().min(out.len());
        out[..n].copy_from_slice(&input[..n]);
        Ok(rfc6455::Transformed {
            read: n,
            written: n,
            done: last && n == input.len(),
        })
    }
    fn encodes(&self, _: rfc6455::MessageKind, _: usize) -> bool {
        false
    }
    fn max_encoded_len(&self, len: usize) -> usize {
        len
    }
    fn encode(
        &mut self,
        input: &[u8],
        _: bool,
        out: &mut [u8],
    ) -> Result<usize, rfc6455::ExtensionError> {
        out[..input.len()].copy_from_slice(input);
        Ok(input.len())
    }
}

/// An extension whose parameters are not tokens.
struct Broken;

impl Extension for Broken {
    fn name(&self) -> &str {
        "x-broken"
    }
    fn rsv(&self) -> u8 {
        0
    }
    fn offer(&self, params: &mut ExtensionParamWriter<'_>) {
        params.param("a", Some("b c"));
    }
    fn accept_offer(&mut self, _: &ExtensionOffer<'_>) -> bool {
        true
    }
    fn response(&self, params: &mut ExtensionParamWriter<'_>) {
        params.param("a\r\nX-Injected", None);
    }
    fn accept_response(&mut self, _: &ExtensionOffer<'_>) -> bool {
        true
    }
    // Negotiation only: the transform is the identity.
    fn decode(
        &mut self,
        input: &[u8],
        last: bool,
        out: &mut [u8],
    ) -> Result<rfc6455::Transformed, rfc6455::ExtensionError> {
        let n = input.len().min(out.len());
        out[..n].copy_from_slice(&input[..n]);
        Ok(rfc6455::Transformed {
            read: n,
            written: n,
            done: last && n == input.len(),
        })
    }
    fn encodes(&self, _: rfc6455::MessageKind, _: usize) -> bool {
        false
    }
    fn max_encoded_len(&self, len: usize) -> usize {
        len
    }
    fn encode(
        &mut self,
        input: &[u8],
        _: bool,
        out: &mut [u8],
    ) -> Result<usize, rfc6455::ExtensionError> {
        out[..input.len()].copy_from_slice(input);
        Ok(input.len())
    }
}

/// A client's request offering `offers` (raw `Sec-WebSocket-Extensions`
/// elements).
fn request_with(offers: &[&str]) -> Vec<u8> {
    let mut out = vec![0; 1024];
    let n = ClientRequest::new("example.com")
        .extensions(offers)
        .write(*b"the sample nonce", &mut out)
        .unwrap();
    out.truncate(n);
    out
}

fn parse(request: &[u8]) -> Request<'_> {
    complete(Request::parse(request, HeadLimits::new()).unwrap())
}

/// What a server with `Toy` answers to a request offering `offers`.
fn select(offers: &[&str]) -> (Option<String>, Toy) {
    let request = request_with(offers);
    let mut toy = Toy::default();
    let mut out = [0u8; 64];
    let answer = parse(&request)
        .select_extension(&mut toy, &mut out)
        .unwrap()
        .map(str::to_owned);
    (answer, toy)
}

/// A 101 for `request` with `extensions` as its `Sec-WebSocket-Extensions`
/// lines.
fn response_with(request: &[u8], extensions: &[&str]) -> Vec<u8> {
    let mut out = vec![0; 1024];
    let n = parse(request).accept(&Accept::new(), &mut out).unwrap();
    out.truncate(n - 2);
    for line in extensions {
        out.extend_from_slice(format!("Sec-WebSocket-Extensions: {line}\r\n").as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    out
}

fn negotiated<'r>(response: &'r [u8], request: &[u8]) -> Result<Negotiated<'r>, HandshakeError> {
    validate_response(response, request, HeadLimits::new()).map(complete)
}

#[test]
fn the_client_offer_is_the_extension_name_and_its_parameters() {
    let mut out = [0u8; 64];
    let toy = Toy {
        offered: Some(3),
        agreed: None,
    };
    assert_eq!(
        write_extension_offer(&toy, &mut out).unwrap(),
        "x-toy; level=3"
    );
    assert_eq!(
        write_extension_offer(&Toy::default(), &mut out).unwrap(),
        "x-toy"
    );
    // Too small: nothing is written, the length needed is said.
    let mut small = [0xaa; 8];
    assert_eq!(
        write_extension_offer(&toy, &mut small),
        Err(Error::BufferTooSmall(rfc6455::BufferTooSmall {
            required: 14
        }))
    );
    assert_eq!(small, [0xaa; 8]);
    // Parameters that are not tokens are refused, never written.
    assert_eq!(
        write_extension_offer(&Broken, &mut out),
        Err(Error::Usage(UsageError::InvalidHeader))
    );
    // The offer goes into the request as written.
    let offer = write_extension_offer(&toy, &mut out).unwrap();
    let request = request_with(&[offer]);
    let request = parse(&request);
    let offers: Vec<_> = request.extensions().collect();
    assert_eq!(offers.len(), 1);
    assert_eq!(offers[0].name(), "x-toy");
    assert_eq!(offers[0].param("level"), Some(Some("3")));
}

#[test]
fn the_server_takes_the_first_offer_its_extension_accepts() {
    let (answer, toy) = select(&["x-toy; level=5"]);
    assert_eq!(answer.as_deref(), Some("x-toy; level=5"));
    assert_eq!(toy.agreed, Some(Some(5)));
    let (answer, _) = select(&["x-toy"]);
    assert_eq!(answer.as_deref(), Some("x-toy"));
    // Other extensions are passed over; names compare without case.
    let (answer, _) = select(&["x-other; level=1", "X-Toy; level=2", "x-toy; level=4"]);
    assert_eq!(answer.as_deref(), Some("x-toy; level=2"));
    // Not offered at all.
    assert_eq!(select(&["x-other"]).0, None);
    assert_eq!(select(&[]).0, None);
}

#[test]
fn bad_offers_are_declined_and_a_later_good_one_taken() {
    for bad in [
        "x-toy; speed=1",          // unknown parameter
        "x-toy; level=1; level=2", // duplicate parameter
        "x-toy; level=1; LEVEL=1", // duplicate, in another case
        "x-toy; level",            // value missing
        "x-toy; level=0",          // out of range
        "x-toy; level=10",         // out of range
        "x-toy; level=x",          // not a number
        "x-toy; level=\"12\"",     // quoted, out of range
    ] {
        assert_eq!(select(&[bad]).0, None, "{bad}");
        let (answer, toy) = select(&[bad, "x-toy; level=\"7\""]);
        assert_eq!(answer.as_deref(), Some("x-toy; level=7"), "{bad}");
        assert_eq!(toy.agreed, Some(Some(7)));
    }
}

#[test]
fn the_server_writes_its_answer_in_the_101() {
    let request = request_with(&["x-toy; level=5, x-other"]);
    let request = parse(&request);
    let mut out = [0u8; 512];
    let n = request
        .accept(&Accept::new().extensions(&["x-toy; level=5"]), &mut out)
        .unwrap();
    let text = std::str::from_utf8(&out[..n]).unwrap();
    assert!(text.contains("\r\nSec-WebSocket-Extensions: x-toy; level=5\r\n"));
    let n = request
        .accept(&Accept::new().extensions(&["x-toy", "x-other"]), &mut out)
        .unwrap();
    let text = std::str::from_utf8(&out[..n]).unwrap();
    assert!(text.contains("\r\nSec-WebSocket-Extensions: x-toy, x-other\r\n"));
    // Declining every offer: no header.
    let n = request.accept(&Accept::new(), &mut out).unwrap();
    assert!(!std::str::from_utf8(&out[..n])
        .unwrap()
        .contains("Extensions"));
}

#[test]
fn the_server_cannot_accept_what_was_not_offered() {
    let request = request_with(&["x-toy"]);
    let request = parse(&request);
    let mut out = [0u8; 512];
    let refused = |answers: &[&str]| {
        let mut out = [0u8; 512];
        request
            .accept(&Accept::new().extensions(answers), &mut out)
            .unwrap_err()
    };
    let not_offered = Error::Usage(UsageError::ExtensionNotOffered);
    assert_eq!(refused(&["x-other"]), not_offered);
    assert_eq!(refused(&["x-toy", "X-TOY; level=1"]), not_offered);
    let invalid = Error::Usage(UsageError::InvalidHeader);
    assert_eq!(refused(&["x-toy, x-toy"]), invalid); // one element per answer
    assert_eq!(refused(&["x-toy; a=b c"]), invalid);
    assert_eq!(refused(&["x-toy\r\nX-Injected: 1"]), invalid);
    assert_eq!(refused(&[""]), invalid);
    // A broken extension's answer is never written.
    let mut broken = Broken;
    let request_broken = request_with(&["x-broken"]);
    assert_eq!(
        parse(&request_broken).select_extension(&mut broken, &mut out),
        Err(Error::Usage(UsageError::InvalidHeader))
    );
}

#[test]
fn the_client_checks_the_answer_against_its_offer() {
    let request = request_with(&["x-toy; level=3"]);
    let checked = |extensions: &[&str]| {
        let response = response_with(&request, extensions);
        let mut toy = Toy {
            offered: Some(3),
            agreed: None,
        };
        negotiated(&response, &request)
            .and_then(|n| n.check_extension(&mut toy))
            .map(|in_use| (in_use, toy.agreed))
    };
    assert_eq!(checked(&["x-toy; level=3"]), Ok((true, Some(Some(3)))));
    assert_eq!(checked(&["x-toy"]), Ok((true, Some(None))));
    // Declined by the server: allowed, not in use.
    assert_eq!(checked(&[]), Ok((false, None)));
    let rejected = Err(HandshakeError::ExtensionRejected);
    // A parameter the client did not offer, a value it did not offer, a
    // repeated parameter.
    assert_eq!(checked(&["x-toy; level=3; speed=1"]), rejected);
    assert_eq!(checked(&["x-toy; level=4"]), rejected);
    assert_eq!(checked(&["x-toy; level=3; level=3"]), rejected);
    // The extension named twice, in one header or two.
    assert_eq!(checked(&["x-toy, x-toy"]), rejected);
    assert_eq!(checked(&["x-toy", "x-toy; level=3"]), rejected);
    // An extension that was not offered at all fails in validate_response.
    assert_eq!(
        checked(&["x-other"]),
        Err(HandshakeError::ExtensionNotOffered)
    );
    assert_eq!(
        checked(&["x-toy; level=3; =1"]),
        Err(HandshakeError::InvalidExtensions)
    );
    assert!(HandshakeError::ExtensionRejected
        .to_string()
        .contains("not offered"));
}

#[test]
fn a_whole_negotiation_agrees_on_both_sides() {
    for offered in [None, Some(1), Some(9)] {
        let mut client = Toy {
            offered,
            agreed: None,
        };
        let mut buf = [0u8; 64];
        let offer = write_extension_offer(&client, &mut buf).unwrap();
        let request = request_with(&[offer]);
        let mut server = Toy::default();
        let mut answer = [0u8; 64];
        let parsed = parse(&request);
        let answer = parsed
            .select_extension(&mut server, &mut answer)
            .unwrap()
            .unwrap();
        let mut out = vec![0u8; 512];
        let n = parsed
            .accept(&Accept::new().extensions(&[answer]), &mut out)
            .unwrap();
        let negotiated = negotiated(&out[..n], &request).unwrap();
        assert_eq!(negotiated.check_extension(&mut client), Ok(true));
        assert_eq!(client.agreed, Some(offered));
        assert_eq!(server.agreed, client.agreed);
    }
}

#[test]
fn the_connection_runs_no_extension_yet_and_says_so() {
    // Server: accepting an extension is refused; nothing is queued.
    let request = request_with(&["x-toy"]);
    let mut server = Connection::server(Config::new(), [0u8; 2048], [0u8; 2048]).unwrap();
    assert_eq!(server.receive(&request), request.len());
    assert!(matches!(
        server.poll_event(),
        Some(Ok(rfc6455::Event::Upgrade(_)))
    ));
    assert_eq!(
        server.accept(&Accept::new().extensions(&["x-toy"])),
        Err(Error::Usage(UsageError::UnsupportedExtension))
    );
    assert!(server.peek_transmit().is_empty());
    server.accept(&Accept::new()).unwrap();
    // Client: a server that accepts its offer fails the handshake.
    let offers = ["x-toy"];
    let client_request = ClientRequest::new("example.com").extensions(&offers);
    let keys = common::test_keys();
    let mut client = Connection::client(
        &client_request,
        Config::new(),
        [0u8; 2048],
        [0u8; 2048],
        keys,
    )
    .unwrap();
    let sent = client.peek_transmit().to_vec();
    let response = response_with(&sent, &["x-toy"]);
    let _ = client.receive(&response);
    assert_eq!(
        client.poll_event(),
        Some(Err(Error::Handshake(HandshakeError::UnsupportedExtension)))
    );
}

/// What a client's decoder makes of `wire` fed whole, split at every offset
/// and byte by byte (all must agree): the headers' RSV bits, then the error.
fn decode_all_ways(decoder: &FrameDecoder, wire: &[u8]) -> (Vec<u8>, Option<ProtocolError>) {
    let run = |cuts: &[usize]| {
        let mut d = decoder.clone();
        let mut buf = wire.to_vec();
        let (mut start, mut rsv, mut error) = (0, Vec::new(), None);
        'feed: for end in cuts.iter().copied().chain([wire.len()]) {
            loop {
                match d.decode(&mut buf[start..end]) {
                    Ok((used, item)) => {
                        start += used;
                        match item {
                            Some(Decoded::Header(h)) => rsv.push(h.rsv),
                            Some(Decoded::Payload { .. }) => {}
                            None => break,
                        }
                    }
                    Err(e) => {
                        error = Some(e);
                        break 'feed;
                    }
                }
            }
        }
        (rsv, error)
    };
    let whole = run(&[]);
    for cut in 0..=wire.len() {
        assert_eq!(run(&[cut]), whole, "split at {cut}");
    }
    let every: Vec<usize> = (1..wire.len()).collect();
    assert_eq!(run(&every), whole, "byte by byte");
    whole
}

fn frames(frames: &[(u8, &[u8])]) -> Vec<u8> {
    frames
        .iter()
        .flat_map(|(b0, payload)| common::server_frame(*b0, payload))
        .collect()
}

#[test]
fn a_negotiated_extension_owns_rsv1_on_the_first_frame_of_a_message() {
    let toy = Toy::default();
    let claimed = FrameDecoder::new(Role::Client).with_message_rsv(toy.rsv());
    let none = FrameDecoder::new(Role::Client);
    const RSV1: u8 = Header::RSV1;
    // Text and Binary first frames with RSV1, whole or fragmented, with a
    // control frame between fragments.
    let ok = frames(&[
        (0xc1, b"abc"),
        (0xc2, b"\x00\x01"),
        (0x41, b"ab"),
        (0x89, b"ping"),
        (0x00, b"c"),
        (0x80, b""),
        (0x81, b"plain"),
    ]);
    assert_eq!(
        decode_all_ways(&claimed, &ok),
        (vec![RSV1, RSV1, RSV1, 0, 0, 0, 0], None)
    );
    // Nobody claimed it: 1002 on the first frame.
    assert_eq!(
        decode_all_ways(&none, &ok),
        (vec![], Some(ProtocolError::ReservedBits))
    );
    assert_eq!(ProtocolError::ReservedBits.close_code().as_u16(), 1002);
    // RSV1 on a continuation, on each control frame, and RSV2/RSV3 (not
    // claimed) on a first frame: 1002, after the frames before it.
    for (bad, before) in [
        (frames(&[(0x41, b"ab"), (0xc0, b"c")]), vec![RSV1]),
        (frames(&[(0x01, b"ab"), (0xc0, b"c")]), vec![0]),
        (frames(&[(0x41, b"ab"), (0xc0, b"")]), vec![RSV1]),
        (frames(&[(0xc9, b"")]), vec![]),
        (frames(&[(0xca, b"")]), vec![]),
        (frames(&[(0x81, b"x"), (0xc8, b"\x03\xe8")]), vec![0]),
        (
            frames(&[(0x41, b"a"), (0xc9, b"p"), (0x80, b"b")]),
            vec![RSV1],
        ),
        (frames(&[(0xa1, b"")]), vec![]),
        (frames(&[(0x91, b"")]), vec![]),
        (frames(&[(0xe1, b"")]), vec![]),
    ] {
        assert_eq!(
            decode_all_ways(&claimed, &bad),
            (before, Some(ProtocolError::ReservedBits))
        );
    }
    // Bits claimed for every frame are still allowed everywhere.
    let all = FrameDecoder::new(Role::Client).with_allowed_rsv(Header::RSV2);
    let wire = frames(&[(0x21, b"a"), (0xa9, b"")]);
    assert_eq!(
        decode_all_ways(&all, &wire),
        (vec![Header::RSV2, Header::RSV2], None)
    );
}

#[test]
fn claims_for_every_frame_and_per_message_compose_in_either_order() {
    let wire = frames(&[(0xe1, b"a"), (0xa0, b"b"), (0xa9, b"")]);
    let expected = (vec![0x60, Header::RSV2, Header::RSV2], None);
    let client = || FrameDecoder::new(Role::Client);
    let one = client()
        .with_message_rsv(Header::RSV1)
        .with_allowed_rsv(Header::RSV2);
    let other = client()
        .with_allowed_rsv(Header::RSV2)
        .with_message_rsv(Header::RSV1);
    assert_eq!(decode_all_ways(&one, &wire), expected);
    assert_eq!(decode_all_ways(&other, &wire), expected);
    // RSV1 stays per-message: on the continuation, 1002.
    let bad = frames(&[(0x61, b"a"), (0xe0, b"b")]);
    assert_eq!(
        decode_all_ways(&one, &bad),
        (vec![0x60], Some(ProtocolError::ReservedBits))
    );
    // Claims are replaced, not added up.
    let replaced = client()
        .with_message_rsv(Header::RSV1)
        .with_message_rsv(Header::RSV3);
    assert_eq!(
        decode_all_ways(&replaced, &frames(&[(0xc1, b"")])),
        (vec![], Some(ProtocolError::ReservedBits))
    );
}
