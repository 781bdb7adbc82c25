//! Measures what a connection's permessage-deflate holds: the compressor
//! and the decompressor for each window setting (counted by the global
//! allocator), for the memory table in the crate docs; and, for the default
//! threshold, how many bytes compression saves on short messages.
//!
//! Run with `cargo run --release -p rfc6455-deflate --example memory`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use rfc6455::{Extension, ExtensionOffers};
use rfc6455_deflate::{Deflate, DeflateConfig};

/// Counts the bytes allocated and not yet freed.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        System.alloc(layout)
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        System.alloc_zeroed(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        System.dealloc(ptr, layout)
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

fn live() -> usize {
    LIVE.load(Ordering::Relaxed)
}

fn json(len: usize, seed: u64) -> Vec<u8> {
    let mut out = Vec::new();
    let mut i = seed;
    while out.len() < len {
        out.extend_from_slice(
            format!(
                "{{\"id\":{i},\"user\":\"alice\",\"text\":\"see you at {}:{:02}\"}},",
                9 + i % 8,
                i % 60
            )
            .as_bytes(),
        );
        i += 1;
    }
    out.truncate(len);
    out
}

/// (compressor, decompressor) bytes held after a message each way.
fn held(bits: u8, mem_level: u8) -> (usize, usize) {
    let config = DeflateConfig::new()
        .server_max_window_bits(bits)
        .mem_level(mem_level)
        .threshold(0);
    let message = json(16 << 10, 1);
    let mut wire = vec![0u8; 64 << 10];
    let mut out = vec![0u8; 64 << 10];
    // A server told to use `bits`, and the client it talks to.
    let mut tx = Deflate::with_config(config);
    let mut rx = Deflate::with_config(config);
    let text = format!("permessage-deflate; server_max_window_bits={bits}");
    let element = ExtensionOffers::parse(text.as_bytes())
        .unwrap()
        .next()
        .unwrap();
    assert!(tx.accept_offer(&element) && rx.accept_response(&element));
    let before = live();
    let n = tx.encode(&message, true, &mut wire).unwrap();
    let compressor = live() - before;
    let before = live();
    let step = rx.decode(&wire[..n], true, &mut out).unwrap();
    assert!(step.done && out[..step.written] == message[..]);
    let decompressor = live() - before;
    (compressor, decompressor)
}

fn main() {
    println!(
        "size_of::<Deflate>() = {} bytes\n",
        std::mem::size_of::<Deflate>()
    );
    println!("| window bits | compressor (memLevel 8) | compressor (memLevel 4) | compressor (memLevel 1) | decompressor |");
    println!("|---:|---:|---:|---:|---:|");
    for bits in 8..=15 {
        let (c8, d) = held(bits, 8);
        let (c4, _) = held(bits, 4);
        let (c1, _) = held(bits, 1);
        let kib = |b: usize| format!("{:.1} KiB", b as f64 / 1024.0);
        println!(
            "| {bits} | {} | {} | {} | {} |",
            kib(c8),
            kib(c4),
            kib(c1),
            kib(d)
        );
    }
    println!("\nShort messages, fresh compressor, level 1: bytes on the wire");
    println!("| length | JSON-like | English text |");
    println!("|---:|---:|---:|");
    let text = b"The quick brown fox jumps over the lazy dog, and then it runs back home to sleep for the rest of the day, dreaming of foxes and dogs.";
    for len in [16, 32, 48, 64, 96, 128] {
        let mut tx = Deflate::with_config(DeflateConfig::new().threshold(0));
        let mut wire = vec![0u8; 1024];
        let a = tx.encode(&json(len, 7), true, &mut wire).unwrap();
        let mut tx = Deflate::with_config(DeflateConfig::new().threshold(0));
        let b = tx.encode(&text[..len], true, &mut wire).unwrap();
        println!("| {len} | {a} | {b} |");
    }
    println!("\nmemLevel and ratio: wire bytes for 64 x 1 KiB and 4 x 64 KiB JSON-like messages, context takeover");
    println!("| level | memLevel | 1 KiB messages | 64 KiB messages |");
    println!("|---:|---:|---:|---:|");
    for level in [1, 6] {
        for mem_level in [8, 4, 1] {
            let config = DeflateConfig::new()
                .level(level)
                .mem_level(mem_level)
                .threshold(0);
            let mut sizes = [0usize; 2];
            for (k, (count, len)) in [(64, 1 << 10), (4, 64 << 10)].into_iter().enumerate() {
                let mut tx = Deflate::with_config(config);
                let mut wire = vec![0u8; tx.max_encoded_len(len)];
                for i in 0..count {
                    sizes[k] += tx.encode(&json(len, i * 1000), true, &mut wire).unwrap();
                }
            }
            println!("| {level} | {mem_level} | {} | {} |", sizes[0], sizes[1]);
        }
    }
    println!("\nCost of dropping state after each message: 20,000 x 1 KiB messages, level 1");
    let reset = "permessage-deflate; server_no_context_takeover";
    for (name, text, config) in [
        (
            "context takeover",
            "permessage-deflate",
            DeflateConfig::new(),
        ),
        (
            "no context takeover, state dropped",
            reset,
            DeflateConfig::new(),
        ),
        (
            "no context takeover, compressor kept",
            reset,
            DeflateConfig::new().keep_compressor(),
        ),
    ] {
        let element = ExtensionOffers::parse(text.as_bytes())
            .unwrap()
            .next()
            .unwrap();
        let mut tx = Deflate::with_config(config.threshold(0));
        let mut rx = Deflate::new();
        assert!(tx.accept_offer(&element) && rx.accept_response(&element));
        let messages: Vec<Vec<u8>> = (0..100).map(|i| json(1024, i * 100)).collect();
        let mut wire = vec![0u8; 4096];
        let mut out = vec![0u8; 2048];
        let start = std::time::Instant::now();
        for i in 0..20_000 {
            let n = tx.encode(&messages[i % 100], true, &mut wire).unwrap();
            let step = rx.decode(&wire[..n], true, &mut out).unwrap();
            assert!(step.done);
        }
        println!("{name}: {:?}", start.elapsed());
    }
}
