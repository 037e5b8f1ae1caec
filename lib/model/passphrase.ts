/**
 * The admin passphrase as the options page may know it: the rules a new one must meet, the
 * shape of what the background stores (a salted hash, never the passphrase), and how a wait is
 * said. The hashing itself runs in the background only (lib/background/passphrase.ts).
 */

export const MIN_PASSPHRASE_LENGTH = 8;

export const MAX_PASSPHRASE_LENGTH = 1_000;

/** What the `meta` store keeps under 'adminPassphrase'. Never the passphrase itself. */
export interface PassphraseRecord {
  algorithm: 'PBKDF2-SHA-256';
  iterations: number;
  /** Base64 of 16 random bytes. */
  salt: string;
  /** Base64 of the 32-byte derived key. */
  hash: string;
}

/** Consecutive wrong passphrases, kept in the `meta` store under 'adminThrottle'. */
export interface ThrottleState {
  failures: number;
  lastFailureAt: number;
}

export const NO_FAILURES: ThrottleState = { failures: 0, lastFailureAt: 0 };

/** Why a new passphrase is not acceptable, or null when it is. */
export function checkNewPassphrase(passphrase: string, confirmation: string): string | null {
  if (passphrase.length < MIN_PASSPHRASE_LENGTH) {
    return `Use at least ${MIN_PASSPHRASE_LENGTH} characters for the admin passphrase.`;
  }
  if (passphrase.length > MAX_PASSPHRASE_LENGTH) {
    return `Keep the admin passphrase under ${MAX_PASSPHRASE_LENGTH.toLocaleString('en')} characters.`;
  }
  if (!passphrase.trim()) return 'The admin passphrase cannot be only spaces.';
  if (passphrase !== confirmation) return 'The two passphrases do not match. Type the same passphrase in both boxes.';
  return null;
}

/** "8 seconds", "1 minute": for messages a person reads. */
export function describeWait(ms: number): string {
  const s = Math.max(1, Math.ceil(ms / 1000));
  if (s < 60) return `${s} second${s === 1 ? '' : 's'}`;
  const m = Math.ceil(s / 60);
  return `${m} minute${m === 1 ? '' : 's'}`;
}

