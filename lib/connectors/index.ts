/**
 * The connector registry: which connector serves a connection, which connection serves a
 * conversation, and a connection test for the options page.
 */
import type { ConnectionRecord, ConversationRecord } from '../model/records';
import { HELPDESK_NAMES } from '../helpdesks';
import { type HelpdeskId } from '../model/helpdesk';
import { ChatwootConnector } from './chatwoot';
import { ConnectorError, type Connector, type ConnectorOptions, type FetchLike } from './types';

export * from './types';
export { ChatwootConnector, noteMarker } from './chatwoot';

/** What a connector needs of a connection (a saved record or a form being tested). */
export type ConnectionConfig = Pick<ConnectionRecord, 'helpdesk' | 'baseUrl' | 'accountId' | 'token'>;

/** Helpdesks Backline can update through their API today. */
export const SUPPORTED_HELPDESKS: readonly HelpdeskId[] = ['chatwoot'];

export function isSupportedHelpdesk(helpdesk: HelpdeskId): boolean {
  return SUPPORTED_HELPDESKS.includes(helpdesk);
}

/**
 * The connector for a connection. Throws a permanent ConnectorError for a helpdesk Backline has
 * no connector for yet.
 */
export function connectorFor(conn: ConnectionConfig, fetchImpl?: FetchLike, options: Omit<ConnectorOptions, 'fetch'> = {}): Connector {
  switch (conn.helpdesk) {
    case 'chatwoot':
      return new ChatwootConnector({ baseUrl: conn.baseUrl, accountId: conn.accountId, token: conn.token }, { ...options, fetch: fetchImpl });
    default:
      throw new ConnectorError('invalid', `Backline cannot update ${HELPDESK_NAMES[conn.helpdesk] ?? conn.helpdesk} through its API yet.`);
  }
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
 * The connection that serves a conversation: same helpdesk, same origin (the helpdesk's web app
 * and its API share one), same account. When several match, the most recently saved wins.
 */
export function findConnection(
  conversation: Pick<ConversationRecord, 'helpdesk' | 'origin' | 'account'>,
  connections: readonly ConnectionRecord[],
): ConnectionRecord | null {
  const origin = originOf(conversation.origin);
  if (!origin) return null;
  const matches = connections.filter(
    (c) => c.helpdesk === conversation.helpdesk && originOf(c.baseUrl) === origin && String(c.accountId).trim() === conversation.account,
  );
  matches.sort((a, b) => b.updatedAt - a.updatedAt);
  return matches[0] ?? null;
}

export type ConnectionTestResult = { ok: true; detail: string } | { ok: false; error: string; code: string };

/**
 * Tries a connection's credentials against the helpdesk (for the options page's "Test" and
 * before saving). Never throws; the error is written for the admin to act on.
 */
export async function testConnection(conn: ConnectionConfig, fetchImpl?: FetchLike, options: Omit<ConnectorOptions, 'fetch'> = {}): Promise<ConnectionTestResult> {
  if (!originOf(conn.baseUrl)) {
    return { ok: false, code: 'invalid', error: `“${conn.baseUrl}” is not an http(s) address. Enter the address you open the helpdesk at, e.g. https://app.chatwoot.com.` };
  }
  if (!conn.token.trim()) return { ok: false, code: 'invalid', error: 'Enter an API access token.' };
  try {
    const detail = await connectorFor(conn, fetchImpl, options).verify();
    return { ok: true, detail };
  } catch (e) {
    if (e instanceof ConnectorError) return { ok: false, code: e.kind, error: e.message };
    return { ok: false, code: 'internal', error: `The connection test failed: ${e instanceof Error ? e.message : String(e)}` };
  }
}
