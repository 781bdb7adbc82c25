//! permessage-deflate (RFC 7692) for the [`rfc6455`] sans-IO WebSocket
//! core: [`Deflate`] implements the core's [`Extension`](rfc6455::Extension)
//! trait, so a [`Connection`](rfc6455::Connection) negotiates it in the
//! opening handshake and compresses and inflates the messages that carry
//! RSV1.
//!
//! What it does:
//!
//! - **Negotiation, both roles, all four parameters** (§7.1):
//!   `server_no_context_takeover`, `client_no_context_takeover`,
//!   `server_max_window_bits`, `client_max_window_bits`. A server honours
//!   what the client asks and declines offers with an unknown or repeated
//!   parameter or a bad value (the next offer is tried); a client refuses a
//!   response that does not answer its offer (the handshake fails).
//! - **Compression** (§7.2.1) with a sync flush per fragment and the
//!   `00 00 ff ff` cut from the end of the message, context kept across
//!   messages unless no context takeover was agreed; messages under a
//!   threshold ([`DeflateConfig::threshold`], 64 bytes by default) are sent
//!   uncompressed.
//! - **Bounded inflate** (§7.2.2) on caller buffers: each step writes at
//!   most the room it is given, which the connection limits to what the
//!   message may still grow by plus one byte, so a deflate bomb fails with
//!   1009 after a bounded amount of work. Corrupt data is an
//!   [`ExtensionError`](rfc6455::ExtensionError) (1007). A block with BFINAL
//!   set (§7.2.3.4) ends the message; the next one starts a new stream.
//!
//! What it does not do: the frame layer (RSV1 on the first frame only,
//! limits, UTF-8 of the inflated text) is the core's.
//!
//! # Usage
//!
//! Attach a [`Deflate`] to a connection before the handshake; the core adds
//! the offer to a client's request, or lets a server's [`Deflate`] pick one
//! of the client's offers and answer it in the 101.
//!
//! ```
//! use rfc6455::{ClientRequest, Config, Connection, StdKeys};
//! use rfc6455_deflate::{Deflate, DeflateConfig};
//!
//! // A server that compresses whatever the client offers.
//! let server = Connection::server(Config::new(), [0u8; 4096], [0u8; 4096])?
//!     .with_extension(Deflate::new())?;
//!
//! // A client that asks the server to keep no context between messages.
//! let offer = DeflateConfig::new().server_no_context_takeover();
//! let request = ClientRequest::new("example.com");
//! let client = Connection::client(&request, Config::new(), [0u8; 4096], [0u8; 4096], StdKeys::new())?
//!     .with_extension(Deflate::with_config(offer))?;
//!
//! // Once open, `extension()` says whether deflate was agreed, and how.
//! assert!(client.extension().is_some_and(|d| d.agreed().is_none()));
//! # let _ = server;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! A server that should not compress some requests (a path that carries
//! already compressed media) calls
//! [`Connection::decline_extension`](rfc6455::Connection::decline_extension)
//! before accepting. Without a [`Connection`](rfc6455::Connection), drive
//! the negotiation with [`rfc6455::write_extension_offer`],
//! [`Request::select_extension`](rfc6455::Request::select_extension) and
//! [`Negotiated::check_extension`](rfc6455::Negotiated::check_extension),
//! and the transform with the [`Extension`](rfc6455::Extension) methods
//! (see [`Deflate`]).
//!
//! # Backend
//!
//! [zlib-rs](https://crates.io/crates/zlib-rs), raw deflate, chosen by
//! measurement against the C zlib and miniz_oxide (BENCHMARKS.md,
//! "permessage-deflate backends"): at level 1 it compresses about 5 times
//! faster than the C zlib and inflates 3.5 times faster; miniz_oxide
//! cannot limit its compression window. Two traps of zlib are handled:
//!
//! - **Window 8.** zlib (and zlib-rs) refuse a raw 8-bit window for
//!   compression. Where the peer limits our window to 8 bits, this crate
//!   agrees and compresses with 9 bits, which is safe: a zlib compressor
//!   never matches further back than `2^bits - 262` bytes, 250 for 9 bits,
//!   so its output inflates with a 256-byte window (tested with an 8-bit
//!   inflater given one byte of room at a time, which fails on a 10-bit
//!   stream).
//! - **Reset to 15 bits.** zlib-rs's `Inflate::reset` returns to a 15-bit
//!   window. The decompressor is never reset (without context takeover it
//!   is dropped after each message and made anew), and always inflates with
//!   a 32 KiB window anyway: zlib-rs allocates that much whatever the
//!   window bits, and zlib's check of a match reaching too far back counts
//!   the current call's output as window, so with a smaller window the same
//!   stream would fail or not depending on buffer sizes (the fuzz target
//!   `deflate_inflate` found this). A peer that compresses with a larger
//!   window than agreed is thus read, not refused. The compressor's reset
//!   ([`DeflateConfig::keep_compressor`]) keeps its window size.
//!
//! # Memory per connection
//!
//! Counted by a global allocator (`cargo run --release -p rfc6455-deflate
//! --example memory`), zlib-rs 0.6.9, after a 16 KiB message each way. The
//! compressor's size follows its window and `memLevel` (its hash table is a
//! fixed 128 KiB); the decompressor always holds a 32 KiB window. Window 8
//! compresses with 9 bits (see above).
//!
//! | window bits | compressor, memLevel 4 (default) | memLevel 8 | memLevel 1 | decompressor |
//! |---:|---:|---:|---:|---:|
//! | 8 | 140.1 KiB | 245.1 KiB | 134.0 KiB | 46.4 KiB |
//! | 9 | 140.1 KiB | 245.1 KiB | 134.0 KiB | 46.4 KiB |
//! | 10 | 142.1 KiB | 247.1 KiB | 136.0 KiB | 46.4 KiB |
//! | 11 | 146.1 KiB | 251.1 KiB | 140.0 KiB | 46.4 KiB |
//! | 12 | 154.1 KiB | 259.1 KiB | 148.0 KiB | 46.4 KiB |
//! | 13 | 170.1 KiB | 275.1 KiB | 164.0 KiB | 46.4 KiB |
//! | 14 | 202.1 KiB | 307.1 KiB | 196.0 KiB | 46.4 KiB |
//! | 15 | 266.1 KiB | 371.1 KiB | 260.0 KiB | 46.4 KiB |
//!
//! Both are allocated when the first message needs them, so a connection
//! that has sent and received no compressed message holds only the
//! [`Deflate`] value itself (320 bytes). With context takeover a
//! direction keeps its state for the connection's life (with the defaults,
//! 266.1 + 46.4 = 312.5 KiB); without it (`server_no_context_takeover`,
//! `client_no_context_takeover`) the state is dropped after each message,
//! and an idle connection holds none. Making it again costs CPU: a 1 KiB
//! JSON-like message is compressed and inflated in about 1.3 µs with
//! context takeover, 10 µs with the state dropped, and 5 µs with
//! [`DeflateConfig::keep_compressor`], which keeps the compressor (emptied)
//! between messages.
//!
//! # RFC 7692 map
//!
//! | section | where |
//! |---|---|
//! | §5 negotiation, §7.1 parameters | [`DeflateConfig`], [`Extension::accept_offer`](rfc6455::Extension::accept_offer), [`Extension::accept_response`](rfc6455::Extension::accept_response) |
//! | §6 RSV1, per message | the core ([`Extension::rsv`](rfc6455::Extension::rsv)) |
//! | §7.2.1 compression | [`Extension::encode`](rfc6455::Extension::encode) |
//! | §7.2.2 decompression | [`Extension::decode`](rfc6455::Extension::decode) |
//! | §7.2.3 examples | `tests/round_trip.rs` |
//!
//! # Panics
//!
//! The [`DeflateConfig`] setters panic on out-of-range values (documented
//! on each); nothing else panics on any input.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod codec;
mod config;
mod extension;
mod params;

pub use config::DeflateConfig;
pub use extension::{Agreed, Deflate, NAME};
pub use params::{MAX_WINDOW_BITS, MIN_WINDOW_BITS};
