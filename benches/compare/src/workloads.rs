//! The workloads: deterministic masked client→server wire bytes (the same
//! bytes for every column), encode jobs, and the expected count and checksum
//! of each.

use crate::harness::{Checksum, Kind};
use crate::text;

/// How much work each workload does.
#[derive(Clone, Copy, Debug)]
pub struct Sizes {
    pub small_msgs: usize,
    pub big_msgs: usize,
    pub fragmented_msgs: usize,
}

impl Sizes {
    pub const FULL: Sizes = Sizes {
        small_msgs: 1_000_000,
        big_msgs: 64,
        fragmented_msgs: 10_000,
    };
    pub const QUICK: Sizes = Sizes {
        small_msgs: 10_000,
        big_msgs: 4,
        fragmented_msgs: 200,
    };
}

pub const SMALL: usize = 16;
pub const BIG: usize = 1 << 20;
pub const FRAGMENT: usize = 64;
pub const FRAGMENTS: usize = 16;
pub const READ_4K: usize = 4096;
pub const WHOLE: usize = usize::MAX;

/// The data a row runs on; rows sharing data are adjacent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Data {
    SmallText,
    BigBinary,
    BigAscii,
    BigMultilingual,
    FragmentedBinary,
    FragmentedText,
    EncodeSmall,
    EncodeBig,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// Million messages per second.
    Msgs,
    /// 10^9 wire bytes per second.
    Bytes,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Job {
    /// Server receive, reads of at most this many bytes.
    Recv { read_size: usize },
    /// Encode; `client` masks every frame with a fresh key.
    Encode { client: bool },
}

#[derive(Clone, Copy, Debug)]
pub struct Row {
    pub name: &'static str,
    pub data: Data,
    pub job: Job,
    pub unit: Unit,
}

const fn recv(name: &'static str, data: Data, read_size: usize, unit: Unit) -> Row {
    Row {
        name,
        data,
        job: Job::Recv { read_size },
        unit,
    }
}

const fn encode(name: &'static str, data: Data, client: bool, unit: Unit) -> Row {
    Row {
        name,
        data,
        job: Job::Encode { client },
        unit,
    }
}

/// Every row, in run order.
pub const ROWS: &[Row] = &[
    recv(
        "W1 16 B text, whole reads",
        Data::SmallText,
        WHOLE,
        Unit::Msgs,
    ),
    recv(
        "W1 16 B text, 4 KiB reads",
        Data::SmallText,
        READ_4K,
        Unit::Msgs,
    ),
    recv(
        "W2 1 MiB binary, whole reads",
        Data::BigBinary,
        WHOLE,
        Unit::Bytes,
    ),
    recv(
        "W2 1 MiB binary, 4 KiB reads",
        Data::BigBinary,
        READ_4K,
        Unit::Bytes,
    ),
    recv("W3 1 MiB ASCII text", Data::BigAscii, WHOLE, Unit::Bytes),
    recv(
        "W3 1 MiB multilingual text",
        Data::BigMultilingual,
        WHOLE,
        Unit::Bytes,
    ),
    recv(
        "W4 16×64 B fragments, binary",
        Data::FragmentedBinary,
        WHOLE,
        Unit::Msgs,
    ),
    recv(
        "W4 16×64 B fragments, text (split chars)",
        Data::FragmentedText,
        WHOLE,
        Unit::Msgs,
    ),
    encode(
        "W5 encode 16 B, server",
        Data::EncodeSmall,
        false,
        Unit::Msgs,
    ),
    encode(
        "W5 encode 16 B, client (masked)",
        Data::EncodeSmall,
        true,
        Unit::Msgs,
    ),
    encode(
        "W5 encode 1 MiB, server",
        Data::EncodeBig,
        false,
        Unit::Bytes,
    ),
    encode(
        "W5 encode 1 MiB, client (masked)",
        Data::EncodeBig,
        true,
        Unit::Bytes,
    ),
];

/// SplitMix64: the generator of all workload bytes and mask keys.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
    pub fn fill(&mut self, dest: &mut [u8]) {
        for chunk in dest.chunks_mut(8) {
            let word = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&word[..chunk.len()]);
        }
    }
}

/// Appends one masked frame (RFC 6455 §5.2) to `out`.
pub fn masked_frame(out: &mut Vec<u8>, opcode: u8, fin: bool, payload: &[u8], key: [u8; 4]) {
    out.push(u8::from(fin) << 7 | opcode);
    let len = payload.len();
    if len < 126 {
        out.push(0x80 | len as u8);
    } else if len <= 0xFFFF {
        out.push(0x80 | 126);
        out.extend_from_slice(&(len as u16).to_be_bytes());
    } else {
        out.push(0x80 | 127);
        out.extend_from_slice(&(len as u64).to_be_bytes());
    }
    out.extend_from_slice(&key);
    out.extend(payload.iter().enumerate().map(|(i, b)| b ^ key[i % 4]));
}

/// Prepared input of a receive row.
pub struct RecvInput {
    /// Masked frames, ending with a masked Close (1000).
    pub wire: Vec<u8>,
    pub expected: Checksum,
    /// The unmasked text payloads, all `text_len` long (W3 only: the
    /// simdutf8 reference column).
    pub text: Vec<u8>,
    pub text_len: usize,
}

/// Prepared input of an encode row.
pub struct EncodeInput {
    pub payload: Vec<u8>,
    pub count: usize,
    pub expected: Checksum,
    /// Room for the output of either role.
    pub out_len: usize,
}

pub enum Prepared {
    Recv(RecvInput),
    Encode(EncodeInput),
}

struct Builder {
    rng: Rng,
    wire: Vec<u8>,
    expected: Checksum,
    text: Vec<u8>,
}

impl Builder {
    fn new(seed: u64, capacity: usize) -> Self {
        Builder {
            rng: Rng::new(seed),
            wire: Vec::with_capacity(capacity),
            expected: Checksum::default(),
            text: Vec::new(),
        }
    }

    fn key(&mut self) -> [u8; 4] {
        (self.rng.next_u64() as u32).to_le_bytes()
    }

    /// One message, in frames of at most `fragment` bytes.
    fn message(&mut self, kind: Kind, payload: &[u8], fragment: usize) {
        let mut pieces = payload.chunks(fragment.max(1)).peekable();
        let mut opcode = kind as u8;
        while let Some(piece) = pieces.next() {
            let key = self.key();
            masked_frame(&mut self.wire, opcode, pieces.peek().is_none(), piece, key);
            opcode = 0; // continuation
        }
        self.expected.message(kind, payload);
    }

    fn finish(mut self, keep_text: usize) -> Prepared {
        let key = self.key();
        masked_frame(&mut self.wire, 8, true, &1000u16.to_be_bytes(), key);
        Prepared::Recv(RecvInput {
            wire: self.wire,
            expected: self.expected,
            text: self.text,
            text_len: keep_text,
        })
    }
}

/// Generates the data of `data` at `sizes`.
pub fn prepare(data: Data, sizes: &Sizes) -> Prepared {
    let seed = data as u64 + 1;
    match data {
        Data::SmallText => {
            let mut b = Builder::new(seed, sizes.small_msgs * (SMALL + 6) + 16);
            for _ in 0..sizes.small_msgs {
                let t = text::ascii(&mut b.rng, SMALL);
                b.message(Kind::Text, t.as_bytes(), SMALL);
            }
            b.finish(0)
        }
        Data::BigBinary => {
            let mut b = Builder::new(seed, sizes.big_msgs * (BIG + 14) + 16);
            let mut payload = vec![0u8; BIG];
            for _ in 0..sizes.big_msgs {
                b.rng.fill(&mut payload);
                b.message(Kind::Binary, &payload, BIG);
            }
            b.finish(0)
        }
        Data::BigAscii | Data::BigMultilingual => {
            let mut b = Builder::new(seed, sizes.big_msgs * (BIG + 14) + 16);
            b.text.reserve(sizes.big_msgs * BIG);
            for _ in 0..sizes.big_msgs {
                let t = match data {
                    Data::BigAscii => text::ascii(&mut b.rng, BIG),
                    _ => text::multilingual(&mut b.rng, BIG),
                };
                b.message(Kind::Text, t.as_bytes(), BIG);
                b.text.extend_from_slice(t.as_bytes());
            }
            b.finish(BIG)
        }
        Data::FragmentedBinary | Data::FragmentedText => {
            let len = FRAGMENT * FRAGMENTS;
            let mut b = Builder::new(
                seed,
                sizes.fragmented_msgs * FRAGMENTS * (FRAGMENT + 6) + 16,
            );
            let mut payload = vec![0u8; len];
            for _ in 0..sizes.fragmented_msgs {
                if data == Data::FragmentedText {
                    let t = text::straddling(&mut b.rng, len, FRAGMENT);
                    b.message(Kind::Text, t.as_bytes(), FRAGMENT);
                } else {
                    b.rng.fill(&mut payload);
                    b.message(Kind::Binary, &payload, FRAGMENT);
                }
            }
            b.finish(0)
        }
        Data::EncodeSmall | Data::EncodeBig => {
            let (len, count) = match data {
                Data::EncodeSmall => (SMALL, sizes.small_msgs),
                _ => (BIG, sizes.big_msgs),
            };
            let mut payload = vec![0u8; len];
            Rng::new(seed).fill(&mut payload);
            let mut expected = Checksum::default();
            for _ in 0..count {
                expected.message(Kind::Binary, &payload);
            }
            Prepared::Encode(EncodeInput {
                payload,
                count,
                expected,
                out_len: count * (len + 14),
            })
        }
    }
}

/// Decodes encoder output (outside the timed region): every frame must be
/// a Binary message (possibly fragmented), masked exactly when `client`.
pub fn verify_encoded(out: &[u8], client: bool) -> Result<Checksum, String> {
    let mut sum = Checksum::default();
    let mut pos = 0;
    let mut scratch = Vec::new();
    let mut in_message = false;
    while pos < out.len() {
        let err = |what: &str| Err(format!("encoded output at byte {pos}: {what}"));
        let Some(&[b0, b1]) = out.get(pos..pos + 2) else {
            return err("truncated header");
        };
        let (fin, opcode, masked) = (b0 & 0x80 != 0, b0 & 0x0F, b1 & 0x80 != 0);
        if b0 & 0x70 != 0 || masked != client {
            return err("reserved bits or wrong masking for the role");
        }
        let expect_opcode = if in_message { 0 } else { Kind::Binary as u8 };
        if opcode != expect_opcode {
            return err("unexpected opcode");
        }
        let mut at = pos + 2;
        let len = match b1 & 0x7F {
            126 => {
                at += 2;
                u16::from_be_bytes([out[at - 2], out[at - 1]]) as usize
            }
            127 => {
                at += 8;
                u64::from_be_bytes(out[at - 8..at].try_into().unwrap()) as usize
            }
            n => n as usize,
        };
        let key = if masked {
            at += 4;
            out[at - 4..at].try_into().unwrap()
        } else {
            [0; 4]
        };
        let Some(payload) = out.get(at..at + len) else {
            return err("truncated payload");
        };
        scratch.clear();
        scratch.extend(payload.iter().enumerate().map(|(i, b)| b ^ key[i % 4]));
        sum.feed(&scratch);
        if fin {
            sum.end(Kind::Binary);
        }
        in_message = !fin;
        pos = at + len;
    }
    if in_message {
        return Err("encoded output ends inside a message".into());
    }
    Ok(sum)
}
