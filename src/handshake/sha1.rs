//! SHA-1 (RFC 3174, FIPS 180-4 §6.1) for the one hash the handshake needs:
//! `Sec-WebSocket-Accept` (RFC 6455 §4.2.2), a key and the GUID, 60 bytes in
//! two blocks per handshake.
//!
//! SHA-1 serves here as a fixed, public transform, not for security
//! (§10.3 of RFC 6455 relies on the server's echo, not on its strength).
//! The rounds run in one loop rather than unrolled: about 0.3 KB of code on
//! a Cortex-M3 where an unrolled implementation took 2.9 KB, for a hash
//! computed once per connection. Tested against `sha1_smol` and the RFC's
//! vectors.

/// The SHA-1 digest of the concatenation of `parts`.
pub(crate) fn sha1(parts: &[&[u8]]) -> [u8; 20] {
    let mut state = [
        0x6745_2301,
        0xEFCD_AB89,
        0x98BA_DCFE,
        0x1032_5476,
        0xC3D2_E1F0,
    ];
    let mut block = [0u8; 64];
    let mut filled = 0;
    let mut total: u64 = 0;
    for &part in parts {
        let mut rest = part;
        while !rest.is_empty() {
            let room = block.get_mut(filled..).unwrap_or_default();
            let n = room.len().min(rest.len());
            let (now, later) = rest.split_at(n);
            room.iter_mut().zip(now).for_each(|(b, &x)| *b = x);
            rest = later;
            filled += n;
            if filled == block.len() {
                compress(&mut state, &block);
                filled = 0;
            }
        }
        total = total.wrapping_add(u64::try_from(part.len()).unwrap_or(u64::MAX));
    }
    // Padding: a 1 bit, zeros, and the length in bits in the last 8 bytes
    // of a block (FIPS 180-4 §5.1.1).
    let tail = block.get_mut(filled..).unwrap_or_default();
    tail.fill(0);
    if let Some(first) = tail.first_mut() {
        *first = 0x80;
    }
    if filled >= 56 {
        compress(&mut state, &block);
        block = [0; 64];
    }
    if let Some(length) = block.last_chunk_mut::<8>() {
        *length = total.wrapping_mul(8).to_be_bytes();
    }
    compress(&mut state, &block);
    let mut digest = [0; 20];
    let bytes = state.iter().flat_map(|word| word.to_be_bytes());
    digest.iter_mut().zip(bytes).for_each(|(out, b)| *out = b);
    digest
}

/// One block (FIPS 180-4 §6.1.2), the message schedule kept in a 16-word
/// ring.
fn compress(state: &mut [u32; 5], block: &[u8; 64]) {
    let mut w = [0u32; 16];
    for (word, bytes) in w.iter_mut().zip(block.chunks_exact(4)) {
        *word = bytes.iter().fold(0, |word, &b| word << 8 | u32::from(b));
    }
    let [mut a, mut b, mut c, mut d, mut e] = *state;
    for t in 0..80 {
        if t >= 16 {
            let x = w[(t + 13) & 15] ^ w[(t + 8) & 15] ^ w[(t + 2) & 15] ^ w[t & 15];
            w[t & 15] = x.rotate_left(1);
        }
        let (f, k) = match t / 20 {
            0 => ((b & c) | (!b & d), 0x5A82_7999),
            1 => (b ^ c ^ d, 0x6ED9_EBA1),
            2 => ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC),
            _ => (b ^ c ^ d, 0xCA62_C1D6),
        };
        let temp = a
            .rotate_left(5)
            .wrapping_add(f)
            .wrapping_add(e)
            .wrapping_add(k)
            .wrapping_add(w[t & 15]);
        (e, d, c, b, a) = (d, c, b.rotate_left(30), a, temp);
    }
    for (s, x) in state.iter_mut().zip([a, b, c, d, e]) {
        *s = s.wrapping_add(x);
    }
}

#[cfg(test)]
mod tests {
    use super::sha1;

    fn reference(parts: &[&[u8]]) -> [u8; 20] {
        let mut h = sha1_smol::Sha1::new();
        for p in parts {
            h.update(p);
        }
        h.digest().bytes()
    }

    #[test]
    fn rfc3174_vectors() {
        let hex = |d: [u8; 20]| {
            d.iter()
                .map(|b| std::format!("{b:02x}"))
                .collect::<std::string::String>()
        };
        assert_eq!(
            hex(sha1(&[b"abc"])),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert_eq!(
            hex(sha1(&[
                b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
            ])),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1"
        );
        assert_eq!(hex(sha1(&[])), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
        let a = [b'a'; 1000];
        let million: std::vec::Vec<&[u8]> = (0..1000).map(|_| &a[..]).collect();
        assert_eq!(
            hex(sha1(&million)),
            "34aa973cd4c4daa4f61eeb2bdbad27316534016f"
        );
    }

    /// Every length across the block and padding edges, split in two parts
    /// at several places.
    #[test]
    fn agrees_with_sha1_smol() {
        let data: std::vec::Vec<u8> = (0..300u32)
            .map(|i| (i.wrapping_mul(167) ^ (i >> 3)) as u8)
            .collect();
        for len in 0..data.len() {
            let message = &data[..len];
            for cut in [0, len / 3, len / 2, len.saturating_sub(1), len] {
                let (x, y) = message.split_at(cut);
                assert_eq!(sha1(&[x, y]), reference(&[message]), "len {len} cut {cut}");
            }
        }
    }
}
