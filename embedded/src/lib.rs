//! What every program of this crate shares: output and exit through
//! semihosting, a panic handler that fails the run, a key source, and the
//! stack measurement.
//!
//! Nothing here formats (`core::fmt`): the programs measure flash, and a
//! formatting machinery of the harness's own would hide the library's.
//!
//! # Peak stack
//!
//! [`paint_stack`], called first thing in `main`, fills the free RAM between
//! the end of the statics and the stack pointer with a pattern;
//! [`finish`] finds the lowest word no longer holding it and reports the
//! distance from the top of RAM (where the stack starts) as the peak stack:
//! everything the program ever had on the stack, `main`'s locals (the
//! connections and their storage arrays) included.

#![no_std]

use core::panic::PanicInfo;
use core::ptr::{addr_of, read_volatile, write_volatile};

use cortex_m_semihosting::{debug, hio};

/// The word painted over the free stack.
const PAINT: u32 = 0x5EA5_1DE5;

extern "C" {
    /// The end of the statics (`.data`, `.bss`, `.uninit`), from cortex-m-rt's `link.x`.
    static __sheap: u32;
    /// The top of RAM, where the stack starts (it grows down).
    static _stack_start: u32;
}

/// Writes `text` to the host's standard output.
pub fn print(text: &str) {
    if let Ok(mut out) = hio::hstdout() {
        let _ = out.write_all(text.as_bytes());
    }
}

/// Writes `n` in decimal.
pub fn print_number(mut n: usize) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    print(core::str::from_utf8(&digits[at..]).unwrap_or("?"));
}

/// Reports a failed check and ends the run with a non-zero status.
pub fn fail(what: &str) -> ! {
    print("FAILED: ");
    print(what);
    print("\n");
    exit(debug::EXIT_FAILURE)
}

/// Fails the run with `what` unless `condition` holds.
pub fn check(condition: bool, what: &str) {
    if !condition {
        fail(what);
    }
}

/// The value of `result`, or a failed run naming `what`.
pub fn ok<T, E>(result: Result<T, E>, what: &str) -> T {
    match result {
        Ok(value) => value,
        Err(_) => fail(what),
    }
}

fn exit(status: debug::ExitStatus) -> ! {
    debug::exit(status);
    // Without a debugger attached the call above returns.
    loop {
        cortex_m::asm::bkpt();
    }
}

#[panic_handler]
fn panic(info: &PanicInfo<'_>) -> ! {
    print("panicked");
    if let Some(at) = info.location() {
        print(" at ");
        print(at.file());
        print(":");
        print_number(at.line() as usize);
    }
    print("\n");
    exit(debug::EXIT_FAILURE)
}

/// A small xorshift generator standing in for the board's hardware RNG
/// (demo quality: a real device seeds from its TRNG).
pub struct Xorshift(pub u32);

impl Xorshift {
    /// The next 32 bits.
    pub fn next_u32(&mut self) -> u32 {
        let mut s = self.0;
        s ^= s << 13;
        s ^= s >> 17;
        s ^= s << 5;
        self.0 = s;
        s
    }

    /// Fills `dest`, one generator step per byte.
    pub fn fill(&mut self, dest: &mut [u8]) {
        for b in dest {
            *b = self.next_u32() as u8;
        }
    }
}

/// The client's key source (handshake nonce and masking keys): [`Xorshift`]
/// from `seed`, as a closure.
pub fn keys(seed: u32) -> impl FnMut(&mut [u8]) {
    let mut rng = Xorshift(seed);
    move |dest: &mut [u8]| rng.fill(dest)
}

/// Paints the free stack below the caller with a pattern, for [`finish`]
/// to find the high-water mark. Call it first in `main`.
#[inline(never)]
pub fn paint_stack() {
    let sp = cortex_m::register::msp::read() as usize;
    let mut at = addr_of!(__sheap) as usize;
    // Stop short of this function's own frame.
    let end = sp - 64;
    while at < end {
        // SAFETY: the words between the end of the statics and the stack
        // pointer are free RAM that nothing else uses (no heap here).
        unsafe { write_volatile(at as *mut u32, PAINT) };
        at += 4;
    }
}

/// The most stack used since [`paint_stack`], in bytes.
#[inline(never)]
pub fn peak_stack() -> usize {
    let top = addr_of!(_stack_start) as usize;
    let mut at = addr_of!(__sheap) as usize;
    // SAFETY: as in `paint_stack`; reading free RAM.
    while at < top && unsafe { read_volatile(at as *const u32) } == PAINT {
        at += 4;
    }
    top - at
}

/// Reports the peak stack as `<name>: peak stack <n> bytes` and ends the
/// run with success.
pub fn finish(name: &str) -> ! {
    let peak = peak_stack();
    print(name);
    print(": peak stack ");
    print_number(peak);
    print(" bytes\n");
    exit(debug::EXIT_SUCCESS)
}

/// [`Xorshift`] as the `rand_core` generator embedded-websocket takes.
#[cfg(feature = "compare")]
pub struct EwsRng(pub Xorshift);

#[cfg(feature = "compare")]
impl rand_core::RngCore for EwsRng {
    fn next_u32(&mut self) -> u32 {
        self.0.next_u32()
    }

    fn next_u64(&mut self) -> u64 {
        u64::from(self.0.next_u32()) << 32 | u64::from(self.0.next_u32())
    }

    fn fill_bytes(&mut self, dest: &mut [u8]) {
        self.0.fill(dest)
    }

    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
        self.0.fill(dest);
        Ok(())
    }
}
