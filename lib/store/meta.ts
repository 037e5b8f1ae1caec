/**
 * The `meta` store's entries, typed: one key, one kind of value, checked as it is read back (a
 * record written by an older or newer Backline, or by hand, must not pass as the right type).
 * Every read and write of `meta` goes through here.
 */
import type { PassphraseRecord, ThrottleState } from '../model/passphrase';
import { toMembership, type Membership } from '../model/workspace-docs';
import { DEFAULT_SETTINGS, type WorkspaceSettings } from '../model/settings';
import type { StoreEngine, StoreName, Tx } from './engine';

export interface MetaValues {
  /** What admins saved (the enterprise policy is applied on reading, ./settings.ts). */
  settings: WorkspaceSettings;
  /** The last display number given to a ticket (#123). */
  ticketCounter: number;
  /** The teammate this browser acts as. */
  me: string;
  /** The admin passphrase's salted hash (never the passphrase). Not workspace data. */
  adminPassphrase: PassphraseRecord;
  /** Consecutive wrong passphrases. Not workspace data. */
  adminThrottle: ThrottleState;
  /** This browser's team workspace and its credentials. Not workspace data: never exported. */
  workspaceMembership: Membership;
}
export type MetaKey = keyof MetaValues;

/** The keys that are workspace data (exported, imported, wiped); the others belong to this browser. */
export const DATA_META_KEYS = ['settings', 'ticketCounter', 'me'] as const satisfies readonly MetaKey[];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** How each value is read back: undefined when absent or not of its type. */
const READ: { [K in MetaKey]: (raw: unknown) => MetaValues[K] | undefined } = {
  settings: (raw) => ({ ...DEFAULT_SETTINGS, ...(isObject(raw) ? (raw as Partial<WorkspaceSettings>) : {}) }),
  ticketCounter: (raw) => (typeof raw === 'number' && Number.isSafeInteger(raw) && raw >= 0 ? raw : undefined),
  me: (raw) => (typeof raw === 'string' && raw ? raw : undefined),
  adminPassphrase: (raw) => (isPassphraseRecord(raw) ? raw : undefined),
  adminThrottle: (raw) => toThrottleState(raw),
  workspaceMembership: (raw) => toMembership(raw) ?? undefined,
};

/** Reads one entry inside a transaction that includes `meta`. */
export async function readMeta<K extends MetaKey>(tx: Tx<IDBTransactionMode>, key: K): Promise<MetaValues[K] | undefined> {
  const rec = await tx.objectStore('meta').get(key);
  return READ[key](rec?.value) as MetaValues[K] | undefined;
}

/** Reads one entry on its own. */
export async function getMeta<K extends MetaKey>(s: StoreEngine, key: K): Promise<MetaValues[K] | undefined> {
  const rec = await s.db.get('meta', key);
  return READ[key](rec?.value) as MetaValues[K] | undefined;
}

/** Writes one entry inside a readwrite transaction that includes `meta`. */
export async function writeMeta<K extends MetaKey>(tx: Tx<'readwrite'>, key: K, value: MetaValues[K]): Promise<void> {
  await tx.objectStore('meta').put({ key, value });
}

/** Removes one entry inside a readwrite transaction that includes `meta`. */
export async function deleteMeta(tx: Tx<'readwrite'>, key: MetaKey): Promise<void> {
  await tx.objectStore('meta').delete(key);
}

/** Writes one entry on its own (not workspace data: no request id, no change event). */
export async function putMeta<K extends MetaKey>(s: StoreEngine, key: K, value: MetaValues[K]): Promise<void> {
  await s.db.put('meta', { key, value });
}

export type { StoreName };

// The admin access records' guards live here, with the store that reads them back, and not in
// lib/model: the options page needs neither (nor anything that names the hashing).
/** Runtime guard for a record read back from the database. */
export function isPassphraseRecord(value: unknown): value is PassphraseRecord {
  const r = value as Partial<PassphraseRecord> | null;
  return (
    !!r &&
    r.algorithm === 'PBKDF2-SHA-256' &&
    Number.isSafeInteger(r.iterations) &&
    (r.iterations ?? 0) >= 1 &&
    typeof r.salt === 'string' &&
    typeof r.hash === 'string' &&
    r.hash.length > 0
  );
}

/** Reads a throttle record back from storage, tolerating garbage. */
export function toThrottleState(value: unknown): ThrottleState {
  const v = value as Partial<ThrottleState> | null | undefined;
  const failures = Number.isSafeInteger(v?.failures) && (v?.failures ?? 0) > 0 ? v!.failures! : 0;
  const lastFailureAt = typeof v?.lastFailureAt === 'number' && Number.isFinite(v.lastFailureAt) ? v.lastFailureAt : 0;
  return { failures, lastFailureAt };
}

