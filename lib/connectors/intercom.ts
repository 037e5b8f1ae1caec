/**
 * Intercom connector: Intercom's REST API 2.16 (test/contracts/specs/intercom-2.16.api.intercom.io.yaml)
 * at https://api.intercom.io (or the EU / AU regions' addresses), with an app's access token.
 *
 * - Internal notes are replies with `message_type: note`, `type: admin` and the token's admin
 *   as `admin_id` (from `GET /me`): never visible to the customer. Each carries the
 *   `Backline ref` marker, which `findNote` looks for in the conversation's parts.
 * - Reopen and unsnooze are both `POST /conversations/{id}/parts` with `message_type: open`.
 * - The connection's account is the workspace's `app.id_code` from `GET /me`: the id in
 *   app.intercom.com/a/inbox/<id>/…, so the connection serves that workspace's pages.
 * - Auth is `Authorization: Bearer`, with the `Intercom-Version` header; cookies never sent.
 */
import { DESCRIPTORS } from '../helpdesks';
import type { ConversationStatus } from '../model/helpdesk';
import type { PreviewMessage } from '../model/views';
import { noteMarker } from './chatwoot';
import { HttpClient, type Method } from './http';
import { htmlToText, textToHtml } from './plain-text';
import { ConnectorError, type CallOptions, type Connector, type ConnectorOptions, type ConversationSnapshot, type StatusSnapshot } from './types';

export interface IntercomConfig {
  /** https://api.intercom.io, https://api.eu.intercom.io or https://api.au.intercom.io. */
  baseUrl: string;
  token: string;
}

/** The API version Backline is written and contract-tested against. */
export const INTERCOM_VERSION = '2.16';

/** Intercom's conversation states in Backline's terms: the descriptor's mapping. */
const STATES: Readonly<Record<string, ConversationStatus>> = DESCRIPTORS.intercom.statuses;
const MARKER_AT_END = /\s*\(Backline ref [0-9a-zA-Z_-]+\)\s*(<\/p>)?\s*$/;

interface IcAuthor {
  type?: string;
  id?: string;
  name?: string | null;
  email?: string | null;
}
interface IcPart {
  id: string;
  part_type?: string;
  body?: string | null;
  created_at?: number;
  author?: IcAuthor | null;
  attachments?: unknown[];
}
interface IcConversation {
  id: string;
  state?: string;
  snoozed_until?: number | null;
  title?: string | null;
  created_at?: number;
  source?: { id?: string; subject?: string | null; body?: string | null; author?: IcAuthor | null; attachments?: unknown[] } | null;
  conversation_parts?: { conversation_parts?: IcPart[] } | null;
}
interface IcMe {
  type?: string;
  id?: string | number;
  name?: string;
  email?: string;
  app?: { id_code?: string; name?: string; region?: string } | null;
}

/** Part types that are something said (the rest are events: assignment, open, close…). */
const SAID = new Set(['comment', 'note', 'quick_reply']);

const isId = (s: string) => /^[1-9][0-9]{0,19}$/.test(s);

export class IntercomConnector implements Connector {
  readonly helpdesk = 'intercom' as const;
  private readonly http: HttpClient;
  private me: Promise<IcMe> | null = null;

  constructor(config: IntercomConfig, options: ConnectorOptions = {}) {
    this.http = new HttpClient({
      ...options,
      name: 'Intercom',
      root: config.baseUrl,
      auth: () => ({ authorization: `Bearer ${config.token}`, 'intercom-version': INTERCOM_VERSION }),
      credentialHint: "Check the connection's Access token on the options page (Developer Hub → your app → Configure → Authentication).",
      baseUrlHint: 'https://api.intercom.io, or https://api.eu.intercom.io / https://api.au.intercom.io for those regions',
      // Intercom says when the rate-limit window resets, as a unix time.
      retryAfterHeaders: ['x-ratelimit-reset'],
      explain: (status, what) => {
        if (status === 403) {
          return {
            kind: 'unauthorized',
            message: `Intercom did not allow this access token to access ${what} (403). In the Developer Hub, give the app the “Read and write conversations” permission.`,
          };
        }
        return undefined;
      },
    });
  }

  private conversationPath(id: string): string {
    if (!isId(id)) throw new ConnectorError('invalid', `“${id}” is not an Intercom conversation id.`);
    return `/conversations/${id}`;
  }

  /** `GET /me` once per connector: the admin notes are written as, and the workspace. */
  private identify(opts: CallOptions): Promise<IcMe> {
    this.me ??= this.call<IcMe>('GET', '/me', { ...opts, what: 'the admin of the access token' }).then(
      (me) => {
        if (!me || typeof me !== 'object' || me.id === undefined || me.id === null) throw this.http.notApi();
        return me;
      },
      (e: unknown) => {
        this.me = null;
        throw e;
      },
    );
    return this.me;
  }

  private async adminId(opts: CallOptions): Promise<string> {
    return String((await this.identify(opts)).id);
  }

  /** The workspace the token belongs to (`app.id_code`), the account of the connection. */
  async apiAccount(opts: CallOptions = {}): Promise<string> {
    const code = (await this.identify(opts)).app?.id_code;
    if (!code) throw new ConnectorError('invalid', 'Intercom did not say which workspace this access token belongs to (GET /me has no app.id_code).');
    return code;
  }

  private getConversation(id: string, opts: CallOptions): Promise<IcConversation> {
    return this.call<IcConversation>('GET', this.conversationPath(id), { ...opts, what: `conversation ${id}`, query: { display_as: 'plaintext' } });
  }

  async readConversation(conversationId: string, opts: CallOptions & { limit?: number } = {}): Promise<ConversationSnapshot> {
    const conv = await this.getConversation(conversationId, opts);
    const limit = opts.limit ?? 50;
    const customer = conv.source?.author;
    const first: PreviewMessage[] = conv.source
      ? [
          {
            id: String(conv.source.id ?? `source-${conv.id}`),
            kind: customer?.type === 'admin' || customer?.type === 'bot' ? 'outgoing' : 'incoming',
            author: str(customer?.name) || 'Customer',
            text: plain(conv.source.body) || attachmentsText(conv.source.attachments),
            at: (conv.created_at ?? 0) * 1000,
          },
        ]
      : [];
    const parts = partsOf(conv).map(toPreview);
    return {
      ...statusOf(conv),
      customerName: customer?.type === 'admin' ? '' : str(customer?.name),
      customerEmail: customer?.type === 'admin' ? '' : str(customer?.email),
      company: '',
      title: str(conv.title) || htmlToText(str(conv.source?.subject)),
      messages: [...first, ...parts].slice(-limit),
    };
  }

  async readStatus(conversationId: string, opts: CallOptions = {}): Promise<StatusSnapshot> {
    return statusOf(await this.getConversation(conversationId, opts));
  }

  async postInternalNote(conversationId: string, text: string, opts: CallOptions & { idempotencyKey: string }): Promise<{ messageId: string }> {
    const path = `${this.conversationPath(conversationId)}/reply`;
    const adminId = await this.adminId(opts);
    const body = textToHtml(`${text}\n\n${noteMarker(opts.idempotencyKey)}`);
    const conv = await this.call<IcConversation>('POST', path, {
      ...opts,
      body: { message_type: 'note', type: 'admin', admin_id: adminId, body },
      what: `conversation ${conversationId}`,
    });
    const marker = noteMarker(opts.idempotencyKey);
    const part = partsOf(conv).find((p) => p.part_type === 'note' && str(p.body).includes(marker)) ?? partsOf(conv).at(-1);
    return { messageId: String(part?.id ?? '') };
  }

  async findNote(conversationId: string, idempotencyKey: string, opts: CallOptions & { since: number }): Promise<{ messageId: string } | null> {
    const marker = noteMarker(idempotencyKey);
    // A conversation answers with its latest 500 parts, the only listing Intercom has.
    const hit = partsOf(await this.getConversation(conversationId, opts)).find((p) => p.part_type === 'note' && str(p.body).includes(marker));
    return hit ? { messageId: String(hit.id) } : null;
  }

  async reopen(conversationId: string, opts: CallOptions = {}): Promise<StatusSnapshot> {
    const adminId = await this.adminId(opts);
    const conv = await this.call<IcConversation>('POST', `${this.conversationPath(conversationId)}/parts`, {
      ...opts,
      body: { message_type: 'open', admin_id: adminId },
      what: `conversation ${conversationId}`,
    });
    return statusOf(conv);
  }

  unsnooze(conversationId: string, opts: CallOptions = {}): Promise<StatusSnapshot> {
    // Opening a snoozed conversation ends its snooze.
    return this.reopen(conversationId, opts);
  }

  async verify(opts: CallOptions = {}): Promise<string> {
    const me = await this.identify(opts);
    const workspace = await this.apiAccount(opts);
    const who = [me.name, me.email ? `(${me.email})` : ''].filter(Boolean).join(' ');
    return `Connected to Intercom workspace ${me.app?.name ? `${me.app.name} (${workspace})` : workspace} as ${who || `admin ${me.id}`}.`;
  }

  private call<T>(method: Method, path: string, opts: CallOptions & { body?: unknown; what: string; query?: Record<string, string | number | undefined> }): Promise<T> {
    return this.http.json<T>(method, path, opts);
  }
}

function statusOf(conv: IcConversation): StatusSnapshot {
  if (!conv || typeof conv !== 'object' || typeof conv.state !== 'string') {
    throw new ConnectorError('invalid', "Intercom's answer had no conversation state.");
  }
  const status = STATES[conv.state] ?? 'unknown';
  return { status, snoozedUntil: status === 'snoozed' && conv.snoozed_until ? conv.snoozed_until * 1000 : null };
}

function partsOf(conv: IcConversation): IcPart[] {
  const parts = conv?.conversation_parts?.conversation_parts;
  return Array.isArray(parts) ? parts : [];
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** Bodies are plain text with `display_as=plaintext`, HTML otherwise (notes, writes' answers). */
function plain(body: string | null | undefined): string {
  const s = str(body);
  return /<[a-z][^>]*>/i.test(s) ? htmlToText(s) : s.trim();
}

function attachmentsText(a: unknown[] | undefined): string {
  return a?.length ? `(${a.length} attachment${a.length === 1 ? '' : 's'})` : '';
}

function toPreview(p: IcPart): PreviewMessage {
  const type = p.part_type ?? '';
  const by = p.author?.type ?? '';
  const kind: PreviewMessage['kind'] = type === 'note' ? 'note' : !SAID.has(type) ? 'event' : by === 'user' || by === 'lead' || by === 'contact' ? 'incoming' : 'outgoing';
  let text = plain(p.body).replace(MARKER_AT_END, '');
  if (kind === 'event' && !text) text = `${str(p.author?.name) || 'Intercom'}: ${type.replace(/_/g, ' ')}`;
  if (!text) text = attachmentsText(p.attachments);
  return { id: String(p.id), kind, author: str(p.author?.name) || (kind === 'incoming' ? 'Customer' : kind === 'event' ? 'Intercom' : 'Agent'), text, at: (p.created_at ?? 0) * 1000 };
}
