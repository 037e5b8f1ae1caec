/**
 * The connector registry: which connector serves a connection (one entry per helpdesk id, so the
 * compiler asks for a decision for every helpdesk the registry knows), which connection serves a
 * conversation, and the connection test the options page runs.
 */
import { DESCRIPTORS, HELPDESK_NAMES } from '../helpdesks';
import type { HelpdeskId } from '../model/helpdesk';
import type { ConnectionRecord, ConversationRecord } from '../model/records';
import { ChatwootConnector } from './chatwoot';
import { FrontConnector } from './front';
import { HelpScoutConnector } from './helpscout';
import { FreshdeskConnector } from './freshdesk';
import { IntercomConnector } from './intercom';
import { ZendeskConnector } from './zendesk';
import { FreeScoutConnector } from './freescout';
import { GorgiasConnector } from './gorgias';
import { HubSpotConnector } from './hubspot';
import { ZammadConnector } from './zammad';
import { ConnectorError, type Connector, type ConnectorOptions, type FetchLike } from './types';

export * from './types';
export { ChatwootConnector, noteMarker } from './chatwoot';
export { FreshdeskConnector } from './freshdesk';
export { IntercomConnector } from './intercom';
export { ZendeskConnector } from './zendesk';
export { FreeScoutConnector } from './freescout';
export { GorgiasConnector, resetGorgiasPacing } from './gorgias';
export { HubSpotConnector } from './hubspot';
export { ZammadConnector } from './zammad';

/** What a connector needs of a connection (a saved record or a form being tested). */
export type ConnectionConfig = Pick<ConnectionRecord, 'helpdesk' | 'baseUrl' | 'account' | 'credentials'>;

type ConnectorFactory = (conn: ConnectionConfig, options: ConnectorOptions) => Connector;

/** Every helpdesk's connector: one entry per helpdesk id, so a new helpdesk without one does not compile. */
const CONNECTORS: { readonly [K in HelpdeskId]: ConnectorFactory } = {
  chatwoot: (c, options) => new ChatwootConnector({ baseUrl: c.baseUrl, accountId: c.account, token: c.credentials.token ?? '' }, options),
  intercom: (c, options) => new IntercomConnector({ baseUrl: c.baseUrl, token: c.credentials.token ?? '' }, options),
  zendesk: (c, options) => new ZendeskConnector({ baseUrl: c.baseUrl, email: c.credentials.email ?? '', token: c.credentials.token ?? '' }, options),
  freshdesk: (c, options) => new FreshdeskConnector({ baseUrl: c.baseUrl, apiKey: c.credentials.apiKey ?? '' }, options),
  helpscout: (c, options) => new HelpScoutConnector({ baseUrl: c.baseUrl, appId: c.credentials.appId ?? '', appSecret: c.credentials.appSecret ?? '' }, options),
  front: (c, options) => new FrontConnector({ baseUrl: c.baseUrl, token: c.credentials.token ?? '' }, options),
  zammad: (c, options) => new ZammadConnector({ baseUrl: c.baseUrl, token: c.credentials.token ?? '' }, options),
  freescout: (c, options) => new FreeScoutConnector({ baseUrl: c.baseUrl, apiKey: c.credentials.apiKey ?? '' }, options),
  hubspot: (c, options) => new HubSpotConnector({ baseUrl: c.baseUrl, token: c.credentials.token ?? '' }, options),
  gorgias: (c, options) => new GorgiasConnector({ baseUrl: c.baseUrl, email: c.credentials.email ?? '', apiKey: c.credentials.apiKey ?? '' }, options),
};

/** The connector for a connection. */
export function connectorFor(conn: ConnectionConfig, fetchImpl?: FetchLike, options: Omit<ConnectorOptions, 'fetch'> = {}): Connector {
  return CONNECTORS[conn.helpdesk](conn, { ...options, fetch: fetchImpl });
}

function originOf(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : null;
  } catch {
    return null;
  }
}

/**
 * Whether a connection serves a conversation: same helpdesk and account, and the page on the
 * connection's own origin (self-hosted, custom domains), or, where the helpdesk's API lives
 * elsewhere than its agent pages (its descriptor prefills a Base URL), on the helpdesk's cloud
 * hosts.
 */
export function serves(c: Pick<ConnectionRecord, 'helpdesk' | 'baseUrl' | 'account'>, conversation: Pick<ConversationRecord, 'helpdesk' | 'origin' | 'account'>): boolean {
  // A record stored without an account (older Backline dropped '') has the empty account.
  if (c.helpdesk !== conversation.helpdesk || c.account.trim() !== (conversation.account ?? '')) return false;
  const origin = originOf(conversation.origin);
  if (!origin) return false;
  if (originOf(c.baseUrl) === origin) return true;
  const d = DESCRIPTORS[c.helpdesk];
  return !!d.connection.defaultBaseUrl && (d.hosts ?? []).some((h) => origin === `https://${h}`);
}

/** The connection that serves a conversation; when several do, the most recently saved. */
export function findConnection(
  conversation: Pick<ConversationRecord, 'helpdesk' | 'origin' | 'account'>,
  connections: readonly ConnectionRecord[],
): ConnectionRecord | null {
  const matches = connections.filter((c) => serves(c, conversation));
  matches.sort((a, b) => b.updatedAt - a.updatedAt);
  return matches[0] ?? null;
}

export type ConnectionTestResult = { ok: true; detail: string; account?: string } | { ok: false; error: string; code: string };

/**
 * The account a connection belongs to where the helpdesk's API names it (descriptor
 * `account: { from: 'api' }`, e.g. Intercom's workspace from `GET /me`); null for helpdesks
 * whose account comes from the form or the Base URL. Throws a ConnectorError when the API
 * cannot say.
 */
export async function accountFromApi(conn: ConnectionConfig, fetchImpl?: FetchLike, options: Omit<ConnectorOptions, 'fetch'> = {}): Promise<string | null> {
  if (DESCRIPTORS[conn.helpdesk].connection.account.from !== 'api') return null;
  const connector = connectorFor(conn, fetchImpl, options);
  if (!connector.apiAccount) throw new ConnectorError('invalid', `Backline cannot tell which ${HELPDESK_NAMES[conn.helpdesk]} account these credentials belong to yet.`);
  return connector.apiAccount();
}

/**
 * Tries a connection's credentials against the helpdesk (for the options page's "Check
 * connection"). Never throws; the error is written for the admin to act on.
 */
export async function testConnection(conn: ConnectionConfig, fetchImpl?: FetchLike, options: Omit<ConnectorOptions, 'fetch'> = {}): Promise<ConnectionTestResult> {
  if (!originOf(conn.baseUrl)) {
    return { ok: false, code: 'invalid', error: `“${conn.baseUrl}” is not an http(s) address. ${DESCRIPTORS[conn.helpdesk].connection.baseUrlHint}` };
  }
  const missing = DESCRIPTORS[conn.helpdesk].connection.credentials.find((f) => !(conn.credentials[f.key] ?? '').trim());
  if (missing) return { ok: false, code: 'invalid', error: `Enter the ${missing.label}.` };
  try {
    const connector = connectorFor(conn, fetchImpl, options);
    const detail = await connector.verify();
    // Where the API names the account, the check says which one the connection will serve.
    const account = DESCRIPTORS[conn.helpdesk].connection.account.from === 'api' && connector.apiAccount ? await connector.apiAccount() : undefined;
    return account === undefined ? { ok: true, detail } : { ok: true, detail, account };
  } catch (e) {
    if (e instanceof ConnectorError) return { ok: false, code: e.kind, error: e.message };
    return { ok: false, code: 'internal', error: `The connection test failed: ${e instanceof Error ? e.message : String(e)}` };
  }
}
