//! What a [`Deflate`](crate::Deflate) offers (client) or accepts (server),
//! and how it compresses.

use crate::params::{MAX_WINDOW_BITS, MIN_WINDOW_BITS};

/// The settings of a [`Deflate`](crate::Deflate): compression level, the
/// RFC 7692 parameters to ask for, and the size below which messages are
/// sent uncompressed.
///
/// The four parameters mean, for each role:
///
/// | setting | client: offers | server: answers |
/// |---|---|---|
/// | [`server_no_context_takeover`](Self::server_no_context_takeover) | asks the server to reset its compressor after each message | resets its compressor after each message (it also does when the client asks) |
/// | [`client_no_context_takeover`](Self::client_no_context_takeover) | promises to reset its compressor after each message | asks the client to (it also answers so when the client offers it) |
/// | [`server_max_window_bits`](Self::server_max_window_bits) | asks the server to compress with at most this window | compresses with at most this window (and at most what the client asks) |
/// | [`client_max_window_bits`](Self::client_max_window_bits) | compresses with at most this window, and says so | asks the client to compress with at most this window, if the client offered the parameter |
///
/// A client always offers `client_max_window_bits` (without a value unless
/// set): it can compress with any window the server asks for.
///
/// Resetting a context after each message costs compression ratio but lets
/// the connection drop that direction's state between messages (see the
/// memory table in the crate docs).
///
/// # Examples
///
/// ```
/// use rfc6455_deflate::{Deflate, DeflateConfig};
///
/// let config = DeflateConfig::new()
///     .level(6)
///     .client_no_context_takeover()
///     .server_max_window_bits(10)
///     .threshold(256);
/// let deflate = Deflate::with_config(config);
/// # let _ = deflate;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeflateConfig {
    pub(crate) level: u8,
    pub(crate) mem_level: u8,
    pub(crate) threshold: usize,
    pub(crate) server_no_context_takeover: bool,
    pub(crate) client_no_context_takeover: bool,
    pub(crate) server_max_window_bits: Option<u8>,
    pub(crate) client_max_window_bits: Option<u8>,
    pub(crate) keep_compressor: bool,
}

impl Default for DeflateConfig {
    fn default() -> Self {
        Self::new()
    }
}

impl DeflateConfig {
    /// The default compression level: the fastest. On JSON-like messages it
    /// compresses about 8 times faster than level 6 for 40% more bytes on
    /// the wire (BENCHMARKS.md, "permessage-deflate backends").
    pub const DEFAULT_LEVEL: u8 = 1;

    /// The default `memLevel` of the compressor: 4 holds 105 KiB less than
    /// zlib's 8 with the same output at level 1 and smaller output at level
    /// 6 (`examples/memory.rs`), at the same speed (BENCHMARKS.md).
    pub const DEFAULT_MEM_LEVEL: u8 = 4;

    /// Messages shorter than this are sent uncompressed by default. Below
    /// it a fresh compressor saves nothing: at level 1, 48 bytes of
    /// JSON-like text take 50 on the wire and 64 take 57; English prose
    /// breaks even near 96 (`examples/memory.rs`). With context takeover
    /// later short messages would gain more, but they are the cheapest to
    /// send as they are.
    pub const DEFAULT_THRESHOLD: usize = 64;

    /// The defaults: level 1, memLevel 4, no parameters (context takeover and 32 KiB
    /// windows both ways), messages under 64 bytes sent as they are.
    #[must_use]
    pub const fn new() -> Self {
        DeflateConfig {
            level: Self::DEFAULT_LEVEL,
            mem_level: Self::DEFAULT_MEM_LEVEL,
            threshold: Self::DEFAULT_THRESHOLD,
            server_no_context_takeover: false,
            client_no_context_takeover: false,
            server_max_window_bits: None,
            client_max_window_bits: None,
            keep_compressor: false,
        }
    }

    /// The compression level, 0 (stored, no compression) to 9 (best).
    ///
    /// # Panics
    ///
    /// If `level` is above 9.
    #[must_use]
    pub const fn level(mut self, level: u8) -> Self {
        assert!(level <= 9, "compression level above 9");
        self.level = level;
        self
    }

    /// zlib's `memLevel`, 1 to 9: the size of the compressor's symbol
    /// buffer (`2^(memLevel + 8)` bytes). Lower holds less memory and cuts
    /// blocks shorter.
    ///
    /// # Panics
    ///
    /// If `mem_level` is not in 1..=9.
    #[must_use]
    pub const fn mem_level(mut self, mem_level: u8) -> Self {
        assert!(mem_level >= 1 && mem_level <= 9, "memLevel not in 1..=9");
        self.mem_level = mem_level;
        self
    }

    /// Messages (or first fragments) shorter than `bytes` are sent
    /// uncompressed; 0 compresses everything.
    #[must_use]
    pub const fn threshold(mut self, bytes: usize) -> Self {
        self.threshold = bytes;
        self
    }

    /// The server resets its compression context after each message
    /// (RFC 7692 §7.1.1.1).
    #[must_use]
    pub const fn server_no_context_takeover(mut self) -> Self {
        self.server_no_context_takeover = true;
        self
    }

    /// The client resets its compression context after each message
    /// (RFC 7692 §7.1.1.2).
    #[must_use]
    pub const fn client_no_context_takeover(mut self) -> Self {
        self.client_no_context_takeover = true;
        self
    }

    /// The server compresses with an LZ77 window of at most `2^bits` bytes
    /// (RFC 7692 §7.1.2.1).
    ///
    /// # Panics
    ///
    /// If `bits` is not in 8..=15.
    #[must_use]
    pub const fn server_max_window_bits(mut self, bits: u8) -> Self {
        assert!(
            bits >= MIN_WINDOW_BITS && bits <= MAX_WINDOW_BITS,
            "window bits not in 8..=15"
        );
        self.server_max_window_bits = Some(bits);
        self
    }

    /// The client compresses with an LZ77 window of at most `2^bits` bytes
    /// (RFC 7692 §7.1.2.2).
    ///
    /// # Panics
    ///
    /// If `bits` is not in 8..=15.
    #[must_use]
    pub const fn client_max_window_bits(mut self, bits: u8) -> Self {
        assert!(
            bits >= MIN_WINDOW_BITS && bits <= MAX_WINDOW_BITS,
            "window bits not in 8..=15"
        );
        self.client_max_window_bits = Some(bits);
        self
    }

    /// Without context takeover for our compressor, keep it between
    /// messages (emptied) instead of dropping it after each one: a 1 KiB
    /// JSON-like message then costs about 5 µs to compress and inflate
    /// instead of 10 µs (1.3 µs with context takeover;
    /// `examples/memory.rs`), but an
    /// idle connection holds the compressor (266 KiB at window 15, see the
    /// crate docs). The decompressor is always dropped: it costs little to
    /// make again (46 KiB, about 1 µs).
    #[must_use]
    pub const fn keep_compressor(mut self) -> Self {
        self.keep_compressor = true;
        self
    }
}
