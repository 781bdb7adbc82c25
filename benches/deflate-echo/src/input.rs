//! The prepared inputs: JSON-like messages, the negotiation, the client's
//! compressed and masked wire, and the check of an echo.

use rfc6455::{
    validate_response, Config, Connection, Event, HeadLimits, KeySource, Request, Role, Status,
};
use rfc6455_deflate::Deflate;

/// The client's offer: context takeover both ways, window 15 (every crate's
/// default).
pub const TAKEOVER: &str = "permessage-deflate";
/// For soketto, which inflates every message with a fresh decompressor.
pub const NO_TAKEOVER: &str =
    "permessage-deflate; client_no_context_takeover; server_no_context_takeover";

/// Reads handed to every crate: as much as a 64 KiB socket read would give.
pub const READ_SIZE: usize = 64 << 10;

#[path = "../../json_messages.rs"]
mod json;
pub use json::messages;

/// A cheap deterministic mask-key source (xorshift) for the client.
pub struct Keys(u64);

impl KeySource for Keys {
    fn fill(&mut self, dest: &mut [u8]) {
        for b in dest {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            *b = self.0 as u8;
        }
    }
}

/// The canned upgrade request carrying `offer`.
fn request_head(offer: &str) -> String {
    format!(
        "GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\
         Sec-WebSocket-Extensions: {offer}\r\n\r\n"
    )
}

/// rfc6455-deflate as a server that selected `offer` (at its defaults:
/// level 1, memLevel 4), and the answer it would send.
pub fn server_deflate(offer: &str) -> (Deflate, String) {
    let head = request_head(offer);
    let Ok(Status::Complete(request)) = Request::parse(head.as_bytes(), HeadLimits::new()) else {
        panic!("the canned request parses");
    };
    let mut server = Deflate::new();
    let mut answer = [0u8; 256];
    let answer = request
        .select_extension(&mut server, &mut answer)
        .expect("the answer fits")
        .expect("the server takes the offer")
        .to_owned();
    (server, answer)
}

/// rfc6455-deflate as the client that offered `offer` and got the server's
/// answer.
pub fn client_deflate(offer: &str) -> Deflate {
    let head = request_head(offer);
    let (_, answer) = server_deflate(offer);
    let response = format!(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Extensions: {answer}\r\n\r\n"
    );
    let Ok(Status::Complete(negotiated)) =
        validate_response(response.as_bytes(), head.as_bytes(), HeadLimits::new())
    else {
        panic!("the canned response validates");
    };
    let mut client = Deflate::new();
    assert!(negotiated
        .check_extension(&mut client)
        .expect("the client takes the answer"));
    client
}

/// What every column receives for one workload and offer.
pub struct Input {
    /// The client's offer (and so the parameters in force).
    pub offer: &'static str,
    /// The server's answer (what yawc is told was agreed).
    pub answer: String,
    /// Masked compressed client frames, one text message each.
    pub wire: Vec<u8>,
    /// The messages, for the check.
    pub messages: Vec<String>,
}

impl Input {
    /// The messages as an rfc6455 client running rfc6455-deflate sends them.
    pub fn new(offer: &'static str, messages: Vec<String>) -> Self {
        let (_, answer) = server_deflate(offer);
        let conn = Connection::open(
            Role::Client,
            Config::new(),
            Vec::new(),
            Vec::new(),
            Keys(0x2545_f491_4f6c_dd1d),
        )
        .expect("a client opens");
        let mut client = conn
            .with_extension(client_deflate(offer))
            .expect("deflate attaches");
        let mut wire = Vec::new();
        for m in &messages {
            client.send_text(m).expect("the client sends");
            drain(&mut client, &mut wire);
        }
        Input {
            offer,
            answer,
            wire,
            messages,
        }
    }

    /// Bytes of message payload in the workload.
    pub fn message_bytes(&self) -> usize {
        self.messages.iter().map(String::len).sum()
    }

    /// Checks that `echo` (a server's output) is every message, in order,
    /// compressed as a client that made this offer can read.
    pub fn check_echo(&self, echo: &[u8]) -> Result<(), String> {
        let conn = Connection::open(Role::Client, Config::new(), Vec::new(), Vec::new(), Keys(1))
            .map_err(|e| e.to_string())?;
        let mut client = conn
            .with_extension(client_deflate(self.offer))
            .map_err(|e| e.to_string())?;
        // RFC 7692 §6: a compressed data frame has RSV1 set.
        if echo.first().is_some_and(|b| b & 0x40 == 0) {
            return Err("the first echoed frame is not compressed (RSV1 clear)".into());
        }
        let mut next = 0;
        let mut rest = echo;
        loop {
            let n = client.receive(rest);
            rest = &rest[n..];
            let mut any = false;
            while let Some(event) = client.poll_event() {
                any = true;
                match event.map_err(|e| format!("echo {next}: {e}"))? {
                    Event::Text { data, fin: true } => {
                        if self.messages.get(next).map(String::as_str) != Some(data) {
                            return Err(format!("echo {next} differs from the message"));
                        }
                        next += 1;
                    }
                    other => return Err(format!("echo {next}: unexpected {other:?}")),
                }
            }
            if rest.is_empty() || (n == 0 && !any) {
                break;
            }
        }
        if next != self.messages.len() || !rest.is_empty() {
            return Err(format!(
                "{next} of {} messages echoed, {} bytes left over",
                self.messages.len(),
                rest.len()
            ));
        }
        Ok(())
    }
}

/// Appends everything `conn` has to transmit to `out`.
pub fn drain<K: KeySource, E: rfc6455::Extension>(
    conn: &mut Connection<Vec<u8>, K, E>,
    out: &mut Vec<u8>,
) {
    loop {
        let pending = conn.peek_transmit();
        if pending.is_empty() {
            return;
        }
        out.extend_from_slice(pending);
        let n = pending.len();
        conn.advance_transmit(n);
    }
}
