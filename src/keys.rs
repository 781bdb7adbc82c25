//! Where mask keys and handshake nonces come from.
//!
//! The crate draws no randomness of its own (it has no RNG and no OS access).
//! A client needs unpredictable bytes twice: the 16-byte `Sec-WebSocket-Key`
//! nonce of the opening handshake (RFC 6455 §4.1) and a fresh 4-byte masking
//! key for every frame it sends (§5.3). Both come from a [`KeySource`] that the
//! caller supplies.

/// A source of unpredictable bytes for mask keys and handshake nonces.
///
/// RFC 6455 §5.3: "The masking key MUST be derived from a strong source of
/// entropy". Implement this over your platform's RNG (a hardware TRNG on a
/// microcontroller, `getrandom`, a seeded ChaCha generator, …). Any
/// `FnMut(&mut [u8])` closure is a `KeySource`, so a closure over your RNG is
/// enough.
///
/// # Examples
///
/// ```
/// use rfc6455::KeySource;
///
/// // A closure is a key source (this one is deliberately weak: tests only).
/// let mut counter = 0u8;
/// let mut source = move |dest: &mut [u8]| {
///     for b in dest {
///         counter = counter.wrapping_add(1);
///         *b = counter;
///     }
/// };
/// let mut key = [0u8; 4];
/// source.fill(&mut key);
/// assert_eq!(key, [1, 2, 3, 4]);
/// ```
pub trait KeySource {
    /// Fills `dest` with unpredictable bytes.
    fn fill(&mut self, dest: &mut [u8]);

    /// Whether the bytes are known in advance, so that a client must refuse
    /// the source (RFC 6455 §4.1, §5.3). Only [`NoKeys`] says so.
    fn is_predictable(&self) -> bool {
        false
    }

    /// Returns a fresh 4-byte masking key.
    fn mask_key(&mut self) -> [u8; 4] {
        let mut key = [0; 4];
        self.fill(&mut key);
        key
    }
}

impl<F: FnMut(&mut [u8])> KeySource for F {
    fn fill(&mut self, dest: &mut [u8]) {
        self(dest)
    }
}

/// The key source of a server, which never masks.
///
/// Server constructors ([`Encoder::server`](crate::Encoder::server)) use it as
/// a placeholder type. Its bytes are all zero, so it must never be given to a
/// client: a client's masking keys must be unpredictable (RFC 6455 §5.3).
/// [`Connection::client`](crate::Connection::client) and a client
/// [`Connection::open`](crate::Connection::open) refuse it with
/// [`UsageError::PredictableKeys`](crate::UsageError::PredictableKeys).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoKeys;

impl KeySource for NoKeys {
    fn fill(&mut self, dest: &mut [u8]) {
        dest.fill(0);
    }

    fn is_predictable(&self) -> bool {
        true
    }
}

/// A key source seeded by the operating system, for clients with `std`.
///
/// Each instance takes a fresh 128-bit key from
/// [`std::hash::RandomState`] (which the standard library seeds from the OS
/// random number generator) and produces bytes by hashing a counter with that
/// keyed SipHash. What this does and does not give:
///
/// - Keys are unpredictable to a peer or script that does not know the
///   128-bit seed, which is what masking needs: RFC 6455 §10.3 masks so that a
///   script cannot choose the bytes that appear on the wire.
/// - It is not a vetted cryptographic RNG: the standard library uses SipHash
///   with a reduced round count for hashing, and seeds of instances made on one
///   thread are related. If your application already has a CSPRNG, wrap it in
///   a closure and use that instead.
///
/// # Examples
///
/// ```
/// use rfc6455::{KeySource, StdKeys};
///
/// let mut keys = StdKeys::new();
/// let (a, b) = (keys.mask_key(), keys.mask_key());
/// assert_ne!(a, b);
/// ```
#[cfg(feature = "std")]
#[derive(Debug, Clone)]
pub struct StdKeys {
    state: std::hash::RandomState,
    counter: u64,
    /// The unused half of the last hash, for the next masking key.
    spare: Option<[u8; 4]>,
}

#[cfg(feature = "std")]
impl StdKeys {
    /// A new source with a fresh seed from the operating system.
    #[must_use]
    pub fn new() -> Self {
        StdKeys {
            state: std::hash::RandomState::new(),
            counter: 0,
            spare: None,
        }
    }
}

#[cfg(feature = "std")]
impl Default for StdKeys {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(feature = "std")]
impl KeySource for StdKeys {
    fn fill(&mut self, dest: &mut [u8]) {
        for chunk in dest.chunks_mut(8) {
            chunk.copy_from_slice(&self.next_word()[..chunk.len()]);
        }
    }

    /// One hash gives two masking keys.
    fn mask_key(&mut self) -> [u8; 4] {
        if let Some(key) = self.spare.take() {
            return key;
        }
        let [a, b, c, d, e, f, g, h] = self.next_word();
        self.spare = Some([e, f, g, h]);
        [a, b, c, d]
    }
}

#[cfg(feature = "std")]
impl StdKeys {
    /// The keyed hash of the next counter value: 8 fresh bytes.
    fn next_word(&mut self) -> [u8; 8] {
        use core::hash::BuildHasher;
        self.counter = self.counter.wrapping_add(1);
        self.state.hash_one(self.counter).to_le_bytes()
    }
}

#[cfg(all(test, feature = "std"))]
mod tests {
    use super::*;

    #[test]
    fn std_keys_differ_between_calls_and_instances() {
        let mut a = StdKeys::new();
        let mut b = StdKeys::new();
        let mut x = [0u8; 16];
        let mut y = [0u8; 16];
        a.fill(&mut x);
        b.fill(&mut y);
        assert_ne!(x, y);
        let first = a.mask_key();
        assert_ne!(first, a.mask_key());
    }

    #[test]
    fn two_masking_keys_come_from_each_hash_and_none_is_reused() {
        let mut keys = StdKeys::new();
        let mut same_seed = keys.clone();
        let mut words = [0u8; 16];
        same_seed.fill(&mut words);
        let mut masks = [0u8; 16];
        for chunk in masks.chunks_mut(4) {
            chunk.copy_from_slice(&keys.mask_key());
        }
        assert_eq!(masks, words);
    }

    #[test]
    fn odd_lengths_are_filled() {
        let mut keys = StdKeys::new();
        let mut buf = [0u8; 13];
        keys.fill(&mut buf);
        assert!(buf.iter().any(|&b| b != 0));
    }
}
