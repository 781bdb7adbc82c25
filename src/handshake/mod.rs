//! The opening handshake (RFC 6455 §4). Placeholder until the handshake layer lands.

use core::fmt;

/// The opening handshake failed.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HandshakeError {
    /// The request or response was malformed.
    Malformed,
}

impl fmt::Display for HandshakeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("malformed handshake")
    }
}

impl core::error::Error for HandshakeError {}

/// A client's upgrade request (placeholder).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Request<'a> {
    head: &'a [u8],
}
