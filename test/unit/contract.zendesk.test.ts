/**
 * Contract test: every request the Zendesk connector sends (captured on the wire, then answered
 * by the Zendesk stand-in) is checked against Zendesk's official Support API description,
 * test/contracts/specs/zendesk.support-api.oas.yaml: paths, methods, parameters, Basic auth as
 * `{email}/token:{api_token}`, and bodies against the request schemas (`ticket.comment.public`
 * false for a note, `ticket.status` from its enum). The fields read from the answers are in the
 * response schemas.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConnection, ZendeskConnector } from '../../lib/connectors';
import { startZendeskStandin, ZENDESK_EMAIL, ZENDESK_TOKEN } from '../standins/zendesk.mjs';
import { loadSpec, openApiChecker, recordingFetch, type Captured } from './openapi-contract';

const spec = loadSpec('zendesk.support-api.oas.yaml');
const BASIC = `Basic ${Buffer.from(`${ZENDESK_EMAIL}/token:${ZENDESK_TOKEN}`).toString('base64')}`;
const checker = openApiChecker(spec, {
  credentialsOk: (scheme, headers) => scheme.type === 'http' && scheme.scheme === 'basic' && headers.get('authorization') === BASIC,
  /**
   * What ListTicketComments documents in its own description text ("Pagination", "Sorting") but
   * not as parameters: cursor pagination (`page[size]` up to 100, `page[after]`) and, with it,
   * `sort` (created_at | -created_at), without which the newest comments of a long ticket could
   * not be read first.
   */
  undocumentedQuery: {
    'GET /api/v2/tickets/{ticket_id}/comments': {
      sort: { type: 'string', enum: ['created_at', '-created_at'] },
      'page[size]': { type: 'integer' },
      'page[after]': { type: 'string' },
    },
  },
  /**
   * Zendesk's "Idempotency" documentation (the header is not in the OAS): a repeated
   * `Idempotency-Key` gets the first answer instead of being applied twice.
   */
  undocumentedHeaders: ['idempotency-key'],
});

let zd: Awaited<ReturnType<typeof startZendeskStandin>>;
const captured: Captured[] = [];

beforeAll(async () => {
  zd = await startZendeskStandin();
  const fetchImpl = recordingFetch(captured);
  const c = new ZendeskConnector({ baseUrl: zd.url, email: ZENDESK_EMAIL, token: ZENDESK_TOKEN }, { fetch: fetchImpl });
  await c.readConversation('101');
  await c.postInternalNote('101', 'contract note', { idempotencyKey: 'k00000000001' });
  await c.findNote('101', 'k00000000001', { since: 0 });
  await c.readStatus('102');
  await c.reopen('102');
  await c.unsnooze('104');
  expect((await testConnection({ helpdesk: 'zendesk', baseUrl: zd.url, account: 'acme', credentials: { email: ZENDESK_EMAIL, token: ZENDESK_TOKEN } }, fetchImpl)).ok).toBe(true);
});
afterAll(async () => {
  await zd?.close();
});

describe('Zendesk contract', () => {
  it('the description is the Support API with Basic auth', () => {
    expect(spec.components.securitySchemes.basicAuth).toMatchObject({ type: 'http', scheme: 'basic' });
  });

  it('exercised every operation the connector uses', () => {
    const ops = new Set(captured.map((c) => `${c.method} ${checker.matchTemplate(c.url.pathname)?.template}`));
    expect([...ops].sort()).toEqual(['GET /api/v2/tickets/{ticket_id}', 'GET /api/v2/tickets/{ticket_id}/comments', 'GET /api/v2/users/me', 'PUT /api/v2/tickets/{ticket_id}'].sort());
  });

  it('every request conforms to the API description, and the stand-in accepted each', () => {
    expect(captured.flatMap((c) => checker.violations(c))).toEqual([]);
    expect(zd.state.requests.filter((r) => r.status >= 400)).toEqual([]);
    // The list is read newest first, the way cursor pagination sorts.
    expect(captured.filter((c) => c.url.pathname.endsWith('/comments')).every((c) => c.url.searchParams.get('sort') === '-created_at')).toBe(true);
  });

  it('notes are private comments (public: false) sent with an Idempotency-Key; reopen is status open', () => {
    const puts = captured.filter((c) => c.method === 'PUT');
    const notes = puts.filter((p) => (p.body as { ticket: { comment?: unknown } }).ticket.comment);
    expect(notes).toHaveLength(1);
    for (const n of notes) {
      expect(n.body).toMatchObject({ ticket: { comment: { public: false } } });
      expect(n.headers.get('idempotency-key')).toMatch(/^backline-note-/);
    }
    expect(puts.filter((p) => !notes.includes(p)).map((p) => p.body)).toEqual([{ ticket: { status: 'open' } }, { ticket: { status: 'open' } }]);
  });

  it('catches a request that breaks the contract (the checker is not vacuous)', () => {
    const headers = new Headers({ authorization: BASIC, 'content-type': 'application/json' });
    const req = (method: string, p: string, body?: unknown, h = headers): Captured => ({ method, url: new URL(`http://x${p}`), headers: h, body });
    expect(checker.violations(req('PUT', '/api/v2/tickets/1', { ticket: { status: 'reopened' } }))).toHaveLength(1);
    expect(checker.violations(req('PUT', '/api/v2/tickets/1', { ticket: { comment: { body: 'x', public: 'no' } } }))).toHaveLength(1);
    expect(checker.violations(req('PUT', '/api/v2/tickets/1', { ticket: { comment: { body: 'x', private: true } } }))).toHaveLength(1);
    expect(checker.violations(req('POST', '/api/v2/tickets/1/comments', { body: 'x' }))).toHaveLength(1);
    expect(checker.violations(req('GET', '/api/v2/tickets/1/comments?sort=desc'))).toHaveLength(1);
    expect(checker.violations(req('GET', '/api/v2/tickets/1/comments?page[size]=100&sort_order=desc'))).toHaveLength(1);
    expect(checker.violations(req('GET', '/api/v2/users/me', undefined, new Headers({ authorization: 'Bearer x' })))).toHaveLength(1);
  });

  it('the fields the connector reads are in the documented answers', () => {
    const ticket = checker.responseSchema('get', '/api/v2/tickets/{ticket_id}');
    for (const f of ['ticket.status', 'ticket.subject', 'ticket.requester_id']) expect(checker.fieldExists(ticket, f), f).toBe(true);
    const comments = checker.responseSchema('get', '/api/v2/tickets/{ticket_id}/comments');
    for (const f of ['comments[].id', 'comments[].body', 'comments[].plain_body', 'comments[].public', 'comments[].author_id', 'comments[].created_at']) {
      expect(checker.fieldExists(comments, f), f).toBe(true);
    }
    const update = checker.responseSchema('put', '/api/v2/tickets/{ticket_id}');
    for (const f of ['ticket.status', 'audit.events']) expect(checker.fieldExists(update, f), f).toBe(true);
    const me = checker.responseSchema('get', '/api/v2/users/me');
    for (const f of ['user.id', 'user.name', 'user.email', 'user.role']) expect(checker.fieldExists(me, f), f).toBe(true);
  });
});
