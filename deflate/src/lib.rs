//! permessage-deflate (RFC 7692) for the [`rfc6455`] sans-IO WebSocket core.
//!
//! MEMORY_TABLE

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod codec;
mod config;
mod extension;
mod params;

pub use config::DeflateConfig;
pub use extension::{Agreed, Deflate, NAME};
pub use params::{MAX_WINDOW_BITS, MIN_WINDOW_BITS};
