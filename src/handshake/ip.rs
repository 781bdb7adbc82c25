//! The text forms of IP addresses in a URI host (RFC 3986 §3.2.2), checked
//! without `core::net`: its parser is general (it builds the address) and
//! costs about 2 KB of flash on a microcontroller; these checks accept
//! exactly what it accepts, and a test compares the two.

/// Whether `s` is an IPv6 address (RFC 4291 §2.2): eight groups of one to
/// four hex digits separated by `:`, where `::` once stands for one or more
/// groups of zeros and the last two groups may be written as an IPv4
/// address (not before a `::`).
pub(crate) fn is_ipv6(s: &str) -> bool {
    // Bytes, not `str` patterns: a `&str` search links a two-way searcher
    // (about 1 KB on a microcontroller).
    let s = s.as_bytes();
    match s.windows(2).position(|w| w == b"::") {
        None => matches!(groups(s), Some((8, _))),
        // `get`, not indexing: `at + 2` is in range, and no panic path
        // (and its message's formatting) is linked for it.
        Some(at) => match (
            groups(s.get(..at).unwrap_or_default()),
            groups(s.get(at + 2..).unwrap_or_default()),
        ) {
            (Some((h, false)), Some((t, _))) => h + t <= 7,
            _ => false,
        },
    }
}

/// The 16-bit groups of a run of groups (an IPv4 address at its end counts
/// two), and whether it ends in one; `None` if it is not such a run. An
/// empty run has no groups.
fn groups(run: &[u8]) -> Option<(usize, bool)> {
    if run.is_empty() {
        return Some((0, false));
    }
    let mut count = 0;
    let mut pieces = run.split(|&b| b == b':').peekable();
    while let Some(piece) = pieces.next() {
        if pieces.peek().is_none() && is_ipv4(piece) {
            return Some((count + 2, true));
        }
        if !(1..=4).contains(&piece.len()) || !piece.iter().all(u8::is_ascii_hexdigit) {
            return None;
        }
        count += 1;
    }
    Some((count, false))
}

/// Whether `s` is an IPv4 address in dotted decimal: four numbers of at
/// most 255, without leading zeros.
pub(crate) fn is_ipv4(s: &[u8]) -> bool {
    let mut parts = 0;
    for b in s.split(|&b| b == b'.') {
        parts += 1;
        if !(1..=3).contains(&b.len()) || !b.iter().all(u8::is_ascii_digit) {
            return false;
        }
        let value = b.iter().fold(0u16, |n, &d| n * 10 + u16::from(d - b'0'));
        if (b.len() > 1 && b[0] == b'0') || value > 255 {
            return false;
        }
    }
    parts == 4
}

#[cfg(test)]
mod tests {
    use super::{is_ipv4, is_ipv6};

    #[test]
    fn accepts_the_forms_of_rfc_4291() {
        for s in [
            "::",
            "::1",
            "1::",
            "2001:db8::8:800:200c:417a",
            "2001:DB8:0:0:8:800:200C:417A",
            "ff01::101",
            "::13.1.68.3",
            "::ffff:129.144.52.38",
            "0:0:0:0:0:0:13.1.68.3",
            "1:2:3:4:5:6:7::",
            "1:2:3:4:5::1.2.3.4",
        ] {
            assert!(is_ipv6(s), "{s}");
        }
    }

    #[test]
    fn refuses_what_is_not_an_address() {
        for s in [
            "",
            ":",
            ":::",
            "1:2:3:4:5:6:7:8::",
            "::1:2:3:4:5:6:7:8",
            "1::2::3",
            "12345::",
            "1.2.3.4::",
            "1:2:3:4:5:6:7:1.2.3.4",
            "::1.2.3.4:5",
            "::1.2.3.04",
            "::1.2.3.256",
            "g::",
            "1:2:3:4:5:6:7",
        ] {
            assert!(!is_ipv6(s), "{s}");
        }
        assert!(is_ipv4(b"192.168.0.1") && !is_ipv4(b"192.168.0") && !is_ipv4(b"1.2.3.4."));
    }

    /// Every string of up to 7 characters over the alphabet that matters,
    /// and random longer ones: the same answer as `core::net`.
    #[test]
    // 2.4 million strings: hours under Miri, which the two tests above
    // cover for the same code.
    #[cfg_attr(miri, ignore)]
    fn agrees_with_core_net() {
        const ALPHABET: &[u8] = b"0129af:.";
        let check = |s: &str| {
            assert_eq!(
                is_ipv6(s),
                s.parse::<core::net::Ipv6Addr>().is_ok(),
                "{s:?}"
            );
            assert_eq!(
                is_ipv4(s.as_bytes()),
                s.parse::<core::net::Ipv4Addr>().is_ok(),
                "{s:?}"
            );
        };
        let mut buf = [0u8; 40];
        for len in 0..=7u32 {
            for mut n in 0..ALPHABET.len().pow(len) {
                for b in &mut buf[..len as usize] {
                    *b = ALPHABET[n % ALPHABET.len()];
                    n /= ALPHABET.len();
                }
                check(core::str::from_utf8(&buf[..len as usize]).unwrap());
            }
        }
        // Longer strings, built from groups, IPv4 parts and separators.
        const PIECES: &[&str] = &[
            "", "0", "1", "ff", "FFFF", "12345", "255", "256", "01", ":", "::", ".",
        ];
        let mut seed = 0x9e37_79b9_u32;
        for _ in 0..200_000 {
            let mut len = 0;
            let count = 1 + seed % 16;
            for _ in 0..count {
                seed ^= seed << 13;
                seed ^= seed >> 17;
                seed ^= seed << 5;
                let piece = PIECES[seed as usize % PIECES.len()].as_bytes();
                if len + piece.len() > buf.len() {
                    break;
                }
                buf[len..len + piece.len()].copy_from_slice(piece);
                len += piece.len();
            }
            check(core::str::from_utf8(&buf[..len]).unwrap());
        }
    }
}
