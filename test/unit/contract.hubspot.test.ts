/**
 * Contract test: every request the HubSpot connector sends is checked against HubSpot's own
 * OpenAPI descriptions (test/contracts/specs/hubspot.crm-tickets.v3.json, hubspot.crm-notes.v3.json,
 * hubspot.conversations.v3.json, hubspot.account-info.v3.json): the path template and method
 * exist, query parameters are declared (with their enums), JSON bodies use only declared
 * properties with the declared types and enums and carry the required ones, and the operation
 * accepts a token. The fields the connector reads from the answers are checked against the
 * response schemas too.
 *
 * Auth: the descriptions declare `oauth2` and a `private_apps` apiKey header named "private-app";
 * HubSpot's private app access tokens are sent as OAuth bearer tokens (`Authorization: Bearer`),
 * which is what the `oauth2` scheme means on the wire, so the test asks for an operation that
 * accepts `oauth2` or `private_apps` and a Bearer header.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HubSpotConnector, NOTE_TO_TICKET } from '../../lib/connectors/hubspot';
import { HUBSPOT_TOKEN, startHubSpotStandin } from '../standins/hubspot.mjs';
import type { StandinHandle } from '../standins/standin-server.mjs';
import { capturingFetch, pathFits, type Captured } from './contract-facts';

interface Schema {
  $ref?: string;
  type?: string;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
  required?: string[];
}
interface Parameter {
  name: string;
  in: string;
  schema?: Schema;
}
interface Operation {
  parameters?: Parameter[];
  security?: Record<string, string[]>[];
  requestBody?: { content?: Record<string, { schema: Schema }> };
  responses?: Record<string, { content?: Record<string, { schema: Schema }> }>;
}
interface Spec {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

const dir = path.resolve(import.meta.dirname, '../contracts/specs');
const specs = ['hubspot.crm-tickets.v3.json', 'hubspot.crm-notes.v3.json', 'hubspot.conversations.v3.json', 'hubspot.account-info.v3.json'].map(
  (f) => [f, JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as Spec] as const,
);

function deref(spec: Spec, s: Schema): Schema {
  let cur = s;
  for (let i = 0; cur.$ref && i < 20; i++) cur = spec.components.schemas[cur.$ref.replace('#/components/schemas/', '')]!;
  return cur;
}

function propertiesOf(spec: Spec, s: Schema): Record<string, Schema> {
  const d = deref(spec, s);
  let props = { ...(d.properties ?? {}) };
  for (const part of [...(d.allOf ?? []), ...(d.oneOf ?? [])]) props = { ...props, ...propertiesOf(spec, part) };
  return props;
}

/** Problems of a JSON value against a schema: undeclared keys, wrong types, enums, missing required keys. */
function check(spec: Spec, value: unknown, schema: Schema, at: string): string[] {
  const s = deref(spec, schema);
  if (s.enum && !s.enum.includes(value)) return [`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(s.enum)}`];
  switch (s.type) {
    case 'string':
      return typeof value === 'string' ? [] : [`${at}: not a string`];
    case 'integer':
      return Number.isInteger(value) ? [] : [`${at}: not an integer`];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${at}: not a boolean`];
    case 'array':
      return Array.isArray(value) ? value.flatMap((v, i) => check(spec, v, s.items ?? {}, `${at}[${i}]`)) : [`${at}: not an array`];
  }
  if (typeof value !== 'object' || value === null) return s.type === 'object' ? [`${at}: not an object`] : [];
  const props = propertiesOf(spec, s);
  const out: string[] = [];
  for (const r of s.required ?? []) if (!(r in value)) out.push(`${at}: missing required ${r}`);
  for (const [k, v] of Object.entries(value)) {
    if (props[k]) out.push(...check(spec, v, props[k]!, `${at}.${k}`));
    else if (typeof s.additionalProperties === 'object') out.push(...check(spec, v, s.additionalProperties, `${at}.${k}`));
    else out.push(`${at}: undeclared property ${k}`);
  }
  return out;
}

function operationFor(req: Captured): { spec: Spec; template: string; op: Operation } | null {
  for (const [, spec] of specs) {
    for (const [template, ops] of Object.entries(spec.paths)) {
      const op = ops[req.method.toLowerCase()];
      if (op && pathFits(template, req.path)) return { spec, template, op };
    }
  }
  return null;
}

let standin: StandinHandle<unknown>;
const seen: Captured[] = [];
beforeAll(async () => {
  standin = await startHubSpotStandin();
  const capture = capturingFetch();
  const c = new HubSpotConnector({ baseUrl: standin.url, token: HUBSPOT_TOKEN }, { fetch: capture.fetch });
  await c.verify();
  await c.readConversation('29859078751');
  await c.postInternalNote('29859078751', 'hello', { idempotencyKey: 'k1' });
  await c.findNote('29859078751', 'k1', { since: 0 });
  await c.reopen('29859078752');
  await c.reopen('29859078753'); // a custom pipeline: through the thread
  seen.push(...capture.seen);
});
afterAll(() => standin.close());

describe('HubSpot requests match its OpenAPI descriptions', () => {
  it('every request is a described operation with declared query parameters and a valid body', () => {
    expect(seen.length).toBeGreaterThanOrEqual(10);
    const problems: string[] = [];
    for (const req of seen) {
      const found = operationFor(req);
      if (!found) {
        problems.push(`${req.method} ${req.path} is not described`);
        continue;
      }
      const { spec, template, op } = found;
      const declared = new Map((op.parameters ?? []).filter((p) => p.in === 'query').map((p) => [p.name, p]));
      const u = new URLSearchParams(req.search);
      for (const [k, v] of u) {
        const p = declared.get(k);
        if (!p) problems.push(`${req.method} ${template}: undeclared query ${k}`);
        else {
          // A query value is text on the wire: an integer or boolean parameter must read as one.
          const scalar = p.schema?.type === 'array' ? (p.schema.items ?? {}) : (p.schema ?? {});
          const typed = scalar.type === 'integer' && /^-?\d+$/.test(v) ? Number(v) : scalar.type === 'boolean' && /^(true|false)$/.test(v) ? v === 'true' : v;
          problems.push(...check(spec, p.schema?.type === 'array' ? [typed] : typed, p.schema ?? {}, `${template}?${k}`));
        }
      }
      const body = op.requestBody?.content?.['application/json']?.schema;
      if (req.body !== null && !body) problems.push(`${req.method} ${template}: sends a body it does not take`);
      if (req.body !== null && body) problems.push(...check(spec, req.body, body, `${req.method} ${template} body`));
      const schemes = (op.security ?? []).flatMap((s) => Object.keys(s));
      if (!schemes.some((s) => s === 'oauth2' || s === 'private_apps')) problems.push(`${template}: takes no token`);
      if (req.headers.authorization !== `Bearer ${HUBSPOT_TOKEN}`) problems.push(`${template}: no Bearer token`);
    }
    expect(problems).toEqual([]);
  });

  it('the scopes the admin is told to give the private app cover every operation Backline calls', async () => {
    const { hubspot } = await import('../../lib/helpdesks/hubspot');
    const hint = hubspot.connection.credentials[0]!.hint;
    const needed = new Set<string>();
    for (const req of seen) {
      const found = operationFor(req)!;
      for (const s of found.op.security ?? []) for (const scope of s.oauth2 ?? []) if (scope !== 'oauth') needed.add(scope); // `oauth`: every app has it
    }
    expect([...needed].sort()).toEqual(['conversations.read', 'conversations.write', 'crm.objects.contacts.read', 'crm.objects.contacts.write', 'tickets']);
    for (const scope of needed) expect(hint).toContain(scope);
  });

  it('array query parameters are sent exploded, one value each, as declared (style form, explode)', () => {
    const get = seen.find((r) => r.method === 'GET' && r.path.startsWith('/crm/v3/objects/tickets/'))!;
    expect(new URLSearchParams(get.search).getAll('properties')).toEqual(['subject', 'hs_pipeline', 'hs_pipeline_stage']);
  });

  it('the note is associated to the ticket with HubSpot’s note-to-ticket association type', () => {
    const note = seen.find((r) => r.method === 'POST' && r.path === '/crm/v3/objects/notes')!.body as {
      associations: { to: { id: string }; types: { associationCategory: string; associationTypeId: number }[] }[];
      properties: Record<string, string>;
    };
    expect(note.associations).toEqual([{ to: { id: '29859078751' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: NOTE_TO_TICKET }] }]);
    expect(Object.keys(note.properties).sort()).toEqual(['hs_note_body', 'hs_timestamp']);
  });

  it('the fields the connector reads are in the response schemas', () => {
    const fields = (file: string, schema: string) => {
      const spec = specs.find(([f]) => f === file)![1];
      return Object.keys(propertiesOf(spec, { $ref: `#/components/schemas/${schema}` }));
    };
    expect(fields('hubspot.account-info.v3.json', 'PortalInformationResponse')).toEqual(expect.arrayContaining(['portalId', 'uiDomain']));
    expect(fields('hubspot.crm-tickets.v3.json', 'SimplePublicObjectWithAssociations')).toEqual(expect.arrayContaining(['id', 'properties', 'associations', 'createdAt']));
    expect(fields('hubspot.crm-notes.v3.json', 'SimplePublicObject')).toEqual(expect.arrayContaining(['id', 'properties', 'createdAt']));
    expect(fields('hubspot.conversations.v3.json', 'PublicThread')).toEqual(expect.arrayContaining(['id', 'status']));
    expect(fields('hubspot.conversations.v3.json', 'PublicConversationsMessage')).toEqual(expect.arrayContaining(['id', 'type', 'direction', 'text', 'richText', 'senders', 'createdAt']));
    expect(fields('hubspot.conversations.v3.json', 'PublicComment')).toEqual(expect.arrayContaining(['id', 'type', 'text', 'richText', 'senders', 'createdAt']));
    expect(fields('hubspot.conversations.v3.json', 'PublicThreadStatusChange')).toEqual(expect.arrayContaining(['newStatus']));
    expect(fields('hubspot.conversations.v3.json', 'PublicSender')).toEqual(expect.arrayContaining(['name', 'deliveryIdentifier']));
  });
});
