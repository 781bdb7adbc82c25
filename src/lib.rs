//! Placeholder crate docs (rewritten with the frame layer).
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_auto_cfg))]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod close;
mod error;
pub mod handshake;
mod keys;
mod mask;
mod role;
mod utf8;

pub use close::{
    encode_close_payload, parse_close_payload, truncate_reason, CloseCode, MAX_CLOSE_REASON_LEN,
};
pub use error::{BufferTooSmall, Error, HandshakeError, ProtocolError, UsageError};
#[cfg(feature = "std")]
pub use keys::StdKeys;
pub use keys::{KeySource, NoKeys};
pub use mask::apply_mask;
pub use role::Role;
pub use utf8::{Utf8Error, Utf8Validator};
