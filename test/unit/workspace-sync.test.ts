/**
 * The store's side of the team workspace (lib/store/sync.ts): which records a write queues, in
 * the same transaction; what arriving documents do to the read model; and the document ids the
 * server's rules read (the same ids as lib/model/workspace-rules.ts builds).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { conversationKey } from '../../lib/helpdesks';
import type { Ticket } from '../../lib/model/domain';
import { uuidv7 } from '../../lib/model/ids';
import type { Teammate } from '../../lib/model/records';
import type { ChangeSet } from '../../lib/model/views';
import { docIdFor, parseDocId } from '../../lib/model/workspace-docs';
import { docIdFor as rulesDocIdFor, parseDocId as rulesParseDocId } from '../../lib/model/workspace-rules';
import { Store } from '../../lib/store';
import { openBacklineDb, type BacklineDatabase } from '../../lib/store/schema';
import { applyRemoteDocs, queuedChanges, queueEverything, type WorkspaceDoc } from '../../lib/store/sync';
import { outcomesToShare, queuedEffects, shareOutcomes, updateEffect } from '../../lib/store/propagation';

const ALICE: Teammate = { id: 'tm-alice', name: 'Alice Agent', email: 'alice@example.com', kind: 'person' };
const open: BacklineDatabase[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

async function setup() {
  const db = await openBacklineDb(`sync-test-${crypto.randomUUID()}`);
  open.push(db);
  const changes: ChangeSet[] = [];
  const store = new Store(db, (c) => changes.push(c));
  await db.put('teammates', ALICE);
  return { db, store, changes };
}
const rid = () => uuidv7();
const ctx = { helpdesk: 'chatwoot' as const, origin: 'https://app.chatwoot.com', account: '1', conversationId: '7' };
const conversation = { key: conversationKey(ctx), ...ctx, kind: 'conversation' as const, title: 'Conversation 7', customerName: 'Carol', customerEmail: 'c@example.com', company: 'Acme' };
const create = (store: Store, title = 'Refund stuck') => store.createTicket({ requestId: rid(), actorId: ALICE.id, title, typeId: 'type-general', conversation });

describe('queueing while in a workspace', () => {
  it('queues nothing outside a workspace', async () => {
    const { store } = await setup();
    await create(store);
    expect(await queuedChanges(store)).toEqual([]);
  });

  it('queues the ticket, its activity and its link with the write, under the ids the server’s rules read', async () => {
    const { store } = await setup();
    store.setSharing({ keepLocal: new Set() });
    const t = await create(store);
    const ids = (await queuedChanges(store)).map((e) => e.docId).sort();
    expect(ids).toHaveLength(3);
    expect(ids).toContain(rulesDocIdFor.ticket(t.id));
    expect(ids).toContain(rulesDocIdFor.link(t.id, conversation.key));
    expect(ids.filter((id) => rulesParseDocId(id)?.kind === 'activity')).toHaveLength(1);
    // The store's ids and the rules' ids are the same strings.
    expect(docIdFor('link', t.id, conversation.key)).toBe(rulesDocIdFor.link(t.id, conversation.key));
    expect(parseDocId(rulesDocIdFor.link(t.id, conversation.key))).toEqual({ kind: 'link', parts: [t.id, conversation.key] });
  });

  it('a refused write queues nothing (one transaction)', async () => {
    const { store } = await setup();
    store.setSharing({ keepLocal: new Set() });
    await expect(store.createTicket({ requestId: rid(), actorId: ALICE.id, title: 'x', typeId: 'no-such-type' })).rejects.toThrow();
    expect(await queuedChanges(store)).toEqual([]);
  });

  it('tickets kept local are never queued, with their activity and links', async () => {
    const { store } = await setup();
    const t = await create(store);
    store.setSharing({ keepLocal: new Set([t.id]) });
    await store.addNote({ requestId: rid(), actorId: ALICE.id, ticketId: t.id, body: 'Only here', crossPost: false });
    expect(await queuedChanges(store)).toEqual([]);
    expect(await queueEverything(store, new Set([t.id]), { config: false })).toBe(0);
    expect(await queueEverything(store, new Set(), { config: false })).toBe(4); // ticket, created, note, link
  });
});

describe('applying what arrives', () => {
  const ticket = (over: Partial<Ticket>): Ticket => ({
    id: uuidv7(),
    number: 1,
    kind: 'support',
    typeId: 'type-general',
    title: 'From Bob',
    description: '',
    user: '',
    company: '',
    sharing: 'internal',
    stateId: 'submitted',
    assigneeId: null,
    attributes: {},
    createdAt: 1000,
    updatedAt: 1000,
    createdBy: 'tm-bob',
    version: 1,
    ...over,
  }) as Ticket;

  it('shows an arriving ticket, its link (with the conversation) and its activity, and tells open pages', async () => {
    const { store, changes } = await setup();
    const t = ticket({});
    const docs: WorkspaceDoc[] = [
      { _id: docIdFor('ticket', t.id), kind: 'ticket', record: t, author: 'bob' },
      { _id: docIdFor('link', t.id, conversation.key), kind: 'link', record: { id: 'l1', ticketId: t.id, conversationKey: conversation.key, createdAt: 1, createdBy: 'tm-bob' }, conversation: { ...conversation, status: 'open', statusCheckedAt: null, updatedAt: 1 }, author: 'bob' },
      { _id: docIdFor('activity', t.id, 'a1'), kind: 'activity', record: { id: 'a1', ticketId: t.id, at: 1, actorId: 'tm-bob', type: 'created' }, author: 'bob' },
    ];
    const changed = await applyRemoteDocs(store, docs, new Set());
    expect(changed.ticketIds).toEqual([t.id]);
    expect(changed.conversationKeys).toEqual([conversation.key]);
    expect((await store.linkedTickets(conversation.key)).map((x) => x.ticket.title)).toEqual(['From Bob']);
    expect((await store.getTicketView(t.id)).activity).toHaveLength(1);
    // Found by the queue's search like a ticket made here (its words are indexed on arrival).
    expect((await store.queryTickets({ text: 'from bo' })).map((x) => x.ticket.id)).toEqual([t.id]);
    expect(changes).toEqual([]); // the caller tells pages (after saving its place in the feed)
  });

  it('a link arriving again with another reason replaces the reason shown here', async () => {
    const { store } = await setup();
    const t = ticket({});
    const link = { id: 'l1', ticketId: t.id, conversationKey: conversation.key, createdAt: 1, createdBy: 'tm-bob' };
    const linkDoc = (record: object): WorkspaceDoc => ({ _id: docIdFor('link', t.id, conversation.key), kind: 'link', record, author: 'bob' }) as WorkspaceDoc;
    await applyRemoteDocs(
      store,
      [{ _id: docIdFor('ticket', t.id), kind: 'ticket', record: t, author: 'bob' }, { ...linkDoc(link), conversation: { ...conversation, status: 'open', statusCheckedAt: null, updatedAt: 1 } }],
      new Set(),
    );
    expect((await store.getTicketView(t.id)).links[0]!.link.reason).toBeUndefined();
    const changed = await applyRemoteDocs(store, [linkDoc({ ...link, reason: 'Same bug as #12' })], new Set());
    expect(changed.ticketIds).toEqual([t.id]);
    const links = (await store.getTicketView(t.id)).links;
    expect(links.map((l) => [l.link.id, l.link.reason])).toEqual([['l1', 'Same bug as #12']]);
  });

  it('two tickets given the same number offline: the later one moves to the next free number, on this browser and in the workspace', async () => {
    const { store } = await setup();
    store.setSharing({ keepLocal: new Set() });
    const mine = await create(store, 'Mine');
    expect(mine.number).toBe(1);
    const theirs = ticket({ number: 1, createdAt: mine.createdAt + 5, title: 'Theirs' });
    await applyRemoteDocs(store, [{ _id: docIdFor('ticket', theirs.id), kind: 'ticket', record: theirs, author: 'bob' }], new Set());
    expect((await store.getTicket(mine.id)).number).toBe(1);
    expect((await store.getTicket(theirs.id)).number).toBe(2);
    // The new number goes out, so every browser shows the same.
    expect((await queuedChanges(store)).map((e) => e.docId)).toContain(docIdFor('ticket', theirs.id));
    // The next ticket made here is #3.
    expect((await create(store, 'Next')).number).toBe(3);
  });

  it('a document with a local change still queued is skipped: the local change is newer here', async () => {
    const { store } = await setup();
    store.setSharing({ keepLocal: new Set() });
    const t = await create(store, 'Local title');
    const stale = { ...t, title: 'Older title from the server' };
    await applyRemoteDocs(store, [{ _id: docIdFor('ticket', t.id), kind: 'ticket', record: stale, author: 'bob' }], new Set());
    expect((await store.getTicket(t.id)).title).toBe('Local title');
  });
});

describe('delivery outcomes in a workspace', () => {
  const convN = (id: number) => {
    const c = { ...ctx, conversationId: String(id) };
    return { key: conversationKey(c), ...c, kind: 'conversation' as const, title: `Conversation ${id}`, customerName: '', customerEmail: '', company: '' };
  };
  const deliver = (store: Store, id: string, status: 'delivered' | 'failed' = 'delivered') =>
    updateEffect(store, id, null, (e) => ({ ...e, status, lastError: status === 'failed' ? 'Chatwoot refused it (422).' : '' }), null, Date.now());
  const shared = async (store: Store, ticketId: string) => (await store.getTicketView(ticketId)).activity.filter((a) => a.type === 'deliveries');

  it('outcomes are kept until shared, then one activity item per change holds them all, queued for every browser; outside a workspace nothing is kept', async () => {
    for (const sharing of [false, true]) {
      const { store } = await setup();
      const t = await create(store);
      for (const id of [8, 9, 10]) await store.link({ requestId: rid(), actorId: ALICE.id, ticketId: t.id, conversation: convN(id) });
      if (sharing) store.setSharing({ keepLocal: new Set() });
      await store.addNote({ requestId: rid(), actorId: ALICE.id, ticketId: t.id, body: 'Refund sent', crossPost: true });
      const note = await queuedEffects(store);
      expect(note).toHaveLength(4);
      const before = (await queuedChanges(store)).length;
      const changes = await deliver(store, note[0]!.id);
      // The outcome itself is not shared at once: no item, nothing queued for the workspace.
      expect(changes?.deltas?.[0]?.activity).toBeUndefined();
      expect((await queuedChanges(store)).length).toBe(before);
      expect(await outcomesToShare(store)).toBe(sharing ? 1 : 0);
      if (!sharing) {
        expect(await shareOutcomes(store, Date.now())).toBeNull();
        expect(await shared(store, t.id)).toEqual([]);
        continue;
      }
      // A later update of the same effect (no longer queued) keeps nothing more.
      await updateEffect(store, note[0]!.id, null, (e) => ({ ...e, lastError: 'again' }), null, Date.now());
      expect(await outcomesToShare(store)).toBe(1);
      for (const e of note.slice(1, 3)) await deliver(store, e.id);
      await deliver(store, note[3]!.id, 'failed');
      // A state change's outcomes are another change's: an item of their own.
      const ticket = (await store.getTicketView(t.id)).ticket;
      await store.changeState({ requestId: rid(), actorId: ALICE.id, ticketId: t.id, baseVersion: ticket.version, stateId: 'in_progress' });
      await store.expandFanouts();
      const state = (await queuedEffects(store)).filter((e) => e.kind === 'note');
      for (const e of state) await deliver(store, e.id);

      const told = await shareOutcomes(store, Date.now());
      const items = await shared(store, t.id);
      expect(items).toHaveLength(2);
      const ofNote = items.find((a) => a.type === 'deliveries' && a.sourceActivityId === note[0]!.sourceActivityId);
      expect(ofNote).toMatchObject({ actorId: '', outcomes: expect.any(Array) });
      expect(ofNote?.type === 'deliveries' && ofNote.outcomes.map((o) => [o.label, o.outcome])).toEqual([
        ['Conversation 7', 'delivered'],
        ['Conversation 8', 'delivered'],
        ['Conversation 9', 'delivered'],
        ['Conversation 10', 'failed'],
      ]);
      expect((await queuedChanges(store)).length - before).toBe(1 /* the state change */ + 2);
      expect(told?.deltas?.[0]?.activity).toHaveLength(2);
      // Shared once: nothing is left to share.
      expect(await outcomesToShare(store)).toBe(0);
      expect(await shareOutcomes(store, Date.now())).toBeNull();
    }
  });

  it('a shared item holds at most 100 outcomes, each with at most 500 characters of words', async () => {
    const { db, store } = await setup();
    const t = await create(store);
    store.setSharing({ keepLocal: new Set() });
    const source = uuidv7();
    for (let i = 0; i < 101; i++) {
      await db.put('outcomesToShare', {
        effectId: uuidv7(),
        ticketId: t.id,
        sourceActivityId: source,
        conversationKey: `chatwoot:https://app.chatwoot.com:1:${i}`,
        label: `Conversation ${i}`,
        kind: 'note',
        outcome: 'failed',
        detail: i === 0 ? 'x'.repeat(2000) : 'Chatwoot refused it (422).',
        at: 1000 + i,
      });
    }
    await shareOutcomes(store, Date.now());
    const items = (await shared(store, t.id)).flatMap((a) => (a.type === 'deliveries' ? [a.outcomes] : []));
    expect(items.map((o) => o.length).sort((a, b) => a - b)).toEqual([1, 100]);
    const first = items.flat().find((o) => o.label === 'Conversation 0')!;
    expect(first.detail).toHaveLength(500);
    expect(first.detail.endsWith('…')).toBe(true);
  });

  it('outcomes kept when the browser leaves the workspace are dropped, not shared later', async () => {
    const { store } = await setup();
    const t = await create(store);
    store.setSharing({ keepLocal: new Set() });
    await store.addNote({ requestId: rid(), actorId: ALICE.id, ticketId: t.id, body: 'Refund sent', crossPost: true });
    await deliver(store, (await queuedEffects(store))[0]!.id);
    expect(await outcomesToShare(store)).toBe(1);
    store.setSharing(null);
    expect(await shareOutcomes(store, Date.now())).toBeNull();
    expect(await outcomesToShare(store)).toBe(0);
  });
});
