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
import { queuedEffects, updateEffect } from '../../lib/store/propagation';

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
  it('an effect’s outcome becomes an activity item every browser gets (queued with it); outside a workspace it stays in the outbox only', async () => {
    for (const sharing of [false, true]) {
      const { store } = await setup();
      const t = await create(store);
      if (sharing) store.setSharing({ keepLocal: new Set() });
      await store.addNote({ requestId: rid(), actorId: ALICE.id, ticketId: t.id, body: 'Refund sent', crossPost: true });
      const [effect] = await queuedEffects(store);
      expect(effect).toBeDefined();
      const before = (await queuedChanges(store)).length;
      const changes = await updateEffect(store, effect!.id, null, (e) => ({ ...e, status: 'delivered', lastError: '' }), null, Date.now());
      const deliveries = (await store.getTicketView(t.id)).activity.filter((a) => a.type === 'delivery');
      if (!sharing) {
        expect(deliveries).toEqual([]);
        continue;
      }
      expect(deliveries).toEqual([expect.objectContaining({ type: 'delivery', effectId: effect!.id, outcome: 'delivered', label: 'Conversation 7', kind: 'note' })]);
      expect((await queuedChanges(store)).length).toBe(before + 1);
      expect(changes?.deltas?.[0]?.activity).toHaveLength(1);
      // A later update of the same effect (no longer queued) records nothing more.
      await updateEffect(store, effect!.id, null, (e) => ({ ...e, lastError: 'again' }), null, Date.now());
      expect((await store.getTicketView(t.id)).activity.filter((a) => a.type === 'delivery')).toHaveLength(1);
    }
  });
});
