//! Helpers shared by the test files: a real negotiation through the core's
//! handshake functions, whole-message encode, and decode fed in every shape.

#![allow(dead_code)]

use rfc6455::{
    validate_response, write_extension_offer, Accept, ClientRequest, Extension, ExtensionError,
    HeadLimits, Request, Status,
};
use rfc6455_deflate::{Deflate, DeflateConfig};

/// Negotiates a client and a server through the core's handshake: the
/// client's offer in a request, the server's selection in a 101, the
/// client's check. Returns the server's answer too (`None`: declined).
pub fn negotiate(
    client: DeflateConfig,
    server: DeflateConfig,
) -> (Deflate, Deflate, Option<String>) {
    let mut client = Deflate::with_config(client);
    let mut server = Deflate::with_config(server);
    let mut offer = [0u8; 256];
    let offers = [write_extension_offer(&client, &mut offer).unwrap()];
    let mut request = [0u8; 1024];
    let n = ClientRequest::new("example.com")
        .extensions(&offers)
        .write([7; 16], &mut request)
        .unwrap();
    let Ok(Status::Complete(req)) = Request::parse(&request[..n], HeadLimits::new()) else {
        panic!("request did not parse");
    };
    let mut answer = [0u8; 256];
    let selected = req.select_extension(&mut server, &mut answer).unwrap();
    let answer_text = selected.map(str::to_owned);
    let answers: Vec<&str> = selected.into_iter().collect();
    let mut response = [0u8; 1024];
    let m = req
        .accept(&Accept::new().extensions(&answers), &mut response)
        .unwrap();
    let Ok(Status::Complete(negotiated)) =
        validate_response(&response[..m], &request[..n], HeadLimits::new())
    else {
        panic!("response did not validate");
    };
    let in_use = negotiated.check_extension(&mut client).unwrap();
    assert_eq!(in_use, answer_text.is_some());
    (client, server, answer_text)
}

/// Encodes `message` as one message of fragments of `fragment` bytes (the
/// whole message at once if 0); returns each fragment's payload.
pub fn encode(deflate: &mut Deflate, message: &[u8], fragment: usize) -> Vec<Vec<u8>> {
    let pieces: Vec<&[u8]> = if fragment == 0 || message.is_empty() {
        vec![message]
    } else {
        message.chunks(fragment).collect()
    };
    let count = pieces.len();
    pieces
        .into_iter()
        .enumerate()
        .map(|(i, piece)| {
            let mut out = vec![0u8; deflate.max_encoded_len(piece.len())];
            let n = deflate.encode(piece, i + 1 == count, &mut out).unwrap();
            out.truncate(n);
            out
        })
        .collect()
}

/// Decodes one message whose payload is `pieces` (the last one ends it),
/// giving `decode` at most `room` bytes of output per call, like the
/// connection does. Stops with an error past `limit` output bytes.
pub fn decode_pieces(
    deflate: &mut Deflate,
    pieces: &[&[u8]],
    room: usize,
    limit: usize,
) -> Result<Vec<u8>, ExtensionError> {
    let mut message = Vec::new();
    let count = pieces.len();
    for (i, piece) in pieces.iter().enumerate() {
        let last = i + 1 == count;
        let mut at = 0;
        loop {
            let budget = limit - message.len();
            let step_room = room.min(budget + 1);
            let mut out = vec![0u8; step_room];
            let step = deflate.decode(&piece[at..], last, &mut out)?;
            assert!(step.read <= piece.len() - at, "read past the input");
            assert!(step.written <= out.len(), "wrote past out");
            message.extend_from_slice(&out[..step.written]);
            if message.len() > limit {
                return Err(ExtensionError::new("over the limit"));
            }
            at += step.read;
            if at == piece.len() && (!last || step.done) {
                break;
            }
            assert!(
                step.read != 0 || step.written != 0,
                "a step moved nothing: the connection would call it corrupt"
            );
        }
    }
    Ok(message)
}

/// Decodes a message whose payload is `wire` in one piece.
pub fn decode(deflate: &mut Deflate, wire: &[u8]) -> Vec<u8> {
    decode_pieces(deflate, &[wire], 64 << 10, usize::MAX - 1).unwrap()
}

/// Deterministic pseudo-random bytes (xorshift), no dependency.
pub fn random(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x.to_le_bytes()[3]
        })
        .collect()
}

/// JSON-like text that compresses the way application messages do.
pub fn repetitive(len: usize, seed: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + 64);
    let mut i = seed;
    while out.len() < len {
        out.extend_from_slice(
            format!(
                "{{\"id\":{i},\"symbol\":\"BTC-USD\",\"price\":{}.{:02},\"side\":\"buy\"}},",
                40_000 + i % 997,
                i % 100
            )
            .as_bytes(),
        );
        i += 1;
    }
    out.truncate(len);
    out
}

/// 1 GiB of zeros deflated (~1 MiB): one MiB compressed, then the block
/// that compresses each further MiB (with the context, all matches) 1023
/// times over: every copy decodes to another MiB of zeros.
pub fn bomb() -> Vec<u8> {
    let mut tx = Deflate::with_config(DeflateConfig::new().level(9).threshold(0));
    let zeros = vec![0u8; 1 << 20];
    let mut out = vec![0u8; tx.max_encoded_len(zeros.len())];
    let n = tx.encode(&zeros, false, &mut out).unwrap();
    let mut wire = out[..n].to_vec();
    let n = tx.encode(&zeros, false, &mut out).unwrap();
    for _ in 1..1024 {
        wire.extend_from_slice(&out[..n]);
    }
    // The message's end: an empty stored block without its tail.
    wire.push(0x00);
    wire
}
