/**
 * The FreeScout connector against the FreeScout stand-in over real HTTP: notes (as the first
 * administrator), reopen with byUser, preview, findNote, and every way a call can fail.
 */
import { describe, expect, it } from 'vitest';
import { findConnection, FreeScoutConnector, noteMarker, testConnection } from '../../lib/connectors';
import type { ConnectionRecord } from '../../lib/model/records';
import { FREESCOUT_API_KEY, startFreeScoutStandin } from '../standins/freescout.mjs';
import { rejectionOf, useStandin } from './standin-fixture';

const freescout = useStandin(startFreeScoutStandin);

const fs = (extra: { apiKey?: string; timeoutMs?: number } = {}) =>
  new FreeScoutConnector({ baseUrl: freescout.url, apiKey: extra.apiKey ?? FREESCOUT_API_KEY }, { timeoutMs: extra.timeoutMs });

const conv = (id: number) => freescout.state.conversations.find((c) => c.id === id)!;

describe('reading', () => {
  it('reads a conversation: status, customer, company, subject and its threads oldest first', async () => {
    const snap = await fs().readConversation('15');
    expect(snap).toMatchObject({
      status: 'open',
      snoozedUntil: null,
      customerName: 'Grace Hopper',
      customerEmail: 'grace@compilersystems.example',
      company: 'Compiler Systems Inc',
      title: 'Charged twice for the March invoice',
    });
    // The API lists threads newest first; the preview wants them oldest first.
    expect(snap.messages.map((m) => [m.kind, m.author, m.text])).toEqual([
      ['incoming', 'Grace Hopper', 'We were charged twice for invoice INV-3.'],
      ['note', 'Priya Shah', 'Stripe shows two captures.'],
    ]);
    expect(freescout.state.requests.every((r) => r.headers['x-freescout-api-key'] === FREESCOUT_API_KEY && r.query.embed === 'threads')).toBe(true);
  });

  it('reads active, pending and closed', async () => {
    expect((await fs().readStatus('15')).status).toBe('open');
    expect((await fs().readStatus('17')).status).toBe('pending');
    expect(await fs().readStatus('16')).toEqual({ status: 'closed', snoozedUntil: null });
  });

  it('finds the first administrator on a later page of users', async () => {
    const admin = freescout.state.users.find((u) => u.role === 'admin')!;
    freescout.state.users = [
      ...Array.from({ length: 150 }, (_, i) => ({ id: 1000 + i, firstName: 'Agent', lastName: String(i), email: `a${i}@acme.example`, role: 'user' })),
      { ...admin, id: 2000 },
    ];
    expect(await fs().verify()).toContain('posted as Priya Shah (priya@acme.example)');
    expect(freescout.state.requests.filter((r) => r.path === '/api/users').map((r) => r.query.page)).toEqual(['1', '2']);
  });

  it('says who Backline acts as: the first administrator', async () => {
    expect(await fs().verify()).toBe(`Connected to FreeScout at ${freescout.url}. The API key is the install's; Backline's notes are posted as Priya Shah (priya@acme.example).`);
  });
});

describe('writing', () => {
  it('posts a note thread as that administrator, escaped, with its marker; findNote finds it', async () => {
    const before = Date.now();
    const { messageId } = await fs().postInternalNote('16', 'Refund <approved> & logged\nby finance.', { idempotencyKey: 'key123' });
    const t = conv(16).threads.at(-1)!;
    expect(String(t.id)).toBe(messageId);
    expect(t).toMatchObject({ type: 'note', createdBy: { id: 1 } });
    expect(t.body).toBe(`<p>Refund &lt;approved&gt; &amp; logged<br>by finance.</p><p>${noteMarker('key123')}</p>`);
    const post = freescout.state.requests.find((r) => r.method === 'POST')!;
    expect(post.body).toMatchObject({ type: 'note', user: 1 });
    expect(post.body).not.toHaveProperty('status'); // a note changes no status
    expect(conv(16).status).toBe('closed');
    expect(await fs().findNote('16', 'key123', { since: before })).toEqual({ messageId });
    expect(await fs().findNote('16', 'nope', { since: before })).toBeNull();
    const snap = await fs().readConversation('16');
    expect(snap.messages.at(-1)).toMatchObject({ kind: 'note', text: 'Refund <approved> & logged\nby finance.' });
  });

  it('reopens a closed and a pending conversation with status active by the administrator', async () => {
    expect(await fs().reopen('16')).toEqual({ status: 'open', snoozedUntil: null });
    expect(await fs().unsnooze('17')).toEqual({ status: 'open', snoozedUntil: null });
    expect([conv(16).status, conv(17).status]).toEqual(['active', 'active']);
    expect(freescout.state.requests.filter((r) => r.method === 'PUT').map((r) => [r.path, r.body])).toEqual([
      ['/api/conversations/16', { status: 'active', byUser: 1 }],
      ['/api/conversations/17', { status: 'active', byUser: 1 }],
    ]);
    // The users are looked up once per connector.
    expect(freescout.state.requests.filter((r) => r.path === '/api/users')).toHaveLength(2);
  });
});

describe('errors', () => {
  it('401: a refused API key is permanent and says where to fix it', async () => {
    const e = await rejectionOf(fs({ apiKey: 'wrong' }).postInternalNote('15', 'x', { idempotencyKey: 'k' }));
    expect(e).toMatchObject({ kind: 'unauthorized', permanent: true, status: 401 });
    expect(e.message).toContain('API & Webhooks');
    expect(conv(15).threads).toHaveLength(2);
  });

  it('403 and 404', async () => {
    freescout.fail({ status: 403, body: JSON.stringify({ message: 'Access denied', errorCode: 'ACCESS DENIED' }) });
    const denied = await rejectionOf(fs().readStatus('15'));
    expect(denied).toMatchObject({ kind: 'unauthorized', status: 403 });
    expect(denied.message).toContain('Access denied');
    const missing = await rejectionOf(fs().readStatus('99'));
    expect(missing).toMatchObject({ kind: 'not_found', permanent: true });
    expect(missing.message).toContain('conversation 99');
  });

  it('400 with FreeScout’s error details; 405 says the module may be missing', async () => {
    freescout.fail({ status: 400, match: '/threads', body: JSON.stringify({ message: 'Bad request', errorCode: 'BAD REQUEST', _embedded: { errors: [{ path: 'text', message: 'text is required' }] } }) });
    const bad = await rejectionOf(fs().postInternalNote('15', 'x', { idempotencyKey: 'k' }));
    expect(bad).toMatchObject({ kind: 'invalid', permanent: true, status: 400 });
    expect(bad.message).toContain('text: text is required');
    freescout.fail({ status: 405, body: '{"message":"Method Not Allowed"}' });
    expect((await rejectionOf(fs().readStatus('15'))).message).toContain('API & Webhooks module');
  });

  it('429 and 5xx are transient; a write’s outcome is unknown after a 5xx', async () => {
    freescout.fail({ status: 429, headers: { 'retry-after': '12' } });
    expect(await rejectionOf(fs().readStatus('15'))).toMatchObject({ kind: 'rate_limited', retryAfterMs: 12_000 });
    const c = fs();
    await c.verify(); // the administrator is known
    freescout.fail({ status: 500, match: '/api/conversations/16' });
    expect(await rejectionOf(c.reopen('16'))).toMatchObject({ kind: 'server', permanent: false, outcomeUnknown: true });
    freescout.fail({ status: 504, match: '/threads' });
    expect(await rejectionOf(c.postInternalNote('16', 'x', { idempotencyKey: 'k' }))).toMatchObject({ kind: 'server', outcomeUnknown: true, mayApplyLater: true });
  });

  it('no answer is a timeout; an HTML page or another shape is not FreeScout’s API', async () => {
    freescout.fail({ hang: true, match: '/threads' });
    const c = fs({ timeoutMs: 300 });
    expect(await rejectionOf(c.postInternalNote('15', 'x', { idempotencyKey: 'k' }))).toMatchObject({ kind: 'timeout', outcomeUnknown: true });
    freescout.fail({ status: 200, body: '<html>Login</html>', contentType: 'text/html' });
    expect((await rejectionOf(fs().readStatus('15'))).message).toContain("is not FreeScout's API");
    freescout.fail({ status: 200, body: '{"data":[]}' });
    expect((await rejectionOf(fs().readStatus('15'))).message).toContain('no conversation status');
    freescout.fail({ status: 200, body: '{"users":[]}', match: '/api/users' });
    expect((await rejectionOf(fs().verify())).kind).toBe('invalid');
  });
});

describe('registry', () => {
  const rec = (over: Partial<ConnectionRecord> = {}): ConnectionRecord => ({
    id: 'f1',
    helpdesk: 'freescout',
    baseUrl: freescout.url,
    account: '',
    credentials: { apiKey: FREESCOUT_API_KEY },
    label: '',
    createdAt: 1,
    updatedAt: 1,
    ...over,
  });

  it('checks a connection and serves pages on its own origin', async () => {
    expect(await testConnection(rec())).toMatchObject({ ok: true, detail: expect.stringContaining('Priya Shah') });
    expect(await testConnection(rec({ credentials: { apiKey: 'nope' } }))).toMatchObject({ ok: false, code: 'unauthorized' });
    expect(findConnection({ helpdesk: 'freescout', origin: freescout.url, account: '' }, [rec()])?.id).toBe('f1');
  });
});
