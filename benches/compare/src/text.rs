//! Deterministic text: ASCII prose and multilingual UTF-8 (Latin with
//! accents, Greek, Cyrillic, CJK, emoji).

use crate::workloads::Rng;

const ASCII: &str = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const ACCENTED: &str = "éèêëàâäçñüöôîïßøåæœúóáíÉÀÇÑÜÖ";
const GREEK: &str = "αβγδεζηθικλμνξοπρστυφχψωΑΒΓΔΕΘΛΠΣΦΨΩ";
const CYRILLIC: &str = "абвгдежзийклмнопрстуфхцчшщыэюяАБВГДЖЗИКЛМНПРСТ";
const CJK: &str = "的一是不了人我在有他这中大来上个国到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东";
const EMOJI: &str = "😀😂🙂😎🚀🌍🎉🔥💡📦🐍🦀🍕🎈🐳🌈";
const PUNCT: &str = " ,.;:!?-'";

/// A character set to draw from (collected once per call site).
struct Pool(Vec<char>);

impl Pool {
    fn new(s: &str) -> Self {
        Pool(s.chars().collect())
    }
    fn pick(&self, rng: &mut Rng) -> char {
        self.0[rng.below(self.0.len())]
    }
}

struct Pools {
    ascii: Pool,
    accented: Pool,
    greek: Pool,
    cyrillic: Pool,
    cjk: Pool,
    emoji: Pool,
}

impl Pools {
    fn new() -> Self {
        Pools {
            ascii: Pool::new(ASCII),
            accented: Pool::new(ACCENTED),
            greek: Pool::new(GREEK),
            cyrillic: Pool::new(CYRILLIC),
            cjk: Pool::new(CJK),
            emoji: Pool::new(EMOJI),
        }
    }

    /// A character of exactly `len` UTF-8 bytes.
    fn of_len(&self, rng: &mut Rng, len: usize) -> char {
        match len {
            1 => self.ascii.pick(rng),
            2 => [&self.accented, &self.greek, &self.cyrillic][rng.below(3)].pick(rng),
            3 => self.cjk.pick(rng),
            _ => self.emoji.pick(rng),
        }
    }
}

/// `len` bytes of ASCII words.
pub fn ascii(rng: &mut Rng, len: usize) -> String {
    let letters = Pool::new(ASCII);
    let punct = Pool::new(PUNCT);
    let mut s = String::with_capacity(len);
    while s.len() < len {
        if rng.below(6) == 0 {
            s.push(punct.pick(rng));
        } else {
            s.push(letters.pick(rng));
        }
    }
    s
}

/// Exactly `len` bytes of multilingual text, about 70% of the bytes in
/// multi-byte characters: words in one script each, separated by spaces.
pub fn multilingual(rng: &mut Rng, len: usize) -> String {
    let p = Pools::new();
    let mut s = String::with_capacity(len);
    while s.len() < len {
        let script = match rng.below(100) {
            0..=39 => &p.ascii,
            40..=51 => &p.accented,
            52..=63 => &p.greek,
            64..=78 => &p.cyrillic,
            79..=94 => &p.cjk,
            _ => &p.emoji,
        };
        for _ in 0..2 + rng.below(6) {
            let c = script.pick(rng);
            if s.len() + c.len_utf8() > len {
                break;
            }
            s.push(c);
        }
        if s.len() < len {
            s.push(' ');
        }
    }
    while s.len() < len {
        s.push('.');
    }
    s
}

/// Exactly `len` bytes of multilingual text in which every multiple of
/// `fragment` (but `len`) falls inside a multi-byte character, so every
/// fragment split cuts a character.
pub fn straddling(rng: &mut Rng, len: usize, fragment: usize) -> String {
    let p = Pools::new();
    let mut s = String::with_capacity(len);
    let mut boundary = fragment.min(len);
    while s.len() < len {
        let room = boundary - s.len();
        let c = if boundary == len && room <= 4 {
            p.of_len(rng, room) // end exactly at the message end
        } else if room <= 3 {
            let len = room + 1 + rng.below(4 - room);
            p.of_len(rng, len) // cross the boundary
        } else {
            let len = 1 + rng.below(4);
            let c = p.of_len(rng, len);
            if c.len_utf8() == room {
                p.ascii.pick(rng)
            } else {
                c
            }
        };
        s.push(c);
        if s.len() > boundary {
            boundary = (boundary + fragment).min(len);
        }
    }
    debug_assert_eq!(s.len(), len);
    s
}

/// Share of the bytes of `s` that belong to multi-byte characters.
pub fn multibyte_share(s: &str) -> f64 {
    let multi: usize = s.chars().map(char::len_utf8).filter(|&n| n > 1).sum();
    multi as f64 / s.len().max(1) as f64
}
