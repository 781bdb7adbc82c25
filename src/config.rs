//! Limits and policies of a connection.

use core::time::Duration;

/// How received messages are handed to the application.
///
/// With `alloc` the default is [`Reassemble`](Self::Reassemble): whole
/// messages, as every other WebSocket library and the browser API deliver
/// them, so an application that ignores `fin` is still right. Without an
/// allocator it is [`Stream`](Self::Stream), the only mode that needs none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageMode {
    /// Messages are assembled in the connection's storage and delivered
    /// whole when they fit in one chunk: the storage size less 14 bytes (the
    /// longest frame header); for growable storage, the size it may grow to
    /// (a frame of `min(max_frame_len, max_message_len)`). Once the lengths
    /// declared so far say a message will not fit, its bytes are delivered
    /// as they arrive, in chunks of at most that size, with `fin` set on the
    /// last; all of a message's bytes before a control frame are delivered
    /// before that frame's event. Text chunks end on character boundaries.
    /// (So if the connection fails in the middle of such a message, how much
    /// of it came out first depends on how its bytes were read.) Needs no
    /// allocator; with fixed storage, memory use is the storage.
    Stream,
    /// Every message is delivered whole, up to [`Config::max_message_len`]
    /// (1009 beyond): where it lies in the receive storage if it came in one
    /// frame that fits there, else reassembled into a heap buffer. With
    /// fixed storage that buffer is kept for reuse, so steady-state traffic
    /// allocates nothing; with growable storage it is given back with the
    /// storage once the connection is idle.
    #[cfg(feature = "alloc")]
    Reassemble,
}

impl MessageMode {
    /// The default: `Reassemble` with `alloc`, `Stream` without.
    #[cfg(feature = "alloc")]
    pub const DEFAULT: MessageMode = MessageMode::Reassemble;
    /// The default: `Reassemble` with `alloc`, `Stream` without.
    #[cfg(not(feature = "alloc"))]
    pub const DEFAULT: MessageMode = MessageMode::Stream;
}

impl Default for MessageMode {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// Whether a received Ping is answered automatically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AutoPong {
    /// Queue a Pong with the Ping's payload (RFC 6455 §5.5.2), ahead of the
    /// application's next frame. While earlier Pongs are still unsent, a new
    /// one is queued only if the output up to it stays within half the
    /// transmit storage; otherwise only the latest is kept (§5.5.3) until the
    /// transport takes the earlier ones. So a flood of Pings neither grows
    /// memory nor crowds out the application, and an application that keeps
    /// the storage full cannot starve a Pong. Pings are answered until the
    /// peer's Close arrives (a Pong owed then goes out before the echo), also
    /// after this side sent its own Close.
    Enabled,
    /// Only surface the Ping; the application answers with
    /// [`Connection::pong`](crate::Connection::pong) itself.
    Disabled,
}

/// Limits and policies of a [`Connection`](crate::Connection).
///
/// Every limit bounds work or memory that a peer could otherwise choose.
/// Defaults:
///
/// | field | default | on violation |
/// |---|---|---|
/// | `max_frame_len` | 16 MiB | 1009 |
/// | `max_message_len` | 64 MiB | 1009 |
/// | `max_fragments` | 4,194,304 (16 MiB of 4-byte fragments) | 1009 |
/// | `max_head_len` | 8 KiB (and never more than the storage) | 431 |
/// | `max_headers` | 64 | 431 |
/// | `auto_pong` | `Enabled` | — |
/// | `message_mode` | `Reassemble` with `alloc`, else `Stream` | — |
/// | `max_send_queue` | 64 MiB + 14 bytes (growable storage) | [`UsageError::QueueFull`] |
/// | `send_high_watermark` | 64 KiB | [`Connection::send_ready`] turns false |
/// | `send_low_watermark` | 16 KiB | [`Connection::send_ready`] turns true again |
/// | `handshake_timeout` | 10 s | [`Timeout::Handshake`] |
/// | `keepalive_interval` | 20 s | a Ping is sent |
/// | `dead_peer_timeout` | 20 s | [`Timeout::DeadPeer`] |
/// | `close_timeout` | 10 s | [`Timeout::Close`] |
/// | `linger_timeout` | 2 s | a client closes TCP itself; the IO layer's lingering close ends |
/// | `storage_idle_timeout` | 1 s | growable storage that holds nothing is given back |
///
/// The deadlines run on time the caller passes in
/// ([`Connection::handle_timeout`](crate::Connection::handle_timeout)); each
/// is optional (`None` turns it off). Their defaults follow what mature
/// implementations do: Python's `websockets` opens within 10 s, pings every
/// 20 s and waits 20 s for the Pong, and waits 10 s for a Close; Chromium
/// waits 2 s for the server to close TCP after the close handshake.
///
/// [`Timeout::Handshake`]: crate::Timeout::Handshake
/// [`Timeout::DeadPeer`]: crate::Timeout::DeadPeer
/// [`Timeout::Close`]: crate::Timeout::Close
///
/// With fixed storage (an array, a slice, a `Box<[u8]>`) memory use is the
/// storage you hand in, whatever these limits are; they protect the
/// application from runaway messages. Growable storage (a `Vec<u8>`) grows
/// on demand within them and is given back when it holds nothing (see
/// [`Storage`](crate::Storage)).
///
/// [`UsageError::QueueFull`]: crate::UsageError::QueueFull
/// [`Connection::send_ready`]: crate::Connection::send_ready
///
/// # Examples
///
/// ```
/// use rfc6455::{AutoPong, Config};
///
/// let config = Config::new()
///     .with_max_message_len(1 << 20)
///     .with_auto_pong(AutoPong::Disabled);
/// assert_eq!(config.max_message_len, 1 << 20);
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    /// The longest frame payload accepted, in bytes.
    pub max_frame_len: u64,
    /// The longest message accepted (all fragments together), in bytes.
    pub max_message_len: u64,
    /// The most frames one message may be split into.
    pub max_fragments: u32,
    /// The longest opening-handshake head accepted, in bytes.
    pub max_head_len: usize,
    /// The most header lines an opening-handshake head may have.
    pub max_headers: usize,
    /// Whether Pings are answered automatically.
    pub auto_pong: AutoPong,
    /// How messages are delivered.
    pub message_mode: MessageMode,
    /// The most bytes a growable transmit storage queues, headers included
    /// (the default holds one message of the default `max_message_len`).
    /// A send past it fails with [`UsageError::QueueFull`] (write out queued
    /// output first), or, for a frame longer than the limit itself,
    /// [`BufferTooSmall`](crate::BufferTooSmall). A fixed storage is its own
    /// limit.
    ///
    /// [`UsageError::QueueFull`]: crate::UsageError::QueueFull
    pub max_send_queue: usize,
    /// Queued output at which [`Connection::send_ready`] turns false: stop
    /// taking messages from the application until it drains. Lowered to half
    /// the queue's size if larger.
    ///
    /// [`Connection::send_ready`]: crate::Connection::send_ready
    pub send_high_watermark: usize,
    /// Queued output at or below which [`Connection::send_ready`] turns true
    /// again. Lowered to half the high watermark if larger.
    ///
    /// [`Connection::send_ready`]: crate::Connection::send_ready
    pub send_low_watermark: usize,
    /// How long the peer has to complete its opening-handshake head: a
    /// server's whole request (a slow or stalled client, slowloris, is
    /// dropped), a client's `101` response. Counted from the first
    /// [`handle_timeout`](crate::Connection::handle_timeout). A server
    /// answers nothing when it passes (the request never finished), and
    /// waits for its application's decision without a deadline.
    pub handshake_timeout: Option<Duration>,
    /// After this long with nothing received, send a Ping (keepalive). Any
    /// input counts, Pongs included.
    pub keepalive_interval: Option<Duration>,
    /// After the keepalive Ping, how long to wait for anything from the
    /// peer before failing with [`Timeout::DeadPeer`](crate::Timeout::DeadPeer).
    /// No Close frame is sent to a dead peer.
    pub dead_peer_timeout: Option<Duration>,
    /// How long the close handshake may take once it started: from our
    /// Close until the peer's arrives, or from the peer's Close until our
    /// echo is written.
    pub close_timeout: Option<Duration>,
    /// How long to wait for the peer to end the transport once the
    /// WebSocket is closed: a client gives up waiting for the server to
    /// close TCP after the close handshake
    /// ([`should_close_transport`](crate::Connection::should_close_transport)
    /// turns true), and an IO layer's lingering close (crate docs, "Closing
    /// the transport") drains input for at most this long.
    pub linger_timeout: Option<Duration>,
    /// How long growable storage (a `Vec<u8>`) that holds nothing is kept,
    /// counted from the last input or send, before it is given back. A busy
    /// connection then reuses its buffers instead of allocating and zeroing
    /// them for every message, and an idle one holds none. With `None`, or
    /// while the IO layer passes no time in, storage is given back as soon
    /// as it holds nothing. Fixed storage is never given back.
    pub storage_idle_timeout: Option<Duration>,
}

impl Default for Config {
    fn default() -> Self {
        Self::new()
    }
}

impl Config {
    /// The default configuration (see the table above).
    #[must_use]
    pub const fn new() -> Self {
        Config {
            max_frame_len: 16 << 20,
            max_message_len: 64 << 20,
            max_fragments: 1 << 22,
            max_head_len: 8 << 10,
            max_headers: 64,
            auto_pong: AutoPong::Enabled,
            message_mode: MessageMode::DEFAULT,
            max_send_queue: (64 << 20) + crate::frame::MAX_HEADER_LEN,
            send_high_watermark: 64 << 10,
            send_low_watermark: 16 << 10,
            handshake_timeout: Some(Duration::from_secs(10)),
            keepalive_interval: Some(Duration::from_secs(20)),
            dead_peer_timeout: Some(Duration::from_secs(20)),
            close_timeout: Some(Duration::from_secs(10)),
            linger_timeout: Some(Duration::from_secs(2)),
            storage_idle_timeout: Some(Duration::from_secs(1)),
        }
    }

    /// Sets [`max_frame_len`](Self::max_frame_len).
    #[must_use]
    pub const fn with_max_frame_len(mut self, len: u64) -> Self {
        self.max_frame_len = len;
        self
    }

    /// Sets [`max_message_len`](Self::max_message_len).
    #[must_use]
    pub const fn with_max_message_len(mut self, len: u64) -> Self {
        self.max_message_len = len;
        self
    }

    /// Sets [`max_fragments`](Self::max_fragments).
    #[must_use]
    pub const fn with_max_fragments(mut self, count: u32) -> Self {
        self.max_fragments = count;
        self
    }

    /// Sets [`max_head_len`](Self::max_head_len).
    #[must_use]
    pub const fn with_max_head_len(mut self, len: usize) -> Self {
        self.max_head_len = len;
        self
    }

    /// Sets [`max_headers`](Self::max_headers).
    #[must_use]
    pub const fn with_max_headers(mut self, count: usize) -> Self {
        self.max_headers = count;
        self
    }

    /// Sets [`auto_pong`](Self::auto_pong).
    #[must_use]
    pub const fn with_auto_pong(mut self, auto_pong: AutoPong) -> Self {
        self.auto_pong = auto_pong;
        self
    }

    /// Sets [`message_mode`](Self::message_mode).
    #[must_use]
    pub const fn with_message_mode(mut self, mode: MessageMode) -> Self {
        self.message_mode = mode;
        self
    }

    /// Sets [`max_send_queue`](Self::max_send_queue).
    #[must_use]
    pub const fn with_max_send_queue(mut self, len: usize) -> Self {
        self.max_send_queue = len;
        self
    }

    /// Sets [`handshake_timeout`](Self::handshake_timeout).
    #[must_use]
    pub const fn with_handshake_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.handshake_timeout = timeout;
        self
    }

    /// Sets [`keepalive_interval`](Self::keepalive_interval) and
    /// [`dead_peer_timeout`](Self::dead_peer_timeout).
    #[must_use]
    pub const fn with_keepalive(
        mut self,
        interval: Option<Duration>,
        dead_peer_timeout: Option<Duration>,
    ) -> Self {
        self.keepalive_interval = interval;
        self.dead_peer_timeout = dead_peer_timeout;
        self
    }

    /// Sets [`close_timeout`](Self::close_timeout).
    #[must_use]
    pub const fn with_close_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.close_timeout = timeout;
        self
    }

    /// Sets [`linger_timeout`](Self::linger_timeout).
    #[must_use]
    pub const fn with_linger_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.linger_timeout = timeout;
        self
    }

    /// Sets [`storage_idle_timeout`](Self::storage_idle_timeout).
    #[must_use]
    pub const fn with_storage_idle_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.storage_idle_timeout = timeout;
        self
    }

    /// Turns every deadline off (for tests and for IO layers that keep time
    /// themselves); growable storage is then given back as soon as it holds
    /// nothing.
    #[must_use]
    pub const fn without_deadlines(self) -> Self {
        self.with_handshake_timeout(None)
            .with_keepalive(None, None)
            .with_close_timeout(None)
            .with_linger_timeout(None)
            .with_storage_idle_timeout(None)
    }

    /// Sets [`send_high_watermark`](Self::send_high_watermark) and
    /// [`send_low_watermark`](Self::send_low_watermark).
    #[must_use]
    pub const fn with_send_watermarks(mut self, low: usize, high: usize) -> Self {
        self.send_low_watermark = low;
        self.send_high_watermark = high;
        self
    }
}
