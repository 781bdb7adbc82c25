//! What a connection reports to the application.

use crate::close_code::CloseCode;

/// Something that happened on a connection, returned by
/// [`Connection::poll_event`](crate::Connection::poll_event).
///
/// Payloads borrow the connection's storage and are valid until the next call
/// on the connection. Text is always valid UTF-8: a message that is not fails
/// the connection with 1007 before any invalid byte is delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event<'a> {
    /// Server only: the client's upgrade request arrived and passed the
    /// RFC 6455 §4.2.1 checks. Inspect it (path, Origin, subprotocols, …) and
    /// call [`accept`](crate::Connection::accept) or
    /// [`reject`](crate::Connection::reject).
    Upgrade(crate::handshake::Request<'a>),
    /// The opening handshake completed; the connection is open.
    HandshakeComplete(Handshake<'a>),
    /// Text data. `fin` is set on the last piece of a message; a message that
    /// fits in the storage arrives as one piece.
    Text {
        /// The text, cut only at character boundaries.
        data: &'a str,
        /// Whether this piece ends the message.
        fin: bool,
    },
    /// Binary data. `fin` is set on the last piece of a message.
    Binary {
        /// The bytes.
        data: &'a [u8],
        /// Whether this piece ends the message.
        fin: bool,
    },
    /// A Ping arrived (already answered if auto-pong is enabled).
    Ping(&'a [u8]),
    /// A Pong arrived.
    Pong(&'a [u8]),
    /// The connection closed.
    ///
    /// After the peer's Close frame, `code` is its status code, or
    /// [`CloseCode::NO_STATUS`] (1005) if it sent none. The echo is queued;
    /// until output is next taken
    /// ([`poll_transmit`](crate::Connection::poll_transmit) or
    /// [`peek_transmit`](crate::Connection::peek_transmit)) you may still send
    /// frames ahead of it. If the transport ended without a close handshake, `code` is
    /// [`CloseCode::ABNORMAL`] (1006), which is never sent on the wire.
    Close {
        /// The status code.
        code: CloseCode,
        /// The reason the peer gave (may be empty).
        reason: &'a str,
    },
}

/// The outcome of the opening handshake.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Handshake<'a> {
    pub(crate) protocol: Option<&'a str>,
    pub(crate) extensions: Option<&'a str>,
    pub(crate) request: Option<crate::handshake::Request<'a>>,
}

impl<'a> Handshake<'a> {
    /// The negotiated subprotocol, if any.
    #[must_use]
    pub const fn protocol(&self) -> Option<&'a str> {
        self.protocol
    }

    /// On a client, the server's answer for the extension in use (its
    /// `Sec-WebSocket-Extensions` value), if one was agreed
    /// ([`Connection::with_extension`](crate::Connection::with_extension)).
    /// On a server `None`: [`Connection::extension`](crate::Connection::extension)
    /// says whether the attached extension is in use.
    #[must_use]
    pub const fn extensions(&self) -> Option<&'a str> {
        self.extensions
    }

    /// On a server, the client's upgrade request.
    #[must_use]
    pub const fn request(&self) -> Option<&crate::handshake::Request<'a>> {
        self.request.as_ref()
    }
}
