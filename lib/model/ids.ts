/**
 * UUIDv7: time-ordered, globally unique ids, so that the stores of several browsers can one
 * day merge and so that ids sort in creation order (activity lists rely on that).
 */
let lastMs = 0;
let seq = 0;

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
/**
 * Random bytes drawn 4 KiB at a time: a change linked to 50 conversations makes 100 ids while
 * the agent waits, and one getRandomValues call per id cost more than the rest of the id.
 */
const pool = new Uint8Array(4096);
let poolAt = pool.length;

export function uuidv7(now: number = Date.now()): string {
  if (poolAt + 10 > pool.length) {
    crypto.getRandomValues(pool);
    poolAt = 0;
  }
  const r = poolAt;
  poolAt += 10;
  // Keep ids monotonic within one millisecond: bump a 12-bit counter in rand_a.
  if (now <= lastMs) {
    now = lastMs;
    seq = (seq + 1) & 0xfff;
    if (seq === 0) now = ++lastMs;
  } else {
    lastMs = now;
    seq = pool[r]! & 0x03; // small random start, leaves room to count up
  }
  // 48 bits of milliseconds: the high 16 and the low 32 (numbers are exact up to 2^53).
  const high = Math.floor(now / 0x1_0000_0000);
  const low = now >>> 0;
  const time = HEX[(high >>> 8) & 0xff]! + HEX[high & 0xff]! + HEX[low >>> 24]! + HEX[(low >>> 16) & 0xff]! + '-' + HEX[(low >>> 8) & 0xff]! + HEX[low & 0xff]!;
  const version = HEX[0x70 | ((seq >> 8) & 0x0f)]! + HEX[seq & 0xff]!;
  const variant = HEX[0x80 | (pool[r + 1]! & 0x3f)]! + HEX[pool[r + 2]!]!;
  let rest = '';
  for (let i = r + 3; i < r + 9; i++) rest += HEX[pool[i]!]!;
  return `${time}-${version}-${variant}-${rest}`;
}

/** A request id for a write: retries of the same user action reuse it. */
export const newRequestId = uuidv7;

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
