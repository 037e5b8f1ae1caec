/**
 * Gorgias connector: Gorgias's REST API (test/contracts/specs/gorgias.endpoints.json), given the
 * account's address (https://{account}.gorgias.com), the email a user signs in with and that
 * user's API key (HTTP Basic `email:api_key`, the private-app scheme).
 *
 * - Internal notes are ticket messages on the `internal-note` channel: not public, from the agent.
 * - Reopen sets the ticket's status to `open` and clears its snooze; a ticket with a snooze time
 *   in the future reads as snoozed (Gorgias reopens it by itself then).
 * - Gorgias allows an API-key integration 40 requests per 20 s. Backline keeps under that itself
 *   (a request over the budget is not sent and fails as rate-limited, saying when to try again),
 *   and a 429 from Gorgias pauses every request to that account for its Retry-after.
 */
import type { ConversationStatus } from '../model/helpdesk';
import type { PreviewMessage } from '../model/views';
import { noteMarker } from './chatwoot';
import { basicAuth, HttpClient, jsonErrorDetail, type Method } from './http';
import { htmlToText, textToHtml } from './plain-text';
import { withoutMarker } from './note-text';
import {
  ConnectorError,
  formatDelay,
  isConnectorError,
  type CallOptions,
  type Connector,
  type ConnectorOptions,
  type ConversationSnapshot,
  type StatusSnapshot,
} from './types';

export interface GorgiasConfig {
  /** e.g. https://acme.gorgias.com */
  baseUrl: string;
  email: string;
  apiKey: string;
}

/** Gorgias's documented limit for API-key integrations. */
export const GORGIAS_REQUESTS_PER_WINDOW = 40;
export const GORGIAS_WINDOW_MS = 20_000;

const STATUSES: Record<string, ConversationStatus> = { open: 'open', closed: 'closed' };

interface GgPerson {
  id?: number;
  name?: string | null;
  firstname?: string | null;
  lastname?: string | null;
  email?: string | null;
}

interface GgMessage {
  id: number;
  channel?: string;
  via?: string;
  from_agent?: boolean;
  public?: boolean;
  body_text?: string | null;
  body_html?: string | null;
  sender?: GgPerson | null;
  created_datetime?: string;
}

interface GgTicket {
  id: number;
  status?: string;
  subject?: string | null;
  snooze_datetime?: string | null;
  customer?: GgPerson | null;
  messages?: GgMessage[];
}

/** Clock skew between this browser and the helpdesk that a note search tolerates. */
const FIND_SKEW_MS = 10 * 60 * 1000;

/**
 * Requests sent per account (and user) in the current window, and until when Gorgias asked to
 * wait. Module state, because each delivery makes a new connector, while the budget is the
 * account's.
 */
const pacing = new Map<string, { sent: number[]; blockedUntil: number }>();

/** Forgets the request budget (tests start each case with a full one). */
export function resetGorgiasPacing(): void {
  pacing.clear();
}

const isId = (s: string) => /^[1-9][0-9]{0,18}$/.test(s);
const nameOf = (p: GgPerson | null | undefined) => p?.name || [p?.firstname, p?.lastname].filter(Boolean).join(' ');

export class GorgiasConnector implements Connector {
  readonly helpdesk = 'gorgias' as const;
  private readonly http: HttpClient;
  private readonly budgetKey: string;

  constructor(
    private readonly config: GorgiasConfig,
    options: ConnectorOptions = {},
  ) {
    this.budgetKey = `${config.baseUrl.replace(/\/+$/, '')} ${config.email}`;
    this.http = new HttpClient({
      ...options,
      name: 'Gorgias',
      root: config.baseUrl,
      auth: () => basicAuth(config.email, config.apiKey),
      credentialHint: "Check the connection's Email and API key on the options page (Gorgias: Settings → REST API).",
      baseUrlHint: 'it should be https://<your account>.gorgias.com',
      // {"error": {"msg": "...", "data": {"field": ["..."]}}}
      errorDetail: (body) => {
        try {
          const j = JSON.parse(body) as { error?: { msg?: unknown; data?: Record<string, unknown> } };
          if (j.error && typeof j.error.msg === 'string') {
            const data = Object.entries(j.error.data ?? {}).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(' ') : String(v)}`);
            return [j.error.msg, ...data].join('; ').slice(0, 200);
          }
        } catch {
          /* not JSON */
        }
        return jsonErrorDetail(body);
      },
    });
  }

  private ticketPath(id: string): string {
    if (!isId(id)) throw new ConnectorError('invalid', `“${id}” is not a Gorgias ticket number.`);
    return `/api/tickets/${id}`;
  }

  private async ticket(id: string, opts: CallOptions): Promise<GgTicket> {
    const t = await this.call<GgTicket>('GET', this.ticketPath(id), { ...opts, what: `ticket ${id}` });
    if (typeof t !== 'object' || t === null || typeof t.status !== 'string') throw new ConnectorError('invalid', "Gorgias's answer had no ticket status.");
    return t;
  }

  async readConversation(conversationId: string, opts: CallOptions & { limit?: number } = {}): Promise<ConversationSnapshot> {
    const t = await this.ticket(conversationId, opts);
    const messages = [...(t.messages ?? [])].sort((a, b) => toMs(a.created_datetime) - toMs(b.created_datetime) || a.id - b.id);
    return {
      ...statusOf(t),
      customerName: nameOf(t.customer),
      customerEmail: t.customer?.email ?? '',
      company: '',
      title: t.subject ?? '',
      messages: messages.slice(-(opts.limit ?? 50)).map((m) => toPreview(m, nameOf(t.customer))),
    };
  }

  async readStatus(conversationId: string, opts: CallOptions = {}): Promise<StatusSnapshot> {
    return statusOf(await this.ticket(conversationId, opts));
  }

  async postInternalNote(conversationId: string, text: string, opts: CallOptions & { idempotencyKey: string }): Promise<{ messageId: string }> {
    const full = `${text}\n\n${noteMarker(opts.idempotencyKey)}`;
    const body = {
      channel: 'internal-note',
      via: 'api',
      from_agent: true,
      public: false,
      sender: { email: this.config.email },
      body_text: full,
      body_html: textToHtml(full),
    };
    const m = await this.call<GgMessage>('POST', `${this.ticketPath(conversationId)}/messages`, { ...opts, body, what: `ticket ${conversationId}` });
    return { messageId: String(m.id ?? '') };
  }

  async findNote(conversationId: string, idempotencyKey: string, opts: CallOptions & { since: number }): Promise<{ messageId: string } | null> {
    const marker = noteMarker(idempotencyKey);
    const t = await this.ticket(conversationId, opts);
    const hit = (t.messages ?? []).find(
      (m) => m.channel === 'internal-note' && textOf(m).includes(marker) && toMs(m.created_datetime) >= opts.since - FIND_SKEW_MS,
    );
    return hit ? { messageId: String(hit.id) } : null;
  }

  async reopen(conversationId: string, opts: CallOptions = {}): Promise<StatusSnapshot> {
    const t = await this.call<GgTicket>('PUT', this.ticketPath(conversationId), {
      ...opts,
      body: { status: 'open', snooze_datetime: null },
      what: `ticket ${conversationId}`,
    });
    return typeof t?.status === 'string' ? statusOf(t) : { status: 'unknown', snoozedUntil: null };
  }

  unsnooze(conversationId: string, opts: CallOptions = {}): Promise<StatusSnapshot> {
    // The same request: status open, snooze cleared.
    return this.reopen(conversationId, opts);
  }

  async verify(opts: CallOptions = {}): Promise<string> {
    const r = await this.call<{ data?: unknown[] }>('GET', '/api/tickets', { ...opts, query: { limit: 1 }, what: 'the tickets' });
    if (!Array.isArray(r?.data)) throw this.http.notApi();
    const account = /^https:\/\/([a-z0-9-]+)\.gorgias\.com$/.exec(this.http.root)?.[1];
    return `Connected to Gorgias${account ? ` account ${account}` : ''} at ${this.http.root} as ${this.config.email}.`;
  }

  private async call<T>(method: Method, path: string, opts: CallOptions & { body?: unknown; query?: Record<string, number>; what: string }): Promise<T> {
    this.take();
    try {
      return await this.http.json<T>(method, path, opts);
    } catch (e) {
      if (isConnectorError(e) && e.kind === 'rate_limited') this.pause(e.retryAfterMs ?? GORGIAS_WINDOW_MS);
      throw e;
    }
  }

  /** Spends one request of the budget, or fails without sending when none is left. */
  private take(): void {
    const now = Date.now();
    const p = pacing.get(this.budgetKey) ?? { sent: [], blockedUntil: 0 };
    pacing.set(this.budgetKey, p);
    p.sent = p.sent.filter((t) => t > now - GORGIAS_WINDOW_MS);
    const waitMs = Math.max(p.blockedUntil - now, p.sent.length >= GORGIAS_REQUESTS_PER_WINDOW ? p.sent[0]! + GORGIAS_WINDOW_MS - now : 0);
    if (waitMs > 0) {
      throw new ConnectorError(
        'rate_limited',
        `Not sent: Gorgias allows ${GORGIAS_REQUESTS_PER_WINDOW} requests per ${formatDelay(GORGIAS_WINDOW_MS)}, and Backline has used them; it can try again in ${formatDelay(waitMs)}.`,
        { retryAfterMs: waitMs },
      );
    }
    p.sent.push(now);
  }

  private pause(ms: number): void {
    const p = pacing.get(this.budgetKey);
    if (p) p.blockedUntil = Math.max(p.blockedUntil, Date.now() + ms);
  }
}

function statusOf(t: GgTicket): StatusSnapshot {
  const snoozedUntil = toMs(t.snooze_datetime ?? undefined);
  if (snoozedUntil > Date.now()) return { status: 'snoozed', snoozedUntil };
  return { status: STATUSES[t.status ?? ''] ?? 'unknown', snoozedUntil: null };
}

function toMs(v: string | undefined): number {
  const t = typeof v === 'string' ? Date.parse(v) : NaN;
  return Number.isNaN(t) ? 0 : t;
}

function textOf(m: GgMessage): string {
  return m.body_text?.trim() || htmlToText(m.body_html ?? '');
}

function toPreview(m: GgMessage, customerName: string): PreviewMessage {
  const kind: PreviewMessage['kind'] = m.channel === 'internal-note' ? 'note' : m.from_agent ? 'outgoing' : 'incoming';
  const author = nameOf(m.sender) || m.sender?.email || (kind === 'incoming' ? customerName || 'Customer' : 'Agent');
  return { id: String(m.id), kind, author, text: withoutMarker(textOf(m)), at: toMs(m.created_datetime) };
}

