/**
 * Contract checks against hand-written endpoint-fact files (test/contracts/specs/*.endpoints.json),
 * for helpdesks that publish no OpenAPI: every endpoint entry there names a method and a path
 * (templated with {…}) and what its body may hold. A request Backline sends must match one of
 * them, with only documented body keys. The requests are captured on the wire by an injected
 * fetch that forwards them to a stand-in.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FetchLike } from '../../lib/connectors';
import { matchPath } from './openapi-contract';

const repoRoot = path.resolve(import.meta.dirname, '../..');

export interface DocumentedEndpoint {
  /** Where it sits in the facts file, e.g. endpoints.post_internal_note. */
  at: string;
  method: string;
  path: string;
  /** Documented body keys (from `body`, `body_facts`, or an example's keys). */
  bodyKeys: string[];
  /** Documented query keys (from `query`). */
  queryKeys: string[];
}

export function readFacts(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.resolve(repoRoot, 'test/contracts/specs', file), 'utf8')) as Record<string, unknown>;
}

/** Every object in a facts file that names a method and a path. */
export function documentedEndpoints(facts: unknown, at = ''): DocumentedEndpoint[] {
  if (typeof facts !== 'object' || facts === null) return [];
  const o = facts as Record<string, unknown>;
  const out: DocumentedEndpoint[] = [];
  if (typeof o.method === 'string' && typeof o.path === 'string') {
    const keysOf = (v: unknown) => (typeof v === 'object' && v !== null && !Array.isArray(v) ? Object.keys(v) : []);
    const examples = Object.keys(o).filter((k) => k.startsWith('example'));
    out.push({
      at,
      method: o.method,
      path: o.path,
      bodyKeys: [...new Set([...keysOf(o.body), ...keysOf(o.body_facts), ...examples.flatMap((k) => keysOf(o[k]))])],
      queryKeys: keysOf(o.query),
    });
  }
  for (const [k, v] of Object.entries(o)) out.push(...documentedEndpoints(v, at ? `${at}.${k}` : k));
  return out;
}

/** Whether a concrete path fits a documented template ({ticket id}, {conversationId} match one segment). */
export function pathFits(template: string, concrete: string): boolean {
  return matchPath(template, concrete) !== null;
}

export interface Captured {
  method: string;
  path: string;
  query: Record<string, string>;
  /** The raw query string (repeated parameters and all). */
  search: string;
  headers: Record<string, string>;
  body: unknown;
}

/** A fetch that records each request (as sent) and passes it on. */
export function capturingFetch(): { fetch: FetchLike; seen: Captured[] } {
  const seen: Captured[] = [];
  const f: FetchLike = async (input, init) => {
    const u = new URL(input);
    const headers = Object.fromEntries(Object.entries((init.headers ?? {}) as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v]));
    seen.push({
      method: init.method ?? 'GET',
      path: u.pathname,
      query: Object.fromEntries(u.searchParams),
      search: u.search,
      headers,
      body: typeof init.body === 'string' ? JSON.parse(init.body) : null,
    });
    return fetch(input, init);
  };
  return { fetch: f, seen };
}

/** The documented endpoint a captured request fits, or a message saying why none does. */
export function matchRequest(req: Captured, endpoints: DocumentedEndpoint[]): { endpoint: DocumentedEndpoint } | { problem: string } {
  const fits = endpoints.filter((e) => e.method === req.method && pathFits(e.path, req.path));
  if (!fits.length) return { problem: `${req.method} ${req.path} is not a documented endpoint` };
  const endpoint = fits[0]!;
  if (req.body && typeof req.body === 'object') {
    const extra = Object.keys(req.body).filter((k) => !fits.some((e) => e.bodyKeys.includes(k)));
    if (extra.length) return { problem: `${req.method} ${endpoint.path} sends undocumented body keys ${extra.join(', ')}` };
  }
  return { endpoint };
}
