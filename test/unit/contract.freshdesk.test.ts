/**
 * Contract test: every request the Freshdesk connector sends (captured on the wire, then answered
 * by the Freshdesk stand-in) is checked against the endpoint facts written from Freshdesk's API
 * documentation, test/contracts/specs/freshdesk.v2.endpoints.json (Freshdesk publishes no
 * OpenAPI): method and path, query parameters and their limits (per_page at most 100), body
 * fields, the status values (2 Open … 5 Closed), notes private, and Basic auth with the API key
 * as user name and `X` as password.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FreshdeskConnector, testConnection } from '../../lib/connectors';
import { FRESHDESK_API_KEY, startFreshdeskStandin } from '../standins/freshdesk.mjs';
import { matchPath, recordingFetch, type Captured } from './openapi-contract';

interface Endpoint {
  method: string;
  path: string;
  body?: Record<string, string>;
  query?: Record<string, string>;
}
const facts = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../contracts/specs/freshdesk.v2.endpoints.json'), 'utf8')) as {
  auth: { header: string };
  endpoints: Record<string, Endpoint | null>;
  pagination: { params: Record<string, string> };
};

/**
 * The one endpoint the connector uses beyond the facts file: "View Me" (Freshdesk API docs,
 * Agents → Currently Authenticated Agent), which the connection check reads to say whose API
 * key it is.
 */
const ADDITIONS: Record<string, Endpoint> = { view_me: { method: 'GET', path: '/api/v2/agents/me' } };
const endpoints = { ...Object.fromEntries(Object.entries(facts.endpoints).filter((e): e is [string, Endpoint] => !!e[1])), ...ADDITIONS };

/** The status numbers the facts list ("number: 2 Open, 3 Pending, 4 Resolved, 5 Closed"). */
const STATUS_VALUES = [...(endpoints.reopen_or_set_status!.body!.status ?? '').matchAll(/(\d+) [A-Z]/g)].map((m) => Number(m[1]));
const MAX_PER_PAGE = Number(/max (\d+)/.exec(facts.pagination.params.per_page ?? '')?.[1]);
const BASIC = `Basic ${Buffer.from(`${FRESHDESK_API_KEY}:X`).toString('base64')}`;

/** The documented endpoint a request is, ids being Freshdesk's positive numbers. */
function endpointFor(method: string, pathname: string): Endpoint | null {
  for (const e of Object.values(endpoints)) {
    const params = e.method === method ? matchPath(e.path, pathname) : null;
    if (params && Object.values(params).every((v) => /^[1-9][0-9]*$/.test(v))) return e;
  }
  return null;
}

function violations(req: Captured): string[] {
  const where = `${req.method} ${req.url.pathname}`;
  const e = endpointFor(req.method, req.url.pathname);
  if (!e) return [`${where}: not a documented endpoint`];
  const out: string[] = [];
  // "Basic base64(<api_key>:X)"
  if (!/^Authorization: Basic base64\(<api_key>:X\)$/.test(facts.auth.header) || req.headers.get('authorization') !== BASIC) out.push(`${where}: not Basic <api_key>:X`);
  if (req.headers.has('cookie')) out.push(`${where}: sends cookies`);
  const allowedQuery = { ...(e.query ?? {}), ...(e.path.endsWith('/conversations') ? facts.pagination.params : {}) };
  for (const [k, v] of req.url.searchParams) {
    if (!(k in allowedQuery)) out.push(`${where}: query ${k} is not documented`);
    if (k === 'per_page' && !(Number(v) >= 1 && Number(v) <= MAX_PER_PAGE)) out.push(`${where}: per_page ${v} over ${MAX_PER_PAGE}`);
    if (k === 'page' && !(Number(v) >= 1)) out.push(`${where}: page ${v} (pages start at 1)`);
  }
  if (req.body !== undefined) {
    if (!e.body) out.push(`${where}: sends a body the endpoint does not take`);
    else {
      const body = req.body as Record<string, unknown>;
      for (const [k, v] of Object.entries(body)) {
        const doc = e.body[k];
        if (!doc) out.push(`${where}: body field ${k} is not documented`);
        else if (doc.startsWith('boolean') && typeof v !== 'boolean') out.push(`${where}: ${k} should be a boolean`);
        else if (doc.startsWith('string') && typeof v !== 'string') out.push(`${where}: ${k} should be a string`);
        else if (doc.startsWith('number') && typeof v !== 'number') out.push(`${where}: ${k} should be a number`);
      }
      if (k(body, 'status') && !STATUS_VALUES.includes(body.status as number)) out.push(`${where}: status ${String(body.status)} is not one of ${STATUS_VALUES.join(', ')}`);
      if (e.path.endsWith('/notes') && !k(body, 'body')) out.push(`${where}: a note needs body`);
    }
  }
  return out;
}
const k = (o: object, key: string) => Object.prototype.hasOwnProperty.call(o, key);

let fd: Awaited<ReturnType<typeof startFreshdeskStandin>>;
const captured: Captured[] = [];

beforeAll(async () => {
  fd = await startFreshdeskStandin();
  const fetchImpl = recordingFetch(captured);
  const c = new FreshdeskConnector({ baseUrl: fd.url, apiKey: FRESHDESK_API_KEY }, { fetch: fetchImpl });
  await c.readConversation('201');
  await c.postInternalNote('201', 'contract note', { idempotencyKey: 'k00000000001' });
  await c.findNote('201', 'k00000000001', { since: 0 });
  await c.readStatus('202');
  await c.reopen('202');
  await c.reopen('203');
  await c.unsnooze('204');
  expect((await testConnection({ helpdesk: 'freshdesk', baseUrl: fd.url, account: 'acme', credentials: { apiKey: FRESHDESK_API_KEY } }, fetchImpl)).ok).toBe(true);
});
afterAll(async () => {
  await fd?.close();
});

describe('Freshdesk contract', () => {
  it('the facts are the ones expected (Basic with the API key, status 2 is Open, at most 100 a page, no snooze)', () => {
    expect(STATUS_VALUES).toEqual([2, 3, 4, 5]);
    expect(endpoints.reopen_or_set_status).toMatchObject({ method: 'PUT', path: '/api/v2/tickets/{id}' });
    expect(endpoints.post_internal_note).toMatchObject({ method: 'POST', path: '/api/v2/tickets/{ticket_id}/notes' });
    expect(MAX_PER_PAGE).toBe(100);
    expect(facts.endpoints.snooze_unsnooze).toBeNull();
  });

  it('exercised every endpoint the connector uses', () => {
    const used = new Set(captured.map((c) => Object.entries(endpoints).find(([, e]) => e === endpointFor(c.method, c.url.pathname))?.[0]));
    expect([...used].sort()).toEqual(['post_internal_note', 'read_messages', 'read_ticket', 'reopen_or_set_status', 'view_me'].sort());
  });

  it('every request conforms to the documented endpoints, and the stand-in accepted each', () => {
    expect(captured.flatMap(violations)).toEqual([]);
    expect(fd.state.requests.filter((r) => r.status >= 400)).toEqual([]);
  });

  it('notes are private; reopen is status 2; unsnooze sends nothing', () => {
    const notes = captured.filter((c) => c.url.pathname.endsWith('/notes'));
    expect(notes).toHaveLength(1);
    for (const n of notes) expect(n.body).toMatchObject({ private: true });
    expect(captured.filter((c) => c.method === 'PUT').map((c) => c.body)).toEqual([{ status: 2 }, { status: 2 }]);
  });

  it('catches a request that breaks the contract (the checker is not vacuous)', () => {
    const headers = new Headers({ authorization: BASIC, 'content-type': 'application/json' });
    const req = (method: string, p: string, body?: unknown, h = headers): Captured => ({ method, url: new URL(`http://x${p}`), headers: h, body });
    expect(violations(req('PUT', '/api/v2/tickets/1', { status: 6 }))).toHaveLength(1);
    expect(violations(req('POST', '/api/v2/tickets/1/notes', { body: 'x', private: 'yes' }))).toHaveLength(1);
    expect(violations(req('POST', '/api/v2/tickets/1/notes', { private: true, public: false }))).toHaveLength(2);
    expect(violations(req('POST', '/api/v2/tickets/1/reply', { body: 'x' }))).toHaveLength(1);
    expect(violations(req('GET', '/api/v2/tickets/1/conversations?per_page=500'))).toHaveLength(1);
    expect(violations(req('GET', '/api/v2/agents/me', undefined, new Headers({ authorization: 'Bearer x' })))).toHaveLength(1);
  });
});
