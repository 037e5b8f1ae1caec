/**
 * The records Backline keeps, as every layer sees them (the store persists them; pages show
 * them; the protocol carries them). Types only.
 */
import type { ConversationStatus, HelpdeskId, PageKind } from './helpdesk';

/** A helpdesk conversation or customer ticket Backline has seen or linked. */
export interface ConversationRecord {
  /** conversationKey(): helpdesk, origin, account and id. */
  key: string;
  helpdesk: HelpdeskId;
  origin: string;
  account: string;
  conversationId: string;
  kind: PageKind;
  title: string;
  customerName: string;
  customerEmail: string;
  company: string;
  status: ConversationStatus;
  statusCheckedAt: number | null;
  /**
   * Since when Backline has seen it resolved or closed without a break: the first status check
   * that found it so (kept while later checks agree, cleared when one finds it otherwise). Backline
   * cannot know when the helpdesk closed it; this is what the "never reopen conversations closed
   * more than N days ago" rule reads. Absent on records saved before it existed.
   */
  closedSince?: number | null;
  updatedAt: number;
  /** When the customer last wrote, as the helpdesk showed it when Backline last read it; absent when never read. */
  lastCustomerReplyAt?: number | null;
}

export interface LinkRecord {
  id: string;
  ticketId: string;
  conversationKey: string;
  createdAt: number;
  createdBy: string;
  /**
   * Why the conversation is linked (free text, up to LIMITS.linkReason). Optional: links made
   * before reasons existed, and links nobody gave a reason, have none.
   */
  reason?: string;
}

interface ActivityBase {
  id: string;
  ticketId: string;
  at: number;
  actorId: string;
  /**
   * On a change of a ticket's fields (attribute, state, assignment): the ticket version that
   * change produced. The store reads it to tell which fields changed since an edit began.
   * Absent on notes and links and on changes recorded before versions were logged.
   */
  version?: number;
}
export type ActivityRecord = ActivityBase &
  (
    | { type: 'created' }
    | { type: 'note'; body: string; crossPosted: boolean; /** Where a cross-post went (conversation keys); absent on older notes (all links). */ crossPostedTo?: string[] }
    | {
        type: 'state';
        from: string;
        to: string;
        reopens: boolean;
        /** Set when this change takes back an earlier one (Undo): that change's activity id. */
        undoes?: string;
      }
    /** Undo of a cross-posted note (a state change's undo is a 'state' item with `undoes`). */
    | { type: 'undo'; undoes: string }
    | { type: 'attribute'; field: string; label: string; from: string; to: string }
    | { type: 'assignment'; from: string | null; to: string | null }
    | { type: 'link' | 'unlink'; conversationKey: string; title: string }
    /**
     * What became of one effect, recorded in a team workspace by the browser that delivered it,
     * so that every browser sees it (its outbox is its own).
     */
    | ({ type: 'delivery' } & DeliveryOutcome)
    /**
     * What became of several effects of one change, recorded together (one shared document for
     * a run's outcomes of that change instead of one each): what Backline records since v9 of
     * its database. Older items are 'delivery' items, one outcome each.
     */
    | { type: 'deliveries'; sourceActivityId: string; outcomes: DeliveryOutcome[] }
    /** The reason of a link was set ('' when it was removed). */
    | { type: 'linkReason'; conversationKey: string; title: string; reason: string }
    /** An agent cancelled an effect that was not delivered (Deliveries). */
    | { type: 'effectCancelled'; effectId: string; conversationKey: string; title: string; kind: EffectKind }
  );
export type ActivityType = ActivityRecord['type'];

/** What became of one effect of a change, as every browser of a team workspace sees it. */
export interface DeliveryOutcome {
  effectId: string;
  sourceActivityId: string;
  conversationKey: string;
  /** The conversation's title (or "Chatwoot #3") when the outcome was recorded. */
  label: string;
  kind: EffectKind;
  outcome: 'delivered' | 'failed' | 'skipped';
  detail: string;
}

/** 'restore': sets a conversation back to the status a reopen found it in (Undo). */
export type EffectKind = 'note' | 'reopen' | 'restore';

/** A conversation's status as the helpdesk reported it: what a reopen found, what a restore sets. */
export interface RecordedStatus {
  status: ConversationStatus;
  /** Epoch ms, or null when not snoozed or snoozed until the next reply. */
  snoozedUntil: number | null;
}

/** An effect on a helpdesk, queued in the same transaction as the change that caused it. */
export interface OutboxRecord {
  id: string;
  ticketId: string;
  /** The activity item (state change or note) this effect comes from. */
  sourceActivityId: string;
  conversationKey: string;
  kind: EffectKind;
  /** Internal-note text for kind 'note'. */
  body: string;
  status: 'queued' | 'delivered' | 'failed' | 'skipped';
  attempts: number;
  nextAttemptAt: number;
  /** Why it failed, why it was not sent, or (while queued) why it is being retried. */
  lastError: string;
  createdAt: number;
  updatedAt: number;
  // Set by the outbox processor (lib/outbox.ts); absent on effects it has not touched yet.
  /** The attempt in flight. Still set after a restart means that attempt was interrupted. */
  attemptId?: string | null;
  attemptStartedAt?: number | null;
  /**
   * When the attempt in flight sent its write to the helpdesk (recorded just before sending);
   * null while it has not. An interrupted attempt with a send time may have been applied.
   * Absent on records written before this field existed.
   */
  attemptSentAt?: number | null;
  /**
   * Earliest attempt whose outcome is unknown (it may have reached the helpdesk). A note is
   * only posted again after the helpdesk was searched for it.
   */
  unsureSince?: number | null;
  /**
   * When the latest request that may still be applied late was sent (no answer came back: a
   * timeout, a dropped connection, an interrupted attempt). A note is not posted again until
   * NOTE_SETTLE_MS (lib/outbox.ts) after it, unless the helpdesk shows it first.
   */
  inFlightSentAt?: number | null;
  /** The helpdesk's id of the posted note. */
  remoteId?: string;
  /**
   * On a delivered reopen: the status the conversation had before it, and the one Backline left
   * it in. Undo restores `before` only while the conversation is still in `after`.
   */
  reopened?: { before: RecordedStatus; after: ConversationStatus };
  /** On a correcting effect (Undo): the effect it takes back; it is not sent if that one never was. */
  corrects?: string;
  /** Set by Undo on an effect whose attempt was in flight: if that attempt does not deliver it, it is cancelled. */
  undoneBy?: string;
  /** Who cancelled the effect (Deliveries), when someone did; such an effect is 'skipped' for good. */
  cancelledBy?: string;
  finishedAt?: number;
}

export interface Teammate {
  id: string;
  name: string;
  email: string;
  kind: 'person' | 'team';
}

/**
 * A helpdesk API connection. Its credentials live only here, in the background's database:
 * pages get a ConnectionView (lib/model/admin.ts), never a secret.
 */
export interface ConnectionRecord {
  id: string;
  helpdesk: HelpdeskId;
  /** Normalised address of the helpdesk's API, e.g. https://app.chatwoot.com or https://api.intercom.io */
  baseUrl: string;
  /**
   * The helpdesk account whose conversations the connection serves ('' where the helpdesk's page
   * URLs carry none); where it comes from is the descriptor's `connection.account`.
   */
  account: string;
  /** The values of the helpdesk's credential fields (lib/helpdesks/<id>.ts), by field key. */
  credentials: Record<string, string>;
  label: string;
  createdAt: number;
  updatedAt: number;
}

