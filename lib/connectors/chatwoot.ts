/**
 * Chatwoot connector: Chatwoot's documented Application API
 * (test/contracts/specs/chatwoot.application_swagger.json), for Chatwoot Cloud and self-hosted
 * installs alike, given a base URL, an account ID and a user's API access token.
 *
 * - Internal notes are messages with `private: true` (message_type `outgoing`): never visible
 *   to the customer.
 * - Reopen and unsnooze are both `toggle_status` with `status: "open"`.
 * - Auth is the `api_access_token` header; cookies are never sent, so the agent's own browser
 *   session plays no part and the token cannot be swapped for it.
 */
import type { ConversationStatus } from '../model/helpdesk';
import type { PreviewMessage } from '../model/views';
import { HttpClient, type Method } from './http';
import { ConnectorError, type CallOptions, type Connector, type ConnectorOptions, type ConversationSnapshot, type StatusSnapshot } from './types';

export interface ChatwootConfig {
  /** e.g. https://app.chatwoot.com or https://support.acme.com (a path prefix is allowed). */
  baseUrl: string;
  accountId: string;
  token: string;
}

/** Chatwoot's message_type integers (Message model enum). */
const INCOMING = 0;
const OUTGOING = 1;
const ACTIVITY = 2;

/** Chatwoot answers 20 messages per page; the finder pages backwards with `before`. */
const MAX_FIND_PAGES = 25;
/** Clock skew between this browser and the helpdesk that a note search tolerates. */
const FIND_SKEW_MS = 10 * 60 * 1000;

const STATUSES: Record<string, ConversationStatus> = {
  open: 'open',
  resolved: 'resolved',
  pending: 'pending',
  snoozed: 'snoozed',
};

/** The text appended to a note so that a later attempt can find it again. */
export function noteMarker(idempotencyKey: string): string {
  return `(Backline ref ${idempotencyKey})`;
}

const MARKER_AT_END = /\s*\(Backline ref [0-9a-zA-Z_-]+\)\s*$/;

interface CwMessage {
  id: number | string;
  content?: string | null;
  message_type?: number | string;
  private?: boolean;
  created_at?: number | string;
  attachments?: unknown[];
  sender?: { name?: string; available_name?: string; type?: string } | null;
}

interface CwConversation {
  id: number;
  status?: string;
  snoozed_until?: number | string | null;
  additional_attributes?: Record<string, unknown>;
  meta?: { sender?: { name?: string; email?: string | null; additional_attributes?: Record<string, unknown> } | null };
  messages?: CwMessage[];
}

const isId = (s: string) => /^[1-9][0-9]{0,18}$/.test(s);

export class ChatwootConnector implements Connector {
  readonly helpdesk = 'chatwoot' as const;
  private readonly http: HttpClient;

  constructor(
    private readonly config: ChatwootConfig,
    options: ConnectorOptions = {},
  ) {
    this.http = new HttpClient({
      ...options,
      name: 'Chatwoot',
      root: config.baseUrl,
      // The `api_access_token` header is Chatwoot's API auth; no cookie plays a part.
      auth: () => ({ api_access_token: config.token }),
      credentialHint: "Check the connection's API access token on the options page.",
      baseUrlHint: 'it should be the address you open Chatwoot at',
      retryAfterHeaders: ['ratelimit-reset'],
      explain: (status, what) => {
        if (status === 401) {
          return { kind: 'unauthorized', message: "Chatwoot refused the access token (401). Check the connection's API access token on the options page." };
        }
        if (status === 403) {
          return {
            kind: 'unauthorized',
            message: `Chatwoot did not allow this token to access ${what} (403). Check that the token's user is an agent of account ${config.accountId} with access to that inbox.`,
          };
        }
        if (status === 404) {
          return {
            kind: 'not_found',
            message: what.startsWith('account')
              ? `Chatwoot at ${this.root} has no ${what} (404). Check the connection's account ID and base URL.`
              : `Chatwoot has no ${what} in account ${config.accountId} at ${this.root} (404). It may have been deleted, or the connection points at the wrong account.`,
          };
        }
        return undefined;
      },
    });
  }

  private get root(): string {
    return this.http.root;
  }

  private get account(): string {
    if (!isId(this.config.accountId)) {
      throw new ConnectorError('invalid', `The Chatwoot account ID “${this.config.accountId}” is not a number. Fix the connection on the options page.`);
    }
    return this.config.accountId;
  }

  private conversationPath(conversationId: string): string {
    if (!isId(conversationId)) throw new ConnectorError('invalid', `“${conversationId}” is not a Chatwoot conversation number.`);
    return `/api/v1/accounts/${this.account}/conversations/${conversationId}`;
  }

  async readConversation(conversationId: string, opts: CallOptions & { limit?: number } = {}): Promise<ConversationSnapshot> {
    const path = this.conversationPath(conversationId);
    const what = `conversation ${conversationId}`;
    const conv = await this.call<CwConversation>('GET', path, { ...opts, what });
    const limit = opts.limit ?? 50;
    // The show endpoint carries only the latest message(s) on a real Chatwoot; the messages
    // endpoint pages backwards 20 at a time.
    const messages: CwMessage[] = [];
    let before: string | null = null;
    while (messages.length < limit) {
      const page = await this.messagesPage(conversationId, before, opts);
      if (!page.length) break;
      messages.unshift(...page);
      const oldest = page[0]!;
      before = String(oldest.id);
      if (page.length < 20) break;
    }
    const sender = conv.meta?.sender ?? null;
    const attrs = conv.additional_attributes ?? {};
    return {
      ...statusOf(conv),
      customerName: str(sender?.name),
      customerEmail: str(sender?.email),
      company: str(sender?.additional_attributes?.company_name),
      title: str(attrs.mail_subject),
      messages: dedupe(messages)
        .slice(-limit)
        .map((m) => toPreview(m, str(sender?.name))),
    };
  }

  async readStatus(conversationId: string, opts: CallOptions = {}): Promise<StatusSnapshot> {
    const conv = await this.call<CwConversation>('GET', this.conversationPath(conversationId), { ...opts, what: `conversation ${conversationId}` });
    return statusOf(conv);
  }

  async postInternalNote(conversationId: string, text: string, opts: CallOptions & { idempotencyKey: string }): Promise<{ messageId: string }> {
    const content = `${text}\n\n${noteMarker(opts.idempotencyKey)}`;
    const body = { content, message_type: 'outgoing', private: true, content_type: 'text' };
    const m = await this.call<CwMessage>('POST', `${this.conversationPath(conversationId)}/messages`, {
      ...opts,
      body,
      what: `conversation ${conversationId}`,
    });
    return { messageId: String(m.id ?? '') };
  }

  async findNote(conversationId: string, idempotencyKey: string, opts: CallOptions & { since: number }): Promise<{ messageId: string } | null> {
    const marker = noteMarker(idempotencyKey);
    let before: string | null = null;
    for (let i = 0; i < MAX_FIND_PAGES; i++) {
      const page = await this.messagesPage(conversationId, before, opts);
      if (!page.length) return null;
      const hit = page.find((m) => m.private === true && typeof m.content === 'string' && m.content.includes(marker));
      if (hit) return { messageId: String(hit.id) };
      const oldest = page[0]!;
      // Older messages than the first attempt cannot be that attempt's note.
      if (toMs(oldest.created_at) < opts.since - FIND_SKEW_MS) return null;
      before = String(oldest.id);
    }
    return null;
  }

  async reopen(conversationId: string, opts: CallOptions = {}): Promise<StatusSnapshot> {
    const r = await this.call<{ payload?: { current_status?: string; snoozed_until?: number | null } }>(
      'POST',
      `${this.conversationPath(conversationId)}/toggle_status`,
      { ...opts, body: { status: 'open' }, what: `conversation ${conversationId}` },
    );
    return {
      status: STATUSES[r.payload?.current_status ?? ''] ?? 'unknown',
      snoozedUntil: r.payload?.snoozed_until ? toMs(r.payload.snoozed_until) : null,
    };
  }

  /** toggle_status with the status (and snoozed_until, unix seconds) the conversation had. */
  async restoreStatus(conversationId: string, to: StatusSnapshot, opts: CallOptions = {}): Promise<StatusSnapshot> {
    // Chatwoot has no 'closed'; its resolved is the same thing.
    const status = to.status === 'closed' ? 'resolved' : to.status;
    if (status === 'unknown') throw new ConnectorError('invalid', 'Backline does not know which status this conversation had, so it was left as it is.');
    const body: { status: string; snoozed_until?: number } = { status };
    if (status === 'snoozed' && to.snoozedUntil !== null) body.snoozed_until = Math.round(to.snoozedUntil / 1000);
    const r = await this.call<{ payload?: { current_status?: string; snoozed_until?: number | null } }>(
      'POST',
      `${this.conversationPath(conversationId)}/toggle_status`,
      { ...opts, body, what: `conversation ${conversationId}` },
    );
    return {
      status: STATUSES[r.payload?.current_status ?? ''] ?? 'unknown',
      snoozedUntil: r.payload?.snoozed_until ? toMs(r.payload.snoozed_until) : null,
    };
  }

  unsnooze(conversationId: string, opts: CallOptions = {}): Promise<StatusSnapshot> {
    // Chatwoot has no separate unsnooze: opening a snoozed conversation clears snoozed_until.
    return this.reopen(conversationId, opts);
  }

  async verify(opts: CallOptions = {}): Promise<string> {
    const account = this.account;
    const profile = await this.call<{ name?: string; available_name?: string; accounts?: { id?: number; name?: string }[] }>(
      'GET',
      '/api/v1/profile',
      { ...opts, what: 'the profile of the token' },
    );
    const member = Array.isArray(profile.accounts) ? profile.accounts.find((a) => String(a.id) === account) : undefined;
    if (Array.isArray(profile.accounts) && !member) {
      throw new ConnectorError(
        'not_found',
        `The access token works, but its user is not a member of Chatwoot account ${account}. Check the account ID (it is the number after /app/accounts/ in Chatwoot's address).`,
      );
    }
    // The account-level read proves the token may read conversations, not just its profile.
    const r = await this.call<{ meta?: { all_count?: number } }>('GET', `/api/v1/accounts/${account}/conversations/meta?status=all`, {
      ...opts,
      what: `account ${account}`,
    });
    const count = r.meta?.all_count;
    const who = profile.available_name || profile.name;
    return (
      `Connected to Chatwoot account ${account}${member?.name ? ` (${member.name})` : ''} at ${this.root}` +
      `${who ? ` as ${who}` : ''}${typeof count === 'number' ? `; ${count} conversation${count === 1 ? '' : 's'}` : ''}.`
    );
  }

  private async messagesPage(conversationId: string, before: string | null, opts: CallOptions): Promise<CwMessage[]> {
    const query = before ? `?before=${encodeURIComponent(before)}` : '';
    const r = await this.call<{ payload?: CwMessage[] }>('GET', `${this.conversationPath(conversationId)}/messages${query}`, {
      ...opts,
      what: `conversation ${conversationId}`,
    });
    if (!Array.isArray(r.payload)) throw this.notApi();
    return [...r.payload].sort((a, b) => Number(a.id) - Number(b.id));
  }

  private call<T>(method: Method, path: string, opts: CallOptions & { body?: unknown; what: string }): Promise<T> {
    return this.http.json<T>(method, path, opts);
  }

  private notApi(): ConnectorError {
    return this.http.notApi();
  }
}

function statusOf(conv: CwConversation): StatusSnapshot {
  if (typeof conv !== 'object' || conv === null || !('status' in conv)) {
    throw new ConnectorError('invalid', "Chatwoot's answer had no conversation status.");
  }
  return {
    status: STATUSES[conv.status ?? ''] ?? 'unknown',
    snoozedUntil: conv.status === 'snoozed' && conv.snoozed_until ? toMs(conv.snoozed_until) : null,
  };
}

/** Chatwoot sends unix seconds (numbers) in push data and ISO strings in some views. */
function toMs(v: number | string | null | undefined): number {
  if (typeof v === 'number') return v < 1e12 ? v * 1000 : v;
  if (typeof v === 'string') {
    if (/^\d+$/.test(v)) return toMs(Number(v));
    const t = Date.parse(v);
    return Number.isNaN(t) ? 0 : t;
  }
  return 0;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function dedupe(messages: CwMessage[]): CwMessage[] {
  const seen = new Set<string>();
  return messages.filter((m) => !seen.has(String(m.id)) && !!seen.add(String(m.id)));
}

function toPreview(m: CwMessage, customerName: string): PreviewMessage {
  const type = typeof m.message_type === 'string' ? ({ incoming: INCOMING, outgoing: OUTGOING, activity: ACTIVITY } as Record<string, number>)[m.message_type] : m.message_type;
  const kind: PreviewMessage['kind'] = m.private ? 'note' : type === INCOMING ? 'incoming' : type === ACTIVITY ? 'event' : 'outgoing';
  const author =
    kind === 'event' ? 'Chatwoot' : m.sender?.available_name || m.sender?.name || (kind === 'incoming' ? customerName || 'Customer' : 'Agent');
  // The idempotency marker is for Backline, not for the person reading the preview.
  let text = str(m.content).replace(MARKER_AT_END, '');
  if (!text && m.attachments?.length) text = `(${m.attachments.length} attachment${m.attachments.length === 1 ? '' : 's'})`;
  return { id: String(m.id), kind, author, text, at: toMs(m.created_at) };
}
