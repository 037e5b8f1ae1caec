/**
 * Host adapters: which web helpdesk page the agent is on, from the URL alone.
 *
 * The content script imports this on every in-app navigation, so it must stay
 * tiny: no dependencies, no DOM, no `chrome.*`. Everything here is pure string
 * and `URL` work, and `parseHelpdeskUrl` never throws.
 */

export type HelpdeskId =
  | 'intercom'
  | 'zendesk'
  | 'freshdesk'
  | 'helpscout'
  | 'front'
  | 'zammad'
  | 'chatwoot'
  | 'freescout'
  | 'hubspot'
  | 'gorgias';

/** Product names as the vendors spell them, for UI text. */
export const HELPDESK_NAMES: Record<HelpdeskId, string> = {
  intercom: 'Intercom',
  zendesk: 'Zendesk',
  freshdesk: 'Freshdesk',
  helpscout: 'Help Scout',
  front: 'Front',
  zammad: 'Zammad',
  chatwoot: 'Chatwoot',
  freescout: 'FreeScout',
  hubspot: 'HubSpot',
  gorgias: 'Gorgias',
};

/** Every helpdesk id, in a stable order (for settings pickers). */
export const HELPDESK_IDS: readonly HelpdeskId[] = Object.keys(HELPDESK_NAMES) as HelpdeskId[];

/** Runtime guard for ids read back from storage or settings forms. */
export function isHelpdeskId(value: unknown): value is HelpdeskId {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(HELPDESK_NAMES, value);
}

export interface PageContext {
  helpdesk: HelpdeskId;
  /** Origin of the helpdesk web app, e.g. https://acme.zendesk.com */
  origin: string;
  /** Account, workspace, subdomain or portal; '' where the helpdesk has none in the URL. */
  account: string;
  /** Conversation or ticket id as the helpdesk shows it. */
  conversationId: string;
  kind: 'conversation' | 'ticket';
}

/** A self-hosted helpdesk origin added by an admin (e.g. https://support.acme.com → chatwoot). */
export interface CustomHost {
  origin: string;
  helpdesk: HelpdeskId;
}

// What each helpdesk calls the thing an agent works on. Fixed per helpdesk, which
// is also why conversationKey can leave `kind` out.
const KIND: Record<HelpdeskId, PageContext['kind']> = {
  intercom: 'conversation', // Intercom tickets live under conversation URLs too
  zendesk: 'ticket',
  freshdesk: 'ticket',
  helpscout: 'conversation',
  front: 'conversation',
  zammad: 'ticket',
  chatwoot: 'conversation',
  freescout: 'conversation',
  hubspot: 'ticket',
  gorgias: 'ticket',
};

// ---------------------------------------------------------------------------
// Cloud hosts. Exact host names, or one DNS label in front of a fixed suffix;
// both are compared against URL.hostname (already lower-cased and punycoded),
// so look-alikes such as app.intercom.com.evil.example or evilzendesk.com fail.
// ---------------------------------------------------------------------------

const INTERCOM_HOSTS = ['app.intercom.com', 'app.eu.intercom.com', 'app.au.intercom.com'];
// HubSpot serves each portal from its data-centre UI domain (portal info's uiDomain).
const HUBSPOT_HOSTS = [
  'app.hubspot.com',
  'app-eu1.hubspot.com',
  'app-na2.hubspot.com',
  'app-na3.hubspot.com',
  'app-ap1.hubspot.com',
];
const FIXED_HOSTS: ReadonlyArray<readonly [string, HelpdeskId]> = [
  ...INTERCOM_HOSTS.map((h) => [h, 'intercom'] as const),
  ['secure.helpscout.net', 'helpscout'],
  ['app.frontapp.com', 'front'],
  ['app.chatwoot.com', 'chatwoot'],
  ...HUBSPOT_HOSTS.map((h) => [h, 'hubspot'] as const),
];
/** Helpdesks whose account is the subdomain: `{account}.{suffix}`. */
const SUBDOMAIN_HOSTS: ReadonlyArray<readonly [string, HelpdeskId]> = [
  ['zendesk.com', 'zendesk'],
  ['freshdesk.com', 'freshdesk'],
  ['gorgias.com', 'gorgias'],
  ['zammad.com', 'zammad'], // Zammad's hosted offering
];
const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
// Marketing sites share the suffix but are never an account.
const NOT_AN_ACCOUNT = new Set(['www']);

/**
 * Match patterns (Chrome match-pattern syntax) of the cloud helpdesks plus
 * http://localhost/* and http://127.0.0.1/* — used in the manifest for
 * content_scripts matches and web_accessible_resources matches.
 *
 * Whole hosts (`/*`), not ticket paths: the helpdesks are single-page apps, so the
 * script has to be present before the agent navigates into a ticket.
 */
export const HOST_MATCH_PATTERNS: readonly string[] = Object.freeze([
  ...FIXED_HOSTS.map(([host]) => `https://${host}/*`),
  ...SUBDOMAIN_HOSTS.map(([suffix]) => `https://*.${suffix}/*`),
  // Chrome ignores the port when the pattern names none, so these cover every local port.
  'http://localhost/*',
  'http://127.0.0.1/*',
]);

interface CloudMatch {
  helpdesk: HelpdeskId;
  /** Account taken from the host ('' when the host carries none). */
  hostAccount: string;
}

function cloudHost(hostname: string): CloudMatch | null {
  for (const [host, helpdesk] of FIXED_HOSTS) {
    if (hostname === host) return { helpdesk, hostAccount: '' };
  }
  for (const [suffix, helpdesk] of SUBDOMAIN_HOSTS) {
    if (!hostname.endsWith(`.${suffix}`)) continue;
    const label = hostname.slice(0, -suffix.length - 1);
    if (DNS_LABEL.test(label) && !NOT_AN_ACCOUNT.has(label)) return { helpdesk, hostAccount: label };
  }
  return null;
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '127.0.0.1';
}

// ---------------------------------------------------------------------------
// Path adapters: URL → account + id, or null. They look only at pathname (and,
// for Zammad, the hash), never the query, so `?folder_id=` and friends are
// ignored. Numeric ids must be canonical (no leading zero) so that one ticket
// can never produce two keys.
// ---------------------------------------------------------------------------

interface Found {
  account: string;
  conversationId: string;
}
type Adapter = (url: URL, hostAccount: string) => Found | null;

// Regex groups are typed `string | undefined` under noUncheckedIndexedAccess.
function found(account: string | undefined, conversationId: string | undefined): Found | null {
  return account === undefined || !conversationId ? null : { account, conversationId };
}

const ID = '([1-9][0-9]{0,19})';
const REST = '(?:/.*)?$'; // sub-views of the same ticket (e.g. Zendesk /events)

const INTERCOM_PATHS = [
  // /a/inbox/{ws}/inbox/[shared/all|admin/42|view/7|…]/conversation/{id}
  new RegExp(`^/a/inbox/([a-z0-9]+)/inbox/(?:[^/]+/){0,4}conversation/${ID}/?$`),
  // Older: /a/apps/{ws}/inbox/inbox/all/conversations/{id}, /a/apps/{ws}/conversations/{id}
  new RegExp(`^/a/apps/([a-z0-9]+)/(?:inbox/(?:[^/]+/){0,4})?conversations?/${ID}/?$`),
];
const intercom: Adapter = (url) => {
  for (const re of INTERCOM_PATHS) {
    const m = re.exec(url.pathname);
    // The workspace `_` placeholder only redirects to the real one; [a-z0-9]+ rejects it.
    if (m) return found(m[1], m[2]);
  }
  return null;
};

/** For helpdesks whose path holds only the id; the account comes from the host. */
function idOnly(re: RegExp): Adapter {
  return (url, hostAccount) => {
    const m = re.exec(url.pathname);
    return m ? found(hostAccount, m[1]) : null;
  };
}

// /agent/tickets/{id}; `new`, filters and the Help Center (/hc/…) are not tickets.
const zendesk = idOnly(new RegExp(`^/agent/tickets/${ID}${REST}`));
// /a/tickets/{id}; /a/tickets/filters/… is a list.
const freshdesk = idOnly(new RegExp(`^/a/tickets/${ID}${REST}`));
// /conversation/{id}/{number}/…: the first number is the conversation id and is
// always present; the second (the #number agents see) is sometimes left out, so
// keying on it would split one conversation in two.
const helpscout = idOnly(new RegExp(`^/conversation/${ID}${REST}`));
// /help-desk/{portal}/view/{view}/ticket/{id}, /help-desk/{portal}/view/search/ticket/{id}/
const HUBSPOT_PATH = new RegExp(`^/help-desk/([1-9][0-9]*)/(?:[^/]+/){0,4}?ticket/${ID}${REST}`);
const hubspot: Adapter = (url) => {
  const m = HUBSPOT_PATH.exec(url.pathname);
  return m ? found(m[1], m[2]) : null;
};
// /app/ticket/{id} and /app/views/{view}/{id} (a ticket opened inside a view).
const gorgias = idOnly(new RegExp(`^/app/(?:ticket|views/[0-9]+)/${ID}${REST}`));
// FreeScout: /conversation/{id}, optionally ?folder_id=… (query ignored).
const freescout = idOnly(new RegExp(`^/conversation/${ID}/?$`));

// Chatwoot routes (dashboard conversation.routes.js): the conversation may be
// opened from the main list or through an inbox, label, team, custom view,
// mentions, unattended or participating list. `/app/accounts/{A}/inbox-view/{n}`
// carries a notification id, not a conversation id, so it is left out.
const CHATWOOT_PATH = new RegExp(
  `^/app/accounts/([1-9][0-9]*)/(?:(?:inbox|label|team|custom_view)/[^/]+/|(?:mentions|unattended|participating)/)?conversations/${ID}/?$`,
);
const chatwoot: Adapter = (url) => {
  const m = CHATWOOT_PATH.exec(url.pathname);
  return m ? found(m[1], m[2]) : null;
};

// Zammad's classic UI routes in the fragment (#ticket/zoom/{id}[/{article}]); the
// new desktop and mobile views use real paths. Ids are Zammad's internal ids.
const ZAMMAD_HASH = new RegExp(`^#ticket/zoom/${ID}(?:/[0-9]+)?/?$`);
const ZAMMAD_PATH = new RegExp(`^/(?:desktop|mobile)/tickets/${ID}${REST}`);
const zammad: Adapter = (url, hostAccount) => {
  const m = (url.pathname === '/' ? ZAMMAD_HASH.exec(url.hash) : null) ?? ZAMMAD_PATH.exec(url.pathname);
  return m ? found(hostAccount, m[1]) : null;
};

// Front. The API id is `cnv_` + base-36; in-app routes carry either that id or the
// same number in base 10 as the last segment (…/open/7762260226). Both are
// normalised to `cnv_…` so every route to one conversation gives one key.
const FRONT_ROOTS = new Set(['open', 'inboxes', 'conversations']);
// Segments that are followed by a container id (inbox, folder, view, teammate…),
// not by a conversation; a number after them must not be read as a conversation.
const FRONT_CONTAINERS = new Set([
  'inboxes', 'inbox', 'teams', 'teammates', 'shared', 'folders', 'views', 'tags',
  'channels', 'search', 'workspace', 'contacts', 'companies', 'settings',
]);
const FRONT_CNV = /^cnv_[0-9a-z]+$/;
const front: Adapter = (url) => {
  const segs = url.pathname.split('/').filter(Boolean);
  const root = segs[0] ?? '';
  if (segs.length < 2 || !FRONT_ROOTS.has(root)) return null;
  if (root === 'open') {
    // Permalink: /open/cnv_…  (/open/msg_… is a message, not a conversation)
    const id = segs[1] ?? '';
    return segs.length === 2 && FRONT_CNV.test(id) ? found('', id) : null;
  }
  const cnv = segs.slice(1).reverse().find((s) => FRONT_CNV.test(s));
  if (cnv) return found('', cnv);
  const last = segs[segs.length - 1] ?? '';
  const before = segs[segs.length - 2] ?? '';
  // `…/open/0` is a list with nothing selected.
  if (segs.length >= 4 && /^[1-9][0-9]*$/.test(last) && /^[a-z_-]+$/.test(before) && !FRONT_CONTAINERS.has(before)) {
    const n = Number(last);
    if (Number.isSafeInteger(n)) return found('', `cnv_${n.toString(36)}`);
  }
  return null;
};

const ADAPTERS: Record<HelpdeskId, Adapter> = {
  intercom, zendesk, freshdesk, helpscout, front, zammad, chatwoot, freescout, hubspot, gorgias,
};

/** Self-hostable helpdesks with path-shaped routes, tried in this order on localhost. */
const LOOPBACK_ORDER: readonly HelpdeskId[] = ['chatwoot', 'zammad', 'freescout'];

// ---------------------------------------------------------------------------
// Origins
// ---------------------------------------------------------------------------

const HOSTNAME =
  /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$|^\[[0-9a-f:.]+\]$/;

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
 * Canonical form of an origin typed by an admin: lower-case host, default port
 * dropped, no trailing slash (`HTTPS://Support.Acme.com:443/` → `https://support.acme.com`).
 * Throws a clear Error for non-http(s) or malformed origins.
 */
export function normalizeOrigin(origin: string): string {
  return parseOrigin(origin).origin;
}

/**
 * Match pattern for one origin, e.g. 'https://support.acme.com/*' (port stripped
 * as Chrome requires). Throws a clear Error for non-http(s) or malformed origins.
 */
export function originMatchPattern(origin: string): string {
  const u = parseOrigin(origin);
  return `${u.protocol}//${u.hostname}/*`;
}

// ---------------------------------------------------------------------------
// Entry points
// ---------------------------------------------------------------------------

function build(helpdesk: HelpdeskId, origin: string, found: Found | null): PageContext | null {
  return found ? { helpdesk, origin, account: found.account, conversationId: found.conversationId, kind: KIND[helpdesk] } : null;
}

/**
 * Which helpdesk conversation or ticket a URL shows, or null for anything else
 * (lists, settings, other sites, malformed input). Never throws.
 *
 * Resolution order: an admin's custom host (exact origin, port included) wins,
 * so it can also pin what a localhost port runs; then the https-only cloud
 * hosts; then http(s)://localhost and 127.0.0.1, where Chatwoot, Zammad and
 * FreeScout routes are tried in that order.
 */
export function parseHelpdeskUrl(url: string, customHosts?: readonly CustomHost[]): PageContext | null {
  try {
    if (typeof url !== 'string') return null;
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
    const origin = u.origin;

    if (customHosts) {
      for (const custom of customHosts) {
        if (!custom || !isHelpdeskId(custom.helpdesk)) continue;
        let customOrigin: string;
        try {
          customOrigin = normalizeOrigin(custom.origin);
        } catch {
          continue; // a bad stored entry must not hide the others
        }
        // A custom host has no subdomain account; path-derived accounts still apply.
        if (customOrigin === origin) return build(custom.helpdesk, origin, ADAPTERS[custom.helpdesk](u, ''));
      }
    }

    const cloud = cloudHost(u.hostname);
    if (cloud) {
      // Cloud helpdesks are https-only, on the default port.
      if (u.protocol !== 'https:' || u.port !== '') return null;
      return build(cloud.helpdesk, origin, ADAPTERS[cloud.helpdesk](u, cloud.hostAccount));
    }

    if (isLoopback(u.hostname)) {
      for (const helpdesk of LOOPBACK_ORDER) {
        const ctx = build(helpdesk, origin, ADAPTERS[helpdesk](u, ''));
        if (ctx) return ctx;
      }
    }
    return null;
  } catch {
    return null;
  }
}

/**
 * A stable key for a conversation across the store:
 * `${helpdesk}:${origin}:${account}:${conversationId}`, e.g.
 * `zendesk:https://acme.zendesk.com:acme:123` or
 * `chatwoot:http://localhost:3000:1:42`.
 *
 * - The origin is canonicalised (lower-case, default port dropped) when it parses,
 *   so hand-built contexts key the same as parsed ones.
 * - account and conversationId are URI-encoded, so neither can contain `:`; the
 *   last two `:`-separated fields are always account and id, and the origin (which
 *   may itself contain `:port`) is everything between the first `:` and those.
 * - `kind` is left out because it is fixed per helpdesk.
 * Changing this format orphans stored data: treat it as a storage schema.
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
