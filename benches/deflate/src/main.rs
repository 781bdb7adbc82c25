//! Which DEFLATE library should permessage-deflate (RFC 7692) use? This
//! measures the candidates the way a WebSocket connection uses them: one
//! compressor and one decompressor per connection, kept across messages
//! (context takeover), each message ended with a sync flush whose trailing
//! `00 00 ff ff` is cut off on the wire and put back before inflating
//! (RFC 7692 §7.2.1, §7.2.2). For each candidate and setting it prints
//! compression and decompression speed (MB/s of message bytes, medians),
//! the compression ratio, and the memory a connection holds for the pair
//! (counted by the global allocator), on JSON-like messages of 1 KiB and
//! 64 KiB. Every message is checked to inflate back to itself.
//!
//! Run with `cargo run --release --manifest-path benches/deflate/Cargo.toml`.

#[path = "../../json_messages.rs"]
mod json;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

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

const TAIL: [u8; 4] = [0x00, 0x00, 0xff, 0xff];

/// One connection's compressor and decompressor.
trait Codec {
    /// Appends `msg` compressed (sync flush, tail cut) to `wire`.
    fn compress(&mut self, msg: &[u8], wire: &mut Vec<u8>);
    /// Appends `wire` inflated to `out`.
    fn decompress(&mut self, wire: &[u8], out: &mut Vec<u8>);
}

struct ZlibRs {
    deflate: zlib_rs::Deflate,
    inflate: zlib_rs::Inflate,
}

impl ZlibRs {
    fn new(level: i32, window_bits: u8, mem_level: i32) -> Self {
        let config = zlib_rs::DeflateConfig {
            level,
            method: zlib_rs::Method::Deflated,
            window_bits: -i32::from(window_bits),
            mem_level,
            strategy: zlib_rs::Strategy::Default,
        };
        ZlibRs {
            deflate: zlib_rs::Deflate::new_with_config(config),
            inflate: zlib_rs::Inflate::new(false, window_bits),
        }
    }
}

impl Codec for ZlibRs {
    fn compress(&mut self, msg: &[u8], wire: &mut Vec<u8>) {
        let start = wire.len();
        let mut input = msg;
        loop {
            wire.reserve(msg.len() / 2 + 64);
            let (before_in, before_out) = (self.deflate.total_in(), self.deflate.total_out());
            let spare = wire.spare_capacity_mut();
            let room = spare.len();
            self.deflate
                .compress_uninit(input, spare, zlib_rs::DeflateFlush::SyncFlush)
                .expect("deflate");
            let used = (self.deflate.total_in() - before_in) as usize;
            let wrote = (self.deflate.total_out() - before_out) as usize;
            unsafe { wire.set_len(wire.len() + wrote) };
            input = &input[used..];
            // Done when the input is taken and the output had room left.
            if input.is_empty() && wrote < room {
                break;
            }
        }
        assert!(wire[start..].ends_with(&TAIL));
        wire.truncate(wire.len() - 4);
    }

    fn decompress(&mut self, wire: &[u8], out: &mut Vec<u8>) {
        for mut input in [wire, &TAIL[..]] {
            loop {
                out.reserve(wire.len() * 4 + 64);
                let (before_in, before_out) = (self.inflate.total_in(), self.inflate.total_out());
                let spare = out.spare_capacity_mut();
                let room = spare.len();
                self.inflate
                    .decompress_uninit(input, spare, zlib_rs::InflateFlush::SyncFlush)
                    .expect("inflate");
                let used = (self.inflate.total_in() - before_in) as usize;
                let wrote = (self.inflate.total_out() - before_out) as usize;
                unsafe { out.set_len(out.len() + wrote) };
                input = &input[used..];
                if input.is_empty() && wrote < room {
                    break;
                }
            }
        }
    }
}

struct Miniz {
    deflate: Box<miniz_oxide::deflate::core::CompressorOxide>,
    inflate: Box<miniz_oxide::inflate::stream::InflateState>,
}

impl Miniz {
    fn new(level: u8) -> Self {
        use miniz_oxide::deflate::core::{create_comp_flags_from_zip_params, CompressorOxide};
        // Raw deflate (negative window bits); miniz_oxide always uses 15.
        let flags = create_comp_flags_from_zip_params(level.into(), -15, 0);
        Miniz {
            deflate: Box::new(CompressorOxide::new(flags)),
            inflate: miniz_oxide::inflate::stream::InflateState::new_boxed(
                miniz_oxide::DataFormat::Raw,
            ),
        }
    }
}

impl Codec for Miniz {
    fn compress(&mut self, msg: &[u8], wire: &mut Vec<u8>) {
        let start = wire.len();
        let mut input = msg;
        let mut buf = [0u8; 16 << 10];
        loop {
            let r = miniz_oxide::deflate::stream::deflate(
                &mut self.deflate,
                input,
                &mut buf,
                miniz_oxide::MZFlush::Sync,
            );
            r.status.expect("deflate");
            wire.extend_from_slice(&buf[..r.bytes_written]);
            input = &input[r.bytes_consumed..];
            if input.is_empty() && r.bytes_written < buf.len() {
                break;
            }
        }
        assert!(wire[start..].ends_with(&TAIL));
        wire.truncate(wire.len() - 4);
    }

    fn decompress(&mut self, wire: &[u8], out: &mut Vec<u8>) {
        let mut buf = [0u8; 32 << 10];
        for mut input in [wire, &TAIL[..]] {
            loop {
                let r = miniz_oxide::inflate::stream::inflate(
                    &mut self.inflate,
                    input,
                    &mut buf,
                    miniz_oxide::MZFlush::Sync,
                );
                if let Err(e) = r.status {
                    // A sync flush with all input taken ends as BufError.
                    assert_eq!(e, miniz_oxide::MZError::Buf, "inflate");
                }
                out.extend_from_slice(&buf[..r.bytes_written]);
                input = &input[r.bytes_consumed..];
                if input.is_empty() && r.bytes_written < buf.len() {
                    break;
                }
            }
        }
    }
}

/// The C zlib (through libz-sys), its memory taken from the counted
/// global allocator.
struct CZlib {
    deflate: Box<libz_sys::z_stream>,
    inflate: Box<libz_sys::z_stream>,
}

unsafe extern "C" fn z_alloc(
    _: *mut core::ffi::c_void,
    items: u32,
    size: u32,
) -> *mut core::ffi::c_void {
    let len = items as usize * size as usize + 16;
    let p = std::alloc::alloc(Layout::from_size_align(len, 16).expect("layout"));
    if p.is_null() {
        return p.cast();
    }
    p.cast::<usize>().write(len);
    p.add(16).cast()
}

unsafe extern "C" fn z_free(_: *mut core::ffi::c_void, ptr: *mut core::ffi::c_void) {
    let p = ptr.cast::<u8>().sub(16);
    let len = p.cast::<usize>().read();
    std::alloc::dealloc(p, Layout::from_size_align(len, 16).expect("layout"));
}

fn new_stream() -> Box<libz_sys::z_stream> {
    Box::new(libz_sys::z_stream {
        next_in: std::ptr::null_mut(),
        avail_in: 0,
        total_in: 0,
        next_out: std::ptr::null_mut(),
        avail_out: 0,
        total_out: 0,
        msg: std::ptr::null_mut(),
        state: std::ptr::null_mut(),
        zalloc: z_alloc,
        zfree: z_free,
        opaque: std::ptr::null_mut(),
        data_type: 0,
        adler: 0,
        reserved: 0,
    })
}

impl CZlib {
    fn new(level: i32, window_bits: i32, mem_level: i32) -> Self {
        let (mut d, mut i) = (new_stream(), new_stream());
        let size = std::mem::size_of::<libz_sys::z_stream>() as i32;
        unsafe {
            let v = libz_sys::zlibVersion();
            assert_eq!(
                libz_sys::deflateInit2_(&mut *d, level, 8, -window_bits, mem_level, 0, v, size),
                0
            );
            assert_eq!(libz_sys::inflateInit2_(&mut *i, -window_bits, v, size), 0);
        }
        CZlib {
            deflate: d,
            inflate: i,
        }
    }

    /// Runs `step` over `input` into `out` until the input is taken and the
    /// output had room left.
    fn drive(
        z: &mut libz_sys::z_stream,
        mut input: &[u8],
        out: &mut Vec<u8>,
        step: unsafe extern "C" fn(libz_sys::z_streamp, i32) -> i32,
    ) {
        loop {
            out.reserve(input.len() * 4 + 64);
            let spare = out.spare_capacity_mut();
            z.next_in = input.as_ptr().cast_mut();
            z.avail_in = input.len() as u32;
            z.next_out = spare.as_mut_ptr().cast();
            z.avail_out = spare.len() as u32;
            let room = spare.len();
            let ret = unsafe { step(z, 2) }; // Z_SYNC_FLUSH
            assert!(ret == 0 || ret == -5, "zlib returned {ret}"); // Z_OK, Z_BUF_ERROR
            let used = input.len() - z.avail_in as usize;
            let wrote = room - z.avail_out as usize;
            unsafe { out.set_len(out.len() + wrote) };
            input = &input[used..];
            if input.is_empty() && wrote < room {
                break;
            }
        }
    }
}

impl Drop for CZlib {
    fn drop(&mut self) {
        unsafe {
            libz_sys::deflateEnd(&mut *self.deflate);
            libz_sys::inflateEnd(&mut *self.inflate);
        }
    }
}

impl Codec for CZlib {
    fn compress(&mut self, msg: &[u8], wire: &mut Vec<u8>) {
        let start = wire.len();
        Self::drive(&mut self.deflate, msg, wire, libz_sys::deflate);
        assert!(wire[start..].ends_with(&TAIL));
        wire.truncate(wire.len() - 4);
    }

    fn decompress(&mut self, wire: &[u8], out: &mut Vec<u8>) {
        Self::drive(&mut self.inflate, wire, out, libz_sys::inflate);
        Self::drive(&mut self.inflate, &TAIL, out, libz_sys::inflate);
    }
}

/// The messages of every deflate benchmark, as bytes.
fn messages(count: usize, len: usize) -> Vec<Vec<u8>> {
    json::messages(count, len)
        .into_iter()
        .map(String::into_bytes)
        .collect()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Compresses then inflates `msgs` through fresh codecs, `runs` times.
/// Returns compress MB/s, inflate MB/s (medians) and wire/message bytes.
fn speed(make: &dyn Fn() -> Box<dyn Codec>, msgs: &[Vec<u8>], runs: usize) -> (f64, f64, f64) {
    let total: usize = msgs.iter().map(Vec::len).sum();
    let (mut c_rates, mut d_rates, mut ratio) = (vec![], vec![], 0.0);
    for _ in 0..runs {
        let mut codec = make();
        let mut wires = Vec::with_capacity(msgs.len());
        let t = Instant::now();
        for m in msgs {
            let mut w = Vec::new();
            codec.compress(m, &mut w);
            wires.push(w);
        }
        c_rates.push(total as f64 / t.elapsed().as_secs_f64() / 1e6);
        let mut out = Vec::with_capacity(msgs[0].len() * 2);
        let t = Instant::now();
        for (w, m) in wires.iter().zip(msgs) {
            out.clear();
            codec.decompress(w, &mut out);
            assert!(out == *m, "a message did not inflate back to itself");
        }
        d_rates.push(total as f64 / t.elapsed().as_secs_f64() / 1e6);
        ratio = wires.iter().map(Vec::len).sum::<usize>() as f64 / total as f64;
    }
    (median(c_rates), median(d_rates), ratio)
}

/// Bytes a connection holds for its codec pair after carrying messages.
fn memory(make: &dyn Fn() -> Box<dyn Codec>, msgs: &[Vec<u8>]) -> usize {
    let before = LIVE.load(Ordering::Relaxed);
    let mut codec = make();
    let (mut w, mut out) = (Vec::new(), Vec::new());
    for m in msgs.iter().take(4) {
        w.clear();
        out.clear();
        codec.compress(m, &mut w);
        codec.decompress(&w, &mut out);
    }
    drop((w, out));
    let held = LIVE.load(Ordering::Relaxed) - before;
    drop(codec);
    held
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let runs = if quick { 1 } else { 7 };
    let small = messages(if quick { 200 } else { 4000 }, 1024);
    let large = messages(if quick { 4 } else { 64 }, 64 << 10);
    type Make = Box<dyn Fn() -> Box<dyn Codec>>;
    let candidates: Vec<(String, Make)> = vec![
        (
            "zlib-rs level 1, window 15, memLevel 8".into(),
            Box::new(|| Box::new(ZlibRs::new(1, 15, 8)) as Box<dyn Codec>),
        ),
        (
            "zlib-rs level 6, window 15, memLevel 8".into(),
            Box::new(|| Box::new(ZlibRs::new(6, 15, 8)) as Box<dyn Codec>),
        ),
        (
            "zlib-rs level 1, window 15, memLevel 4".into(),
            Box::new(|| Box::new(ZlibRs::new(1, 15, 4)) as Box<dyn Codec>),
        ),
        (
            "zlib-rs level 1, window 12, memLevel 4".into(),
            Box::new(|| Box::new(ZlibRs::new(1, 12, 4)) as Box<dyn Codec>),
        ),
        (
            "zlib-rs level 1, window 9, memLevel 1".into(),
            Box::new(|| Box::new(ZlibRs::new(1, 9, 1)) as Box<dyn Codec>),
        ),
        (
            "C zlib level 1, window 15, memLevel 8".into(),
            Box::new(|| Box::new(CZlib::new(1, 15, 8)) as Box<dyn Codec>),
        ),
        (
            "C zlib level 6, window 15, memLevel 8".into(),
            Box::new(|| Box::new(CZlib::new(6, 15, 8)) as Box<dyn Codec>),
        ),
        (
            "C zlib level 1, window 12, memLevel 4".into(),
            Box::new(|| Box::new(CZlib::new(1, 12, 4)) as Box<dyn Codec>),
        ),
        (
            "C zlib level 1, window 9, memLevel 1".into(),
            Box::new(|| Box::new(CZlib::new(1, 9, 1)) as Box<dyn Codec>),
        ),
        (
            "miniz_oxide level 1 (window 15 only)".into(),
            Box::new(|| Box::new(Miniz::new(1)) as Box<dyn Codec>),
        ),
        (
            "miniz_oxide level 6 (window 15 only)".into(),
            Box::new(|| Box::new(Miniz::new(6)) as Box<dyn Codec>),
        ),
    ];
    println!("| codec | memory per connection | 1 KiB: deflate MB/s | inflate MB/s | wire/message | 64 KiB: deflate MB/s | inflate MB/s | wire/message |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for (name, make) in &candidates {
        let mem = memory(make.as_ref(), &small);
        let (c1, d1, r1) = speed(make.as_ref(), &small, runs);
        let (c2, d2, r2) = speed(make.as_ref(), &large, runs);
        println!(
            "| {name} | {:.1} KiB | {c1:.0} | {d1:.0} | {r1:.3} | {c2:.0} | {d2:.0} | {r2:.3} |",
            mem as f64 / 1024.0
        );
    }
}
