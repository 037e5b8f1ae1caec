/**
 * The store's side of the team workspace. IndexedDB (this store) stays the read model every
 * query runs on; PouchDB (in the background, lib/background/workspace.ts) replicates the shared
 * records with the workspace's CouchDB database. Between the two:
 * - outbound: while this browser is in a workspace, every write that touches a shared record
 *   also queues that record's document id in `syncQueue`, in the same transaction (so a change
 *   is never saved without being queued, and never queued without being saved); the background
 *   copies queued records into PouchDB and then drops them from the queue;
 * - inbound: documents PouchDB received are applied here in one transaction per batch, except
 *   those with a local change still queued (that change is newer, and goes out next).
 */
import type { TicketType } from '../model/domain';
import type { ActivityRecord, ConversationRecord, LinkRecord, Teammate } from '../model/records';
import type { Ticket } from '../model/domain';
import { DEFAULT_SETTINGS, type WorkspaceSettings } from '../model/settings';
import type { ChangeSet } from '../model/views';
import { docIdFor, parseDocId as kindOfDocId, type DocKind, type Membership } from '../model/workspace-docs';
import type { StoreEngine, StoreName, Tx } from './engine';
import { capturingTx, docIdOf, SHARED_STORES, ticketOf, type SyncQueueEntry } from './capture';
export { SHARED_STORES, type SyncQueueEntry } from './capture';
import { getMeta, putMeta, readMeta, writeMeta } from './meta';
import { saveTicket } from './ticket-index';
import { unpackActivity } from './activity-log';

/** A workspace document as PouchDB holds it (see lib/model/workspace-rules.ts). */
export interface WorkspaceDoc {
  _id: string;
  _rev?: string;
  _deleted?: boolean;
  _conflicts?: string[];
  kind?: DocKind;
  record?: unknown;
  /** A link carries its conversation, which the other browsers have not seen. */
  conversation?: ConversationRecord;
  author?: string;
}

/** The queued changes, oldest first (up to `limit`). */
export async function queuedChanges(s: StoreEngine, limit = 500): Promise<SyncQueueEntry[]> {
  return s.db.getAllFromIndex('syncQueue', 'byAt', undefined, limit);
}

export async function queuedCount(s: StoreEngine): Promise<number> {
  return s.db.count('syncQueue');
}

/** What a queued entry stands for now: its record (a link with its conversation), or null when it was deleted. */
export type QueuedRecord = { record: unknown; conversation?: ConversationRecord } | null;

/**
 * The records queued entries stand for now, in the order asked, read in one transaction (a
 * transaction per entry made the copy-out wait behind every write of the outbox).
 */
export async function queuedRecords(s: StoreEngine, entries: readonly SyncQueueEntry[]): Promise<QueuedRecord[]> {
  const stores = [...new Set(entries.map((e) => e.store)), 'conversations'] as StoreName[];
  const tx = s.db.transaction(stores);
  const out = await Promise.all(
    entries.map(async (entry): Promise<QueuedRecord> => {
      if (entry.store === 'meta') return { record: (await readMeta(tx as unknown as Tx<'readonly'>, 'settings')) ?? DEFAULT_SETTINGS };
      const record = await tx.objectStore(entry.store).get(entry.key);
      if (!record) return null;
      if (entry.store === 'links') return { record, conversation: await tx.objectStore('conversations').get((record as LinkRecord).conversationKey) };
      return { record };
    }),
  );
  await tx.done;
  return out;
}

/**
 * Marks queue entries as copied out (to PouchDB) as the given revisions, unless the record was
 * queued again since (a newer local change, which goes out next time).
 */
export async function markMirrored(s: StoreEngine, mirrored: readonly { entry: SyncQueueEntry; rev: string | null }[]): Promise<void> {
  const tx = s.db.transaction('syncQueue', 'readwrite');
  for (const { entry, rev } of mirrored) {
    const now = await tx.store.get(entry.docId);
    if (!now || now.at !== entry.at) continue;
    // Nothing to send (the copy out found it there already): not waiting any more.
    if (rev === null) await tx.store.delete(entry.docId);
    else await tx.store.put({ ...now, mirroredRev: rev });
  }
  await tx.done;
}

/** Replication sent these revisions to the server: their entries are no longer waiting. */
export async function markSent(s: StoreEngine, sent: readonly { id: string; rev: string }[]): Promise<void> {
  const tx = s.db.transaction('syncQueue', 'readwrite');
  for (const { id, rev } of sent) {
    const now = await tx.store.get(id);
    if (now?.mirroredRev === rev) await tx.store.delete(id);
  }
  await tx.done;
}

/** Replication caught up with the server: everything copied out has been sent. */
export async function clearSent(s: StoreEngine): Promise<void> {
  const tx = s.db.transaction('syncQueue', 'readwrite');
  let cursor = await tx.store.openCursor();
  while (cursor) {
    if (cursor.value.mirroredRev) await cursor.delete();
    cursor = await cursor.continue();
  }
  await tx.done;
}

/** Entries not yet copied out (the rest wait for replication only). */
export async function unmirrored(s: StoreEngine, limit = 500): Promise<SyncQueueEntry[]> {
  const out: SyncQueueEntry[] = [];
  let cursor = await s.db.transaction('syncQueue').store.index('byAt').openCursor();
  while (cursor && out.length < limit) {
    if (!cursor.value.mirroredRev) out.push(cursor.value);
    cursor = await cursor.continue();
  }
  return out;
}

/**
 * Queues every shared record of the given groups (bringing local tickets into a workspace, or
 * sharing this browser's ticket types, teammates and settings when an admin sets one up).
 */
export async function queueEverything(s: StoreEngine, keepLocal: ReadonlySet<string>, groups: { tickets?: boolean; config?: boolean } = {}): Promise<number> {
  const tx = s.db.transaction([...SHARED_STORES, 'activityPacks', 'meta', 'syncQueue'], 'readwrite');
  const at = Date.now();
  const wanted = SHARED_STORES.filter((st) => (st === 'ticketTypes' || st === 'teammates' ? groups.config !== false : groups.tickets !== false));
  // Shared items are copied out and replicated one by one, each in its own record: imported
  // ones are unpacked first (./activity-log.ts), so nothing in a workspace is read from a pack.
  const unpacked = groups.tickets !== false && (await unpackActivity(tx)) > 0;
  let n = 0;
  for (const store of wanted) {
    const keyPath = tx.objectStore(store).keyPath as string;
    for (const record of await tx.objectStore(store).getAll()) {
      const docId = docIdOf(store, record);
      const ticketId = ticketOf(store, record);
      if (!docId || (ticketId && keepLocal.has(ticketId))) continue;
      await tx.objectStore('syncQueue').put({ docId, store, key: String((record as unknown as Record<string, unknown>)[keyPath]), at });
      n++;
    }
  }
  if (groups.config !== false && (await tx.objectStore('meta').get('settings'))) {
    await tx.objectStore('syncQueue').put({ docId: docIdFor('settings'), store: 'meta', key: 'settings', at });
    n++;
  }
  await tx.done;
  if (unpacked) s.packsChanged();
  return n;
}

/** Forgets every queued change (leaving a workspace). */
export async function clearQueue(s: StoreEngine): Promise<void> {
  await s.db.clear('syncQueue');
}

/** The ids of every ticket on this browser. */
export async function localTicketIds(s: StoreEngine): Promise<string[]> {
  return (await s.db.getAllKeys('tickets')) as string[];
}

/** How many tickets this browser holds (the options page asks at every change). */
export function localTicketCount(s: StoreEngine): Promise<number> {
  return s.db.count('tickets');
}

/**
 * Applies documents received from the workspace in one transaction, and returns what changed
 * for open pages. A document with a local change not yet copied out is skipped (the local change is
 * newer here and goes out next; the server keeps both if they clash). A ticket whose number
 * another ticket here already has is shown with the next free number: two browsers that created
 * tickets at the same time offline gave out the same number.
 */
export async function applyRemoteDocs(s: StoreEngine, docs: readonly WorkspaceDoc[], keepLocal: ReadonlySet<string>): Promise<ChangeSet> {
  const changes: ChangeSet = { ticketIds: [], conversationKeys: [] };
  const stores: StoreName[] = [...SHARED_STORES, 'meta', 'syncQueue', 'conversations', 'ticketWords'];
  const raw = s.db.transaction(stores, 'readwrite') as Tx<'readwrite'>;
  const tx = capturingTx(raw, keepLocal);
  const touchTicket = (id: string) => void (changes.ticketIds.includes(id) || changes.ticketIds.push(id));
  for (const doc of docs) {
    // A local change not yet copied out is newer here; one already copied out is part of what
    // PouchDB merged into this document (its winner, and any conflict), so this applies.
    const queued = await raw.objectStore('syncQueue').get(doc._id);
    if (queued && !queued.mirroredRev) continue;
    const parsed = kindOfDocId(doc._id);
    if (!parsed) continue;
    if (doc._deleted) {
      await applyDeletion(raw, parsed, changes);
      continue;
    }
    const record = doc.record as Record<string, unknown> | undefined;
    if (!record || typeof record !== 'object') continue;
    switch (parsed.kind) {
      case 'ticket': {
        const ticket = record as unknown as Ticket;
        if (keepLocal.has(ticket.id)) break;
        const same = await raw.objectStore('tickets').get(ticket.id);
        if (same && JSON.stringify(same) === JSON.stringify(ticket)) break;
        const holder = await raw.objectStore('tickets').index('byNumber').get(ticket.number);
        let toStore = ticket;
        if (holder && holder.id !== ticket.id) {
          // The later ticket (by creation, then id) moves to the next free number, on every browser alike.
          const laterIsIncoming = ticket.createdAt > holder.createdAt || (ticket.createdAt === holder.createdAt && ticket.id > holder.id);
          const next = (await maxNumber(raw)) + 1;
          if (laterIsIncoming) {
            toStore = { ...ticket, number: next };
            await saveTicket(tx, toStore); // queued: the new number goes out
          } else {
            await saveTicket(tx, { ...holder, number: next });
            touchTicket(holder.id);
            await saveTicket(raw, toStore);
          }
        } else {
          // With its search index entry, like every ticket write (./ticket-index.ts).
          await saveTicket(raw, toStore);
        }
        const counter = (await readMeta(raw, 'ticketCounter')) ?? 0;
        if (toStore.number > counter) await writeMeta(raw, 'ticketCounter', toStore.number);
        touchTicket(ticket.id);
        break;
      }
      case 'activity': {
        const a = record as unknown as ActivityRecord;
        if (keepLocal.has(a.ticketId) || (await raw.objectStore('activity').get(a.id))) break;
        await raw.objectStore('activity').put(a);
        touchTicket(a.ticketId);
        break;
      }
      case 'link': {
        const link = record as unknown as LinkRecord;
        if (keepLocal.has(link.ticketId)) break;
        if (doc.conversation && !(await raw.objectStore('conversations').get(doc.conversation.key))) {
          await raw.objectStore('conversations').put(doc.conversation);
        }
        const existing = await raw.objectStore('links').index('byPair').get([link.ticketId, link.conversationKey]);
        // The same link again changes nothing; the same link with another reason replaces it.
        if (existing?.id === link.id && (existing.reason ?? '') === (link.reason ?? '')) break;
        if (existing) await raw.objectStore('links').delete(existing.id);
        await raw.objectStore('links').put(link);
        touchTicket(link.ticketId);
        if (!changes.conversationKeys.includes(link.conversationKey)) changes.conversationKeys.push(link.conversationKey);
        break;
      }
      case 'type':
        await raw.objectStore('ticketTypes').put(record as unknown as TicketType);
        changes.types = true;
        break;
      case 'teammate':
        await raw.objectStore('teammates').put(record as unknown as Teammate);
        changes.teammates = true;
        break;
      case 'settings':
        await writeMeta(raw, 'settings', { ...DEFAULT_SETTINGS, ...(record as Partial<WorkspaceSettings>) });
        changes.settings = true;
        break;
    }
  }
  await raw.done;
  return changes;
}

async function maxNumber(tx: Tx<'readwrite'>): Promise<number> {
  const last = await tx.objectStore('tickets').index('byNumber').openCursor(null, 'prev');
  return Math.max(last?.value.number ?? 0, (await readMeta(tx, 'ticketCounter')) ?? 0);
}

async function applyDeletion(tx: Tx<'readwrite'>, parsed: NonNullable<ReturnType<typeof kindOfDocId>>, changes: ChangeSet): Promise<void> {
  const [a, b] = parsed.parts;
  switch (parsed.kind) {
    case 'ticket':
      if (await tx.objectStore('tickets').get(a)) {
        await tx.objectStore('tickets').delete(a);
        const words = await tx.objectStore('ticketWords').index('byTicket').getKey(a);
        if (words) await tx.objectStore('ticketWords').delete(words);
        changes.ticketIds.push(a);
      }
      break;
    case 'link': {
      const existing = await tx.objectStore('links').index('byPair').get([a, b]);
      if (existing) {
        await tx.objectStore('links').delete(existing.id);
        changes.ticketIds.push(a);
        changes.conversationKeys.push(b);
      }
      break;
    }
    case 'type':
      await tx.objectStore('ticketTypes').delete(a);
      changes.types = true;
      break;
    case 'teammate':
      await tx.objectStore('teammates').delete(a);
      changes.teammates = true;
      break;
    default:
      // Activity and settings are never deleted (the server refuses it).
      break;
  }
}

/** This browser's workspace membership (with its credentials), or null. */
export async function loadMembership(s: StoreEngine): Promise<Membership | null> {
  return (await getMeta(s, 'workspaceMembership')) ?? null;
}

/** Saves (or, with null, forgets) this browser's membership. Not a workspace record: no request id. */
export async function saveMembership(s: StoreEngine, m: Membership | null): Promise<void> {
  if (m) await putMeta(s, 'workspaceMembership', m);
  else await s.db.delete('meta', 'workspaceMembership');
}
