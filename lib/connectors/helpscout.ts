/**
 * Help Scout connector: the Mailbox API 2.0 (test/contracts/specs/helpscout.*.json), given the
 * App ID and App secret of a "My App" (OAuth2 client credentials).
 *
 * - The App ID and secret are swapped for a Bearer token at `POST /v2/oauth2/token`. The token is
 *   kept in the worker's memory (never stored) until shortly before it expires, and fetched again
 *   when the API refuses it (401) before it was due to expire.
 * - Internal notes are note threads (`POST /v2/conversations/{id}/notes`): never sent to the
 *   customer. They carry no `status`, so posting one changes nothing else.
 * - Snoozing is separate from the status in Help Scout (a snoozed conversation stays active), so a
 *   conversation with a snooze reads as Snoozed; reopening deletes the snooze (which Help Scout
 *   documents as also reactivating it) and sets a pending or closed one back to active.
 */
import { helpscout } from '../helpdesks/helpscout';
import type { ConversationStatus } from '../model/helpdesk';
import type { PreviewMessage } from '../model/views';
import { HttpClient, type HttpAnswer, type Method, type RequestOptions } from './http';
import { noteMarker } from './chatwoot';
import { htmlToText, textToHtml } from './plain-text';
import { ConnectorError, type CallOptions, type Connector, type ConnectorOptions, type ConversationSnapshot, type StatusSnapshot } from './types';

export interface HelpScoutConfig {
  /** https://api.helpscout.net (or a proxy in front of it). */
  baseUrl: string;
  appId: string;
  appSecret: string;
}

export interface HelpScoutOptions extends ConnectorOptions {
  /** The clock the token's expiry is measured with (tests). */
  now?: () => number;
}

const MARKER_AT_END = /\s*\(Backline ref [0-9a-zA-Z_-]+\)\s*$/;

/** Help Scout pages threads 50 at a time, newest first. */
const MAX_PAGES = 10;
/** Clock skew between this browser and the helpdesk that a note search tolerates. */
const FIND_SKEW_MS = 10 * 60 * 1000;
/** A token is fetched again this long before Help Scout says it expires (at most half its life). */
const EXPIRY_MARGIN_MS = 60_000;

interface Token {
  value: string;
  expiresAt: number;
}

/**
 * Tokens by Base URL, App ID and secret, for as long as the worker runs: every connector instance
 * (one per outbox effect or preview) shares them, so a burst of effects costs one token request.
 */
const tokens = new Map<string, Promise<Token>>();

/** Failures of the token request itself (as opposed to the API refusing a token). */
const tokenErrors = new WeakSet<Error>();

/** Forgets every cached token (tests; a worker restart does the same). */
export function clearHelpScoutTokens(): void {
  tokens.clear();
}

interface HsPerson {
  id?: number;
  type?: string;
  first?: string;
  last?: string;
  email?: string;
}

interface HsThread {
  id: number;
  type?: string;
  status?: string;
  state?: string;
  body?: string;
  action?: { text?: string } | null;
  createdBy?: HsPerson | null;
  customer?: HsPerson | null;
  createdAt?: string;
}

interface HsConversation {
  id: number;
  status?: string;
  subject?: string;
  primaryCustomer?: HsPerson | null;
  snooze?: { snoozedUntil?: string; unsnoozeOnCustomerReply?: boolean } | null;
}

interface HsThreadPage {
  _embedded?: { threads?: HsThread[] };
  page?: { number?: number; totalPages?: number };
}

const isId = (s: string) => /^[1-9][0-9]{0,18}$/.test(s);

export class HelpScoutConnector implements Connector {
  readonly helpdesk = 'helpscout' as const;
  private readonly http: HttpClient;
  private readonly tokenHttp: HttpClient;
  private readonly now: () => number;
  private readonly tokenKey: string;

  constructor(
    private readonly config: HelpScoutConfig,
    options: HelpScoutOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    const common = {
      ...options,
      name: 'Help Scout',
      root: config.baseUrl,
      baseUrlHint: 'it should be https://api.helpscout.net',
      retryAfterHeaders: ['x-ratelimit-retry-after'],
      errorDetail: helpScoutErrorDetail,
    };
    this.tokenKey = `${this.normalizedRoot()}\n${config.appId}\n${config.appSecret}`;
    this.tokenHttp = new HttpClient({
      ...common,
      auth: () => ({}),
      credentialHint: 'Check the App ID and App secret.',
      explain: (status) =>
        status === 400 || status === 401
          ? {
              kind: 'unauthorized',
              message: `Help Scout refused the App ID and App secret (${status}). Check both under your avatar → My Apps in Help Scout, and that the app's user is still an active user of the account.`,
            }
          : undefined,
    });
    this.http = new HttpClient({
      ...common,
      auth: async () => ({ authorization: `Bearer ${(await this.token()).value}` }),
      credentialHint: "Check the connection's App ID and App secret on the options page, and that the app's user is still an active user.",
      explain: (status, what) => {
        if (status === 401) {
          return {
            kind: 'unauthorized',
            message: "Help Scout refused the token issued for the App ID and App secret (401). Check that the app's user is still an active user of the account.",
          };
        }
        if (status === 403) {
          return { kind: 'unauthorized', message: `Help Scout did not allow the app's user to access ${what} (403). Give that user access to the mailbox.` };
        }
        if (status === 404) {
          return {
            kind: 'not_found',
            message: `Help Scout has no ${what} that the app's user can see (404). It may have been deleted, or it is in a mailbox that user cannot access.`,
          };
        }
        return undefined;
      },
    });
  }

  private normalizedRoot(): string {
    return this.config.baseUrl.replace(/\/+$/, '');
  }

  private get root(): string {
    return this.http.root;
  }

  /** The cached token, or a new one when there is none or it is about to expire. */
  private async token(): Promise<Token> {
    const cached = tokens.get(this.tokenKey);
    if (cached) {
      const t = await cached.catch(() => null);
      if (t && this.now() < t.expiresAt) return t;
      if (tokens.get(this.tokenKey) === cached) tokens.delete(this.tokenKey);
      else return this.token();
    }
    const fetching = this.fetchToken();
    tokens.set(this.tokenKey, fetching);
    // A failed request must not stay cached: the next call asks again.
    fetching.catch(() => {
      if (tokens.get(this.tokenKey) === fetching) tokens.delete(this.tokenKey);
    });
    return fetching;
  }

  private async fetchToken(): Promise<Token> {
    if (!this.config.appId.trim() || !this.config.appSecret.trim()) {
      throw new ConnectorError('unauthorized', 'The Help Scout connection has no App ID or App secret. Enter both on the options page.');
    }
    const startedAt = this.now();
    let r: { access_token?: unknown; expires_in?: unknown };
    try {
      // Help Scout takes the token request as JSON, a form or query parameters alike.
      r = await this.tokenHttp.json('POST', '/v2/oauth2/token', {
        what: 'a token for the App ID',
        body: { grant_type: 'client_credentials', client_id: this.config.appId, client_secret: this.config.appSecret },
      });
    } catch (e) {
      if (e instanceof Error) tokenErrors.add(e);
      throw e;
    }
    if (typeof r.access_token !== 'string' || !r.access_token) throw this.tokenHttp.notApi();
    const lifeMs = typeof r.expires_in === 'number' && r.expires_in > 0 ? r.expires_in * 1000 : 0;
    return { value: r.access_token, expiresAt: startedAt + lifeMs - Math.min(EXPIRY_MARGIN_MS, lifeMs / 2) };
  }

  /**
   * One API request. A 401 with a cached token means Help Scout no longer takes that token
   * (revoked, or expired early): it is dropped and the request made once more with a new one.
   * A refused request was not applied, so repeating a write cannot apply it twice.
   */
  private async send<T>(method: Method, path: string, opts: RequestOptions): Promise<HttpAnswer<T>> {
    const used = tokens.get(this.tokenKey);
    try {
      return await this.http.request<T>(method, path, opts);
    } catch (e) {
      // Only a token that was already cached can have gone stale; a refusal of a token fetched
      // for this very request, or of the App ID and secret themselves, would only repeat.
      if (!(e instanceof ConnectorError) || e.status !== 401 || used === undefined || tokenErrors.has(e)) throw e;
      if (tokens.get(this.tokenKey) === used) tokens.delete(this.tokenKey);
      return this.http.request<T>(method, path, opts);
    }
  }

  private async json<T>(method: Method, path: string, opts: RequestOptions): Promise<T> {
    const answer = await this.send<T>(method, path, opts);
    if (answer.data === null || typeof answer.data !== 'object') throw this.http.notApi(method !== 'GET', answer.status);
    return answer.data;
  }

  private conversationPath(conversationId: string): string {
    if (!isId(conversationId)) throw new ConnectorError('invalid', `“${conversationId}” is not a Help Scout conversation id.`);
    return `/v2/conversations/${conversationId}`;
  }

  async readConversation(conversationId: string, opts: CallOptions & { limit?: number } = {}): Promise<ConversationSnapshot> {
    const what = `conversation ${conversationId}`;
    const conv = await this.json<HsConversation>('GET', this.conversationPath(conversationId), { ...opts, what });
    const limit = opts.limit ?? 50;
    const threads: HsThread[] = [];
    for (let page = 1; page <= MAX_PAGES && threads.length < limit; page++) {
      const r = await this.threadsPage(conversationId, page, opts);
      threads.push(...r.threads);
      if (!r.more) break;
    }
    const customer = conv.primaryCustomer ?? null;
    const customerName = personName(customer);
    return {
      ...statusOf(conv),
      customerName,
      customerEmail: str(customer?.email),
      company: '',
      title: str(conv.subject),
      messages: threads
        .slice(0, limit)
        .reverse()
        .filter((t) => t.state !== 'draft' && t.state !== 'hidden')
        .map((t) => toPreview(t, customerName)),
    };
  }

  async readStatus(conversationId: string, opts: CallOptions = {}): Promise<StatusSnapshot> {
    return statusOf(await this.json<HsConversation>('GET', this.conversationPath(conversationId), { ...opts, what: `conversation ${conversationId}` }));
  }

  async postInternalNote(conversationId: string, text: string, opts: CallOptions & { idempotencyKey: string }): Promise<{ messageId: string }> {
    // Help Scout shows a note's text as HTML: escape it so that it reads as written.
    const body = { text: textToHtml(`${text}\n\n${noteMarker(opts.idempotencyKey)}`, 'lines') };
    const r = await this.send<{ id?: number }>('POST', `${this.conversationPath(conversationId)}/notes`, { ...opts, body, what: `conversation ${conversationId}` });
    // 201 Created with the new thread's id in the Resource-ID header and no body.
    return { messageId: r.headers.get('resource-id') ?? (r.data?.id !== undefined ? String(r.data.id) : '') };
  }

  async findNote(conversationId: string, idempotencyKey: string, opts: CallOptions & { since: number }): Promise<{ messageId: string } | null> {
    const marker = noteMarker(idempotencyKey);
    for (let page = 1; page <= MAX_PAGES; page++) {
      const r = await this.threadsPage(conversationId, page, opts);
      const hit = r.threads.find((t) => t.type === 'note' && typeof t.body === 'string' && t.body.includes(marker));
      if (hit) return { messageId: String(hit.id) };
      const oldest = r.threads.at(-1);
      // Newest first: once a page reaches back before the first attempt, the note is not older.
      if (!r.more || !oldest || toMs(oldest.createdAt) < opts.since - FIND_SKEW_MS) return null;
    }
    return null;
  }

  async reopen(conversationId: string, opts: CallOptions = {}): Promise<StatusSnapshot> {
    const what = `conversation ${conversationId}`;
    const path = this.conversationPath(conversationId);
    const conv = await this.json<HsConversation>('GET', path, { ...opts, what });
    if (conv.snooze) {
      // Documented to reactivate the conversation as well, where needed.
      await this.send('DELETE', `${path}/snooze`, { ...opts, what });
    } else if (conv.status !== 'active') {
      await this.send('PATCH', path, { ...opts, body: { op: 'replace', path: '/status', value: 'active' }, what });
    }
    return { status: 'open', snoozedUntil: null };
  }

  async unsnooze(conversationId: string, opts: CallOptions = {}): Promise<StatusSnapshot> {
    await this.send('DELETE', `${this.conversationPath(conversationId)}/snooze`, { ...opts, what: `conversation ${conversationId}` });
    return { status: 'open', snoozedUntil: null };
  }

  async verify(opts: CallOptions = {}): Promise<string> {
    const me = await this.json<{ id?: number; firstName?: string; lastName?: string; email?: string; role?: string }>('GET', '/v2/users/me', {
      ...opts,
      what: 'the user of the app',
    });
    const name = [me.firstName, me.lastName].filter(Boolean).join(' ');
    const who = name && me.email ? `${name} (${me.email})` : name || me.email || `user ${me.id ?? '?'}`;
    return `Connected to Help Scout at ${this.root} as ${who}${me.role ? `, ${me.role}` : ''}. Notes are posted in that user's name.`;
  }

  private async threadsPage(conversationId: string, page: number, opts: CallOptions): Promise<{ threads: HsThread[]; more: boolean }> {
    const r = await this.json<HsThreadPage>('GET', `${this.conversationPath(conversationId)}/threads`, {
      ...opts,
      query: page > 1 ? { page } : undefined,
      what: `conversation ${conversationId}`,
    });
    // HAL leaves `_embedded` out when there is nothing to embed; the page object still says so.
    const threads = r._embedded?.threads ?? (r._embedded || r.page ? [] : null);
    if (!Array.isArray(threads)) throw this.http.notApi();
    const total = r.page?.totalPages ?? 1;
    return { threads, more: page < total && threads.length > 0 };
  }
}

function statusOf(conv: HsConversation): StatusSnapshot {
  if (typeof conv !== 'object' || conv === null || typeof conv.status !== 'string') {
    throw new ConnectorError('invalid', "Help Scout's answer had no conversation status.");
  }
  const status: ConversationStatus = helpscout.statuses[conv.status] ?? 'unknown';
  if (conv.snooze && status !== 'closed') {
    const until = toMs(conv.snooze.snoozedUntil);
    return { status: 'snoozed', snoozedUntil: until || null };
  }
  return { status, snoozedUntil: null };
}

function toMs(v: string | undefined): number {
  const t = typeof v === 'string' ? Date.parse(v) : NaN;
  return Number.isNaN(t) ? 0 : t;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function personName(p: HsPerson | null | undefined): string {
  return [p?.first, p?.last].filter((s) => typeof s === 'string' && s).join(' ') || str(p?.email);
}

function toPreview(t: HsThread, customerName: string): PreviewMessage {
  const type = t.type ?? '';
  const byCustomer = type === 'customer' || t.createdBy?.type === 'customer';
  const kind: PreviewMessage['kind'] = type === 'note' ? 'note' : type === 'lineitem' ? 'event' : byCustomer ? 'incoming' : 'outgoing';
  const author = kind === 'event' ? 'Help Scout' : personName(t.createdBy) || (kind === 'incoming' ? customerName || 'Customer' : 'Agent');
  // The idempotency marker is for Backline, not for the person reading the preview.
  const text = kind === 'event' ? str(t.action?.text) || htmlToText(str(t.body)) : htmlToText(str(t.body)).replace(MARKER_AT_END, '');
  return { id: String(t.id), kind, author, text, at: toMs(t.createdAt) };
}

/** Help Scout's error body: a message and, for validation errors, one line per field. */
function helpScoutErrorDetail(text: string): string {
  try {
    const j = JSON.parse(text) as { message?: unknown; error_description?: unknown; _embedded?: { errors?: { path?: unknown; message?: unknown }[] } };
    const fields = (j._embedded?.errors ?? []).map((e) => [e.path, e.message].filter((x) => typeof x === 'string' && x).join(': ')).filter(Boolean);
    const msg = [typeof j.message === 'string' ? j.message : typeof j.error_description === 'string' ? j.error_description : '', ...fields].filter(Boolean).join('; ');
    return msg.length > 200 ? `${msg.slice(0, 200)}…` : msg;
  } catch {
    return '';
  }
}
