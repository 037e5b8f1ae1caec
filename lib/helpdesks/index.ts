/**
 * The registry of helpdesk descriptors, and what Backline derives from it: which page is which
 * helpdesk's conversation (for the content script, so this stays small and pure: no DOM, no
 * `chrome.*`, never throws), the manifest's host patterns, product names and conversation keys.
 *
 * Adding a helpdesk: its descriptor file beside this one (with example URLs), its id in
 * lib/model/helpdesk.ts, and one line in DESCRIPTORS below; the compiler checks the three agree.
 */
import { HELPDESK_IDS, isHelpdeskId, type CustomHost, type HelpdeskId, type PageContext } from '../model/helpdesk';
import { chatwoot } from './chatwoot';
import { freescout } from './freescout';
import { freshdesk } from './freshdesk';
import { front } from './front';
import { gorgias } from './gorgias';
import { helpscout } from './helpscout';
import { hubspot } from './hubspot';
import { intercom } from './intercom';
import type { HelpdeskDescriptor } from './types';
import { zammad } from './zammad';
import { zendesk } from './zendesk';

export type { CredentialField, HelpdeskDescriptor, PageMatch, AccountSource } from './types';

/** Every helpdesk's descriptor, by id. */
export const DESCRIPTORS: { readonly [K in HelpdeskId]: HelpdeskDescriptor<K> } = {
  intercom,
  zendesk,
  freshdesk,
  helpscout,
  front,
  zammad,
  chatwoot,
  freescout,
  hubspot,
  gorgias,
};

/** Descriptors in a stable order (the order of HELPDESK_IDS), for pickers and loops. */
export const HELPDESKS: readonly HelpdeskDescriptor[] = HELPDESK_IDS.map((id) => DESCRIPTORS[id]);

/** The descriptor of a helpdesk. */
export function helpdesk<K extends HelpdeskId>(id: K): HelpdeskDescriptor<K> {
  return DESCRIPTORS[id];
}

/** Product names as the vendors spell them, for UI text. */
export const HELPDESK_NAMES = Object.fromEntries(HELPDESKS.map((d) => [d.id, d.name])) as Record<HelpdeskId, string>;

/**
 * Match patterns of the cloud helpdesks' agent pages plus localhost and 127.0.0.1, for the manifest's content script and web-accessible-resource matches.
 * Whole hosts, not ticket paths: the helpdesks are single-page apps, so the script must be
 * present before the agent navigates into a ticket.
 */
export const HOST_MATCH_PATTERNS: readonly string[] = Object.freeze([
  ...HELPDESKS.flatMap((d) => (d.hosts ?? []).map((host) => `https://${host}/*`)),
  ...HELPDESKS.flatMap((d) => (d.accountSubdomainOf ?? []).map((suffix) => `https://*.${suffix}/*`)),
  // Chrome ignores the port when the pattern names none, so these cover every local port; local
  // trials of self-hosted helpdesks run with and without TLS.
  'http://localhost/*',
  'http://127.0.0.1/*',
  'https://localhost/*',
  'https://127.0.0.1/*',
]);

/**
 * Match patterns of the cloud helpdesks' public API addresses (each descriptor's
 * `defaultBaseUrl`, e.g. https://api.helpscout.net): host permissions for the service worker's
 * API calls, granted at install like the agent pages. Never content-script matches: no agent
 * works on an API host, so no panel docks there.
 */
export const API_HOST_PATTERNS: readonly string[] = Object.freeze([
  ...new Set(HELPDESKS.flatMap((d) => (d.connection.defaultBaseUrl ? [`${new URL(d.connection.defaultBaseUrl).origin}/*`] : []))),
]);

const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
// Marketing sites share the suffix but are never an account.
const NOT_AN_ACCOUNT = new Set(['www']);

/**
 * The cloud helpdesk a host name belongs to: an exact host, or one DNS label in front of a
 * fixed suffix, compared against URL.hostname (lower-cased and punycoded), so look-alikes such
 * as app.intercom.com.evil.example or evilzendesk.com fail.
 */
function cloudHost(hostname: string): { descriptor: HelpdeskDescriptor; hostAccount: string } | null {
  for (const d of HELPDESKS) if (d.hosts?.includes(hostname)) return { descriptor: d, hostAccount: '' };
  for (const d of HELPDESKS) {
    for (const suffix of d.accountSubdomainOf ?? []) {
      if (!hostname.endsWith(`.${suffix}`)) continue;
      const label = hostname.slice(0, -suffix.length - 1);
      if (DNS_LABEL.test(label) && !NOT_AN_ACCOUNT.has(label)) return { descriptor: d, hostAccount: label };
    }
  }
  return null;
}

const LOOPBACK = HELPDESKS.filter((d) => d.loopbackOrder !== undefined).sort((a, b) => a.loopbackOrder! - b.loopbackOrder!);

function context(d: HelpdeskDescriptor, origin: string, url: URL, hostAccount: string): PageContext | null {
  const m = d.match(url, hostAccount);
  return m ? { helpdesk: d.id, origin, account: m.account, conversationId: m.conversationId, kind: d.kind } : null;
}

/**
 * Which helpdesk conversation or ticket a URL shows, or null for anything else (lists,
 * settings, other sites, malformed input). Never throws.
 *
 * Resolution order: an admin's custom host (exact origin, port included) wins, so it can also
 * pin what a localhost port runs; then the https-only cloud hosts; then http(s)://localhost and
 * 127.0.0.1, where the self-hostable helpdesks' routes are tried in their loopback order.
 */
export function parseHelpdeskUrl(url: string, customHosts?: readonly CustomHost[]): PageContext | null {
  try {
    if (typeof url !== 'string') return null;
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
    const origin = u.origin;
    for (const custom of customHosts ?? []) {
      if (!custom || !isHelpdeskId(custom.helpdesk)) continue;
      let customOrigin: string;
      try {
        customOrigin = normalizeOrigin(custom.origin);
      } catch {
        continue; // a bad stored entry must not hide the others
      }
      // A custom host has no subdomain account; path-derived accounts still apply.
      if (customOrigin === origin) return context(DESCRIPTORS[custom.helpdesk], origin, u, '');
    }
    const cloud = cloudHost(u.hostname);
    if (cloud) {
      // Cloud helpdesks are https-only, on the default port.
      if (u.protocol !== 'https:' || u.port !== '') return null;
      return context(cloud.descriptor, origin, u, cloud.hostAccount);
    }
    if (u.hostname === 'localhost' || u.hostname === '127.0.0.1') {
      for (const d of LOOPBACK) {
        const found = context(d, origin, u, '');
        if (found) return found;
      }
    }
    return null;
  } catch {
    return null;
  }
}

const HOSTNAME = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$|^\[[0-9a-f:.]+\]$/;

function parseOrigin(origin: string): URL {
  if (typeof origin !== 'string') throw new Error('Origin must be a string.');
  let u: URL;
  try {
    u = new URL(origin.trim());
  } catch {
    throw new Error(`Not a valid origin: "${origin}". Expected something like https://support.example.com`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new Error(`Only http and https origins are supported, got "${u.protocol}" in "${origin}".`);
  }
  if (u.username || u.password || (u.pathname !== '/' && u.pathname !== '') || u.search || u.hash) {
    throw new Error(`Not a bare origin: "${origin}". Remove any path, query, fragment or credentials.`);
  }
  // URL accepts `*` in host names; an origin must not grant a wildcard permission.
  if (!HOSTNAME.test(u.hostname)) throw new Error(`Not a valid host name in origin "${origin}".`);
  return u;
}

/**
 * Canonical form of an origin typed by an admin: lower-case host, default port dropped, no
 * trailing slash (`HTTPS://Support.Acme.com:443/` → `https://support.acme.com`). Throws a clear
 * Error for non-http(s) or malformed origins.
 */
export function normalizeOrigin(origin: string): string {
  return parseOrigin(origin).origin;
}

/** Match pattern for one origin, e.g. 'https://support.acme.com/*' (port stripped as Chrome requires). */
export function originMatchPattern(origin: string): string {
  const u = parseOrigin(origin);
  return `${u.protocol}//${u.hostname}/*`;
}

/**
 * A stable key for a conversation across the store: `${helpdesk}:${origin}:${account}:${id}`,
 * e.g. `zendesk:https://acme.zendesk.com:acme:123` or `chatwoot:http://localhost:3000:1:42`.
 * The origin is canonicalised when it parses; account and id are URI-encoded, so neither holds
 * `:` and the last two fields are always account and id. `kind` is left out: it is fixed per
 * helpdesk. Changing this format orphans stored data: treat it as a storage schema.
 */
export function conversationKey(ctx: Pick<PageContext, 'helpdesk' | 'origin' | 'account' | 'conversationId'>): string {
  let origin = ctx.origin;
  try {
    origin = normalizeOrigin(origin);
  } catch {
    // keep as given: a key must still be produced for odd input
  }
  return `${ctx.helpdesk}:${origin}:${encodeURIComponent(ctx.account)}:${encodeURIComponent(ctx.conversationId)}`;
}

/** "Chatwoot conversation #3" for a conversation Backline knows. */
export function conversationName(c: Pick<PageContext, 'helpdesk' | 'kind' | 'conversationId'>): string {
  return `${HELPDESK_NAMES[c.helpdesk]} ${c.kind} #${c.conversationId}`;
}
