/**
 * Admin access as stored: the passphrase's salted hash and the throttle of wrong guesses. They
 * belong to this browser, not to the workspace: never exported, imported or wiped. The hashing
 * and the checks run in the background (lib/background/passphrase.ts).
 */
import { BacklineError } from '../model/errors';
import { NO_FAILURES, type PassphraseRecord, type ThrottleState } from '../model/passphrase';
import type { StoreEngine } from './engine';
import { getMeta, putMeta, readMeta, writeMeta } from './meta';

/** The stored passphrase hash, or null when no passphrase is set. */
export async function passphraseRecord(s: StoreEngine): Promise<PassphraseRecord | null> {
  return (await getMeta(s, 'adminPassphrase')) ?? null;
}

/** Consecutive wrong passphrases so far. */
export async function unlockThrottle(s: StoreEngine): Promise<ThrottleState> {
  return (await getMeta(s, 'adminThrottle')) ?? NO_FAILURES;
}

export function saveUnlockThrottle(s: StoreEngine, state: ThrottleState): Promise<void> {
  return putMeta(s, 'adminThrottle', state);
}

/**
 * Stores the first admin passphrase's hash (hashed before: a transaction cannot wait for
 * crypto.subtle). Refused when one is set already, also by a request racing this one.
 */
export async function setFirstPassphrase(s: StoreEngine, requestId: string, record: PassphraseRecord): Promise<void> {
  await s.write(requestId, ['meta'], async (tx) => {
    if (await readMeta(tx, 'adminPassphrase')) {
      throw new BacklineError('conflict', 'An admin passphrase is already set. Unlock admin settings with it.');
    }
    await writeMeta(tx, 'adminPassphrase', record);
    await writeMeta(tx, 'adminThrottle', NO_FAILURES);
    return { result: true, changes: { ticketIds: [], conversationKeys: [], admin: true } };
  });
}
