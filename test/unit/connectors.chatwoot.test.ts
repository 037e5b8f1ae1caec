/**
 * The Chatwoot connector against the sandbox helpdesk over real HTTP (no mocks), plus tiny
 * local servers for the failures the sandbox cannot produce (no answer, Retry-After, HTML,
 * redirects).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ChatwootConnector,
  ConnectorError,
  describeFetchFailure,
  findConnection,
  noteMarker,
  parseRetryAfter,
  testConnection,
} from '../../lib/connectors';
import type { ConnectionRecord } from '../../lib/model/records';
import { SANDBOX_ACCOUNT_ID, SANDBOX_TOKEN } from '../sandbox/server.mjs';
import { useSandbox } from './sandbox-fixture';

const sandbox = useSandbox();

const servers: http.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

/** A throw-away HTTP server; returns its base URL and the requests it saw. */
async function localServer(handler: http.RequestListener): Promise<{ url: string; seen: http.IncomingMessage[] }> {
  const seen: http.IncomingMessage[] = [];
  const server = http.createServer((req, res) => {
    seen.push(req);
    handler(req, res);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const cw = (extra: Partial<{ token: string; accountId: string; baseUrl: string; timeoutMs: number; isOnline: () => boolean }> = {}) =>
  new ChatwootConnector(
    { baseUrl: extra.baseUrl ?? sandbox.url, accountId: extra.accountId ?? String(SANDBOX_ACCOUNT_ID), token: extra.token ?? SANDBOX_TOKEN },
    { timeoutMs: extra.timeoutMs, isOnline: extra.isOnline },
  );

async function rejection(p: Promise<unknown>): Promise<ConnectorError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ConnectorError);
  return e as ConnectorError;
}

const conv = (id: number) => sandbox.state.conversations.find((c) => c.id === id)!;

describe('reading', () => {
  it('reads a snoozed chat conversation: status, snooze, customer, company and its messages in order', async () => {
    const snap = await cw().readConversation('2');
    expect(snap.status).toBe('snoozed');
    expect(snap.snoozedUntil).toBe(conv(2).snoozed_until! * 1000);
    expect(snap).toMatchObject({ customerName: 'Grace Hopper', customerEmail: 'grace@compilersystems.com', company: 'Compiler Systems Inc', title: '' });
    expect(snap.messages.map((m) => m.kind)).toEqual(['incoming', 'outgoing', 'event']);
    expect(snap.messages[0]).toMatchObject({ author: 'Grace Hopper', text: expect.stringContaining('exp_88213') });
    expect(snap.messages[1]!.author).toBe('Priya Shah');
    expect(snap.messages.map((m) => m.at)).toEqual(conv(2).messages.map((m) => m.created_at * 1000));
  });

  it('shows private notes as notes and uses the email subject as the title', async () => {
    const snap = await cw().readConversation('1');
    expect(snap.title).toBe('Charged twice for the March invoice');
    expect(snap.status).toBe('open');
    expect(snap.snoozedUntil).toBeNull();
    const note = snap.messages.find((m) => m.kind === 'note');
    expect(note?.text).toContain('Stripe shows two captures');
  });

  it('pages back through more than one page of messages (Chatwoot sends 20 at a time)', async () => {
    const c = cw();
    for (let i = 0; i < 25; i++) await c.postInternalNote('4', `bulk note ${i}`, { idempotencyKey: `bulk${i}` });
    const all = conv(4).messages.length;
    expect(all).toBeGreaterThan(20);
    const snap = await c.readConversation('4', { limit: 100 });
    expect(snap.messages).toHaveLength(all);
    expect(snap.messages.map((m) => m.id)).toEqual(conv(4).messages.map((m) => String(m.id)));
    // The marker is Backline's business; the preview shows the note as written.
    expect(snap.messages.at(-1)!.text).toBe('bulk note 24');
    expect((await c.readConversation('4', { limit: 10 })).messages).toHaveLength(10);
  });

  it('reads the status alone', async () => {
    expect(await cw().readStatus('3')).toEqual({ status: 'resolved', snoozedUntil: null });
    expect((await cw().readStatus('4')).status).toBe('pending');
  });
});

describe('writing', () => {
  it('posts an internal note as a private outgoing message carrying its marker, and finds it again', async () => {
    const c = cw();
    const before = Date.now();
    const { messageId } = await c.postInternalNote('2', 'Backline says hi', { idempotencyKey: 'abc123def456' });
    const stored = conv(2).messages.at(-1)!;
    expect(String(stored.id)).toBe(messageId);
    expect(stored).toMatchObject({ private: true, message_type: 1 });
    expect(stored.content).toBe(`Backline says hi\n\n${noteMarker('abc123def456')}`);
    // A private note neither reopens nor unsnoozes.
    expect(conv(2).status).toBe('snoozed');

    expect(await c.findNote('2', 'abc123def456', { since: before })).toEqual({ messageId });
    expect(await c.findNote('2', 'ffffffffffff', { since: before })).toBeNull();
  });

  it('reopens a resolved conversation and unsnoozes a snoozed one with toggle_status open', async () => {
    expect(await cw().reopen('3')).toEqual({ status: 'open', snoozedUntil: null });
    expect(conv(3).status).toBe('open');
    expect(await cw().unsnooze('2')).toEqual({ status: 'open', snoozedUntil: null });
    expect(conv(2)).toMatchObject({ status: 'open', snoozed_until: null });
    const sent = sandbox.state.requests.filter((r) => r.method === 'POST');
    expect(sent.map((r) => [r.path, r.body])).toEqual([
      ['/api/v1/accounts/1/conversations/3/toggle_status', { status: 'open' }],
      ['/api/v1/accounts/1/conversations/2/toggle_status', { status: 'open' }],
    ]);
    expect(sent.every((r) => r.hasToken && r.tokenValid)).toBe(true);
  });
});

describe('errors', () => {
  it('maps 401 to a permanent, clear "unauthorized"', async () => {
    const e = await rejection(cw({ token: 'wrong' }).postInternalNote('1', 'x', { idempotencyKey: 'k' }));
    expect(e).toMatchObject({ kind: 'unauthorized', code: 'unauthorized', permanent: true, status: 401, outcomeUnknown: false });
    expect(e.message).toBe("Chatwoot refused the access token (401). Check the connection's API access token on the options page.");
    expect(conv(1).messages.some((m) => m.content.startsWith('x'))).toBe(false);
  });

  it('maps 404 to a permanent "not_found" naming the conversation', async () => {
    const e = await rejection(cw().readStatus('999'));
    expect(e).toMatchObject({ kind: 'not_found', permanent: true, status: 404 });
    expect(e.message).toContain('conversation 999');
  });

  it('maps 500 to a transient server error whose write outcome is unknown', async () => {
    await fetch(`${sandbox.url}/__sandbox/fail`, { method: 'POST', body: JSON.stringify({ count: 2, status: 500 }) });
    const read = await rejection(cw().readStatus('1'));
    expect(read).toMatchObject({ kind: 'server', code: 'helpdesk', permanent: false, status: 500, outcomeUnknown: false });
    expect(read.message).toContain('HTTP 500');
    const write = await rejection(cw().reopen('3'));
    // The helpdesk answered: it is done with the request, so nothing of it can land later.
    expect(write).toMatchObject({ kind: 'server', permanent: false, outcomeUnknown: true, mayApplyLater: false });
    expect((await cw().readStatus('1')).status).toBe('open'); // the plan is used up
  });

  it('maps a gateway timeout (504) on a write to "may still be applied later"', async () => {
    const { url } = await localServer((_req, res) => {
      res.writeHead(504, { 'content-type': 'text/html' });
      res.end('<h1>Gateway Timeout</h1>');
    });
    const e = await rejection(cw({ baseUrl: url }).postInternalNote('1', 'x', { idempotencyKey: 'k' }));
    expect(e).toMatchObject({ kind: 'server', status: 504, outcomeUnknown: true, mayApplyLater: true });
  });

  it('refuses an invalid request (422) permanently, with Chatwoot’s own words', async () => {
    const { url } = await localServer((_req, res) => {
      res.writeHead(422, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: "Content can't be blank", attributes: ['content'] }));
    });
    const e = await rejection(cw({ baseUrl: url }).postInternalNote('1', 'x', { idempotencyKey: 'k' }));
    expect(e).toMatchObject({ kind: 'invalid', permanent: true, status: 422, outcomeUnknown: false });
    expect(e.message).toContain("Content can't be blank");
    // Ids are checked before anything is sent.
    const bad = await rejection(cw({ accountId: 'abc' }).readStatus('1'));
    expect(bad).toMatchObject({ kind: 'invalid', permanent: true });
    expect(bad.message).toContain('account ID');
    expect(sandbox.state.requests).toHaveLength(0);
  });

  it('times out on a server that never answers', async () => {
    const { url } = await localServer(() => {
      /* never answers */
    });
    const started = Date.now();
    const e = await rejection(cw({ baseUrl: url, timeoutMs: 300 }).postInternalNote('1', 'x', { idempotencyKey: 'k' }));
    expect(e).toMatchObject({ kind: 'timeout', permanent: false, outcomeUnknown: true, mayApplyLater: true });
    expect(e.message).toContain('did not answer');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('reports rate limiting with the Retry-After hint', async () => {
    const { url } = await localServer((_req, res) => {
      res.writeHead(429, { 'retry-after': '7', 'content-type': 'application/json' });
      res.end('{"error":"Too many requests"}');
    });
    const e = await rejection(cw({ baseUrl: url }).readStatus('1'));
    expect(e).toMatchObject({ kind: 'rate_limited', permanent: false, retryAfterMs: 7000, status: 429 });
    expect(e.message).toContain('wait 7 s');
  });

  it('says plainly when nothing listens at the base URL', async () => {
    const { url } = await localServer(() => {});
    await new Promise((r) => servers.pop()!.close(r)); // free the port: nothing listens now
    const e = await rejection(cw({ baseUrl: url }).readStatus('1'));
    expect(e).toMatchObject({ kind: 'unreachable', permanent: false });
    expect(e.message).toContain(url);
    // A refused connection sent nothing: a write that met one did not happen, and will not.
    const write = await rejection(cw({ baseUrl: url }).postInternalNote('1', 'x', { idempotencyKey: 'k' }));
    expect(write).toMatchObject({ kind: 'unreachable', outcomeUnknown: false, mayApplyLater: false });
    expect(write.message).toContain('ECONNREFUSED');
  });

  it('a connection dropped after the request went out leaves a write’s outcome unknown', async () => {
    const { url, seen } = await localServer((req) => req.socket.destroy());
    const e = await rejection(cw({ baseUrl: url }).postInternalNote('1', 'x', { idempotencyKey: 'k' }));
    expect(seen).toHaveLength(1); // it did reach the server
    expect(e).toMatchObject({ kind: 'unreachable', outcomeUnknown: true, mayApplyLater: true });
  });

  it('sends nothing while the browser says it is offline, and says so', async () => {
    const e = await rejection(cw({ isOnline: () => false }).postInternalNote('3', 'offline note', { idempotencyKey: 'k' }));
    expect(e).toMatchObject({ kind: 'unreachable', permanent: false, outcomeUnknown: false });
    expect(e.message).toBe(`This browser is offline, so Chatwoot at ${sandbox.url} was not contacted. Backline tries again when it is back online.`);
    expect(sandbox.state.requests).toHaveLength(0);
  });

  it('tells a request that never left from one that may have: only where the error says so', () => {
    const undici = (cause: unknown) => new TypeError('fetch failed', { cause });
    const sys = (code: string, message = `${code} example`) => Object.assign(new Error(message), { code });
    expect(describeFetchFailure(undici(sys('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:9')))).toEqual({ neverSent: true, reason: 'connect ECONNREFUSED 127.0.0.1:9' });
    expect(describeFetchFailure(undici(sys('ENOTFOUND'))).neverSent).toBe(true);
    expect(describeFetchFailure(undici(sys('EAI_AGAIN'))).neverSent).toBe(true);
    expect(describeFetchFailure(undici(sys('UND_ERR_CONNECT_TIMEOUT'))).neverSent).toBe(true);
    // Node tries IPv6 and IPv4: never sent only when every address refused.
    const both = Object.assign(new AggregateError([sys('ECONNREFUSED'), sys('ECONNREFUSED')], ''), { code: 'ECONNREFUSED' });
    expect(describeFetchFailure(undici(both))).toEqual({ neverSent: true, reason: 'ECONNREFUSED' });
    const mixed = Object.assign(new AggregateError([sys('ECONNREFUSED'), sys('ECONNRESET')], ''), { code: 'ECONNREFUSED' });
    expect(describeFetchFailure(undici(mixed)).neverSent).toBe(false);
    // Dropped or reset after connecting: it may have been sent.
    expect(describeFetchFailure(undici(sys('ECONNRESET'))).neverSent).toBe(false);
    expect(describeFetchFailure(undici(sys('UND_ERR_SOCKET', 'other side closed')))).toEqual({ neverSent: false, reason: 'other side closed' });
    // Browsers say the same for every network failure, with no cause.
    expect(describeFetchFailure(new TypeError('Failed to fetch'))).toEqual({ neverSent: false, reason: 'Failed to fetch' });
    expect(describeFetchFailure(new TypeError('NetworkError when attempting to fetch resource.')).neverSent).toBe(false);
  });

  it('recognises a base URL that is not Chatwoot (HTML) and does not follow redirects with the token', async () => {
    const html = await localServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>Welcome</html>');
    });
    expect(await rejection(cw({ baseUrl: html.url }).readStatus('1'))).toMatchObject({ kind: 'invalid', permanent: true });

    const elsewhere = await localServer((_req, res) => res.end('{}'));
    const redirect = await localServer((_req, res) => {
      res.writeHead(302, { location: `${elsewhere.url}/api/v1/accounts/1/conversations/1` });
      res.end();
    });
    const e = await rejection(cw({ baseUrl: redirect.url }).readStatus('1'));
    expect(e).toMatchObject({ kind: 'invalid' });
    expect(e.message).toContain('redirected');
    expect(elsewhere.seen).toHaveLength(0);
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('120')).toBe(120_000);
    expect(parseRetryAfter(new Date(Date.now() + 5000).toUTCString(), Date.now())).toBeGreaterThan(3000);
    expect(parseRetryAfter('soon')).toBeNull();
    expect(parseRetryAfter(null)).toBeNull();
  });
});

describe('registry', () => {
  const rec = (over: Partial<ConnectionRecord> = {}): ConnectionRecord => ({
    id: 'c1',
    helpdesk: 'chatwoot',
    baseUrl: sandbox.url,
    account: '1',
    credentials: { token: SANDBOX_TOKEN },
    label: '',
    createdAt: 1,
    updatedAt: 1,
    ...over,
  });

  it('tests a connection: ok with the sandbox, clear errors otherwise', async () => {
    const ok = await testConnection(rec());
    expect(ok).toMatchObject({ ok: true });
    expect(ok.ok && ok.detail).toContain('account 1');
    expect(await testConnection(rec({ credentials: { token: 'nope' } }))).toMatchObject({ ok: false, code: 'unauthorized', error: expect.stringContaining('401') });
    expect(await testConnection(rec({ account: '2' }))).toMatchObject({ ok: false, code: 'not_found', error: expect.stringContaining('account 2') });
    expect(await testConnection(rec({ baseUrl: 'ftp://x' }))).toMatchObject({ ok: false, code: 'invalid' });
  });

  it('finds the connection for a conversation by helpdesk, origin and account', () => {
    const a = rec({ id: 'a', baseUrl: `${sandbox.url}/`, updatedAt: 1 });
    const b = rec({ id: 'b', updatedAt: 2 });
    const other = rec({ id: 'o', account: '7', updatedAt: 3 });
    const conversation = { helpdesk: 'chatwoot' as const, origin: sandbox.url, account: '1' };
    expect(findConnection(conversation, [a, other])?.id).toBe('a');
    expect(findConnection(conversation, [a, b, other])?.id).toBe('b'); // newest wins
    expect(findConnection({ ...conversation, account: '2' }, [a, b])).toBeNull();
    expect(findConnection({ ...conversation, helpdesk: 'zammad' }, [a])).toBeNull();
    expect(findConnection({ ...conversation, origin: 'https://app.chatwoot.com' }, [a])).toBeNull();
  });
});
