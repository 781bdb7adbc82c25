//! What a connection keeps of its [`Config`]: every connection holds one,
//! so it is kept small.
//!
//! The timeouts take 8 bytes each instead of an `Option<Duration>`'s 16,
//! and what another part already holds is not repeated: the frame limit
//! lives in the decoder, the send queue's limit and watermarks in the
//! transmit queue. [`Connection::config`] puts the whole `Config` back
//! together. 80 bytes instead of 160: an idle tokio server's connections
//! are that much lighter each.

use crate::config::{AutoPong, Config, MessageMode};
use crate::time::Span;

#[derive(Clone, Copy)]
pub(crate) struct Settings {
    pub(crate) max_message_len: u64,
    pub(crate) max_head_len: usize,
    pub(crate) max_headers: usize,
    pub(crate) max_fragments: u32,
    pub(crate) auto_pong: AutoPong,
    pub(crate) message_mode: MessageMode,
    pub(crate) handshake_timeout: Span,
    pub(crate) keepalive_interval: Span,
    pub(crate) dead_peer_timeout: Span,
    pub(crate) close_timeout: Span,
    pub(crate) linger_timeout: Span,
    pub(crate) storage_idle_timeout: Span,
}

/// The parts of a [`Config`] kept elsewhere in the connection, as in effect.
pub(crate) struct KeptElsewhere {
    pub(crate) max_frame_len: u64,
    pub(crate) max_send_queue: usize,
    pub(crate) send_high_watermark: usize,
    pub(crate) send_low_watermark: usize,
}

impl Settings {
    pub(crate) const fn new(config: &Config) -> Self {
        Settings {
            max_message_len: config.max_message_len,
            max_head_len: config.max_head_len,
            max_headers: config.max_headers,
            max_fragments: config.max_fragments,
            auto_pong: config.auto_pong,
            message_mode: config.message_mode,
            handshake_timeout: Span::new(config.handshake_timeout),
            keepalive_interval: Span::new(config.keepalive_interval),
            dead_peer_timeout: Span::new(config.dead_peer_timeout),
            close_timeout: Span::new(config.close_timeout),
            linger_timeout: Span::new(config.linger_timeout),
            storage_idle_timeout: Span::new(config.storage_idle_timeout),
        }
    }

    pub(crate) const fn to_config(self, rest: KeptElsewhere) -> Config {
        Config {
            max_frame_len: rest.max_frame_len,
            max_message_len: self.max_message_len,
            max_fragments: self.max_fragments,
            max_head_len: self.max_head_len,
            max_headers: self.max_headers,
            auto_pong: self.auto_pong,
            message_mode: self.message_mode,
            max_send_queue: rest.max_send_queue,
            send_high_watermark: rest.send_high_watermark,
            send_low_watermark: rest.send_low_watermark,
            handshake_timeout: self.handshake_timeout.get(),
            keepalive_interval: self.keepalive_interval.get(),
            dead_peer_timeout: self.dead_peer_timeout.get(),
            close_timeout: self.close_timeout.get(),
            linger_timeout: self.linger_timeout.get(),
            storage_idle_timeout: self.storage_idle_timeout.get(),
        }
    }
}
