/**
 * The queue's search answered from the index in memory (lib/store/word-index.ts) must list
 * exactly what reading every ticket and its words would, through edits, state changes,
 * deletions and mass changes.
 */
import { describe, expect, it } from 'vitest';
import type { Ticket } from '../../lib/model/domain';
import { filterTerm, parseSearchText, ticketTerms } from '../../lib/model/search-words';
import { compareKeys, type SearchKey } from '../../lib/store/schema';
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

/**
 * What a query lists, found the slow way: every ticket read, its terms made from it, matched as
 * the queue's search says (every word whole, the last a prefix, the filters), newest first.
 */
async function everyTicketRead(db: BacklineDatabase, q: TicketQuery): Promise<string[]> {
  const { words, prefix } = parseSearchText(q.text ?? '');
  const all = [...words];
  if (q.stateId) all.push(filterTerm.state(q.stateId));
  if (q.typeId) all.push(filterTerm.type(q.typeId));
  if (q.assigneeId !== undefined) all.push(filterTerm.assignee(q.assigneeId));
  const after: SearchKey | undefined = q.before ? [-q.before.updatedAt, q.before.id] : undefined;
  return (await db.getAll('tickets'))
    .map((t) => ({ key: [-t.updatedAt, t.id] as SearchKey, terms: ticketTerms(t) }))
    .filter(({ key, terms }) => all.every((w) => terms.includes(w)) && (!prefix || terms.some((w) => w.startsWith(prefix))) && (!after || compareKeys(key, after) > 0))
    .sort((a, b) => compareKeys(a.key, b.key))
    .slice(0, q.limit ?? 100)
    .map(({ key }) => key[1]);
}

/** Every query's pages (five tickets each) from the index in memory and from every ticket read. */
async function expectSameAnswers(store: Store, db: BacklineDatabase) {
  for (const query of QUERIES) {
    let before: TicketQuery['before'];
    for (let page = 0; page < 3; page++) {
      const q = { ...query, limit: 5, before };
      const [memory, slow] = [ids(await store.queryTickets(q)), await everyTicketRead(db, q)];
      expect(memory, JSON.stringify(q)).toEqual(slow);
      if (memory.length < 5) break;
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
    expect(ids(await store.queryTickets({ text: 'refund' })).length).toBeGreaterThan(5);
    expect(ids(await store.queryTickets({ text: 'refund ch' })).length).toBeGreaterThan(0);
    await expectSameAnswers(store, db);
  });

  it('follows edits, state changes and deletions made after it was built', async () => {
    const { db, store } = await openTestStore('word-index', [ALICE, BOB]);
    const tickets = await seed(store, 40);
    await store.queryTickets({ text: 'refund' }); // built
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

  it('rebuilds after a mass change: the next search waits for it and lists what is stored', async () => {
    const { db, store } = await openTestStore('word-index', [ALICE, BOB]);
    const [first] = await seed(store, 10);
    await store.queryTickets({ text: 'refund' }); // built
    // More tickets changed than are worth reading one by one (an import, a first sync).
    const write = db.transaction(['tickets', 'ticketWords'], 'readwrite');
    const renamed = { ...first!, title: 'wombat', updatedAt: first!.updatedAt + 1 };
    await write.objectStore('ticketWords').delete((await write.objectStore('ticketWords').index('byTicket').getKey(first!.id))!);
    await write.objectStore('tickets').put(renamed);
    await write.objectStore('ticketWords').put({ ticketId: renamed.id, order: -renamed.updatedAt, terms: ticketTerms(renamed) });
    await write.done;
    store.notify({ ticketIds: [first!.id, ...Array.from({ length: 501 }, (_, i) => `t-${i}`)] });
    expect(await store.words.find(db, ['wombat'], null, 5)).toEqual([first!.id]);
    await store.updateTicket({ requestId: uuidv7(), actorId: ALICE.id, ticketId: first!.id, baseVersion: first!.version, changes: { title: 'quokka' } });
    expect(ids(await store.queryTickets({ text: 'quokka' }))).toEqual([first!.id]);
    await expectSameAnswers(store, db);
  });

  it('answers the first search after the worker wakes, waiting for the build the queue started', async () => {
    const { db, store } = await openTestStore('word-index', [ALICE, BOB]);
    await seed(store, 20);
    // A fresh Store on the same data is a woken worker: nothing in memory yet.
    const woken = new Store(db);
    await woken.queryTickets({}); // the queue opens: a build is due in 200 ms
    expect(ids(await woken.queryTickets({ text: 're' }))).toEqual(await everyTicketRead(db, { text: 're' }));
    expect((await everyTicketRead(db, { text: 're' })).length).toBeGreaterThan(0);
  });
});
