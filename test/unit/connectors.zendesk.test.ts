/**
 * The Zendesk connector against the Zendesk stand-in over real HTTP: internal notes as private
 * comments with an Idempotency-Key, reopen, closed tickets, the preview, findNote, the
 * connection check and every failure mapped to a clear error.
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { noteMarker, testConnection, ZendeskConnector, type ConnectorOptions } from '../../lib/connectors';
import { startZendeskStandin, ZENDESK_EMAIL, ZENDESK_TOKEN } from '../standins/zendesk.mjs';
import { describeFailures } from './connector-failures';

let zd: Awaited<ReturnType<typeof startZendeskStandin>>;
beforeEach(async () => {
  await zd?.close();
  zd = await startZendeskStandin();
});
afterAll(async () => {
  await zd?.close();
});

const make = (baseUrl = zd.url, opts: ConnectorOptions & { wrongCredentials?: boolean } = {}) =>
  new ZendeskConnector({ baseUrl, email: ZENDESK_EMAIL, token: opts.wrongCredentials ? 'wrong-token' : ZENDESK_TOKEN }, opts);
const ticket = (id: number) => zd.state.tickets.find((t) => t.id === id)!;
const writes = () => zd.state.requests.filter((r) => r.method !== 'GET');

describe('Zendesk connector', () => {
  it('posts a note as a private comment (public: false) with the marker and an Idempotency-Key, and finds it', async () => {
    const before = Date.now();
    const { messageId } = await make().postInternalNote('101', 'Billing confirmed the refund.', { idempotencyKey: 'a1b2c3d4e5f6' });
    const stored = ticket(101).comments.at(-1)!;
    expect(String(stored.id)).toBe(messageId);
    expect(stored).toMatchObject({ public: false, body: `Billing confirmed the refund.\n\n${noteMarker('a1b2c3d4e5f6')}` });
    expect(ticket(101).status).toBe('open');
    const [put] = writes();
    expect(put).toMatchObject({ method: 'PUT', path: '/api/v2/tickets/101', body: { ticket: { comment: { public: false } } } });
    expect(put!.headers['idempotency-key']).toBe('backline-note-a1b2c3d4e5f6');
    expect(await make().findNote('101', 'a1b2c3d4e5f6', { since: before })).toEqual({ messageId });
    expect(await make().findNote('101', 'ffffffffffff', { since: before })).toBeNull();
  });

  it('reads comments newest first and pages back with the cursor to find an older note', async () => {
    const { messageId } = await make().postInternalNote('105', 'early note', { idempotencyKey: 'early0000001' });
    const t = ticket(105);
    const base = t.comments.at(-1)!;
    for (let i = 0; i < 150; i++) t.comments.push({ ...base, id: 50000 + i, body: `later ${i}`, plain_body: `later ${i}`, public: true });
    expect(await make().findNote('105', 'early0000001', { since: 0 })).toEqual({ messageId });
    const lists = zd.state.requests.filter((r) => r.path.endsWith('/comments'));
    expect(lists).toHaveLength(2);
    expect(new URLSearchParams(lists[1]!.query).get('page[after]')).toBe('50050');
    const snap = await make().readConversation('105', { limit: 10 });
    expect(snap.messages.map((m) => m.text)).toEqual(Array.from({ length: 10 }, (_, i) => `later ${140 + i}`));
  });

  it('a repeated note request with the same Idempotency-Key does not add a second comment', async () => {
    await make().postInternalNote('101', 'Once only', { idempotencyKey: 'k00000000001' });
    await make().postInternalNote('101', 'Once only', { idempotencyKey: 'k00000000001' });
    expect(ticket(101).comments.filter((c) => c.body.startsWith('Once only'))).toHaveLength(1);
  });

  it('reopens a solved, pending or on-hold ticket with status open; unsnooze is the same', async () => {
    expect(await make().reopen('102')).toEqual({ status: 'open', snoozedUntil: null });
    expect(await make().unsnooze('104')).toEqual({ status: 'open', snoozedUntil: null });
    expect(ticket(102).status).toBe('open');
    expect(ticket(104).status).toBe('open');
    expect(writes().map((r) => r.body)).toEqual([{ ticket: { status: 'open' } }, { ticket: { status: 'open' } }]);
  });

  it('a closed ticket cannot be changed: a permanent error that says what to do', async () => {
    await expect(make().reopen('103')).rejects.toMatchObject({ kind: 'invalid', permanent: true, message: expect.stringContaining('follow-up') });
    await expect(make().postInternalNote('103', 'late', { idempotencyKey: 'k00000000002' })).rejects.toMatchObject({ permanent: true });
    expect(ticket(103).comments).toHaveLength(1);
  });

  it('reads the preview: status, requester, organisation, subject and the comments as text, notes marked', async () => {
    await make().postInternalNote('101', 'A Backline note', { idempotencyKey: 'k00000000003' });
    const snap = await make().readConversation('101');
    expect(snap).toMatchObject({ status: 'open', customerName: 'Ada Lovelace', customerEmail: 'ada@analytical.example', company: 'Analytical Engines Ltd', title: 'Refund for a double charge' });
    expect(snap.messages.map((m) => [m.kind, m.author, m.text])).toEqual([
      ['incoming', 'Ada Lovelace', 'I was charged twice for order 4411.'],
      ['outgoing', 'Priya Shah', 'Sorry about that, looking into it.'],
      ['note', 'Priya Shah', 'Stripe shows two captures.'],
      ['note', 'Priya Shah', 'A Backline note'],
    ]);
    expect((await make().readStatus('102')).status).toBe('resolved');
    expect((await make().readStatus('105')).status).toBe('pending');
  });

  it('checks the connection and says whose token it is', async () => {
    const ok = await testConnection({ helpdesk: 'zendesk', baseUrl: zd.url, account: 'acme', credentials: { email: ZENDESK_EMAIL, token: ZENDESK_TOKEN } });
    expect(ok).toEqual({ ok: true, detail: `Connected to Zendesk at ${zd.url} as Priya Shah (${ZENDESK_EMAIL}), agent.` });
    const bad = await testConnection({ helpdesk: 'zendesk', baseUrl: zd.url, account: 'acme', credentials: { email: ZENDESK_EMAIL, token: 'nope' } });
    expect(bad).toMatchObject({ ok: false, code: 'unauthorized' });
  });
});

describeFailures({
  name: 'Zendesk',
  url: () => zd.url,
  make: (url, opts) => make(url, opts),
  id: '101',
  missingId: '999',
  writeMatch: '/tickets/101',
  fail: async (plan) => {
    await fetch(`${zd.url}/__standin/fail`, { method: 'POST', body: JSON.stringify(plan) });
  },
  drop: async (plan) => {
    await fetch(`${zd.url}/__standin/drop`, { method: 'POST', body: JSON.stringify(plan) });
  },
  notesWith: (text) => ticket(101).comments.filter((c) => c.body.includes(text)).length,
});
