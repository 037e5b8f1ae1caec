/**
 * The Freshdesk connector against the Freshdesk stand-in over real HTTP: private notes, reopen
 * with status 2, no snooze, the preview, findNote across pages, the connection check and every
 * failure mapped to a clear error.
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { FreshdeskConnector, noteMarker, testConnection, type ConnectorOptions } from '../../lib/connectors';
import { FRESHDESK_API_KEY, startFreshdeskStandin } from '../standins/freshdesk.mjs';
import { describeFailures } from './connector-failures';

let fd: Awaited<ReturnType<typeof startFreshdeskStandin>>;
beforeEach(async () => {
  await fd?.close();
  fd = await startFreshdeskStandin();
});
afterAll(async () => {
  await fd?.close();
});

const make = (baseUrl = fd.url, opts: ConnectorOptions & { wrongCredentials?: boolean } = {}) =>
  new FreshdeskConnector({ baseUrl, apiKey: opts.wrongCredentials ? 'wrong-key' : FRESHDESK_API_KEY }, opts);
const ticket = (id: number) => fd.state.tickets.find((t) => t.id === id)!;
const writes = () => fd.state.requests.filter((r) => r.method !== 'GET');

describe('Freshdesk connector', () => {
  it('posts a private note (private: true) carrying the marker, as HTML, and finds it', async () => {
    const before = Date.now();
    const { messageId } = await make().postInternalNote('201', 'Card <updated> & charged.\nThanks', { idempotencyKey: 'a1b2c3d4e5f6' });
    const stored = ticket(201).conversations.at(-1)!;
    expect(String(stored.id)).toBe(messageId);
    expect(stored.private).toBe(true);
    expect(stored.body).toBe(`<p>Card &lt;updated&gt; &amp; charged.<br>Thanks</p><p>${noteMarker('a1b2c3d4e5f6')}</p>`);
    expect(writes()).toMatchObject([{ method: 'POST', path: '/api/v2/tickets/201/notes', body: { private: true } }]);
    expect(ticket(201).status).toBe(2);
    expect(await make().findNote('201', 'a1b2c3d4e5f6', { since: before })).toEqual({ messageId });
    expect(await make().findNote('201', 'ffffffffffff', { since: before })).toBeNull();
  });

  it('finds a note past the first page of 100 conversations', async () => {
    for (let i = 0; i < 120; i++) ticket(203).conversations.push({ ...ticket(201).conversations[0]!, id: 90000 + i });
    await make().postInternalNote('203', 'deep note', { idempotencyKey: 'deep00000001' });
    expect(await make().findNote('203', 'deep00000001', { since: 0 })).not.toBeNull();
    expect(fd.state.requests.filter((r) => r.path.endsWith('/conversations')).map((r) => r.query)).toEqual(['per_page=100&page=1', 'per_page=100&page=2']);
  });

  it('reopens a resolved or closed ticket with status 2; unsnooze sends nothing (Freshdesk has no snooze)', async () => {
    expect(await make().reopen('202')).toEqual({ status: 'open', snoozedUntil: null });
    expect(await make().reopen('203')).toEqual({ status: 'open', snoozedUntil: null });
    expect(writes().map((r) => [r.method, r.path, r.body])).toEqual([
      ['PUT', '/api/v2/tickets/202', { status: 2 }],
      ['PUT', '/api/v2/tickets/203', { status: 2 }],
    ]);
    expect(await make().unsnooze('204')).toEqual({ status: 'pending', snoozedUntil: null });
    expect(writes()).toHaveLength(2);
  });

  it('reads the preview: description first, then replies, notes marked; requester and company', async () => {
    const snap = await make().readConversation('201');
    expect(snap).toMatchObject({ status: 'open', customerName: 'Grace Hopper', customerEmail: 'grace@compilers.example', company: 'Compiler Systems Inc', title: 'Card declined on renewal' });
    expect(snap.messages.map((m) => [m.kind, m.text])).toEqual([
      ['incoming', 'My card was declined when the plan renewed.'],
      ['outgoing', 'We are checking with the bank.'],
      ['note', 'Bank says the card expired.'],
      ['incoming', 'I updated the card.'],
    ]);
    expect((await make().readStatus('203')).status).toBe('closed');
  });

  it('checks the connection and says whose key it is', async () => {
    const ok = await testConnection({ helpdesk: 'freshdesk', baseUrl: fd.url, account: 'acme', credentials: { apiKey: FRESHDESK_API_KEY } });
    expect(ok).toEqual({ ok: true, detail: `Connected to Freshdesk at ${fd.url} as Priya Shah (priya@acme.test).` });
    expect(await testConnection({ helpdesk: 'freshdesk', baseUrl: fd.url, account: 'acme', credentials: { apiKey: 'nope' } })).toMatchObject({ ok: false, code: 'unauthorized' });
  });

  it('a refused value comes back with Freshdesk’s own words', async () => {
    await fetch(`${fd.url}/__standin/fail`, {
      method: 'POST',
      body: JSON.stringify({ status: 400, body: { description: 'Validation failed', errors: [{ field: 'body', message: 'It should be a/an String', code: 'missing_field' }] } }),
    });
    await expect(make().postInternalNote('201', 'x', { idempotencyKey: 'k' })).rejects.toMatchObject({
      kind: 'invalid',
      permanent: true,
      message: 'Freshdesk refused the request (HTTP 400): body: It should be a/an String.',
    });
  });
});

describeFailures({
  name: 'Freshdesk',
  url: () => fd.url,
  make: (url, opts) => make(url, opts),
  id: '201',
  missingId: '999',
  writeMatch: '/notes',
  fail: async (plan) => {
    await fetch(`${fd.url}/__standin/fail`, { method: 'POST', body: JSON.stringify(plan) });
  },
  drop: async (plan) => {
    await fetch(`${fd.url}/__standin/drop`, { method: 'POST', body: JSON.stringify(plan) });
  },
  notesWith: (text) => ticket(201).conversations.filter((c) => c.body.includes(text)).length,
});
