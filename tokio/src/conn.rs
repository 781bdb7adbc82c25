//! One connection type for both roles.
//!
//! The core types a connection by its key source: a client's
//! (`Connection::client`) holds [`StdKeys`], a server's
//! (`Connection::server`) holds [`NoKeys`]. The adapter keeps either behind
//! one enum, so that users name one type, `WebSocket<S>`, whatever the role.

use rfc6455::{
    Accept, CloseCode, Config, Connection, Error, Event, Fragment, HeaderBytes, MessageKind,
    NoKeys, Rejection, Request, State, StdKeys, Timestamp,
};
#[cfg(feature = "deflate")]
use rfc6455_deflate::{Deflate, DeflateConfig};

/// A connection of either role, with growable storage.
pub(crate) enum AnyConn {
    /// Masks with keys from the operating system: a client, or a
    /// connection opened after an upgrade done elsewhere.
    Keyed(Connection<Vec<u8>, StdKeys>),
    /// A server that ran its opening handshake itself.
    Unkeyed(Connection<Vec<u8>, NoKeys>),
    /// A client running permessage-deflate (boxed: a connection without it
    /// holds nothing more).
    #[cfg(feature = "deflate")]
    KeyedDeflate(Connection<Vec<u8>, StdKeys, Box<Deflate>>),
    /// A server running permessage-deflate.
    #[cfg(feature = "deflate")]
    UnkeyedDeflate(Connection<Vec<u8>, NoKeys, Box<Deflate>>),
}

macro_rules! each {
    ($self:expr, $conn:ident => $body:expr) => {
        match $self {
            AnyConn::Keyed($conn) => $body,
            AnyConn::Unkeyed($conn) => $body,
            #[cfg(feature = "deflate")]
            AnyConn::KeyedDeflate($conn) => $body,
            #[cfg(feature = "deflate")]
            AnyConn::UnkeyedDeflate($conn) => $body,
        }
    };
}

#[cfg(feature = "deflate")]
impl AnyConn {
    /// Attaches permessage-deflate: a client offers it, a server selects it
    /// from the client's offers when it accepts.
    pub(crate) fn with_deflate(&mut self, config: DeflateConfig) -> Result<(), Error> {
        let placeholder = AnyConn::Unkeyed(Connection::open(
            rfc6455::Role::Server,
            Config::new(),
            Vec::new(),
            Vec::new(),
            NoKeys,
        )?);
        let deflate = Box::new(Deflate::with_config(config));
        *self = match std::mem::replace(self, placeholder) {
            AnyConn::Keyed(c) => AnyConn::KeyedDeflate(c.with_extension(deflate)?),
            AnyConn::Unkeyed(c) => AnyConn::UnkeyedDeflate(c.with_extension(deflate)?),
            other => other,
        };
        Ok(())
    }

    /// What permessage-deflate agreed on, if it is in use.
    pub(crate) fn deflate(&self) -> Option<rfc6455_deflate::Agreed> {
        match self {
            AnyConn::KeyedDeflate(c) => c.extension().and_then(|d| d.agreed().copied()),
            AnyConn::UnkeyedDeflate(c) => c.extension().and_then(|d| d.agreed().copied()),
            AnyConn::Keyed(_) | AnyConn::Unkeyed(_) => None,
        }
    }
}

impl AnyConn {
    pub(crate) fn poll_event(&mut self) -> Option<Result<Event<'_>, Error>> {
        each!(self, c => c.poll_event())
    }
    pub(crate) fn peek_transmit(&mut self) -> &[u8] {
        each!(self, c => c.peek_transmit())
    }
    pub(crate) fn advance_transmit(&mut self, n: usize) {
        each!(self, c => c.advance_transmit(n))
    }
    pub(crate) fn spare_mut(&mut self) -> &mut [u8] {
        each!(self, c => c.spare_mut())
    }
    pub(crate) fn commit(&mut self, n: usize) {
        each!(self, c => c.commit(n))
    }
    pub(crate) fn receive(&mut self, data: &[u8]) -> usize {
        each!(self, c => c.receive(data))
    }
    pub(crate) fn receive_eof(&mut self) {
        each!(self, c => c.receive_eof())
    }
    pub(crate) fn wants_read(&self) -> bool {
        each!(self, c => c.wants_read())
    }
    pub(crate) fn poll_timeout(&self) -> Option<Timestamp> {
        each!(self, c => c.poll_timeout())
    }
    pub(crate) fn handle_timeout(&mut self, now: Timestamp) {
        each!(self, c => c.handle_timeout(now))
    }
    pub(crate) fn send_text(&mut self, text: &str) -> Result<(), Error> {
        each!(self, c => c.send_text(text))
    }
    pub(crate) fn send_binary(&mut self, data: &[u8]) -> Result<(), Error> {
        each!(self, c => c.send_binary(data))
    }
    /// The header of a whole data message whose payload the adapter writes
    /// itself, right after it (`Connection::send_header`). `None` on a
    /// connection with permessage-deflate, whose messages go through the
    /// extension.
    pub(crate) fn send_header(
        &mut self,
        kind: MessageKind,
        len: u64,
    ) -> Option<Result<HeaderBytes, Error>> {
        match self {
            AnyConn::Keyed(c) => Some(c.send_header(kind, len, Fragment::Last)),
            AnyConn::Unkeyed(c) => Some(c.send_header(kind, len, Fragment::Last)),
            #[cfg(feature = "deflate")]
            AnyConn::KeyedDeflate(_) | AnyConn::UnkeyedDeflate(_) => None,
        }
    }
    pub(crate) fn ping(&mut self, payload: &[u8]) -> Result<(), Error> {
        each!(self, c => c.ping(payload))
    }
    pub(crate) fn pong(&mut self, payload: &[u8]) -> Result<(), Error> {
        each!(self, c => c.pong(payload))
    }
    pub(crate) fn close(&mut self, code: CloseCode, reason: &str) -> Result<(), Error> {
        each!(self, c => c.close(code, reason))
    }
    pub(crate) fn send_ready(&self) -> bool {
        each!(self, c => c.send_ready())
    }
    pub(crate) fn queued_len(&self) -> usize {
        each!(self, c => c.queued_len())
    }
    pub(crate) fn should_close_transport(&self) -> bool {
        each!(self, c => c.should_close_transport())
    }
    pub(crate) fn state(&self) -> State {
        each!(self, c => c.state())
    }
    pub(crate) fn storage_len(&self) -> usize {
        each!(self, c => c.storage_len())
    }
    pub(crate) fn config(&self) -> Config {
        each!(self, c => c.config())
    }
    pub(crate) fn request(&mut self) -> Option<Request<'_>> {
        each!(self, c => c.request())
    }
    pub(crate) fn accept(&mut self, options: &Accept<'_>) -> Result<(), Error> {
        each!(self, c => c.accept(options))
    }
    pub(crate) fn reject(&mut self, response: &Rejection<'_>) -> Result<(), Error> {
        each!(self, c => c.reject(response))
    }
}
