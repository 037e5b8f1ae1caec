/**
 * Front connector: Front's Core API (test/contracts/specs/front.core-api.json), given a company
 * API token (Settings → Developers → API tokens).
 *
 * - Internal notes are comments (`POST /conversations/{id}/comments`): Front shows comments to
 *   teammates only, never to the customer.
 * - Reopen is `PATCH /conversations/{id}` with `status: "open"`. Front has no snoozed status: a
 *   snoozed conversation is archived with a scheduled reminder, so it reads as Snoozed here, and
 *   unsnoozing is the same reopen (it brings the conversation back to the inbox now).
 */
import { front } from '../helpdesks/front';
import type { ConversationStatus } from '../model/helpdesk';
import type { PreviewMessage } from '../model/views';
import { noteMarker } from './chatwoot';
import { HttpClient, type Method, type RequestOptions } from './http';
import { htmlToText } from './plain-text';
import { ConnectorError, type CallOptions, type Connector, type ConnectorOptions, type ConversationSnapshot, type StatusSnapshot } from './types';

export interface FrontConfig {
  /** https://api2.frontapp.com (or the company's own API host). */
  baseUrl: string;
  token: string;
}

const MARKER_AT_END = /\s*\(Backline ref [0-9a-zA-Z_-]+\)\s*$/;
/** Front's largest page (the `limit` parameter's maximum). */
const PAGE_LIMIT = 100;
const MAX_PAGES = 5;

interface FrTeammate {
  id?: string;
  email?: string;
  first_name?: string;
  last_name?: string;
  username?: string;
}

interface FrRecipient {
  name?: string | null;
  handle?: string;
  role?: string;
}

interface FrConversation {
  id: string;
  subject?: string;
  status?: string;
  status_category?: string;
  recipient?: FrRecipient | null;
  scheduled_reminders?: { scheduled_at?: number }[];
}

interface FrMessage {
  id: string;
  type?: string;
  is_inbound?: boolean;
  draft_mode?: string | null;
  created_at?: number;
  author?: FrTeammate | null;
  recipients?: FrRecipient[];
  body?: string;
  text?: string;
  attachments?: unknown[];
}

interface FrComment {
  id: string;
  author?: FrTeammate | null;
  body?: string;
  posted_at?: number;
}

interface FrList<T> {
  _results?: T[];
  _pagination?: { next?: string | null };
}

const isId = (s: string) => /^cnv_[0-9a-z]{1,20}$/.test(s);

export class FrontConnector implements Connector {
  readonly helpdesk = 'front' as const;
  private readonly http: HttpClient;

  constructor(config: FrontConfig, options: ConnectorOptions = {}) {
    this.http = new HttpClient({
      ...options,
      name: 'Front',
      root: config.baseUrl,
      auth: () => ({ authorization: `Bearer ${config.token}` }),
      credentialHint: "Check the connection's API token on the options page.",
      baseUrlHint: 'it should be https://api2.frontapp.com',
      errorDetail: frontErrorDetail,
      // Front answers a merged conversation with a redirect to the one it was merged into; the
      // redirect is not followed (it would carry the token), and the Base URL is not at fault.
      explainRedirect: (what) =>
        what.startsWith('conversation ')
          ? { kind: 'not_found', message: `Front merged ${what} into another conversation. Link the ticket from the conversation it was merged into.` }
          : undefined,
      explain: (status, what) => {
        if (status === 401) {
          return { kind: 'unauthorized', message: "Front refused the API token (401). Check the connection's API token on the options page." };
        }
        if (status === 403) {
          return {
            kind: 'unauthorized',
            message: `Front did not allow this API token to access ${what} (403). Give the token access to that shared inbox and the scopes for conversations and comments.`,
          };
        }
        if (status === 404) {
          return { kind: 'not_found', message: `Front has no ${what} that this API token can see (404). It may have been deleted, or it is in an inbox the token cannot access.` };
        }
        return undefined;
      },
    });
  }

  private get root(): string {
    return this.http.root;
  }

  private conversationPath(conversationId: string): string {
    if (!isId(conversationId)) throw new ConnectorError('invalid', `“${conversationId}” is not a Front conversation id (cnv_…).`);
    return `/conversations/${conversationId}`;
  }

  private call<T>(method: Method, path: string, opts: RequestOptions): Promise<T> {
    return this.http.json<T>(method, path, opts);
  }

  async readConversation(conversationId: string, opts: CallOptions & { limit?: number } = {}): Promise<ConversationSnapshot> {
    const path = this.conversationPath(conversationId);
    const what = `conversation ${conversationId}`;
    const limit = opts.limit ?? 50;
    const conv = await this.call<FrConversation>('GET', path, { ...opts, what });
    // Messages come newest first; a page of `limit` is the newest `limit` of them.
    const messages: FrMessage[] = [];
    let pageToken: string | undefined;
    for (let i = 0; i < MAX_PAGES && messages.length < limit; i++) {
      const r = await this.call<FrList<FrMessage>>('GET', `${path}/messages`, {
        ...opts,
        query: { limit: Math.min(PAGE_LIMIT, limit), page_token: pageToken },
        what,
      });
      if (!Array.isArray(r._results)) throw this.http.notApi();
      messages.push(...r._results);
      pageToken = nextToken(r._pagination?.next);
      if (!pageToken) break;
    }
    const comments = await this.comments(conversationId, opts);
    const customerName = str(conv.recipient?.name) || str(conv.recipient?.handle);
    const items = [
      ...messages.filter((m) => !m.draft_mode).map((m) => messagePreview(m, customerName)),
      ...comments.map(commentPreview),
    ].sort((a, b) => a.at - b.at);
    return {
      ...statusOf(conv),
      customerName,
      customerEmail: str(conv.recipient?.handle).includes('@') ? str(conv.recipient?.handle) : '',
      company: '',
      title: str(conv.subject),
      messages: items.slice(-limit),
    };
  }

  async readStatus(conversationId: string, opts: CallOptions = {}): Promise<StatusSnapshot> {
    return statusOf(await this.call<FrConversation>('GET', this.conversationPath(conversationId), { ...opts, what: `conversation ${conversationId}` }));
  }

  async postInternalNote(conversationId: string, text: string, opts: CallOptions & { idempotencyKey: string }): Promise<{ messageId: string }> {
    const c = await this.call<FrComment>('POST', `${this.conversationPath(conversationId)}/comments`, {
      ...opts,
      body: { body: `${text}\n\n${noteMarker(opts.idempotencyKey)}` },
      what: `conversation ${conversationId}`,
    });
    return { messageId: str(c.id) };
  }

  async findNote(conversationId: string, idempotencyKey: string, opts: CallOptions & { since: number }): Promise<{ messageId: string } | null> {
    const marker = noteMarker(idempotencyKey);
    // Front lists a conversation's comments newest first, all in one answer.
    const hit = (await this.comments(conversationId, opts)).find((c) => typeof c.body === 'string' && c.body.includes(marker));
    return hit ? { messageId: hit.id } : null;
  }

  async reopen(conversationId: string, opts: CallOptions = {}): Promise<StatusSnapshot> {
    await this.http.request('PATCH', this.conversationPath(conversationId), { ...opts, body: { status: 'open' }, what: `conversation ${conversationId}` });
    return { status: 'open', snoozedUntil: null };
  }

  unsnooze(conversationId: string, opts: CallOptions = {}): Promise<StatusSnapshot> {
    // A snoozed conversation is an archived one with a reminder: opening it is unsnoozing it.
    return this.reopen(conversationId, opts);
  }

  async verify(opts: CallOptions = {}): Promise<string> {
    const me = await this.call<{ id?: string; name?: string }>('GET', '/me', { ...opts, what: 'the details of the API token' });
    if (typeof me !== 'object' || (!me.id && !me.name)) throw this.http.notApi();
    return `Connected to Front at ${this.root}: the API token belongs to ${me.name ?? 'the company'}${me.id ? ` (${me.id})` : ''}. Comments are posted as the API token.`;
  }

  private async comments(conversationId: string, opts: CallOptions): Promise<FrComment[]> {
    const r = await this.call<FrList<FrComment>>('GET', `${this.conversationPath(conversationId)}/comments`, { ...opts, what: `conversation ${conversationId}` });
    if (!Array.isArray(r._results)) throw this.http.notApi();
    return r._results;
  }
}

/** The page token of Front's `_pagination.next` link (a full URL), or undefined at the end. */
function nextToken(next: string | null | undefined): string | undefined {
  if (!next) return undefined;
  try {
    return new URL(next).searchParams.get('page_token') ?? undefined;
  } catch {
    return undefined;
  }
}

function statusOf(conv: FrConversation): StatusSnapshot {
  if (typeof conv !== 'object' || conv === null || typeof conv.status !== 'string') {
    throw new ConnectorError('invalid', "Front's answer had no conversation status.");
  }
  const reminders = (conv.scheduled_reminders ?? []).map((r) => Number(r.scheduled_at)).filter((n) => Number.isFinite(n) && n > 0);
  if (conv.status === 'archived' && reminders.length) {
    return { status: 'snoozed', snoozedUntil: Math.min(...reminders) * 1000 };
  }
  if (conv.status === 'deleted') return { status: 'closed', snoozedUntil: null };
  // With ticketing on, the status category says more than the inbox status.
  const status: ConversationStatus = front.statuses[conv.status_category === 'waiting' ? 'waiting' : conv.status_category === 'resolved' ? 'resolved' : conv.status] ?? 'unknown';
  return { status, snoozedUntil: null };
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function teammateName(t: FrTeammate | null | undefined): string {
  return [t?.first_name, t?.last_name].filter((s) => typeof s === 'string' && s).join(' ') || str(t?.username) || str(t?.email);
}

function messagePreview(m: FrMessage, customerName: string): PreviewMessage {
  const from = (m.recipients ?? []).find((r) => r.role === 'from');
  const kind: PreviewMessage['kind'] = m.is_inbound ? 'incoming' : 'outgoing';
  const author = m.is_inbound
    ? str(from?.name) || str(from?.handle) || customerName || 'Customer'
    : teammateName(m.author) || str(from?.name) || str(from?.handle) || 'Agent';
  let text = str(m.text) || htmlToText(str(m.body));
  if (!text && m.attachments?.length) text = `(${m.attachments.length} attachment${m.attachments.length === 1 ? '' : 's'})`;
  return { id: m.id, kind, author, text, at: Math.round(Number(m.created_at ?? 0) * 1000) };
}

function commentPreview(c: FrComment): PreviewMessage {
  // The idempotency marker is for Backline, not for the person reading the preview.
  return { id: c.id, kind: 'note', author: teammateName(c.author) || 'Teammate', text: str(c.body).replace(MARKER_AT_END, ''), at: Math.round(Number(c.posted_at ?? 0) * 1000) };
}

/** Front's error body: `{"_error": {"status", "title", "message"}}`. */
function frontErrorDetail(text: string): string {
  try {
    const j = JSON.parse(text) as { _error?: { title?: unknown; message?: unknown } };
    const msg = typeof j._error?.message === 'string' ? j._error.message : typeof j._error?.title === 'string' ? j._error.title : '';
    return msg.length > 200 ? `${msg.slice(0, 200)}…` : msg;
  } catch {
    return '';
  }
}
