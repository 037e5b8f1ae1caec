/**
 * What pages are shown and what writes report: the read models the store builds and the
 * protocol carries. Types only.
 */
import type { ConflictVersion } from './workspace-docs';
import type { AttributeValue, SharingBehavior, Ticket, TicketType } from './domain';
import type { ConversationStatus } from './helpdesk';
import type { ActivityRecord, ConversationRecord, LinkRecord, OutboxRecord, Teammate } from './records';
import type { WorkspaceSettings } from './settings';

/**
 * What a write touched, so open pages refresh just that. Pages apply `deltas` and
 * `conversations` where given, and re-read what they show of a ticket or conversation that
 * changed without them. New fields are optional: a page that does not know one re-reads.
 */
export interface ChangeSet {
  ticketIds: string[];
  conversationKeys: string[];
  /**
   * Per ticket of `ticketIds`: everything that changed on it but its links (a link change has no
   * delta, so it is re-read). A ticket without a delta here is re-read by pages showing it.
   */
  deltas?: TicketDelta[];
  /** Conversations of `conversationKeys` as saved now (their helpdesk status, customer, title). */
  conversations?: ConversationRecord[];
  settings?: boolean;
  types?: boolean;
  teammates?: boolean;
  /** Helpdesk connections were added, edited or removed (options page). */
  connections?: boolean;
  /** Admin access changed: passphrase set, unlocked or locked (options page). */
  admin?: boolean;
  /** The team workspace's membership or sync status changed. */
  workspace?: boolean;
}

/** What one write changed on one ticket: its new record, activity items added, effects added or updated. */
export interface TicketDelta {
  ticketId: string;
  /** The ticket as saved now (fields, state, version, last update). */
  ticket?: Ticket;
  /** Activity items the write added. */
  activity?: ActivityRecord[];
  /** Effects queued or whose outcome changed, as saved now. */
  effects?: OutboxRecord[];
}

export type ConversationInput = Omit<ConversationRecord, 'status' | 'statusCheckedAt' | 'updatedAt'> & {
  status?: ConversationStatus;
};

/** Per-link choices of a tracker ticket's "Update linked tickets" dialog. */
export interface PropagationChoice {
  conversationKey: string;
  note: boolean;
  reopen: boolean;
}

export interface TicketSummary {
  ticket: Ticket;
  typeName: string;
  stateLabel: string;
  lastUpdate: string;
  lastUpdateAt: number;
  linkCount: number;
}

export interface LinkView {
  link: LinkRecord;
  conversation: ConversationRecord | null;
}

export interface TicketView {
  ticket: Ticket;
  type: TicketType | null;
  /** The newest activity items (a page; see `earlierActivity`). */
  activity: ActivityRecord[];
  links: LinkView[];
  /** The effects of the activity items shown. */
  effects: OutboxRecord[];
  /** Competing versions when the ticket was changed on two browsers at once (team workspace). */
  conflicts?: ConflictVersion[];
  /** Whether the ticket has activity older than the items shown (read with ui:ticketActivity). */
  earlierActivity: boolean;
}

/** A page of older activity items of a ticket, with their effects. */
export interface ActivityPage {
  activity: ActivityRecord[];
  effects: OutboxRecord[];
  /** Whether there are items older still. */
  earlier: boolean;
}

export interface TicketQuery {
  text?: string;
  stateId?: string;
  typeId?: string;
  assigneeId?: string | null;
  limit?: number;
  /** The next page: tickets updated before this one (the last ticket of the page before). */
  before?: { updatedAt: number; id: string };
}

export interface TicketChanges {
  title?: string;
  description?: string;
  user?: string;
  company?: string;
  sharing?: SharingBehavior;
  assigneeId?: string | null;
  attributes?: Record<string, AttributeValue>;
}

/** A field someone else changed after the version an edit began from. */
export interface FieldConflict {
  /** title, description, user, company, sharing, assigneeId, stateId, or a custom attribute's id. */
  field: string;
  /** The field's name for people ("Title", "Severity", "State", "Assignee"). */
  label: string;
  /** Who saved the value that is stored now, and when; null where the activity log does not say. */
  actorId: string | null;
  at: number | null;
}

/** `details` of a `stale` BacklineError: what is saved now, so a page can show it at once. */
export interface StaleDetails {
  currentVersion: number;
  /** The ticket as it is stored now. */
  ticket: Ticket;
  conflicts: FieldConflict[];
}

/** A message as the preview shows it: what the helpdesk (or Backline) knows of a conversation. */
export interface PreviewMessage {
  id: string;
  kind: 'incoming' | 'outgoing' | 'note' | 'event';
  author: string;
  text: string;
  at: number;
}
export interface PreviewResult {
  conversation: ConversationRecord | null;
  source: 'helpdesk' | 'backline';
  /** Why the helpdesk could not be read, when source is 'backline'. */
  notice: string;
  messages: PreviewMessage[];
}

export interface Catalog {
  types: TicketType[];
  teammates: Teammate[];
  me: Teammate;
  settings: WorkspaceSettings;
}


/** One effect not yet delivered, or failed, as the options page's Deliveries lists it. */
export interface DeliveryView {
  effect: OutboxRecord;
  /** The ticket it comes from; null when that ticket is gone. */
  ticket: { id: string; number: number; title: string } | null;
  /** The conversation it goes to; null when Backline no longer knows it. */
  conversation: ConversationRecord | null;
}
