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
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConnection } from '../../lib/connectors';
import { FrontConnector } from '../../lib/connectors/front';
import { cnv, FRONT_TOKEN, startFrontStandin, type FrontStandin } from '../standins/front.mjs';

const spec = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../contracts/specs/front.core-api.json'), 'utf8')) as Spec;

interface Schema {
  $ref?: string;
  type?: string;
  enum?: unknown[];
  nullable?: boolean;
  properties?: Record<string, Schema>;
  items?: Schema;
  allOf?: Schema[];
  required?: string[];
  maximum?: number;
}
interface Parameter {
  $ref?: string;
  name: string;
  in: 'path' | 'query' | 'header';
  schema?: Schema;
}
interface Content {
  content?: Record<string, { schema: Schema }>;
  $ref?: string;
}
interface Operation {
  parameters?: Parameter[];
  security?: Record<string, string[]>[];
  requestBody?: Content;
  responses?: Record<string, Content>;
}
interface Spec {
  paths: Record<string, Record<string, Operation | Parameter[]>>;
  security?: Record<string, string[]>[];
  components: { schemas: Record<string, Schema>; securitySchemes: Record<string, { type: string; scheme?: string }> };
}

function deref<T extends { $ref?: string }>(x: T): T {
  let cur: T = x;
  for (let i = 0; cur.$ref && i < 20; i++) {
    const ref = cur.$ref;
    cur = ref.replace(/^#\//, '').split('/').reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k], spec) as T;
    if (!cur) throw new Error(`Unresolvable $ref ${ref}`);
  }
  return cur;
}

function propertiesOf(schema: Schema): Record<string, Schema> {
  const s = deref(schema);
  let props: Record<string, Schema> = { ...(s.properties ?? {}) };
  for (const part of s.allOf ?? []) props = { ...props, ...propertiesOf(part) };
  return props;
}

function typeOk(value: unknown, schema: Schema): boolean {
  const s = deref(schema);
  if (value === null) return s.nullable === true;
  if (s.enum && !s.enum.includes(value)) return false;
  switch (s.type) {
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'object':
      return typeof value === 'object' && !Array.isArray(value);
    case 'array':
      return Array.isArray(value);
    default:
      return true;
  }
}

function wireValueOk(value: string, schema: Schema): boolean {
  const s = deref(schema);
  if (s.type === 'integer' || s.type === 'number') {
    return /^-?\d+(\.\d+)?$/.test(value) && (s.maximum === undefined || Number(value) <= s.maximum) && (!s.enum || s.enum.includes(Number(value)));
  }
  if (s.type === 'boolean') return value === 'true' || value === 'false';
  return !s.enum || s.enum.includes(value);
}

interface Captured {
  method: string;
  url: URL;
  headers: Headers;
  body: unknown;
}

function matchTemplate(pathname: string): { template: string; params: Record<string, string> } | null {
  for (const template of Object.keys(spec.paths)) {
    const names: string[] = [];
    const re = new RegExp(`^${template.replace(/\{([^}]+)\}/g, (_m, n: string) => (names.push(n), '([^/]+)'))}$`);
    const m = re.exec(pathname);
    if (m) return { template, params: Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)])) };
  }
  return null;
}

/** Every way a request breaks the contract, as readable lines (empty: it conforms). */
function violations(req: Captured): string[] {
  const out: string[] = [];
  const where = `${req.method} ${req.url.pathname}`;
  const match = matchTemplate(req.url.pathname);
  if (!match) return [`${where}: no such path in the API description`];
  const pathItem = spec.paths[match.template]!;
  const op = pathItem[req.method.toLowerCase()] as Operation | undefined;
  if (!op) return [`${where}: ${req.method} is not documented for ${match.template}`];

  const params = [...((pathItem.parameters as Parameter[] | undefined) ?? []), ...(op.parameters ?? [])].map((p) => deref(p));
  for (const [name, value] of Object.entries(match.params)) {
    const p = params.find((x) => x.in === 'path' && x.name === name);
    if (!p) out.push(`${where}: path parameter ${name} is not declared`);
    else if (p.schema && !wireValueOk(value, p.schema)) out.push(`${where}: path parameter ${name}=${value} does not fit`);
    // Front's ids carry their resource's prefix (cnv_ for conversations).
    if (name === 'conversation_id' && !/^cnv_[0-9a-z]+$/.test(value)) out.push(`${where}: ${value} is not a conversation id`);
  }
  for (const [name, value] of req.url.searchParams) {
    const p = params.find((x) => x.in === 'query' && x.name === name);
    if (!p) out.push(`${where}: query parameter ${name} is not declared`);
    else if (p.schema && !wireValueOk(value, p.schema)) out.push(`${where}: query ${name}=${value} does not fit ${JSON.stringify(deref(p.schema))}`);
  }

  const requirements = op.security ?? spec.security ?? [];
  const satisfied = requirements.some((r) =>
    Object.keys(r).every((name) => {
      const scheme = spec.components.securitySchemes[name];
      return scheme?.type === 'http' && scheme.scheme === 'bearer' && req.headers.get('authorization') === `Bearer ${FRONT_TOKEN}`;
    }),
  );
  if (!satisfied) out.push(`${where}: no bearer token as the description requires`);
  if (req.headers.has('cookie')) out.push(`${where}: sends cookies`);

  const bodySchema = op.requestBody ? deref(op.requestBody).content?.['application/json']?.schema : undefined;
  if (req.body !== undefined) {
    if (!bodySchema) out.push(`${where}: sends a JSON body the operation does not take`);
    else {
      if (!/^application\/json/.test(req.headers.get('content-type') ?? '')) out.push(`${where}: body without a JSON content-type`);
      const props = propertiesOf(bodySchema);
      for (const [k, v] of Object.entries(req.body as Record<string, unknown>)) {
        if (!props[k]) out.push(`${where}: body property ${k} is not in the request schema`);
        else if (!typeOk(v, props[k]!)) out.push(`${where}: body ${k}=${JSON.stringify(v)} does not fit ${JSON.stringify(deref(props[k]!))}`);
      }
      for (const k of deref(bodySchema).required ?? []) {
        if (!(k in (req.body as object))) out.push(`${where}: required body property ${k} is missing`);
      }
    }
  }
  return out;
}

/** The JSON schema of an operation's answer with `status`. */
function responseSchema(method: string, template: string, status = '200'): Schema {
  const op = spec.paths[template]![method] as Operation;
  return deref(op.responses![status]!).content!['application/json']!.schema;
}

function fieldExists(schema: Schema, dotted: string): boolean {
  let cur: Schema | undefined = schema;
  for (const part of dotted.split('.')) {
    const arr = part.endsWith('[]');
    const name = arr ? part.slice(0, -2) : part;
    cur = cur ? propertiesOf(cur)[name] : undefined;
    if (!cur) return false;
    if (arr) cur = deref(cur).items;
  }
  return !!cur;
}

let standin: FrontStandin;
const captured: Captured[] = [];
const recordingFetch = async (input: string, init: RequestInit): Promise<Response> => {
  captured.push({ method: init.method ?? 'GET', url: new URL(input), headers: new Headers(init.headers), body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined });
  return fetch(input, init);
};

const OPEN = cnv(7762260226);
const SNOOZED = cnv(117421069338);
const ARCHIVED = cnv(120537545061);

beforeAll(async () => {
  standin = await startFrontStandin();
  const c = standin.state.conversations.find((x) => x.id === OPEN)!;
  for (let i = 0; i < 110; i++) c.messages.push({ ...c.messages[0]!, id: `msg_c${i}`, created_at: c.messages[0]!.created_at + 100 + i });
  const connector = new FrontConnector({ baseUrl: standin.url, token: FRONT_TOKEN }, { fetch: recordingFetch });
  // Every operation of the connector, including paging through messages.
  await connector.readConversation(SNOOZED);
  await connector.readConversation(OPEN, { limit: 150 });
  await connector.postInternalNote(OPEN, 'contract note', { idempotencyKey: 'k1' });
  await connector.findNote(OPEN, 'k1', { since: 0 });
  await connector.readStatus(ARCHIVED);
  await connector.reopen(ARCHIVED);
  await connector.unsnooze(SNOOZED);
  const test = await testConnection({ helpdesk: 'front', baseUrl: standin.url, account: '', credentials: { token: FRONT_TOKEN } }, recordingFetch);
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
    expect(captured.flatMap(violations)).toEqual([]);
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
