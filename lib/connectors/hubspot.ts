/**
 * HubSpot connector: a help desk ticket (the id in /help-desk/{portal}/…/ticket/{id} is the CRM
 * ticket's), through HubSpot's public APIs (test/contracts/specs/hubspot.*.json), given a private
 * app's access token (`Authorization: Bearer …`). The mapping chosen from those descriptions:
 *
 * - Internal note: a CRM note (`POST /crm/v3/objects/notes`) associated with the ticket
 *   (HUBSPOT_DEFINED type 228, note → ticket). A note is a CRM record, never a message to the
 *   customer, and it shows on the ticket's timeline in the help desk whether or not the ticket
 *   has a conversation thread. (A thread COMMENT would be internal too, but a ticket created by
 *   hand or by a form has no thread to comment on.)
 * - Status: the ticket's pipeline stage, in HubSpot's default ticket pipeline ("0"): 1 New and
 *   3 Waiting on us are open, 2 Waiting on contact is pending, 4 Closed is closed. A ticket in
 *   another pipeline has stage ids Backline cannot interpret without the pipelines API, so there
 *   the associated conversation thread's status (OPEN / CLOSED) is read and set instead.
 * - Reopen: default pipeline, stage 3 "Waiting on us" (the agent has news to act on; "New" would
 *   say nobody ever looked at it); elsewhere the thread's status OPEN. HubSpot has no snooze.
 * - Preview: the associated thread's messages (comments are notes) and the ticket's CRM notes.
 * - The account is the portal the token belongs to (`GET /account-info/v3/details`), the number
 *   in the help desk's page addresses.
 */
import type { ConversationStatus } from '../model/helpdesk';
import type { PreviewMessage } from '../model/views';
import { noteMarker } from './chatwoot';
import { HttpClient, jsonErrorDetail, type Method } from './http';
import { htmlToText, textToHtml } from './plain-text';
import { withoutMarker } from './note-text';
import { ConnectorError, type CallOptions, type Connector, type ConnectorOptions, type ConversationSnapshot, type StatusSnapshot } from './types';

export interface HubSpotConfig {
  /** https://api.hubapi.com */
  baseUrl: string;
  token: string;
}

/** HubSpot's default ticket pipeline and its stages. */
export const DEFAULT_PIPELINE = '0';
const STAGES: Record<string, ConversationStatus> = { '1': 'open', '2': 'pending', '3': 'open', '4': 'closed' };
/** Where a reopened ticket of the default pipeline goes: "Waiting on us". */
export const REOPEN_STAGE = '3';
/** HUBSPOT_DEFINED association type of a note to a ticket. */
export const NOTE_TO_TICKET = 228;

const THREAD_STATUSES: Record<string, ConversationStatus> = { OPEN: 'open', CLOSED: 'closed' };

interface HsObject {
  id: string;
  properties?: Record<string, string | null>;
  createdAt?: string;
  associations?: Record<string, { results?: { id: string }[] }>;
}

interface HsThread {
  id: string;
  status?: string;
}

interface HsMessage {
  id: string;
  type?: string;
  direction?: string;
  text?: string | null;
  richText?: string | null;
  newStatus?: string;
  createdAt?: string;
  senders?: { name?: string; deliveryIdentifier?: { type?: string; value?: string } }[];
}

/** Clock skew between this browser and the helpdesk that a note search tolerates. */
const FIND_SKEW_MS = 10 * 60 * 1000;
/** Notes read per batch (HubSpot's batch read takes up to 100 ids). */
const BATCH = 100;

const isId = (s: string) => /^[1-9][0-9]{0,18}$/.test(s);

export class HubSpotConnector implements Connector {
  readonly helpdesk = 'hubspot' as const;
  private readonly http: HttpClient;

  constructor(config: HubSpotConfig, options: ConnectorOptions = {}) {
    this.http = new HttpClient({
      ...options,
      name: 'HubSpot',
      root: config.baseUrl,
      auth: () => ({ authorization: `Bearer ${config.token}` }),
      credentialHint: "Check the connection's Access token on the options page (HubSpot: Settings → Integrations → Private apps).",
      baseUrlHint: 'HubSpot’s API is https://api.hubapi.com',
      errorDetail: jsonErrorDetail,
      explain: (status, what) =>
        status === 403
          ? {
              kind: 'unauthorized',
              message: `HubSpot did not allow this token to access ${what} (403). Give the private app the scopes tickets, conversations.read, conversations.write, crm.objects.contacts.read and crm.objects.contacts.write (HubSpot files notes under contacts' scopes).`,
            }
          : undefined,
    });
  }

  private ticketPath(id: string, query: Record<string, string[]> = {}): string {
    if (!isId(id)) throw new ConnectorError('invalid', `“${id}” is not a HubSpot ticket number.`);
    // Array parameters are sent exploded (properties=a&properties=b), as the description declares.
    const q = Object.entries(query).flatMap(([k, vs]) => vs.map((v) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`));
    return `/crm/v3/objects/tickets/${id}${q.length ? `?${q.join('&')}` : ''}`;
  }

  private async ticket(id: string, opts: CallOptions, withNotes = false): Promise<HsObject> {
    const t = await this.call<HsObject>(
      'GET',
      this.ticketPath(id, { properties: ['subject', 'hs_pipeline', 'hs_pipeline_stage'], ...(withNotes ? { associations: ['notes'] } : {}) }),
      { ...opts, what: `ticket ${id}` },
    );
    if (typeof t !== 'object' || t === null || typeof t.properties !== 'object' || t.properties === null) throw this.http.notApi();
    return t;
  }

  /** The conversation thread of a ticket, or null when it has none (created by hand, by a form). */
  private async thread(ticketId: string, opts: CallOptions): Promise<HsThread | null> {
    const r = await this.call<{ results?: HsThread[] }>('GET', '/conversations/v3/conversations/threads', {
      ...opts,
      query: { associatedTicketId: ticketId, association: 'TICKET' },
      what: `the conversation of ticket ${ticketId}`,
    });
    if (!Array.isArray(r?.results)) throw this.http.notApi();
    return r.results[0] ?? null;
  }

  private inDefaultPipeline(t: HsObject): boolean {
    return (t.properties?.hs_pipeline ?? DEFAULT_PIPELINE) === DEFAULT_PIPELINE && (t.properties?.hs_pipeline_stage ?? '') in STAGES;
  }

  private async statusOf(t: HsObject, id: string, opts: CallOptions): Promise<StatusSnapshot> {
    if (this.inDefaultPipeline(t)) return { status: STAGES[t.properties!.hs_pipeline_stage!]!, snoozedUntil: null };
    const thread = await this.thread(id, opts);
    return { status: THREAD_STATUSES[thread?.status ?? ''] ?? 'unknown', snoozedUntil: null };
  }

  private async notes(t: HsObject, opts: CallOptions): Promise<HsObject[]> {
    const ids = (t.associations?.notes?.results ?? []).map((r) => r.id);
    const out: HsObject[] = [];
    for (let i = 0; i < ids.length; i += BATCH) {
      const r = await this.call<{ results?: HsObject[] }>('POST', '/crm/v3/objects/notes/batch/read', {
        ...opts,
        body: { inputs: ids.slice(i, i + BATCH).map((id) => ({ id })), properties: ['hs_note_body', 'hs_timestamp'], propertiesWithHistory: [] },
        what: `the notes of ticket ${t.id}`,
      });
      if (!Array.isArray(r?.results)) throw this.http.notApi();
      out.push(...r.results);
    }
    return out;
  }

  async readConversation(conversationId: string, opts: CallOptions & { limit?: number } = {}): Promise<ConversationSnapshot> {
    const t = await this.ticket(conversationId, opts, true);
    const thread = await this.thread(conversationId, opts);
    const status = this.inDefaultPipeline(t)
      ? { status: STAGES[t.properties!.hs_pipeline_stage!]!, snoozedUntil: null }
      : { status: THREAD_STATUSES[thread?.status ?? ''] ?? ('unknown' as const), snoozedUntil: null };
    let messages: HsMessage[] = [];
    if (thread) {
      const r = await this.call<{ results?: HsMessage[] }>('GET', `/conversations/v3/conversations/threads/${encodeURIComponent(thread.id)}/messages`, {
        ...opts,
        what: `the conversation of ticket ${conversationId}`,
      });
      if (!Array.isArray(r?.results)) throw this.http.notApi();
      messages = r.results;
    }
    const customer = messages.find((m) => m.type === 'MESSAGE' && m.direction === 'INCOMING')?.senders?.[0];
    const preview = [
      ...messages.flatMap((m) => toPreview(m)),
      ...(await this.notes(t, opts)).map(noteToPreview),
    ].sort((a, b) => a.at - b.at || a.id.localeCompare(b.id));
    return {
      ...status,
      customerName: customer?.name ?? '',
      customerEmail: customer?.deliveryIdentifier?.type === 'HS_EMAIL_ADDRESS' ? (customer.deliveryIdentifier.value ?? '') : '',
      company: '',
      title: t.properties?.subject ?? '',
      messages: preview.slice(-(opts.limit ?? 50)),
    };
  }

  async readStatus(conversationId: string, opts: CallOptions = {}): Promise<StatusSnapshot> {
    return this.statusOf(await this.ticket(conversationId, opts), conversationId, opts);
  }

  async postInternalNote(conversationId: string, text: string, opts: CallOptions & { idempotencyKey: string }): Promise<{ messageId: string }> {
    if (!isId(conversationId)) throw new ConnectorError('invalid', `“${conversationId}” is not a HubSpot ticket number.`);
    const body = {
      properties: { hs_note_body: textToHtml(`${text}\n\n${noteMarker(opts.idempotencyKey)}`), hs_timestamp: new Date().toISOString() },
      associations: [{ to: { id: conversationId }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: NOTE_TO_TICKET }] }],
    };
    const note = await this.call<HsObject>('POST', '/crm/v3/objects/notes', { ...opts, body, what: `ticket ${conversationId}` });
    return { messageId: String(note?.id ?? '') };
  }

  async findNote(conversationId: string, idempotencyKey: string, opts: CallOptions & { since: number }): Promise<{ messageId: string } | null> {
    const marker = noteMarker(idempotencyKey);
    const t = await this.ticket(conversationId, opts, true);
    const hit = (await this.notes(t, opts)).find(
      (n) => htmlToText(n.properties?.hs_note_body ?? '').includes(marker) && toMs(n.properties?.hs_timestamp ?? n.createdAt) >= opts.since - FIND_SKEW_MS,
    );
    return hit ? { messageId: hit.id } : null;
  }

  async reopen(conversationId: string, opts: CallOptions = {}): Promise<StatusSnapshot> {
    const t = await this.ticket(conversationId, opts);
    if (this.inDefaultPipeline(t)) {
      const after = await this.call<HsObject>('PATCH', this.ticketPath(conversationId), {
        ...opts,
        body: { properties: { hs_pipeline_stage: REOPEN_STAGE } },
        what: `ticket ${conversationId}`,
      });
      return { status: STAGES[after?.properties?.hs_pipeline_stage ?? ''] ?? 'unknown', snoozedUntil: null };
    }
    const thread = await this.thread(conversationId, opts);
    if (!thread) {
      throw new ConnectorError(
        'invalid',
        `HubSpot ticket ${conversationId} is in a pipeline other than the default one and has no conversation thread, so Backline cannot tell which stage reopens it. Reopen it in HubSpot.`,
      );
    }
    const after = await this.call<HsThread>('PATCH', `/conversations/v3/conversations/threads/${encodeURIComponent(thread.id)}`, {
      ...opts,
      body: { status: 'OPEN' },
      what: `the conversation of ticket ${conversationId}`,
    });
    return { status: THREAD_STATUSES[after?.status ?? ''] ?? 'unknown', snoozedUntil: null };
  }

  unsnooze(conversationId: string, opts: CallOptions = {}): Promise<StatusSnapshot> {
    // HubSpot tickets have no snooze; nothing Backline reads is ever snoozed.
    return this.reopen(conversationId, opts);
  }

  /** The portal (hub) id the token belongs to: the number in the help desk's page addresses. */
  async apiAccount(opts: CallOptions = {}): Promise<string> {
    const d = await this.details(opts);
    return String(d.portalId);
  }

  async verify(opts: CallOptions = {}): Promise<string> {
    const d = await this.details(opts);
    return `Connected to HubSpot account ${d.portalId}${d.uiDomain ? ` (${d.uiDomain})` : ''}: the access token is this account's private app.`;
  }

  private async details(opts: CallOptions): Promise<{ portalId: number; uiDomain?: string }> {
    const d = await this.call<{ portalId?: unknown; uiDomain?: unknown }>('GET', '/account-info/v3/details', { ...opts, what: 'the account of the token' });
    if (typeof d?.portalId !== 'number') throw this.http.notApi();
    return { portalId: d.portalId, uiDomain: typeof d.uiDomain === 'string' ? d.uiDomain : undefined };
  }

  private call<T>(method: Method, path: string, opts: CallOptions & { body?: unknown; query?: Record<string, string>; what: string }): Promise<T> {
    return this.http.json<T>(method, path, opts);
  }
}

function toMs(v: string | null | undefined): number {
  if (typeof v !== 'string') return 0;
  const t = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  return Number.isNaN(t) ? 0 : t;
}

function toPreview(m: HsMessage): PreviewMessage[] {
  const at = toMs(m.createdAt);
  const author = m.senders?.[0]?.name || m.senders?.[0]?.deliveryIdentifier?.value || '';
  const text = withoutMarker(m.text?.trim() || htmlToText(m.richText ?? ''));
  if (m.type === 'MESSAGE') {
    const kind = m.direction === 'INCOMING' ? 'incoming' : 'outgoing';
    return [{ id: m.id, kind, author: author || (kind === 'incoming' ? 'Customer' : 'Agent'), text, at }];
  }
  if (m.type === 'COMMENT') return [{ id: m.id, kind: 'note', author: author || 'Agent', text, at }];
  if (m.type === 'THREAD_STATUS_CHANGE') return [{ id: m.id, kind: 'event', author: 'HubSpot', text: `Conversation ${m.newStatus === 'CLOSED' ? 'closed' : 'reopened'}`, at }];
  return [];
}

function noteToPreview(n: HsObject): PreviewMessage {
  return {
    id: `note-${n.id}`,
    kind: 'note',
    author: 'HubSpot',
    text: withoutMarker(htmlToText(n.properties?.hs_note_body ?? '')),
    at: toMs(n.properties?.hs_timestamp ?? n.createdAt),
  };
}
