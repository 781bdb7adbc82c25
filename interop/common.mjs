// What the Node interop suites share: payloads, a check runner, timeouts.

/** Message sizes around every frame-length encoding boundary, and 1 MiB. */
export const SIZES = [0, 1, 125, 126, 65535, 65536, 1 << 20];

/** ASCII text of exactly `size` bytes. */
export function text(size) {
  const line = "The quick brown fox jumps over the lazy dog. ";
  return line.repeat(Math.ceil(size / line.length)).slice(0, size);
}

/** `size` bytes covering every byte value. */
export function bytes(size) {
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i++) out[i] = (i * 31 + (i >> 8)) & 0xff;
  return out;
}

/** A deterministic generator of 32-bit numbers (xorshift32), seeded. */
function numbers(seed) {
  let x = (seed ^ 0x9e3779b9) >>> 0 || 1;
  return () => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x;
  };
}

/** `size` random bytes: they do not compress. */
export function randomBytes(size) {
  const next = numbers(size);
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i++) out[i] = next() & 0xff;
  return out;
}

const CHARACTERS = [..."aZ9 ~éßЖ€中😀𝄞"];

/** Text of exactly `size` UTF-8 bytes, random characters of 1 to 4 bytes. */
export function randomText(size) {
  const next = numbers(size);
  const out = [];
  let length = 0;
  while (length < size) {
    const c = size - length >= 4 ? CHARACTERS[next() % CHARACTERS.length] : "x";
    out.push(c);
    length += Buffer.byteLength(c);
  }
  return out.join("");
}

/** About 100 KB of text, most of it multi-byte characters. */
export const MULTIBYTE = "héllo wörld € 😀 中文字符 Ελληνικά русский ".repeat(1500);

/** Rejects if `promise` does not settle within `ms`. */
export function withTimeout(promise, what, ms = 10000) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Runs named checks, prints each, and counts. */
export class Suite {
  constructor(name) {
    this.name = name;
    this.passed = 0;
    this.failed = 0;
  }

  async check(what, body) {
    try {
      await body();
      this.passed++;
      console.log(`  ok    ${this.name}: ${what}`);
    } catch (e) {
      this.failed++;
      console.log(`  FAIL  ${this.name}: ${what}: ${e.message}`);
    }
  }

  /** Prints the summary line; returns the exit status. */
  finish() {
    console.log(`${this.name}: ${this.passed} passed, ${this.failed} failed`);
    return this.failed === 0 ? 0 : 1;
  }
}
