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
import { compareKeys, ticketWordsRecord, type SearchKey as Key, type TicketWordsRecord } from './schema';


/** Writes a ticket and its index record, in the caller's transaction. `add` refuses an existing id. */
export async function saveTicket(tx: Tx<'readwrite'>, ticket: Ticket, mode: 'add' | 'put' = 'put'): Promise<void> {
  // A new ticket's add is awaited: a clash of numbers is reported here. The other writes are
  // made without waiting for their answers (one round trip in all); a failure aborts the
  // transaction, which the write engine reports.
  // The old index record's key is asked for first: requests answer in order, so asked after the
  // ticket's put (or a caller's many writes) its answer would wait for them all.
  const words = tx.objectStore('ticketWords');
  const oldKey = words.index('byTicket').getKey(ticket.id);
  if (mode === 'add') await tx.objectStore('tickets').add(ticket);
  else tx.objectStore('tickets').put(ticket).catch(() => {});
  const old = await oldKey;
  if (old) words.delete(old).catch(() => {});
  words.put(ticketWordsRecord(ticket)).catch(() => {});
}

/** Above this many index entries, a prefix typed alone is matched by reading the newest records instead. */
const PREFIX_KEYS_MAX = 3000;

/**
 * Ticket ids that have every term in `all` and a term starting with `prefix` (when given),
 * most recently updated first, after `after` (the key of the last ticket of the page before:
 * [-updatedAt, id]). Never reads every ticket:
 * - with a whole word or filter, the index's entries of the rarest one are read newest first, a
 *   batch at a time, and their records' terms checked for the rest, until the page is full;
 * - a prefix alone reads its entries' keys when there are few, else the newest records a batch
 *   at a time (a short prefix matches many tickets, so the page fills quickly).
 */
export async function findTicketIds(
  tx: Tx<IDBTransactionMode>,
  all: string[],
  prefix: string | null,
  limit: number,
  after?: Key,
): Promise<string[]> {
  const store = tx.objectStore('ticketWords');
  const index = store.index('byWord');
  const prefixRange = prefix ? IDBKeyRange.bound(prefix, `${prefix}\uffff`) : null;
  const matches = (terms: string[]) => all.every((t) => terms.includes(t)) && (!prefix || terms.some((t) => t.startsWith(prefix)));
  const isAfter = (key: Key) => !after || compareKeys(key, after) > 0;
  const keyOf = (r: TicketWordsRecord): Key => [r.order, r.ticketId];

  /**
   * Reads records newest first, `read(count)` at a time, until `limit` match or none are left. The
   * first read is four pages' worth: a word and the prefix of another found together in one
   * ticket of three fill it (every record read is a record copied, ~25 µs each in the worker; a
   * second read costs more than the first read's extra records); a rarer match reads four times
   * as many each time.
   */
  const collect = async (read: (count: number) => Promise<TicketWordsRecord[]>, skipsToAfter: boolean): Promise<string[]> => {
    for (let count = Math.max(limit * 4, 200); ; count *= 4) {
      const records = await read(count);
      const found = records.filter((r) => (skipsToAfter || isAfter(keyOf(r))) && matches(r.terms));
      if (found.length >= limit || records.length < count) return found.slice(0, limit).map((r) => r.ticketId);
    }
  };

  if (all.length) {
    // One word needs no counting; with several, the rarest drives (fewest records read).
    const counts = all.length > 1 ? await Promise.all(all.map((t) => index.count(IDBKeyRange.only(t)))) : [0];
    const rarest = all[counts.indexOf(Math.min(...counts))]!;
    return collect((count) => index.getAll(IDBKeyRange.only(rarest), count), false);
  }
  if (!prefixRange) return [];
  if ((await index.count(prefixRange)) <= PREFIX_KEYS_MAX) {
    const keys = (await index.getAllKeys(prefixRange)) as Key[];
    const seen = new Set<string>();
    const found = keys.filter((k) => isAfter(k) && !seen.has(k[1]) && seen.add(k[1]));
    found.sort(compareKeys);
    return found.slice(0, limit).map((k) => k[1]);
  }
  const range = after ? IDBKeyRange.lowerBound(after, true) : null;
  return collect((count) => store.getAll(range, count), true);
}
