/**
 * Contract test: every request the Gorgias connector sends is one Gorgias's documentation describes
 * (test/contracts/specs/gorgias.endpoints.json, and gorgias.supplement.endpoints.json which restates
 * two reads of it as method/path entries): method and path template, documented body keys, the note
 * on the documented `internal-note` channel and not public, the reopen's documented status, Basic
 * auth as `email:api_key`. Keys the documentation's text names only as "unverified" are listed
 * below, and the test checks that the facts file really names each of them.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GorgiasConnector, resetGorgiasPacing } from '../../lib/connectors';
import { GORGIAS_API_KEY, GORGIAS_EMAIL, startGorgiasStandin } from '../standins/gorgias.mjs';
import type { StandinHandle } from '../standins/standin-server.mjs';
import { capturingFetch, documentedEndpoints, matchRequest, readFacts } from './contract-facts';

const facts = readFacts('gorgias.endpoints.json') as Record<string, any>;
const supplement = readFacts('gorgias.supplement.endpoints.json');

/** Body keys Backline sends that the facts name only in their "unverified" notes (see the README). */
const UNVERIFIED_BODY_KEYS: Record<string, { keys: string[]; namedIn: string }> = {
  'POST /api/tickets/{ticket_id}/messages': {
    keys: ['via', 'body_text', 'body_html', 'from_agent'],
    namedIn: `${facts.endpoints.post_internal_note.unverified} ${facts.endpoints.post_internal_note.body_facts.direction}`,
  },
  'PUT /api/tickets/{id}': { keys: ['snooze_datetime'], namedIn: facts.endpoints.reopen_or_set_status.unverified },
};

const endpoints = [...documentedEndpoints(facts), ...documentedEndpoints(supplement)].map((e) => ({
  ...e,
  bodyKeys: [...e.bodyKeys, ...(UNVERIFIED_BODY_KEYS[`${e.method} ${e.path}`]?.keys ?? [])],
}));

let standin: StandinHandle<unknown>;
beforeAll(async () => {
  standin = await startGorgiasStandin();
});
afterAll(() => standin.close());
beforeEach(() => resetGorgiasPacing());

describe('Gorgias requests match its documentation', () => {
  it('every key taken as unverified is named by the facts file', () => {
    for (const { keys, namedIn } of Object.values(UNVERIFIED_BODY_KEYS)) for (const k of keys) expect(namedIn).toContain(k);
  });

  it('every call is a documented endpoint with documented fields, authenticated as documented', async () => {
    const { fetch, seen } = capturingFetch();
    const c = new GorgiasConnector({ baseUrl: standin.url, email: GORGIAS_EMAIL, apiKey: GORGIAS_API_KEY }, { fetch });
    await c.verify();
    await c.readConversation('63091193');
    await c.postInternalNote('63091193', 'hello', { idempotencyKey: 'k1' });
    await c.findNote('63091193', 'k1', { since: 0 });
    await c.reopen('63091194');
    expect(seen.length).toBeGreaterThanOrEqual(5);
    expect(seen.map((r) => matchRequest(r, endpoints)).flatMap((m) => ('problem' in m ? [m.problem] : []))).toEqual([]);
    for (const r of seen) {
      const m = matchRequest(r, endpoints);
      if ('endpoint' in m) for (const k of Object.keys(r.query)) expect(m.endpoint.queryKeys).toContain(k);
    }

    // "Authorization: Basic base64(USERNAME:API_KEY)  (USERNAME = user email)"
    expect(facts.auth.private_app).toContain('Basic base64(USERNAME:API_KEY)');
    for (const r of seen) expect(r.headers.authorization).toBe(`Basic ${Buffer.from(`${GORGIAS_EMAIL}:${GORGIAS_API_KEY}`).toString('base64')}`);

    const note = seen.find((r) => r.method === 'POST')!.body as Record<string, unknown>;
    expect(facts.endpoints.post_internal_note.body_facts.channel).toContain(String(note.channel));
    expect(note.channel).toBe('internal-note');
    expect(note.public).toBe(false); // "internal notes are not public"
    expect(note.from_agent).toBe(true); // "always outgoing messages (from_agent)"
    expect(note).not.toHaveProperty('sent_datetime'); // that would import it instead of creating it

    const reopen = seen.find((r) => r.method === 'PUT')!.body as Record<string, unknown>;
    expect(reopen.status).toBe('open');
    expect(facts.endpoints.reopen_or_set_status.body_facts.status).toContain('open/closed');
  });

  it('Backline keeps to the documented limit for API-key integrations', async () => {
    const { GORGIAS_REQUESTS_PER_WINDOW, GORGIAS_WINDOW_MS } = await import('../../lib/connectors/gorgias');
    expect(facts.rate_limit.limits).toContain(`API-key integrations: ${GORGIAS_REQUESTS_PER_WINDOW} requests / ${GORGIAS_WINDOW_MS / 1000} s`);
    expect(facts.rate_limit.exceeded_status).toBe(429);
  });
});
