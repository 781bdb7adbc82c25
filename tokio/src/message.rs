//! Whole, owned messages: what the stream yields and the sink takes.

use rfc6455::CloseCode;

/// A WebSocket message, owned and whole.
///
/// The shape is tungstenite's (`Message::Text`, `Binary`, `Ping`, `Pong`,
/// `Close(Option<CloseFrame>)`), so code written against
/// `tokio-tungstenite` ports by renaming. The differences:
///
/// - payloads are `String` and `Vec<u8>` (no `Bytes` or `Utf8Bytes`);
/// - there is no `Frame` variant: fragments are the core's business, and
///   every message here is whole;
/// - a close code is an [`rfc6455::CloseCode`] (a `u16` newtype with named
///   constants such as `CloseCode::NORMAL`).
///
/// Pings are answered automatically; the stream still yields them.
///
/// # Examples
///
/// ```
/// use rfc6455_tokio::Message;
///
/// let message = Message::text("hello");
/// assert_eq!(message.as_text(), Some("hello"));
/// assert_eq!(message.len(), 5);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// A text message: valid UTF-8, checked as it arrived.
    Text(String),
    /// A binary message.
    Binary(Vec<u8>),
    /// A Ping (at most 125 bytes). Received ones are already answered.
    Ping(Vec<u8>),
    /// A Pong (at most 125 bytes).
    Pong(Vec<u8>),
    /// A Close frame: received, the peer started or answered the close
    /// handshake; sent, starts it. `None` is a Close without a status code.
    Close(Option<CloseFrame>),
}

impl Message {
    /// A text message.
    pub fn text(text: impl Into<String>) -> Self {
        Message::Text(text.into())
    }

    /// A binary message.
    pub fn binary(data: impl Into<Vec<u8>>) -> Self {
        Message::Binary(data.into())
    }

    /// The text of a text message.
    #[must_use]
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Message::Text(text) => Some(text),
            _ => None,
        }
    }

    /// The payload's length in bytes (a Close frame's reason only).
    #[must_use]
    pub fn len(&self) -> usize {
        match self {
            Message::Text(text) => text.len(),
            Message::Binary(data) | Message::Ping(data) | Message::Pong(data) => data.len(),
            Message::Close(frame) => frame.as_ref().map_or(0, |f| f.reason.len()),
        }
    }

    /// Whether the payload is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether this is a data message (text or binary), as opposed to a
    /// control frame.
    #[must_use]
    pub fn is_data(&self) -> bool {
        matches!(self, Message::Text(_) | Message::Binary(_))
    }
}

impl From<String> for Message {
    fn from(text: String) -> Self {
        Message::Text(text)
    }
}

impl From<&str> for Message {
    fn from(text: &str) -> Self {
        Message::Text(text.to_owned())
    }
}

impl From<Vec<u8>> for Message {
    fn from(data: Vec<u8>) -> Self {
        Message::Binary(data)
    }
}

/// The status code and reason of a Close frame (RFC 6455 §5.5.1, §7.4).
///
/// # Examples
///
/// ```
/// use rfc6455::CloseCode;
/// use rfc6455_tokio::{CloseFrame, Message};
///
/// let bye = Message::Close(Some(CloseFrame::new(CloseCode::GOING_AWAY, "restarting")));
/// assert_eq!(bye.len(), 10);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloseFrame {
    /// The status code.
    pub code: CloseCode,
    /// The reason, at most 123 bytes of UTF-8.
    pub reason: String,
}

impl CloseFrame {
    /// A close frame with `code` and `reason`.
    pub fn new(code: CloseCode, reason: impl Into<String>) -> Self {
        CloseFrame {
            code,
            reason: reason.into(),
        }
    }
}

impl core::fmt::Display for CloseFrame {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        if self.reason.is_empty() {
            write!(f, "{}", self.code)
        } else {
            write!(f, "{} \"{}\"", self.code, self.reason)
        }
    }
}
