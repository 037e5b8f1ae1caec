/**
 * Zammad connector: Zammad's REST API v1 (test/contracts/specs/zammad.endpoints.json), for
 * zammad.com and self-hosted installs alike, given the address agents open Zammad at and a
 * user's personal access token (`Authorization: Token token=…`).
 *
 * - Internal notes are articles of type `note` with `internal: true` and sender Agent: a note
 *   sends no email (only communication types such as `email` do), and `internal` hides it from
 *   the customer.
 * - Reopen sets the ticket's state to `open`. Zammad has no snooze: "pending reminder" (a state
 *   that returns to open at `pending_time`) is read as snoozed, and unsnooze is the same reopen.
 */
import type { ConversationStatus } from '../model/helpdesk';
import type { PreviewMessage } from '../model/views';
import { noteMarker } from './chatwoot';
import { HttpClient, jsonErrorDetail, type Method } from './http';
import { htmlToText } from './plain-text';
import { parseAddress, withoutMarker } from './note-text';
import { ConnectorError, type CallOptions, type Connector, type ConnectorOptions, type ConversationSnapshot, type StatusSnapshot } from './types';

export interface ZammadConfig {
  /** e.g. https://acme.zammad.com or https://support.acme.com (a path prefix is allowed). */
  baseUrl: string;
  token: string;
}

/** Zammad's default state names (GET /api/v1/ticket_states lists an install's own). */
const STATES: Record<string, ConversationStatus> = {
  new: 'open',
  open: 'open',
  'pending reminder': 'snoozed',
  'pending close': 'pending',
  closed: 'closed',
  merged: 'closed',
  removed: 'closed',
};

interface ZmTicket {
  id: number;
  title?: string;
  state?: string;
  state_id?: number;
  pending_time?: string | null;
  customer?: string;
  organization?: string | null;
}

interface ZmArticle {
  id: number;
  ticket_id?: number;
  type?: string;
  sender?: string;
  from?: string | null;
  body?: string;
  content_type?: string;
  internal?: boolean;
  created_at?: string;
  created_by?: string;
}

interface ZmUser {
  id: number;
  firstname?: string;
  lastname?: string;
  email?: string;
  login?: string;
}

/** Clock skew between this browser and the helpdesk that a note search tolerates. */
const FIND_SKEW_MS = 10 * 60 * 1000;

const isId = (s: string) => /^[1-9][0-9]{0,18}$/.test(s);

export class ZammadConnector implements Connector {
  readonly helpdesk = 'zammad' as const;
  private readonly http: HttpClient;

  constructor(config: ZammadConfig, options: ConnectorOptions = {}) {
    this.http = new HttpClient({
      ...options,
      name: 'Zammad',
      root: config.baseUrl,
      auth: () => ({ authorization: `Token token=${config.token}` }),
      credentialHint: "Check the connection's Access token on the options page (Zammad: avatar → Profile → Token Access).",
      baseUrlHint: 'it should be the address you open Zammad at',
      // Zammad answers errors as {"error": "...", "error_human": "..."}; the human one reads better.
      errorDetail: (body) => {
        try {
          const j = JSON.parse(body) as { error_human?: unknown };
          if (typeof j.error_human === 'string') return j.error_human.slice(0, 200);
        } catch {
          /* not JSON */
        }
        return jsonErrorDetail(body);
      },
      explain: (status, what) => {
        if (status === 403) {
          return {
            kind: 'unauthorized',
            message: `Zammad did not allow this token to access ${what} (403). The token needs the ticket.agent permission, and its user must be an agent of the ticket's group.`,
          };
        }
        return undefined;
      },
    });
  }

  private ticketPath(id: string): string {
    if (!isId(id)) throw new ConnectorError('invalid', `“${id}” is not a Zammad ticket number.`);
    return `/api/v1/tickets/${id}`;
  }

  private readTicket(id: string, opts: CallOptions): Promise<ZmTicket> {
    // expand=true names the state, customer and organization instead of giving their ids.
    return this.call<ZmTicket>('GET', this.ticketPath(id), { ...opts, query: { expand: 'true' }, what: `ticket ${id}` });
  }

  private async articles(id: string, opts: CallOptions): Promise<ZmArticle[]> {
    this.ticketPath(id);
    const list = await this.call<ZmArticle[]>('GET', `/api/v1/ticket_articles/by_ticket/${id}`, { ...opts, what: `ticket ${id}` });
    if (!Array.isArray(list)) throw this.http.notApi();
    return [...list].sort((a, b) => a.id - b.id);
  }

  async readConversation(conversationId: string, opts: CallOptions & { limit?: number } = {}): Promise<ConversationSnapshot> {
    const ticket = await this.readTicket(conversationId, opts);
    const articles = await this.articles(conversationId, opts);
    const first = articles.find((a) => a.sender === 'Customer');
    const from = parseAddress(first?.from ?? '');
    return {
      ...statusOf(ticket),
      customerName: from.name,
      customerEmail: from.email || (ticket.customer?.includes('@') ? ticket.customer : ''),
      company: typeof ticket.organization === 'string' ? ticket.organization : '',
      title: ticket.title ?? '',
      messages: articles.slice(-(opts.limit ?? 50)).map(toPreview),
    };
  }

  async readStatus(conversationId: string, opts: CallOptions = {}): Promise<StatusSnapshot> {
    return statusOf(await this.readTicket(conversationId, opts));
  }

  async postInternalNote(conversationId: string, text: string, opts: CallOptions & { idempotencyKey: string }): Promise<{ messageId: string }> {
    this.ticketPath(conversationId);
    const body = {
      ticket_id: Number(conversationId),
      subject: 'Backline',
      body: `${text}\n\n${noteMarker(opts.idempotencyKey)}`,
      content_type: 'text/plain',
      type: 'note',
      internal: true,
      sender: 'Agent',
    };
    const a = await this.call<ZmArticle>('POST', '/api/v1/ticket_articles', { ...opts, body, what: `ticket ${conversationId}` });
    return { messageId: String(a.id ?? '') };
  }

  async findNote(conversationId: string, idempotencyKey: string, opts: CallOptions & { since: number }): Promise<{ messageId: string } | null> {
    const marker = noteMarker(idempotencyKey);
    const articles = await this.articles(conversationId, opts);
    const hit = articles.find(
      (a) => a.internal === true && a.type === 'note' && typeof a.body === 'string' && a.body.includes(marker) && toMs(a.created_at) >= opts.since - FIND_SKEW_MS,
    );
    return hit ? { messageId: String(hit.id) } : null;
  }

  async reopen(conversationId: string, opts: CallOptions = {}): Promise<StatusSnapshot> {
    const t = await this.call<ZmTicket>('PUT', this.ticketPath(conversationId), {
      ...opts,
      body: { state: 'open' },
      query: { expand: 'true' },
      what: `ticket ${conversationId}`,
    });
    // An answer that names the state by id only (expand ignored) still means it was applied.
    return typeof t.state === 'string' ? statusOf(t) : { status: 'unknown', snoozedUntil: null };
  }

  unsnooze(conversationId: string, opts: CallOptions = {}): Promise<StatusSnapshot> {
    // No snooze in Zammad: a "pending reminder" ticket is unsnoozed by opening it.
    return this.reopen(conversationId, opts);
  }

  async verify(opts: CallOptions = {}): Promise<string> {
    const me = await this.call<ZmUser>('GET', '/api/v1/users/me', { ...opts, what: 'the user of the token' });
    if (typeof me !== 'object' || me === null || typeof me.id !== 'number') throw this.http.notApi();
    const name = [me.firstname, me.lastname].filter(Boolean).join(' ');
    const who = name && me.email ? `${name} (${me.email})` : name || me.email || me.login || `user ${me.id}`;
    return `Connected to Zammad at ${this.http.root} as ${who}.`;
  }

  private call<T>(method: Method, path: string, opts: CallOptions & { body?: unknown; query?: Record<string, string>; what: string }): Promise<T> {
    return this.http.json<T>(method, path, opts);
  }
}

function statusOf(t: ZmTicket): StatusSnapshot {
  if (typeof t !== 'object' || t === null || typeof t.state !== 'string') {
    throw new ConnectorError('invalid', "Zammad's answer had no ticket state.");
  }
  const status = STATES[t.state] ?? 'unknown';
  return { status, snoozedUntil: status === 'snoozed' && t.pending_time ? toMs(t.pending_time) || null : null };
}

function toMs(v: string | null | undefined): number {
  const t = typeof v === 'string' ? Date.parse(v) : NaN;
  return Number.isNaN(t) ? 0 : t;
}

function toPreview(a: ZmArticle): PreviewMessage {
  const note = a.internal === true;
  const kind: PreviewMessage['kind'] = note ? 'note' : a.sender === 'Customer' ? 'incoming' : a.sender === 'System' ? 'event' : 'outgoing';
  const from = parseAddress(a.from ?? '');
  const author = kind === 'event' ? 'Zammad' : from.name || from.email || a.created_by || (kind === 'incoming' ? 'Customer' : 'Agent');
  const raw = a.body ?? '';
  const text = withoutMarker(a.content_type === 'text/html' ? htmlToText(raw) : raw.trim());
  return { id: String(a.id), kind, author, text, at: toMs(a.created_at) };
}
