import { afterEach, describe, expect, it } from 'vitest';
import { activityOfTicket, openBacklineDb, type BacklineDatabase } from '../../lib/store/schema';
import { type ActivityRecord, type Teammate } from '../../lib/model/records';
import { MAX_NOTE_LENGTH, type Ticket, type TicketType } from '../../lib/model/domain';
import { BacklineError, type ErrorCode } from '../../lib/model/errors';
import { conversationKey } from '../../lib/helpdesks';
import { UUID_PATTERN, uuidv7 } from '../../lib/model/ids';
import { Store } from '../../lib/store';
import { type ChangeSet, type ConversationInput } from '../../lib/model/views';

const ALICE: Teammate = { id: 'tm-alice', name: 'Alice Agent', email: 'alice@example.com', kind: 'person' };
const BOB: Teammate = { id: 'tm-bob', name: 'Bob Billing', email: 'bob@example.com', kind: 'person' };
const DAY = 24 * 3600 * 1000;

const open: BacklineDatabase[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

async function setup() {
  const db = await openBacklineDb(`store-test-${crypto.randomUUID()}`);
  open.push(db);
  const changes: ChangeSet[] = [];
  const store = new Store(db, (c) => changes.push(c));
  await db.put('teammates', ALICE);
  await db.put('teammates', BOB);
  return { db, store, changes };
}

const rid = () => uuidv7();

function conv(id: string, extra: Partial<ConversationInput> = {}): ConversationInput {
  const ctx = { helpdesk: 'chatwoot' as const, origin: 'https://app.chatwoot.com', account: '1', conversationId: id };
  return {
    key: conversationKey(ctx),
    ...ctx,
    kind: 'conversation',
    title: `Conversation ${id}`,
    customerName: 'Carol Customer',
    customerEmail: 'carol@example.com',
    company: 'Acme Ltd',
    ...extra,
  };
}

type CreateInput = Parameters<Store['createTicket']>[0];
function create(store: Store, extra: Partial<CreateInput> = {}): Promise<Ticket> {
  return store.createTicket({ requestId: rid(), actorId: ALICE.id, title: 'Refund stuck', typeId: 'type-general', ...extra });
}

/** Everything a write could touch, to prove that a refused one touched nothing. */
async function snapshot(db: BacklineDatabase) {
  return {
    tickets: await db.getAll('tickets'),
    activity: await db.getAll('activity'),
    links: await db.getAll('links'),
    outbox: await db.getAll('outbox'),
    conversations: await db.getAll('conversations'),
    requests: await db.getAll('requests'),
    meta: await db.getAll('meta'),
  };
}

async function refused(p: Promise<unknown>, code: ErrorCode): Promise<BacklineError> {
  const e = await p.then(
    () => {
      throw new Error(`expected the write to be refused with '${code}'`);
    },
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(BacklineError);
  expect((e as BacklineError).code).toBe(code);
  return e as BacklineError;
}

async function activityOf(db: BacklineDatabase, ticketId: string): Promise<ActivityRecord[]> {
  return (await db.getAllFromIndex('activity', 'byTicketItem', activityOfTicket(ticketId))).sort((a, b) => a.id.localeCompare(b.id));
}

async function effectsOf(db: BacklineDatabase, ticketId: string) {
  return (await db.getAll('outbox')).filter((e) => e.ticketId === ticketId).sort((a, b) => a.id.localeCompare(b.id));
}

// ---------------------------------------------------------------------------------------------

describe('createTicket', () => {
  it('numbers tickets #1, #2, #3 with unique ids, starting in Submitted at version 1', async () => {
    const { db, store } = await setup();
    const a = await create(store, { title: 'First' });
    const b = await create(store, { title: 'Second' });
    const c = await create(store, { title: 'Third', typeId: 'type-billing' });
    expect([a.number, b.number, c.number]).toEqual([1, 2, 3]);
    expect(new Set([a.id, b.id, c.id]).size).toBe(3);
    for (const t of [a, b, c]) {
      expect(t.id).toMatch(UUID_PATTERN);
      expect(t.stateId).toBe('submitted');
      expect(t.version).toBe(1);
      expect(t.createdBy).toBe(ALICE.id);
      expect(t.assigneeId).toBeNull();
      expect(t.sharing).toBe('internal');
    }
    expect(c.kind).toBe('backoffice');
    expect(c.typeId).toBe('type-billing');
    expect(await db.get('tickets', b.id)).toEqual(b);
    const log = await activityOf(db, a.id);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ type: 'created', actorId: ALICE.id });
  });

  it('trims the title and keeps description, assignee and valid attributes', async () => {
    const { store } = await setup();
    const t = await create(store, {
      title: '  Checkout crashes  ',
      typeId: 'type-bug',
      description: '<p>Steps <b>here</b></p>',
      assigneeId: BOB.id,
      attributes: { 'attr-severity': 'High', 'attr-affected-users': '12', 'attr-regression': 'yes', 'not-an-attribute': 'x' },
    });
    expect(t.title).toBe('Checkout crashes');
    expect(t.description).toBe('<p>Steps <b>here</b></p>');
    expect(t.assigneeId).toBe(BOB.id);
    expect(t.attributes).toEqual({ 'attr-severity': 'High', 'attr-affected-users': 12, 'attr-regression': true });
  });

  it('links the ticket to the conversation it was raised from and takes user and company from it', async () => {
    const { db, store } = await setup();
    const c = conv('42');
    const t = await create(store, { conversation: c });
    expect(t.user).toBe('Carol Customer');
    expect(t.company).toBe('Acme Ltd');
    const links = await db.getAllFromIndex('links', 'byConversation', c.key);
    expect(links).toHaveLength(1);
    expect(links[0]).toMatchObject({ ticketId: t.id, conversationKey: c.key, createdBy: ALICE.id });
    expect(await store.getConversation(c.key)).toMatchObject({ title: 'Conversation 42', customerEmail: 'carol@example.com' });
    const linked = await store.linkedTickets(c.key);
    expect(linked.map((s) => s.ticket.id)).toEqual([t.id]);
  });

  it('prefers the user and company typed by the agent over the conversation record', async () => {
    const { store } = await setup();
    const t = await create(store, { conversation: conv('43'), user: ' Dave Direct ', company: 'Globex' });
    expect(t.user).toBe('Dave Direct');
    expect(t.company).toBe('Globex');
  });

  it.each([
    ['empty', ''],
    ['whitespace only', '   \n\t'],
    ['too long', 'x'.repeat(301)],
  ])('refuses a %s title and writes nothing', async (_label, title) => {
    const { db, store, changes } = await setup();
    const before = await snapshot(db);
    const e = await refused(create(store, { title, conversation: conv('1') }), 'invalid');
    expect(e.details).toMatchObject({ field: 'title' });
    expect(await snapshot(db)).toEqual(before);
    expect(changes).toEqual([]);
  });

  it('refuses an unknown or archived ticket type and writes nothing', async () => {
    const { db, store } = await setup();
    const archived: TicketType = { ...(await db.get('ticketTypes', 'type-general'))!, id: 'type-old', archived: true };
    await db.put('ticketTypes', archived);
    const before = await snapshot(db);
    await refused(create(store, { typeId: 'type-missing', conversation: conv('1') }), 'invalid');
    await refused(create(store, { typeId: 'type-old', conversation: conv('1') }), 'invalid');
    expect(await snapshot(db)).toEqual(before);
  });

  it('refuses a missing required attribute, naming it, and does not advance the counter', async () => {
    const { db, store, changes } = await setup();
    const before = await snapshot(db);
    const e = await refused(create(store, { typeId: 'type-bug', conversation: conv('7'), attributes: {} }), 'invalid');
    expect(e.message).toContain('Severity');
    expect(e.details).toMatchObject({ attributes: { 'attr-severity': expect.any(String) } });
    const bad = await refused(
      create(store, { typeId: 'type-bug', attributes: { 'attr-severity': 'Apocalyptic' } }),
      'invalid',
    );
    expect(bad.message).toContain('Severity must be one of');
    expect(await snapshot(db)).toEqual(before);
    expect(await store.getConversation(conv('7').key)).toBeNull();
    expect(changes).toEqual([]);
    // The next good ticket still gets #1: no number was used up by the refusals.
    const ok = await create(store, { typeId: 'type-bug', attributes: { 'attr-severity': 'Low' } });
    expect(ok.number).toBe(1);
  });

  it('refuses an assignee who is not a teammate and writes nothing', async () => {
    const { db, store } = await setup();
    const before = await snapshot(db);
    const e = await refused(create(store, { assigneeId: 'tm-nobody', conversation: conv('8') }), 'invalid');
    expect(e.details).toMatchObject({ field: 'assigneeId' });
    expect(await snapshot(db)).toEqual(before);
  });

  it('refuses a description over the limit', async () => {
    const { db, store } = await setup();
    const before = await snapshot(db);
    await refused(create(store, { description: 'x'.repeat(200_001) }), 'invalid');
    expect(await snapshot(db)).toEqual(before);
  });

  it('rolls back everything when the write fails after it started writing', async () => {
    const { db, store, changes } = await setup();
    // A ticket #1 that did not come through the counter (e.g. merged in from another browser):
    // the create below advances the counter and stores the conversation, then clashes on #1.
    const imported = { ...(await create(store)), id: uuidv7() };
    await db.clear('tickets');
    await db.clear('activity');
    await db.delete('meta', 'ticketCounter');
    await db.put('tickets', imported);
    changes.length = 0;
    const before = await snapshot(db);
    await refused(create(store, { conversation: conv('99') }), 'conflict');
    expect(await snapshot(db)).toEqual(before);
    expect(await store.getConversation(conv('99').key)).toBeNull();
    expect(changes).toEqual([]);
  });
});

describe('conversations without an account in their URL', () => {
  it('keep the empty account, so that a connection can serve them (Help Scout, Front)', async () => {
    const { db, store } = await setup();
    const ctx = { helpdesk: 'helpscout' as const, origin: 'https://secure.helpscout.net', account: '', conversationId: '2199011258' };
    await create(store, { conversation: { key: conversationKey(ctx), ...ctx, kind: 'conversation', title: '', customerName: '', customerEmail: '', company: '' } });
    const [rec] = await db.getAll('conversations');
    expect(rec).toMatchObject({ helpdesk: 'helpscout', account: '', conversationId: '2199011258' });
  });
});

describe('idempotent retries', () => {
  it('a createTicket retried with the same request id creates one ticket and returns the same result', async () => {
    const { db, store, changes } = await setup();
    const requestId = rid();
    const first = await create(store, { requestId, conversation: conv('5') });
    const again = await create(store, { requestId, conversation: conv('5') });
    expect(again).toEqual(first);
    expect(await db.count('tickets')).toBe(1);
    expect(await db.count('activity')).toBe(1);
    expect(await db.count('links')).toBe(1);
    expect(changes).toHaveLength(1);
    expect((await create(store)).number).toBe(2);
  });

  it('an addNote retried with the same request id adds one note and queues one set of effects', async () => {
    const { db, store } = await setup();
    const t = await create(store, { conversation: conv('1') });
    await store.link({ requestId: rid(), actorId: ALICE.id, ticketId: t.id, conversation: conv('2') });
    const input = { requestId: rid(), actorId: ALICE.id, ticketId: t.id, body: 'Escalated to payments', crossPost: true };
    const first = await store.addNote(input);
    const again = await store.addNote(input);
    expect(again).toEqual(first);
    const notes = (await activityOf(db, t.id)).filter((a) => a.type === 'note');
    expect(notes).toHaveLength(1);
    expect(await effectsOf(db, t.id)).toHaveLength(2);
  });

  it('a changeState retried with the same request id changes state once, even though its base version is now old', async () => {
    const { db, store } = await setup();
    const t = await create(store, { conversation: conv('1') });
    const input = { requestId: rid(), actorId: ALICE.id, ticketId: t.id, baseVersion: t.version, stateId: 'in_progress' };
    const first = await store.changeState(input);
    const again = await store.changeState(input);
    expect(again).toEqual(first);
    expect(first.version).toBe(2);
    expect((await store.getTicket(t.id)).version).toBe(2);
    expect((await activityOf(db, t.id)).filter((a) => a.type === 'state')).toHaveLength(1);
    const effects = await effectsOf(db, t.id);
    expect(effects.map((e) => e.kind)).toEqual(['note', 'reopen']);
  });

  it('a refused write does not record its request id, so a corrected retry goes through', async () => {
    const { store } = await setup();
    const requestId = rid();
    await refused(create(store, { requestId, typeId: 'type-bug' }), 'invalid');
    const t = await create(store, { requestId, typeId: 'type-bug', attributes: { 'attr-severity': 'Low' } });
    expect(t.number).toBe(1);
  });

  it('refuses a write without a request id', async () => {
    const { db, store } = await setup();
    await refused(create(store, { requestId: '' }), 'invalid');
    expect(await db.count('tickets')).toBe(0);
  });
});

describe('versions (no lost updates across tabs)', () => {
  it('a successful update bumps the version; an update of the same field made against the old one is refused as stale', async () => {
    const { db, store, changes } = await setup();
    const t = await create(store, { title: 'Original' });
    const v2 = await store.updateTicket({ requestId: rid(), actorId: ALICE.id, ticketId: t.id, baseVersion: 1, changes: { title: 'From tab A' } });
    expect(v2.version).toBe(2);
    expect(v2.title).toBe('From tab A');
    expect(v2.updatedAt).toBeGreaterThanOrEqual(t.updatedAt);
    changes.length = 0;
    const activityBefore = await db.count('activity');

    const e = await refused(
      store.updateTicket({ requestId: rid(), actorId: BOB.id, ticketId: t.id, baseVersion: 1, changes: { title: 'From tab B' } }),
      'stale',
    );
    // Who changed what, in words; the details carry what is saved now, for the page to show.
    expect(e.message).toMatch(/^Alice Agent changed this ticket’s “Title” after your change began, so your change was not saved\./);
    expect(e.details).toEqual({
      currentVersion: 2,
      ticket: v2,
      conflicts: [{ field: 'title', label: 'Title', actorId: ALICE.id, at: v2.updatedAt }],
    });
    expect(await store.getTicket(t.id)).toEqual(v2);
    expect(await db.count('activity')).toBe(activityBefore);
    expect(changes).toEqual([]);
  });

  it('an edit of another field made against an old version applies on top and keeps the newer change', async () => {
    const { db, store } = await setup();
    const t = await create(store, { title: 'Original', user: 'Carol', typeId: 'type-bug', attributes: { 'attr-severity': 'Low' } });
    // Tab B saves the title while tab A is editing User, Severity and the description.
    await store.updateTicket({ requestId: rid(), actorId: BOB.id, ticketId: t.id, baseVersion: 1, changes: { title: 'From tab B' } });
    const a = await store.updateTicket({
      requestId: rid(),
      actorId: ALICE.id,
      ticketId: t.id,
      baseVersion: 1,
      changes: { user: 'Caroline', description: '<p>Steps</p>', attributes: { 'attr-severity': 'High' } },
    });
    expect(a).toMatchObject({ version: 3, title: 'From tab B', user: 'Caroline', description: '<p>Steps</p>', attributes: { 'attr-severity': 'High' } });
    expect(await store.getTicket(t.id)).toEqual(a);
    // Each field change records the version it produced.
    const log = (await activityOf(db, t.id)).filter((x) => x.type === 'attribute');
    expect(log.map((x) => [x.type === 'attribute' && x.field, x.version])).toEqual([
      ['title', 2],
      ['description', 3],
      ['user', 3],
      ['attr-severity', 3],
    ]);
  });

  it('an edit is refused when any field it changes was changed since its version, and saves none of its fields', async () => {
    const { db, store } = await setup();
    const t = await create(store, { typeId: 'type-bug', attributes: { 'attr-severity': 'Low' } });
    const b = await store.updateTicket({ requestId: rid(), actorId: BOB.id, ticketId: t.id, baseVersion: 1, changes: { attributes: { 'attr-severity': 'Critical' } } });
    await store.updateTicket({ requestId: rid(), actorId: ALICE.id, ticketId: t.id, baseVersion: 2, changes: { company: 'Initech' } });
    const before = await snapshot(db);
    const e = await refused(
      store.updateTicket({ requestId: rid(), actorId: ALICE.id, ticketId: t.id, baseVersion: 1, changes: { user: 'Dave', attributes: { 'attr-severity': 'High' } } }),
      'stale',
    );
    expect(e.message).toMatch(/^Bob Billing changed this ticket’s “Severity”/);
    expect(e.details).toMatchObject({ currentVersion: 3, conflicts: [{ field: 'attr-severity', label: 'Severity', actorId: BOB.id, at: b.updatedAt }] });
    expect((e.details as { ticket: Ticket }).ticket).toMatchObject({ version: 3, company: 'Initech', attributes: { 'attr-severity': 'Critical' } });
    expect(await snapshot(db)).toEqual(before);
  });

  it('saving the value that is already stored is no conflict and changes nothing', async () => {
    const { store } = await setup();
    const t = await create(store, { title: 'Original' });
    const b = await store.updateTicket({ requestId: rid(), actorId: BOB.id, ticketId: t.id, baseVersion: 1, changes: { title: 'Agreed' } });
    const a = await store.updateTicket({ requestId: rid(), actorId: ALICE.id, ticketId: t.id, baseVersion: 1, changes: { title: 'Agreed' } });
    expect(a).toEqual(b);
  });

  it('saving again against the version the refusal reported goes through ("Keep mine")', async () => {
    const { store } = await setup();
    const t = await create(store, { title: 'Original' });
    await store.updateTicket({ requestId: rid(), actorId: BOB.id, ticketId: t.id, baseVersion: 1, changes: { title: 'From tab B' } });
    const e = await refused(store.updateTicket({ requestId: rid(), actorId: ALICE.id, ticketId: t.id, baseVersion: 1, changes: { title: 'From tab A' } }), 'stale');
    const { currentVersion } = e.details as { currentVersion: number };
    const kept = await store.updateTicket({ requestId: rid(), actorId: ALICE.id, ticketId: t.id, baseVersion: currentVersion, changes: { title: 'From tab A' } });
    expect(kept).toMatchObject({ title: 'From tab A', version: 3 });
  });

  it('the same teammate in another tab is named as such', async () => {
    const { store } = await setup();
    const t = await create(store, { title: 'Original' });
    await store.updateTicket({ requestId: rid(), actorId: ALICE.id, ticketId: t.id, baseVersion: 1, changes: { title: 'Tab B' } });
    const e = await refused(store.updateTicket({ requestId: rid(), actorId: ALICE.id, ticketId: t.id, baseVersion: 1, changes: { title: 'Tab A' } }), 'stale');
    expect(e.message).toMatch(/^You \(in another tab or window\) changed this ticket’s “Title”/);
  });

  it('when the log does not say what changed since the edit began (changes from before versions were logged), any edit is refused', async () => {
    const { db, store } = await setup();
    const t = await create(store, { title: 'Original', user: 'Carol' });
    await store.updateTicket({ requestId: rid(), actorId: BOB.id, ticketId: t.id, baseVersion: 1, changes: { title: 'Old release edit' } });
    // As an older release stored it: the activity item without the version it produced.
    const [item] = (await activityOf(db, t.id)).filter((a) => a.type === 'attribute');
    const { version: _dropped, ...untagged } = item!;
    await db.put('activity', untagged);
    await store.updateTicket({ requestId: rid(), actorId: BOB.id, ticketId: t.id, baseVersion: 2, changes: { company: 'Initech' } });

    const e = await refused(store.updateTicket({ requestId: rid(), actorId: ALICE.id, ticketId: t.id, baseVersion: 1, changes: { user: 'Caroline' } }), 'stale');
    expect(e.details).toMatchObject({ currentVersion: 3, conflicts: [{ field: 'user', label: 'User', actorId: null, at: null }] });
    expect(e.message).toMatch(/^Someone changed this ticket’s “User”/);
    // From a version after the unlogged change, the log is complete again.
    const r = await store.updateTicket({ requestId: rid(), actorId: ALICE.id, ticketId: t.id, baseVersion: 2, changes: { user: 'Caroline' } });
    expect(r).toMatchObject({ user: 'Caroline', company: 'Initech', version: 4 });
    // A version the store never had (from a page that cannot have seen it) is refused too.
    await refused(store.updateTicket({ requestId: rid(), actorId: ALICE.id, ticketId: t.id, baseVersion: 9, changes: { user: 'Dave' } }), 'stale');
  });

  it('a state change made against an old version is refused when the state changed since, and queues nothing', async () => {
    const { db, store } = await setup();
    const t = await create(store, { conversation: conv('1') });
    await store.changeState({ requestId: rid(), actorId: BOB.id, ticketId: t.id, baseVersion: 1, stateId: 'waiting' });
    const before = await snapshot(db);
    const e = await refused(
      store.changeState({ requestId: rid(), actorId: ALICE.id, ticketId: t.id, baseVersion: 1, stateId: 'resolved' }),
      'stale',
    );
    expect(e.message).toMatch(/^Bob Billing changed this ticket’s state/);
    expect(e.details).toMatchObject({ currentVersion: 2, ticket: { stateId: 'waiting' }, conflicts: [{ field: 'stateId', actorId: BOB.id }] });
    expect(await snapshot(db)).toEqual(before);
    expect((await store.getTicket(t.id)).stateId).toBe('waiting');
  });

  it('a state change and an edit of other fields made against the same version both apply, in either order', async () => {
    const { db, store } = await setup();
    const t = await create(store, { conversation: conv('1') });
    await store.updateTicket({ requestId: rid(), actorId: ALICE.id, ticketId: t.id, baseVersion: 1, changes: { company: 'Initech' } });
    const moved = await store.changeState({ requestId: rid(), actorId: BOB.id, ticketId: t.id, baseVersion: 1, stateId: 'resolved' });
    expect(moved).toMatchObject({ stateId: 'resolved', company: 'Initech', version: 3 });
    expect((await activityOf(db, t.id)).find((a) => a.type === 'state')?.version).toBe(3);
    const edited = await store.updateTicket({ requestId: rid(), actorId: ALICE.id, ticketId: t.id, baseVersion: 1, changes: { title: 'Late but harmless' } });
    expect(edited).toMatchObject({ stateId: 'resolved', company: 'Initech', title: 'Late but harmless', version: 4 });
  });

  it('an assignment made against an old version is refused when someone assigned the ticket since', async () => {
    const { store } = await setup();
    const t = await create(store);
    await store.updateTicket({ requestId: rid(), actorId: BOB.id, ticketId: t.id, baseVersion: 1, changes: { assigneeId: BOB.id } });
    const e = await refused(store.updateTicket({ requestId: rid(), actorId: ALICE.id, ticketId: t.id, baseVersion: 1, changes: { assigneeId: ALICE.id } }), 'stale');
    expect(e.message).toMatch(/^Bob Billing changed this ticket’s assignee/);
    expect((await store.getTicket(t.id)).assigneeId).toBe(BOB.id);
  });

  it('User and Company keep the one limit the protocol and the import have (1,000 characters)', async () => {
    const { store } = await setup();
    const t = await create(store);
    const v2 = await store.updateTicket({ requestId: rid(), actorId: ALICE.id, ticketId: t.id, baseVersion: 1, changes: { user: 'u'.repeat(1000), company: 'c'.repeat(1000) } });
    expect([v2.user.length, v2.company.length]).toEqual([1000, 1000]);
    const e = await refused(store.updateTicket({ requestId: rid(), actorId: ALICE.id, ticketId: t.id, baseVersion: 2, changes: { company: 'c'.repeat(1001) } }), 'invalid');
    expect(e.message).toBe('Company is too long (limit 1,000 characters).');
  });

  it('an update of a ticket that does not exist is not_found', async () => {
    const { store } = await setup();
    await refused(
      store.updateTicket({ requestId: rid(), actorId: ALICE.id, ticketId: 'nope', baseVersion: 1, changes: { title: 'x' } }),
      'not_found',
    );
    await refused(store.getTicket('nope'), 'not_found');
  });

  it('an update that changes nothing keeps the version and logs nothing', async () => {
    const { db, store, changes } = await setup();
    const t = await create(store, { title: 'Same' });
    changes.length = 0;
    const r = await store.updateTicket({ requestId: rid(), actorId: ALICE.id, ticketId: t.id, baseVersion: 1, changes: { title: ' Same ', sharing: 'internal' } });
    expect(r.version).toBe(1);
    expect(await activityOf(db, t.id)).toHaveLength(1);
    expect(changes.flatMap((c) => c.ticketIds)).toEqual([]);
  });

  it('a failure midway (assignee not a teammate) leaves the other edits of the same request unsaved', async () => {
    const { db, store, changes } = await setup();
    const t = await create(store, { title: 'Before' });
    changes.length = 0;
    const before = await snapshot(db);
    const e = await refused(
      store.updateTicket({
        requestId: rid(),
        actorId: ALICE.id,
        ticketId: t.id,
        baseVersion: 1,
        changes: { title: 'After', company: 'Initech', assigneeId: 'tm-ghost' },
      }),
      'invalid',
    );
    expect(e.details).toMatchObject({ field: 'assigneeId' });
    expect(await snapshot(db)).toEqual(before);
    expect(changes).toEqual([]);
  });
});

describe('attribute edits', () => {
  it('log one activity item per changed field with readable from/to text', async () => {
    const { db, store } = await setup();
    const t = await create(store, {
      title: 'Old title',
      typeId: 'type-bug',
      attributes: { 'attr-severity': 'Low', 'attr-steps': 'Click pay' },
      user: 'Carol',
    });
    const r = await store.updateTicket({
      requestId: rid(),
      actorId: BOB.id,
      ticketId: t.id,
      baseVersion: 1,
      changes: {
        title: 'New title',
        user: 'Caroline',
        sharing: 'shared',
        assigneeId: BOB.id,
        attributes: { 'attr-severity': 'High', 'attr-regression': true, 'attr-steps': '' },
      },
    });
    expect(r).toMatchObject({ title: 'New title', user: 'Caroline', sharing: 'shared', assigneeId: BOB.id, version: 2 });
    expect(r.attributes).toEqual({ 'attr-severity': 'High', 'attr-regression': true });
    const log = (await activityOf(db, t.id)).filter((a) => a.type !== 'created');
    expect(log.every((a) => a.actorId === BOB.id)).toBe(true);
    expect(log).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'attribute', field: 'title', label: 'Title', from: 'Old title', to: 'New title' }),
        expect.objectContaining({ type: 'attribute', field: 'user', label: 'User', from: 'Carol', to: 'Caroline' }),
        expect.objectContaining({ type: 'attribute', field: 'sharing', from: 'Internal only', to: 'Shared with customer' }),
        expect.objectContaining({ type: 'assignment', from: null, to: BOB.id }),
        expect.objectContaining({ type: 'attribute', field: 'attr-severity', label: 'Severity', from: 'Low', to: 'High' }),
        expect.objectContaining({ type: 'attribute', field: 'attr-regression', label: 'Regression', from: '—', to: 'Yes' }),
        expect.objectContaining({ type: 'attribute', field: 'attr-steps', label: 'Steps to reproduce', from: 'Click pay', to: '—' }),
      ]),
    );
    expect(log).toHaveLength(7);
  });

  it('refuses clearing a required attribute or giving a bad value, and saves nothing', async () => {
    const { db, store } = await setup();
    const t = await create(store, { typeId: 'type-bug', attributes: { 'attr-severity': 'Low' } });
    const before = await snapshot(db);
    const e = await refused(
      store.updateTicket({ requestId: rid(), actorId: ALICE.id, ticketId: t.id, baseVersion: 1, changes: { attributes: { 'attr-severity': '' } } }),
      'invalid',
    );
    expect(e.message).toBe('Severity is required.');
    const e2 = await refused(
      store.updateTicket({ requestId: rid(), actorId: ALICE.id, ticketId: t.id, baseVersion: 1, changes: { title: 'x', attributes: { 'attr-affected-users': 'many' } } }),
      'invalid',
    );
    expect(e2.message).toContain('Affected users');
    expect(await snapshot(db)).toEqual(before);
  });

  it('keeps the values of attributes an admin archived or removed when other attributes are edited', async () => {
    const { db, store } = await setup();
    const t = await create(store, { typeId: 'type-billing', attributes: { 'attr-invoice': 'INV-1', 'attr-amount': '12,50' } });
    expect(t.attributes).toEqual({ 'attr-invoice': 'INV-1', 'attr-amount': 12.5 });
    const type = (await db.get('ticketTypes', 'type-billing'))!;
    await db.put('ticketTypes', {
      ...type,
      attributes: type.attributes
        .filter((a) => a.id !== 'attr-amount')
        .map((a) => (a.id === 'attr-invoice' ? { ...a, archived: true } : a)),
    });
    const r = await store.updateTicket({ requestId: rid(), actorId: ALICE.id, ticketId: t.id, baseVersion: 1, changes: { attributes: { 'attr-reason': 'Goodwill' } } });
    expect(r.attributes).toEqual({ 'attr-invoice': 'INV-1', 'attr-amount': 12.5, 'attr-reason': 'Goodwill' });
  });
});

describe('changeState and its effects on linked conversations', () => {
  async function linkedTicket(store: Store, n = 2, extra: Partial<CreateInput> = {}) {
    const t = await create(store, { title: 'Card declined', conversation: conv('100'), ...extra });
    for (let i = 1; i < n; i++) {
      await store.link({ requestId: rid(), actorId: ALICE.id, ticketId: t.id, conversation: conv(String(100 + i)) });
    }
    return t;
  }

  it('queues an event note and a reopen for every linked conversation, in the same write', async () => {
    const { db, store } = await setup();
    const t = await linkedTicket(store);
    const r = await store.changeState({ requestId: rid(), actorId: ALICE.id, ticketId: t.id, baseVersion: 1, stateId: 'in_progress' });
    expect(r.stateId).toBe('in_progress');
    const state = (await activityOf(db, t.id)).find((a) => a.type === 'state')!;
    expect(state).toMatchObject({ type: 'state', from: 'submitted', to: 'in_progress', reopens: true, actorId: ALICE.id });
    const effects = await effectsOf(db, t.id);
    expect(effects).toHaveLength(4);
    for (const key of [conv('100').key, conv('101').key]) {
      const mine = effects.filter((e) => e.conversationKey === key);
      expect(mine.map((e) => e.kind).sort()).toEqual(['note', 'reopen']);
      const note = mine.find((e) => e.kind === 'note')!;
      expect(note.body).toContain('#1');
      expect(note.body).toContain('Card declined');
      expect(note.body).toContain('from Submitted to In progress');
      expect(note.body).toContain('Alice Agent');
    }
    for (const e of effects) {
      expect(e).toMatchObject({ status: 'queued', attempts: 0, sourceActivityId: state.id, ticketId: t.id });
    }
  });

  it('refuses a state the ticket type does not have and changes nothing', async () => {
    const { db, store } = await setup();
    const t = await linkedTicket(store);
    const before = await snapshot(db);
    await refused(store.changeState({ requestId: rid(), actorId: ALICE.id, ticketId: t.id, baseVersion: 1, stateId: 'on_fire' }), 'invalid');
    expect(await snapshot(db)).toEqual(before);
  });

  it('moving to the current state changes nothing and queues nothing', async () => {
    const { db, store } = await setup();
    const t = await linkedTicket(store);
    const r = await store.changeState({ requestId: rid(), actorId: ALICE.id, ticketId: t.id, baseVersion: 1, stateId: 'submitted' });
    expect(r.version).toBe(1);
    expect(await db.count('outbox')).toBe(0);
  });

  it('with "prevent reopening" on, queues only notes; turning it off later leaves earlier effects alone', async () => {
    const { db, store } = await setup();
    const t = await linkedTicket(store);
    expect((await store.getSettings()).preventReopen).toBe(false);
    expect(await store.saveSettings(rid(), { preventReopen: true })).toMatchObject({ preventReopen: true });
    expect((await store.getSettings()).preventReopen).toBe(true);

    const r = await store.changeState({ requestId: rid(), actorId: ALICE.id, ticketId: t.id, baseVersion: 1, stateId: 'waiting' });
    const firstEffects = await effectsOf(db, t.id);
    expect(firstEffects.map((e) => e.kind)).toEqual(['note', 'note']);
    const state1 = (await activityOf(db, t.id)).find((a) => a.type === 'state')!;
    expect(state1).toMatchObject({ reopens: false });

    await store.saveSettings(rid(), { preventReopen: false });
    expect(await effectsOf(db, t.id)).toEqual(firstEffects);
    expect((await activityOf(db, t.id)).find((a) => a.id === state1.id)).toEqual(state1);

    await store.changeState({ requestId: rid(), actorId: ALICE.id, ticketId: t.id, baseVersion: r.version, stateId: 'resolved' });
    const later = (await effectsOf(db, t.id)).filter((e) => !firstEffects.some((f) => f.id === e.id));
    expect(later.map((e) => e.kind).sort()).toEqual(['note', 'note', 'reopen', 'reopen']);
  });

  it('a ticket without links changes state without queueing anything', async () => {
    const { db, store } = await setup();
    const t = await create(store);
    await store.changeState({ requestId: rid(), actorId: ALICE.id, ticketId: t.id, baseVersion: 1, stateId: 'resolved' });
    expect(await db.count('outbox')).toBe(0);
    expect((await activityOf(db, t.id)).find((a) => a.type === 'state')).toMatchObject({ reopens: false });
  });

  it('a tracker ticket needs the propagation choices and queues only what was chosen', async () => {
    const { db, store } = await setup();
    const t = await linkedTicket(store, 3, { typeId: 'type-tracker', title: 'Outage' });
    expect(t.kind).toBe('tracker');
    const before = await snapshot(db);
    await refused(store.changeState({ requestId: rid(), actorId: ALICE.id, ticketId: t.id, baseVersion: 1, stateId: 'in_progress' }), 'invalid');
    expect(await snapshot(db)).toEqual(before);

    await store.changeState({
      requestId: rid(),
      actorId: ALICE.id,
      ticketId: t.id,
      baseVersion: 1,
      stateId: 'in_progress',
      propagation: [
        { conversationKey: conv('100').key, note: true, reopen: false },
        { conversationKey: conv('101').key, note: false, reopen: true },
        { conversationKey: conv('102').key, note: false, reopen: false },
        // Not linked to this ticket: must be ignored.
        { conversationKey: conv('999').key, note: true, reopen: true },
      ],
    });
    const effects = await effectsOf(db, t.id);
    expect(effects.map((e) => [e.conversationKey, e.kind])).toEqual(
      expect.arrayContaining([
        [conv('100').key, 'note'],
        [conv('101').key, 'reopen'],
      ]),
    );
    expect(effects).toHaveLength(2);
    expect((await activityOf(db, t.id)).find((a) => a.type === 'state')).toMatchObject({ reopens: true });
  });

  it('a tracker ticket ignores "prevent reopening": the dialog decides', async () => {
    const { db, store } = await setup();
    const t = await linkedTicket(store, 1, { typeId: 'type-tracker' });
    await store.saveSettings(rid(), { preventReopen: true });
    await store.changeState({
      requestId: rid(),
      actorId: ALICE.id,
      ticketId: t.id,
      baseVersion: 1,
      stateId: 'resolved',
      propagation: [{ conversationKey: conv('100').key, note: true, reopen: true }],
    });
    expect((await effectsOf(db, t.id)).map((e) => e.kind).sort()).toEqual(['note', 'reopen']);
  });

  it('per-state rules and the age rule decide which conversations are reopened', async () => {
    const { db, store } = await setup();
    const t = await linkedTicket(store, 3);
    // Backline saw 101 resolved 2 days ago and 102 resolved 60 days ago.
    for (const [id, days] of [['101', 2], ['102', 60]] as const) {
      const c = (await db.get('conversations', conv(id).key))!;
      await db.put('conversations', { ...c, status: 'resolved', closedSince: Date.now() - days * 24 * 3600 * 1000 });
    }
    await store.saveSettings(rid(), { noReopenStates: ['in_progress'], reopenMaxAgeDays: 30 });
    await store.changeState({ requestId: rid(), actorId: ALICE.id, ticketId: t.id, baseVersion: 1, stateId: 'in_progress' });
    let effects = await effectsOf(db, t.id);
    expect(effects.filter((e) => e.kind === 'note')).toHaveLength(3);
    expect(effects.filter((e) => e.kind === 'reopen')).toHaveLength(0);
    expect((await activityOf(db, t.id)).find((a) => a.type === 'state')).toMatchObject({ reopens: false });

    await store.changeState({ requestId: rid(), actorId: ALICE.id, ticketId: t.id, baseVersion: 2, stateId: 'resolved' });
    effects = await effectsOf(db, t.id);
    expect(effects.filter((e) => e.kind === 'reopen').map((e) => e.conversationKey).sort()).toEqual([conv('100').key, conv('101').key].sort());
  });
});

describe('addNote', () => {
  it('a cross-post to chosen conversations queues notes only there, and refuses a conversation not linked', async () => {
    const { db, store } = await setup();
    const t = await create(store, { title: 'Refund', conversation: conv('1') });
    for (const id of ['2', '3']) await store.link({ requestId: rid(), actorId: ALICE.id, ticketId: t.id, conversation: conv(id) });
    const chosen = [conv('1').key, conv('3').key];
    const note = await store.addNote({ requestId: rid(), actorId: ALICE.id, ticketId: t.id, body: 'Only two', crossPost: true, conversationKeys: chosen });
    expect(note).toMatchObject({ crossPosted: true, crossPostedTo: chosen });
    expect((await effectsOf(db, t.id)).map((e) => e.conversationKey).sort()).toEqual([...chosen].sort());

    const e = await refused(
      store.addNote({ requestId: rid(), actorId: ALICE.id, ticketId: t.id, body: 'Elsewhere', crossPost: true, conversationKeys: [conv('9').key] }),
      'invalid',
    );
    expect(e.message).toMatch(/no longer linked/);
    await refused(store.addNote({ requestId: rid(), actorId: ALICE.id, ticketId: t.id, body: 'Nowhere', crossPost: true, conversationKeys: [] }), 'invalid');
    expect(await effectsOf(db, t.id)).toHaveLength(2);
    expect((await activityOf(db, t.id)).filter((a) => a.type === 'note')).toHaveLength(1);
  });

  it('a cross-posted note queues one internal note per linked conversation', async () => {
    const { db, store } = await setup();
    const t = await create(store, { title: 'Refund', conversation: conv('1') });
    await store.link({ requestId: rid(), actorId: ALICE.id, ticketId: t.id, conversation: conv('2') });
    const note = await store.addNote({ requestId: rid(), actorId: ALICE.id, ticketId: t.id, body: '  Payments confirmed the refund.  ', crossPost: true });
    expect(note).toMatchObject({ type: 'note', body: 'Payments confirmed the refund.', crossPosted: true, ticketId: t.id });
    const effects = await effectsOf(db, t.id);
    expect(effects.map((e) => e.conversationKey).sort()).toEqual([conv('1').key, conv('2').key].sort());
    for (const e of effects) {
      expect(e.kind).toBe('note');
      expect(e.sourceActivityId).toBe(note.id);
      expect(e.body).toContain('Payments confirmed the refund.');
      expect(e.body).toContain('#1');
      expect(e.body).toContain('Alice Agent');
    }
  });

  it('a plain note stays on the ticket and queues nothing', async () => {
    const { db, store } = await setup();
    const t = await create(store, { conversation: conv('1') });
    const note = await store.addNote({ requestId: rid(), actorId: ALICE.id, ticketId: t.id, body: 'Internal only', crossPost: false });
    expect(note).toMatchObject({ crossPosted: false });
    expect(await db.count('outbox')).toBe(0);
    expect((await activityOf(db, t.id)).map((a) => a.type)).toEqual(['created', 'note']);
  });

  it.each([
    ['empty', ''],
    ['whitespace', ' \n\t  '],
    ['over the limit', 'x'.repeat(MAX_NOTE_LENGTH + 1)],
  ])('refuses an %s note and writes nothing', async (_label, body) => {
    const { db, store } = await setup();
    const t = await create(store, { conversation: conv('1') });
    const before = await snapshot(db);
    const e = await refused(store.addNote({ requestId: rid(), actorId: ALICE.id, ticketId: t.id, body, crossPost: true }), 'invalid');
    expect(e.details).toEqual({ field: 'body' });
    expect(await snapshot(db)).toEqual(before);
  });

  it('accepts a note exactly at the limit (surrounding whitespace does not count)', async () => {
    const { store } = await setup();
    const t = await create(store);
    const body = 'y'.repeat(MAX_NOTE_LENGTH);
    const note = await store.addNote({ requestId: rid(), actorId: ALICE.id, ticketId: t.id, body: `\n${body}  `, crossPost: false });
    expect(note.type === 'note' && note.body.length).toBe(MAX_NOTE_LENGTH);
  });

  it('a note on a missing ticket is not_found', async () => {
    const { store } = await setup();
    await refused(store.addNote({ requestId: rid(), actorId: ALICE.id, ticketId: 'gone', body: 'hi', crossPost: false }), 'not_found');
  });

  it('a note moves the ticket up the queue without making other tabs\' edits stale', async () => {
    const { store } = await setup();
    const a = await create(store, { title: 'Older' });
    const b = await create(store, { title: 'Newer' });
    await new Promise((r) => setTimeout(r, 5));
    await store.addNote({ requestId: rid(), actorId: ALICE.id, ticketId: a.id, body: 'bump', crossPost: false });
    expect((await store.queryTickets({})).map((s) => s.ticket.id)).toEqual([a.id, b.id]);
    const r = await store.updateTicket({ requestId: rid(), actorId: ALICE.id, ticketId: a.id, baseVersion: 1, changes: { title: 'Still fine' } });
    expect(r.version).toBe(2);
  });
});

describe('link and unlink', () => {
  it('links a conversation once, logs it, and treats a second link as a no-op', async () => {
    const { db, store, changes } = await setup();
    const t = await create(store);
    changes.length = 0;
    const c = conv('55', { title: 'Where is my refund?' });
    const first = await store.link({ requestId: rid(), actorId: ALICE.id, ticketId: t.id, conversation: c });
    expect(first).toMatchObject({ ticketId: t.id, conversationKey: c.key });
    const second = await store.link({ requestId: rid(), actorId: ALICE.id, ticketId: t.id, conversation: c });
    expect(second).toEqual(first);
    expect(await db.count('links')).toBe(1);
    const linkLog = (await activityOf(db, t.id)).filter((a) => a.type === 'link');
    expect(linkLog).toHaveLength(1);
    expect(linkLog[0]).toMatchObject({ conversationKey: c.key, title: 'Where is my refund?' });
    expect(changes.filter((ch) => ch.ticketIds.length)).toHaveLength(1);
  });

  it('a link to a missing ticket is not_found and stores nothing', async () => {
    const { db, store } = await setup();
    const before = await snapshot(db);
    await refused(store.link({ requestId: rid(), actorId: ALICE.id, ticketId: 'gone', conversation: conv('1') }), 'not_found');
    expect(await snapshot(db)).toEqual(before);
  });

  it('unlinks, logs it with the conversation title, and a second unlink reports nothing removed', async () => {
    const { db, store } = await setup();
    const c = conv('56', { title: 'Double charge' });
    const t = await create(store, { conversation: c });
    expect(await store.unlink({ requestId: rid(), actorId: BOB.id, ticketId: t.id, conversationKey: c.key })).toBe(true);
    expect(await store.linkedTickets(c.key)).toEqual([]);
    expect(await store.unlink({ requestId: rid(), actorId: BOB.id, ticketId: t.id, conversationKey: c.key })).toBe(false);
    const unlinks = (await activityOf(db, t.id)).filter((a) => a.type === 'unlink');
    expect(unlinks).toHaveLength(1);
    expect(unlinks[0]).toMatchObject({ actorId: BOB.id, conversationKey: c.key, title: 'Double charge' });
    // Later state changes no longer reach the unlinked conversation.
    await store.changeState({ requestId: rid(), actorId: ALICE.id, ticketId: t.id, baseVersion: 1, stateId: 'resolved' });
    expect(await db.count('outbox')).toBe(0);
  });
});

describe('linkedTickets', () => {
  it('returns summaries, most recently updated first, with the last update described', async () => {
    const { store } = await setup();
    const c = conv('77');
    const a = await create(store, { title: 'A', conversation: c, typeId: 'type-billing' });
    await new Promise((r) => setTimeout(r, 5));
    const b = await create(store, { title: 'B', conversation: c });
    await store.link({ requestId: rid(), actorId: ALICE.id, ticketId: b.id, conversation: conv('78') });

    let list = await store.linkedTickets(c.key);
    expect(list.map((s) => s.ticket.title)).toEqual(['B', 'A']);
    expect(list[1]).toMatchObject({ typeName: 'Billing', stateLabel: 'Submitted', lastUpdate: 'Created by Alice Agent', linkCount: 1 });
    expect(list[0]).toMatchObject({ linkCount: 2, lastUpdate: 'Linked to Conversation 78' });

    await new Promise((r) => setTimeout(r, 5));
    await store.changeState({ requestId: rid(), actorId: BOB.id, ticketId: a.id, baseVersion: 1, stateId: 'in_progress' });
    list = await store.linkedTickets(c.key);
    expect(list.map((s) => s.ticket.title)).toEqual(['A', 'B']);
    expect(list[0]).toMatchObject({ stateLabel: 'In progress', lastUpdate: 'Bob Billing changed state to In progress' });

    await store.addNote({ requestId: rid(), actorId: BOB.id, ticketId: a.id, body: 'Chasing the bank', crossPost: true });
    list = await store.linkedTickets(c.key);
    expect(list[0]!.lastUpdate).toBe('Cross-posted note: Chasing the bank');
    expect(list[0]!.lastUpdateAt).toBeGreaterThanOrEqual(list[0]!.ticket.createdAt);
  });

  it('is empty for a conversation with no tickets', async () => {
    const { store } = await setup();
    expect(await store.linkedTickets(conv('nothing').key)).toEqual([]);
    expect(await store.linkedCount(conv('nothing').key)).toBe(0);
  });

  it('counts what it lists (the toolbar’s badge), not a link whose ticket has not arrived', async () => {
    const { db, store } = await setup();
    const c = conv('79');
    const a = await create(store, { title: 'A', conversation: c });
    await create(store, { title: 'B', conversation: c });
    expect(await store.linkedCount(c.key)).toBe(2);
    const [link] = await db.getAllFromIndex('links', 'byTicket', a.id);
    await db.put('links', { ...link!, id: uuidv7(), ticketId: 'not-here-yet' });
    expect(await store.linkedCount(c.key)).toBe((await store.linkedTickets(c.key)).length);
    expect(await store.linkedCount(c.key)).toBe(2);
  });
});

describe('the queue’s summaries, kept between reads', () => {
  it('show every write at once: links, unlinks, notes, and records applied from the workspace', async () => {
    const { db, store } = await setup();
    const t = await create(store, { title: 'Kept summary', conversation: conv('90') });
    const summary = async () => (await store.queryTickets({ text: 'kept' }))[0]!;
    expect(await summary()).toMatchObject({ linkCount: 1, lastUpdate: 'Created by Alice Agent' });

    await store.link({ requestId: rid(), actorId: ALICE.id, ticketId: t.id, conversation: conv('91') });
    expect(await summary()).toMatchObject({ linkCount: 2, lastUpdate: 'Linked to Conversation 91' });
    await store.unlink({ requestId: rid(), actorId: BOB.id, ticketId: t.id, conversationKey: conv('91').key });
    expect((await summary()).linkCount).toBe(1);
    await store.addNote({ requestId: rid(), actorId: BOB.id, ticketId: t.id, body: 'Second look', crossPost: false });
    expect((await summary()).lastUpdate).toBe('Note: Second look');

    // A record the workspace's replication wrote, told through the store like every change.
    const [last] = (await db.getAllFromIndex('activity', 'byTicketItem', activityOfTicket(t.id))).slice(-1);
    await db.put('activity', { ...last!, id: uuidv7(), type: 'note', body: 'From another browser', crossPosted: false } as ActivityRecord);
    store.notify({ ticketIds: [t.id] });
    expect((await summary()).lastUpdate).toBe('Note: From another browser');

    // The ticket record itself: a change here, and one the workspace applied.
    const moved = await store.changeState({ requestId: rid(), actorId: ALICE.id, ticketId: t.id, baseVersion: t.version, stateId: 'in_progress' });
    expect((await summary()).ticket).toMatchObject({ stateId: 'in_progress', version: moved.version });
    await store.updateTicket({ requestId: rid(), actorId: ALICE.id, ticketId: t.id, baseVersion: moved.version, changes: { title: 'Kept summary, renamed' } });
    expect((await summary()).ticket.title).toBe('Kept summary, renamed');
    const stored = (await db.get('tickets', t.id))!;
    await db.put('tickets', { ...stored, title: 'Kept summary, from another browser' });
    expect((await summary()).ticket.title).toBe('Kept summary, renamed'); // nothing told yet
    store.notify({ ticketIds: [t.id] });
    expect((await summary()).ticket.title).toBe('Kept summary, from another browser');
  });

  it('a read that overlapped a write keeps nothing it read', async () => {
    const { SummaryCache } = await import('../../lib/store/summary-cache');
    const cache = new SummaryCache();
    const since = cache.begin();
    cache.forget({ ticketIds: ['other'] });
    cache.keep(since, 't1', { last: undefined, linkCount: 3 });
    expect(cache.get('t1')).toBeUndefined();
    cache.keep(cache.begin(), 't1', { last: undefined, linkCount: 3 });
    expect(cache.get('t1')?.linkCount).toBe(3);
    cache.forget({ ticketIds: ['t1'] });
    expect(cache.get('t1')).toBeUndefined();
  });
});

describe('a ticket’s activity, a page at a time', () => {
  it('opens with the newest 100 items and their effects; earlier pages follow, oldest last', async () => {
    const { store } = await setup();
    const t = await create(store, { conversation: conv('1') });
    const notes: string[] = [];
    for (let i = 0; i < 205; i++) {
      const note = await store.addNote({ requestId: rid(), actorId: ALICE.id, ticketId: t.id, body: `Note ${i}`, crossPost: i % 50 === 0 });
      notes.push(note.id);
    }
    const all = (await store.db.getAllFromIndex('activity', 'byTicketItem', activityOfTicket(t.id))).map((a) => a.id).sort().reverse();
    expect(all).toHaveLength(206); // with "created"
    const view = await store.getTicketView(t.id);
    expect(view.activity.map((a) => a.id)).toEqual(all.slice(0, 100));
    expect(view.earlierActivity).toBe(true);
    // Only the effects of the items shown: the cross-posts of notes 200 and 150 (note 100 is older).
    expect(view.effects.map((e) => e.sourceActivityId).sort()).toEqual([notes[150], notes[200]].sort());
    const second = await store.getActivityPage(t.id, view.activity.at(-1)!.id);
    expect(second.activity.map((a) => a.id)).toEqual(all.slice(100, 200));
    expect(second.effects.map((e) => e.sourceActivityId).sort()).toEqual([notes[50], notes[100]].sort());
    expect(second.earlier).toBe(true);
    const last = await store.getActivityPage(t.id, second.activity.at(-1)!.id);
    expect(last.activity.map((a) => a.id)).toEqual(all.slice(200));
    expect(last.activity.at(-1)!.type).toBe('created');
    expect(last.earlier).toBe(false);
  });
});

describe('queryTickets', () => {
  async function seed(store: Store) {
    const refund = await create(store, { title: 'Refund for duplicate charge', typeId: 'type-billing' });
    const crash = await create(store, { title: 'Login page crashes', typeId: 'type-bug', attributes: { 'attr-severity': 'High' } });
    const late = await create(store, { title: 'Refund not received', assigneeId: BOB.id });
    await store.changeState({ requestId: rid(), actorId: ALICE.id, ticketId: late.id, baseVersion: 1, stateId: 'in_progress' });
    return { refund, crash, late };
  }
  const ids = (list: { ticket: Ticket }[]) => list.map((s) => s.ticket.id).sort();

  it('finds a ticket by "#N" or by its number', async () => {
    const { store } = await setup();
    const { crash } = await seed(store);
    expect(ids(await store.queryTickets({ text: '#2' }))).toEqual([crash.id]);
    expect(ids(await store.queryTickets({ text: ' 2 ' }))).toEqual([crash.id]);
    expect(await store.queryTickets({ text: '#99' })).toEqual([]);
  });

  it('matches every title word, case-insensitively', async () => {
    const { store } = await setup();
    const { refund, late } = await seed(store);
    expect(ids(await store.queryTickets({ text: 'REFUND' }))).toEqual([refund.id, late.id].sort());
    expect(ids(await store.queryTickets({ text: 'refund  duplicate' }))).toEqual([refund.id]);
    expect(await store.queryTickets({ text: 'refund crashes' })).toEqual([]);
  });

  it('filters by state, type and assignee (null = unassigned)', async () => {
    const { store } = await setup();
    const { refund, crash, late } = await seed(store);
    expect(ids(await store.queryTickets({ stateId: 'in_progress' }))).toEqual([late.id]);
    expect(ids(await store.queryTickets({ stateId: 'submitted' }))).toEqual([refund.id, crash.id].sort());
    expect(ids(await store.queryTickets({ typeId: 'type-bug' }))).toEqual([crash.id]);
    expect(ids(await store.queryTickets({ assigneeId: BOB.id }))).toEqual([late.id]);
    expect(ids(await store.queryTickets({ assigneeId: null }))).toEqual([refund.id, crash.id].sort());
    expect(ids(await store.queryTickets({ text: 'refund', stateId: 'submitted' }))).toEqual([refund.id]);
  });

  it('finds by the start of the last word as it is typed, by attribute values, user and company, and by #number prefix with words', async () => {
    const { store } = await setup();
    const { refund, crash, late } = await seed(store);
    expect(ids(await store.queryTickets({ text: 'ref' }))).toEqual([refund.id, late.id].sort());
    expect(ids(await store.queryTickets({ text: 'refund dup' }))).toEqual([refund.id]);
    // Only the last word is a prefix: "ref" alone is no whole word of any title.
    expect(await store.queryTickets({ text: 'ref duplicate' })).toEqual([]);
    expect(ids(await store.queryTickets({ text: 'high' }))).toEqual([crash.id]);
    expect(ids(await store.queryTickets({ text: 'login #2' }))).toEqual([crash.id]);
    const withUser = await create(store, { title: 'Invoice copy', user: 'Zoë Ångström', company: 'Initech' });
    expect(ids(await store.queryTickets({ text: 'zoe angstr' }))).toEqual([withUser.id]);
    expect(ids(await store.queryTickets({ text: 'INITECH' }))).toEqual([withUser.id]);
  });

  it('stays right after edits, state changes, notes and links: old words no longer find the ticket', async () => {
    const { store } = await setup();
    const { crash } = await seed(store);
    await store.updateTicket({ requestId: rid(), actorId: ALICE.id, ticketId: crash.id, baseVersion: 1, changes: { title: 'Signup form freezes', attributes: { 'attr-severity': 'Low' } } });
    expect(await store.queryTickets({ text: 'login' })).toEqual([]);
    expect(await store.queryTickets({ text: 'high' })).toEqual([]);
    expect(ids(await store.queryTickets({ text: 'signup freezes' }))).toEqual([crash.id]);
    expect(ids(await store.queryTickets({ text: 'low' }))).toEqual([crash.id]);
    await store.changeState({ requestId: rid(), actorId: ALICE.id, ticketId: crash.id, baseVersion: 2, stateId: 'resolved' });
    expect(ids(await store.queryTickets({ text: 'signup', stateId: 'resolved' }))).toEqual([crash.id]);
    expect(await store.queryTickets({ text: 'signup', stateId: 'submitted' })).toEqual([]);
    await store.updateTicket({ requestId: rid(), actorId: ALICE.id, ticketId: crash.id, baseVersion: 3, changes: { assigneeId: BOB.id } });
    expect(ids(await store.queryTickets({ assigneeId: BOB.id, text: 'sign' }))).toContain(crash.id);
    await store.link({ requestId: rid(), actorId: ALICE.id, ticketId: crash.id, conversation: conv('77') });
    await store.addNote({ requestId: rid(), actorId: ALICE.id, ticketId: crash.id, body: 'bump', crossPost: false });
    // One index record per ticket, whatever was written.
    expect(await store.db.count('ticketWords')).toBe(await store.db.count('tickets'));
    const [first] = await store.queryTickets({ text: 'signup' });
    expect(first!.ticket).toEqual(await store.getTicket(crash.id));
  });

  it('finds the few oldest tickets that have a rarer second word among many newer ones with the first', async () => {
    const { store } = await setup();
    const rare: string[] = [];
    for (let i = 0; i < 3; i++) rare.push((await create(store, { title: `Printer jam ${i}` })).id);
    for (let i = 0; i < 260; i++) await create(store, { title: `Printer toner ${i}` });
    expect(ids(await store.queryTickets({ text: 'printer jam' }))).toEqual([...rare].sort());
    expect(ids(await store.queryTickets({ text: 'printer ja' }))).toEqual([...rare].sort());
    expect(await store.queryTickets({ text: 'printer', limit: 500 })).toHaveLength(263);
  });

  it('finds the few oldest tickets with two common words and a prefix that rarely go together, a page at a time', async () => {
    const { store } = await setup();
    const rare: Ticket[] = [];
    for (let i = 0; i < 3; i++) rare.push(await create(store, { title: `Printer toner paper ${i}` }));
    for (let i = 0; i < 250; i++) {
      await create(store, { title: `Printer toner ${i}` });
      await create(store, { title: `Printer paper ${i}` });
    }
    // The 250 newest "toner" tickets have no "paper": the search reads on past its first batch of 200.
    const newestFirst = [...rare].sort((a, b) => b.updatedAt - a.updatedAt || a.id.localeCompare(b.id)).map((t) => t.id);
    const first = await store.queryTickets({ text: 'printer toner pap', limit: 2 });
    expect(first.map((s) => s.ticket.id)).toEqual(newestFirst.slice(0, 2));
    const last = first[1]!.ticket;
    const next = await store.queryTickets({ text: 'printer toner pap', limit: 2, before: { updatedAt: last.updatedAt, id: last.id } });
    expect(next.map((s) => s.ticket.id)).toEqual(newestFirst.slice(2));
    expect(ids(await store.queryTickets({ text: 'toner paper', limit: 2 }))).toEqual(newestFirst.slice(0, 2).sort());
    expect(await store.queryTickets({ text: 'toner paper jam', limit: 2 })).toEqual([]);
  });

  it('pages by last update: the next page starts after the last ticket of the previous one', async () => {
    const { store } = await setup();
    const made: Ticket[] = [];
    for (let i = 0; i < 7; i++) made.push(await create(store, { title: `Printer jam ${i}` }));
    // Most recently updated first (tickets made within the same millisecond: by id).
    const newestFirst = [...made].sort((a, b) => b.updatedAt - a.updatedAt || a.id.localeCompare(b.id)).map((t) => t.id);
    for (const text of [undefined, 'printer']) {
      const seen: string[] = [];
      let page = await store.queryTickets({ text, limit: 3 });
      while (page.length) {
        seen.push(...page.map((s) => s.ticket.id));
        const last = page[page.length - 1]!.ticket;
        page = await store.queryTickets({ text, limit: 3, before: { updatedAt: last.updatedAt, id: last.id } });
      }
      expect(seen).toEqual(newestFirst);
    }
  });

  it('lists the most recently updated first and honours the limit', async () => {
    const { store } = await setup();
    const { refund, late } = await seed(store);
    await new Promise((r) => setTimeout(r, 5));
    await store.addNote({ requestId: rid(), actorId: ALICE.id, ticketId: refund.id, body: 'bump', crossPost: false });
    const all = await store.queryTickets({});
    expect(all).toHaveLength(3);
    expect(all[0]!.ticket.id).toBe(refund.id);
    const one = await store.queryTickets({ limit: 1 });
    expect(one.map((s) => s.ticket.id)).toEqual([refund.id]);
    expect(all.find((s) => s.ticket.id === late.id)).toMatchObject({ stateLabel: 'In progress', typeName: 'General back-office' });
  });
});

describe('pruneRequests', () => {
  it('forgets request ids only after the retention period', async () => {
    const { db, store } = await setup();
    const requestId = rid();
    await create(store, { requestId });
    await create(store);
    expect(await store.pruneRequests(Date.now() + 6 * DAY)).toBe(0);
    // Still remembered: a retry is still a replay.
    await create(store, { requestId });
    expect(await db.count('tickets')).toBe(2);

    expect(await store.pruneRequests(Date.now() + 8 * DAY)).toBe(2);
    expect(await db.count('requests')).toBe(0);
    expect(await db.count('tickets')).toBe(2);
  });
});

describe('change notifications', () => {
  it('report the touched ticket and conversations once the write has committed', async () => {
    const { db } = await setup();
    const seen: { changes: ChangeSet; stored: Promise<Ticket | undefined> }[] = [];
    const watched = new Store(db, (changes) => {
      seen.push({ changes, stored: db.get('tickets', changes.ticketIds[0] ?? '') });
    });
    const c = conv('31');
    const t = await watched.createTicket({ requestId: rid(), actorId: ALICE.id, title: 'Watched', typeId: 'type-general', conversation: c });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.changes).toEqual({ ticketIds: [t.id], conversationKeys: [c.key] });
    expect(await seen[0]!.stored).toEqual(t);

    await watched.link({ requestId: rid(), actorId: ALICE.id, ticketId: t.id, conversation: conv('32') });
    await watched.addNote({ requestId: rid(), actorId: ALICE.id, ticketId: t.id, body: 'hello', crossPost: false });
    expect(seen[2]!.changes.ticketIds).toEqual([t.id]);
    expect(seen[2]!.changes.conversationKeys.sort()).toEqual([c.key, conv('32').key].sort());

    await watched.saveSettings(rid(), { preventReopen: true });
    expect(seen[3]!.changes).toMatchObject({ settings: true, ticketIds: [] });
  });

  it('are not sent for refused or stale writes', async () => {
    const { store, changes } = await setup();
    const t = await create(store);
    await store.updateTicket({ requestId: rid(), actorId: ALICE.id, ticketId: t.id, baseVersion: 1, changes: { title: 'v2' } });
    changes.length = 0;
    await refused(create(store, { title: '' }), 'invalid');
    await refused(create(store, { typeId: 'type-bug' }), 'invalid');
    await refused(store.updateTicket({ requestId: rid(), actorId: ALICE.id, ticketId: t.id, baseVersion: 1, changes: { title: 'v3' } }), 'stale');
    await refused(store.changeState({ requestId: rid(), actorId: ALICE.id, ticketId: t.id, baseVersion: 2, stateId: 'nope' }), 'invalid');
    await refused(store.addNote({ requestId: rid(), actorId: ALICE.id, ticketId: t.id, body: ' ', crossPost: false }), 'invalid');
    expect(changes).toEqual([]);
  });
});

describe('ticket view', () => {
  it('gathers the ticket, its type, activity, links with conversations and effects', async () => {
    const { store } = await setup();
    const c = conv('61');
    const t = await create(store, { conversation: c });
    await store.addNote({ requestId: rid(), actorId: ALICE.id, ticketId: t.id, body: 'note', crossPost: true });
    const view = await store.getTicketView(t.id);
    expect(view.ticket.id).toBe(t.id);
    expect(view.type?.id).toBe('type-general');
    expect(view.activity.map((a) => a.type).sort()).toEqual(['created', 'note']);
    expect(view.links).toHaveLength(1);
    expect(view.links[0]!.conversation).toMatchObject({ key: c.key, title: 'Conversation 61' });
    expect(view.effects).toHaveLength(1);
    await refused(store.getTicketView('missing'), 'not_found');
  });
});
