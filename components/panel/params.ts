import { isHelpdeskId, type PageContext } from '@/lib/model/helpdesk';
import { parseHelpdeskUrl } from '@/lib/helpdesks';

/**
 * Reads the conversation a panel opened in a normal tab or the side panel should show:
 * `?url=<conversation page URL>`, or `?helpdesk=chatwoot&host=<origin>&account=1&conversation=3`.
 */
export function contextFromParams(search: string): PageContext | null {
  const params = new URLSearchParams(search);
  const url = params.get('url');
  if (url) return parseHelpdeskUrl(url);
  const conversationId = params.get('conversation');
  const host = params.get('host');
  if (!conversationId || !host) return null;
  let origin: string;
  try {
    origin = new URL(host.includes('://') ? host : `https://${host}`).origin;
  } catch {
    return null;
  }
  const helpdesk = params.get('helpdesk') ?? 'chatwoot';
  const kind = params.get('kind') ?? 'conversation';
  // Parameters are untrusted input: an unknown helpdesk or kind selects nothing.
  if (!isHelpdeskId(helpdesk) || (kind !== 'conversation' && kind !== 'ticket')) return null;
  return { helpdesk, origin, account: params.get('account') ?? '', conversationId, kind };
}
