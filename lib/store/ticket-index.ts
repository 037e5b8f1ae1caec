/**
 * The queue's search index (the `ticketWords` store, ./schema.ts): written together with the
 * ticket in the caller's transaction; its keys order the queue, and its terms are searched in
 * memory (./word-index.ts).
 *
 * Every ticket write goes through `saveTicket` (the engine adds `ticketWords` to any write that
 * touches `tickets`, so the index is always in the transaction).
 */
import type { Ticket } from '../model/domain';
import type { Tx } from './engine';
import { ticketWordsRecord } from './schema';

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
