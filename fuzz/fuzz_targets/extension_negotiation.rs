//! Invariant: any request head and any response head drive an extension's
//! negotiation without a panic. When the server's extension accepts one of
//! the client's offers, its answer is one well-formed element naming it,
//! `Request::accept` writes it, and a client reading that 101 agrees on the
//! same parameters; any `Sec-WebSocket-Extensions` in any response leaves
//! the extension in use, not in use, or fails with a `HandshakeError`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rfc6455::{
    validate_response, Accept, Extension, ExtensionOffer, ExtensionOffers, ExtensionParamWriter,
    HeadLimits, Header, Request, Status,
};
use rfc6455_fuzz::header;

const DIGITS: [&str; 9] = ["1", "2", "3", "4", "5", "6", "7", "8", "9"];

/// `x-toy`: one optional parameter, `level=1`…`level=9`, given once.
struct Toy(Option<Option<u8>>);

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
    fn offer(&self, _: &mut ExtensionParamWriter<'_>) {}
    fn accept_offer(&mut self, offer: &ExtensionOffer<'_>) -> bool {
        self.0 = level(offer);
        self.0.is_some()
    }
    fn response(&self, params: &mut ExtensionParamWriter<'_>) {
        if let Some(Some(l)) = self.0 {
            params.param("level", Some(DIGITS[usize::from(l) - 1]));
        }
    }
    fn accept_response(&mut self, response: &ExtensionOffer<'_>) -> bool {
        self.0 = level(response);
        self.0.is_some()
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

fuzz_target!(|data: &[u8]| {
    let Some(([hi, lo], input)) = header::<2>(data) else {
        return;
    };
    let split = usize::from(u16::from_be_bytes([hi, lo])) % (input.len() + 1);
    let (request, response) = input.split_at(split);
    let Ok(Status::Complete(req)) = Request::parse(request, HeadLimits::new()) else {
        return;
    };
    let ours = &request[..req.head_len()];
    // Server: select, answer, and the client agrees.
    let mut server = Toy(None);
    let mut buf = [0u8; 64];
    if let Some(answer) = req.select_extension(&mut server, &mut buf).unwrap() {
        let mut elements = ExtensionOffers::parse(answer.as_bytes()).unwrap();
        assert_eq!(elements.next().map(|e| e.name()), Some("x-toy"));
        assert!(elements.next().is_none());
        let mut out = vec![0u8; 1024];
        let n = req
            .accept(&Accept::new().extensions(&[answer]), &mut out)
            .unwrap();
        let Ok(Status::Complete(negotiated)) =
            validate_response(&out[..n], ours, HeadLimits::new())
        else {
            panic!("our own 101 was refused");
        };
        let mut client = Toy(None);
        assert_eq!(negotiated.check_extension(&mut client), Ok(true));
        assert_eq!(client.0, server.0);
    }
    // Client: any response to this request.
    if let Ok(Status::Complete(negotiated)) = validate_response(response, ours, HeadLimits::new()) {
        let mut client = Toy(None);
        if let Ok(true) = negotiated.check_extension(&mut client) {
            assert!(client.0.is_some());
        }
    }
});
