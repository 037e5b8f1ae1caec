/**
 * Contract test: every request the Zammad connector sends is one Zammad's documentation describes
 * (test/contracts/specs/zammad.endpoints.json, and zammad.supplement.endpoints.json for the
 * connection check): method and path template, only documented body keys, the internal-note body
 * as the documented internal example (type note, internal true), the reopen body as the
 * documented reopen example, and the token in the documented `Token token=` form.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZammadConnector } from '../../lib/connectors';
import { startZammadStandin, ZAMMAD_TOKEN } from '../standins/zammad.mjs';
import type { StandinHandle } from '../standins/standin-server.mjs';
import { capturingFetch, documentedEndpoints, matchRequest, readFacts } from './contract-facts';

const facts = readFacts('zammad.endpoints.json');
const supplement = readFacts('zammad.supplement.endpoints.json');
const endpoints = [...documentedEndpoints(facts), ...documentedEndpoints(supplement)];

let standin: StandinHandle<unknown>;
beforeAll(async () => {
  standin = await startZammadStandin();
});
afterAll(() => standin.close());

describe('Zammad requests match its documentation', () => {
  it('every call the connector makes is a documented endpoint with documented fields', async () => {
    const { fetch, seen } = capturingFetch();
    const c = new ZammadConnector({ baseUrl: standin.url, token: ZAMMAD_TOKEN }, { fetch });
    await c.verify();
    await c.readConversation('1');
    await c.postInternalNote('1', 'hello', { idempotencyKey: 'k1' });
    await c.findNote('1', 'k1', { since: 0 });
    await c.reopen('3');
    await c.unsnooze('2');
    expect(seen.length).toBeGreaterThanOrEqual(6);

    const problems = seen.map((r) => matchRequest(r, endpoints)).flatMap((m) => ('problem' in m ? [m.problem] : []));
    expect(problems).toEqual([]);

    // Auth exactly as api/intro.rst writes it.
    const scheme = (facts.auth as { schemes: { token: string } }).schemes.token; // "Authorization: Token token={your_token}"
    const [name, template] = scheme.split(/:\s*/, 2) as [string, string];
    for (const r of seen) expect(r.headers[name.toLowerCase()]).toBe(template.replace('{your_token}', ZAMMAD_TOKEN));

    // The note is the documented internal example's kind: a note article, internal, from an agent.
    const example = (facts.endpoints as { post_internal_note: { example_internal: Record<string, unknown> } }).post_internal_note.example_internal;
    const note = seen.find((r) => r.method === 'POST')!.body as Record<string, unknown>;
    expect(note).toMatchObject({ type: example.type, internal: example.internal, sender: example.sender, ticket_id: 1 });
    expect(['text/html', 'text/plain']).toContain(note.content_type);

    // Reopen and unsnooze are the documented reopen example.
    const reopen = (facts.endpoints as { reopen_or_set_status: { example_reopen: unknown } }).reopen_or_set_status.example_reopen;
    for (const r of seen.filter((x) => x.method === 'PUT')) expect(r.body).toEqual(reopen);

    // The only query Backline adds is the documented expand=true.
    expect(String((facts.pagination as { extras: string }).extras)).toContain('?expand=true');
    for (const r of seen) for (const [k, v] of Object.entries(r.query)) expect([k, v]).toEqual(['expand', 'true']);
  });

  it('the states Backline reads are Zammad’s documented default states', () => {
    const doc = (facts.endpoints as { reopen_or_set_status: { default_states: string } }).reopen_or_set_status.default_states;
    for (const s of ['new', 'open', 'pending reminder', 'closed', 'merged', 'pending close']) expect(doc).toContain(s);
  });
});
