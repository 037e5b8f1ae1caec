/**
 * Checks captured requests against an OpenAPI 3 description (Intercom's, Zendesk's, Front's,
 * Chatwoot's; the one OpenAPI checker of the contract tests): the path
 * template and method exist; path, query and header parameters are declared, with matching
 * types and enums; one of the operation's security schemes is satisfied by the headers; and a
 * JSON body fits the request schema (following $ref, allOf and oneOf): only declared
 * properties, declared types and enum values, required ones present. The fields a connector
 * reads from answers can be checked against the response schemas too.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

export interface Schema {
  $ref?: string;
  type?: string;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  items?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  required?: string[];
  nullable?: boolean;
  maximum?: number;
}
interface Parameter {
  $ref?: string;
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  schema?: Schema;
  required?: boolean;
}
interface Operation {
  parameters?: Parameter[];
  security?: Record<string, string[]>[];
  requestBody?: { $ref?: string; content?: Record<string, { schema: Schema }> };
  responses?: Record<string, { $ref?: string; content?: Record<string, { schema: Schema }> }>;
}
export interface Spec {
  paths: Record<string, Record<string, Operation | Parameter[]>>;
  security?: Record<string, string[]>[];
  components: { schemas: Record<string, Schema>; securitySchemes: Record<string, { type: string; scheme?: string; in?: string; name?: string }> };
}

export interface Captured {
  method: string;
  url: URL;
  headers: Headers;
  body: unknown;
}

const repoRoot = path.resolve(import.meta.dirname, '../..');

/** Reads a vendored description (JSON or YAML 1.2) from test/contracts/specs/. */
export function loadSpec(file: string): Spec {
  const text = readFileSync(path.resolve(repoRoot, 'test/contracts/specs', file), 'utf8');
  return (file.endsWith('.json') ? JSON.parse(text) : parse(text, { maxAliasCount: -1 })) as Spec;
}

/** A fetch that records each request (the bytes that go over the wire) and then sends it. */
export function recordingFetch(captured: Captured[]) {
  return async (input: string, init: RequestInit): Promise<Response> => {
    captured.push({
      method: init.method ?? 'GET',
      url: new URL(input),
      headers: new Headers(init.headers),
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
    });
    return fetch(input, init);
  };
}

export interface CheckerOptions {
  /** Query parameters the helpdesk documents in prose but the description leaves out, by `METHOD template`. */
  undocumentedQuery?: Record<string, Record<string, Schema>>;
  /** Request headers the helpdesk documents in prose but the description leaves out (lower case). */
  undocumentedHeaders?: string[];
  /** Whether the headers carry the right credentials for a security scheme. */
  credentialsOk(scheme: { type: string; scheme?: string; in?: string; name?: string }, headers: Headers): boolean;
  /** Leave undeclared request headers alone (for a description that declares none; credentials are still checked). */
  ignoreUndeclaredHeaders?: boolean;
  /** Headers that carry credentials of a kind the helpdesk does not use here (besides cookies, always refused). */
  foreignCredentialHeaders?: string[];
  /** A helpdesk-specific rule for a path parameter's value: a problem, or undefined when it fits. */
  pathParameterProblem?(name: string, value: string): string | undefined;
}

/**
 * The parameters of a concrete path that fits a path template (`/tickets/{id}`: each `{…}` one
 * segment), or null when it does not fit. Every contract checker matches paths with this.
 */
export function matchPath(template: string, pathname: string): Record<string, string> | null {
  const names: string[] = [];
  const literal = template.split(/\{([^}]+)\}/).map((part, i) => (i % 2 ? (names.push(part), '([^/]+)') : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  const m = new RegExp(`^${literal.join('')}$`).exec(pathname);
  return m ? Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)])) : null;
}

/** Headers every HTTP client sends that no API description declares. */
const TRANSPORT_HEADERS = new Set(['accept', 'content-type', 'authorization']);

export function openApiChecker(spec: Spec, options: CheckerOptions) {
  /** Headers an apiKey security scheme names: declared by the scheme, not as parameters. */
  const schemeHeaders = new Set(
    Object.values(spec.components.securitySchemes ?? {})
      .filter((s) => s.type === 'apiKey' && s.in === 'header' && s.name)
      .map((s) => s.name!.toLowerCase()),
  );
  function deref<T extends { $ref?: string }>(x: T): T {
    let cur: T = x;
    for (let i = 0; cur?.$ref && i < 20; i++) {
      const ref: string = cur.$ref;
      cur = ref
        .replace(/^#\//, '')
        .split('/')
        .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
        .reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k], spec) as T;
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

  /** Properties any variant of a schema may have (allOf, oneOf, anyOf merged): for reading answers. */
  function anyProperties(schema: Schema): Record<string, Schema> {
    const s = deref(schema);
    let props: Record<string, Schema> = { ...(s.properties ?? {}) };
    for (const part of [...(s.allOf ?? []), ...(s.oneOf ?? []), ...(s.anyOf ?? [])]) props = { ...anyProperties(part), ...props };
    return props;
  }

  function requiredOf(schema: Schema): string[] {
    const s = deref(schema);
    return [...(s.required ?? []), ...(s.allOf ?? []).flatMap(requiredOf)];
  }

  /** Every way a value breaks a schema (empty: it fits). */
  function check(value: unknown, schema: Schema, where: string): string[] {
    const s = deref(schema);
    if (value === null && s.nullable) return [];
    const alternatives = s.oneOf ?? s.anyOf;
    if (alternatives) {
      const results = alternatives.map((alt) => check(value, alt, where));
      return results.some((r) => r.length === 0) ? [] : [`${where}: fits none of the ${alternatives.length} alternatives (${results.map((r) => r[0]).join(' | ')})`];
    }
    if (s.enum && !s.enum.includes(value)) return [`${where}=${JSON.stringify(value)} is not one of ${JSON.stringify(s.enum)}`];
    const type = s.type ?? (s.properties || s.allOf ? 'object' : undefined);
    switch (type) {
      case 'string':
        return typeof value === 'string' ? [] : [`${where} should be a string`];
      case 'boolean':
        return typeof value === 'boolean' ? [] : [`${where} should be a boolean`];
      case 'integer':
        return Number.isInteger(value) ? [] : [`${where} should be an integer`];
      case 'number':
        return typeof value === 'number' ? [] : [`${where} should be a number`];
      case 'array':
        return Array.isArray(value) ? value.flatMap((v, i) => (s.items ? check(v, s.items, `${where}[${i}]`) : [])) : [`${where} should be an array`];
      case 'object': {
        if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${where} should be an object`];
        const props = propertiesOf(s);
        const out: string[] = [];
        const open = Object.keys(props).length === 0;
        for (const [k, v] of Object.entries(value)) {
          if (!props[k]) {
            if (!open) out.push(`${where}.${k} is not in the schema`);
          } else out.push(...check(v, props[k]!, `${where}.${k}`));
        }
        for (const k of requiredOf(s)) if (!(k in value)) out.push(`${where}.${k} is required`);
        return out;
      }
      default:
        return [];
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

  function matchTemplate(pathname: string): { template: string; params: Record<string, string> } | null {
    // Literal templates first (/users/me before /users/{id}).
    const templates = Object.keys(spec.paths).sort((a, b) => (a.match(/\{/g)?.length ?? 0) - (b.match(/\{/g)?.length ?? 0));
    for (const template of templates) {
      const params = matchPath(template, pathname);
      if (params) return { template, params };
    }
    return null;
  }

  function violations(req: Captured, pathPrefix = ''): string[] {
    const out: string[] = [];
    const pathname = req.url.pathname.slice(pathPrefix.length);
    const where = `${req.method} ${pathname}`;
    const match = matchTemplate(pathname);
    if (!match) return [`${where}: no such path in the API description`];
    const pathItem = spec.paths[match.template]!;
    const op = pathItem[req.method.toLowerCase()] as Operation | undefined;
    if (!op) return [`${where}: ${req.method} is not documented for ${match.template}`];
    const params = [...((pathItem.parameters as Parameter[] | undefined) ?? []), ...(op.parameters ?? [])].map((p) => deref(p));

    for (const [name, value] of Object.entries(match.params)) {
      const p = params.find((x) => x.in === 'path' && x.name === name);
      if (!p) out.push(`${where}: path parameter ${name} is not declared`);
      else if (p.schema && !wireValueOk(value, p.schema)) out.push(`${where}: path parameter ${name}=${value} does not fit ${JSON.stringify(deref(p.schema))}`);
      const problem = options.pathParameterProblem?.(name, value);
      if (problem) out.push(`${where}: ${problem}`);
    }
    const extra = options.undocumentedQuery?.[`${req.method} ${match.template}`] ?? {};
    for (const [name, value] of req.url.searchParams) {
      const p = params.find((x) => x.in === 'query' && x.name === name);
      const schema = p?.schema ?? extra[name];
      if (!p && !extra[name]) out.push(`${where}: query parameter ${name} is not declared`);
      else if (schema && !wireValueOk(value, schema)) out.push(`${where}: query ${name}=${value} does not fit ${JSON.stringify(deref(schema))}`);
    }
    for (const [name, value] of req.headers) {
      if (options.ignoreUndeclaredHeaders || TRANSPORT_HEADERS.has(name) || schemeHeaders.has(name) || options.undocumentedHeaders?.includes(name)) continue;
      const p = params.find((x) => x.in === 'header' && x.name.toLowerCase() === name);
      if (!p) out.push(`${where}: header ${name} is not declared`);
      else if (p.schema && !wireValueOk(value, p.schema)) out.push(`${where}: header ${name}=${value} does not fit ${JSON.stringify(deref(p.schema))}`);
    }
    for (const p of params) {
      if (p.required && p.in === 'query' && !req.url.searchParams.has(p.name)) out.push(`${where}: required query parameter ${p.name} is missing`);
      if (p.required && p.in === 'header' && !req.headers.has(p.name)) out.push(`${where}: required header ${p.name} is missing`);
    }

    const requirements = op.security ?? spec.security ?? [];
    const satisfied = requirements.some((r) => Object.keys(r).every((name) => !!spec.components.securitySchemes[name] && options.credentialsOk(spec.components.securitySchemes[name]!, req.headers)));
    if (requirements.length && !satisfied) out.push(`${where}: no documented security scheme carries the credentials`);
    if (req.headers.has('cookie')) out.push(`${where}: sends cookies`);
    if (options.foreignCredentialHeaders?.some((h) => req.headers.has(h))) out.push(`${where}: sends credentials other than the documented scheme's`);

    const body = op.requestBody ? deref(op.requestBody) : undefined;
    const bodySchema = body?.content?.['application/json']?.schema;
    if (req.body !== undefined) {
      if (!bodySchema) out.push(`${where}: sends a JSON body the operation does not take`);
      else {
        if (!/^application\/json/.test(req.headers.get('content-type') ?? '')) out.push(`${where}: body without a JSON content-type`);
        out.push(...check(req.body, bodySchema, `${where}: body`));
      }
    }
    return out;
  }

  /** The JSON response schema of an operation for a status. */
  function responseSchema(method: string, template: string, status = '200'): Schema {
    const op = spec.paths[template]![method] as Operation;
    const response = deref(op.responses![status]!);
    return response.content!['application/json']!.schema;
  }

  /** Whether a dotted path of fields (`a.b[].c`) exists in a schema (following $ref, allOf, oneOf). */
  function fieldExists(schema: Schema, dotted: string): boolean {
    let cur: Schema[] = [schema];
    for (const part of dotted.split('.')) {
      const arr = part.endsWith('[]');
      const name = arr ? part.slice(0, -2) : part;
      const next: Schema[] = [];
      for (const c of cur) {
        const prop = anyProperties(c)[name];
        if (prop) next.push(arr ? (deref(prop).items ?? {}) : prop);
      }
      if (!next.length) return false;
      cur = next;
    }
    return true;
  }

  return { deref, violations, matchTemplate, responseSchema, fieldExists, check };
}
