/**
 * The Zammad connector against the Zammad stand-in over real HTTP: notes, reopen, preview,
 * findNote, and every way a call can fail (401, 403, 404, 422, 429, 5xx, no answer, not JSON).
 */
import { describe, expect, it } from 'vitest';
import { findConnection, noteMarker, testConnection, ZammadConnector } from '../../lib/connectors';
import type { ConnectionRecord } from '../../lib/model/records';
import { startZammadStandin, ZAMMAD_CUSTOMER_TOKEN, ZAMMAD_TOKEN } from '../standins/zammad.mjs';
import { rejectionOf, useStandin } from './standin-fixture';

const zammad = useStandin(startZammadStandin);

const zm = (extra: { token?: string; baseUrl?: string; timeoutMs?: number } = {}) =>
  new ZammadConnector({ baseUrl: extra.baseUrl ?? zammad.url, token: extra.token ?? ZAMMAD_TOKEN }, { timeoutMs: extra.timeoutMs });

const ticket = (id: number) => zammad.state.tickets.find((t) => t.id === id)!;
const articles = (id: number) => zammad.state.articles.filter((a) => a.ticket_id === id);

describe('reading', () => {
  it('reads a ticket: state, customer, organization, title and its articles in order, notes as notes', async () => {
    const snap = await zm().readConversation('1');
    expect(snap).toMatchObject({
      status: 'open',
      snoozedUntil: null,
      customerName: 'Grace Hopper',
      customerEmail: 'grace@compilersystems.example',
      company: 'Compiler Systems Inc',
      title: 'Charged twice for the March invoice',
    });
    expect(snap.messages.map((m) => [m.kind, m.author])).toEqual([
      ['incoming', 'Grace Hopper'],
      ['note', 'Priya Shah'],
    ]);
    // HTML bodies are shown as text.
    expect(snap.messages[0]!.text).toBe('We were charged twice for invoice INV-3.');
    expect(snap.messages[0]!.at).toBe(Date.parse(articles(1)[0]!.created_at));
    // Every request carried the token the way Zammad documents it.
    expect(zammad.state.requests.every((r) => r.headers.authorization === `Token token=${ZAMMAD_TOKEN}`)).toBe(true);
  });

  it('reads "pending reminder" as snoozed until its pending time, and closed as closed', async () => {
    expect(await zm().readStatus('2')).toEqual({ status: 'snoozed', snoozedUntil: Date.parse('2030-01-01T09:00:00.000Z') });
    expect(await zm().readStatus('3')).toEqual({ status: 'closed', snoozedUntil: null });
  });

  it('says whose token it is', async () => {
    expect(await zm().verify()).toBe(`Connected to Zammad at ${zammad.url} as Priya Shah (priya@acme.example).`);
  });
});

describe('writing', () => {
  it('posts an internal note (type note, internal, sender Agent) with its marker, and findNote finds it', async () => {
    const before = Date.now();
    const { messageId } = await zm().postInternalNote('3', 'Refund approved by finance.', { idempotencyKey: 'key123' });
    const a = articles(3).at(-1)!;
    expect(String(a.id)).toBe(messageId);
    expect(a).toMatchObject({ type: 'note', internal: true, sender: 'Agent', body: `Refund approved by finance.\n\n${noteMarker('key123')}` });
    // A note neither reopens nor changes anything else.
    expect(ticket(3).state).toBe('closed');
    expect(await zm().findNote('3', 'key123', { since: before })).toEqual({ messageId });
    expect(await zm().findNote('3', 'otherkey', { since: before })).toBeNull();
    // The preview shows the note as written, without the marker.
    const snap = await zm().readConversation('3');
    expect(snap.messages.at(-1)).toMatchObject({ kind: 'note', text: 'Refund approved by finance.' });
  });

  it('a customer-visible article with the marker is not taken for the note', async () => {
    zammad.state.articles.push({ ...articles(1)[0]!, id: 99, internal: false, body: `quoted ${noteMarker('k9')}`, created_at: new Date().toISOString() });
    expect(await zm().findNote('1', 'k9', { since: Date.now() - 1000 })).toBeNull();
  });

  it('reopens a closed ticket and unsnoozes a pending-reminder one with state open', async () => {
    expect((await zm().reopen('3')).status).toBe('open');
    expect(await zm().unsnooze('2')).toMatchObject({ status: 'open' });
    expect([ticket(3).state, ticket(2).state, ticket(2).pending_time]).toEqual(['open', 'open', null]);
    const puts = zammad.state.requests.filter((r) => r.method === 'PUT');
    expect(puts.map((r) => [r.path, r.body])).toEqual([
      ['/api/v1/tickets/3', { state: 'open' }],
      ['/api/v1/tickets/2', { state: 'open' }],
    ]);
  });
});

describe('errors', () => {
  it('401: a refused token is permanent and says where to fix it; nothing is written', async () => {
    const e = await rejectionOf(zm({ token: 'wrong' }).postInternalNote('1', 'x', { idempotencyKey: 'k' }));
    expect(e).toMatchObject({ kind: 'unauthorized', permanent: true, status: 401, outcomeUnknown: false });
    expect(e.message).toContain("Check the connection's Access token");
    expect(articles(1)).toHaveLength(2);
  });

  it('403: a token without the agent permission', async () => {
    const e = await rejectionOf(zm({ token: ZAMMAD_CUSTOMER_TOKEN }).readStatus('1'));
    expect(e).toMatchObject({ kind: 'unauthorized', permanent: true, status: 403 });
    expect(e.message).toContain('ticket.agent');
  });

  it('404 names the ticket; 422 carries Zammad’s own words; a bad id is refused before sending', async () => {
    const e = await rejectionOf(zm().readStatus('404'));
    expect(e).toMatchObject({ kind: 'not_found', permanent: true, status: 404 });
    expect(e.message).toContain('ticket 404');
    zammad.fail({ status: 422, body: JSON.stringify({ error: 'x', error_human: 'Need body!' }) });
    const invalid = await rejectionOf(zm().postInternalNote('1', 'x', { idempotencyKey: 'k' }));
    expect(invalid).toMatchObject({ kind: 'invalid', permanent: true, status: 422 });
    expect(invalid.message).toContain('Need body!');
    const before = zammad.state.requests.length;
    expect(await rejectionOf(zm().readStatus('1/../2'))).toMatchObject({ kind: 'invalid' });
    expect(zammad.state.requests).toHaveLength(before);
  });

  it('429 with Retry-After is transient and says how long to wait', async () => {
    zammad.fail({ status: 429, headers: { 'retry-after': '30' } });
    const e = await rejectionOf(zm().readStatus('1'));
    expect(e).toMatchObject({ kind: 'rate_limited', permanent: false, retryAfterMs: 30_000 });
    expect(e.message).toContain('wait 30 s');
  });

  it('5xx: transient; a write’s outcome is unknown', async () => {
    zammad.fail({ status: 503, count: 2 });
    expect(await rejectionOf(zm().readStatus('1'))).toMatchObject({ kind: 'server', permanent: false, outcomeUnknown: false });
    expect(await rejectionOf(zm().reopen('3'))).toMatchObject({ kind: 'server', outcomeUnknown: true, mayApplyLater: false });
    expect(ticket(3).state).toBe('closed');
  });

  it('no answer: a timeout whose write may still be applied', async () => {
    zammad.fail({ hang: true });
    const e = await rejectionOf(zm({ timeoutMs: 300 }).postInternalNote('1', 'x', { idempotencyKey: 'k' }));
    expect(e).toMatchObject({ kind: 'timeout', outcomeUnknown: true, mayApplyLater: true });
  });

  it('an answer that is not Zammad’s API (HTML, or JSON of another shape)', async () => {
    zammad.fail({ status: 200, body: '<html>Sign in</html>', contentType: 'text/html' });
    const e = await rejectionOf(zm().readStatus('1'));
    expect(e).toMatchObject({ kind: 'invalid', permanent: true });
    expect(e.message).toContain("is not Zammad's API");
    zammad.fail({ status: 200, body: '{"tickets":[]}' });
    expect((await rejectionOf(zm().readStatus('1'))).message).toContain('no ticket state');
    zammad.fail({ status: 200, body: '{"articles":[]}', match: 'by_ticket' });
    expect(await rejectionOf(zm().findNote('1', 'k', { since: 0 }))).toMatchObject({ kind: 'invalid' });
  });
});

describe('registry', () => {
  const rec = (over: Partial<ConnectionRecord> = {}): ConnectionRecord => ({
    id: 'z1',
    helpdesk: 'zammad',
    baseUrl: zammad.url,
    account: '',
    credentials: { token: ZAMMAD_TOKEN },
    label: '',
    createdAt: 1,
    updatedAt: 1,
    ...over,
  });

  it('checks a connection through the registry, and serves pages on its own origin', async () => {
    expect(await testConnection(rec())).toMatchObject({ ok: true, detail: expect.stringContaining('Priya Shah') });
    expect(await testConnection(rec({ credentials: { token: 'nope' } }))).toMatchObject({ ok: false, code: 'unauthorized' });
    expect(findConnection({ helpdesk: 'zammad', origin: zammad.url, account: '' }, [rec()])?.id).toBe('z1');
  });
});
