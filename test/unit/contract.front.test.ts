/**
 * Contract test: every request the Front connector makes is valid against Front's own OpenAPI
 * description (test/contracts/specs/front.core-api.json): documented path and method, declared
 * path and query parameters with values of the declared type, the bearer scheme the description
 * requires, and JSON bodies using only declared properties with the declared types and enum
 * values. The fields the connector reads from the answers are checked against the response
 * schemas too.
 *
 * Requests are captured by an injected fetch that forwards them to the stand-in, so they are the
 * bytes that really go over the wire.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConnection } from '../../lib/connectors';
import { FrontConnector } from '../../lib/connectors/front';
import { cnv, FRONT_TOKEN, startFrontStandin, type FrontStandin } from '../standins/front.mjs';
import { loadSpec, openApiChecker, recordingFetch, type Captured } from './openapi-contract';

const spec = loadSpec('front.core-api.json');
const { violations, matchTemplate, responseSchema, fieldExists } = openApiChecker(spec, {
  credentialsOk: (scheme, headers) => scheme.type === 'http' && scheme.scheme === 'bearer' && headers.get('authorization') === `Bearer ${FRONT_TOKEN}`,
  // The description declares no request headers; credentials are checked above.
  ignoreUndeclaredHeaders: true,
  // Front's ids carry their resource's prefix (cnv_ for conversations).
  pathParameterProblem: (name, value) => (name === 'conversation_id' && !/^cnv_[0-9a-z]+$/.test(value) ? `${value} is not a conversation id` : undefined),
});

let standin: FrontStandin;
const captured: Captured[] = [];
const fetchImpl = recordingFetch(captured);

const OPEN = cnv(7762260226);
const SNOOZED = cnv(117421069338);
const ARCHIVED = cnv(120537545061);

beforeAll(async () => {
  standin = await startFrontStandin();
  const c = standin.state.conversations.find((x) => x.id === OPEN)!;
  for (let i = 0; i < 110; i++) c.messages.push({ ...c.messages[0]!, id: `msg_c${i}`, created_at: c.messages[0]!.created_at + 100 + i });
  const connector = new FrontConnector({ baseUrl: standin.url, token: FRONT_TOKEN }, { fetch: fetchImpl });
  // Every operation of the connector, including paging through messages.
  await connector.readConversation(SNOOZED);
  await connector.readConversation(OPEN, { limit: 150 });
  await connector.postInternalNote(OPEN, 'contract note', { idempotencyKey: 'k1' });
  await connector.findNote(OPEN, 'k1', { since: 0 });
  await connector.readStatus(ARCHIVED);
  await connector.reopen(ARCHIVED);
  await connector.unsnooze(SNOOZED);
  const test = await testConnection({ helpdesk: 'front', baseUrl: standin.url, account: '', credentials: { token: FRONT_TOKEN } }, fetchImpl);
  expect(test.ok).toBe(true);
});
afterAll(async () => {
  await standin?.close();
});

describe('Front contract', () => {
  it('the description is the one expected (OpenAPI 3 with an http bearer scheme)', () => {
    expect(spec.components.securitySchemes.http).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('exercised every operation the connector uses', () => {
    const ops = new Set(captured.map((c) => `${c.method} ${matchTemplate(c.url.pathname)?.template}`));
    expect([...ops].sort()).toEqual(
      [
        'GET /me',
        'GET /conversations/{conversation_id}',
        'PATCH /conversations/{conversation_id}',
        'GET /conversations/{conversation_id}/messages',
        'GET /conversations/{conversation_id}/comments',
        'POST /conversations/{conversation_id}/comments',
      ].sort(),
    );
    expect(captured.some((c) => c.url.searchParams.has('page_token'))).toBe(true);
  });

  it('every request conforms to the API description', () => {
    expect(captured.flatMap((c) => violations(c))).toEqual([]);
    expect(standin.state.requests.filter((r) => r.status >= 400)).toEqual([]);
  });

  it('internal notes are comments (never messages, which reach the customer); reopen is status open', () => {
    expect(captured.filter((c) => c.method === 'POST').map((c) => matchTemplate(c.url.pathname)?.template)).toEqual(['/conversations/{conversation_id}/comments']);
    expect(captured.filter((c) => c.method === 'PATCH').map((c) => c.body)).toEqual([{ status: 'open' }, { status: 'open' }]);
  });

  it('catches a request that breaks the contract (the checker is not vacuous)', () => {
    const headers = new Headers({ authorization: `Bearer ${FRONT_TOKEN}`, 'content-type': 'application/json' });
    const v = (method: string, p: string, body?: unknown, h = headers) => violations({ method, url: new URL(`http://x${p}`), headers: h, body });
    expect(v('PATCH', `/conversations/${OPEN}`, { status: 'reopened' })).toHaveLength(1);
    expect(v('PATCH', `/conversations/${OPEN}`, { status: 'open', snoozed: false })).toHaveLength(1);
    expect(v('POST', `/conversations/${OPEN}/comments`, { text: 'x' })).toHaveLength(2);
    expect(v('GET', `/conversations/${OPEN}/messages?limit=500`)).toHaveLength(1);
    expect(v('GET', `/conversations/${OPEN}/comments?page=2`)).toHaveLength(1);
    expect(v('GET', '/conversations/42')).toHaveLength(1);
    expect(v('PUT', `/conversations/${OPEN}`, { status: 'open' })).toHaveLength(1);
    expect(v('GET', '/me', undefined, new Headers({ api_token: FRONT_TOKEN }))).toHaveLength(1);
  });

  it('the fields the connector reads are in the documented responses', () => {
    const conv = responseSchema('get', '/conversations/{conversation_id}');
    for (const f of ['status', 'status_category', 'subject', 'recipient.name', 'recipient.handle', 'scheduled_reminders[].scheduled_at']) expect(fieldExists(conv, f), f).toBe(true);
    const messages = responseSchema('get', '/conversations/{conversation_id}/messages');
    for (const f of ['_pagination.next', '_results[].id', '_results[].is_inbound', '_results[].draft_mode', '_results[].created_at', '_results[].author.first_name', '_results[].recipients[].role', '_results[].body', '_results[].text', '_results[].attachments']) {
      expect(fieldExists(messages, f), f).toBe(true);
    }
    const comments = responseSchema('get', '/conversations/{conversation_id}/comments');
    for (const f of ['_results[].id', '_results[].body', '_results[].posted_at', '_results[].author.last_name']) expect(fieldExists(comments, f), f).toBe(true);
    expect(fieldExists(responseSchema('post', '/conversations/{conversation_id}/comments', '201'), 'id')).toBe(true);
    for (const f of ['id', 'name']) expect(fieldExists(responseSchema('get', '/me'), f), f).toBe(true);
  });
});
