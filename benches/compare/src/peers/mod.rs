//! One adapter per implementation. Each drives its crate the way an
//! application would: as an already-upgraded server for receive rows, and as
//! a server or client encoder for W5.

mod embedded_websocket;
mod fastwebsockets;
mod reference;
mod rfc6455;
mod tokio_websockets;
mod tungstenite;
mod websocket_sans_io;

use crate::harness::Checksum;
use crate::workloads::RecvInput;
use tokio::runtime::Runtime;

/// What an adapter gets for an encode job.
pub struct EncodeJob<'a> {
    pub payload: &'a [u8],
    /// The same payload as shared bytes, for APIs that take ownership
    /// (cloning it is a reference-count increment).
    pub shared: &'a bytes::Bytes,
    pub count: usize,
    pub client: bool,
}

/// How a column relates to the rest of the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// The crate under test.
    Subject,
    /// Another WebSocket implementation; ratios are to the best of these.
    Peer,
    /// A lower bound (memcpy, simdutf8), not a WebSocket implementation.
    Reference,
}

pub trait Column {
    fn name(&self) -> &'static str;
    fn role(&self) -> Role;
    /// Whether the crate itself validates UTF-8 of text messages; if not,
    /// the adapter runs `simdutf8::basic::from_utf8` on every text message.
    fn validates_utf8(&self) -> bool {
        true
    }
    /// Whether client masking keys come from the crate's own RNG rather than
    /// the shared cheap `KeyGen`.
    fn own_mask_keys(&self) -> bool {
        false
    }
    /// Receives `input.wire` as a server, in reads of at most `read_size`
    /// bytes, until the peer's Close; returns what it delivered, or `None`
    /// when the column does not apply.
    fn recv(
        &self,
        input: &RecvInput,
        read_size: usize,
        rt: &Runtime,
    ) -> Option<Result<Checksum, String>>;
    /// Encodes `job.count` binary messages into `out` and returns the
    /// number of bytes written, or `None` when the crate cannot do it.
    fn encode(
        &self,
        job: &EncodeJob,
        out: &mut [u8],
        rt: &Runtime,
    ) -> Option<Result<usize, String>>;
}

/// Every column, in table order.
pub fn all() -> Vec<Box<dyn Column>> {
    vec![
        Box::new(rfc6455::Rfc6455 { reassemble: false }),
        Box::new(rfc6455::Rfc6455 { reassemble: true }),
        Box::new(tungstenite::Tungstenite),
        Box::new(tokio_websockets::TokioWebsockets),
        Box::new(fastwebsockets::Fastwebsockets),
        Box::new(embedded_websocket::EmbeddedWebsocket),
        Box::new(websocket_sans_io::WebsocketSansIo),
        Box::new(reference::Memcpy),
        Box::new(reference::Simdutf8),
    ]
}

/// The check that adapters of non-validating crates add on text messages.
#[inline]
pub fn validate_utf8(payload: &[u8]) -> Result<(), String> {
    simdutf8::basic::from_utf8(payload)
        .map(drop)
        .map_err(|_| "invalid UTF-8 in a text message".to_string())
}

/// Formats any error for the report.
pub fn err<E: std::fmt::Debug>(e: E) -> String {
    format!("{e:?}")
}
