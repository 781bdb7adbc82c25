//! Which end of the connection this side plays.

/// Which end of a WebSocket connection this side plays.
///
/// The role decides the masking direction (RFC 6455 §5.1): a client masks every
/// frame it sends and rejects masked frames; a server sends unmasked frames and
/// rejects unmasked ones. It also decides who closes the TCP connection first
/// after the close handshake (§7.1.1: the server).
///
/// # Examples
///
/// ```
/// use rfc6455::Role;
///
/// assert!(Role::Client.is_client());
/// assert_eq!(Role::Server.peer(), Role::Client);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// The side that opened the connection; masks every frame it sends.
    Client,
    /// The side that accepted the connection; sends unmasked frames.
    Server,
}

impl Role {
    /// Returns `true` for [`Role::Client`].
    #[must_use]
    pub const fn is_client(self) -> bool {
        matches!(self, Role::Client)
    }

    /// Returns `true` for [`Role::Server`].
    #[must_use]
    pub const fn is_server(self) -> bool {
        matches!(self, Role::Server)
    }

    /// The role of the other end.
    #[must_use]
    pub const fn peer(self) -> Role {
        match self {
            Role::Client => Role::Server,
            Role::Server => Role::Client,
        }
    }
}
