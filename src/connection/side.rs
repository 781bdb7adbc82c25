//! The half of the opening handshake that only one role runs (RFC 6455
//! §4.1 for the client, §4.2 for the server), as a table of functions.
//!
//! The role is a run-time value: code chosen by it would link both roles'
//! handshakes into every program. Instead `Connection::server` and
//! `Connection::client` each store their [`Side`] in the connection, and
//! the handshake reaches the role's code only through it. Nothing else
//! names [`SERVER`] or [`CLIENT`], so a client-only program links no request
//! parser or error-response writer, a server-only one no response check,
//! and one that only uses `Connection::open` neither.

use crate::error::{Error, HandshakeError};
use crate::handshake::{
    is_interim, validate_response, HeadLimits, Rejection, Request, ResponseHead,
};
use crate::status::Status;

/// One role's half of the opening handshake (see the module docs).
pub(super) struct Side {
    /// Server: parses a complete request head.
    request: Option<ParseRequest>,
    /// Client: checks a complete response head against our request and
    /// returns the subprotocol the server chose.
    response: Option<CheckResponse>,
    /// Client: whether a complete head is an interim (1xx) response.
    is_interim: fn(&[u8], HeadLimits) -> bool,
    /// Server: writes the HTTP response (400, 426, 431) to a bad request.
    refusal: Option<Refuse>,
}

type ParseRequest = for<'h> fn(&'h [u8], HeadLimits) -> Result<Request<'h>, HandshakeError>;
/// `bool`: an extension was offered (its answer is checked by the
/// connection, `extension.rs`); without one, a response naming any fails.
type CheckResponse =
    for<'h> fn(&'h [u8], &[u8], HeadLimits, bool) -> Result<Option<&'h str>, HandshakeError>;
pub(super) type Refuse = fn(HandshakeError, &mut [u8]) -> Result<usize, Error>;

pub(super) static SERVER: Side = Side {
    request: Some(parse_request),
    response: None,
    is_interim: |_, _| false,
    refusal: Some(refuse_request),
};

pub(super) static CLIENT: Side = Side {
    request: None,
    response: Some(check_response),
    is_interim: is_interim_head,
    refusal: None,
};

impl Side {
    /// Server: the request in `head`.
    pub(super) fn request<'h>(
        &self,
        head: &'h [u8],
        limits: HeadLimits,
    ) -> Result<Request<'h>, HandshakeError> {
        match self.request {
            Some(parse) => parse(head, limits),
            // Not a server's side (only a server has a request to read).
            None => Err(HandshakeError::InvalidRequestLine),
        }
    }

    /// Client: the response in `head`, checked against `request`; its
    /// subprotocol.
    pub(super) fn response<'h>(
        &self,
        head: &'h [u8],
        request: &[u8],
        limits: HeadLimits,
        offered_extension: bool,
    ) -> Result<Option<&'h str>, HandshakeError> {
        match self.response {
            Some(check) => check(head, request, limits, offered_extension),
            // Not a client's side (only a client has a response to read).
            None => Err(HandshakeError::InvalidStatusLine),
        }
    }

    /// Client: whether the complete `head` is an interim (1xx) response.
    pub(super) fn is_interim(&self, head: &[u8], limits: HeadLimits) -> bool {
        (self.is_interim)(head, limits)
    }

    /// Server: the writer of the HTTP response to a bad request.
    pub(super) const fn refusal(&self) -> Option<Refuse> {
        self.refusal
    }
}

fn is_interim_head(head: &[u8], limits: HeadLimits) -> bool {
    matches!(
        ResponseHead::parse(head, limits),
        Ok(Status::Complete(r)) if is_interim(r.status())
    )
}

fn refuse_request(error: HandshakeError, out: &mut [u8]) -> Result<usize, Error> {
    Rejection::from(error).write(out)
}

/// Parses a head the scanner found complete.
pub(super) fn parse_request(
    head: &[u8],
    limits: HeadLimits,
) -> Result<Request<'_>, HandshakeError> {
    match Request::parse(head, limits)? {
        Status::Complete(request) => Ok(request),
        // The scanner saw the blank line, so the parser does too.
        Status::Partial => Err(HandshakeError::InvalidRequestLine),
    }
}

/// Checks the server's response (§4.1) and returns the chosen subprotocol.
fn check_response<'r>(
    head: &'r [u8],
    request: &[u8],
    limits: HeadLimits,
    offered_extension: bool,
) -> Result<Option<&'r str>, HandshakeError> {
    match validate_response(head, request, limits)? {
        Status::Complete(negotiated) => {
            if !offered_extension && negotiated.extensions().next().is_some() {
                return Err(HandshakeError::UnsupportedExtension);
            }
            Ok(negotiated.subprotocol())
        }
        Status::Partial => Err(HandshakeError::InvalidStatusLine),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_side_reads_only_its_peer_head() {
        let limits = HeadLimits::new();
        let request = b"GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
            Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
        assert!(SERVER.request(request, limits).is_ok());
        assert_eq!(
            CLIENT.request(request, limits).err(),
            Some(HandshakeError::InvalidRequestLine)
        );
        let interim = b"HTTP/1.1 100 Continue\r\n\r\n";
        assert!(CLIENT.is_interim(interim, limits));
        assert!(!SERVER.is_interim(interim, limits));
        assert_eq!(
            SERVER.response(interim, request, limits, false),
            Err(HandshakeError::InvalidStatusLine)
        );
        assert!(SERVER.refusal().is_some() && CLIENT.refusal().is_none());
    }
}
