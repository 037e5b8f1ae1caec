/**
 * The one message protocol between the extension's contexts. Names say their direction:
 * `cs:` content script → background, `ui:` extension page (panel, options) → background,
 * `admin:` options page with admin settings unlocked → background, `bg:` background → pages.
 *
 * Request payloads are described by valibot schemas, so the background validates every
 * message at runtime and the TypeScript types are derived from the same schemas.
 */
import * as v from 'valibot';
import type { WorkspaceStatus } from './model/workspace-docs';
import type { ActivityRecord, ConversationRecord } from './model/records';
import type { Ticket } from './model/domain';
import type { WireError } from './model/errors';
import type { PageContext } from './model/helpdesk';
import { adminRequestSchemas, type AdminResponseMap } from './protocol-admin';
import { deliveryRequestSchemas, type DeliveryResponseMap } from './protocol-deliveries';
import { PageContextSchema } from './protocol-events';
import { AttributeValuesSchema, DescriptionSchema, LinkReasonSchema, NoteBodySchema, TicketFieldSchema, TitleSchema } from './model/schemas';
import type { ActivityPage, Catalog, LinkView, PreviewResult, TicketSummary, TicketView } from './model/views';
import type { WorkspaceSettings } from './model/settings';

// The background → pages events live in their own module, so that pages and the content script
// load those schemas without the requests'; they are part of this protocol all the same.
export * from './protocol-events';

const id = v.pipe(v.string(), v.minLength(1), v.maxLength(200));
const requestId = v.pipe(v.string(), v.regex(/^[0-9a-zA-Z-]{8,64}$/, 'requestId must be a UUID'));
const shortText = (max: number) => v.pipe(v.string(), v.maxLength(max));

/** What the page itself shows about the conversation (best effort, optional). */
const PageDetails = v.strictObject({
  title: v.optional(shortText(500), ''),
  customerName: v.optional(shortText(300), ''),
  customerEmail: v.optional(shortText(300), ''),
  company: v.optional(shortText(300), ''),
});

const ConversationRef = v.strictObject({
  key: shortText(1000),
});

export const requestSchemas = {
  // content script → background: all a content script may say. It reports on its page, the dock
  // it mounted, and focus taken from the dock; it never writes ticket data.
  'cs:pageContext': v.strictObject({ context: v.nullable(PageContextSchema), details: v.optional(PageDetails) }),
  /** The page moved focus out of the dock to an element of its own without the agent clicking in the page. */
  'cs:focusTaken': v.strictObject({}),

  // extension pages → background
  'ui:hello': v.strictObject({ context: v.optional(v.nullable(PageContextSchema)) }),
  'ui:conversationView': v.strictObject({ conversationKey: shortText(1000) }),
  'ui:ticketView': v.strictObject({ ticketId: id }),
  'ui:ticketActivity': v.strictObject({ ticketId: id, before: id }),
  'ui:queryTickets': v.strictObject({
    text: v.optional(shortText(300)),
    stateId: v.optional(id),
    typeId: v.optional(id),
    assigneeId: v.optional(v.nullable(id)),
    limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(500))),
    before: v.optional(v.strictObject({ updatedAt: v.pipe(v.number(), v.finite()), id })),
  }),
  'ui:catalog': v.strictObject({}),
  'ui:createTicket': v.strictObject({
    requestId,
    title: TitleSchema,
    typeId: id,
    description: v.optional(DescriptionSchema),
    assigneeId: v.optional(v.nullable(id)),
    attributes: v.optional(AttributeValuesSchema),
    user: v.optional(TicketFieldSchema),
    company: v.optional(TicketFieldSchema),
    conversation: v.optional(v.nullable(ConversationRef)),
  }),
  'ui:updateTicket': v.strictObject({
    requestId,
    ticketId: id,
    baseVersion: v.pipe(v.number(), v.integer(), v.minValue(1)),
    changes: v.strictObject({
      title: v.optional(TitleSchema),
      description: v.optional(DescriptionSchema),
      user: v.optional(TicketFieldSchema),
      company: v.optional(TicketFieldSchema),
      sharing: v.optional(v.picklist(['internal', 'shared'])),
      assigneeId: v.optional(v.nullable(id)),
      attributes: v.optional(AttributeValuesSchema),
    }),
  }),
  'ui:changeState': v.strictObject({
    requestId,
    ticketId: id,
    baseVersion: v.pipe(v.number(), v.integer(), v.minValue(1)),
    stateId: id,
    propagation: v.optional(
      v.array(v.strictObject({ conversationKey: shortText(1000), note: v.boolean(), reopen: v.boolean() })),
    ),
  }),
  'ui:addNote': v.strictObject({
    requestId,
    ticketId: id,
    body: NoteBodySchema,
    crossPost: v.boolean(),
    // A cross-post to some of the linked conversations only ("Cross-post to"); absent: all of them.
    conversationKeys: v.optional(v.pipe(v.array(shortText(1000)), v.maxLength(1000))),
  }),
  'ui:link': v.strictObject({ requestId, ticketId: id, conversation: ConversationRef }),
  'ui:unlink': v.strictObject({ requestId, ticketId: id, conversationKey: shortText(1000) }),
  /** Sets why a conversation is linked ('' removes the reason). */
  'ui:setLinkReason': v.strictObject({ requestId, ticketId: id, conversationKey: shortText(1000), reason: LinkReasonSchema }),
  'ui:preview': v.strictObject({ conversationKey: shortText(1000) }),
  'ui:retryEffect': v.strictObject({ effectId: id }),
  /** Takes back a state change (by the version it produced) or a cross-posted note (by its id). */
  'ui:undo': v.strictObject({
    requestId,
    ticketId: id,
    target: v.union([v.strictObject({ activityId: id }), v.strictObject({ stateVersion: v.pipe(v.number(), v.integer(), v.minValue(1)) })]),
  }),
  'ui:getSettings': v.strictObject({}),
  /** Asks the content script of the panel's tab whether the page covers the dock (browsers without IntersectionObserver v2). */
  'ui:checkDock': v.strictObject({}),
  'ui:workspaceStatus': v.strictObject({}),
  /** Keeps one of a ticket's competing versions (Conflicting changes). */
  'ui:resolveConflict': v.strictObject({ ticketId: id, rev: shortText(200) }),

  // options page → background (see lib/protocol-admin.ts)
  ...adminRequestSchemas,
  // options page → background: Deliveries (see lib/protocol-deliveries.ts)
  ...deliveryRequestSchemas,
} as const;

export type RequestType = keyof typeof requestSchemas;
export type RequestOf<K extends RequestType> = v.InferOutput<(typeof requestSchemas)[K]>;
export type RequestInput<K extends RequestType> = v.InferInput<(typeof requestSchemas)[K]>;

/** Response types, one per request. A missing entry is a compile error in the handler map. */
export interface ResponseMap extends AdminResponseMap, DeliveryResponseMap {
  'cs:pageContext': { accepted: boolean };
  'cs:focusTaken': { accepted: boolean };
  'ui:hello': { tabId: number | null; context: PageContext | null; conversationKey: string | null; followsActiveTab: boolean };
  'ui:conversationView': { conversation: ConversationRecord | null; linked: TicketSummary[] };
  'ui:ticketView': TicketView;
  /** Activity items older than `before`, a page of them. */
  'ui:ticketActivity': ActivityPage;
  'ui:queryTickets': TicketSummary[];
  'ui:catalog': Catalog;
  'ui:createTicket': Ticket;
  'ui:updateTicket': Ticket;
  'ui:changeState': Ticket;
  /** The note as saved, so the panel shows it at once. */
  'ui:addNote': { id: string; note: ActivityRecord };
  'ui:link': { id: string };
  'ui:unlink': { removed: boolean };
  'ui:setLinkReason': { reason: string };
  'ui:preview': PreviewResult;
  'ui:retryEffect': { queued: boolean };
  'ui:undo': { ticket: Ticket; undo: ActivityRecord };
  'ui:getSettings': WorkspaceSettings;
  /** null: no dock in the sender's tab answered. */
  'ui:checkDock': { covered: boolean | null };
  'ui:workspaceStatus': WorkspaceStatus;
  'ui:resolveConflict': { resolved: true };
}

export interface RequestMessage<K extends RequestType = RequestType> {
  type: K;
  payload: RequestInput<K>;
}

export type Reply<T> = { ok: true; data: T } | { ok: false; error: WireError };

/** A content script's answer to bg:checkDock (untrusted input to the background). */
export const DockCheckSchema = v.strictObject({ covered: v.boolean() });

export type SenderRole = 'content' | 'page' | 'options';

/** Which sender role may send which request prefix. Admin requests also need the unlock. */
export function allowedFor(type: RequestType, role: SenderRole): boolean {
  if (type.startsWith('cs:')) return role === 'content';
  if (type.startsWith('ui:')) return role === 'page' || role === 'options';
  if (type.startsWith('admin:') || type.startsWith('opt:')) return role === 'options';
  return false;
}

export type ParsedRequest =
  | { ok: true; type: RequestType; payload: RequestOf<RequestType> }
  | { ok: false; error: WireError };

/** Checks an untrusted message's envelope and payload. Never throws. */
export function parseRequest(message: unknown): ParsedRequest {
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    return { ok: false, error: { code: 'invalid', message: 'A message must be an object with a type and a payload.' } };
  }
  const { type, payload } = message as { type?: unknown; payload?: unknown };
  if (typeof type !== 'string' || !Object.hasOwn(requestSchemas, type)) {
    return { ok: false, error: { code: 'invalid', message: `Unknown message type: ${String(type).slice(0, 80)}.` } };
  }
  const schema = requestSchemas[type as RequestType];
  const result = v.safeParse(schema, payload ?? {});
  if (!result.success) {
    const issue = result.issues[0];
    const path = issue.path?.map((p) => String(p.key)).join('.') || 'payload';
    return { ok: false, error: { code: 'invalid', message: `Malformed ${type} message: ${path}: ${issue.message}` } };
  }
  return { ok: true, type: type as RequestType, payload: result.output as RequestOf<RequestType> };
}

export type { LinkView };
