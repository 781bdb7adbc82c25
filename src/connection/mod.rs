//! The connection state machine: handshake, then frames, then the close
//! handshake (RFC 6455 §4–§7).

mod control;
mod extension;
mod handshake;
mod handshake_recv;
mod idle;
mod inbound;
mod outbound;
mod prepared;
mod recv;
mod rx;
mod send;
mod settings;
mod side;
mod state;
mod timers;
mod tx;
mod whole;

#[cfg(feature = "alloc")]
use alloc::vec::Vec;

use crate::config::Config;
use crate::error::{BufferTooSmall, Error, UsageError};
use crate::extension::NoExtension;
use crate::frame::{Encoder, FrameDecoder, MAX_CONTROL_PAYLOAD};
use crate::handshake::Extension;
use crate::keys::{KeySource, NoKeys};
use crate::role::Role;
use crate::storage::Storage;
use inbound::Inbound;
use outbound::Outbound;
use rx::Rx;
use settings::{KeptElsewhere, Settings};
use state::{Inner, Lifecycle};
use timers::Timers;
use tx::Tx;

/// The smallest receive or transmit storage a connection accepts, in bytes.
///
/// The transmit storage must hold a Close frame and the handshake; the receive
/// storage must hold the opening-handshake head (a larger head is refused with
/// 431). Real servers want several KiB of each.
pub const MIN_STORAGE_LEN: usize = 256;

/// Where a connection is in its life (RFC 6455 §4–§7).
///
/// ```text
///              handshake ok
///  Connecting ─────────────► Open ──── close() ────► CloseSent
///      │                      │                          │
///      │                      │ peer's Close             │ peer's Close
///      │                      ▼                          ▼
///      │                 CloseReceived ─ echo queued ─► Closed
///      │                                                 ▲
///      │            transport ended (1006) ──────────────┘
///      │
///      └──── bad handshake / protocol violation ───► Failed
///            (from any state before Closed)
/// ```
///
/// [`Connection::state`] is a view of the connection's private state
/// machine, whose module (`connection/state.rs`) holds the full transition
/// table and is the only place the state changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum State {
    /// The opening handshake is in progress.
    Connecting,
    /// The connection is open: messages flow both ways.
    Open,
    /// This side sent a Close frame and waits for the peer's.
    CloseSent,
    /// The peer sent a Close frame; the echo is queued but not yet written
    /// out, and frames may still be sent ahead of it.
    CloseReceived,
    /// The close handshake finished, the transport ended, or the upgrade was
    /// rejected. Nothing more is sent or received.
    Closed,
    /// The handshake failed or the peer broke the protocol; a Close frame or
    /// an HTTP error response may still be queued.
    Failed,
}

/// §5.3: a client's masking keys "MUST be derived from a strong source of
/// entropy"; §4.1: its nonce "MUST be selected randomly".
pub(crate) fn check_keys<K: KeySource>(role: Role, keys: &K) -> Result<(), UsageError> {
    if role.is_client() && keys.is_predictable() {
        return Err(UsageError::PredictableKeys);
    }
    Ok(())
}

/// In `Connection::rx_ext`: the message being received is transformed by
/// the extension (its first frame had the extension's RSV bits), so its
/// payload is decoded into the message buffer.
const TRANSFORMED: u8 = 1;
/// In `Connection::rx_ext`: stream mode, transformed message: the bytes of
/// the message buffer before its unfinished character were just delivered
/// as a chunk.
#[cfg(feature = "alloc")]
const CHUNK_OUT: u8 = 2;

/// A control frame payload (at most 125 bytes).
#[derive(Clone, Copy)]
pub(crate) struct ControlBuf {
    data: [u8; MAX_CONTROL_PAYLOAD],
    len: u8,
}

impl ControlBuf {
    const fn new() -> Self {
        ControlBuf {
            data: [0; MAX_CONTROL_PAYLOAD],
            len: 0,
        }
    }

    fn from_slice(bytes: &[u8]) -> Self {
        let mut buf = Self::new();
        buf.push(bytes);
        buf
    }

    fn as_slice(&self) -> &[u8] {
        &self.data[..usize::from(self.len)]
    }

    /// Appends what fits (the decoder has already checked the 125-byte limit).
    fn push(&mut self, bytes: &[u8]) {
        let at = usize::from(self.len);
        let n = bytes.len().min(MAX_CONTROL_PAYLOAD - at);
        self.data[at..at + n].copy_from_slice(&bytes[..n]);
        self.len += n as u8;
    }
}

/// A WebSocket connection as a sans-IO state machine.
///
/// A `Connection` never touches a socket. You move bytes between it and your
/// transport; it tells you what happened and what to send.
///
/// # The run loop
///
/// After **any** input or command, drain [`poll_event`](Self::poll_event)
/// and [`poll_transmit`](Self::poll_transmit) until both return `None`:
///
/// ```text
/// socket ──► receive / spare_mut+commit ──► poll_event ──► application
/// application ──► send_* / ping / close ──► poll_transmit ──► socket
/// ```
///
/// # Methods by role
///
/// - Getters: [`role`](Self::role), [`state`](Self::state),
///   [`should_close_transport`](Self::should_close_transport),
///   [`config`](Self::config).
/// - Input: [`receive`](Self::receive), or [`spare_mut`](Self::spare_mut) and
///   [`commit`](Self::commit) to read straight into the storage;
///   [`receive_eof`](Self::receive_eof).
/// - Commands: [`accept`](Self::accept) / [`reject`](Self::reject) (server),
///   [`send_text`](Self::send_text), [`send_binary`](Self::send_binary),
///   their `_fragment` forms, [`send_header`](Self::send_header),
///   [`ping`](Self::ping), [`pong`](Self::pong), [`close`](Self::close).
/// - Output: [`poll_event`](Self::poll_event),
///   [`poll_transmit`](Self::poll_transmit), or
///   [`peek_transmit`](Self::peek_transmit) and
///   [`advance_transmit`](Self::advance_transmit) to write without a copy.
///
/// # Storage
///
/// The connection works in two buffers you hand in, each a [`Storage`]:
/// received bytes are unmasked and assembled in the first, outgoing frames
/// are queued in the second. A `Vec<u8>` grows on demand within the limits
/// of [`Config`] and is given back when it holds nothing; a stack array, a
/// `&mut [u8]` or a `Box<[u8]>` is fixed memory for the connection's life.
/// Beyond them the connection allocates only the reassembly buffer of
/// [`MessageMode::Reassemble`](crate::MessageMode) (for a message that
/// arrived in several frames or does not fit the receive storage), so its
/// memory is bounded by the limits whatever the peer sends.
pub struct Connection<B, K: ?Sized = NoKeys, E = NoExtension> {
    config: Settings,
    life: Lifecycle,
    rx: Rx<B>,
    tx: Tx<B>,
    decoder: FrameDecoder,
    inbound: Inbound,
    outbound: Outbound,
    /// The payload of the control frame being received.
    control: ControlBuf,
    /// A Pong waiting to be queued (only the latest is kept, §5.5.3).
    pending_pong: Option<ControlBuf>,
    /// Where the last automatic Pong ends in the output stream
    /// ([`Tx::queued_total`] when it was queued).
    pong_end: u64,
    /// A Close frame payload waiting to be queued: ours, the echo of the
    /// peer's, or the one failing the connection. Output, not state: the
    /// state says a Close is owed, this holds it until there is room.
    pending_close: Option<ControlBuf>,
    /// Input arrived since [`poll_event`](Self::poll_event) last returned
    /// `None`: events may be waiting.
    unpolled: bool,
    /// The transport has ended: an input, recorded until the receive path
    /// has used up the bytes before it. (Beside the other flags rather than
    /// in `life`, where it would cost 8 bytes of padding.)
    eof: bool,
    /// [`TRANSFORMED`] and [`CHUNK_OUT`]: one byte, the connection's last
    /// byte of padding (`Inbound` has none left).
    rx_ext: u8,
    /// The deadlines' view of time.
    timers: Timers,
    #[cfg(feature = "alloc")]
    message: Vec<u8>,
    /// The extension: offered or to be selected while connecting, in use
    /// once open; `None` if it was not negotiated (or for [`NoExtension`],
    /// always, in no bytes).
    ext: Option<E>,
    /// Last, so that `K` can be unsized: the bodies of the public methods
    /// run on `Connection<B, dyn KeySource>`, one copy in a program
    /// whatever its key sources (see [`as_dyn`](Self::as_dyn)).
    encoder: Encoder<K>,
}

/// The most a growable receive storage grows to: a whole frame of the
/// largest length accepted (or a whole head), so such a frame can be
/// delivered where it lies.
pub(crate) fn receive_max<B: Storage>(config: &Config, rx: &mut B) -> usize {
    if !rx.is_growable() {
        return rx.bytes().len();
    }
    let frame = config.max_frame_len.min(config.max_message_len);
    usize::try_from(frame)
        .unwrap_or(usize::MAX)
        .saturating_add(crate::frame::MAX_HEADER_LEN)
        .max(config.max_head_len)
        .max(MIN_STORAGE_LEN)
}

// The constructors make connections without an extension (`with_extension`
// attaches one), so that `Connection::open(…)` needs no type annotation.
impl<B: Storage, K: KeySource> Connection<B, K> {
    fn build(
        role: Role,
        config: Config,
        state: Inner,
        side: Option<&'static side::Side>,
        mut rx: B,
        tx: B,
        keys: K,
    ) -> Result<Self, BufferTooSmall> {
        let rx_max = receive_max(&config, &mut rx);
        let rx = Rx::new(rx, rx_max);
        let tx = Tx::new(
            tx,
            config.max_send_queue,
            config.send_high_watermark,
            config.send_low_watermark,
        );
        if rx.max < MIN_STORAGE_LEN || tx.max() < MIN_STORAGE_LEN {
            return Err(BufferTooSmall {
                required: MIN_STORAGE_LEN,
            });
        }
        Ok(Connection {
            config: Settings::new(&config),
            life: Lifecycle::new(state, side),
            rx,
            tx,
            decoder: FrameDecoder::new(role).with_max_frame_len(config.max_frame_len),
            encoder: Encoder::with_role(role, keys),
            inbound: Inbound::new(),
            outbound: Outbound::new(),
            control: ControlBuf::new(),
            pending_pong: None,
            pong_end: 0,
            pending_close: None,
            unpolled: false,
            eof: false,
            rx_ext: 0,
            timers: Timers::default(),
            #[cfg(feature = "alloc")]
            message: Vec::new(),
            ext: None,
        })
    }

    /// A connection that starts in the [`Open`](State::Open) state, for an
    /// upgrade done elsewhere (hyper, axum, an HTTP/2 extended CONNECT per
    /// RFC 8441) and for fuzzing.
    ///
    /// `keys` supplies masking keys when `role` is [`Role::Client`]; a server
    /// never uses it (pass [`NoKeys`]).
    ///
    /// # Errors
    ///
    /// [`BufferTooSmall`] if either buffer is shorter than
    /// [`MIN_STORAGE_LEN`]; [`UsageError::PredictableKeys`] for a client
    /// given [`NoKeys`] (§5.3: masking keys must be unpredictable).
    ///
    /// # Examples
    ///
    /// ```
    /// use rfc6455::{Config, Connection, Event, NoKeys, Role};
    ///
    /// let mut conn = Connection::open(Role::Server, Config::new(), [0u8; 1024], [0u8; 1024], NoKeys)?;
    /// conn.receive(b"\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58"); // masked "Hello"
    /// assert!(matches!(conn.poll_event(), Some(Ok(Event::Text { data: "Hello", fin: true }))));
    /// # Ok::<(), rfc6455::Error>(())
    /// ```
    pub fn open(role: Role, config: Config, rx: B, tx: B, keys: K) -> Result<Self, Error> {
        check_keys(role, &keys)?;
        Ok(Self::build(role, config, Inner::Open, None, rx, tx, keys)?)
    }
}

impl<B: Storage, K: KeySource + ?Sized, E: Extension> Connection<B, K, E> {
    /// This connection with its key source behind `dyn`. The public methods
    /// that do the work run their bodies on it, so a program holds one copy
    /// of them whatever its key sources (a client's closure, a server's
    /// [`NoKeys`]): on a microcontroller that halves the flash of a program
    /// with both roles. The keys are used only to mask what a client sends,
    /// one indirect call per frame.
    #[inline(always)]
    pub(crate) fn as_dyn(&mut self) -> &mut Connection<B, dyn KeySource + '_, E>
    where
        K: Sized,
    {
        self
    }

    /// Which end this side plays.
    #[must_use]
    pub const fn role(&self) -> Role {
        // The encoder knows it (it masks a client's frames): one byte the
        // connection need not hold twice.
        self.encoder.role()
    }

    /// The current state.
    #[must_use]
    pub const fn state(&self) -> State {
        self.life.view()
    }

    /// The configuration in effect: as given, except the send queue's
    /// limit and watermarks, which are as in effect (a fixed storage is its
    /// own limit; the watermarks lowered to fit, as [`Config`] describes).
    /// The connection keeps it in a compact form, so it is rebuilt here.
    ///
    /// # Examples
    ///
    /// ```
    /// use core::time::Duration;
    /// use rfc6455::{Config, Connection};
    ///
    /// let config = Config::new().with_keepalive(None, None);
    /// let conn = Connection::server(config, [0u8; 512], [0u8; 512])?;
    /// assert_eq!(conn.config().keepalive_interval, None);
    /// assert_eq!(conn.config().max_send_queue, 512); // the fixed storage
    /// # Ok::<(), rfc6455::BufferTooSmall>(())
    /// ```
    #[must_use]
    pub fn config(&self) -> Config {
        self.config.to_config(KeptElsewhere {
            max_frame_len: self.decoder.max_frame_len(),
            max_send_queue: self.tx.max(),
            send_high_watermark: self.tx.high(),
            send_low_watermark: self.tx.low(),
        })
    }

    /// Bytes of memory the connection's buffers hold now: the receive and
    /// transmit storage, and the reassembly buffer of
    /// [`MessageMode::Reassemble`](crate::MessageMode::Reassemble). With
    /// growable storage (a `Vec<u8>`) it follows the bytes in flight and is
    /// 0 when the connection is idle; with fixed storage it is the storage.
    ///
    /// # Examples
    ///
    /// ```
    /// use rfc6455::{Config, Connection, Event, NoKeys, Role};
    /// # #[cfg(feature = "alloc")] {
    ///
    /// let mut conn = Connection::open(Role::Server, Config::new(), Vec::new(), Vec::new(), NoKeys)?;
    /// assert_eq!(conn.storage_len(), 0);
    /// let _ = conn.receive(b"\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58");
    /// assert!(conn.storage_len() > 0);
    /// assert!(matches!(conn.poll_event(), Some(Ok(Event::Text { data: "Hello", .. }))));
    /// assert!(conn.poll_event().is_none()); // drained: the storage is given back
    /// assert_eq!(conn.storage_len(), 0);
    /// # }
    /// # Ok::<(), rfc6455::Error>(())
    /// ```
    #[must_use]
    pub fn storage_len(&self) -> usize {
        let held = self.rx.cap + self.tx.cap();
        #[cfg(feature = "alloc")]
        let held = held + self.message.capacity();
        held
    }

    /// Whether the application should now close the transport (TCP).
    ///
    /// True once nothing more will be sent or received and every queued byte
    /// has been taken by [`poll_transmit`](Self::poll_transmit): after a
    /// failure or a rejected upgrade; on a server after the close handshake
    /// (§7.1.1: the server closes the TCP connection first); on a client once
    /// the server has closed its end ([`receive_eof`](Self::receive_eof)). A
    /// client waiting for that should still give up after a timeout of its
    /// choosing.
    #[must_use]
    pub fn should_close_transport(&self) -> bool {
        let drained = self.tx.is_empty() && self.pending_close.is_none();
        match self.state() {
            State::Failed => drained,
            State::Closed => {
                (drained && (self.role().is_server() || self.eof)) || self.timers.gave_up_waiting
            }
            State::Connecting | State::Open | State::CloseSent | State::CloseReceived => false,
        }
    }
}

impl<B, K: ?Sized, E> Connection<B, K, E> {
    /// Whether the message being received is transformed by the extension.
    #[inline(always)]
    const fn transformed(&self) -> bool {
        self.rx_ext & TRANSFORMED != 0
    }

    /// Whether a chunk of a transformed message was just delivered; clears
    /// it.
    #[cfg(feature = "alloc")]
    #[inline]
    fn take_chunk_out(&mut self) -> bool {
        let out = self.rx_ext & CHUNK_OUT != 0;
        self.rx_ext &= !CHUNK_OUT;
        out
    }
}
