//! A sans-IO implementation of the WebSocket protocol (RFC 6455).
//!
//! `rfc6455` is the protocol and nothing else: bytes go in, events and bytes
//! come out. It performs no I/O, reads no clock and draws no randomness of its
//! own, so the same code runs under blocking `std::net`, tokio, mio, embassy,
//! smoltcp, a fuzzer or a unit test. It is `#![no_std]`, needs no allocator,
//! and depends only on `sha1_smol` and `base64`.
//!
//! # `unsafe`
//!
//! One small private module holds all of it (`simd.rs`; everything else is
//! `#![deny(unsafe_code)]`): AVX2 code paths chosen at run time with `std`
//! (or at compile time when the build enables AVX2), for UTF-8 validation
//! and masking, and the conversion of bytes that validation accepted to
//! `&str` without checking them again. The benchmark in `benches/compare`
//! measured the need: multilingual text validated with `core::str::from_utf8`
//! ran at 0.6–0.8 GB/s against ~7 GB/s now (the whole receive path), checking
//! delivered text twice cost as much again, and masking in the cache runs at
//! twice the speed with AVX2. Every other target, and any CPU without AVX2,
//! uses `core::str::from_utf8` and portable loops. CI runs the module's tests
//! under Miri with AVX2 enabled, and debug builds (so every fuzzing run)
//! re-check each conversion.
//!
//! # Layers
//!
//! Each layer is usable on its own; dependencies point down. The layers are
//! private modules and every public item is re-exported here, at the crate
//! root (as in quinn-proto and rustls): users write
//! `use rfc6455::{Connection, FrameDecoder, Request};`, whichever layer they
//! use, and the module tree stays free to change. `scripts/import_cycles.py`
//! (run in CI) checks that the files of `src/` import from one another
//! without cycles (a module and its own submodules aside).
//!
//! ```text
//! connection  Connection: handshake → open → closing; events out, bytes out (§4–§7)
//! handshake   HTTP/1.1 upgrade: client request writer and 101 validator,
//!             server request parser and 101/400/426/431 writer     (§4)
//! frame       Opcode, Header codec, streaming FrameDecoder, Encoder (§5)
//! close       CloseCode, Close payload parse/encode               (§5.5.1, §7.4)
//! utf8        incremental, fail-fast Utf8Validator                (§5.6, §8.1)
//! mask        apply_mask: XOR masking resumable at any offset     (§5.3)
//! ```
//!
//! # The opening handshake
//!
//! The handshake layer (RFC 6455 §4) works alone too, for a server or client
//! that drives the upgrade itself. It works on caller buffers, borrows from
//! its input, and never allocates. The two sides:
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
//! ## Extensions
//!
//! An extension (permessage-deflate, RFC 7692, lives in a companion crate)
//! implements [`Extension`]; the core drives its negotiation on caller
//! buffers and owns the syntax, the extension its parameters:
//!
//! ```text
//! client                                        server
//! write_extension_offer(ext, buf) → "x; a=1"
//! ClientRequest::extensions(&[offer]) ──GET──►  Request::select_extension(ext, buf)
//!                                                 ext.accept_offer(each offer, in order)
//!                                                 → Some("x; a=1") or None (declined)
//!                                       ◄──101── Accept::extensions(&[answer])
//! validate_response(..)                          (only offered names, once each)
//!   .check_extension(ext)
//!     ext.accept_response(answer) → in use, or ExtensionRejected
//! ```
//!
//! - Parameters reach the extension parsed per RFC 6455 §9.1
//!   ([`ExtensionOffer`]: quoted values unquoted, names compared without
//!   case) and leave it through [`ExtensionParamWriter`], which accepts only
//!   tokens, so no extension can write a malformed or injected header.
//! - Declining is never an error: an offer the extension cannot take (an
//!   unknown or repeated parameter, a value out of range) is passed over
//!   and the next one tried; a server application declines an extension
//!   for a request by leaving its answer out of [`Accept`] (or, with a
//!   [`Connection`], by [`Connection::decline_extension`]).
//! - The client's check is strict: a `101` naming an extension that was not
//!   offered fails with [`HandshakeError::ExtensionNotOffered`], one whose
//!   parameters the extension did not offer (or that names it twice) with
//!   [`HandshakeError::ExtensionRejected`] (§4.1: the client "MUST _Fail
//!   the WebSocket Connection_").
//! - Once negotiated, the extension owns its RSV bits ([`Extension::rsv`]):
//!   [`FrameDecoder::with_message_rsv`] accepts them on the first frame of a
//!   data message only; on a continuation or control frame, and any bit no
//!   extension claimed, stay a 1002 failure (§5.2, RFC 7692 §6.1). A frame
//!   without RSV bits pays one test, as before.
//!
//! The negotiation is a trait of small methods rather than strings the
//! application assembles, so that one object holds what was agreed (the
//! window sizes of deflate, say) for the frames that follow; it takes
//! `&mut dyn Extension`, so a program holds one copy of the negotiation
//! code whatever its extensions.
//!
//! ### The transform, in a `Connection`
//!
//! [`Connection::with_extension`] (feature `alloc`) attaches an extension
//! to a connection: a client adds its offer to the request and checks the
//! answer; a server lets it pick one of the client's offers in
//! [`Connection::accept`] (or drops it, [`Connection::decline_extension`]).
//! Once agreed, the connection runs the extension's transform on the
//! messages it claims, on its own buffers:
//!
//! - **Receive**: the payload of a message whose first frame carries the
//!   extension's bits goes through [`Extension::decode`], piece by piece as
//!   it arrives, into the message buffer. Each step is given room for what
//!   the message may still grow by (`max_message_len`) plus one byte, so a
//!   message that inflates past the limit fails with 1009 after bounded
//!   work, whatever its ratio; corrupt data fails with 1007
//!   ([`ProtocolError::InvalidExtensionData`]); decoded text is checked as
//!   it decodes and fails on its first invalid byte (1007). Whole messages
//!   are delivered as usual; in [`MessageMode::Stream`] what has decoded
//!   goes out after each piece, cut at a character boundary.
//! - **Send**: a message the extension [`encodes`](Extension::encodes) is
//!   encoded straight into the transmit queue, after room for the longest
//!   header, and moved up to its header once its length is known: one pass,
//!   no staging buffer. The RSV bits go on its first frame only; fragments
//!   and partial sends work as for any message.
//!
//! The types say what a connection runs: `Connection<B, K, E>` with
//! `E = NoExtension` by default, an empty type, so a connection without an
//! extension holds nothing for it and a program that never attaches one
//! links none of this. Without an allocator there is no message buffer to
//! decode into, so extensions are driven by hand there: the trait works on
//! caller buffers ([`FrameDecoder::with_message_rsv`], [`Extension::decode`],
//! [`Encoder`]).

//! ## Strictness
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
//!
//! # Names
//!
//! - **Settings are `with_*`.** A value made of knobs with defaults
//!   ([`Config`], [`HeadLimits`], [`FrameDecoder`]) starts from its
//!   constructor and each method that sets one knob and returns the value is
//!   named `with_` and the knob: `Config::new().with_max_message_len(1 << 20)`.
//!   The knob itself (a public field or a getter) keeps the bare name, so
//!   setter and setting never share one. A constructor that takes its one
//!   setting is `with_*` too, as in `std` ([`HeadScanner::with_limits`]).
//! - **Message builders use bare nouns.** [`ClientRequest`], [`Accept`] and
//!   [`Rejection`] describe an HTTP message to write; each method names the
//!   header or part it fills in, so the chain reads like the message:
//!   `ClientRequest::new("example.com").target("/chat").origin("https://example.com")`.
//! - **No two public types share a name**, since all are used from the
//!   crate root: [`Header`] is a frame header, [`HeaderField`] one header
//!   line of an HTTP head.
//!
//!
//! A [`Connection`] never touches a socket. After **any** input or command,
//! drain [`Connection::poll_event`] and [`Connection::poll_transmit`] until
//! both return `None`:
//!
//! ```text
//! bytes from socket ──► receive / spare_mut+commit ──► Connection ──► poll_event ──► app
//! app commands ──► send_text / send_binary / ping / close ──► poll_transmit ──► socket
//! ```
//!
//! An echo server over any blocking transport, for messages of any size:
//!
//! ```
//! # #[cfg(feature = "alloc")] {
//! use std::io::{Read, Write};
//! use rfc6455::{Accept, Config, Connection, Event};
//!
//! enum Reply { Text(String), Binary(Vec<u8>) }
//!
//! fn serve(mut socket: impl Read + Write) -> Result<(), Box<dyn std::error::Error>> {
//!     // Growable storage: it grows with the messages and is given back when idle.
//!     let mut conn = Connection::server(Config::new(), Vec::new(), Vec::new())?;
//!     let mut replies = Vec::new(); // events borrow the connection: copy what you send back
//!     loop {
//!         while let Some(event) = conn.poll_event() {
//!             match event? {
//!                 Event::Upgrade(_request) => { /* check request.origin(), pick a subprotocol */ }
//!                 Event::Text { data, .. } => replies.push(Reply::Text(data.to_owned())), // whole messages
//!                 Event::Binary { data, .. } => replies.push(Reply::Binary(data.to_vec())),
//!                 _ => {} // pings are answered and closes echoed automatically
//!             }
//!         }
//!         if conn.request().is_some() {
//!             conn.accept(&Accept::new())?;
//!             continue;
//!         }
//!         for reply in replies.drain(..) {
//!             match reply {
//!                 Reply::Text(text) => conn.send_text(&text)?,
//!                 Reply::Binary(data) => conn.send_binary(&data)?,
//!             }
//!         }
//!         let out = conn.peek_transmit();
//!         if !out.is_empty() {
//!             socket.write_all(out)?;
//!             let n = out.len();
//!             conn.advance_transmit(n);
//!             continue;
//!         }
//!         if conn.should_close_transport() {
//!             return Ok(()); // a TCP socket: shut down writing and drain first (see "Closing the transport")
//!         }
//!         let n = socket.read(conn.spare_mut())?;
//!         if n == 0 {
//!             conn.receive_eof();
//!         }
//!         conn.commit(n);
//!     }
//! }
//! # struct Duplex { input: std::io::Cursor<Vec<u8>>, output: Vec<u8> }
//! # impl Read for Duplex { fn read(&mut self, b: &mut [u8]) -> std::io::Result<usize> { self.input.read(b) } }
//! # impl Write for Duplex {
//! #     fn write(&mut self, b: &[u8]) -> std::io::Result<usize> { self.output.write(b) }
//! #     fn flush(&mut self) -> std::io::Result<()> { Ok(()) }
//! # }
//! # let mut input = b"GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
//! #     Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n".to_vec();
//! # input.extend(b"\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58");
//! # let mut client = rfc6455::Encoder::client(|k: &mut [u8]| k.fill(0x5a));
//! # let big_text = "é€".repeat(1 << 18); // 1.25 MiB
//! # let big_binary: Vec<u8> = (0..16 << 20).map(|i| i as u8).collect(); // 16 MiB
//! # use rfc6455::{Fragment::Last, Opcode};
//! # client.frame_to_vec(Opcode::Text, big_text.as_bytes(), Last, &mut input).unwrap();
//! # client.frame_to_vec(Opcode::Binary, &big_binary, Last, &mut input).unwrap();
//! # input.extend(b"\x88\x82\x00\x00\x00\x00\x03\xe8");
//! # let mut socket = Duplex { input: std::io::Cursor::new(input), output: Vec::new() };
//! # serve(&mut socket).unwrap();
//! # let mut expected = b"\x81\x05Hello".to_vec();
//! # let mut server = rfc6455::Encoder::server();
//! # server.frame_to_vec(Opcode::Text, big_text.as_bytes(), Last, &mut expected).unwrap();
//! # server.frame_to_vec(Opcode::Binary, &big_binary, Last, &mut expected).unwrap();
//! # expected.extend(b"\x88\x02\x03\xe8");
//! # assert!(socket.output.ends_with(&expected));
//! # }
//! ```
//!
//! # Storage, sending and backpressure
//!
//! Received bytes are unmasked and assembled in one buffer, outgoing frames
//! queue in another. Each is a [`Storage`]:
//!
//! - **growable**, a `Vec<u8>` (start with `Vec::new()`): it grows on demand,
//!   within the limits in [`Config`], and is given back once it holds
//!   nothing, so an idle connection holds no buffers and memory follows the
//!   bytes in flight ([`Connection::storage_len`] says how much it holds).
//!   When the IO layer passes time in (see "Time"), it is given back after
//!   [`Config::storage_idle_timeout`] (1 s) without use, so a busy
//!   connection reuses its buffers instead of allocating them per message;
//!   without time, as soon as it holds nothing. Ask for room
//!   ([`Connection::spare_mut`]) when input is ready, not before waiting:
//!   the storage it grows is held meanwhile;
//! - **fixed**, a stack array, `&mut [u8]` or `Box<[u8]>`: exactly that
//!   memory for the connection's life, no allocator needed.
//!
//! **Receiving.** With `alloc`, messages are delivered whole
//! ([`MessageMode::Reassemble`], the default), up to
//! [`Config::max_message_len`], as every other WebSocket library and the
//! browser API deliver them; a message that lies whole in the receive
//! storage is delivered where it lies, without a copy. One setting away,
//! and the only mode without an allocator, [`MessageMode::Stream`] delivers
//! a message larger than the receive storage in chunks ([`Event::Text`] /
//! [`Event::Binary`] with `fin` on the last; text is cut only at character
//! boundaries). We chose whole messages as the default because an
//! application written for whole messages silently breaks on chunks (it
//! ignores `fin`), while the one that wants chunks knows it and asks.
//!
//! **Sending.** A message of any size can be sent through a transmit storage
//! of any size (at least [`MIN_STORAGE_LEN`]):
//!
//! - with growable storage, [`Connection::send_text`] and
//!   [`Connection::send_binary`] queue it whole, up to
//!   [`Config::max_send_queue`]; past it they fail with
//!   [`UsageError::QueueFull`] ("write out queued output first"), never
//!   because the message is merely larger than the free space;
//! - with fixed storage, and without an allocator,
//!   [`Connection::send_text_partial`] and [`Connection::send_binary_partial`]
//!   take what fits as one frame and say how much; call again with the rest
//!   as the storage drains. Automatic Pongs and a Close go out between the
//!   pieces.
//!
//! Nothing is ever half-queued: a send either queues its frame or fails and
//! queues nothing.
//!
//! **Backpressure.** [`Connection::queued_len`] is what waits for the
//! transport; [`Connection::send_ready`] turns false at
//! [`Config::send_high_watermark`] and true again at
//! [`Config::send_low_watermark`] (the signal for a `Sink::poll_ready` or a
//! `writable` flag). On the receive side, [`Connection::wants_read`] is false
//! while input waits to be polled, so an IO layer reads only when reading
//! will not just grow memory.
//!
//! # Time
//!
//! The connection reads no clock. Its deadlines ([`Config`]: handshake,
//! keepalive and dead peer, close, linger, and the idle storage's; on by
//! default) run on
//! [`Timestamp`]s you pass in: the time since an origin you pick, from
//! `std::time::Instant` ([`Timestamp::since`]), a hardware timer, or a
//! simulated clock. The run loop with time in it:
//!
//! ```text
//! loop {
//!     wait until input arrives or poll_timeout() comes (a select!, a socket read timeout, a timer interrupt)
//!     handle_timeout(now)                     runs what is due: a keepalive Ping, or fails the connection
//!     read into spare_mut() + commit, if input arrived
//!     drain poll_event() and poll_transmit()
//! }
//! ```
//!
//! A deadline that passes fails the connection: [`Connection::poll_event`]
//! reports [`Error::Timeout`] once (an abnormal closure, 1006, for the
//! application) and nothing more is sent. A client whose server completes
//! the close handshake but never closes TCP stops waiting after
//! `linger_timeout` ([`Connection::should_close_transport`] turns true).
//!
//! # Closing the transport
//!
//! When [`Connection::should_close_transport`] turns true, or after a
//! failure once the queued output is written, close a TCP transport in
//! three steps:
//!
//! 1. shut down the write side (`shutdown(Write)`: a FIN after our last
//!    byte, the Close frame);
//! 2. read and discard input until the end of input, for a short while
//!    (a couple of seconds) and a bounded number of bytes;
//! 3. close the socket.
//!
//! Why: closing a socket that still has unread input makes the kernel send
//! a reset (RFC 1122 §4.2.2.13), and a reset can destroy data in flight, our
//! Close frame among it: a browser then reports 1006 (abnormal) instead of
//! the code we sent, and `wasClean` false. Every example does this.

//! # Decisions where the RFC leaves a choice
//!
//! - Pings are answered automatically ([`AutoPong`]), also after this side
//!   sent its Close (§5.5.2), ahead of the application's frames; if output
//!   is not drained, unsent Pongs stay within half the transmit storage and
//!   then only the latest is kept (§5.5.3).
//! - A received Close is echoed with its status code at once (§5.5.1); a
//!   fragmented message being sent is abandoned.
//! - A server closes the transport first after the close handshake (§7.1.1);
//!   [`Connection::should_close_transport`] says when.
//! - Any error in the handshake gets a response (400, 426 with
//!   `Sec-WebSocket-Version: 13`, or 431) before the connection fails.
//! - Limits (frame, message, fragments, head) are in [`Config`], with
//!   defaults that pass the Autobahn TestSuite.
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
//! - `alloc`: `Vec`-based conveniences such as [`Encoder::frame_to_vec`],
//!   and [`MessageMode::Reassemble`].
//!
//! With no features the whole protocol works on caller-provided buffers.
#![no_std]
#![deny(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_auto_cfg))]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(any(feature = "std", test))]
extern crate std;

mod close;
mod close_code;
mod config;
mod connection;
mod error;
mod event;
mod extension;
mod frame;
mod handshake;
mod keys;
mod mask;
mod message;
mod role;
mod simd;
mod status;
mod storage;
mod time;
mod transform;
mod utf8;

pub use close::{encode_close_payload, parse_close_payload, truncate_reason, MAX_CLOSE_REASON_LEN};
pub use close_code::CloseCode;
pub use config::{AutoPong, Config, MessageMode};
pub use connection::{Connection, State, MIN_STORAGE_LEN};
pub use error::{BufferTooSmall, Error, HandshakeError, ProtocolError, Timeout, UsageError};
pub use event::{Event, Handshake};
pub use extension::NoExtension;
pub use frame::{
    Decoded, Encoder, Fragment, FrameDecoder, Header, HeaderBytes, Opcode, MAX_CONTROL_PAYLOAD,
    MAX_HEADER_LEN,
};
pub use handshake::{
    accept_key, validate_response, write_extension_offer, Accept, AcceptKey, ClientKey,
    ClientRequest, Extension, ExtensionOffer, ExtensionOffers, ExtensionParam,
    ExtensionParamWriter, ExtensionParams, HeadLimits, HeadScanner, HeaderField, HeaderFields,
    HeaderList, HeaderValues, Headers, Negotiated, Rejection, Request, RequestHead, ResponseHead,
    Scheme, Subprotocols, WEBSOCKET_GUID, WEBSOCKET_VERSION,
};
#[cfg(feature = "std")]
pub use keys::StdKeys;
pub use keys::{KeySource, NoKeys};
pub use mask::apply_mask;
pub use message::MessageKind;
pub use role::Role;
pub use status::Status;
pub use storage::Storage;
pub use time::Timestamp;
pub use transform::{ExtensionError, Transformed};
pub use utf8::{Utf8Error, Utf8Validator};

/// The README's quick starts, compiled as doc tests.
#[cfg(all(doctest, feature = "std"))]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
