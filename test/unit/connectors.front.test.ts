/**
 * The Front connector against the Front stand-in over real HTTP (no mocks): comments as internal
 * notes, reopen/unsnooze, the preview, and every failure mapped to an error a person can act on.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConnectorError, findConnection, noteMarker, testConnection } from '../../lib/connectors';
import { FrontConnector } from '../../lib/connectors/front';
import type { ConnectionRecord } from '../../lib/model/records';
import { cnv, FRONT_TOKEN, startFrontStandin, type FrFailPlan, type FrontStandin } from '../standins/front.mjs';

let standin: FrontStandin;
beforeAll(async () => {
  standin = await startFrontStandin();
});
afterAll(async () => {
  await standin.close();
});
beforeEach(() => standin.reset());

const OPEN = cnv(7762260226);
const SNOOZED = cnv(117421069338);
const ARCHIVED = cnv(120537545061);

const fr = (extra: Partial<{ token: string; baseUrl: string; timeoutMs: number }> = {}) =>
  new FrontConnector({ baseUrl: extra.baseUrl ?? standin.url, token: extra.token ?? FRONT_TOKEN }, { timeoutMs: extra.timeoutMs });

const conv = (id: string) => standin.state.conversations.find((c) => c.id === id)!;
const fail = (plan: Partial<FrFailPlan>) => fetch(`${standin.url}/__standin/fail`, { method: 'POST', body: JSON.stringify(plan) });

async function rejection(p: Promise<unknown>): Promise<ConnectorError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ConnectorError);
  return e as ConnectorError;
}

describe('reading', () => {
  it('reads a snoozed conversation: archived with a reminder is Snoozed until the reminder', async () => {
    const snap = await fr().readConversation(SNOOZED);
    expect(snap.status).toBe('snoozed');
    expect(snap.snoozedUntil).toBe(conv(SNOOZED).scheduled_reminders[0]!.scheduled_at * 1000);
    expect(snap).toMatchObject({ customerName: 'Grace Hopper', customerEmail: 'grace@compilers.example', title: 'Export stuck at 99%' });
    // Messages and comments together, oldest first.
    expect(snap.messages.map((m) => [m.kind, m.author, m.text])).toEqual([
      ['incoming', 'Grace Hopper', 'My export exp_88213 has been stuck for a day.'],
      ['note', 'Priya Shah', 'Asked engineering to look at exp_88213.'],
    ]);
  });

  it('maps statuses: assigned → Open, archived → Closed, deleted → Closed, ticketing categories', async () => {
    expect(await fr().readStatus(OPEN)).toEqual({ status: 'open', snoozedUntil: null });
    expect((await fr().readStatus(ARCHIVED)).status).toBe('closed');
    conv(OPEN).status_category = 'waiting';
    expect((await fr().readStatus(OPEN)).status).toBe('pending');
    conv(OPEN).status_category = 'resolved';
    expect((await fr().readStatus(OPEN)).status).toBe('resolved');
    conv(ARCHIVED).status = 'deleted';
    expect((await fr().readStatus(ARCHIVED)).status).toBe('closed');
  });

  it('pages through messages with Front’s page token and shows the newest `limit` of them', async () => {
    const c = conv(OPEN);
    for (let i = 0; i < 130; i++) {
      c.messages.push({ ...c.messages[0]!, id: `msg_bulk${i}`, created_at: c.messages[0]!.created_at + 3000 + i, text: `bulk ${i}`, body: `<p>bulk ${i}</p>` });
    }
    const snap = await fr().readConversation(OPEN, { limit: 120 });
    expect(snap.messages).toHaveLength(120);
    expect(snap.messages.at(-1)!.text).toBe('bulk 129');
    expect(snap.messages[0]!.text).toBe('bulk 10');
    const pages = standin.state.requests.filter((r) => r.path.endsWith('/messages'));
    expect(pages.map((r) => new URLSearchParams(r.query).get('page_token'))).toEqual([null, '100']);
  });

  it('uses the HTML body as text when a message has no text version', async () => {
    const m = conv(OPEN).messages[0]!;
    m.text = '';
    m.body = '<p>Line one</p><p>Line <b>two</b> &amp; more</p>';
    expect((await fr().readConversation(OPEN)).messages[0]!.text).toBe('Line one\nLine two & more');
  });
});

describe('writing', () => {
  it('posts an internal note as a comment carrying its marker, and finds it again', async () => {
    const c = fr();
    const before = Date.now();
    const { messageId } = await c.postInternalNote(SNOOZED, 'Backline says hi', { idempotencyKey: 'abc123def456' });
    const stored = conv(SNOOZED).comments.at(-1)!;
    expect(stored.id).toBe(messageId);
    expect(stored.body).toBe(`Backline says hi\n\n${noteMarker('abc123def456')}`);
    // Never a message (a reply the customer would get); the conversation stays snoozed.
    expect(standin.state.requests.filter((r) => r.method === 'POST').map((r) => r.path)).toEqual([`/conversations/${SNOOZED}/comments`]);
    expect(conv(SNOOZED).status).toBe('archived');

    expect(await c.findNote(SNOOZED, 'abc123def456', { since: before })).toEqual({ messageId });
    expect(await c.findNote(SNOOZED, 'ffffffffffff', { since: before })).toBeNull();
    // The preview shows the note as written.
    expect((await c.readConversation(SNOOZED)).messages.at(-1)!.text).toBe('Backline says hi');
  });

  it('reopens an archived conversation and unsnoozes a snoozed one with PATCH status open', async () => {
    expect(await fr().reopen(ARCHIVED)).toEqual({ status: 'open', snoozedUntil: null });
    expect((await fr().readStatus(ARCHIVED)).status).toBe('open');
    expect(await fr().unsnooze(SNOOZED)).toEqual({ status: 'open', snoozedUntil: null });
    expect(await fr().readStatus(SNOOZED)).toEqual({ status: 'open', snoozedUntil: null });
    const patches = standin.state.requests.filter((r) => r.method === 'PATCH');
    expect(patches.map((r) => [r.path, r.body])).toEqual([
      [`/conversations/${ARCHIVED}`, { status: 'open' }],
      [`/conversations/${SNOOZED}`, { status: 'open' }],
    ]);
    expect(standin.state.requests.every((r) => r.authorization === `Bearer ${FRONT_TOKEN}`)).toBe(true);
  });
});

describe('errors', () => {
  it('maps 401 to a permanent, clear "unauthorized" and writes nothing', async () => {
    const e = await rejection(fr({ token: 'wrong' }).postInternalNote(OPEN, 'x', { idempotencyKey: 'k' }));
    expect(e).toMatchObject({ kind: 'unauthorized', permanent: true, status: 401, outcomeUnknown: false });
    expect(e.message).toBe("Front refused the API token (401). Check the connection's API token on the options page.");
    expect(conv(OPEN).comments).toHaveLength(0);
  });

  it('maps 403 and 404 to permanent errors that say what to check', async () => {
    await fail({ status: 403, match: '/comments' });
    const forbidden = await rejection(fr().postInternalNote(OPEN, 'x', { idempotencyKey: 'k' }));
    expect(forbidden).toMatchObject({ kind: 'unauthorized', permanent: true, status: 403 });
    expect(forbidden.message).toContain('shared inbox');
    const missing = await rejection(fr().readStatus('cnv_zzz'));
    expect(missing).toMatchObject({ kind: 'not_found', permanent: true, status: 404 });
    expect(missing.message).toContain('conversation cnv_zzz');
  });

  it('maps 429 to rate_limited with Front’s Retry-After', async () => {
    await fail({ status: 429, retryAfter: 3, match: '/comments' });
    const e = await rejection(fr().postInternalNote(OPEN, 'x', { idempotencyKey: 'k' }));
    expect(e).toMatchObject({ kind: 'rate_limited', permanent: false, status: 429, retryAfterMs: 3000 });
    expect(e.message).toContain('wait 3 s');
  });

  it('maps 500 and 502 to transient server errors, with Front’s words; a write’s outcome is unknown', async () => {
    await fail({ status: 500 });
    const read = await rejection(fr().readStatus(OPEN));
    expect(read).toMatchObject({ kind: 'server', permanent: false, outcomeUnknown: false });
    expect(read.message).toContain('Something went wrong.');
    await fail({ status: 502 });
    expect(await rejection(fr().reopen(ARCHIVED))).toMatchObject({ kind: 'server', status: 502, outcomeUnknown: true, mayApplyLater: false });
    expect(conv(ARCHIVED).status).toBe('archived');
  });

  it('refuses a bad request permanently, quoting Front', async () => {
    await fail({ status: 400, match: '/comments', body: JSON.stringify({ _error: { status: 400, title: 'Bad request', message: 'body is required.' } }) });
    const e = await rejection(fr().postInternalNote(OPEN, 'x', { idempotencyKey: 'k' }));
    expect(e).toMatchObject({ kind: 'invalid', permanent: true });
    expect(e.message).toContain('body is required.');
  });

  it('recognises an answer that is not JSON', async () => {
    await fail({ status: 200, match: '/comments', body: '<html>Front maintenance</html>' });
    const e = await rejection(fr().findNote(OPEN, 'k', { since: 0 }));
    expect(e).toMatchObject({ kind: 'invalid', permanent: true });
    expect(e.message).toContain("not Front's API");
  });

  it('times out on a helpdesk that never answers, leaving a write’s outcome unknown', async () => {
    await fail({ hang: true });
    const e = await rejection(fr({ timeoutMs: 300 }).postInternalNote(OPEN, 'x', { idempotencyKey: 'k' }));
    expect(e).toMatchObject({ kind: 'timeout', outcomeUnknown: true, mayApplyLater: true });
  });

  it('a merged conversation (Front answers 301) is a clear permanent error, and the redirect is not followed', async () => {
    conv(ARCHIVED).mergedInto = OPEN;
    const e = await rejection(fr().postInternalNote(ARCHIVED, 'x', { idempotencyKey: 'k' }));
    expect(e).toMatchObject({ kind: 'not_found', permanent: true, status: 301 });
    expect(e.message).toBe(`Front merged conversation ${ARCHIVED} into another conversation. Link the ticket from the conversation it was merged into.`);
    expect(standin.state.requests.map((r) => r.path)).toEqual([`/conversations/${ARCHIVED}/comments`]);
    expect(conv(OPEN).comments).toHaveLength(0);
  });

  it('checks conversation ids before sending anything', async () => {
    expect(await rejection(fr().readStatus('42'))).toMatchObject({ kind: 'invalid', permanent: true });
    expect(await rejection(fr().reopen('cnv_1/../../me'))).toMatchObject({ kind: 'invalid', permanent: true });
    expect(standin.state.requests).toHaveLength(0);
  });
});

describe('connection', () => {
  const rec = (over: Partial<ConnectionRecord> = {}): ConnectionRecord => ({
    id: 'f1',
    helpdesk: 'front',
    baseUrl: standin.url,
    account: '',
    credentials: { token: FRONT_TOKEN },
    label: '',
    createdAt: 1,
    updatedAt: 1,
    ...over,
  });

  it('Check connection names the company the token belongs to, or why Front refused', async () => {
    expect(await testConnection(rec())).toEqual({ ok: true, detail: `Connected to Front at ${standin.url}: the API token belongs to Acme Support Co (cmp_k30). Comments are posted as the API token.` });
    expect(await testConnection(rec({ credentials: { token: 'nope' } }))).toMatchObject({ ok: false, code: 'unauthorized', error: expect.stringContaining('API token') });
  });

  it('serves the conversations on Front’s own pages', () => {
    const conversation = { helpdesk: 'front' as const, origin: 'https://app.frontapp.com', account: '' };
    expect(findConnection(conversation, [rec()])?.id).toBe('f1');
    expect(findConnection({ ...conversation, helpdesk: 'helpscout' }, [rec()])).toBeNull();
  });
});
