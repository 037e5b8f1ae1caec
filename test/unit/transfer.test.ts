import { DEFAULT_SETTINGS } from '../../lib/model/settings';
import { afterEach, describe, expect, it } from 'vitest';
import { buildExport, holdEffect, importExport, parseExportText, validateExport, wipeAll } from '../../lib/store/transfer';
import { compactExportParts } from '../../lib/model/admin';
import { EXPORT_FORMAT, exportFileName, type BacklineExport } from '../../lib/model/admin';
import { openBacklineDb, type BacklineDatabase } from '../../lib/store/schema';
import { DEFAULT_TICKET_TYPES } from '../../lib/model/domain';
import { BacklineError } from '../../lib/model/errors';
import { conversationKey } from '../../lib/helpdesks';
import { uuidv7 } from '../../lib/model/ids';
import { Store } from '../../lib/store';
import { type ChangeSet, type ConversationInput } from '../../lib/model/views';

const dbs: BacklineDatabase[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
});

async function fresh() {
  const db = await openBacklineDb(`transfer-test-${crypto.randomUUID()}`);
  dbs.push(db);
  const changes: ChangeSet[] = [];
  return { db, store: new Store(db, (c) => changes.push(c)), changes };
}

function conv(id: string): ConversationInput {
  const ctx = { helpdesk: 'chatwoot' as const, origin: 'http://localhost:3000', account: '1', conversationId: id };
  return { key: conversationKey(ctx), ...ctx, kind: 'conversation', title: `Conversation ${id}`, customerName: 'Carol', customerEmail: 'c@example.com', company: 'Acme' };
}

/** A workspace with tickets, notes (one cross-posted), links, a state change, an assignee, settings and secrets. */
async function populated() {
  const f = await fresh();
  const { store, db } = f;
  const me = await store.me();
  await db.put('teammates', { id: 'tm-bob', name: 'Bob', email: 'bob@example.com', kind: 'person' });
  const a = await store.createTicket({ requestId: uuidv7(), actorId: me.id, title: 'Refund stuck', typeId: 'type-billing', conversation: conv('1'), attributes: { 'attr-amount': '12.5' } });
  const b = await store.createTicket({ requestId: uuidv7(), actorId: me.id, title: 'Crash on login', typeId: 'type-bug', attributes: { 'attr-severity': 'High' }, assigneeId: 'tm-bob' });
  await store.link({ requestId: uuidv7(), actorId: me.id, ticketId: b.id, conversation: conv('2') });
  await store.link({ requestId: uuidv7(), actorId: me.id, ticketId: b.id, conversation: conv('1') });
  await store.addNote({ requestId: uuidv7(), actorId: me.id, ticketId: a.id, body: 'Asked payments', crossPost: false });
  await store.addNote({ requestId: uuidv7(), actorId: me.id, ticketId: b.id, body: 'Engineering is on it', crossPost: true });
  await store.changeState({ requestId: uuidv7(), actorId: me.id, ticketId: a.id, baseVersion: 1, stateId: 'in_progress' });
  await store.saveSettings(uuidv7(), { preventReopen: true });
  await db.put('connections', { id: 'c1', helpdesk: 'chatwoot', baseUrl: 'http://localhost:3000', account: '1', credentials: { token: 'SECRET-TOKEN-123456' }, label: 'Sandbox', createdAt: 1, updatedAt: 1 });
  await db.put('meta', { key: 'adminPassphrase', value: { algorithm: 'PBKDF2-SHA-256', iterations: 1, salt: 'c2FsdA==', hash: 'SECRETHASH' } });
  return { ...f, me, a, b };
}

async function exported(): Promise<BacklineExport> {
  const { db } = await populated();
  return structuredClone(await buildExport(db, Date.UTC(2025, 0, 31, 12)));
}

function refuses(file: unknown, reason: string | RegExp) {
  const r = validateExport(file);
  expect(r.ok).toBe(false);
  if (!r.ok) expect(r.error).toMatch(reason);
}

describe('buildExport', () => {
  it('holds every record, the settings, the counter and who "me" is, and no secrets', async () => {
    const { db, me } = await populated();
    const file = await buildExport(db, Date.UTC(2025, 0, 31, 12));
    expect(file).toMatchObject({ format: 'backline-export', version: 1, exportedAt: '2025-01-31T12:00:00.000Z' });
    expect(file.data.tickets).toHaveLength(2);
    expect(file.data.links).toHaveLength(3);
    expect(file.data.activity.filter((x) => x.type === 'note')).toHaveLength(2);
    expect(file.data.conversations).toHaveLength(2);
    expect(file.data.ticketTypes).toHaveLength(DEFAULT_TICKET_TYPES.length);
    expect(file.data.teammates).toHaveLength(2);
    expect(file.data.outbox.length).toBeGreaterThan(0);
    expect(file.data.meta).toEqual({ settings: { ...DEFAULT_SETTINGS, preventReopen: true }, ticketCounter: 2, me: me.id });
    const text = JSON.stringify(file);
    expect(text).not.toContain('SECRET-TOKEN');
    expect(text).not.toContain('SECRETHASH');
    expect(text).not.toContain('adminPassphrase');
    expect(Object.keys(file.data)).not.toContain('connections');
    expect(validateExport(file)).toMatchObject({ ok: true, summary: { tickets: 2, notes: 2, links: 3, conversations: 2, teammates: 2 } });
  });

  it('carries link reasons and cancelled deliveries through an export and an import', async () => {
    const { db, store, me, b } = await populated();
    await store.setLinkReason({ requestId: uuidv7(), actorId: me.id, ticketId: b.id, conversationKey: conv('2').key, reason: 'Same crash as the login outage' });
    const effect = (await db.getAll('outbox')).find((e) => e.status === 'queued')!;
    await store.cancelEffect({ requestId: uuidv7(), actorId: me.id, actorName: me.name, effectId: effect.id });
    const file = structuredClone(await buildExport(db, Date.UTC(2025, 0, 31, 12)));
    expect(validateExport(file)).toMatchObject({ ok: true });

    const target = await fresh();
    await importExport(target.store, uuidv7(), JSON.stringify(file));
    const links = (await target.store.getTicketView(b.id)).links;
    expect(links.find((l) => l.link.conversationKey === conv('2').key)?.link.reason).toBe('Same crash as the login outage');
    const activity = (await buildExport(target.db)).data.activity;
    expect(activity.filter((a) => a.type === 'linkReason' || a.type === 'effectCancelled').map((a) => a.type).sort()).toEqual(['effectCancelled', 'linkReason']);
    expect((await target.db.get('outbox', effect.id))?.cancelledBy).toBe(me.id);

    // The outcomes a team workspace shared go through too; a malformed outcome is refused by its path.
    const outcome = { effectId: effect.id, sourceActivityId: effect.sourceActivityId, conversationKey: effect.conversationKey, label: 'Chatwoot #2', kind: 'note', outcome: 'delivered', detail: '' };
    const shared = { id: uuidv7(), ticketId: b.id, at: Date.UTC(2025, 0, 31), actorId: me.id, type: 'deliveries', sourceActivityId: effect.sourceActivityId, outcomes: [outcome] };
    const withShared = structuredClone(file);
    (withShared.data.activity as unknown[]).push(shared);
    expect(validateExport(withShared)).toMatchObject({ ok: true });
    (withShared.data.activity as unknown[]).splice(-1, 1, { ...shared, outcomes: [{ ...outcome, outcome: 'lost' }] });
    refuses(withShared, /activity\[\d+\]\.outcomes\[0\]\.outcome/);
    (withShared.data.activity as unknown[]).splice(-1, 1, { ...shared, outcomes: [] });
    refuses(withShared, /activity\[\d+\]\.outcomes/);

    // A reason over the limit is refused, naming the field.
    file.data.links[0]!.reason = 'x'.repeat(201);
    refuses(file, /links\[0\]\.reason/);
  });

  it('exports an empty store as a valid file', async () => {
    const { db } = await fresh();
    const file = await buildExport(db);
    expect(file.data.meta).toEqual({ settings: DEFAULT_SETTINGS, ticketCounter: 0, me: null });
    expect(validateExport(file).ok).toBe(true);
  });

  it('names files by date', () => {
    expect(exportFileName(Date.UTC(2025, 0, 31, 12))).toBe('backline-export-2025-01-31.json');
  });
});

describe('validateExport: refuses bad files with the reason', () => {
  it('not JSON, not an export, a newer version', () => {
    expect(parseExportText('{"format": "backline-export",')).toMatchObject({ ok: false, error: expect.stringMatching(/^the file is not valid JSON/) });
    expect(parseExportText('')).toMatchObject({ ok: false, error: expect.stringMatching(/not valid JSON/) });
    refuses([], /not a Backline export/);
    refuses('backline', /not a Backline export/);
    refuses(null, /not a Backline export/);
    refuses({ format: 'something-else', version: 1 }, /not a Backline export/);
    refuses({ format: EXPORT_FORMAT, version: 2, exportedAt: '2025-01-01T00:00:00Z', data: {} }, /newer Backline \(format version 2\)/);
  });

  it('names the field and what was expected: tickets[1].number', async () => {
    const file = await exported();
    (file.data.tickets[1] as unknown as { number: unknown }).number = -3;
    refuses(file, /^tickets\[1\]\.number: expected a positive integer, got -3$/);
    (file.data.tickets[1] as unknown as { number: unknown }).number = '2';
    refuses(file, /^tickets\[1\]\.number: expected a positive integer, got "2"$/);
  });

  it('names missing fields and fields of the wrong type', async () => {
    const f1 = await exported();
    delete (f1.data.tickets[0] as Partial<(typeof f1.data.tickets)[0]>).title;
    refuses(f1, /^tickets\[0\]\.title: is missing$/);

    const f2 = await exported();
    delete (f2.data as Partial<typeof f2.data>).links;
    refuses(f2, /^links: is missing$/);

    const f3 = await exported();
    (f3.data.ticketTypes[0] as unknown as { category: string }).category = 'vip';
    refuses(f3, /^ticketTypes\[0\]\.category: expected one of: backoffice, customer, tracker/);

    const f4 = await exported();
    (f4.data.tickets[0]!.attributes as Record<string, unknown>).nested = { a: 1 };
    refuses(f4, /^tickets\[0\]\.attributes\.nested: expected text, a number, true\/false or null/);

    const f5 = await exported();
    (f5.data.meta.settings as unknown as Record<string, unknown>).debug = true;
    refuses(f5, /^meta\.settings\.debug/);

    const f6 = await exported();
    (f6.data.activity[0] as unknown as { type: string }).type = 'explosion';
    refuses(f6, /^activity\[0\]\.type: expected an activity item/);
  });

  it('refuses duplicates', async () => {
    const f1 = await exported();
    f1.data.tickets[1]!.number = f1.data.tickets[0]!.number;
    refuses(f1, /^tickets\[1\]\.number: 1 is used twice \(also by tickets\[0\]\)$/);

    const f2 = await exported();
    f2.data.activity.push(structuredClone(f2.data.activity[0]!));
    refuses(f2, /^activity\[\d+\]\.id: ".*" is used twice/);

    const f3 = await exported();
    f3.data.links.push({ ...structuredClone(f3.data.links[0]!), id: uuidv7() });
    refuses(f3, /^links\[3\]\.conversationKey: this ticket is already linked to this conversation/);

    const f4 = await exported();
    f4.data.ticketTypes[1]!.attributes.push(structuredClone(f4.data.ticketTypes[1]!.attributes[0]!));
    refuses(f4, /^ticketTypes\[1\]\.attributes\[5\]\.id: "attr-severity" is used twice in this type$/);
  });

  it('refuses dangling references', async () => {
    const f1 = await exported();
    f1.data.links[0]!.ticketId = 'no-such-ticket';
    refuses(f1, /^links\[0\]\.ticketId: no ticket has the id "no-such-ticket"$/);

    const f2 = await exported();
    f2.data.conversations = f2.data.conversations.filter((c) => c.conversationId !== '2');
    refuses(f2, /^links\[\d\]\.conversationKey: no conversation has the key "chatwoot:http:\/\/localhost:3000:1:2"$/);

    const f3 = await exported();
    f3.data.tickets[0]!.typeId = 'type-gone';
    refuses(f3, /^tickets\[0\]\.typeId: no ticket type has the id "type-gone"$/);

    const f4 = await exported();
    f4.data.tickets[0]!.stateId = 'limbo';
    refuses(f4, /^tickets\[0\]\.stateId: the ticket type “.*” has no state "limbo"$/);

    const f5 = await exported();
    f5.data.teammates = f5.data.teammates.filter((t) => t.id !== 'tm-bob');
    refuses(f5, /^tickets\[\d\]\.assigneeId: no teammate has the id "tm-bob"$/);

    const f6 = await exported();
    f6.data.activity = f6.data.activity.filter((a) => a.type !== 'note' || !a.crossPosted);
    refuses(f6, /^outbox\[\d+\]\.sourceActivityId: no activity item has the id/);

    const f7 = await exported();
    f7.data.meta.me = 'nobody';
    refuses(f7, /^meta\.me: no teammate has the id "nobody"$/);

    const f8 = await exported();
    f8.data.meta.ticketCounter = 1;
    refuses(f8, /^meta\.ticketCounter: must be at least 2/);

    const f9 = await exported();
    f9.data.conversations[0]!.key = 'chatwoot:elsewhere';
    refuses(f9, /^conversations\[0\]\.key: does not match/);

    const f10 = await exported();
    f10.data.ticketTypes[0]!.states = f10.data.ticketTypes[0]!.states.filter((s) => s.category !== 'resolved');
    refuses(f10, /^ticketTypes\[0\]\.states: Add at least one state for “Resolved”/);
  });

  it('accepts conversations whose empty page details the store left out, as empty text', async () => {
    const file = await exported();
    const c = file.data.conversations[0] as unknown as Record<string, unknown>;
    delete c.title;
    delete c.customerName;
    delete c.company;
    const r = validateExport(file);
    expect(r.ok && r.file.data.conversations[0]).toMatchObject({ title: '', customerName: '', company: '' });
  });

  it('keeps fields a later release adds to records', async () => {
    const file = await exported();
    (file.data.tickets[0] as unknown as Record<string, unknown>).priority = 'high';
    const r = validateExport(file);
    expect(r.ok && (r.file.data.tickets[0] as unknown as Record<string, unknown>).priority).toBe('high');
  });
});

describe('validateExport: the limits and formats of the options page’s forms', () => {
  type File = BacklineExport;
  const x = (n: number) => 'x'.repeat(n);
  const list = <T>(n: number, f: (i: number) => T) => Array.from({ length: n }, (_, i) => f(i));
  const listAttr = (options: string[]) => ({ id: 'attr-choice', name: 'Choice', type: 'list' as const, required: false, options });
  const note = (f: File) => f.data.activity.findIndex((a) => a.type === 'note');
  /** A field, how to set it, the longest (or largest) value allowed, and the path an import names. */
  const cases: [string, (f: File, value: number) => void, number, RegExp][] = [
    ['type name', (f, n) => (f.data.ticketTypes[0]!.name = x(n)), 80, /^ticketTypes\[0\]\.name: Keep the ticket type’s name to 80 characters or fewer, got 81$/],
    ['type icon (characters, not UTF-16 units)', (f, n) => (f.data.ticketTypes[0]!.icon = '🐞'.repeat(n)), 4, /^ticketTypes\[0\]\.icon: Use a short icon: one emoji or up to 4 characters, got "🐞🐞🐞🐞🐞"$/],
    [
      'attributes per type',
      (f, n) => (f.data.ticketTypes[0]!.attributes = list(n, (i) => ({ id: `a${i}`, name: `Field ${i}`, type: 'text', required: false }))),
      100,
      /^ticketTypes\[0\]\.attributes: A ticket type can have at most 100 attributes, got 101$/,
    ],
    ['attribute name', (f, n) => (f.data.ticketTypes[1]!.attributes[0]!.name = x(n)), 80, /^ticketTypes\[1\]\.attributes\[0\]\.name: Keep attribute names to 80 characters or fewer, got 81$/],
    ['list items', (f, n) => (f.data.ticketTypes[0]!.attributes = [listAttr(list(n, (i) => `Item ${i}`))]), 200, /^ticketTypes\[0\]\.attributes\[0\]\.options: A list can have at most 200 items, got 201$/],
    ['list item', (f, n) => (f.data.ticketTypes[0]!.attributes = [listAttr([x(n)])]), 200, /^ticketTypes\[0\]\.attributes\[0\]\.options\[0\]: Keep list items to 200 characters or fewer, got 201$/],
    [
      'states per type',
      (f, n) => f.data.ticketTypes[0]!.states.push(...list(n - 4, (i) => ({ id: `extra-${i}`, label: `Extra ${i}`, category: 'in_progress' as const }))),
      50,
      /^ticketTypes\[0\]\.states: A ticket type can have at most 50 states, got 51$/,
    ],
    ['state label', (f, n) => (f.data.ticketTypes[0]!.states[0]!.label = x(n)), 60, /^ticketTypes\[0\]\.states\[0\]\.label: Keep state labels to 60 characters or fewer, got 61$/],
    ['teammate name', (f, n) => (f.data.teammates[0]!.name = x(n)), 100, /^teammates\[0\]\.name: Keep names to 100 characters or fewer, got 101$/],
    ['teammate email', (f, n) => (f.data.teammates[0]!.email = `${x(n - 12)}@example.com`), 320, /^teammates\[0\]\.email: Keep the email address to 320 characters or fewer, got 321$/],
    ['ticket title', (f, n) => (f.data.tickets[0]!.title = x(n)), 300, /^tickets\[0\]\.title: Keep the title under 300 characters, got 301$/],
    ['ticket description', (f, n) => (f.data.tickets[0]!.description = x(n)), 200_000, /^tickets\[0\]\.description: The description is too long \(limit 200,000 characters\), got 200001$/],
    ['ticket user', (f, n) => (f.data.tickets[0]!.user = x(n)), 1000, /^tickets\[0\]\.user: Keep User and Company to 1,000 characters or fewer, got 1001$/],
    ['ticket company', (f, n) => (f.data.tickets[1]!.company = x(n)), 1000, /^tickets\[1\]\.company: Keep User and Company to 1,000 characters or fewer, got 1001$/],
    ['attribute value', (f, n) => (f.data.tickets[0]!.attributes['attr-note'] = x(n)), 20_000, /^tickets\[0\]\.attributes\.attr-note: Keep text to 20,000 characters or fewer, got 20001$/],
    ['attribute key', (f, n) => (f.data.tickets[0]!.attributes[x(n)] = 1), 200, /^tickets\[0\]\.attributes\.x{201}: expected an attribute id of at most 200 characters, got 201$/],
    [
      'note',
      (f, n) => {
        const a = f.data.activity[note(f)]!;
        if (a.type === 'note') a.body = x(n);
      },
      50_000,
      /^activity\[\d+\]\.body: expected at most 50,000 characters, got 50001$/,
    ],
    ['record id', (f, n) => (f.data.links[0]!.id = x(n)), 200, /^links\[0\]\.id: expected an id of at most 200 characters, got 201$/],
  ];

  it.each(cases)('%s: allowed at the limit, refused above it with the record’s path', async (_what, set, limit, refusal) => {
    const atLimit = await exported();
    set(atLimit, limit);
    const ok = validateExport(atLimit);
    expect(ok.ok ? 'ok' : ok.error).toBe('ok');
    const over = await exported();
    set(over, limit + 1);
    refuses(over, refusal);
  });

  it('refuses a colour that is not #rrggbb (a url() would make the options page fetch it), in the words of the form', async () => {
    for (const color of ['url(http://127.0.0.1:9/track.png)', 'red;background:url(http://127.0.0.1:9/x)', 'red', '#12345', '#1234567', 'var(--x)', '']) {
      const file = await exported();
      file.data.ticketTypes[2]!.color = color;
      refuses(file, new RegExp(`^ticketTypes\\[2\\]\\.color: Choose a colour \\(a value like #4f6bed\\)(, got .*)?$`));
    }
    // Upper case and spaces are the same colour: stored the way the form stores it.
    const file = await exported();
    file.data.ticketTypes[2]!.color = ' #ABCDEF ';
    const r = validateExport(file);
    expect(r.ok && r.file.data.ticketTypes[2]!.color).toBe('#abcdef');
  });

  it('refuses what the form refuses between fields: a built-in name, twin attributes, twin types, twin teammates, a bad email', async () => {
    const f1 = await exported();
    f1.data.ticketTypes[1]!.attributes[1]!.name = 'Title';
    refuses(f1, /^ticketTypes\[1\]\.attributes\[1\]\.name: “Title” is already a field of every ticket; give the attribute another name\.$/);

    const f2 = await exported();
    f2.data.ticketTypes[1]!.attributes[1]!.name = 'severity';
    refuses(f2, /^ticketTypes\[1\]\.attributes\[1\]\.name: Two attributes are called “severity”/);

    const f3 = await exported();
    f3.data.ticketTypes[1]!.attributes[0]!.options = ['Low', 'Low'];
    refuses(f3, /^ticketTypes\[1\]\.attributes\[0\]\.options\[1\]: “Low” is in the list of “Severity” twice\.$/);

    const f4 = await exported();
    f4.data.ticketTypes[1]!.attributes[0]!.options = [' ', ''];
    refuses(f4, /^ticketTypes\[1\]\.attributes\[0\]\.options: Add at least one list item to “Severity”\.$/);

    const f5 = await exported();
    f5.data.ticketTypes[3]!.name = 'bug REPORT';
    refuses(f5, /^ticketTypes\[3\]\.name: “bug REPORT” is also the name of ticketTypes\[1\]; two ticket types cannot share a name$/);

    const f6 = await exported();
    f6.data.ticketTypes[0]!.states[1]!.label = 'submitted';
    refuses(f6, /^ticketTypes\[0\]\.states\[1\]\.label: Two states are called “submitted”/);

    const f7 = await exported();
    f7.data.teammates[1]!.name = f7.data.teammates[0]!.name.toUpperCase();
    refuses(f7, /^teammates\[1\]\.name: “.*” is also the name of teammates\[0\]; two teammates cannot share a name$/);

    const f8 = await exported();
    f8.data.teammates[0]!.email = 'bob@';
    refuses(f8, /^teammates\[0\]\.email: “bob@” is not an email address\. Leave it empty or enter one like alex@example\.com, got "bob@"$/);

    const f9 = await exported();
    f9.data.tickets[0]!.title = '   ';
    refuses(f9, /^tickets\[0\]\.title: A ticket needs a title/);
  });

  it('an import with a url() colour is refused whole, and says why', async () => {
    const { store, db } = await populated();
    const before = JSON.stringify(await buildExport(db, 0));
    const bad = await buildExport(db);
    bad.data.ticketTypes[0]!.color = 'url(http://127.0.0.1:9/x)';
    await expect(importExport(store, uuidv7(), JSON.stringify(bad))).rejects.toThrow(
      'This file cannot be imported: ticketTypes[0].color: Choose a colour (a value like #4f6bed), got "url(http://127.0.0.1:9/x)". Nothing was changed.',
    );
    expect(JSON.stringify(await buildExport(db, 0))).toBe(before);
  });
});

describe('holdEffect', () => {
  const base = {
    id: 'e', ticketId: 't', sourceActivityId: 'a', conversationKey: 'k', kind: 'note' as const, body: 'b',
    attempts: 2, nextAttemptAt: 5, lastError: '', createdAt: 1, updatedAt: 2,
  };
  it('holds queued effects, keeps finished ones, and keeps an in-flight attempt "unsure"', () => {
    expect(holdEffect({ ...base, status: 'delivered' }, 9)).toEqual({ ...base, status: 'delivered' });
    expect(holdEffect({ ...base, status: 'failed', lastError: 'x' }, 9)).toEqual({ ...base, status: 'failed', lastError: 'x' });
    expect(holdEffect({ ...base, status: 'queued' }, 9)).toMatchObject({ status: 'skipped', unsureSince: null, updatedAt: 9 });
    expect(holdEffect({ ...base, status: 'queued', attemptId: 'x', attemptStartedAt: 4 }, 9)).toMatchObject({
      status: 'skipped',
      attemptId: null,
      attemptStartedAt: null,
      unsureSince: 4,
    });
    expect(holdEffect({ ...base, status: 'queued', unsureSince: 3, attemptId: 'x', attemptStartedAt: 4 }, 9).unsureSince).toBe(3);
  });

  it('an attempt that had sent its request is awaited after the import like any other; one that had not is not "unsure"', () => {
    const sent = holdEffect({ ...base, status: 'queued', attemptId: 'x', attemptStartedAt: 4, attemptSentAt: 5 }, 9);
    expect(sent).toMatchObject({ status: 'skipped', unsureSince: 5, inFlightSentAt: 5, attemptSentAt: null });
    const notSent = holdEffect({ ...base, status: 'queued', attemptId: 'x', attemptStartedAt: 4, attemptSentAt: null }, 9);
    expect(notSent).toMatchObject({ status: 'skipped', unsureSince: null, inFlightSentAt: null });
    // An earlier request that may still land keeps being awaited.
    expect(holdEffect({ ...base, status: 'queued', unsureSince: 2, inFlightSentAt: 3 }, 9)).toMatchObject({ unsureSince: 2, inFlightSentAt: 3 });
  });
});

describe('a compact export, a batched import', () => {
  it('the export is written in chunks as compact JSON: exactly JSON.stringify of the export, with progress to the end', async () => {
    const src = await populated();
    const file = await buildExport(src.db);
    const seen: [number, number][] = [];
    const parts = await compactExportParts(file, (done, total) => seen.push([done, total]), 1);
    expect(parts.join('')).toBe(JSON.stringify(file));
    expect(parts.join('')).not.toContain('\n');
    const total = Object.values(file.data).reduce((n, v) => n + (Array.isArray(v) ? v.length : 0), 0);
    expect(seen.at(-1)).toEqual([total, total]);
    expect(seen.map(([d]) => d)).toEqual([...seen.map(([d]) => d)].sort((a, b) => a - b));
    expect(seen.length).toBeGreaterThan(total); // one step per record with chunks of 1, and the end
  });

  it('an import tells its progress after each batch, up to every record, and can use the check made when the file was chosen', async () => {
    const src = await populated();
    for (let i = 0; i < 30; i++) await src.store.addNote({ requestId: uuidv7(), actorId: src.me.id, ticketId: src.a.id, body: `n${i}`, crossPost: false });
    const text = JSON.stringify(await buildExport(src.db));
    const check = parseExportText(text);
    expect(check.ok).toBe(true);
    const dst = await fresh();
    const seen: [number, number][] = [];
    await importExport(dst.store, uuidv7(), check, { onProgress: (done, total) => seen.push([done, total]) });
    const file = JSON.parse(text);
    const total = Object.values(file.data).reduce((n: number, v) => n + (Array.isArray(v) ? v.length : 0), 0);
    expect(seen.at(-1)).toEqual([total, total]);
    // The activity went in packs, every item of it.
    const packs = await dst.db.getAll('activityPacks');
    expect(packs.flatMap((p) => p.items).map((a) => a.id).sort()).toEqual(file.data.activity.map((a: { id: string }) => a.id).sort());
    expect(packs.length).toBeLessThan(file.data.activity.length);
  });
});

describe('an import of exactly a batch', () => {
  it('finishes when its last record ends a batch (2,000 records)', async () => {
    const src = await populated();
    const file = await buildExport(src.db);
    file.data.outbox = [];
    const count = () => Object.values(file.data).reduce((n: number, v) => n + (Array.isArray(v) ? v.length : 0), 0);
    for (let i = 0; count() < 2000; i++) file.data.activity.push({ id: uuidv7(), ticketId: src.a.id, at: Date.now(), actorId: src.me.id, type: 'note', body: `n${i}`, crossPosted: false });
    expect(count()).toBe(2000);
    const dst = await fresh();
    const seen: number[] = [];
    await importExport(dst.store, uuidv7(), JSON.stringify(file), { onProgress: (done) => seen.push(done) });
    expect(seen).toEqual([2000, 2000]);
    expect((await buildExport(dst.db)).data.activity).toHaveLength(file.data.activity.length);
  });
});

describe('importExport and wipeAll', () => {
  it('round trip: export, wipe, import brings back every ticket, note, link and setting', async () => {
    const src = await populated();
    const file = await buildExport(src.db);
    const text = JSON.stringify(file);

    await wipeAll(src.store, uuidv7());
    expect(await src.db.count('tickets')).toBe(0);
    expect(await src.db.count('links')).toBe(0);
    expect(await src.db.count('activity')).toBe(0);
    expect(await src.db.count('teammates')).toBe(0);
    expect((await src.db.getAll('ticketTypes')).map((t) => t.id).sort()).toEqual(DEFAULT_TICKET_TYPES.map((t) => t.id).sort());
    expect(await src.store.getSettings()).toEqual(DEFAULT_SETTINGS);
    // Configuration is not data: kept.
    expect(await src.db.count('connections')).toBe(1);
    expect(await src.db.get('meta', 'adminPassphrase')).toBeDefined();

    const queued = file.data.outbox.filter((o) => o.status === 'queued');
    expect(queued.length).toBeGreaterThan(0);
    const summary = await importExport(src.store, uuidv7(), text);
    expect(summary).toMatchObject({ tickets: 2, notes: 2, links: 3, heldEffects: queued.length });
    const back = await buildExport(src.db, Date.parse(file.exportedAt));
    // Everything is back as it was, except that effects still waiting at export time are held, not re-sent.
    expect({ ...back, data: { ...back.data, outbox: [] } }).toEqual({ ...file, data: { ...file.data, outbox: [] } });
    expect(back.data.outbox.map((o) => o.id)).toEqual(file.data.outbox.map((o) => o.id));
    for (const o of back.data.outbox) {
      expect(o).toMatchObject({ status: 'skipped', lastError: expect.stringMatching(/^Not sent: it was still waiting when the data was exported/) });
    }
    expect(src.changes.at(-1)).toMatchObject({ settings: true, types: true, teammates: true });
    expect(src.changes.at(-1)!.ticketIds.sort()).toEqual([src.a.id, src.b.id].sort());

    // New tickets continue the numbering.
    const next = await src.store.createTicket({ requestId: uuidv7(), actorId: src.me.id, title: 'After import', typeId: 'type-general' });
    expect(next.number).toBe(3);
  });

  it('the queue search finds imported tickets and no longer finds wiped or replaced ones', async () => {
    const src = await populated();
    const text = JSON.stringify(await buildExport(src.db));
    const dst = await fresh();
    const other = await dst.store.me();
    await dst.store.createTicket({ requestId: uuidv7(), actorId: other.id, title: 'Local only', typeId: 'type-general' });
    await importExport(dst.store, uuidv7(), text);
    const titles = async (q: string) => (await dst.store.queryTickets({ text: q })).map((s) => s.ticket.title);
    expect(await titles('local')).toEqual([]);
    expect(await titles('crash')).toEqual(['Crash on login']);
    expect(await titles('#2')).toHaveLength(1);
    expect(await dst.db.count('ticketWords')).toBe(2);
    await wipeAll(dst.store, uuidv7());
    expect(await titles('crash')).toEqual([]);
    expect(await dst.db.count('ticketWords')).toBe(0);
  });

  it('imports into another browser’s store, replacing what was there', async () => {
    const src = await populated();
    const text = JSON.stringify(await buildExport(src.db));
    const dst = await fresh();
    const other = await dst.store.me();
    await dst.store.createTicket({ requestId: uuidv7(), actorId: other.id, title: 'Local only', typeId: 'type-general' });
    await importExport(dst.store, uuidv7(), text);
    const titles = (await dst.db.getAll('tickets')).map((t) => t.title).sort();
    expect(titles).toEqual(['Crash on login', 'Refund stuck']);
    expect((await dst.store.me()).id).toBe(src.me.id);
    expect(await dst.db.count('connections')).toBe(0);
  });

  it('a bad file changes nothing and says why', async () => {
    const { store, db } = await populated();
    const before = JSON.stringify(await buildExport(db, 0));
    const bad = JSON.parse(JSON.stringify(await buildExport(db)));
    bad.data.tickets[1].number = 0;
    const err = await importExport(store, uuidv7(), JSON.stringify(bad)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BacklineError);
    expect((err as BacklineError).code).toBe('invalid');
    expect((err as BacklineError).message).toBe('This file cannot be imported: tickets[1].number: expected a positive integer, got 0. Nothing was changed.');
    expect(JSON.stringify(await buildExport(db, 0))).toBe(before);
    await expect(importExport(store, uuidv7(), 'not json')).rejects.toThrow(/not valid JSON/);
    expect(JSON.stringify(await buildExport(db, 0))).toBe(before);
  });

  it('is all or nothing: a write that fails half-way leaves the old data', async () => {
    const { store, db } = await populated();
    const before = JSON.stringify(await buildExport(db, 0));
    const text = JSON.stringify(await buildExport(db));
    // The disk fills up while the second ticket is written: everything already cleared or
    // written in the import's transaction must come back.
    const proto = IDBObjectStore.prototype;
    const add = proto.add;
    let calls = 0;
    proto.add = function (this: IDBObjectStore, ...args: Parameters<typeof add>) {
      if (this.name === 'tickets' && ++calls === 2) throw new DOMException('disk full', 'QuotaExceededError');
      return add.apply(this, args);
    };
    try {
      await expect(importExport(store, uuidv7(), text)).rejects.toThrow(/disk full/);
    } finally {
      proto.add = add;
    }
    expect(calls).toBe(2);
    expect(JSON.stringify(await buildExport(db, 0))).toBe(before);
  });

  it('a retried import (same request id) is applied once', async () => {
    const src = await populated();
    const text = JSON.stringify(await buildExport(src.db));
    const rid = uuidv7();
    await importExport(src.store, rid, text);
    await src.store.addNote({ requestId: uuidv7(), actorId: src.me.id, ticketId: src.a.id, body: 'after', crossPost: false });
    await importExport(src.store, rid, text);
    expect((await src.db.getAll('activity')).some((a) => a.type === 'note' && a.body === 'after')).toBe(true);
  });
});
