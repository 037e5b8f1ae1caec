/**
 * The admin passphrase: stored only as a salted, slow hash (PBKDF2-SHA-256 through the Web
 * Crypto API), compared in constant time, and guarded by a throttle that slows down repeated
 * wrong guesses. Pure functions over `crypto.subtle`, so they run in the service worker and in
 * unit tests alike.
 */
import { isPassphraseRecord } from '../store/meta';
import type { PassphraseRecord, ThrottleState } from '../model/passphrase';

/** OWASP's 2023 recommendation for PBKDF2-HMAC-SHA-256. */
export const PBKDF2_ITERATIONS = 310_000;
const SALT_BYTES = 16;
const HASH_BITS = 256;

export const MAX_THROTTLE_MS = 60_000;

/** Derives a new record with a fresh random salt. `iterations` is lowered only in tests. */
export async function hashPassphrase(
  passphrase: string,
  options: { iterations?: number; salt?: Uint8Array } = {},
): Promise<PassphraseRecord> {
  const iterations = options.iterations ?? PBKDF2_ITERATIONS;
  const salt = options.salt ?? crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const hash = await derive(passphrase, salt, iterations);
  return { algorithm: 'PBKDF2-SHA-256', iterations, salt: toBase64(salt), hash: toBase64(hash) };
}

/** True when `passphrase` matches the record. Malformed records never match. */
export async function verifyPassphrase(passphrase: string, record: PassphraseRecord): Promise<boolean> {
  if (!isPassphraseRecord(record)) return false;
  const expected = fromBase64(record.hash);
  const actual = await derive(passphrase, fromBase64(record.salt), record.iterations);
  return constantTimeEqual(actual, expected);
}

/**
 * Compares two byte arrays in time that depends only on their lengths, so a wrong guess does
 * not reveal how many leading bytes were right.
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

/** Delay before the next attempt after `failures` wrong passphrases: 0, 1 s, 2 s, 4 s … 60 s. */
export function throttleDelayMs(failures: number): number {
  if (failures <= 0) return 0;
  return Math.min(MAX_THROTTLE_MS, 1000 * 2 ** Math.min(failures - 1, 16));
}

/** Milliseconds until another attempt is allowed (0 when allowed now). */
export function throttleWaitMs(state: ThrottleState, now: number): number {
  if (state.failures <= 0) return 0;
  // A clock set backwards must not lock the admin out for longer than the cap.
  const elapsed = Math.max(0, now - state.lastFailureAt);
  return Math.max(0, throttleDelayMs(state.failures) - elapsed);
}

/** The state after one more wrong passphrase. */
export function recordFailure(state: ThrottleState, now: number): ThrottleState {
  return { failures: state.failures + 1, lastFailureAt: now };
}

async function derive(passphrase: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(passphrase), 'PBKDF2', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt: salt as BufferSource, iterations },
    key,
    HASH_BITS,
  );
  return new Uint8Array(bits);
}

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

function fromBase64(text: string): Uint8Array {
  try {
    const s = atob(text);
    return Uint8Array.from(s, (c) => c.charCodeAt(0));
  } catch {
    return new Uint8Array(0);
  }
}
