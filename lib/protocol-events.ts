/**
 * The background → pages half of the protocol in lib/protocol.ts (which re-exports all of it):
 * `bg:` events. Extension pages receive them only on the port they open to the background
 * (EVENTS_PORT), never as runtime messages, which content scripts can send too; the content
 * script receives bg:togglePanel through tabs.sendMessage. Every receiver validates them against
 * these schemas, as the background validates requests.
 *
 * A module of its own so that pages and the content script, which need only these, do not load
 * the requests' schemas.
 */
import * as v from 'valibot';
import { HELPDESK_IDS } from './model/helpdesk';
import type { Ticket } from './model/domain';
import type { ActivityRecord, ConversationRecord, OutboxRecord } from './model/records';
import type { ChangeSet } from './model/views';

const id = v.pipe(v.string(), v.minLength(1), v.maxLength(200));
const shortText = (max: number) => v.pipe(v.string(), v.maxLength(max));
const helpdesk = v.picklist(HELPDESK_IDS);

/** A helpdesk conversation as a content script reports it (also inside events and ui:hello). */
export const PageContextSchema = v.strictObject({
  helpdesk,
  origin: v.pipe(v.string(), v.url(), v.maxLength(300)),
  account: shortText(200),
  conversationId: v.pipe(shortText(200), v.minLength(1)),
  kind: v.picklist(['conversation', 'ticket']),
});

/** The name of the port an extension page opens to the background to receive its events. */
export const EVENTS_PORT = 'backline:events';

/**
 * What a page posts on its events port every KEEP_ALIVE_MS. Not a request: the background only
 * receives it, and receiving a message is what keeps its service worker from being stopped
 * (Chrome stops an idle one after 30 seconds) while a page is open.
 */
export const KEEP_ALIVE_MESSAGE = { type: 'ui:keepAlive' } as const;
export const KEEP_ALIVE_MS = 20_000;

/**
 * A record inside a change event, checked for the fields pages rely on to place it (ids,
 * versions, times); the background wrote it from a validated request, and pages render every
 * field as text.
 */
const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const str = (x: unknown) => typeof x === 'string' && x.length > 0 && x.length <= 1000;
const num = (x: unknown) => typeof x === 'number' && Number.isFinite(x);
const TicketRecordSchema = v.custom<Ticket>((x) => isRecord(x) && str(x.id) && num(x.version) && num(x.updatedAt) && num(x.number), 'expected a ticket');
const ActivityRecordSchema = v.custom<ActivityRecord>((x) => isRecord(x) && str(x.id) && str(x.ticketId) && str(x.type) && num(x.at), 'expected an activity item');
const OutboxRecordSchema = v.custom<OutboxRecord>(
  (x) => isRecord(x) && str(x.id) && str(x.ticketId) && str(x.sourceActivityId) && str(x.conversationKey) && str(x.status),
  'expected an effect',
);
const ConversationRecordSchema = v.custom<ConversationRecord>((x) => isRecord(x) && str(x.key) && str(x.status), 'expected a conversation');

const TicketDeltaSchema = v.strictObject({
  ticketId: id,
  ticket: v.optional(TicketRecordSchema),
  activity: v.optional(v.array(ActivityRecordSchema)),
  effects: v.optional(v.array(OutboxRecordSchema)),
});

const ChangeSetSchema = v.strictObject({
  ticketIds: v.array(id),
  conversationKeys: v.array(shortText(1000)),
  deltas: v.optional(v.array(TicketDeltaSchema)),
  conversations: v.optional(v.array(ConversationRecordSchema)),
  settings: v.optional(v.boolean()),
  types: v.optional(v.boolean()),
  teammates: v.optional(v.boolean()),
  connections: v.optional(v.boolean()),
  admin: v.optional(v.boolean()),
  workspace: v.optional(v.boolean()),
});

const tabContextFields = {
  tabId: v.pipe(v.number(), v.integer(), v.minValue(0)),
  context: v.nullable(PageContextSchema),
  conversationKey: v.nullable(shortText(1000)),
};

/** The keyboard command: the content script shows or hides the in-page panel. */
const TogglePanelEvent = v.strictObject({ type: v.literal('bg:togglePanel') });
/** The panel asks (through the background) whether the page covers the dock; the content script answers. */
const CheckDockEvent = v.strictObject({ type: v.literal('bg:checkDock') });

export const backgroundEventSchema = v.variant('type', [
  /** Something was written: open pages apply what it says changed, and re-read the rest it touched. */
  v.strictObject({ type: v.literal('bg:changed'), changes: ChangeSetSchema }),
  /** The conversation shown in a tab changed (the panel in that tab, and the side panel, follow it). */
  v.strictObject({ type: v.literal('bg:tabContext'), ...tabContextFields }),
  /** Another tab became active (the browser's side panel follows it). */
  v.strictObject({ type: v.literal('bg:activeTab'), ...tabContextFields }),
  /** The page took the keyboard focus from the panel docked in that tab (the content script's cs:focusTaken). */
  v.strictObject({ type: v.literal('bg:focusTaken'), tabId: tabContextFields.tabId }),
  /** How far a long task of the options page has come (an import: records written of how many). */
  v.strictObject({
    type: v.literal('bg:progress'),
    task: v.picklist(['import']),
    done: v.pipe(v.number(), v.integer(), v.minValue(0)),
    total: v.pipe(v.number(), v.integer(), v.minValue(0)),
  }),
  TogglePanelEvent,
]);

/** Messages the background pushes to extension pages (over their port) and content scripts. */
export type BackgroundEvent = v.InferOutput<typeof backgroundEventSchema>;

// ChangeSet is declared with the store; its schema must describe exactly that type, or events
// carrying a new field would be dropped as malformed. This line stops compiling when they differ
// (a statement rather than a named constant, so that no unused local is left behind).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? (keyof A extends keyof B ? (keyof B extends keyof A ? true : false) : false) : false) : false;
true satisfies Same<v.InferOutput<typeof ChangeSetSchema>, ChangeSet>;

export type ParsedEvent = { ok: true; event: BackgroundEvent } | { ok: false; problem: string };

/** Checks an untrusted message that should be a background event. Never throws. */
export function parseBackgroundEvent(message: unknown): ParsedEvent {
  const result = v.safeParse(backgroundEventSchema, message);
  if (result.success) return { ok: true, event: result.output };
  const issue = result.issues[0];
  const path = issue.path?.map((p) => String(p.key)).join('.') || 'message';
  const type = (message as { type?: unknown } | null)?.type;
  return { ok: false, problem: `${typeof type === 'string' ? type.slice(0, 80) : 'an event without a type'}: ${path}: ${issue.message}` };
}

/** What the background sends a content script (tabs.sendMessage). */
export type ContentScriptMessage = v.InferOutput<typeof TogglePanelEvent> | v.InferOutput<typeof CheckDockEvent>;

/**
 * The content script's check: which of the two messages it acts on this is, or null (small
 * schemas, so that the script stays small).
 */
export function parseContentScriptMessage(message: unknown): 'bg:togglePanel' | 'bg:checkDock' | null {
  if (v.is(TogglePanelEvent, message)) return 'bg:togglePanel';
  if (v.is(CheckDockEvent, message)) return 'bg:checkDock';
  return null;
}
