/**
 * The Help Scout connector against the Help Scout stand-in over real HTTP (no mocks): token
 * exchange and refresh, notes, reopen/unsnooze, the preview, and every failure mapped to an
 * error a person can act on.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConnectorError, findConnection, noteMarker, testConnection } from '../../lib/connectors';
import { clearHelpScoutTokens, HelpScoutConnector } from '../../lib/connectors/helpscout';
import type { ConnectionRecord } from '../../lib/model/records';
import { HELPSCOUT_APP_ID, HELPSCOUT_APP_SECRET, startHelpScoutStandin, type HelpScoutStandin, type HsFailPlan } from '../standins/helpscout.mjs';

let standin: HelpScoutStandin;
beforeAll(async () => {
  standin = await startHelpScoutStandin();
});
afterAll(async () => {
  await standin.close();
});
beforeEach(() => {
  standin.reset();
  clearHelpScoutTokens();
});

const SNOOZED = '2199011258';
const ACTIVE = '3382659721';
const CLOSED = '3002667039';
const PENDING = '1229180365';

const hs = (extra: Partial<{ appId: string; appSecret: string; baseUrl: string; timeoutMs: number; now: () => number }> = {}) =>
  new HelpScoutConnector(
    { baseUrl: extra.baseUrl ?? standin.url, appId: extra.appId ?? HELPSCOUT_APP_ID, appSecret: extra.appSecret ?? HELPSCOUT_APP_SECRET },
    { timeoutMs: extra.timeoutMs, now: extra.now },
  );

const conv = (id: string) => standin.state.conversations.find((c) => String(c.id) === id)!;
const apiRequests = () => standin.state.requests.filter((r) => r.path !== '/v2/oauth2/token');
const fail = (plan: Partial<HsFailPlan>) => fetch(`${standin.url}/__standin/fail`, { method: 'POST', body: JSON.stringify(plan) });

async function rejection(p: Promise<unknown>): Promise<ConnectorError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ConnectorError);
  return e as ConnectorError;
}

describe('token', () => {
  it('swaps the App ID and secret for a Bearer token once and reuses it across connector instances', async () => {
    await hs().readStatus(ACTIVE);
    await hs().readStatus(CLOSED);
    await hs().postInternalNote(ACTIVE, 'hello', { idempotencyKey: 'tok1' });
    expect(standin.state.tokensIssued).toBe(1);
    const tokenReq = standin.state.requests.find((r) => r.path === '/v2/oauth2/token')!;
    expect(tokenReq).toMatchObject({ method: 'POST', body: { grant_type: 'client_credentials', client_id: HELPSCOUT_APP_ID, client_secret: HELPSCOUT_APP_SECRET } });
    const issued = Object.keys(standin.state.tokens)[0];
    expect(apiRequests().every((r) => r.authorization === `Bearer ${issued}`)).toBe(true);
  });

  it('fetches a new token when the API refuses the cached one (401), and the write lands once', async () => {
    await hs().readStatus(ACTIVE);
    await fetch(`${standin.url}/__standin/revoke-tokens`, { method: 'POST' });
    const before = conv(ACTIVE).threads.length;
    await hs().postInternalNote(ACTIVE, 'after revoke', { idempotencyKey: 'rev1' });
    expect(standin.state.tokensIssued).toBe(2);
    expect(conv(ACTIVE).threads.length).toBe(before + 1);
    const notes = apiRequests().filter((r) => r.method === 'POST');
    expect(notes.map((r) => r.status)).toEqual([401, 201]);
  });

  it('fetches a new token shortly before the old one expires, without waiting for a 401', async () => {
    standin.state.tokenLifetime = 600;
    let clock = Date.now();
    const c = hs({ now: () => clock });
    await c.readStatus(ACTIVE);
    clock += 500_000; // still 100 s left: more than the 60 s margin
    await c.readStatus(ACTIVE);
    expect(standin.state.tokensIssued).toBe(1);
    clock += 50_000; // 50 s left
    await c.readStatus(ACTIVE);
    expect(standin.state.tokensIssued).toBe(2);
    expect(apiRequests().every((r) => r.status === 200)).toBe(true);
  });

  it('says which credentials are wrong when the token request is refused, and does not retry it', async () => {
    const e = await rejection(hs({ appSecret: 'wrong' }).postInternalNote(ACTIVE, 'x', { idempotencyKey: 'k' }));
    expect(e).toMatchObject({ kind: 'unauthorized', permanent: true, status: 401, outcomeUnknown: false });
    expect(e.message).toContain('refused the App ID and App secret');
    expect(standin.state.requests).toHaveLength(1);
    expect(apiRequests()).toHaveLength(0);
  });

  it('does not cache a failed token request', async () => {
    await fail({ status: 503, match: '/oauth2/token' });
    expect(await rejection(hs().readStatus(ACTIVE))).toMatchObject({ kind: 'server', status: 503 });
    expect((await hs().readStatus(ACTIVE)).status).toBe('open');
  });
});

describe('reading', () => {
  it('reads a snoozed conversation: Snoozed until its time, customer, subject, threads oldest first as text', async () => {
    const snap = await hs().readConversation(SNOOZED);
    expect(snap.status).toBe('snoozed');
    expect(snap.snoozedUntil).toBe(Date.parse(conv(SNOOZED).snooze!.snoozedUntil));
    expect(snap).toMatchObject({ customerName: 'Grace Hopper', customerEmail: 'grace@compilers.example', title: 'Export stuck at 99%' });
    expect(snap.messages.map((m) => [m.kind, m.author])).toEqual([
      ['incoming', 'Grace Hopper'],
      ['note', 'Priya Shah'],
      ['event', 'Help Scout'],
    ]);
    expect(snap.messages[2]!.text).toBe('Priya snoozed the conversation');
  });

  it('turns HTML bodies into readable text', async () => {
    const snap = await hs().readConversation(ACTIVE);
    expect(snap.messages.map((m) => m.text)).toEqual(['Hello, I was charged twice for invoice INV-3301.\nCan you help?', 'Sorry about that & thanks for writing. Looking into it.']);
    expect(snap.messages[1]!.kind).toBe('outgoing');
  });

  it('maps statuses: active → Open, pending → Pending, closed → Closed', async () => {
    expect(await hs().readStatus(ACTIVE)).toEqual({ status: 'open', snoozedUntil: null });
    expect((await hs().readStatus(PENDING)).status).toBe('pending');
    expect((await hs().readStatus(CLOSED)).status).toBe('closed');
  });

  it('pages through threads (newest first) and shows notes without their marker', async () => {
    standin.state.pageSize = 3;
    const c = hs();
    for (let i = 0; i < 7; i++) await c.postInternalNote(CLOSED, `bulk <note> ${i}`, { idempotencyKey: `bulk${i}` });
    const snap = await c.readConversation(CLOSED, { limit: 100 });
    expect(snap.messages).toHaveLength(9);
    expect(snap.messages.at(-1)!.text).toBe('bulk <note> 6');
    expect((await c.readConversation(CLOSED, { limit: 4 })).messages.map((m) => m.text)).toEqual(['bulk <note> 3', 'bulk <note> 4', 'bulk <note> 5', 'bulk <note> 6']);
    expect(standin.state.requests.some((r) => r.path.endsWith('/threads') && r.query === 'page=3')).toBe(true);
  });
});

describe('writing', () => {
  it('posts an internal note (a note thread, no status) carrying its marker, and finds it again', async () => {
    const c = hs();
    const before = Date.now();
    const { messageId } = await c.postInternalNote(SNOOZED, 'Backline says <hi>\nsecond line', { idempotencyKey: 'abc123def456' });
    const stored = conv(SNOOZED).threads.at(-1)!;
    expect(String(stored.id)).toBe(messageId);
    expect(stored.type).toBe('note');
    expect(stored.body).toBe(`Backline says &lt;hi&gt;<br>second line<br><br>${noteMarker('abc123def456')}`);
    const post = apiRequests().find((r) => r.method === 'POST')!;
    expect(Object.keys(post.body)).toEqual(['text']);
    // A note neither reopens nor unsnoozes.
    expect(conv(SNOOZED).snooze).not.toBeNull();

    expect(await c.findNote(SNOOZED, 'abc123def456', { since: before })).toEqual({ messageId });
    expect(await c.findNote(SNOOZED, 'ffffffffffff', { since: before })).toBeNull();
  });

  it('finds a note on a later page, and stops paging once the threads are older than the attempt', async () => {
    standin.state.pageSize = 2;
    const c = hs();
    const { messageId } = await c.postInternalNote(ACTIVE, 'the one', { idempotencyKey: 'deep1' });
    for (let i = 0; i < 4; i++) await c.postInternalNote(ACTIVE, `later ${i}`, { idempotencyKey: `later${i}` });
    expect(await c.findNote(ACTIVE, 'deep1', { since: Date.now() - 1000 })).toEqual({ messageId });
    standin.state.requests.length = 0;
    // The seeded threads are 80+ minutes old: past the 10 minute skew, the search gives up there.
    expect(await c.findNote(ACTIVE, 'nothere', { since: Date.now() })).toBeNull();
    expect(standin.state.requests.filter((r) => r.path.endsWith('/threads')).length).toBeLessThan(4);
  });

  it('reopens a closed or pending conversation with PATCH replace /status active', async () => {
    expect(await hs().reopen(CLOSED)).toEqual({ status: 'open', snoozedUntil: null });
    expect(await hs().reopen(PENDING)).toEqual({ status: 'open', snoozedUntil: null });
    expect(conv(CLOSED).status).toBe('active');
    expect(conv(PENDING).status).toBe('active');
    const patches = apiRequests().filter((r) => r.method === 'PATCH');
    expect(patches.map((r) => [r.path, r.body])).toEqual([
      [`/v2/conversations/${CLOSED}`, { op: 'replace', path: '/status', value: 'active' }],
      [`/v2/conversations/${PENDING}`, { op: 'replace', path: '/status', value: 'active' }],
    ]);
  });

  it('reopening a snoozed conversation deletes the snooze (no status patch); unsnooze does the same', async () => {
    expect(await hs().reopen(SNOOZED)).toEqual({ status: 'open', snoozedUntil: null });
    expect(conv(SNOOZED).snooze).toBeNull();
    expect((await hs().readStatus(SNOOZED)).status).toBe('open');
    expect(apiRequests().filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`)).toEqual([`DELETE /v2/conversations/${SNOOZED}/snooze`]);

    standin.reset();
    expect(await hs().unsnooze(SNOOZED)).toEqual({ status: 'open', snoozedUntil: null });
    expect(conv(SNOOZED).snooze).toBeNull();
  });
});

describe('errors', () => {
  it('maps 404 to a permanent "not_found" naming the conversation', async () => {
    const e = await rejection(hs().readStatus('999'));
    expect(e).toMatchObject({ kind: 'not_found', permanent: true, status: 404 });
    expect(e.message).toContain('conversation 999');
  });

  it('maps 403 to a permanent "unauthorized" that says what to give access to', async () => {
    await fail({ status: 403, match: '/notes' });
    const e = await rejection(hs().postInternalNote(ACTIVE, 'x', { idempotencyKey: 'k' }));
    expect(e).toMatchObject({ kind: 'unauthorized', permanent: true, status: 403 });
    expect(e.message).toContain('mailbox');
  });

  it('maps 429 to rate_limited with the delay Help Scout asked for in X-RateLimit-Retry-After', async () => {
    await fail({ status: 429, retryAfter: 12, match: '/notes' });
    const e = await rejection(hs().postInternalNote(ACTIVE, 'x', { idempotencyKey: 'k' }));
    expect(e).toMatchObject({ kind: 'rate_limited', permanent: false, status: 429, retryAfterMs: 12_000, outcomeUnknown: false });
    expect(e.message).toContain('wait 12 s');
  });

  it('maps 500 to a transient server error; on a write its outcome is unknown', async () => {
    await fail({ status: 500, count: 2 });
    const token = await rejection(hs().readStatus(ACTIVE));
    expect(token).toMatchObject({ kind: 'server', status: 500 });
    const write = await rejection(hs().postInternalNote(ACTIVE, 'x', { idempotencyKey: 'k' }));
    expect(write).toMatchObject({ kind: 'server', permanent: false, outcomeUnknown: true, mayApplyLater: false });
    expect(conv(ACTIVE).threads.some((t) => t.type === 'note')).toBe(false);
  });

  it('refuses a bad request permanently, with Help Scout’s own words', async () => {
    await fail({ status: 400, match: '/notes', body: JSON.stringify({ logRef: 'x', message: 'Bad request', _embedded: { errors: [{ path: 'text', message: 'may not be empty' }] } }) });
    const e = await rejection(hs().postInternalNote(ACTIVE, 'x', { idempotencyKey: 'k' }));
    expect(e).toMatchObject({ kind: 'invalid', permanent: true, status: 400 });
    expect(e.message).toContain('text: may not be empty');
  });

  it('recognises an answer that is not JSON', async () => {
    await fail({ status: 200, match: `/conversations/${ACTIVE}`, body: '{"status": "act' });
    const e = await rejection(hs().readStatus(ACTIVE));
    expect(e).toMatchObject({ kind: 'invalid', permanent: true });
    expect(e.message).toContain("not Help Scout's API");
  });

  it('times out on a helpdesk that never answers, leaving a write’s outcome unknown', async () => {
    await hs().readStatus(ACTIVE); // token first
    await fail({ hang: true, match: '/notes' });
    const e = await rejection(hs({ timeoutMs: 300 }).postInternalNote(ACTIVE, 'x', { idempotencyKey: 'k' }));
    expect(e).toMatchObject({ kind: 'timeout', permanent: false, outcomeUnknown: true, mayApplyLater: true });
  });

  it('checks conversation ids before sending anything', async () => {
    expect(await rejection(hs().readStatus('12/../users'))).toMatchObject({ kind: 'invalid', permanent: true });
    expect(standin.state.requests).toHaveLength(0);
  });
});

describe('connection', () => {
  const rec = (over: Partial<ConnectionRecord> = {}): ConnectionRecord => ({
    id: 'h1',
    helpdesk: 'helpscout',
    baseUrl: standin.url,
    account: '',
    credentials: { appId: HELPSCOUT_APP_ID, appSecret: HELPSCOUT_APP_SECRET },
    label: '',
    createdAt: 1,
    updatedAt: 1,
    ...over,
  });

  it('Check connection says whose app it is, or why Help Scout refused', async () => {
    const ok = await testConnection(rec());
    expect(ok).toEqual({ ok: true, detail: `Connected to Help Scout at ${standin.url} as Priya Shah (priya@acme.example), owner. Notes are posted in that user's name.` });
    expect(await testConnection(rec({ credentials: { appId: HELPSCOUT_APP_ID, appSecret: 'nope' } }))).toMatchObject({ ok: false, code: 'unauthorized', error: expect.stringContaining('App secret') });
    expect(await testConnection(rec({ credentials: { appId: HELPSCOUT_APP_ID, appSecret: '' } }))).toEqual({ ok: false, code: 'invalid', error: 'Enter the App secret.' });
  });

  it('serves the conversations on Help Scout’s own pages, whatever the API address', () => {
    const conversation = { helpdesk: 'helpscout' as const, origin: 'https://secure.helpscout.net', account: '' };
    expect(findConnection(conversation, [rec()])?.id).toBe('h1');
    expect(findConnection({ ...conversation, origin: 'https://secure.helpscout.net.evil.example' }, [rec()])).toBeNull();
    // A conversation stored before the empty account was kept has none at all.
    const { account: _none, ...stored } = conversation;
    expect(findConnection(stored as typeof conversation, [rec()])?.id).toBe('h1');
  });
});
