/**
 * Contract test: every request the Chatwoot connector sends is checked against Chatwoot's own
 * API description (test/contracts/specs/chatwoot.application_swagger.json): the path template and
 * method exist, path and query parameters are declared with matching types and enums, the
 * `api_access_token` header carries the token as the securitySchemes say, and JSON bodies use
 * only declared properties with the declared types and enum values. The fields the connector
 * reads from the answers are checked against the response schemas too.
 *
 * Requests are captured by an injected fetch that forwards them to the sandbox, so they are the
 * bytes that really go over the wire.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatwootConnector, testConnection } from '../../lib/connectors';
import { SANDBOX_TOKEN, startSandbox, type SandboxHandle } from '../sandbox/server.mjs';
import { loadSpec, openApiChecker, recordingFetch, type Captured, type Schema } from './openapi-contract';

const spec = loadSpec('chatwoot.application_swagger.json');

/**
 * Query parameters Chatwoot accepts that its description leaves out. Each needs a reason.
 * - `before` on the messages list: Chatwoot's MessageFinder (app/finders/message_finder.rb) pages
 *   backwards with it; without it only the latest 20 messages can be read.
 */
const UNDOCUMENTED_QUERY: Record<string, Record<string, Schema>> = {
  'GET /api/v1/accounts/{account_id}/conversations/{conversation_id}/messages': { before: { type: 'integer' } },
};

const { violations, matchTemplate, responseSchema, fieldExists } = openApiChecker(spec, {
  undocumentedQuery: UNDOCUMENTED_QUERY,
  // One of the operation's schemes must be satisfied, and the api_access_token header is how.
  credentialsOk: (scheme, headers) => scheme.type === 'apiKey' && scheme.in === 'header' && headers.get(scheme.name!) === SANDBOX_TOKEN,
  foreignCredentialHeaders: ['authorization'],
});

let sandbox: SandboxHandle;
const captured: Captured[] = [];
let connector: ChatwootConnector;

const fetchImpl = recordingFetch(captured);

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
  connector = new ChatwootConnector({ baseUrl: sandbox.url, accountId: '1', token: SANDBOX_TOKEN }, { fetch: fetchImpl });
  // Every operation of the connector, including paging back through messages.
  await connector.readConversation('2');
  for (let i = 0; i < 22; i++) await connector.postInternalNote('5', `contract note ${i}`, { idempotencyKey: `k${i}` });
  await connector.readConversation('5', { limit: 40 });
  await connector.findNote('5', 'k0', { since: 0 });
  await connector.readStatus('3');
  await connector.reopen('3');
  await connector.unsnooze('2');
  // Undo of a reopen: back to snoozed until a time, and back to resolved.
  await connector.restoreStatus!('3', { status: 'snoozed', snoozedUntil: 1_900_000_000_000 });
  await connector.restoreStatus!('2', { status: 'closed', snoozedUntil: null });
  const test = await testConnection({ helpdesk: 'chatwoot', baseUrl: sandbox.url, account: '1', credentials: { token: SANDBOX_TOKEN } }, fetchImpl);
  expect(test.ok).toBe(true);
});
afterAll(async () => {
  await sandbox?.close();
});

describe('Chatwoot contract', () => {
  it('the description is the one expected (OpenAPI 3 with an api_access_token header scheme)', () => {
    expect(spec.components.securitySchemes.userApiKey).toMatchObject({ type: 'apiKey', in: 'header', name: 'api_access_token' });
  });

  it('exercised every operation the connector uses', () => {
    const ops = new Set(captured.map((c) => `${c.method} ${matchTemplate(c.url.pathname)?.template}`));
    expect([...ops].sort()).toEqual(
      [
        'GET /api/v1/accounts/{account_id}/conversations/meta',
        'GET /api/v1/accounts/{account_id}/conversations/{conversation_id}',
        'GET /api/v1/accounts/{account_id}/conversations/{conversation_id}/messages',
        'GET /api/v1/profile',
        'POST /api/v1/accounts/{account_id}/conversations/{conversation_id}/messages',
        'POST /api/v1/accounts/{account_id}/conversations/{conversation_id}/toggle_status',
      ].sort(),
    );
    expect(captured.some((c) => c.url.searchParams.has('before'))).toBe(true);
    expect(captured.some((c) => c.url.searchParams.get('status') === 'all')).toBe(true);
  });

  it('every request conforms to the API description', () => {
    const problems = captured.flatMap((c) => violations(c));
    expect(problems).toEqual([]);
    // …and the sandbox (Chatwoot-compatible) accepted each one.
    expect(sandbox.state.requests.filter((r) => r.status >= 400)).toEqual([]);
  });

  it('internal notes are private outgoing messages, reopen is toggle_status open', () => {
    const notes = captured.filter((c) => c.method === 'POST' && c.url.pathname.endsWith('/messages'));
    expect(notes.length).toBeGreaterThan(0);
    for (const n of notes) expect(n.body).toMatchObject({ private: true, message_type: 'outgoing' });
    const toggles = captured.filter((c) => c.url.pathname.endsWith('/toggle_status'));
    const restores = toggles.splice(-2);
    for (const t of toggles) expect(t.body).toEqual({ status: 'open' });
    // restoreStatus: the status it had, snoozed_until in unix seconds; Chatwoot's resolved stands for closed.
    expect(restores.map((t) => t.body)).toEqual([{ status: 'snoozed', snoozed_until: 1_900_000_000 }, { status: 'resolved' }]);
  });

  it('catches a request that breaks the contract (the checker is not vacuous)', () => {
    const base = { headers: new Headers({ api_access_token: SANDBOX_TOKEN, 'content-type': 'application/json' }) };
    const url = (p: string) => new URL(`http://x${p}`);
    expect(violations({ ...base, method: 'POST', url: url('/api/v1/accounts/1/conversations/2/toggle_status'), body: { status: 'closed' } })).toHaveLength(1);
    expect(violations({ ...base, method: 'POST', url: url('/api/v1/accounts/1/conversations/2/messages'), body: { content: 'x', private: 'yes', echo: 1 } })).toHaveLength(2);
    expect(violations({ ...base, method: 'PUT', url: url('/api/v1/accounts/1/conversations/2/messages'), body: undefined })).toHaveLength(1);
    expect(violations({ ...base, method: 'GET', url: url('/api/v1/accounts/1/conversations/abc'), body: undefined })).toHaveLength(1);
    expect(violations({ method: 'GET', url: url('/api/v1/profile'), headers: new Headers({ authorization: `Bearer ${SANDBOX_TOKEN}` }), body: undefined })).toHaveLength(2);
    expect(violations({ ...base, method: 'GET', url: url('/api/v1/accounts/1/conversations/meta?status=bogus'), body: undefined })).toHaveLength(1);
  });

  it('the fields the connector reads are in the documented responses', () => {
    const conv = responseSchema('get', '/api/v1/accounts/{account_id}/conversations/{conversation_id}');
    for (const f of ['status', 'snoozed_until', 'additional_attributes', 'meta.sender.name', 'meta.sender.email', 'meta.sender.additional_attributes']) {
      expect(fieldExists(conv, f), f).toBe(true);
    }
    const messages = responseSchema('get', '/api/v1/accounts/{account_id}/conversations/{conversation_id}/messages');
    for (const f of ['payload[].id', 'payload[].content', 'payload[].message_type', 'payload[].private', 'payload[].created_at', 'payload[].sender']) {
      expect(fieldExists(messages, f), f).toBe(true);
    }
    expect(fieldExists(responseSchema('post', '/api/v1/accounts/{account_id}/conversations/{conversation_id}/messages'), 'id')).toBe(true);
    expect(fieldExists(responseSchema('post', '/api/v1/accounts/{account_id}/conversations/{conversation_id}/toggle_status'), 'payload.current_status')).toBe(true);
    expect(fieldExists(responseSchema('get', '/api/v1/accounts/{account_id}/conversations/meta'), 'meta.all_count')).toBe(true);
    const profile = responseSchema('get', '/api/v1/profile');
    for (const f of ['name', 'available_name', 'accounts[].id', 'accounts[].name']) expect(fieldExists(profile, f), f).toBe(true);
  });
});
