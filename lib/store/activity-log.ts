/**
 * A ticket's Activity as stored: items written here (store `activity`, one record each) and
 * items that came in by import (store `activityPacks`, a hundred of a ticket's items to a
 * record; ./schema.ts, ActivityPack). Every read of items goes through here, so no reader has to
 * know which of the two an item is in. Both are ordered by item id, which grows with time.
 */
import type { ActivityRecord } from '../model/records';
import { unwrap, type IDBPTransaction } from 'idb';
import { ACTIVITY_PACK, activityOfTicket, type ActivityPack, type BacklineDB } from './schema';
import type { StoreName, Tx } from './engine';

/** A transaction holding both activity stores (read or write). */
type ActivityTx = IDBPTransaction<BacklineDB, ArrayLike<StoreName>, IDBTransactionMode>;

const byId = (a: ActivityRecord, b: ActivityRecord) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Two lists sorted by id (ascending, or descending with `desc`) as one. */
function merge(a: ActivityRecord[], b: ActivityRecord[], desc = false): ActivityRecord[] {
  if (!a.length) return b;
  if (!b.length) return a;
  const out: ActivityRecord[] = [];
  let i = 0;
  let j = 0;
  const sign = desc ? -1 : 1;
  while (i < a.length && j < b.length) out.push(sign * byId(a[i]!, b[j]!) <= 0 ? a[i++]! : b[j++]!);
  return out.concat(a.slice(i), b.slice(j));
}

/** A ticket's packs with a first item id below `beforeId` (all of them without one). */
function packsOf(ticketId: string, beforeId: string | null = null): IDBKeyRange {
  return beforeId === null ? activityOfTicket(ticketId) : IDBKeyRange.bound([ticketId], [ticketId, beforeId], false, true);
}

/** Every activity item of a ticket, oldest first. */
export async function ticketActivity(tx: ActivityTx, ticketId: string): Promise<ActivityRecord[]> {
  const [own, packs] = await Promise.all([
    tx.objectStore('activity').index('byTicketItem').getAll(activityOfTicket(ticketId)),
    tx.objectStore('activityPacks').getAll(packsOf(ticketId)),
  ]);
  return merge(own, packs.flatMap((p) => p.items));
}

/**
 * A page of a ticket's activity, newest first: at most `pageSize` items older than `beforeId`
 * (the newest without one), and whether there are older ones still. `anyPacked`: whether any
 * pack exists (StoreEngine.hasPacks); without, the packs' store is not read.
 */
export async function activityPage(tx: ActivityTx, ticketId: string, beforeId: string | null, pageSize: number, anyPacked = true): Promise<{ activity: ActivityRecord[]; earlier: boolean }> {
  const range = IDBKeyRange.bound([ticketId, ''], [ticketId, beforeId ?? '\uffff'], false, beforeId !== null);
  const want = pageSize + 1;
  const readOwn = async () => {
    const items: ActivityRecord[] = [];
    let cursor = await tx.objectStore('activity').index('byTicketItem').openCursor(range, 'prev');
    while (cursor && items.length < want) {
      items.push(cursor.value);
      if (items.length < want) cursor = await cursor.continue();
    }
    return items;
  };
  const readPacked = async () => {
    const items: ActivityRecord[] = [];
    if (!anyPacked) return items;
    let cursor = await tx.objectStore('activityPacks').openCursor(packsOf(ticketId, beforeId), 'prev');
    while (cursor && items.length < want) {
      const pack = cursor.value.items;
      for (let i = pack.length - 1; i >= 0 && items.length < want; i--) {
        if (beforeId === null || pack[i]!.id < beforeId) items.push(pack[i]!);
      }
      if (items.length < want) cursor = await cursor.continue();
    }
    return items;
  };
  const [own, packed] = await Promise.all([readOwn(), readPacked()]);
  const all = merge(own, packed, true);
  return { activity: all.slice(0, pageSize), earlier: all.length > pageSize };
}

/** A ticket's newest activity item, if it has any (`anyPacked` as for activityPage). */
export async function lastActivity(tx: ActivityTx, ticketId: string, anyPacked = true): Promise<ActivityRecord | undefined> {
  const [own, pack] = await Promise.all([
    tx.objectStore('activity').index('byTicketItem').openCursor(activityOfTicket(ticketId), 'prev'),
    anyPacked ? tx.objectStore('activityPacks').openCursor(packsOf(ticketId), 'prev') : null,
  ]);
  const packed = pack?.value.items.at(-1);
  if (!own) return packed;
  if (!packed) return own.value;
  return byId(own.value, packed) >= 0 ? own.value : packed;
}

/** Every activity item, ordered by id (an export). */
export async function allActivity(tx: ActivityTx): Promise<ActivityRecord[]> {
  const [own, packs] = await Promise.all([tx.objectStore('activity').getAll(), tx.objectStore('activityPacks').getAll()]);
  if (!packs.length) return own;
  return own.concat(packs.flatMap((p) => p.items)).sort(byId);
}

/** Items as packs: grouped by ticket, each ticket's in id order, `ACTIVITY_PACK` to a pack. */
export function packActivity(items: readonly ActivityRecord[]): ActivityPack[] {
  const byTicket = new Map<string, ActivityRecord[]>();
  for (const item of items) {
    const list = byTicket.get(item.ticketId);
    if (list) list.push(item);
    else byTicket.set(item.ticketId, [item]);
  }
  const packs: ActivityPack[] = [];
  for (const [ticketId, list] of byTicket) {
    list.sort(byId);
    for (let i = 0; i < list.length; i += ACTIVITY_PACK) {
      const chunk = list.slice(i, i + ACTIVITY_PACK);
      packs.push({ ticketId, first: chunk[0]!.id, items: chunk });
    }
  }
  return packs;
}

/**
 * Moves every packed item into `activity`, one record each (joining a workspace: shared items
 * are copied out and replicated one by one). Returns how many.
 */
export async function unpackActivity(tx: Tx<'readwrite'>): Promise<number> {
  const packs = await tx.objectStore('activityPacks').getAll();
  if (!packs.length) return 0;
  // Native requests, no promise each (as the import writes); a failed one aborts the transaction.
  const activity = unwrap(tx.objectStore('activity')) as IDBObjectStore;
  let n = 0;
  for (const pack of packs) {
    for (const item of pack.items) {
      activity.put(item);
      n++;
    }
  }
  await tx.objectStore('activityPacks').clear();
  return n;
}
