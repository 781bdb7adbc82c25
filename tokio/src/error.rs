//! The adapter's error: what went wrong, and whose fault it was.

use std::fmt;
use std::io;

use rfc6455::{HandshakeError, ProtocolError, Timeout, UsageError};

use crate::message::CloseFrame;
use crate::url::UrlError;

/// Everything that can go wrong with a WebSocket over tokio.
///
/// The variants say who is at fault: the transport ([`Io`](Error::Io),
/// [`ConnectionLost`](Error::ConnectionLost)), the peer
/// ([`Protocol`](Error::Protocol), [`Handshake`](Error::Handshake),
/// [`Refused`](Error::Refused), [`Timeout`](Error::Timeout)), or the
/// application ([`Closed`](Error::Closed), [`Usage`](Error::Usage),
/// [`Url`](Error::Url)).
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// Reading or writing the transport failed.
    Io(io::Error),
    /// The URL given to [`connect`](crate::connect) is not a WebSocket URL.
    Url(UrlError),
    /// A `wss://` URL, but this build has no TLS (the `rustls` feature).
    TlsNotEnabled,
    /// The TLS handshake failed: a certificate not trusted or not for this
    /// host, no protocol in common, or the transport under it.
    Tls(io::Error),
    /// The opening handshake was malformed (RFC 6455 §4): a bad request
    /// (answered with 400 or 426 for you) or a bad `101` response.
    Handshake(HandshakeError),
    /// The server answered the upgrade with a status other than `101`.
    Refused(Box<Refusal>),
    /// The application's `accept_with` hook refused the upgrade with this
    /// status; the response was sent.
    Rejected {
        /// The status sent.
        status: u16,
    },
    /// The peer broke the protocol; a Close frame with this error's code
    /// (1002, 1007, 1009, …) was sent.
    Protocol(ProtocolError),
    /// A deadline of [`rfc6455::Config`] passed: the opening handshake,
    /// a dead peer (no answer to the keepalive Ping) or the close
    /// handshake.
    Timeout(Timeout),
    /// The transport ended before the close handshake (1006, abnormal
    /// closure).
    ConnectionLost,
    /// The connection is closed: nothing more can be sent. Holds the
    /// peer's Close frame if it sent one.
    Closed(Option<CloseFrame>),
    /// The application asked for something the protocol forbids (a Ping
    /// payload over 125 bytes, a close code that may not be sent, …);
    /// nothing was sent.
    Usage(UsageError),
    /// A message longer than [`rfc6455::Config::max_send_queue`], which it
    /// could never fit.
    TooLarge {
        /// The message's frame length.
        len: usize,
    },
}

/// A server's refusal of the upgrade: its status, headers and body (the
/// first [`Refusal::MAX_BODY`] bytes, read for a second at most).
///
/// RFC 6455 §4.1: such a response is handled "per HTTP procedures": read
/// `Location` to follow a redirect, `WWW-Authenticate` to authenticate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The HTTP status, e.g. 403.
    pub status: u16,
    /// The reason phrase, e.g. `Forbidden`.
    pub reason: String,
    /// The header lines, in order: names as sent, values as bytes.
    pub headers: Vec<(String, Vec<u8>)>,
    /// The start of the body.
    pub body: Vec<u8>,
}

impl Refusal {
    /// The most body bytes kept.
    pub const MAX_BODY: usize = 4096;

    /// The value of the first header named `name` (case-insensitive).
    #[must_use]
    pub fn header(&self, name: &str) -> Option<&[u8]> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_slice())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io(e) => write!(f, "transport error: {e}"),
            Error::Url(e) => write!(f, "invalid WebSocket URL: {e}"),
            Error::TlsNotEnabled => f.write_str(
                "wss:// needs TLS, which this build does not include: enable the `rustls` \
                 feature, or connect a TLS stream yourself and use `client`",
            ),
            Error::Tls(e) => write!(f, "TLS handshake failed: {e}"),
            Error::Handshake(e) => write!(f, "opening handshake failed: {e}"),
            Error::Refused(r) => {
                write!(
                    f,
                    "the server refused the upgrade: {} {}",
                    r.status, r.reason
                )?;
                let body = String::from_utf8_lossy(&r.body);
                let body = body.trim();
                if !body.is_empty() {
                    let cut = body.char_indices().nth(200).map_or(body.len(), |(i, _)| i);
                    write!(f, ": {}", &body[..cut])?;
                }
                Ok(())
            }
            Error::Rejected { status } => write!(f, "the upgrade was rejected with {status}"),
            Error::Protocol(e) => write!(
                f,
                "the peer broke the protocol ({e}); closed with {}",
                e.close_code()
            ),
            Error::Timeout(e) => write!(f, "timed out: {e}"),
            Error::ConnectionLost => {
                f.write_str("the connection ended without a close handshake (1006)")
            }
            Error::Closed(None) => f.write_str("the connection is closed"),
            Error::Closed(Some(frame)) => {
                write!(f, "the connection is closed (the peer sent {frame})")
            }
            Error::Usage(e) => write!(f, "{e}"),
            Error::TooLarge { len } => write!(
                f,
                "a message of {len} bytes exceeds the send queue's limit (Config::max_send_queue)"
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io(e) | Error::Tls(e) => Some(e),
            Error::Url(e) => Some(e),
            Error::Handshake(e) => Some(e),
            Error::Protocol(e) => Some(e),
            Error::Timeout(e) => Some(e),
            Error::Usage(e) => Some(e),
            _ => None,
        }
    }
}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Self {
        Error::Io(e)
    }
}

impl From<UrlError> for Error {
    fn from(e: UrlError) -> Self {
        Error::Url(e)
    }
}

impl From<rfc6455::Error> for Error {
    fn from(e: rfc6455::Error) -> Self {
        match e {
            rfc6455::Error::Protocol(e) => Error::Protocol(e),
            rfc6455::Error::Handshake(e) => Error::Handshake(e),
            rfc6455::Error::Timeout(e) => Error::Timeout(e),
            rfc6455::Error::Usage(UsageError::Closed) => Error::Closed(None),
            rfc6455::Error::Usage(e) => Error::Usage(e),
            rfc6455::Error::BufferTooSmall(e) => Error::TooLarge { len: e.required },
            // `rfc6455::Error` is non-exhaustive.
            _ => Error::Io(io::Error::other(e)),
        }
    }
}

impl From<Error> for io::Error {
    fn from(e: Error) -> Self {
        match e {
            Error::Io(e) => e,
            e => io::Error::other(e),
        }
    }
}
