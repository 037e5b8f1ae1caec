/**
 * Freshdesk connector: Freshdesk's REST API v2 (test/contracts/specs/freshdesk.v2.endpoints.json,
 * written from https://developers.freshdesk.com/api/) on the account's own address
 * (https://acme.freshdesk.com), with an agent's API key.
 *
 * - Internal notes are `POST /api/v2/tickets/{id}/notes` with `private: true`: never visible to
 *   the requester. Each carries the `Backline ref` marker, which `findNote` looks for.
 * - Reopen is `PUT /api/v2/tickets/{id}` with `status: 2` (Open). Freshdesk has no snooze, so
 *   there is never anything to unsnooze.
 * - Auth is HTTP Basic with the API key as user name and `X` as password; cookies never sent.
 */
import { DESCRIPTORS } from '../helpdesks';
import type { ConversationStatus } from '../model/helpdesk';
import type { PreviewMessage } from '../model/views';
import { noteMarker } from './chatwoot';
import { basicAuth, HttpClient, type Method } from './http';
import { htmlToText, textToHtml } from './plain-text';
import { ConnectorError, type CallOptions, type Connector, type ConnectorOptions, type ConversationSnapshot, type StatusSnapshot } from './types';

export interface FreshdeskConfig {
  /** https://acme.freshdesk.com (or the account's custom domain). */
  baseUrl: string;
  apiKey: string;
}

/** Freshdesk's built-in ticket statuses (the descriptor's mapping); custom ones (6 and up) are unknown. */
const STATUSES: Readonly<Record<string, ConversationStatus>> = DESCRIPTORS.freshdesk.statuses;
const OPEN = 2;

/** Freshdesk answers at most 100 conversations a page, oldest first. */
const PER_PAGE = 100;
const MAX_PAGES = 10;
const MARKER_AT_END = /\s*\(Backline ref [0-9a-zA-Z_-]+\)\s*$/;

interface FdTicket {
  id: number;
  status?: number;
  subject?: string | null;
  description_text?: string | null;
  description?: string | null;
  created_at?: string;
  requester_id?: number;
  requester?: { name?: string; email?: string | null } | null;
  company?: { name?: string } | null;
}
interface FdConversation {
  id: number;
  body?: string | null;
  body_text?: string | null;
  private?: boolean;
  incoming?: boolean;
  user_id?: number;
  created_at?: string;
  attachments?: unknown[];
}

const isId = (s: string) => /^[1-9][0-9]{0,19}$/.test(s);

export class FreshdeskConnector implements Connector {
  readonly helpdesk = 'freshdesk' as const;
  private readonly http: HttpClient;

  constructor(config: FreshdeskConfig, options: ConnectorOptions = {}) {
    this.http = new HttpClient({
      ...options,
      name: 'Freshdesk',
      root: config.baseUrl,
      auth: () => basicAuth(config.apiKey, 'X'),
      credentialHint: "Check the connection's API key on the options page (Freshdesk: your profile picture → Profile settings → View API key).",
      baseUrlHint: 'the address you open Freshdesk at, e.g. https://acme.freshdesk.com',
      errorDetail: freshdeskErrorDetail,
    });
  }

  private ticketPath(id: string): string {
    if (!isId(id)) throw new ConnectorError('invalid', `“${id}” is not a Freshdesk ticket number.`);
    return `/api/v2/tickets/${id}`;
  }

  async readConversation(conversationId: string, opts: CallOptions & { limit?: number } = {}): Promise<ConversationSnapshot> {
    const what = `ticket ${conversationId}`;
    const ticket = await this.call<FdTicket>('GET', this.ticketPath(conversationId), { ...opts, what, query: { include: 'requester,company' } });
    const limit = opts.limit ?? 50;
    const conversations: FdConversation[] = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      const batch = await this.conversationsPage(conversationId, page, opts);
      conversations.push(...batch);
      if (batch.length < PER_PAGE) break;
    }
    const name = str(ticket.requester?.name);
    // The ticket's description is its first message, from the requester.
    const first: PreviewMessage = {
      id: `ticket-${ticket.id}`,
      kind: 'incoming',
      author: name || 'Customer',
      text: str(ticket.description_text) || htmlToText(str(ticket.description)),
      at: Date.parse(ticket.created_at ?? '') || 0,
    };
    const messages = [first, ...conversations.map((c) => toPreview(c, ticket.requester_id ?? null, name))];
    return {
      ...statusOf(ticket),
      customerName: name,
      customerEmail: str(ticket.requester?.email),
      company: str(ticket.company?.name),
      title: str(ticket.subject),
      messages: messages.slice(-limit),
    };
  }

  async readStatus(conversationId: string, opts: CallOptions = {}): Promise<StatusSnapshot> {
    return statusOf(await this.call<FdTicket>('GET', this.ticketPath(conversationId), { ...opts, what: `ticket ${conversationId}` }));
  }

  async postInternalNote(conversationId: string, text: string, opts: CallOptions & { idempotencyKey: string }): Promise<{ messageId: string }> {
    const body = textToHtml(`${text}\n\n${noteMarker(opts.idempotencyKey)}`);
    const note = await this.call<FdConversation>('POST', `${this.ticketPath(conversationId)}/notes`, {
      ...opts,
      body: { body, private: true },
      what: `ticket ${conversationId}`,
    });
    return { messageId: String(note.id ?? '') };
  }

  async findNote(conversationId: string, idempotencyKey: string, opts: CallOptions & { since: number }): Promise<{ messageId: string } | null> {
    const marker = noteMarker(idempotencyKey);
    // Oldest first, so the note (recent) is on the last page: read them all (bounded).
    for (let page = 1; page <= MAX_PAGES; page++) {
      const batch = await this.conversationsPage(conversationId, page, opts);
      const hit = batch.find((c) => c.private === true && `${c.body ?? ''}${c.body_text ?? ''}`.includes(marker));
      if (hit) return { messageId: String(hit.id) };
      if (batch.length < PER_PAGE) return null;
    }
    return null;
  }

  async reopen(conversationId: string, opts: CallOptions = {}): Promise<StatusSnapshot> {
    const ticket = await this.call<FdTicket>('PUT', this.ticketPath(conversationId), { ...opts, body: { status: OPEN }, what: `ticket ${conversationId}` });
    return statusOf(ticket);
  }

  /** Freshdesk has no snooze: nothing is sent, the ticket's status is read. */
  unsnooze(conversationId: string, opts: CallOptions = {}): Promise<StatusSnapshot> {
    return this.readStatus(conversationId, opts);
  }

  async verify(opts: CallOptions = {}): Promise<string> {
    const me = await this.call<{ id?: number; contact?: { name?: string; email?: string } }>('GET', '/api/v2/agents/me', { ...opts, what: 'the agent of the API key' });
    if (!me || typeof me !== 'object' || !me.contact) throw this.http.notApi();
    const who = [me.contact.name, me.contact.email ? `(${me.contact.email})` : ''].filter(Boolean).join(' ');
    return `Connected to Freshdesk at ${this.http.root} as ${who || `agent ${me.id}`}.`;
  }

  private async conversationsPage(conversationId: string, page: number, opts: CallOptions): Promise<FdConversation[]> {
    const r = await this.call<FdConversation[]>('GET', `${this.ticketPath(conversationId)}/conversations`, {
      ...opts,
      what: `ticket ${conversationId}`,
      query: { per_page: PER_PAGE, page },
    });
    if (!Array.isArray(r)) throw this.http.notApi();
    return r;
  }

  private call<T>(method: Method, path: string, opts: CallOptions & { body?: unknown; what: string; query?: Record<string, string | number | undefined> }): Promise<T> {
    return this.http.json<T>(method, path, opts);
  }
}

function statusOf(ticket: FdTicket): StatusSnapshot {
  if (!ticket || typeof ticket !== 'object' || typeof ticket.status !== 'number') {
    throw new ConnectorError('invalid', "Freshdesk's answer had no ticket status.");
  }
  return { status: STATUSES[String(ticket.status)] ?? 'unknown', snoozedUntil: null };
}

/** Freshdesk's error bodies: `{description, errors: [{field, message, code}]}` or `{code, message}`. */
export function freshdeskErrorDetail(text: string): string {
  try {
    const j = JSON.parse(text) as { description?: unknown; message?: unknown; errors?: { field?: string; message?: string }[] };
    if (Array.isArray(j.errors) && j.errors.length) {
      return j.errors
        .map((e) => [e.field, e.message].filter(Boolean).join(': '))
        .join('; ')
        .slice(0, 200);
    }
    if (typeof j.message === 'string') return j.message.slice(0, 200);
    if (typeof j.description === 'string') return j.description.slice(0, 200);
  } catch {
    /* not JSON */
  }
  return '';
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function toPreview(c: FdConversation, requesterId: number | null, requesterName: string): PreviewMessage {
  const kind: PreviewMessage['kind'] = c.private ? 'note' : c.incoming || (requesterId !== null && c.user_id === requesterId) ? 'incoming' : 'outgoing';
  let text = (str(c.body_text) || htmlToText(str(c.body))).replace(MARKER_AT_END, '');
  if (!text && c.attachments?.length) text = `(${c.attachments.length} attachment${c.attachments.length === 1 ? '' : 's'})`;
  return { id: String(c.id), kind, author: kind === 'incoming' ? requesterName || 'Customer' : 'Agent', text, at: Date.parse(c.created_at ?? '') || 0 };
}
