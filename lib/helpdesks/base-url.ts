/**
 * A connection's Base URL and the pages it serves: the URL rules, whether the manifest already
 * covers an origin (else a host permission and a registered content script are needed), and
 * which self-hosted origins the content script must recognise. Pure functions.
 */
import type { ConnectionRecord } from '../model/records';
import type { CustomHost, HelpdeskId } from '../model/helpdesk';
import { API_HOST_PATTERNS, DESCRIPTORS, HELPDESK_NAMES, HOST_MATCH_PATTERNS, originMatchPattern } from './index';

/** Storage key in `storage.local` read by the content script (token-free). */
export const CUSTOM_HOSTS_KEY = 'customHosts';

/**
 * Canonical base URL: an http(s) URL without credentials, query or fragment; the host in lower
 * case, the default port dropped and no trailing slash. A path prefix is kept for helpdesks
 * installed under one (https://example.com/chatwoot). Throws an Error a person can act on.
 */
export function normalizeBaseUrl(input: string): string {
  const raw = input.trim();
  if (!raw) throw new Error('Enter the helpdesk’s base URL, e.g. https://app.chatwoot.com.');
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new Error(`“${raw}” is not a web address. Enter it with https://, e.g. https://support.example.com.`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error(`The base URL must start with https:// (or http://), not ${u.protocol}//.`);
  if (u.username || u.password) throw new Error('Remove the user name and password from the base URL; the API access token is entered separately.');
  if (u.search || u.hash) throw new Error('Remove the part after “?” or “#” from the base URL.');
  if (u.hostname.includes('*')) throw new Error('The base URL cannot contain “*”.');
  const path = u.pathname.replace(/\/+$/, '');
  return `${u.origin}${path}`;
}

/** The origin of a base URL (https://support.acme.com for https://support.acme.com/chatwoot). */
export function baseUrlOrigin(baseUrl: string): string {
  return new URL(baseUrl).origin;
}

/** Whether a match pattern of the manifest covers an origin (port ignored when the pattern has none). */
function patternCovers(pattern: string, origin: URL): boolean {
  const m = /^(https?|\*):\/\/([^/]+)\//.exec(pattern);
  if (!m) return false;
  const [, scheme, host] = m as unknown as [string, string, string];
  if (scheme !== '*' && `${scheme}:` !== origin.protocol) return false;
  if (host === '*') return true;
  if (host.startsWith('*.')) {
    const suffix = host.slice(2);
    return origin.hostname === suffix || origin.hostname.endsWith(`.${suffix}`);
  }
  return origin.hostname === host;
}

/**
 * True when the content script already runs on this origin from the manifest (cloud helpdesks,
 * localhost), so no permission request and no registered script is needed.
 */
export function isBuiltInOrigin(origin: string): boolean {
  let u: URL;
  try {
    u = new URL(origin);
  } catch {
    return false;
  }
  return HOST_MATCH_PATTERNS.some((p) => patternCovers(p, u));
}

/**
 * True for a cloud helpdesk's public API address (Help Scout's https://api.helpscout.net, Front's
 * https://api2.frontapp.com…): the manifest grants it, and it is not a self-hosted helpdesk whose
 * pages the content script must learn.
 */
export function isCloudApiOrigin(origin: string): boolean {
  let u: URL;
  try {
    u = new URL(origin);
  } catch {
    return false;
  }
  return API_HOST_PATTERNS.some((p) => patternCovers(p, u));
}

/** The permission to ask for before saving a connection, or null when none is needed. */
export function permissionPatternFor(baseUrl: string): string | null {
  const origin = baseUrlOrigin(baseUrl);
  return isBuiltInOrigin(origin) || isCloudApiOrigin(origin) ? null : originMatchPattern(origin);
}

/** A default label: "Chatwoot · support.acme.com". */
export function defaultLabel(helpdesk: HelpdeskId, baseUrl: string): string {
  return `${HELPDESK_NAMES[helpdesk]} · ${new URL(baseUrl).host}`;
}

/**
 * Whether a connection's Base URL is where its helpdesk's agent pages are too. Not for the
 * helpdesks whose API has its own public address (Intercom's api.intercom.io, the descriptor's
 * `defaultBaseUrl`): their pages are on the cloud hosts, never on the API's origin, which needs
 * a host permission for the API calls but is no helpdesk page to recognise.
 */
export function servesPagesAtBaseUrl(helpdesk: HelpdeskId): boolean {
  return !DESCRIPTORS[helpdesk].connection.defaultBaseUrl;
}

/** A self-hosted helpdesk (or a custom domain): pages at a Base URL the manifest does not cover. */
export function isSelfHosted(c: Pick<ConnectionRecord, 'helpdesk' | 'baseUrl'>): boolean {
  const origin = baseUrlOrigin(c.baseUrl);
  return servesPagesAtBaseUrl(c.helpdesk) && !isBuiltInOrigin(origin) && !isCloudApiOrigin(origin);
}

/**
 * The self-hosted origins the content script must recognise, from all connections: one entry
 * per origin (the most recently saved connection decides its helpdesk), built-in origins left
 * out because the manifest already covers them and their adapters know their accounts.
 */
export function customHostsFor(connections: readonly ConnectionRecord[]): CustomHost[] {
  const byOrigin = new Map<string, ConnectionRecord>();
  for (const c of [...connections].sort((a, b) => a.updatedAt - b.updatedAt)) {
    let origin: string;
    try {
      origin = baseUrlOrigin(c.baseUrl);
    } catch {
      continue;
    }
    if (servesPagesAtBaseUrl(c.helpdesk) && !isBuiltInOrigin(origin) && !isCloudApiOrigin(origin)) byOrigin.set(origin, c);
  }
  return [...byOrigin.entries()]
    .map(([origin, c]) => ({ origin, helpdesk: c.helpdesk }))
    .sort((a, b) => a.origin.localeCompare(b.origin));
}

