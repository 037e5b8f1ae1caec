/**
 * The queue's search index (the `ticketWords` store, ./schema.ts): written together with the
 * ticket in the caller's transaction, and read by the queue's search so that a keystroke reads
 * only the index entries of the words typed, never every ticket.
 *
 * Every ticket write goes through `saveTicket` (the engine adds `ticketWords` to any write that
 * touches `tickets`, so the index is always in the transaction).
 */
import type { Ticket } from '../model/domain';
import type { Tx } from './engine';
import { ticketWordsRecord } from './schema';

type Key = [number, string];

/** Writes a ticket and its index record, in the caller's transaction. `add` refuses an existing id. */
export async function saveTicket(tx: Tx<'readwrite'>, ticket: Ticket, mode: 'add' | 'put' = 'put'): Promise<void> {
  if (mode === 'add') await tx.objectStore('tickets').add(ticket);
  else await tx.objectStore('tickets').put(ticket);
  const words = tx.objectStore('ticketWords');
  const old = await words.index('byTicket').getKey(ticket.id);
  if (old) await words.delete(old);
  await words.put(ticketWordsRecord(ticket));
}

/**
 * Ticket ids that have every term in `all` and a term starting with `prefix` (when given),
 * most recently updated first, after the `before` key when paging. Reads the primary keys of
 * the index's entries only ([updatedAt, ticketId], already in update order).
 */
export async function findTicketIds(
  tx: Tx<IDBTransactionMode>,
  all: string[],
  prefix: string | null,
  limit: number,
  before?: Key,
): Promise<{ ids: string[]; more: boolean }> {
  const index = tx.objectStore('ticketWords').index('byWord');
  const lookups: Promise<Key[]>[] = all.map((term) => index.getAllKeys(IDBKeyRange.only(term)) as Promise<Key[]>);
  if (prefix) lookups.push(index.getAllKeys(IDBKeyRange.bound(prefix, `${prefix}\uffff`)) as Promise<Key[]>);
  const sets = await Promise.all(lookups);
  if (!sets.length) return { ids: [], more: false };
  sets.sort((a, b) => a.length - b.length);
  const [smallest, ...others] = sets;
  const within = others.map((keys) => new Set(keys.map((k) => k[1])));
  const seen = new Set<string>();
  const found: Key[] = [];
  for (const key of smallest!) {
    const id = key[1];
    if (seen.has(id)) continue; // a prefix can match several words of one ticket
    seen.add(id);
    if (before && compareKeys(key, before) >= 0) continue;
    if (within.every((s) => s.has(id))) found.push(key);
  }
  found.sort((a, b) => compareKeys(b, a));
  return { ids: found.slice(0, limit).map((k) => k[1]), more: found.length > limit };
}

function compareKeys(a: Key, b: Key): number {
  return a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);
}
