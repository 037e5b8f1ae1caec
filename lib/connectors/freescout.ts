/**
 * FreeScout connector: the API of FreeScout's "API & Webhooks" module
 * (test/contracts/specs/freescout.api-webhooks.endpoints.json), given the address agents open
 * FreeScout at and the module's API key (`X-FreeScout-API-Key`).
 *
 * - Internal notes are threads of type `note`, which FreeScout never sends to the customer.
 * - Reopen sets the conversation's status to `active`. FreeScout has no snooze.
 * - The API key belongs to the install, not to a person, yet a note and a status change must
 *   name the FreeScout user who makes them (`user`, `byUser`): Backline acts as the install's
 *   first administrator (lowest id), and the connection check says who that is.
 */
import type { ConversationStatus } from '../model/helpdesk';
import type { PreviewMessage } from '../model/views';
import { noteMarker } from './chatwoot';
import { HttpClient, jsonErrorDetail, type Method } from './http';
import { htmlToText, textToHtml } from './plain-text';
import { withoutMarker } from './note-text';
import { ConnectorError, type CallOptions, type Connector, type ConnectorOptions, type ConversationSnapshot, type StatusSnapshot } from './types';

export interface FreeScoutConfig {
  /** e.g. https://support.acme.com (a path prefix is allowed). */
  baseUrl: string;
  apiKey: string;
}

const STATUSES: Record<string, ConversationStatus> = { active: 'open', open: 'open', pending: 'pending', closed: 'closed', spam: 'closed' };

interface FsPerson {
  id?: number;
  type?: string;
  firstName?: string | null;
  lastName?: string | null;
  email?: string | null;
}

interface FsThread {
  id: number;
  type?: string;
  status?: string;
  state?: string;
  body?: string | null;
  action?: { text?: string } | null;
  createdBy?: FsPerson | null;
  customer?: FsPerson | null;
  createdAt?: string;
}

interface FsConversation {
  id: number;
  number?: number;
  subject?: string;
  status?: string;
  customer?: (FsPerson & { company?: string | null }) | null;
  _embedded?: { threads?: FsThread[] };
}

interface FsUser extends FsPerson {
  id: number;
  role?: string;
}

/** Pages of users read to find the first administrator (100 each). */
const MAX_USER_PAGES = 10;
/** Clock skew between this browser and the helpdesk that a note search tolerates. */
const FIND_SKEW_MS = 10 * 60 * 1000;

const isId = (s: string) => /^[1-9][0-9]{0,18}$/.test(s);
const nameOf = (p: FsPerson | null | undefined) => [p?.firstName, p?.lastName].filter(Boolean).join(' ');

export class FreeScoutConnector implements Connector {
  readonly helpdesk = 'freescout' as const;
  private readonly http: HttpClient;
  private actor: Promise<FsUser> | null = null;

  constructor(config: FreeScoutConfig, options: ConnectorOptions = {}) {
    this.http = new HttpClient({
      ...options,
      name: 'FreeScout',
      root: config.baseUrl,
      auth: () => ({ 'X-FreeScout-API-Key': config.apiKey }),
      credentialHint: "Check the connection's API key on the options page (FreeScout: Manage → API & Webhooks).",
      baseUrlHint: 'it should be the address you open FreeScout at, with the API & Webhooks module enabled',
      // {"message": "Bad request", "_embedded": {"errors": [{"path", "message"}]}}: the details say what.
      errorDetail: (body) => {
        try {
          const j = JSON.parse(body) as { message?: unknown; _embedded?: { errors?: { path?: string; message?: string }[] } };
          const details = (j._embedded?.errors ?? []).map((e) => [e.path, e.message].filter(Boolean).join(': ')).filter(Boolean);
          if (details.length) return details.join('; ').slice(0, 200);
        } catch {
          /* not JSON */
        }
        return jsonErrorDetail(body);
      },
      explain: (status, what) =>
        status === 405
          ? { kind: 'invalid', message: `FreeScout refused the request for ${what} (405): the API & Webhooks module may be missing or too old. Update it in FreeScout's Modules.` }
          : undefined,
    });
  }

  private conversationPath(id: string): string {
    if (!isId(id)) throw new ConnectorError('invalid', `“${id}” is not a FreeScout conversation number.`);
    return `/api/conversations/${id}`;
  }

  private async conversation(id: string, opts: CallOptions): Promise<FsConversation> {
    const c = await this.call<FsConversation>('GET', this.conversationPath(id), { ...opts, query: { embed: 'threads' }, what: `conversation ${id}` });
    if (typeof c !== 'object' || c === null || typeof c.status !== 'string') throw new ConnectorError('invalid', "FreeScout's answer had no conversation status.");
    return c;
  }

  /** The FreeScout user Backline's notes and status changes are made by (see the module comment). */
  private user(opts: CallOptions): Promise<FsUser> {
    this.actor ??= (async () => {
      const users: FsUser[] = [];
      for (let page = 1; page <= MAX_USER_PAGES; page++) {
        const r = await this.call<{ _embedded?: { users?: FsUser[] }; page?: { totalPages?: number } }>('GET', '/api/users', {
          ...opts,
          query: { page, pageSize: 100 },
          what: 'the users',
        });
        if (!Array.isArray(r?._embedded?.users)) throw this.http.notApi();
        users.push(...r._embedded.users);
        if (page >= (r.page?.totalPages ?? 1)) break;
      }
      const sorted = users.sort((a, b) => a.id - b.id);
      const chosen = sorted.find((u) => u.role === 'admin') ?? sorted[0];
      if (!chosen) throw new ConnectorError('invalid', 'FreeScout has no users to post notes as. Add an administrator in FreeScout.');
      return chosen;
    })();
    this.actor.catch(() => (this.actor = null));
    return this.actor;
  }

  async readConversation(conversationId: string, opts: CallOptions & { limit?: number } = {}): Promise<ConversationSnapshot> {
    const c = await this.conversation(conversationId, opts);
    const threads = [...(c._embedded?.threads ?? [])].sort((a, b) => toMs(a.createdAt) - toMs(b.createdAt) || a.id - b.id);
    return {
      status: STATUSES[c.status ?? ''] ?? 'unknown',
      snoozedUntil: null,
      customerName: nameOf(c.customer),
      customerEmail: c.customer?.email ?? '',
      company: c.customer?.company ?? '',
      title: c.subject ?? '',
      messages: threads.slice(-(opts.limit ?? 50)).map((t) => toPreview(t, nameOf(c.customer))),
    };
  }

  async readStatus(conversationId: string, opts: CallOptions = {}): Promise<StatusSnapshot> {
    const c = await this.conversation(conversationId, opts);
    return { status: STATUSES[c.status ?? ''] ?? 'unknown', snoozedUntil: null };
  }

  async postInternalNote(conversationId: string, text: string, opts: CallOptions & { idempotencyKey: string }): Promise<{ messageId: string }> {
    const path = `${this.conversationPath(conversationId)}/threads`;
    const user = await this.user(opts);
    // FreeScout keeps thread bodies as HTML: the note's text is escaped, never markup.
    const body = { type: 'note', text: textToHtml(`${text}\n\n${noteMarker(opts.idempotencyKey)}`), user: user.id };
    const answer = await this.http.request<unknown>('POST', path, { ...opts, body, what: `conversation ${conversationId}` });
    // 201 Created with the new thread's id in Resource-ID (and no body).
    return { messageId: answer.headers.get('resource-id') ?? '' };
  }

  async findNote(conversationId: string, idempotencyKey: string, opts: CallOptions & { since: number }): Promise<{ messageId: string } | null> {
    const marker = noteMarker(idempotencyKey);
    const c = await this.conversation(conversationId, opts);
    const hit = (c._embedded?.threads ?? []).find(
      (t) => t.type === 'note' && htmlToText(t.body ?? '').includes(marker) && toMs(t.createdAt) >= opts.since - FIND_SKEW_MS,
    );
    return hit ? { messageId: String(hit.id) } : null;
  }

  async reopen(conversationId: string, opts: CallOptions = {}): Promise<StatusSnapshot> {
    const path = this.conversationPath(conversationId);
    const user = await this.user(opts);
    // 204 No Content: applied.
    await this.http.request('PUT', path, { ...opts, body: { status: 'active', byUser: user.id }, what: `conversation ${conversationId}` });
    return { status: 'open', snoozedUntil: null };
  }

  unsnooze(conversationId: string, opts: CallOptions = {}): Promise<StatusSnapshot> {
    // FreeScout has no snooze; nothing Backline reads is ever snoozed.
    return this.reopen(conversationId, opts);
  }

  async verify(opts: CallOptions = {}): Promise<string> {
    const user = await this.user(opts);
    const who = [nameOf(user), user.email ? `(${user.email})` : ''].filter(Boolean).join(' ') || `user ${user.id}`;
    return `Connected to FreeScout at ${this.http.root}. The API key is the install's; Backline's notes are posted as ${who}.`;
  }

  private call<T>(method: Method, path: string, opts: CallOptions & { body?: unknown; query?: Record<string, string | number>; what: string }): Promise<T> {
    return this.http.json<T>(method, path, opts);
  }
}

/** FreeScout's documented dates look like 2020-08-09T10-09-00Z (dashes in the time) as well as ISO. */
function toMs(v: string | undefined): number {
  if (typeof v !== 'string') return 0;
  const iso = v.replace(/T(\d{2})-(\d{2})-(\d{2})/, 'T$1:$2:$3');
  const t = Date.parse(iso);
  return Number.isNaN(t) ? 0 : t;
}

function toPreview(t: FsThread, customerName: string): PreviewMessage {
  const kind: PreviewMessage['kind'] =
    t.type === 'note' ? 'note' : t.type === 'customer' ? 'incoming' : t.type === 'message' ? 'outgoing' : 'event';
  const person = kind === 'incoming' ? (t.customer ?? t.createdBy) : t.createdBy;
  const author = kind === 'event' ? 'FreeScout' : nameOf(person) || person?.email || (kind === 'incoming' ? customerName || 'Customer' : 'Agent');
  const text = withoutMarker(htmlToText(t.body ?? '') || (t.action?.text ?? ''));
  return { id: String(t.id), kind, author, text, at: toMs(t.createdAt) };
}
