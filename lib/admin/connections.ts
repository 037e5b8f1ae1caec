/**
 * Helpdesk connections as the options page sees them: base URL rules, token masking, and which
 * self-hosted origins the content script must be registered on. Pure functions, plus one sync
 * routine that takes the browser APIs as parameters so that it is testable without a browser.
 */
import type { ConnectionRecord } from '../model/records';
import { HOST_MATCH_PATTERNS, HELPDESK_NAMES, originMatchPattern } from '../helpdesks';
import { type CustomHost, type HelpdeskId } from '../model/helpdesk';

/** What pages get instead of a ConnectionRecord: never the token, only its last characters. */
export interface ConnectionView {
  id: string;
  helpdesk: HelpdeskId;
  baseUrl: string;
  accountId: string;
  label: string;
  /** e.g. "••••abcd"; enough to tell tokens apart, useless to an attacker. */
  tokenHint: string;
  /** The helpdesk's origin is not one Backline knows: it needs a host permission and a registered content script. */
  selfHosted: boolean;
  createdAt: number;
  updatedAt: number;
}

/** Storage key in `storage.local` read by the content script (token-free). */
export const CUSTOM_HOSTS_KEY = 'customHosts';
/** Ids of content scripts registered for self-hosted origins start with this. */
export const CUSTOM_SCRIPT_PREFIX = 'backline-host:';

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

/** The permission to ask for before saving a connection, or null when none is needed. */
export function permissionPatternFor(baseUrl: string): string | null {
  const origin = baseUrlOrigin(baseUrl);
  return isBuiltInOrigin(origin) ? null : originMatchPattern(origin);
}

/** "••••abcd": the last four characters of a token, only when the token is long enough to hide the rest. */
export function maskToken(token: string): string {
  return token.length >= 12 ? `••••${token.slice(-4)}` : '••••';
}

export function toConnectionView(c: ConnectionRecord): ConnectionView {
  return {
    id: c.id,
    helpdesk: c.helpdesk,
    baseUrl: c.baseUrl,
    accountId: c.accountId,
    label: c.label,
    tokenHint: maskToken(c.token),
    selfHosted: !isBuiltInOrigin(baseUrlOrigin(c.baseUrl)),
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}

/** A default label: "Chatwoot · support.acme.com". */
export function defaultLabel(helpdesk: HelpdeskId, baseUrl: string): string {
  return `${HELPDESK_NAMES[helpdesk]} · ${new URL(baseUrl).host}`;
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
    if (!isBuiltInOrigin(origin)) byOrigin.set(origin, c);
  }
  return [...byOrigin.entries()]
    .map(([origin, c]) => ({ origin, helpdesk: c.helpdesk }))
    .sort((a, b) => a.origin.localeCompare(b.origin));
}

/** The browser APIs the sync needs (browser.scripting, browser.permissions, browser.storage.local). */
export interface HostSyncApi {
  getRegistered(): Promise<{ id: string; matches?: string[] }[]>;
  register(scripts: { id: string; matches: string[] }[]): Promise<void>;
  unregister(ids: string[]): Promise<void>;
  hasPermission(pattern: string): Promise<boolean>;
  saveCustomHosts(hosts: CustomHost[]): Promise<void>;
}

export interface HostSyncResult {
  /** Origins whose content script is registered after the sync (it runs only where access is granted). */
  registered: string[];
  /** Origins Backline has no permission for: their pages are not recognised until it is granted. */
  missingPermission: string[];
}

/**
 * Makes the registered content scripts and the stored custom-host list match `hosts`:
 * unregisters scripts of removed origins, registers new ones and writes the token-free list
 * the content script reads. A script is registered even where the host permission is missing
 * (the browser runs it only once access is granted, e.g. from its toolbar menu); those origins
 * are reported. Safe to run again at any time (start-up, after every save).
 */
export async function syncCustomHosts(hosts: readonly CustomHost[], api: HostSyncApi): Promise<HostSyncResult> {
  const wanted = new Map<string, string>();
  const missingPermission: string[] = [];
  for (const h of hosts) {
    const pattern = originMatchPattern(h.origin);
    wanted.set(CUSTOM_SCRIPT_PREFIX + h.origin, pattern);
    if (!(await api.hasPermission(pattern))) missingPermission.push(h.origin);
  }
  const ours = (await api.getRegistered()).filter((s) => s.id.startsWith(CUSTOM_SCRIPT_PREFIX));
  const stale = ours.filter((s) => wanted.get(s.id) !== s.matches?.[0] || (s.matches?.length ?? 0) !== 1).map((s) => s.id);
  if (stale.length) await api.unregister(stale);
  const kept = new Set(ours.map((s) => s.id).filter((id) => !stale.includes(id)));
  const add = [...wanted.entries()].filter(([id]) => !kept.has(id)).map(([id, pattern]) => ({ id, matches: [pattern] }));
  if (add.length) await api.register(add);
  await api.saveCustomHosts(hosts.map((h) => ({ origin: h.origin, helpdesk: h.helpdesk })));
  return { registered: [...wanted.keys()].map((id) => id.slice(CUSTOM_SCRIPT_PREFIX.length)), missingPermission };
}
