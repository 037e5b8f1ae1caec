/**
 * Imported activity is stored in packs (lib/store/activity-log.ts): every reader shows it merged
 * with the items written afterwards, in order, as if each item had its own record.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { buildExport, importExport, wipeAll } from '../../lib/store/transfer';
import { openBacklineDb, ACTIVITY_PACK, type BacklineDatabase } from '../../lib/store/schema';
import { queueEverything } from '../../lib/store/sync';
import { uuidv7 } from '../../lib/model/ids';
import { Store } from '../../lib/store';
import type { ActivityRecord } from '../../lib/model/records';

const dbs: BacklineDatabase[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
});

async function fresh() {
  const db = await openBacklineDb(`activity-log-test-${crypto.randomUUID()}`);
  dbs.push(db);
  return { db, store: new Store(db, () => {}) };
}

/** A browser that imported a ticket with `imported` notes and a state change, then wrote `after` notes. */
async function importedTicket(imported: number, after: number) {
  const src = await fresh();
  const me = await src.store.me();
  const t = await src.store.createTicket({ requestId: uuidv7(), actorId: me.id, title: 'Printer jam', typeId: 'type-general' });
  await src.store.changeState({ requestId: uuidv7(), actorId: me.id, ticketId: t.id, baseVersion: 1, stateId: 'in_progress' });
  const file = await buildExport(src.db);
  const at = Date.now();
  for (let i = 0; i < imported; i++) file.data.activity.push({ id: uuidv7(), ticketId: t.id, at: at + i, actorId: me.id, type: 'note', body: `imported ${i}`, crossPosted: false });
  const dst = await fresh();
  await importExport(dst.store, uuidv7(), JSON.stringify(file));
  for (let i = 0; i < after; i++) await dst.store.addNote({ requestId: uuidv7(), actorId: me.id, ticketId: t.id, body: `after ${i}`, crossPost: false });
  return { ...dst, me, ticket: t, file };
}

const bodies = (items: ActivityRecord[]) => items.map((a) => (a.type === 'note' ? a.body : a.type));

describe('imported activity in packs', () => {
  it('is written a hundred items of a ticket to a record, and nothing of it one by one', async () => {
    const { db, file } = await importedTicket(250, 0);
    const packs = await db.getAll('activityPacks');
    expect(await db.count('activity')).toBe(0);
    expect(packs.map((p) => p.items.length)).toEqual([ACTIVITY_PACK, ACTIVITY_PACK, file.data.activity.length - 2 * ACTIVITY_PACK]);
    expect(packs.flatMap((p) => p.items)).toEqual(file.data.activity);
  });

  it('pages a ticket newest first across the packs and the items written since', async () => {
    const { store, ticket } = await importedTicket(250, 3);
    const view = await store.getTicketView(ticket.id);
    expect(bodies(view.activity).slice(0, 5)).toEqual(['after 2', 'after 1', 'after 0', 'imported 249', 'imported 248']);
    expect(view.activity).toHaveLength(100);
    expect(view.earlierActivity).toBe(true);
    const second = await store.getActivityPage(ticket.id, view.activity.at(-1)!.id);
    expect(bodies(second.activity)[0]).toBe('imported 152');
    expect(second.activity).toHaveLength(100);
    const third = await store.getActivityPage(ticket.id, second.activity.at(-1)!.id);
    // 253 notes, the state change and the ticket's creation: 255 items, all shown once, in order.
    expect(third.earlier).toBe(false);
    const all = [...view.activity, ...second.activity, ...third.activity];
    expect(all).toHaveLength(255);
    expect(new Set(all.map((a) => a.id)).size).toBe(255);
    expect(all.map((a) => a.id)).toEqual(all.map((a) => a.id).sort().reverse());
    expect(bodies(third.activity).slice(-2)).toEqual(['state', 'created']);
  });

  it('shows an item arriving later with an older id (replicated) in its place among the imported ones', async () => {
    const { db, store, ticket, me, file } = await importedTicket(5, 0);
    const notes = file.data.activity.filter((a) => a.type === 'note');
    // An id between the third and fourth imported notes.
    const between = notes[2]!.id.slice(0, -1) + (notes[2]!.id.endsWith('f') ? 'f0' : String.fromCharCode(notes[2]!.id.charCodeAt(notes[2]!.id.length - 1) + 1));
    expect(between > notes[2]!.id && between < notes[3]!.id).toBe(true);
    await db.put('activity', { id: between, ticketId: ticket.id, at: 1, actorId: me.id, type: 'note', body: 'replicated', crossPosted: false });
    const view = await store.getTicketView(ticket.id);
    expect(bodies(view.activity).slice(0, 4)).toEqual(['imported 4', 'imported 3', 'replicated', 'imported 2']);
  });

  it('gives the queue the newest item, whichever store it is in', async () => {
    const { store, ticket, me } = await importedTicket(120, 0);
    const [summary] = await store.queryTickets({ text: 'printer' });
    expect(summary).toMatchObject({ ticket: { id: ticket.id }, lastUpdate: expect.stringContaining('imported 119') });
    await store.addNote({ requestId: uuidv7(), actorId: me.id, ticketId: ticket.id, body: 'written here', crossPost: false });
    const [again] = await store.queryTickets({ text: 'printer' });
    expect(again!.lastUpdate).toContain('written here');
  });

  it('undoes an imported state change once: the history is read from the packs too', async () => {
    const { store, ticket, me } = await importedTicket(0, 0);
    const stateItem = (await store.getTicketView(ticket.id)).activity.find((a) => a.type === 'state')!;
    const { ticket: undone } = await store.undoChange({ requestId: uuidv7(), actorId: me.id, ticketId: ticket.id, target: { activityId: stateItem.id } });
    expect(undone.stateId).toBe('submitted');
    await expect(store.undoChange({ requestId: uuidv7(), actorId: me.id, ticketId: ticket.id, target: { activityId: stateItem.id } })).rejects.toThrow(/already undone/);
  });

  it('exports every item, packed or not, in id order, as imported', async () => {
    const { db, file } = await importedTicket(150, 2);
    const out = await buildExport(db);
    expect(out.data.activity.slice(0, file.data.activity.length)).toEqual(file.data.activity);
    expect(out.data.activity).toHaveLength(file.data.activity.length + 2);
  });

  it('is unpacked when the tickets join a workspace: each shared item is its own record and queued', async () => {
    const { db, store, file } = await importedTicket(150, 1);
    const queued = await queueEverything(store, new Set(), { config: false });
    expect(await db.count('activityPacks')).toBe(0);
    expect(await db.count('activity')).toBe(file.data.activity.length + 1);
    // The ticket, its items, nothing else (no links).
    expect(queued).toBe(1 + file.data.activity.length + 1);
    expect((await store.getTicketView(file.data.tickets[0]!.id)).activity).toHaveLength(100);
  });

  it('is read by a store that had none when it first looked, once an import brings some; not after a wipe', async () => {
    const { file, ticket } = await importedTicket(5, 0);
    const { store } = await fresh();
    const me = await store.me();
    const own = await store.createTicket({ requestId: uuidv7(), actorId: me.id, title: 'Before the import', typeId: 'type-general' });
    // Read once: no packs yet, and the store remembers that.
    expect((await store.getTicketView(own.id)).activity).toHaveLength(1);
    await importExport(store, uuidv7(), JSON.stringify(file));
    expect(bodies((await store.getTicketView(ticket.id)).activity).slice(0, 2)).toEqual(['imported 4', 'imported 3']);
    expect((await store.queryTickets({ text: 'printer' }))[0]!.lastUpdate).toContain('imported 4');
    await wipeAll(store, uuidv7());
    await expect(store.getTicketView(ticket.id)).rejects.toThrow(/no longer exists/);
  });
});
