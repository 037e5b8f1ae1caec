/**
 * The queue's search answered from the index in memory (lib/store/word-index.ts) must list
 * exactly what IndexedDB's index lists, through edits, state changes, deletions and mass changes.
 */
import { describe, expect, it, vi } from 'vitest';
import type { Ticket } from '../../lib/model/domain';
import type { Teammate } from '../../lib/model/records';
import type { TicketQuery } from '../../lib/model/views';
import { uuidv7 } from '../../lib/model/ids';
import { Store } from '../../lib/store';
import type { BacklineDatabase } from '../../lib/store/schema';
import { openTestStore } from './store-fixture';

const ALICE: Teammate = { id: 'tm-alice', name: 'Alice Agent', email: 'alice@example.com', kind: 'person' };
const BOB: Teammate = { id: 'tm-bob', name: 'Bob Billing', email: 'bob@example.com', kind: 'person' };
const WORDS = ['refund', 'invoice', 'login', 'crash', 'billing', 'shipping', 'export', 'safari', 'checkout', 'password', 'refunded', 'logout'];
const TYPES = ['type-general', 'type-billing', 'type-bug'];

/** A fixed pseudo-random sequence, so a failure can be replayed. */
function sequence(seed: number) {
  let x = seed;
  return (n: number) => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x % n;
  };
}

async function seed(store: Store, count: number): Promise<Ticket[]> {
  const pick = sequence(7);
  const tickets: Ticket[] = [];
  for (let i = 0; i < count; i++) {
    const title = Array.from({ length: 2 + pick(2) }, () => WORDS[pick(WORDS.length)]).join(' ');
    const typeId = TYPES[pick(TYPES.length)]!;
    tickets.push(
      await store.createTicket({
        requestId: uuidv7(),
        actorId: ALICE.id,
        title,
        typeId,
        // A bug has a severity: its value is a word the ticket is found by.
        attributes: typeId === 'type-bug' ? { 'attr-severity': ['High', 'Low'][pick(2)]! } : {},
        assigneeId: [ALICE.id, BOB.id, null][pick(3)]!,
        user: ['Ann Lee', 'Anton Ivanov', 'Bea Ortiz'][pick(3)]!,
      }),
    );
  }
  return tickets;
}

const QUERIES: TicketQuery[] = [
  ...WORDS.map((w) => ({ text: w })),
  ...WORDS.map((w) => ({ text: w.slice(0, 2) })),
  ...WORDS.map((w, i) => ({ text: `${w} ${WORDS[(i + 3) % WORDS.length]!.slice(0, 3)}` })),
  ...WORDS.map((w, i) => ({ text: `${w} ${WORDS[(i + 5) % WORDS.length]} an` })),
  { text: 'a' },
  { text: 'refund', stateId: 'in_progress' },
  { stateId: 'submitted' },
  { typeId: 'type-bug', text: 're' },
  { assigneeId: null, text: 'lo' },
  { assigneeId: BOB.id },
  { text: 'anton' },
  { text: 'high lo' },
  { text: 'nothing matches this' },
];

const ids = (list: { ticket: Ticket }[]) => list.map((s) => s.ticket.id);

/** Waits until the store's index in memory is built (the first search starts the build). */
async function built(store: Store, db: BacklineDatabase) {
  await vi.waitFor(async () => {
    if ((await store.words.find(db, [], 'a', 1)) === null) throw new Error('still building');
  });
}

/** Every query's pages (five tickets each) from the index in memory and from IndexedDB's. */
async function expectSameAnswers(store: Store, db: BacklineDatabase) {
  await built(store, db);
  // A Store on the same database whose index in memory is never ready: it reads IndexedDB's.
  const fromDb = new Store(db);
  Object.defineProperty(fromDb, 'words', { value: { find: async () => null, forget: () => {} } });
  for (const query of QUERIES) {
    let before: TicketQuery['before'];
    for (let page = 0; page < 3; page++) {
      const q = { ...query, limit: 5, before };
      const [memory, indexedDb] = [ids(await store.queryTickets(q)), ids(await fromDb.queryTickets(q))];
      expect(memory, JSON.stringify(q)).toEqual(indexedDb);
      if (memory.length < 5) break;
      console.log("page", page, JSON.stringify(q), memory.length);
      const last = (await store.getTicket(memory.at(-1)!)) as Ticket;
      before = { updatedAt: last.updatedAt, id: last.id };
    }
  }
}

describe('the search index in memory', () => {
  it('lists what IndexedDB lists, page by page', async () => {
    const { db, store } = await openTestStore('word-index', [ALICE, BOB]);
    await seed(store, 60);
    // Not a vacuous comparison: the queries find tickets, and more than a page for some.
    await built(store, db);
    expect(ids(await store.queryTickets({ text: 'refund' })).length).toBeGreaterThan(5);
    expect(ids(await store.queryTickets({ text: 'refund ch' })).length).toBeGreaterThan(0);
    await expectSameAnswers(store, db);
  });

  it('follows edits, state changes and deletions made after it was built', async () => {
    const { db, store } = await openTestStore('word-index', [ALICE, BOB]);
    const tickets = await seed(store, 40);
    await built(store, db);
    const [a, b, c] = tickets;
    await store.updateTicket({ requestId: uuidv7(), actorId: ALICE.id, ticketId: a!.id, baseVersion: a!.version, changes: { title: 'zebra crossing' } });
    await store.changeState({ requestId: uuidv7(), actorId: ALICE.id, ticketId: b!.id, baseVersion: b!.version, stateId: 'in_progress' });
    // A deletion as a workspace applies one: the records go, the change names the ticket.
    const tx = db.transaction(['tickets', 'ticketWords'], 'readwrite');
    await tx.objectStore('tickets').delete(c!.id);
    await tx.objectStore('ticketWords').delete((await tx.objectStore('ticketWords').index('byTicket').getKey(c!.id))!);
    await tx.done;
    store.notify({ ticketIds: [c!.id] });

    expect(ids(await store.queryTickets({ text: 'zebra' }))).toEqual([a!.id]);
    expect(ids(await store.queryTickets({ text: 'zeb' }))).toEqual([a!.id]);
    expect(ids(await store.queryTickets({ text: 'refund', stateId: 'in_progress' }))).toEqual(b!.title.includes('refund') ? [b!.id] : []);
    expect(ids(await store.queryTickets({ stateId: 'in_progress' }))).toEqual([b!.id]);
    expect(ids(await store.queryTickets({ text: c!.title.split(' ')[0]!, limit: 100 }))).not.toContain(c!.id);
    await expectSameAnswers(store, db);
  });

  it('rebuilds after a mass change, and IndexedDB answers meanwhile', async () => {
    const { db, store } = await openTestStore('word-index', [ALICE, BOB]);
    const [first] = await seed(store, 10);
    await built(store, db);
    // More tickets changed than are worth reading one by one (an import, a first sync).
    store.notify({ ticketIds: Array.from({ length: 501 }, (_, i) => `t-${i}`) });
    expect(await store.words.find(db, ['refund'], null, 5)).toBeNull();
    await store.updateTicket({ requestId: uuidv7(), actorId: ALICE.id, ticketId: first!.id, baseVersion: first!.version, changes: { title: 'quokka' } });
    expect(ids(await store.queryTickets({ text: 'quokka' }))).toEqual([first!.id]);
    await expectSameAnswers(store, db);
  });
});
