//! The opening handshake (RFC 6455 §4): an HTTP/1.1 upgrade, sans-IO.
//!
//! Everything here works on caller buffers, borrows from its input, and never
//! allocates. The two sides:
//!
//! ```text
//! client                                   server
//! ClientRequest::write(nonce, out) ──GET──► HeadScanner::scan(buf)   (Partial until CRLFCRLF)
//!                                           Request::parse(buf)      (§4.2.1 checks)
//!                                           app: origin? subprotocol?
//! HeadScanner::scan(buf)          ◄──101─── Request::accept(..) / Rejection::write(..)
//! validate_response(buf, our_request)
//!   → Negotiated (subprotocol, extensions)
//! ```
//!
//! - [`HeadScanner`] finds the end of a head in a buffer that grows with each
//!   read, remembering how far it looked, so feeding a head one byte at a time
//!   costs linear time. It also enforces [`HeadLimits`] early.
//! - [`RequestHead`] and [`ResponseHead`] are validated HTTP/1.1 views that
//!   re-walk their header lines lazily (no header array, no allocator);
//!   they and [`Request`] share one view of their header lines, [`Headers`].
//! - [`Request`] is an upgrade request that passed every check of RFC 6455
//!   §4.2.1; [`Request::accept`] writes the `101` response and
//!   [`Rejection`] writes any refusal.
//! - [`ClientRequest`] writes the client's upgrade request and
//!   [`validate_response`] checks the server's answer (§4.1) against the very
//!   bytes that were sent, so a caller keeps no other state.
//!
//! Every parse reports the head's length. Bytes after it (frames a peer sent
//! without waiting) belong to the frame layer and are never consumed here.
//!
//! # Strictness
//!
//! Lines end in CRLF only; a bare CR or bare LF, a NUL byte, obs-fold (a
//! header line starting with whitespace), whitespace before a header's colon,
//! non-token characters in a method or header name, non-visible-ASCII in the
//! request target, and control characters in header values are all rejected
//! with `400`. Header values may contain obs-text (bytes 0x80–0xFF, RFC 9110
//! §5.5), so they are exposed as bytes. Limits give `431`, a wrong or missing
//! `Sec-WebSocket-Version` gives `426` with `Sec-WebSocket-Version: 13`
//! (RFC 6455 §4.4). A method other than `GET` gets `400`, as RFC 6455 §4.2.1
//! suggests ("such as 400 Bad Request"); `405` would oblige an `Allow` header.

mod client;
mod extensions;
mod headers;
mod http;
mod key;
mod negotiated;
mod response;
mod scan;
mod server;
mod token;

pub(crate) use negotiated::is_interim;

pub use crate::error::HandshakeError;
pub use crate::Status;
pub use client::{ClientRequest, Scheme};
pub use extensions::{ExtensionOffer, ExtensionOffers, ExtensionParam, ExtensionParams};
pub use headers::{HeaderField, HeaderFields, Headers};
pub use headers::{List, Values};
pub use http::{RequestHead, ResponseHead};
pub use key::{accept_key, AcceptKey, ClientKey, WEBSOCKET_GUID};
pub use negotiated::{validate_response, Negotiated};
pub use response::Rejection;
pub use scan::{HeadLimits, HeadScanner};
pub use server::{Accept, Request, Subprotocols};

/// The only WebSocket version this crate speaks (RFC 6455 §4.1: `13`).
pub const WEBSOCKET_VERSION: &str = "13";
