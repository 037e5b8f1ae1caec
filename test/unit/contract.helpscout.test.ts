/**
 * Contract test: every request the Help Scout connector makes is one the Mailbox API 2.0
 * documents. Help Scout publishes no OpenAPI description, so the contract is the endpoint facts
 * written from its documentation (test/contracts/specs/helpscout.mailbox-2.0.endpoints.json and
 * helpscout.mailbox-2.0.additions.json): documented method and path, numeric ids, the Bearer
 * token (and none on the token request), only documented body fields with the documented values,
 * only the documented `page` query parameter. The fields the connector reads from the answers
 * must be named in those files too.
 *
 * Requests are captured by an injected fetch that forwards them to the stand-in, so they are the
 * bytes that really go over the wire.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConnection } from '../../lib/connectors';
import { clearHelpScoutTokens, HelpScoutConnector } from '../../lib/connectors/helpscout';
import { HELPSCOUT_APP_ID, HELPSCOUT_APP_SECRET, startHelpScoutStandin, type HelpScoutStandin } from '../standins/helpscout.mjs';
import { matchPath, recordingFetch, type Captured } from './openapi-contract';

const specDir = path.resolve(import.meta.dirname, '../contracts/specs');
interface Endpoint {
  method: string;
  path: string;
  body?: Record<string, string>;
  example_reopen?: { op: string; path: string; value: string };
  response?: string;
  response_fields?: Record<string, string>;
}
const facts = JSON.parse(readFileSync(path.join(specDir, 'helpscout.mailbox-2.0.endpoints.json'), 'utf8')) as {
  base_url: string;
  auth: { header: string; token_endpoint: string };
  endpoints: Record<string, Endpoint>;
  pagination: { param: string; response: { page: Record<string, number> } };
  rate_limit: { headers: string[] };
};
const additions = JSON.parse(readFileSync(path.join(specDir, 'helpscout.mailbox-2.0.additions.json'), 'utf8')) as {
  endpoints: Record<string, Endpoint>;
  threads_response: { shape: string };
};
const documented: Endpoint[] = [...Object.values(facts.endpoints), ...Object.values(additions.endpoints)];
/** The API's path prefix is part of the documented base URL (https://api.helpscout.net/v2). */
const prefix = new URL(facts.base_url).pathname.replace(/\/$/, '');
const TOKEN_PATH = new URL(facts.auth.token_endpoint.replace(/^POST /, '')).pathname;
/** Conversation statuses as Get Conversation documents them. */
const STATUSES = additions.endpoints.get_conversation!.response_fields!.status!.replace(/^one of: /, '').split(/,\s*/);

function matchEndpoint(method: string, pathname: string): { ep: Endpoint; params: Record<string, string> } | null {
  for (const ep of documented) {
    const params = ep.method === method ? matchPath(ep.path, pathname) : null;
    if (params) return { ep, params };
  }
  return null;
}

/** Every way a request breaks the contract, as readable lines (empty: it conforms). */
function violations(req: Captured, issuedTokens: string[]): string[] {
  const out: string[] = [];
  const where = `${req.method} ${req.url.pathname}`;
  if (!req.url.pathname.startsWith(`${prefix}/`)) return [`${where}: outside the API's ${prefix}/ prefix`];
  const match = matchEndpoint(req.method, req.url.pathname);
  if (!match) return [`${where}: not a documented endpoint`];
  const { ep, params } = match;
  for (const [name, value] of Object.entries(params)) {
    if (!/^[1-9][0-9]*$/.test(value)) out.push(`${where}: ${name}=${value} is not a numeric id`);
  }
  for (const [name] of req.url.searchParams) {
    const paged = req.method === 'GET' && ep.path.endsWith('/threads') && name === facts.pagination.param;
    if (!paged) out.push(`${where}: query parameter ${name} is not documented`);
  }
  if (req.headers.has('cookie')) out.push(`${where}: sends cookies`);

  const auth = req.headers.get('authorization');
  if (req.url.pathname === TOKEN_PATH) {
    if (auth) out.push(`${where}: the token request carries an Authorization header`);
  } else {
    const token = /^Bearer (\S+)$/.exec(auth ?? '')?.[1];
    if (!token) out.push(`${where}: no "${facts.auth.header}" header`);
    else if (!issuedTokens.includes(token)) out.push(`${where}: a Bearer token the token endpoint never issued`);
  }

  if (req.body === undefined) {
    if (ep.body || ep.example_reopen) out.push(`${where}: the operation takes a body and none was sent`);
    return out;
  }
  if (!/^application\/json/.test(req.headers.get('content-type') ?? '')) out.push(`${where}: body without a JSON content-type`);
  const body = req.body as Record<string, unknown>;
  if (ep.example_reopen) {
    // JSON Patch style: one operation per request.
    if (body.op !== ep.example_reopen.op || body.path !== ep.example_reopen.path) out.push(`${where}: patch ${JSON.stringify(body)} is not a documented operation`);
    if (!STATUSES.includes(String(body.value))) out.push(`${where}: status value ${JSON.stringify(body.value)} is not documented`);
    const extra = Object.keys(body).filter((k) => !['op', 'path', 'value'].includes(k));
    if (extra.length) out.push(`${where}: patch carries ${extra.join(', ')}`);
    return out;
  }
  if (!ep.body) return [...out, `${where}: sends a body the operation does not take`];
  for (const [k, v] of Object.entries(body)) {
    const doc = ep.body[k];
    if (!doc) out.push(`${where}: body field ${k} is not documented`);
    else if (doc.startsWith('String') && typeof v !== 'string') out.push(`${where}: body ${k} should be a string`);
  }
  for (const [k, doc] of Object.entries(ep.body)) {
    if (/required/.test(doc) && !(k in body)) out.push(`${where}: required body field ${k} is missing`);
  }
  if (req.url.pathname === TOKEN_PATH && body.grant_type !== 'client_credentials') out.push(`${where}: grant_type is not client_credentials`);
  return out;
}

let standin: HelpScoutStandin;
const captured: Captured[] = [];
const fetchImpl = recordingFetch(captured);

beforeAll(async () => {
  standin = await startHelpScoutStandin();
  standin.state.pageSize = 2;
  clearHelpScoutTokens();
  const c = new HelpScoutConnector({ baseUrl: standin.url, appId: HELPSCOUT_APP_ID, appSecret: HELPSCOUT_APP_SECRET }, { fetch: fetchImpl });
  // Every operation of the connector, including paging and a token refresh after a 401.
  await c.readConversation('2199011258');
  for (let i = 0; i < 3; i++) await c.postInternalNote('3382659721', `contract note ${i}`, { idempotencyKey: `k${i}` });
  await c.readConversation('3382659721', { limit: 10 });
  await c.findNote('3382659721', 'k0', { since: 0 });
  await c.readStatus('3002667039');
  await c.reopen('3002667039');
  await c.reopen('2199011258');
  await c.unsnooze('2199011258');
  await fetch(`${standin.url}/__standin/revoke-tokens`, { method: 'POST' });
  const test = await testConnection(
    { helpdesk: 'helpscout', baseUrl: standin.url, account: '', credentials: { appId: HELPSCOUT_APP_ID, appSecret: HELPSCOUT_APP_SECRET } },
    fetchImpl,
  );
  expect(test.ok).toBe(true);
});
afterAll(async () => {
  await standin?.close();
});

describe('Help Scout contract', () => {
  it('the description is the one expected (Mailbox API 2.0, Bearer tokens from the client-credentials token endpoint)', () => {
    expect(facts.base_url).toBe('https://api.helpscout.net/v2');
    expect(facts.auth.header).toBe('Authorization: Bearer <access_token>');
    expect(TOKEN_PATH).toBe('/v2/oauth2/token');
  });

  it('exercised every operation the connector uses', () => {
    const ops = new Set(captured.map((c) => `${c.method} ${matchEndpoint(c.method, c.url.pathname)?.ep.path}`));
    expect([...ops].sort()).toEqual(
      [
        'POST /v2/oauth2/token',
        'GET /v2/users/me',
        'GET /v2/conversations/{conversationId}',
        'PATCH /v2/conversations/{conversationId}',
        'DELETE /v2/conversations/{conversationId}/snooze',
        'POST /v2/conversations/{conversationId}/notes',
        'GET /v2/conversations/{conversationId}/threads',
      ].sort(),
    );
    expect(captured.some((c) => c.url.searchParams.has('page'))).toBe(true);
    // The refresh after the revoked token went through the token endpoint again.
    expect(captured.filter((c) => c.url.pathname === TOKEN_PATH)).toHaveLength(2);
  });

  it('every request conforms to the documented endpoints', () => {
    const issued = Object.keys(standin.state.tokens);
    expect(captured.flatMap((c) => violations(c, issued))).toEqual([]);
    // …and the stand-in accepted each one (the only refusal is the revoked token, answered 401).
    expect(standin.state.requests.filter((r) => r.status >= 400).map((r) => r.status)).toEqual([401]);
  });

  it('notes carry only their text (no status that would change the conversation); reopen sets status active', () => {
    const notes = captured.filter((c) => c.method === 'POST' && c.url.pathname.endsWith('/notes'));
    expect(notes).toHaveLength(3);
    for (const n of notes) expect(Object.keys(n.body as object)).toEqual(['text']);
    const patches = captured.filter((c) => c.method === 'PATCH');
    expect(patches.map((p) => p.body)).toEqual([facts.endpoints.reopen_or_set_status!.example_reopen]);
  });

  it('catches a request that breaks the contract (the checker is not vacuous)', () => {
    const token = Object.keys(standin.state.tokens)[0]!;
    const h = new Headers({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });
    const url = (p: string) => new URL(`http://x${p}`);
    const v = (method: string, p: string, body?: unknown, headers = h) => violations({ method, url: url(p), headers, body }, [token]);
    expect(v('PATCH', '/v2/conversations/1', { op: 'replace', path: '/status', value: 'open' })).toHaveLength(0);
    expect(v('PATCH', '/v2/conversations/1', { op: 'replace', path: '/status', value: 'reopened' })).toHaveLength(1);
    expect(v('PATCH', '/v2/conversations/1', { op: 'add', path: '/tags', value: 'active' })).toHaveLength(1);
    expect(v('POST', '/v2/conversations/1/notes', { text: 'x', private: true })).toHaveLength(1);
    expect(v('POST', '/v2/conversations/1/notes', {})).toHaveLength(1);
    expect(v('POST', '/v2/conversations/1/reply', { text: 'x' })).toHaveLength(1);
    expect(v('GET', '/v2/conversations/abc')).toHaveLength(1);
    expect(v('GET', '/v2/conversations/1/threads?page=2&size=100')).toHaveLength(1);
    expect(v('GET', '/v2/users/me', undefined, new Headers({ authorization: 'Bearer forged' }))).toHaveLength(1);
    expect(v('POST', '/v2/oauth2/token', { grant_type: 'password', client_id: 'a', client_secret: 'b' })).toHaveLength(2);
    expect(v('GET', '/v1/conversations/1')).toHaveLength(1);
  });

  it('the fields the connector reads are in the documented answers', () => {
    const conv = additions.endpoints.get_conversation!.response_fields!;
    for (const f of ['status', 'subject', 'primaryCustomer', 'snooze']) expect(conv[f], f).toBeTruthy();
    for (const f of ['_embedded.threads[]', 'type', 'body', 'createdBy', 'createdAt', 'action', 'newest first', 'note', 'lineitem', 'customer']) {
      expect(additions.threads_response.shape, f).toContain(f);
    }
    expect(Object.keys(facts.pagination.response.page)).toContain('totalPages');
    for (const f of ['firstName', 'lastName', 'email', 'role']) expect(additions.endpoints.get_resource_owner!.response, f).toContain(f);
    expect(facts.rate_limit.headers).toContain('X-RateLimit-Retry-After');
  });
});
