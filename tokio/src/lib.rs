//! WebSocket (RFC 6455) over tokio, on the [`rfc6455`] sans-IO core.
//!
//! A [`WebSocket`] is a `Stream` of whole, owned [`Message`]s and a
//! `Sink<Message>`, over any transport that is `AsyncRead + AsyncWrite +
//! Unpin`: a `TcpStream`, a TLS stream, an upgraded hyper connection, a
//! `tokio::io::duplex` in a test.
//!
//! ```no_run
//! use rfc6455_tokio::Message;
//!
//! # async fn run() -> Result<(), rfc6455_tokio::Error> {
//! let mut ws = rfc6455_tokio::connect("ws://127.0.0.1:9001/").await?;
//! ws.send(Message::text("hello")).await?;
//! if let Some(reply) = ws.recv().await {
//!     println!("{:?}", reply?);
//! }
//! ws.close(rfc6455::CloseCode::NORMAL, "done").await?;
//! # Ok(())
//! # }
//! ```
//!
//! # What it does for you
//!
//! It runs the core's loop: input is read straight into the connection's
//! storage and output written straight from it; a Text or Binary message of
//! 8 KiB or more is not even copied into the connection: its header and its
//! own buffer go to the transport in one vectored write (a client masks the
//! buffer in place), about a tenth less CPU on a 16 KiB echo. Pings are
//! answered and the peer's Close echoed; the deadlines of [`Config`]
//! (opening handshake, keepalive Ping and dead peer, close handshake,
//! linger) run on tokio's clock, so a paused test clock
//! (`#[tokio::test(start_paused = true)]`) drives them; and the transport
//! is closed in order (write side shut down, input drained until the
//! peer's end), so the peer receives our Close frame instead of a reset.
//!
//! Memory follows the bytes in flight: the connection's storage grows with
//! the messages and is given back once idle
//! ([`Config::storage_idle_timeout`]); while none is held, input is first
//! read into 1 KiB on the stack, so an idle connection waiting to read
//! holds no buffer. The opening handshake's state is on the heap only
//! while it runs (the accept futures are a pointer), so a server task
//! that awaits [`accept`] and then keeps the [`WebSocket`] does not carry
//! it: an idle connection of the echo server costs about 1.9 KiB in all
//! (BENCHMARKS.md, "End to end").
//!
//! # Coming from tokio-tungstenite
//!
//! [`Message`] has tungstenite's shape. The differences: payloads are
//! `String` and `Vec<u8>`; there is no `Message::Frame`; close codes are
//! [`CloseCode`]; `close` and `Sink::close` complete the whole close
//! handshake and drop messages that arrive meanwhile (keep calling
//! `recv` instead, after sending `Message::Close`, to see them); and
//! errors say who was at fault ([`Error`]).
//!
//! # Split
//!
//! [`WebSocket::split`] gives a [`ReadHalf`] and a [`WriteHalf`] for two
//! tasks; the read half writes the automatic Pongs (see [`ReadHalf`] for
//! the design).
//!
//! # Features
//!
//! - `http`: `upgrade_response`, which checks an `http::Request` upgrade
//!   and builds the `101` `http::Response`, for hyper and axum servers;
//!   then [`WebSocket::from_upgraded`] wraps the upgraded transport.
//! - `rustls`: `wss://` in [`connect`], over rustls with Mozilla's roots
//!   (webpki-roots) and ring's cryptography (no OpenSSL, no cmake);
//!   `connect_with_tls` takes a rustls `ClientConfig` of your own (other
//!   roots, a client certificate); `tokio_rustls` is re-exported for it
//!   and for servers. Without the feature, bring any TLS stream to
//!   [`client`].
//! - `deflate`: permessage-deflate (RFC 7692), from the `rfc6455-deflate`
//!   crate: a server accepts it per request with `Accept::deflate`, a
//!   client offers it with `client_with_deflate`; `WebSocket::deflate`
//!   says what was agreed. Received messages inflate within
//!   [`Config::max_message_len`] (a bomb fails with 1009 after bounded
//!   work); a connection holds its compressor and decompressor while it
//!   uses them (see the memory table in `rfc6455-deflate`).
//!
//! # Dependencies, and why
//!
//! - `tokio` (net, io-util, time, rt): the runtime this crate adapts to.
//! - `futures-core`, `futures-sink`: the `Stream` and `Sink` traits alone,
//!   without the rest of `futures`.
//! - `http` (feature `http`): the request and response types hyper and
//!   axum share.
//! - `rfc6455-deflate` (feature `deflate`): this workspace's
//!   permessage-deflate, on zlib-rs (chosen by measurement; see its docs).
//! - `tokio-rustls` (feature `rustls`): rustls is TLS written in Rust, with
//!   no OpenSSL to find or link; tokio-rustls is its tokio wrapper, by the
//!   same maintainers. Its cryptography is ring's, which builds with a C
//!   compiler alone and quickly (aws-lc-rs, rustls' default, compiles a
//!   large C library, with cmake on some targets). The cost: rustls
//!   0.23.48 deprecated ring's provider for want of a post-quantum key
//!   exchange; install aws-lc-rs's provider as the process default
//!   (`CryptoProvider::install_default`) and `connect` uses it.
//! - `webpki-roots` (feature `rustls`): Mozilla's root store compiled in,
//!   so a client trusts the same servers on every machine, containers
//!   without CA files included. The operating system's store
//!   (rustls-native-certs) or a private CA goes in a `ClientConfig` given
//!   to `connect_with_tls`.
//!
//! # Examples
//!
//! In `examples/`, each run end to end over loopback by
//! `tests/examples.rs`; the README has their line counts beside
//! tokio-tungstenite's:
//!
//! - `client.rs`: connect, send three messages, print the replies, close.
//! - `echo_server.rs`, `echo_client.rs` (built as `tokio_echo_server` and
//!   `tokio_echo_client`): the core's echo contract, which the Autobahn
//!   TestSuite and the interop suites run against in CI.
//! - `hyper_echo.rs` (feature `http`): a hyper 1.x server's upgrade.
//! - `wss_echo.rs` (feature `rustls`): `wss://` with a self-signed
//!   certificate.
//!
//! # Not included (yet)
//!
//! permessage-deflate on a connection upgraded elsewhere
//! ([`WebSocket::from_upgraded`]): `upgrade_response` answers no
//! extension, so such a connection runs without it.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod client;
mod conn;
mod error;
mod inner;
mod message;
mod server;
mod split;
mod stream;
#[cfg(feature = "rustls")]
mod tls;
#[cfg(feature = "http")]
mod upgrade;
mod url;
mod wakers;
mod websocket;

#[cfg(feature = "rustls")]
pub use client::connect_with_tls;
pub use client::{client, client_with_config, connect};
#[cfg(feature = "deflate")]
pub use client::{client_with_deflate, connect_with_deflate};
pub use error::{Error, Refusal};
pub use message::{CloseFrame, Message};
#[cfg(feature = "deflate")]
pub use rfc6455_deflate::{Agreed, DeflateConfig};
pub use server::{accept, accept_with, accept_with_config, Accept, Rejection};
pub use split::{ReadHalf, WriteHalf};
pub use stream::MaybeTlsStream;
#[cfg(feature = "http")]
pub use upgrade::upgrade_response;
pub use url::{UrlError, WsUrl};
pub use websocket::WebSocket;

pub use rfc6455::{CloseCode, Config, Request, Role, State};
/// The TLS crate `wss://` runs on (feature `rustls`), and through it
/// `rustls`: for a `ClientConfig` of your own, or a server's
/// `TlsAcceptor`, at the versions this crate uses.
#[cfg(feature = "rustls")]
pub use tokio_rustls;

/// The README's example, compiled as a doc test.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
