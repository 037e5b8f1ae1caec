/**
 * Zendesk connector: the Zendesk Support API (test/contracts/specs/zendesk.support-api.oas.yaml)
 * on the account's own address (https://acme.zendesk.com), with an agent's email and API token.
 *
 * - Internal notes are ticket comments with `public: false`, added by `PUT /api/v2/tickets/{id}`:
 *   never visible to the requester. Each carries an `Idempotency-Key` header (Zendesk answers a
 *   repeated key with the first answer instead of applying it twice) and the `Backline ref`
 *   marker, which `findNote` looks for once the key has expired.
 * - Reopen is the same call with `status: open`. Zendesk has no snooze (pending and on-hold are
 *   the nearest), so unsnooze is reopen. Closed tickets cannot be changed at all in Zendesk (only
 *   a follow-up ticket can be made): Backline says so instead of retrying.
 * - Auth is HTTP Basic `{email}/token:{api_token}`; cookies are never sent.
 */
import { DESCRIPTORS } from '../helpdesks';
import type { ConversationStatus } from '../model/helpdesk';
import type { PreviewMessage } from '../model/views';
import { noteMarker } from './chatwoot';
import { basicAuth, HttpClient, type Method } from './http';
import { htmlToText } from './plain-text';
import { ConnectorError, type CallOptions, type Connector, type ConnectorOptions, type ConversationSnapshot, type StatusSnapshot } from './types';

export interface ZendeskConfig {
  /** https://acme.zendesk.com, or a host-mapped custom domain. */
  baseUrl: string;
  email: string;
  token: string;
}

/** Zendesk's status words in Backline's terms: the descriptor's mapping (one place for both). */
const STATUSES: Readonly<Record<string, ConversationStatus>> = DESCRIPTORS.zendesk.statuses;

/** Zendesk answers at most 100 comments a page; the finder reads newest first. */
const PAGE_SIZE = 100;
const MAX_FIND_PAGES = 5;
const FIND_SKEW_MS = 10 * 60 * 1000;
const MARKER_AT_END = /\s*\(Backline ref [0-9a-zA-Z_-]+\)\s*$/;

interface ZdTicket {
  id: number;
  status?: string;
  subject?: string | null;
  requester_id?: number | null;
  organization_id?: number | null;
}
interface ZdComment {
  id: number;
  body?: string;
  plain_body?: string;
  html_body?: string;
  public?: boolean;
  author_id?: number;
  created_at?: string;
  attachments?: unknown[];
}
interface ZdUser {
  id: number;
  name?: string;
  email?: string | null;
  role?: string;
  organization_id?: number | null;
}
interface ZdCommentsPage {
  comments?: ZdComment[];
  users?: ZdUser[];
  organizations?: { id: number; name?: string }[];
  meta?: { has_more?: boolean; after_cursor?: string | null };
}

const isId = (s: string) => /^[1-9][0-9]{0,19}$/.test(s);

export class ZendeskConnector implements Connector {
  readonly helpdesk = 'zendesk' as const;
  private readonly http: HttpClient;

  constructor(
    config: ZendeskConfig,
    options: ConnectorOptions = {},
  ) {
    this.http = new HttpClient({
      ...options,
      name: 'Zendesk',
      root: config.baseUrl,
      auth: () => basicAuth(`${config.email}/token`, config.token),
      credentialHint: "Check the connection's Email and API token on the options page (the token must be active, and token access turned on in Admin Center).",
      baseUrlHint: 'the address you open Zendesk at, e.g. https://acme.zendesk.com',
      errorDetail: zendeskErrorDetail,
      explain: (status, what) => {
        if (status === 403) {
          return {
            kind: 'unauthorized',
            message: `Zendesk did not allow ${config.email} to change ${what} (403). The API token acts as that agent: check that they may edit the ticket (role, group, or a light agent who can only add private notes).`,
          };
        }
        return undefined;
      },
    });
  }

  private ticketPath(id: string): string {
    if (!isId(id)) throw new ConnectorError('invalid', `“${id}” is not a Zendesk ticket number.`);
    return `/api/v2/tickets/${id}`;
  }

  async readConversation(conversationId: string, opts: CallOptions & { limit?: number } = {}): Promise<ConversationSnapshot> {
    const what = `ticket ${conversationId}`;
    const { ticket } = await this.call<{ ticket?: ZdTicket }>('GET', this.ticketPath(conversationId), { ...opts, what });
    const status = statusOf(ticket);
    const limit = opts.limit ?? 50;
    const page = await this.commentsPage(conversationId, { ...opts, newestFirst: true, size: Math.min(PAGE_SIZE, limit) });
    const users = new Map((page.users ?? []).map((u) => [u.id, u]));
    const requester = ticket?.requester_id ? users.get(ticket.requester_id) : undefined;
    const org = requester?.organization_id ? page.organizations?.find((o) => o.id === requester.organization_id) : undefined;
    const comments = [...(page.comments ?? [])].reverse();
    return {
      ...status,
      customerName: str(requester?.name),
      customerEmail: str(requester?.email),
      company: str(org?.name),
      title: str(ticket?.subject),
      messages: comments.slice(-limit).map((c) => toPreview(c, users, ticket?.requester_id ?? null)),
    };
  }

  async readStatus(conversationId: string, opts: CallOptions = {}): Promise<StatusSnapshot> {
    const { ticket } = await this.call<{ ticket?: ZdTicket }>('GET', this.ticketPath(conversationId), { ...opts, what: `ticket ${conversationId}` });
    return statusOf(ticket);
  }

  async postInternalNote(conversationId: string, text: string, opts: CallOptions & { idempotencyKey: string }): Promise<{ messageId: string }> {
    const body = `${text}\n\n${noteMarker(opts.idempotencyKey)}`;
    const r = await this.update<{ audit?: { events?: { id?: number; type?: string }[] } }>(conversationId, { comment: { body, public: false } }, opts, {
      // A repeated key gets the first answer back instead of a second comment (Zendesk keeps
      // keys for two hours; the marker search covers the time after).
      'idempotency-key': `backline-note-${opts.idempotencyKey}`,
    });
    const event = r.audit?.events?.find((e) => e.type === 'Comment');
    return { messageId: String(event?.id ?? '') };
  }

  async findNote(conversationId: string, idempotencyKey: string, opts: CallOptions & { since: number }): Promise<{ messageId: string } | null> {
    const marker = noteMarker(idempotencyKey);
    let cursor: string | null = null;
    for (let i = 0; i < MAX_FIND_PAGES; i++) {
      const page = await this.commentsPage(conversationId, { ...opts, newestFirst: true, size: PAGE_SIZE, after: cursor });
      const comments = page.comments ?? [];
      const hit = comments.find((c) => c.public === false && `${c.body ?? ''}${c.plain_body ?? ''}`.includes(marker));
      if (hit) return { messageId: String(hit.id) };
      const oldest = comments.at(-1);
      if (!oldest || !page.meta?.has_more || !page.meta.after_cursor) return null;
      if (Date.parse(oldest.created_at ?? '') < opts.since - FIND_SKEW_MS) return null;
      cursor = page.meta.after_cursor;
    }
    return null;
  }

  async reopen(conversationId: string, opts: CallOptions = {}): Promise<StatusSnapshot> {
    const r = await this.update<{ ticket?: ZdTicket }>(conversationId, { status: 'open' }, opts);
    return statusOf(r.ticket);
  }

  unsnooze(conversationId: string, opts: CallOptions = {}): Promise<StatusSnapshot> {
    // Zendesk has no snooze; the nearest (pending, on-hold) end by reopening.
    return this.reopen(conversationId, opts);
  }

  async verify(opts: CallOptions = {}): Promise<string> {
    const { user } = await this.call<{ user?: ZdUser | null }>('GET', '/api/v2/users/me', { ...opts, what: 'the user of the token' });
    // Zendesk answers /users/me for wrong credentials on some accounts with an anonymous user
    // (no id) instead of 401.
    if (!user || user.id === null || user.id === undefined) {
      throw new ConnectorError('unauthorized', "Zendesk did not recognise the Email and API token (it answered as an anonymous user). Check both on the options page.");
    }
    if (user.role === 'end-user') {
      throw new ConnectorError('unauthorized', `The API token works, but ${user.email ?? user.name} is an end user of Zendesk, not an agent: internal notes need an agent.`);
    }
    return `Connected to Zendesk at ${this.http.root} as ${user.name ?? ''}${user.email ? ` (${user.email})` : ''}${user.role ? `, ${user.role}` : ''}.`;
  }

  private async update<T>(conversationId: string, ticket: Record<string, unknown>, opts: CallOptions, headers?: Record<string, string>): Promise<T> {
    try {
      return await this.call<T>('PUT', this.ticketPath(conversationId), { ...opts, body: { ticket }, headers, what: `ticket ${conversationId}` });
    } catch (e) {
      // Zendesk refuses every change to a closed ticket with 422 "Status: closed prevents ticket update".
      if (e instanceof ConnectorError && e.status === 422 && /closed/i.test(e.message)) {
        throw new ConnectorError(
          'invalid',
          `Zendesk ticket ${conversationId} is closed, and Zendesk allows no changes to closed tickets (not even internal notes). Create a follow-up ticket in Zendesk and link that one.`,
          { status: 422 },
        );
      }
      throw e;
    }
  }

  private async commentsPage(
    conversationId: string,
    opts: CallOptions & { newestFirst: boolean; size: number; after?: string | null },
  ): Promise<ZdCommentsPage> {
    const r = await this.call<ZdCommentsPage>('GET', `${this.ticketPath(conversationId)}/comments`, {
      ...opts,
      what: `ticket ${conversationId}`,
      // Cursor pagination, newest first: with cursor pagination the order is `sort`
      // (created_at | -created_at); `sort_order` is for offset pagination only (List Comments).
      query: { include: 'users,organizations', sort: opts.newestFirst ? '-created_at' : 'created_at', 'page[size]': opts.size, 'page[after]': opts.after ?? undefined },
    });
    if (!Array.isArray(r.comments)) throw this.http.notApi();
    return r;
  }

  private call<T>(method: Method, path: string, opts: CallOptions & { body?: unknown; what: string; query?: Record<string, string | number | undefined>; headers?: Record<string, string> }): Promise<T> {
    return this.http.json<T>(method, path, opts);
  }
}

function statusOf(ticket: ZdTicket | undefined): StatusSnapshot {
  if (!ticket || typeof ticket !== 'object' || typeof ticket.status !== 'string') {
    throw new ConnectorError('invalid', "Zendesk's answer had no ticket status.");
  }
  return { status: STATUSES[ticket.status] ?? 'unknown', snoozedUntil: null };
}

/** Zendesk's error bodies: `{error, description, details: {field: [{description}]}}` or `{error: {title, message}}`. */
export function zendeskErrorDetail(text: string): string {
  try {
    const j = JSON.parse(text) as { error?: unknown; description?: unknown; details?: Record<string, { description?: string }[]> };
    const details = Object.values(j.details ?? {})
      .flat()
      .map((d) => d?.description)
      .filter((d): d is string => typeof d === 'string');
    if (details.length) return details.join('; ').slice(0, 200);
    if (typeof j.description === 'string') return j.description.slice(0, 200);
    if (j.error && typeof j.error === 'object') {
      const e = j.error as { title?: unknown; message?: unknown };
      return String(e.message ?? e.title ?? '').slice(0, 200);
    }
    if (typeof j.error === 'string') return j.error.slice(0, 200);
  } catch {
    /* not JSON */
  }
  return '';
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function toPreview(c: ZdComment, users: Map<number, ZdUser>, requesterId: number | null): PreviewMessage {
  const author = c.author_id ? users.get(c.author_id) : undefined;
  const fromRequester = c.author_id !== undefined && c.author_id === requesterId;
  const kind: PreviewMessage['kind'] = c.public === false ? 'note' : fromRequester || author?.role === 'end-user' ? 'incoming' : 'outgoing';
  let text = (c.plain_body ?? c.body ?? (c.html_body ? htmlToText(c.html_body) : '')).replace(MARKER_AT_END, '');
  if (!text && c.attachments?.length) text = `(${c.attachments.length} attachment${c.attachments.length === 1 ? '' : 's'})`;
  return { id: String(c.id), kind, author: author?.name || (kind === 'incoming' ? 'Customer' : 'Agent'), text, at: Date.parse(c.created_at ?? '') || 0 };
}
