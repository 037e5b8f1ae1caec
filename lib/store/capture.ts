/**
 * Capturing a write's shared records for the team workspace (see ./sync.ts): the write engine
 * wraps its transaction with `capturingTx` while this browser is in a workspace.
 */
import type { IDBPTransaction, StoreNames } from 'idb';
import { docIdFor } from '../model/workspace-docs';
import type { BacklineDB } from './schema';

export type { SyncQueueEntry } from './schema';
type StoreName = StoreNames<BacklineDB>;
type Tx<Mode extends IDBTransactionMode> = IDBPTransaction<BacklineDB, StoreName[], Mode>;

/** The stores whose records the workspace shares (settings are the `meta` entry 'settings'). */
export const SHARED_STORES = ['tickets', 'activity', 'links', 'ticketTypes', 'teammates'] as const satisfies readonly StoreName[];
export type SharedStore = (typeof SHARED_STORES)[number];

/** The document id of a shared record, or null when the record is not shared. */
export function docIdOf(store: SharedStore | 'meta', record: unknown): string | null {
  const r = record as Record<string, string>;
  switch (store) {
    case 'tickets':
      return docIdFor('ticket', r.id);
    case 'activity':
      return docIdFor('activity', r.ticketId, r.id);
    case 'links':
      return docIdFor('link', r.ticketId, r.conversationKey);
    case 'ticketTypes':
      return docIdFor('type', r.id);
    case 'teammates':
      return docIdFor('teammate', r.id);
    case 'meta':
      return r.key === 'settings' ? docIdFor('settings') : null;
  }
}

/** The ticket a shared record belongs to (tickets kept local are not shared), if any. */
export function ticketOf(store: SharedStore | 'meta', record: unknown): string | null {
  const r = record as Record<string, string>;
  if (store === 'tickets') return r.id;
  if (store === 'activity' || store === 'links') return r.ticketId;
  return null;
}

/**
 * Wraps a write's transaction so that puts, adds and deletes of shared records queue their
 * document ids in `syncQueue` (which the transaction must include). Cursors are not wrapped:
 * commands write shared records through the object stores only.
 */
export function capturingTx(tx: Tx<'readwrite'>, keepLocal: ReadonlySet<string>): Tx<'readwrite'> {
  const queue = async (store: SharedStore | 'meta', record: unknown, key: string) => {
    const docId = docIdOf(store, record);
    const ticketId = ticketOf(store, record);
    if (!docId || (ticketId && keepLocal.has(ticketId))) return;
    await tx.objectStore('syncQueue').put({ docId, store, key, at: Date.now() });
  };
  const shared = new Set<string>([...SHARED_STORES, 'meta']);
  return new Proxy(tx, {
    get(target, prop, receiver) {
      if (prop !== 'objectStore') {
        const v = Reflect.get(target, prop, receiver) as unknown;
        // Native methods must run on the real transaction, not on this proxy.
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      }
      return (name: StoreName) => {
        const os = target.objectStore(name);
        if (!shared.has(name)) return os;
        const store = name as SharedStore | 'meta';
        const keyPath = os.keyPath as string;
        return new Proxy(os, {
          get(o, p, r) {
            if (p === 'put' || p === 'add') {
              return async (value: Record<string, unknown>) => {
                const write = (o[p] as (v: unknown) => Promise<IDBValidKey>)(value);
                // Every shared store's records carry their key: the queue entry is asked at once,
                // not a turn later (a wait inside a write keeps its stores from the next one).
                if (value[keyPath] !== undefined) return (await Promise.all([write, queue(store, value, String(value[keyPath]))]))[0];
                const key = await write;
                await queue(store, value, String(key));
                return key;
              };
            }
            if (p === 'delete') {
              return async (key: string) => {
                const before = await o.get(key as never);
                await o.delete(key as never);
                if (before) await queue(store, before, key);
              };
            }
            const v = Reflect.get(o, p, r) as unknown;
            return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(o) : v;
          },
        });
      };
    },
  }) as Tx<'readwrite'>;
}

