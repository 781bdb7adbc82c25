//! A sans-IO implementation of the WebSocket protocol (RFC 6455).
//!
//! `rfc6455` is the protocol and nothing else: bytes go in, events and bytes
//! come out. It performs no I/O, reads no clock and draws no randomness of its
//! own, so the same code runs under blocking `std::net`, tokio, mio, embassy,
//! smoltcp, a fuzzer or a unit test. It is `#![no_std]`, needs no allocator,
//! contains no `unsafe`, and depends only on `sha1_smol` and `base64`.
//!
//! # Layers
//!
//! Each layer is public and usable on its own; dependencies point down.
//!
//! ```text
//! handshake   HTTP/1.1 upgrade: client request writer and 101 validator,
//!             server request parser and 101/400/426 writer        (§4)
//! frame       Opcode, Header codec, streaming FrameDecoder, Encoder (§5)
//! close       CloseCode, Close payload parse/encode               (§5.5.1, §7.4)
//! utf8        incremental, fail-fast Utf8Validator                (§5.6, §8.1)
//! mask        apply_mask: XOR masking resumable at any offset     (§5.3)
//! ```
//!
//! # Frames
//!
//! ```
//! use rfc6455::{Decoded, Encoder, FrameDecoder, Role};
//!
//! // A client encodes (masking with keys from its key source) ...
//! let mut client = Encoder::client(|key: &mut [u8]| key.fill(0x5a)); // use a real RNG
//! let mut wire = [0u8; 64];
//! let n = client.text("Hello", &mut wire)?;
//!
//! // ... and a server decodes, unmasking in place.
//! let mut server = FrameDecoder::new(Role::Server);
//! let (used, header) = server.decode(&mut wire[..n])?;
//! assert!(matches!(header, Some(Decoded::Header(h)) if h.payload_len == 5));
//! let (_, payload) = server.decode(&mut wire[used..n])?;
//! assert!(matches!(payload, Some(Decoded::Payload { data, .. }) if data == b"Hello"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Errors
//!
//! Errors say who is at fault: [`ProtocolError`] (the peer broke the protocol;
//! carries the close code to send), [`HandshakeError`] (a bad upgrade; carries
//! the HTTP status), [`UsageError`] (the caller asked for something the
//! protocol forbids; nothing changed) and [`BufferTooSmall`] (nothing was
//! written). "Need more data" is never an error but a [`Status::Partial`].
//!
//! # Panics and memory
//!
//! No input from the peer can make this crate panic, allocate, or loop
//! without bound. Decoders keep at most a 14-byte header and a 3-byte partial
//! character of their own; payloads stay in the caller's buffers.
//!
//! # Features
//!
//! - `std` (default): implies `alloc`; adds [`StdKeys`], a key source seeded
//!   by the operating system.
//! - `alloc`: `Vec`-based conveniences such as [`Encoder::frame_to_vec`].
//!
//! With no features the whole protocol works on caller-provided buffers.
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_auto_cfg))]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(any(feature = "std", test))]
extern crate std;

mod close;
mod config;
mod connection;
mod error;
mod event;
pub mod frame;
pub mod handshake;
mod keys;
mod mask;
mod role;
mod status;
mod utf8;

pub use close::{
    encode_close_payload, parse_close_payload, truncate_reason, CloseCode, MAX_CLOSE_REASON_LEN,
};
pub use config::{AutoPong, Config, MessageMode};
pub use connection::{Connection, MessageKind, State, MIN_STORAGE_LEN};
pub use error::{BufferTooSmall, Error, HandshakeError, ProtocolError, UsageError};
pub use event::{Event, Handshake};
pub use frame::{
    Decoded, Encoder, Fragment, FrameDecoder, Header, HeaderBytes, Opcode, MAX_CONTROL_PAYLOAD,
    MAX_HEADER_LEN,
};
pub use handshake::{
    accept_key, validate_response, Accept, ClientRequest, HeadLimits, HeadScanner, Negotiated,
    Rejection, Request, RequestHead, ResponseHead, Scheme,
};
#[cfg(feature = "std")]
pub use keys::StdKeys;
pub use keys::{KeySource, NoKeys};
pub use mask::apply_mask;
pub use role::Role;
pub use status::Status;
pub use utf8::{Utf8Error, Utf8Validator};
