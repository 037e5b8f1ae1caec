/**
 * Contract test: every request the Intercom connector sends (captured on the wire by an injected
 * fetch, then answered by the Intercom stand-in) is checked against Intercom's own OpenAPI
 * description, test/contracts/specs/intercom-2.16.api.intercom.io.yaml: paths, methods,
 * parameters, the `Intercom-Version` header, Bearer auth, and bodies against the request schemas
 * (a note is the admin reply alternative with `message_type: note`; reopen is the open
 * conversation alternative). The fields read from the answers are in the response schemas.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountFromApi, IntercomConnector, testConnection } from '../../lib/connectors';
import { INTERCOM_TOKEN, startIntercomStandin } from '../standins/intercom.mjs';
import { loadSpec, openApiChecker, recordingFetch, type Captured, type Schema } from './openapi-contract';

const spec = loadSpec('intercom-2.16.api.intercom.io.yaml');
const checker = openApiChecker(spec, {
  credentialsOk: (scheme, headers) => scheme.type === 'http' && scheme.scheme === 'bearer' && headers.get('authorization') === `Bearer ${INTERCOM_TOKEN}`,
});

let ic: Awaited<ReturnType<typeof startIntercomStandin>>;
const captured: Captured[] = [];

beforeAll(async () => {
  ic = await startIntercomStandin();
  const fetchImpl = recordingFetch(captured);
  const c = new IntercomConnector({ baseUrl: ic.url, token: INTERCOM_TOKEN }, { fetch: fetchImpl });
  await c.readConversation('1001');
  await c.postInternalNote('1002', 'contract note', { idempotencyKey: 'k00000000001' });
  await c.findNote('1002', 'k00000000001', { since: 0 });
  await c.readStatus('1003');
  await c.reopen('1003');
  await c.unsnooze('1002');
  const conn = { helpdesk: 'intercom' as const, baseUrl: ic.url, account: '', credentials: { token: INTERCOM_TOKEN } };
  expect((await testConnection(conn, fetchImpl)).ok).toBe(true);
  expect(await accountFromApi(conn, fetchImpl)).toBe('acme42x');
});
afterAll(async () => {
  await ic?.close();
});

describe('Intercom contract', () => {
  it('the description is Intercom 2.16 with Bearer auth', () => {
    expect(spec.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(checker.deref<Schema>({ $ref: '#/components/schemas/intercom_version' }).enum).toContain('2.16');
  });

  it('exercised every operation the connector uses', () => {
    const ops = new Set(captured.map((c) => `${c.method} ${checker.matchTemplate(c.url.pathname)?.template}`));
    expect([...ops].sort()).toEqual(['GET /conversations/{conversation_id}', 'GET /me', 'POST /conversations/{conversation_id}/parts', 'POST /conversations/{conversation_id}/reply'].sort());
  });

  it('every request conforms to the API description, and the stand-in accepted each', () => {
    expect(captured.flatMap((c) => checker.violations(c))).toEqual([]);
    expect(captured.every((c) => c.headers.get('intercom-version') === '2.16')).toBe(true);
    expect(ic.state.requests.filter((r) => r.status >= 400)).toEqual([]);
  });

  it('notes are admin note replies, never comments; reopen and unsnooze are open parts', () => {
    const replies = captured.filter((c) => c.url.pathname.endsWith('/reply'));
    expect(replies.length).toBeGreaterThan(0);
    for (const r of replies) expect(r.body).toMatchObject({ message_type: 'note', type: 'admin', admin_id: expect.any(String) });
    const parts = captured.filter((c) => c.url.pathname.endsWith('/parts'));
    expect(parts).toHaveLength(2);
    for (const p of parts) expect(p.body).toEqual({ message_type: 'open', admin_id: expect.any(String) });
  });

  it('catches a request that breaks the contract (the checker is not vacuous)', () => {
    const headers = new Headers({ authorization: `Bearer ${INTERCOM_TOKEN}`, 'intercom-version': '2.16', 'content-type': 'application/json' });
    const req = (method: string, p: string, body?: unknown, h = headers): Captured => ({ method, url: new URL(`http://x${p}`), headers: h, body });
    expect(checker.violations(req('POST', '/conversations/1/reply', { message_type: 'private', type: 'admin', admin_id: '1', body: 'x' }))).toHaveLength(1);
    expect(checker.violations(req('POST', '/conversations/1/reply', { message_type: 'note', type: 'admin', body: 'x' }))).toHaveLength(1); // no admin_id
    expect(checker.violations(req('POST', '/conversations/1/parts', { message_type: 'reopen', admin_id: '1' }))).toHaveLength(1);
    expect(checker.violations(req('PUT', '/conversations/1/parts', undefined))).toHaveLength(1);
    expect(checker.violations(req('GET', '/conversations/abc'))).toHaveLength(1);
    expect(checker.violations(req('GET', '/me', undefined, new Headers({ 'intercom-version': '2.16' })))).toHaveLength(1);
    expect(checker.violations(req('GET', '/me', undefined, new Headers({ authorization: `Bearer ${INTERCOM_TOKEN}`, 'intercom-version': '9.99' })))).toHaveLength(1);
  });

  it('the fields the connector reads are in the documented answers', () => {
    const me = checker.responseSchema('get', '/me');
    for (const f of ['id', 'name', 'email', 'app.id_code', 'app.name']) expect(checker.fieldExists(me, f), f).toBe(true);
    const conv = checker.responseSchema('get', '/conversations/{conversation_id}');
    for (const f of [
      'state',
      'snoozed_until',
      'title',
      'created_at',
      'source.id',
      'source.subject',
      'source.body',
      'source.author.type',
      'source.author.name',
      'source.author.email',
      'conversation_parts.conversation_parts[].id',
      'conversation_parts.conversation_parts[].part_type',
      'conversation_parts.conversation_parts[].body',
      'conversation_parts.conversation_parts[].created_at',
      'conversation_parts.conversation_parts[].author.type',
      'conversation_parts.conversation_parts[].author.name',
    ]) {
      expect(checker.fieldExists(conv, f), f).toBe(true);
    }
    for (const t of ['/conversations/{conversation_id}/reply', '/conversations/{conversation_id}/parts']) {
      expect(checker.fieldExists(checker.responseSchema('post', t), 'state'), t).toBe(true);
    }
  });
});
