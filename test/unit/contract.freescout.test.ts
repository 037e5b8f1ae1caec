/**
 * Contract test: every request the FreeScout connector sends is one the API & Webhooks module's
 * documentation describes (test/contracts/specs/freescout.api-webhooks.endpoints.json, and
 * freescout.supplement.endpoints.json for the user look-up): method and path template, only
 * documented body and query keys, the note as the documented internal example (type note with a
 * user), the reopen as the documented example (status active with byUser), and the key in the
 * documented header.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FreeScoutConnector } from '../../lib/connectors';
import { FREESCOUT_API_KEY, startFreeScoutStandin } from '../standins/freescout.mjs';
import type { StandinHandle } from '../standins/standin-server.mjs';
import { capturingFetch, documentedEndpoints, matchRequest, readFacts } from './contract-facts';

const facts = readFacts('freescout.api-webhooks.endpoints.json') as Record<string, any>;
const supplement = readFacts('freescout.supplement.endpoints.json');
const endpoints = [...documentedEndpoints(facts), ...documentedEndpoints(supplement)];

let standin: StandinHandle<unknown>;
beforeAll(async () => {
  standin = await startFreeScoutStandin();
});
afterAll(() => standin.close());

describe('FreeScout requests match its documentation', () => {
  it('every call is a documented endpoint with documented fields, authenticated as documented', async () => {
    const { fetch, seen } = capturingFetch();
    const c = new FreeScoutConnector({ baseUrl: standin.url, apiKey: FREESCOUT_API_KEY }, { fetch });
    await c.verify();
    await c.readConversation('15');
    await c.postInternalNote('15', 'hello', { idempotencyKey: 'k1' });
    await c.findNote('15', 'k1', { since: 0 });
    await c.reopen('16');
    expect(seen.length).toBeGreaterThanOrEqual(5);

    expect(seen.map((r) => matchRequest(r, endpoints)).flatMap((m) => ('problem' in m ? [m.problem] : []))).toEqual([]);
    for (const r of seen) {
      const m = matchRequest(r, endpoints);
      if ('endpoint' in m) for (const k of Object.keys(r.query)) expect(m.endpoint.queryKeys).toContain(k);
    }

    // "X-FreeScout-API-Key: <api_key> (header)", the option the facts recommend for an extension.
    expect(facts.auth.recommended_for_extension).toBe('X-FreeScout-API-Key header');
    for (const r of seen) expect(r.headers['x-freescout-api-key']).toBe(FREESCOUT_API_KEY);

    const note = seen.find((r) => r.method === 'POST')!.body as Record<string, unknown>;
    const example = facts.endpoints.post_internal_note.example_internal;
    expect(Object.keys(note).sort()).toEqual(Object.keys(example).sort());
    expect(note.type).toBe(example.type);
    expect(typeof note.user).toBe('number');

    const reopen = seen.find((r) => r.method === 'PUT')!.body as Record<string, unknown>;
    const reopenExample = facts.endpoints.reopen_or_set_status.example_reopen;
    expect(Object.keys(reopen).sort()).toEqual(Object.keys(reopenExample).sort());
    expect(reopen.status).toBe(reopenExample.status);
    expect(reopen.byUser).toBe(note.user); // the same person writes and reopens
  });

  it('the statuses Backline reads are the documented ones', () => {
    const doc = String(facts.endpoints.reopen_or_set_status.body.status);
    for (const s of ['active', 'pending', 'closed', 'spam']) expect(doc).toContain(s);
  });
});
