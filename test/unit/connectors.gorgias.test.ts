/**
 * The Gorgias connector against the Gorgias stand-in over real HTTP: internal notes, reopen and
 * unsnooze, preview, findNote, the documented 40 requests per 20 s (kept by Backline, and a 429
 * from Gorgias respected), and the other failures.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { findConnection, GorgiasConnector, noteMarker, resetGorgiasPacing, testConnection } from '../../lib/connectors';
import type { ConnectionRecord } from '../../lib/model/records';
import { GORGIAS_API_KEY, GORGIAS_EMAIL, startGorgiasStandin } from '../standins/gorgias.mjs';
import { rejectionOf, useStandin } from './standin-fixture';

const gorgias = useStandin(startGorgiasStandin);
beforeEach(() => resetGorgiasPacing());

const gg = (extra: { apiKey?: string; timeoutMs?: number } = {}) =>
  new GorgiasConnector({ baseUrl: gorgias.url, email: GORGIAS_EMAIL, apiKey: extra.apiKey ?? GORGIAS_API_KEY }, { timeoutMs: extra.timeoutMs });

const ticket = (id: number) => gorgias.state.tickets.find((t) => t.id === id)!;

describe('reading', () => {
  it('reads a ticket: status, customer, subject, and its messages with internal notes as notes', async () => {
    const snap = await gg().readConversation('63091193');
    expect(snap).toMatchObject({ status: 'open', snoozedUntil: null, customerName: 'Grace Hopper', customerEmail: 'grace@compilersystems.example', title: 'Charged twice for the March invoice' });
    expect(snap.messages.map((m) => [m.kind, m.author, m.text])).toEqual([
      ['incoming', 'Grace Hopper', 'We were charged twice for invoice INV-3.'],
      ['note', 'Priya Shah', 'Stripe shows two captures.'],
    ]);
    const basic = `Basic ${Buffer.from(`${GORGIAS_EMAIL}:${GORGIAS_API_KEY}`).toString('base64')}`;
    expect(gorgias.state.requests.every((r) => r.headers.authorization === basic)).toBe(true);
  });

  it('reads a ticket snoozed into the future as snoozed, and a closed one as closed', async () => {
    expect(await gg().readStatus('63091195')).toEqual({ status: 'snoozed', snoozedUntil: Date.parse('2030-01-01T09:00:00Z') });
    expect(await gg().readStatus('63091194')).toEqual({ status: 'closed', snoozedUntil: null });
  });

  it('says whose credentials they are', async () => {
    expect(await gg().verify()).toBe(`Connected to Gorgias at ${gorgias.url} as ${GORGIAS_EMAIL}.`);
  });
});

describe('writing', () => {
  it('posts an internal note (internal-note channel, not public, from the agent) with its marker; findNote finds it', async () => {
    const before = Date.now();
    const { messageId } = await gg().postInternalNote('63091194', 'Refund <approved>.', { idempotencyKey: 'key123' });
    const m = ticket(63091194).messages.at(-1)!;
    expect(String(m.id)).toBe(messageId);
    expect(m).toMatchObject({ channel: 'internal-note', public: false, from_agent: true, sender: { email: GORGIAS_EMAIL } });
    expect(m.body_text).toBe(`Refund <approved>.\n\n${noteMarker('key123')}`);
    expect(m.body_html).toBe(`<p>Refund &lt;approved&gt;.</p><p>${noteMarker('key123')}</p>`);
    expect(ticket(63091194).status).toBe('closed');
    expect(await gg().findNote('63091194', 'key123', { since: before })).toEqual({ messageId });
    expect(await gg().findNote('63091194', 'other', { since: before })).toBeNull();
    expect((await gg().readConversation('63091194')).messages.at(-1)).toMatchObject({ kind: 'note', text: 'Refund <approved>.' });
  });

  it('reopens a closed ticket and unsnoozes a snoozed one: status open, snooze cleared', async () => {
    expect(await gg().reopen('63091194')).toEqual({ status: 'open', snoozedUntil: null });
    expect(await gg().unsnooze('63091195')).toEqual({ status: 'open', snoozedUntil: null });
    expect([ticket(63091194).status, ticket(63091195).status, ticket(63091195).snooze_datetime]).toEqual(['open', 'open', null]);
    expect(gorgias.state.requests.filter((r) => r.method === 'PUT').map((r) => r.body)).toEqual([
      { status: 'open', snooze_datetime: null },
      { status: 'open', snooze_datetime: null },
    ]);
  });
});

describe('the rate limit: 40 requests per 20 s', () => {
  it('keeps under it: the 41st request within the window is not sent, and says when to try again', async () => {
    const c = gg();
    for (let i = 0; i < 40; i++) await c.readStatus('63091193');
    const e = await rejectionOf(gg().postInternalNote('63091193', 'x', { idempotencyKey: 'k' })); // a new connector: the budget is the account's
    expect(e).toMatchObject({ kind: 'rate_limited', permanent: false, outcomeUnknown: false });
    expect(e.retryAfterMs).toBeGreaterThan(15_000);
    expect(e.message).toContain('Not sent: Gorgias allows 40 requests per 20 s');
    expect(gorgias.state.requests).toHaveLength(40);
    expect(gorgias.state.requests.every((r) => r.status === 200)).toBe(true);
  });

  it('a 429 from Gorgias (another integration used the budget) pauses requests for its Retry-after', async () => {
    gorgias.state.bucket.level = 40; // someone else filled the account's bucket
    gorgias.state.bucket.at = Date.now();
    const e = await rejectionOf(gg().readStatus('63091193'));
    expect(e).toMatchObject({ kind: 'rate_limited', status: 429 });
    expect(e.retryAfterMs).toBe(1000);
    const sent = gorgias.state.requests.length;
    // Within that second nothing more is sent.
    expect(await rejectionOf(gg().reopen('63091194'))).toMatchObject({ kind: 'rate_limited', status: null });
    expect(gorgias.state.requests).toHaveLength(sent);
  });
});

describe('errors', () => {
  it('401: refused credentials are permanent and say where to fix them', async () => {
    const e = await rejectionOf(gg({ apiKey: 'wrong' }).postInternalNote('63091193', 'x', { idempotencyKey: 'k' }));
    expect(e).toMatchObject({ kind: 'unauthorized', permanent: true, status: 401 });
    expect(e.message).toContain('Email and API key');
    expect(ticket(63091193).messages).toHaveLength(2);
  });

  it('403, 404 and a 400 with Gorgias’s own words', async () => {
    gorgias.fail({ status: 403, body: '{"error":{"msg":"Forbidden"}}' });
    expect(await rejectionOf(gg().readStatus('63091193'))).toMatchObject({ kind: 'unauthorized', status: 403 });
    const missing = await rejectionOf(gg().readStatus('1'));
    expect(missing).toMatchObject({ kind: 'not_found', permanent: true });
    expect(missing.message).toContain('ticket 1');
    gorgias.fail({ status: 400, body: JSON.stringify({ error: { msg: 'Failed to create message', data: { sender: ['Missing data for required field.'] } } }) });
    const bad = await rejectionOf(gg().postInternalNote('63091193', 'x', { idempotencyKey: 'k' }));
    expect(bad).toMatchObject({ kind: 'invalid', permanent: true });
    expect(bad.message).toContain('Failed to create message; sender: Missing data for required field.');
  });

  it('5xx is transient; no answer is a timeout; HTML is not Gorgias’s API', async () => {
    gorgias.fail({ status: 503 });
    expect(await rejectionOf(gg().reopen('63091194'))).toMatchObject({ kind: 'server', outcomeUnknown: true });
    gorgias.fail({ hang: true });
    expect(await rejectionOf(gg({ timeoutMs: 300 }).postInternalNote('63091193', 'x', { idempotencyKey: 'k' }))).toMatchObject({ kind: 'timeout', mayApplyLater: true });
    gorgias.fail({ status: 200, body: '<html>Gorgias login</html>', contentType: 'text/html' });
    expect((await rejectionOf(gg().readStatus('63091193'))).message).toContain("is not Gorgias's API");
    gorgias.fail({ status: 200, body: '{"id":1}' });
    expect((await rejectionOf(gg().readStatus('63091193'))).message).toContain('no ticket status');
  });
});

describe('registry', () => {
  const rec = (over: Partial<ConnectionRecord> = {}): ConnectionRecord => ({
    id: 'g1',
    helpdesk: 'gorgias',
    baseUrl: gorgias.url,
    account: '',
    credentials: { email: GORGIAS_EMAIL, apiKey: GORGIAS_API_KEY },
    label: '',
    createdAt: 1,
    updatedAt: 1,
    ...over,
  });

  it('checks a connection, and a cloud connection serves its own account’s pages', async () => {
    expect(await testConnection(rec())).toMatchObject({ ok: true, detail: expect.stringContaining(GORGIAS_EMAIL) });
    expect(await testConnection(rec({ credentials: { email: GORGIAS_EMAIL } }))).toMatchObject({ ok: false, error: 'Enter the API key.' });
    const cloud = rec({ baseUrl: 'https://acme.gorgias.com', account: 'acme' });
    expect(findConnection({ helpdesk: 'gorgias', origin: 'https://acme.gorgias.com', account: 'acme' }, [cloud])?.id).toBe('g1');
    expect(findConnection({ helpdesk: 'gorgias', origin: 'https://other.gorgias.com', account: 'other' }, [cloud])).toBeNull();
  });
});
