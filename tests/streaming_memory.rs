//! A message far larger than the storage streams through it: no heap
//! allocation at all while it does, and no chunk larger than the storage.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use rfc6455::{Config, Connection, Event, MessageMode, NoKeys, Role};

/// Counts the allocations made by the current thread.
struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

// SAFETY: every call is forwarded to `System` unchanged; the counter is a
// thread-local `Cell` with a const initialiser, which never allocates.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
        // SAFETY: the caller's contract is passed on.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract is passed on.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations() -> u64 {
    ALLOCATIONS.with(Cell::get)
}

#[test]
#[cfg_attr(miri, ignore = "a gigabyte through the interpreter takes hours")]
fn a_gigabyte_message_streams_through_64_kib_without_allocating() {
    const STORAGE: usize = 64 << 10;
    // Debug builds unmask slowly: a quarter of the size keeps the test short.
    let len: u64 = if cfg!(debug_assertions) {
        256 << 20
    } else {
        1 << 30
    };
    let key = [0x37, 0xfa, 0x21, 0x3d];
    let mut header = vec![0x82, 0x80 | 127];
    header.extend_from_slice(&len.to_be_bytes());
    header.extend_from_slice(&key);
    // The payload is the bytes 0, 1, 2, ... 255 repeated; masked, it is that
    // pattern XOR the key, made on the fly in reads of up to 16 KiB.
    let mut read = [0u8; 16 << 10];
    for (i, b) in read.iter_mut().enumerate() {
        *b = (i as u8) ^ key[i % 4];
    }
    let (mut rx, mut tx) = (vec![0u8; STORAGE], vec![0u8; 4096]);
    let mut conn = Connection::open(
        Role::Server,
        Config::new()
            .with_message_mode(MessageMode::Stream)
            .with_max_frame_len(len)
            .with_max_message_len(len),
        &mut rx[..],
        &mut tx[..],
        NoKeys,
    )
    .unwrap();
    let before = allocations();
    assert_eq!(conn.receive(&header), header.len());
    let (mut delivered, mut largest, mut finished) = (0u64, 0usize, false);
    let mut sent = 0u64;
    while !finished {
        if sent < len {
            // The pattern repeats every 256 bytes, so a read may resume
            // anywhere in it after the storage took only part of the last.
            let at = (sent % read.len() as u64) as usize;
            let n = (len - sent).min((read.len() - at) as u64) as usize;
            sent += conn.receive(&read[at..at + n]) as u64;
        }
        while let Some(event) = conn.poll_event() {
            let Event::Binary { data, fin } = event.unwrap() else {
                panic!("only binary data is sent");
            };
            // Each chunk continues the pattern where the last one stopped.
            for (i, b) in data.iter().enumerate().step_by(4093) {
                assert_eq!(*b, (delivered + i as u64) as u8);
            }
            delivered += data.len() as u64;
            largest = largest.max(data.len());
            finished = fin;
        }
    }
    assert_eq!(allocations(), before, "no allocation while streaming");
    assert_eq!(delivered, len);
    assert!(largest <= STORAGE, "a chunk of {largest} bytes");
}
