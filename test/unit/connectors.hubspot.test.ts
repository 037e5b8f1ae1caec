/**
 * The HubSpot connector against the HubSpot stand-in over real HTTP: CRM notes on the ticket,
 * reopen by pipeline stage (default pipeline) or thread status (other pipelines), preview from the
 * thread and the notes, findNote, the portal as the connection's account, and the failures.
 */
import { describe, expect, it } from 'vitest';
import { accountFromApi, findConnection, HubSpotConnector, noteMarker, testConnection } from '../../lib/connectors';
import type { ConnectionRecord } from '../../lib/model/records';
import { HUBSPOT_PORTAL, HUBSPOT_TICKETS_ONLY_TOKEN, HUBSPOT_TOKEN, startHubSpotStandin } from '../standins/hubspot.mjs';
import { rejectionOf, useStandin } from './standin-fixture';

const hubspot = useStandin(startHubSpotStandin);

const hs = (extra: { token?: string; timeoutMs?: number } = {}) =>
  new HubSpotConnector({ baseUrl: hubspot.url, token: extra.token ?? HUBSPOT_TOKEN }, { timeoutMs: extra.timeoutMs });

const ticket = (id: string) => hubspot.state.tickets.find((t) => t.id === id)!;
const thread = (id: string) => hubspot.state.threads.find((t) => t.id === id)!;
const notesOf = (id: string) => hubspot.state.notes.filter((n) => ticket(id).noteIds.includes(n.id));

describe('reading', () => {
  it('reads a ticket: stage, subject, the thread’s customer, messages and comments, and the CRM notes, in time order', async () => {
    const snap = await hs().readConversation('29859078751');
    expect(snap).toMatchObject({ status: 'open', snoozedUntil: null, title: 'Charged twice for the March invoice', customerName: 'Grace Hopper', customerEmail: 'grace@compilersystems.example' });
    expect(snap.messages.map((m) => [m.kind, m.author, m.text])).toEqual([
      ['incoming', 'Grace Hopper', 'We were charged twice for invoice INV-3.'],
      ['note', 'HubSpot', 'Stripe shows two captures.'],
      ['note', 'Priya Shah', 'Looping in finance.'],
      ['outgoing', 'Priya Shah', 'We are on it.'],
    ]);
    expect(hubspot.state.requests.every((r) => r.headers.authorization === `Bearer ${HUBSPOT_TOKEN}`)).toBe(true);
  });

  it('reads the default pipeline’s stages, and a custom pipeline’s ticket by its thread', async () => {
    expect(await hs().readStatus('29859078752')).toEqual({ status: 'closed', snoozedUntil: null });
    ticket('29859078752').properties.hs_pipeline_stage = '2';
    expect((await hs().readStatus('29859078752')).status).toBe('pending');
    expect((await hs().readStatus('29859078753')).status).toBe('closed'); // custom pipeline, thread CLOSED
    expect((await hs().readStatus('29859078754')).status).toBe('unknown'); // custom pipeline, no thread
  });

  it('says whose token it is, and names the portal as the account', async () => {
    expect(await hs().verify()).toBe(`Connected to HubSpot account ${HUBSPOT_PORTAL} (app.hubspot.com): the access token is this account's private app.`);
    expect(await hs().apiAccount()).toBe(String(HUBSPOT_PORTAL));
  });
});

describe('writing', () => {
  it('posts a CRM note associated with the ticket (type 228), escaped, with its marker; findNote finds it', async () => {
    const before = Date.now();
    const { messageId } = await hs().postInternalNote('29859078752', 'Refund <approved>.', { idempotencyKey: 'key123' });
    const note = notesOf('29859078752').at(-1)!;
    expect(note.id).toBe(messageId);
    expect(note.properties.hs_note_body).toBe(`<p>Refund &lt;approved&gt;.</p><p>${noteMarker('key123')}</p>`);
    expect(Date.parse(note.properties.hs_timestamp!)).toBeGreaterThanOrEqual(before - 1000);
    expect(ticket('29859078752').properties.hs_pipeline_stage).toBe('4'); // a note reopens nothing
    expect(await hs().findNote('29859078752', 'key123', { since: before })).toEqual({ messageId });
    expect(await hs().findNote('29859078752', 'other', { since: before })).toBeNull();
    expect((await hs().readConversation('29859078752')).messages.at(-1)).toMatchObject({ kind: 'note', text: 'Refund <approved>.' });
  });

  it('reopens a closed default-pipeline ticket to "Waiting on us" (stage 3)', async () => {
    expect(await hs().reopen('29859078752')).toEqual({ status: 'open', snoozedUntil: null });
    expect(ticket('29859078752').properties.hs_pipeline_stage).toBe('3');
    expect(hubspot.state.requests.filter((r) => r.method === 'PATCH').map((r) => [r.path, r.body])).toEqual([
      ['/crm/v3/objects/tickets/29859078752', { properties: { hs_pipeline_stage: '3' } }],
    ]);
  });

  it('reopens a custom-pipeline ticket through its thread’s status, and refuses clearly when it has none', async () => {
    expect(await hs().unsnooze('29859078753')).toEqual({ status: 'open', snoozedUntil: null });
    expect(thread('8003').status).toBe('OPEN');
    expect(ticket('29859078753').properties.hs_pipeline_stage).toBe('772'); // its stage untouched
    const e = await rejectionOf(hs().reopen('29859078754'));
    expect(e).toMatchObject({ kind: 'invalid', permanent: true });
    expect(e.message).toContain('Reopen it in HubSpot');
  });
});

describe('errors', () => {
  it('401: a refused token is permanent and says where to fix it', async () => {
    const e = await rejectionOf(hs({ token: 'pat-wrong' }).postInternalNote('29859078751', 'x', { idempotencyKey: 'k' }));
    expect(e).toMatchObject({ kind: 'unauthorized', permanent: true, status: 401 });
    expect(e.message).toContain('Private apps');
    expect(notesOf('29859078751')).toHaveLength(1);
  });

  it('403 names the scopes the private app needs', async () => {
    const e = await rejectionOf(hs({ token: HUBSPOT_TICKETS_ONLY_TOKEN }).readConversation('29859078751'));
    expect(e).toMatchObject({ kind: 'unauthorized', status: 403 });
    expect(e.message).toContain('conversations.read');
  });

  it('404 names the ticket; a 400 carries HubSpot’s message', async () => {
    const e = await rejectionOf(hs().readStatus('1'));
    expect(e).toMatchObject({ kind: 'not_found', permanent: true });
    expect(e.message).toContain('ticket 1');
    hubspot.fail({ status: 400, match: '/notes', body: JSON.stringify({ status: 'error', message: 'Property values were not valid', category: 'VALIDATION_ERROR', correlationId: 'x' }) });
    expect((await rejectionOf(hs().postInternalNote('29859078751', 'x', { idempotencyKey: 'k' }))).message).toContain('Property values were not valid');
  });

  it('429 is transient (with Retry-After when HubSpot sends one; its interval header is the window, not a wait); 5xx is transient; no answer is a timeout', async () => {
    const limited = '{"status":"error","message":"You have reached your secondly limit.","category":"RATE_LIMITS"}';
    hubspot.fail({ status: 429, headers: { 'x-hubspot-ratelimit-interval-milliseconds': '10000' }, body: limited });
    expect(await rejectionOf(hs().readStatus('29859078751'))).toMatchObject({ kind: 'rate_limited', permanent: false, retryAfterMs: null });
    hubspot.fail({ status: 429, headers: { 'retry-after': '10' }, body: limited });
    expect(await rejectionOf(hs().readStatus('29859078751'))).toMatchObject({ kind: 'rate_limited', retryAfterMs: 10_000 });
    hubspot.fail({ status: 502 });
    expect(await rejectionOf(hs().postInternalNote('29859078751', 'x', { idempotencyKey: 'k' }))).toMatchObject({ kind: 'server', outcomeUnknown: true });
    hubspot.fail({ hang: true });
    expect(await rejectionOf(hs({ timeoutMs: 300 }).readStatus('29859078751'))).toMatchObject({ kind: 'timeout' });
  });

  it('an answer that is not HubSpot’s API', async () => {
    hubspot.fail({ status: 200, body: '<html>HubSpot login</html>', contentType: 'text/html' });
    expect((await rejectionOf(hs().readStatus('29859078751'))).message).toContain("is not HubSpot's API");
    hubspot.fail({ status: 200, body: '{"id":"1"}' });
    expect((await rejectionOf(hs().readStatus('29859078751'))).kind).toBe('invalid');
    hubspot.fail({ status: 200, body: '{"portal":1}' });
    expect((await rejectionOf(hs().verify())).kind).toBe('invalid');
  });
});

describe('registry', () => {
  const rec = (over: Partial<ConnectionRecord> = {}): ConnectionRecord => ({
    id: 'h1',
    helpdesk: 'hubspot',
    baseUrl: hubspot.url,
    account: String(HUBSPOT_PORTAL),
    credentials: { token: HUBSPOT_TOKEN },
    label: '',
    createdAt: 1,
    updatedAt: 1,
    ...over,
  });

  it('asks the API for the account, and serves that portal’s help desk pages on HubSpot’s hosts', async () => {
    expect(await accountFromApi(rec({ account: '' }))).toBe(String(HUBSPOT_PORTAL));
    expect(await accountFromApi({ ...rec(), helpdesk: 'zammad' })).toBeNull();
    expect(await testConnection(rec())).toMatchObject({ ok: true, detail: expect.stringContaining(String(HUBSPOT_PORTAL)) });
    const cloud = rec({ baseUrl: 'https://api.hubapi.com' });
    const page = { helpdesk: 'hubspot' as const, origin: 'https://app-eu1.hubspot.com', account: String(HUBSPOT_PORTAL) };
    expect(findConnection(page, [cloud])?.id).toBe('h1');
    expect(findConnection({ ...page, account: '999' }, [cloud])).toBeNull();
  });
});
