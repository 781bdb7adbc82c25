//! The opening handshake (RFC 6455 §4): an HTTP/1.1 upgrade, sans-IO. The
//! public guide to it is in the crate docs ("The opening handshake"); every
//! item is re-exported at the crate root.

mod client;
mod extension;
mod extensions;
mod headers;
mod http;
mod ip;
mod key;
mod negotiated;
mod response;
mod scan;
mod server;
mod target;
mod token;

pub(crate) use negotiated::is_interim;

pub use client::{ClientRequest, Scheme};
pub use extension::{write_extension_offer, Extension, ExtensionParamWriter};
pub use extensions::{ExtensionOffer, ExtensionOffers, ExtensionParam, ExtensionParams};
pub use headers::{HeaderField, HeaderFields, HeaderList, HeaderValues, Headers};
pub use http::{RequestHead, ResponseHead};
pub use key::{accept_key, AcceptKey, ClientKey, WEBSOCKET_GUID};
pub use negotiated::{validate_response, Negotiated};
pub use response::Rejection;
pub use scan::{HeadLimits, HeadScanner};
pub use server::{Accept, Request, Subprotocols};

/// The only WebSocket version this crate speaks (RFC 6455 §4.1: `13`).
pub const WEBSOCKET_VERSION: &str = "13";
