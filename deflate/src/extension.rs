//! [`Deflate`], permessage-deflate as an [`Extension`] of the core:
//! negotiation in both roles (RFC 7692 §7.1) and the message transform
//! (§7.2).

use rfc6455::{
    Extension, ExtensionError, ExtensionOffer, ExtensionParamWriter, Header, MessageKind, Role,
    Transformed,
};

use crate::codec::{self, Compressor, Decompressor, End, TAIL};
use crate::config::DeflateConfig;
use crate::params::{Params, MAX_WINDOW_BITS};

/// The extension's registered name (RFC 7692 §7).
pub const NAME: &str = "permessage-deflate";

/// permessage-deflate (RFC 7692) for an [`rfc6455::Connection`]: one value
/// per connection, for either role.
///
/// The role comes from the negotiation: a server calls
/// [`accept_offer`](Extension::accept_offer), a client
/// [`accept_response`](Extension::accept_response) (the core does both for
/// you in [`Connection::with_extension`](rfc6455::Connection::with_extension)).
/// What was agreed is in [`agreed`](Self::agreed).
///
/// Memory: the compressor and the decompressor are allocated when the first
/// message needs them. A direction without context takeover drops its state
/// after each message (unless [`DeflateConfig::keep_compressor`]), so an
/// idle connection that agreed on `server_no_context_takeover` and
/// `client_no_context_takeover` holds nothing but this value.
///
/// # Examples
///
/// Compressing on one side and inflating on the other, the "Hello" of
/// RFC 7692 §7.2.3.1:
///
/// ```
/// use rfc6455::{Extension, MessageKind};
/// use rfc6455_deflate::{Deflate, DeflateConfig};
///
/// let mut sender = Deflate::with_config(DeflateConfig::new().threshold(0));
/// let mut receiver = Deflate::new();
/// assert!(sender.encodes(MessageKind::Text, 5));
///
/// let mut wire = vec![0; sender.max_encoded_len(5)];
/// let n = sender.encode(b"Hello", true, &mut wire)?;
/// assert_eq!(&wire[..n], [0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00]);
///
/// let mut message = [0; 6];
/// let step = receiver.decode(&wire[..n], true, &mut message)?;
/// assert!(step.done);
/// assert_eq!(&message[..step.written], b"Hello");
/// # Ok::<(), rfc6455::ExtensionError>(())
/// ```
pub struct Deflate {
    config: DeflateConfig,
    /// The response's parameters (what a server writes in its answer).
    response: Params,
    agreed: Option<Agreed>,
    compressor: Option<Compressor>,
    decompressor: Option<Decompressor>,
}

/// What a negotiation agreed on (RFC 7692 §7.1), as
/// [`Deflate::agreed`] reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Agreed {
    /// This endpoint's role.
    pub role: Role,
    /// The server resets its compressor after each message.
    pub server_no_context_takeover: bool,
    /// The client resets its compressor after each message.
    pub client_no_context_takeover: bool,
    /// The server's LZ77 window, as a base-2 logarithm (8…15).
    pub server_max_window_bits: u8,
    /// The client's LZ77 window, as a base-2 logarithm (8…15).
    pub client_max_window_bits: u8,
}

impl Agreed {
    /// What holds before (or without) a negotiation: the defaults of a
    /// bare `permessage-deflate`.
    const fn unnegotiated(role: Role) -> Self {
        Agreed {
            role,
            server_no_context_takeover: false,
            client_no_context_takeover: false,
            server_max_window_bits: MAX_WINDOW_BITS,
            client_max_window_bits: MAX_WINDOW_BITS,
        }
    }

    /// Our compressor: whether it resets after each message, its window.
    fn ours(&self) -> (bool, u8) {
        match self.role {
            Role::Server => (self.server_no_context_takeover, self.server_max_window_bits),
            Role::Client => (self.client_no_context_takeover, self.client_max_window_bits),
        }
    }

    /// Whether the peer's compressor resets after each message, so that our
    /// decompressor may too.
    fn peer_resets(&self) -> bool {
        match self.role {
            Role::Server => self.client_no_context_takeover,
            Role::Client => self.server_no_context_takeover,
        }
    }
}

impl Default for Deflate {
    fn default() -> Self {
        Self::new()
    }
}

impl core::fmt::Debug for Deflate {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Deflate")
            .field("config", &self.config)
            .field("agreed", &self.agreed)
            .field("compressor", &self.compressor.is_some())
            .field("decompressor", &self.decompressor.is_some())
            .finish()
    }
}

impl Deflate {
    /// permessage-deflate with the default settings ([`DeflateConfig::new`]).
    #[must_use]
    pub const fn new() -> Self {
        Self::with_config(DeflateConfig::new())
    }

    /// permessage-deflate with `config`. Allocates nothing.
    #[must_use]
    pub const fn with_config(config: DeflateConfig) -> Self {
        Deflate {
            config,
            response: Params {
                server_no_context_takeover: false,
                client_no_context_takeover: false,
                server_max_window_bits: None,
                client_max_window_bits: None,
            },
            agreed: None,
            compressor: None,
            decompressor: None,
        }
    }

    /// The settings.
    #[must_use]
    pub const fn config(&self) -> &DeflateConfig {
        &self.config
    }

    /// What the negotiation agreed on; `None` before it. Without a
    /// negotiation (a [`Deflate`] used directly) messages are compressed
    /// with the defaults of a bare `permessage-deflate`.
    #[must_use]
    pub const fn agreed(&self) -> Option<&Agreed> {
        self.agreed.as_ref()
    }

    /// Whether a compressor is held now.
    #[must_use]
    pub const fn holds_compressor(&self) -> bool {
        self.compressor.is_some()
    }

    /// Whether a decompressor is held now.
    #[must_use]
    pub const fn holds_decompressor(&self) -> bool {
        self.decompressor.is_some()
    }

    fn current(&self) -> Agreed {
        self.agreed
            .unwrap_or(const { Agreed::unnegotiated(Role::Client) })
    }

    /// A new negotiation starts with fresh contexts.
    fn agree(&mut self, agreed: Agreed, response: Params) {
        self.agreed = Some(agreed);
        self.response = response;
        self.compressor = None;
        self.decompressor = None;
    }

    /// The client's offer, from the settings.
    fn offer_params(&self) -> Params {
        let c = &self.config;
        Params {
            server_no_context_takeover: c.server_no_context_takeover,
            client_no_context_takeover: c.client_no_context_takeover,
            server_max_window_bits: c.server_max_window_bits,
            // Always offered: this compressor can use any window (§7.1.2.2).
            client_max_window_bits: Some(c.client_max_window_bits),
        }
    }
}

impl Extension for Deflate {
    fn name(&self) -> &str {
        NAME
    }

    fn rsv(&self) -> u8 {
        // §6: "the "Per-Message Compressed" bit", RSV1.
        Header::RSV1
    }

    fn offer(&self, params: &mut ExtensionParamWriter<'_>) {
        self.offer_params().write(params);
    }

    fn accept_offer(&mut self, offer: &ExtensionOffer<'_>) -> bool {
        let Some(offered) = Params::parse(offer) else {
            return false;
        };
        let c = &self.config;
        // §7.1.2.1: the server answers server_max_window_bits "with the
        // same or smaller value as the offer"; it may also limit its window
        // unasked.
        let server_bits = match (offered.server_max_window_bits, c.server_max_window_bits) {
            (Some(asked), Some(ours)) => Some(asked.min(ours)),
            (asked, ours) => asked.or(ours),
        };
        // §7.1.2.2: the server MUST NOT include client_max_window_bits unless
        // offered, nor with a value greater than the offer's.
        let client_bits = match (offered.client_max_window_bits, c.client_max_window_bits) {
            (Some(Some(offered)), Some(ours)) => Some(offered.min(ours)),
            (Some(None), Some(ours)) => Some(ours),
            (Some(_) | None, _) => None,
        };
        let response = Params {
            // §7.1.1.1: a server accepts this parameter by including it.
            server_no_context_takeover: offered.server_no_context_takeover
                || c.server_no_context_takeover,
            // §7.1.1.2: the server may include it whether offered or not;
            // an offered one is echoed, so our inflater may reset too.
            client_no_context_takeover: offered.client_no_context_takeover
                || c.client_no_context_takeover,
            server_max_window_bits: server_bits,
            client_max_window_bits: client_bits.map(Some),
        };
        let agreed = Agreed {
            role: Role::Server,
            server_no_context_takeover: response.server_no_context_takeover,
            client_no_context_takeover: response.client_no_context_takeover,
            server_max_window_bits: server_bits.unwrap_or(MAX_WINDOW_BITS),
            client_max_window_bits: client_bits.unwrap_or(MAX_WINDOW_BITS),
        };
        self.agree(agreed, response);
        true
    }

    fn response(&self, params: &mut ExtensionParamWriter<'_>) {
        self.response.write(params);
    }

    fn accept_response(&mut self, response: &ExtensionOffer<'_>) -> bool {
        let Some(answer) = Params::parse(response) else {
            return false;
        };
        let offered = self.offer_params();
        // §7.1.1.1: an offer with server_no_context_takeover is accepted
        // only by a response that includes it.
        if offered.server_no_context_takeover && !answer.server_no_context_takeover {
            return false;
        }
        // §7.1.2.1: accepted with "the same or smaller value as the offer".
        let server_bits = match (
            offered.server_max_window_bits,
            answer.server_max_window_bits,
        ) {
            (Some(asked), Some(given)) if given <= asked => given,
            (Some(_), _) => return false,
            (None, given) => given.unwrap_or(MAX_WINDOW_BITS),
        };
        // §7.1.2.2: in a response, client_max_window_bits has a value, no
        // greater than the offer's.
        let ours = self
            .config
            .client_max_window_bits
            .unwrap_or(MAX_WINDOW_BITS);
        let client_bits = match answer.client_max_window_bits {
            None => ours,
            Some(Some(given)) if given <= ours => given,
            Some(_) => return false,
        };
        let agreed = Agreed {
            role: Role::Client,
            server_no_context_takeover: answer.server_no_context_takeover,
            // §7.1.1.2: offered, it is "a hint that even if the server
            // doesn't include [it] ... the client is not going to use
            // context takeover".
            client_no_context_takeover: answer.client_no_context_takeover
                || offered.client_no_context_takeover,
            server_max_window_bits: server_bits,
            client_max_window_bits: client_bits,
        };
        self.agree(agreed, Params::default());
        true
    }

    fn decode(
        &mut self,
        input: &[u8],
        last: bool,
        out: &mut [u8],
    ) -> Result<Transformed, ExtensionError> {
        let reset = self.current().peer_resets();
        let decompressor = self.decompressor.get_or_insert_with(Decompressor::new);
        let result = decompressor.decompress(input, last, out);
        match result {
            Ok((step, End::No)) => Ok(step),
            Ok((step, End::Flushed)) => {
                // §7.2.2: with no context takeover, "the client MAY
                // decompress each new message with an empty LZ77 sliding
                // window" — a new decompressor, or none while idle.
                if reset {
                    self.decompressor = None;
                }
                Ok(step)
            }
            Ok((step, End::Final)) => {
                // The peer ended the stream: the next message is a new one.
                self.decompressor = None;
                Ok(step)
            }
            Err(e) => {
                self.decompressor = None;
                Err(e)
            }
        }
    }

    fn encodes(&self, _kind: MessageKind, len: usize) -> bool {
        len >= self.config.threshold
    }

    fn max_encoded_len(&self, len: usize) -> usize {
        codec::max_compressed_len(len)
    }

    fn encode(
        &mut self,
        input: &[u8],
        last: bool,
        out: &mut [u8],
    ) -> Result<usize, ExtensionError> {
        let (reset, bits) = self.current().ours();
        let written = if input.is_empty() {
            // zlib writes nothing for a second flush in a row; an empty
            // fragment needs no bytes, an empty end of message one.
            if last {
                codec::empty_message(out)?
            } else {
                0
            }
        } else {
            let c = &self.config;
            let (level, mem_level) = (c.level, c.mem_level);
            let compressor = self
                .compressor
                .get_or_insert_with(|| Compressor::new(level, mem_level, bits));
            match compressor.compress(input, out) {
                Ok(n) if last => {
                    // §7.2.1: "Remove 4 octets (that are 0x00 0x00 0xff
                    // 0xff) from the tail end."
                    debug_assert!(out[..n].ends_with(&TAIL));
                    n - TAIL.len()
                }
                Ok(n) => n,
                Err(e) => {
                    // Starting over is always safe for a compressor: it
                    // only refers to what it wrote itself.
                    self.compressor = None;
                    return Err(e);
                }
            }
        };
        // §7.2.1: with no context takeover, each message is compressed
        // with an empty window: a new compressor (none while idle), or the
        // same one reset (zlib's deflate reset keeps its window size).
        if last && reset {
            if self.config.keep_compressor {
                if let Some(c) = self.compressor.as_mut() {
                    c.reset();
                }
            } else {
                self.compressor = None;
            }
        }
        Ok(written)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deflate_moves_between_threads() {
        fn send_sync<T: Send + Sync>() {}
        send_sync::<Deflate>();
    }
}
