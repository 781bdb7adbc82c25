//! Errors, sorted by who is at fault.
//!
//! - [`ProtocolError`]: the peer broke RFC 6455. It carries the close code to
//!   send; the connection fails and stays failed.
//! - [`HandshakeError`]: the opening handshake was malformed or refused. It
//!   carries the HTTP status to answer with.
//! - [`UsageError`]: the caller asked for something the protocol forbids. The
//!   connection is left as it was and stays usable.
//! - [`BufferTooSmall`]: an output buffer cannot hold what must be written.
//!   Nothing was written.
//!
//! "Need more data" is never an error: decoders report it as a status.

use core::fmt;

use crate::close_code::CloseCode;

mod handshake;

pub use handshake::HandshakeError;

/// An output buffer was too small; nothing was written.
///
/// `required` is the number of bytes the write needs in all, so a caller can
/// grow or drain its buffer and try again.
///
/// # Examples
///
/// ```
/// use rfc6455::{BufferTooSmall, Encoder};
///
/// let mut encoder = Encoder::server();
/// let mut out = [0u8; 4];
/// let err = encoder.text("Hello", &mut out).unwrap_err();
/// assert_eq!(err, BufferTooSmall { required: 7 });
/// assert_eq!(out, [0; 4]); // nothing written
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BufferTooSmall {
    /// How many bytes the write needs in all.
    pub required: usize,
}

impl fmt::Display for BufferTooSmall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "output buffer too small: {} bytes required",
            self.required
        )
    }
}

impl core::error::Error for BufferTooSmall {}

/// The peer violated RFC 6455.
///
/// Each variant names the rule that was broken; [`close_code`](Self::close_code)
/// gives the status code the connection sends in its Close frame before it
/// fails (RFC 6455 §7.1.7, §7.4.1).
///
/// # Examples
///
/// ```
/// use rfc6455::{CloseCode, ProtocolError};
///
/// assert_eq!(ProtocolError::InvalidUtf8.close_code(), CloseCode::INVALID_PAYLOAD);
/// assert_eq!(ProtocolError::ReservedBits.close_code(), CloseCode::PROTOCOL_ERROR);
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProtocolError {
    /// An RSV bit was set that no negotiated extension defines (§5.2).
    ReservedBits,
    /// The opcode is one of the reserved values 0x3–0x7 or 0xB–0xF (§5.2).
    ReservedOpcode(u8),
    /// A control frame carried more than 125 bytes of payload (§5.5).
    ControlFrameTooLong,
    /// A control frame had FIN clear (§5.5: control frames MUST NOT be fragmented).
    FragmentedControlFrame,
    /// A server received an unmasked frame (§5.1).
    UnmaskedFrame,
    /// A client received a masked frame (§5.1).
    MaskedFrame,
    /// The payload length was not written in the minimal number of bytes (§5.2).
    NonMinimalLength,
    /// A 64-bit payload length had its most significant bit set (§5.2).
    LengthOverflow,
    /// A frame was longer than the configured `max_frame_len`.
    FrameTooLarge,
    /// A message was longer than the configured `max_message_len`.
    MessageTooLarge,
    /// A message had more fragments than the configured `max_fragments`.
    TooManyFragments,
    /// A continuation frame arrived with no fragmented message in progress (§5.4).
    UnexpectedContinuation,
    /// A new text or binary frame arrived while a fragmented message was in
    /// progress (§5.4).
    ExpectedContinuation,
    /// A text message was not valid UTF-8 (§5.6, §8.1).
    InvalidUtf8,
    /// A Close frame had a 1-byte payload (§5.5.1).
    InvalidClosePayload,
    /// A Close frame carried a status code that may not be sent on the wire (§7.4).
    InvalidCloseCode(u16),
    /// A Close frame's reason was not valid UTF-8 (§5.5.1).
    InvalidCloseReason,
    /// The negotiated extension could not decode a message (corrupt
    /// compressed data, for permessage-deflate: RFC 7692 §6.2).
    InvalidExtensionData,
}

impl ProtocolError {
    /// The close code to send to the peer for this violation.
    #[must_use]
    pub const fn close_code(&self) -> CloseCode {
        match self {
            ProtocolError::InvalidUtf8
            | ProtocolError::InvalidCloseReason
            | ProtocolError::InvalidExtensionData => CloseCode::INVALID_PAYLOAD,
            ProtocolError::FrameTooLarge
            | ProtocolError::MessageTooLarge
            | ProtocolError::TooManyFragments => CloseCode::MESSAGE_TOO_BIG,
            ProtocolError::ReservedBits
            | ProtocolError::ReservedOpcode(_)
            | ProtocolError::ControlFrameTooLong
            | ProtocolError::FragmentedControlFrame
            | ProtocolError::UnmaskedFrame
            | ProtocolError::MaskedFrame
            | ProtocolError::NonMinimalLength
            | ProtocolError::LengthOverflow
            | ProtocolError::UnexpectedContinuation
            | ProtocolError::ExpectedContinuation
            | ProtocolError::InvalidClosePayload
            | ProtocolError::InvalidCloseCode(_) => CloseCode::PROTOCOL_ERROR,
        }
    }

    /// A short reason phrase (at most 123 bytes) for the Close frame.
    #[must_use]
    pub const fn reason(&self) -> &'static str {
        match self {
            ProtocolError::ReservedBits => "reserved bits set",
            ProtocolError::ReservedOpcode(_) => "reserved opcode",
            ProtocolError::ControlFrameTooLong => "control frame payload over 125 bytes",
            ProtocolError::FragmentedControlFrame => "fragmented control frame",
            ProtocolError::UnmaskedFrame => "frame from client not masked",
            ProtocolError::MaskedFrame => "frame from server masked",
            ProtocolError::NonMinimalLength => "payload length not minimally encoded",
            ProtocolError::LengthOverflow => "payload length has its top bit set",
            ProtocolError::FrameTooLarge => "frame too large",
            ProtocolError::MessageTooLarge => "message too large",
            ProtocolError::TooManyFragments => "too many fragments",
            ProtocolError::UnexpectedContinuation => "continuation frame without a message",
            ProtocolError::ExpectedContinuation => "new message inside a fragmented message",
            ProtocolError::InvalidUtf8 => "invalid UTF-8 in text message",
            ProtocolError::InvalidClosePayload => "close payload of 1 byte",
            ProtocolError::InvalidCloseCode(_) => "invalid close code",
            ProtocolError::InvalidCloseReason => "invalid UTF-8 in close reason",
            ProtocolError::InvalidExtensionData => "extension data could not be decoded",
        }
    }
}

impl fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProtocolError::ReservedOpcode(op) => write!(
                f,
                "peer sent a frame with reserved opcode {op:#x} (RFC 6455 §5.2)"
            ),
            ProtocolError::InvalidCloseCode(code) => write!(
                f,
                "peer sent close code {code}, which may not be sent on the wire (RFC 6455 §7.4)"
            ),
            other => write!(
                f,
                "peer broke RFC 6455: {} (closing with {})",
                other.reason(),
                other.close_code().as_u16()
            ),
        }
    }
}

impl core::error::Error for ProtocolError {}

/// The caller asked for something the protocol forbids.
///
/// Nothing was sent or changed; the connection or encoder stays usable.
///
/// # Examples
///
/// ```
/// use rfc6455::{Encoder, UsageError, Error};
///
/// let mut encoder = Encoder::server();
/// let mut out = [0u8; 256];
/// let long = [0u8; 126];
/// let err = encoder.ping(&long, &mut out).unwrap_err();
/// assert_eq!(err, Error::Usage(UsageError::ControlPayloadTooLong));
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UsageError {
    /// A control frame payload (ping, pong, close) would exceed 125 bytes (§5.5).
    ControlPayloadTooLong,
    /// A control frame (ping, pong, close) was marked [`Fragment::More`]
    /// (§5.5: control frames are never fragmented).
    ///
    /// [`Fragment::More`]: crate::Fragment::More
    FragmentedControlFrame,
    /// A close reason would exceed 123 bytes (§5.5: 125 minus the 2-byte code).
    CloseReasonTooLong,
    /// A raw Close payload is one byte long, or its reason is not UTF-8
    /// (§5.5.1: a body starts with a 2-byte code and the rest is UTF-8).
    InvalidClosePayload,
    /// A payload length over 2^63 − 1 bytes cannot be encoded (§5.2: the
    /// most significant bit of a 64-bit length MUST be 0).
    PayloadTooLong,
    /// The close code may not be sent (1005, 1006, 1015, or outside 1000–4999).
    InvalidCloseCode(u16),
    /// A continuation was sent with no fragmented message started.
    NoMessageInProgress,
    /// A new message was started while a fragmented one is still unfinished.
    MessageInProgress,
    /// Data cannot be sent before the opening handshake completes.
    NotOpen,
    /// Nothing more can be sent: a Close frame was already sent, or the
    /// connection has failed.
    Closed,
    /// A header name or value contains CR, LF, NUL or another forbidden byte.
    InvalidHeader,
    /// The chosen subprotocol was not offered by the client.
    SubprotocolNotOffered,
    /// An extension accepted in [`Accept`](crate::Accept) was not offered
    /// by the client, or is accepted twice (RFC 6455 §4.2.2).
    ExtensionNotOffered,
    /// [`Connection::accept`](crate::Connection::accept) was asked to
    /// accept an extension the connection does not run: its frames could
    /// not be read. The connection runs no extension yet; negotiate one with
    /// the handshake layer ([`Request::select_extension`](crate::Request::select_extension)).
    UnsupportedExtension,
    /// The bytes given as a prepared frame are not exactly one unmasked
    /// data, Ping or Pong frame without RSV bits.
    InvalidFrame,
    /// A client was given [`NoKeys`](crate::NoKeys), whose bytes are all
    /// zero: its nonce and masking keys must be unpredictable (RFC 6455 §4.1,
    /// §5.3).
    PredictableKeys,
    /// A prepared text frame is not UTF-8, or a text message ends inside a
    /// character (RFC 6455 §5.6, §8.1).
    InvalidUtf8,
    /// Queued output must be written before a frame header can be handed
    /// out (see `Connection::send_header`).
    OutputPending,
    /// The extension failed to transform a message to send: nothing was
    /// queued.
    ExtensionFailed,
    /// The call does not fit the connection's current state (for example,
    /// accepting an upgrade request that was never received).
    InvalidState,
    /// The send queue has no room for this frame now: write out queued
    /// output ([`Connection::poll_transmit`](crate::Connection::poll_transmit))
    /// and send again. Nothing was queued. (A frame that could never fit,
    /// longer than the transmit storage or
    /// [`Config::max_send_queue`](crate::Config::max_send_queue), is
    /// [`BufferTooSmall`] instead: send it with
    /// [`Connection::send_binary_partial`](crate::Connection::send_binary_partial).)
    QueueFull,
}

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UsageError::ControlPayloadTooLong => {
                f.write_str("control frame payload over 125 bytes (RFC 6455 §5.5)")
            }
            UsageError::FragmentedControlFrame => {
                f.write_str("control frames cannot be fragmented (RFC 6455 §5.5)")
            }
            UsageError::CloseReasonTooLong => {
                f.write_str("close reason over 123 bytes (RFC 6455 §5.5)")
            }
            UsageError::InvalidCloseCode(code) => {
                write!(f, "close code {code} may not be sent (RFC 6455 §7.4)")
            }
            UsageError::InvalidClosePayload => f.write_str(
                "a close payload is empty or a 2-byte code and a UTF-8 reason (RFC 6455 §5.5.1)",
            ),
            UsageError::PayloadTooLong => {
                f.write_str("payload length over 2^63 - 1 bytes (RFC 6455 §5.2)")
            }
            UsageError::NoMessageInProgress => {
                f.write_str("continuation sent with no fragmented message in progress")
            }
            UsageError::MessageInProgress => {
                f.write_str("a fragmented message is in progress; finish it first")
            }
            UsageError::NotOpen => f.write_str("the opening handshake has not completed"),
            UsageError::Closed => f.write_str("the connection is closing or closed"),
            UsageError::InvalidHeader => {
                f.write_str("header name or value contains a forbidden byte (CR, LF, NUL)")
            }
            UsageError::SubprotocolNotOffered => {
                f.write_str("the chosen subprotocol was not offered by the client")
            }
            UsageError::ExtensionNotOffered => f.write_str(
                "an accepted extension was not offered by the client, or is accepted twice",
            ),
            UsageError::UnsupportedExtension => {
                f.write_str("the connection does not run the accepted extension")
            }
            UsageError::PredictableKeys => f.write_str(
                "a client needs an unpredictable key source, not NoKeys (RFC 6455 §5.3)",
            ),
            UsageError::InvalidUtf8 => {
                f.write_str("text frame payload is not valid UTF-8 (RFC 6455 §5.6)")
            }
            UsageError::InvalidFrame => {
                f.write_str("not exactly one unmasked data, ping or pong frame")
            }
            UsageError::OutputPending => {
                f.write_str("queued output must be written before sending a bare header")
            }
            UsageError::InvalidState => f.write_str("not possible in the current state"),
            UsageError::ExtensionFailed => {
                f.write_str("the extension failed to transform the message; nothing was queued")
            }
            UsageError::QueueFull => {
                f.write_str("the send queue is full: write out queued output, then send again")
            }
        }
    }
}

impl core::error::Error for UsageError {}

/// Any error of this crate.
///
/// Functions that can fail in only one way return that error type; those that
/// can fail in several return this.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Error {
    /// The peer broke RFC 6455.
    Protocol(ProtocolError),
    /// The opening handshake failed.
    Handshake(HandshakeError),
    /// The caller misused the API.
    Usage(UsageError),
    /// An output buffer was too small.
    BufferTooSmall(BufferTooSmall),
    /// A deadline of [`Config`](crate::Config) passed: the connection
    /// failed.
    Timeout(Timeout),
}

/// A deadline of [`Config`](crate::Config) passed and the connection failed
/// (reported once by [`Connection::poll_event`](crate::Connection::poll_event);
/// an abnormal closure, 1006, for the application). Nothing more is sent:
/// queued output is dropped, as the peer is not answering.
///
/// # Examples
///
/// ```
/// use rfc6455::{CloseCode, Timeout};
///
/// assert_eq!(Timeout::DeadPeer.close_code(), CloseCode::ABNORMAL);
/// assert_eq!(
///     Timeout::DeadPeer.to_string(),
///     "nothing arrived from the peer within dead_peer_timeout after a keepalive Ping"
/// );
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Timeout {
    /// The peer's opening-handshake head (a server's request, a client's
    /// 101 response) was not complete within `handshake_timeout`.
    Handshake,
    /// Nothing (no data, no Pong) arrived within `dead_peer_timeout` after
    /// the keepalive Ping.
    DeadPeer,
    /// The close handshake did not finish within `close_timeout` (the
    /// peer's Close did not come, or our echo could not be written).
    Close,
}

impl Timeout {
    /// The close code the application sees: always
    /// [`CloseCode::ABNORMAL`] (1006), which is never sent on the wire.
    #[must_use]
    pub const fn close_code(&self) -> CloseCode {
        CloseCode::ABNORMAL
    }
}

impl fmt::Display for Timeout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Timeout::Handshake => "the opening handshake did not complete within handshake_timeout",
            Timeout::DeadPeer => {
                "nothing arrived from the peer within dead_peer_timeout after a keepalive Ping"
            }
            Timeout::Close => "the close handshake did not finish within close_timeout",
        })
    }
}

impl core::error::Error for Timeout {}

impl From<Timeout> for Error {
    fn from(e: Timeout) -> Self {
        Error::Timeout(e)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Protocol(e) => e.fmt(f),
            Error::Handshake(e) => e.fmt(f),
            Error::Usage(e) => e.fmt(f),
            Error::BufferTooSmall(e) => e.fmt(f),
            Error::Timeout(e) => e.fmt(f),
        }
    }
}

impl core::error::Error for Error {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            Error::Protocol(e) => Some(e),
            Error::Handshake(e) => Some(e),
            Error::Usage(e) => Some(e),
            Error::BufferTooSmall(e) => Some(e),
            Error::Timeout(e) => Some(e),
        }
    }
}

impl From<ProtocolError> for Error {
    fn from(e: ProtocolError) -> Self {
        Error::Protocol(e)
    }
}

impl From<HandshakeError> for Error {
    fn from(e: HandshakeError) -> Self {
        Error::Handshake(e)
    }
}

impl From<UsageError> for Error {
    fn from(e: UsageError) -> Self {
        Error::Usage(e)
    }
}

impl From<BufferTooSmall> for Error {
    fn from(e: BufferTooSmall) -> Self {
        Error::BufferTooSmall(e)
    }
}
