/**
 * The IndexedDB schema. Only the background service worker opens this database for writing;
 * every other context goes through the message protocol.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { DEFAULT_TICKET_TYPES, type Ticket, type TicketType } from './domain';
import type { HelpdeskId } from './hosts';

export type ConversationStatus = 'open' | 'snoozed' | 'pending' | 'resolved' | 'closed' | 'unknown';

/** A helpdesk conversation or customer ticket Backline has seen or linked. */
export interface ConversationRecord {
  /** conversationKey(): helpdesk, origin, account and id. */
  key: string;
  helpdesk: HelpdeskId;
  origin: string;
  account: string;
  conversationId: string;
  kind: 'conversation' | 'ticket';
  title: string;
  customerName: string;
  customerEmail: string;
  company: string;
  status: ConversationStatus;
  statusCheckedAt: number | null;
  updatedAt: number;
}

export interface LinkRecord {
  id: string;
  ticketId: string;
  conversationKey: string;
  createdAt: number;
  createdBy: string;
}

interface ActivityBase {
  id: string;
  ticketId: string;
  at: number;
  actorId: string;
}
export type ActivityRecord = ActivityBase &
  (
    | { type: 'created' }
    | { type: 'note'; body: string; crossPosted: boolean }
    | { type: 'state'; from: string; to: string; reopens: boolean }
    | { type: 'attribute'; field: string; label: string; from: string; to: string }
    | { type: 'assignment'; from: string | null; to: string | null }
    | { type: 'link' | 'unlink'; conversationKey: string; title: string }
  );
export type ActivityType = ActivityRecord['type'];

export type EffectKind = 'note' | 'reopen';

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
  finishedAt?: number;
}

export interface Teammate {
  id: string;
  name: string;
  email: string;
  kind: 'person' | 'team';
}

/** A helpdesk API connection. Tokens live only here, in the background's database. */
export interface ConnectionRecord {
  id: string;
  helpdesk: HelpdeskId;
  /** Normalised origin of the helpdesk's API, e.g. https://app.chatwoot.com */
  baseUrl: string;
  accountId: string;
  token: string;
  label: string;
  createdAt: number;
  updatedAt: number;
}

export interface RequestRecord {
  requestId: string;
  at: number;
  result: unknown;
}

export interface MetaRecord {
  key: string;
  value: unknown;
}

export interface BacklineDB extends DBSchema {
  tickets: {
    key: string;
    value: Ticket;
    indexes: { byNumber: number; byUpdated: number; byState: string; byType: string };
  };
  links: {
    key: string;
    value: LinkRecord;
    indexes: { byTicket: string; byConversation: string; byPair: [string, string] };
  };
  activity: {
    key: string;
    value: ActivityRecord;
    indexes: { byTicket: string };
  };
  conversations: {
    key: string;
    value: ConversationRecord;
  };
  ticketTypes: {
    key: string;
    value: TicketType;
  };
  teammates: {
    key: string;
    value: Teammate;
  };
  outbox: {
    key: string;
    value: OutboxRecord;
    indexes: { byStatus: string; byTicket: string; byConversation: string };
  };
  requests: {
    key: string;
    value: RequestRecord;
    indexes: { byAt: number };
  };
  meta: {
    key: string;
    value: MetaRecord;
  };
  connections: {
    key: string;
    value: ConnectionRecord;
    indexes: { byBaseUrl: string };
  };
}

export const DB_NAME = 'backline';
export const DB_VERSION = 3;
export type BacklineDatabase = IDBPDatabase<BacklineDB>;

/**
 * Opens (and migrates) the database. Each step upgrades from the version before it, so a
 * browser that skipped releases runs every step in order inside one versionchange transaction.
 */
export function openBacklineDb(name = DB_NAME): Promise<BacklineDatabase> {
  return openDB<BacklineDB>(name, DB_VERSION, {
    upgrade(db, oldVersion, _newVersion, tx) {
      if (oldVersion < 1) {
        const tickets = db.createObjectStore('tickets', { keyPath: 'id' });
        tickets.createIndex('byNumber', 'number', { unique: true });
        tickets.createIndex('byUpdated', 'updatedAt');
        const links = db.createObjectStore('links', { keyPath: 'id' });
        links.createIndex('byTicket', 'ticketId');
        links.createIndex('byConversation', 'conversationKey');
        links.createIndex('byPair', ['ticketId', 'conversationKey'], { unique: true });
        db.createObjectStore('activity', { keyPath: 'id' }).createIndex('byTicket', 'ticketId');
        db.createObjectStore('conversations', { keyPath: 'key' });
        const types = db.createObjectStore('ticketTypes', { keyPath: 'id' });
        for (const t of DEFAULT_TICKET_TYPES) void types.put(structuredClone(t) as TicketType);
        db.createObjectStore('teammates', { keyPath: 'id' });
        const outbox = db.createObjectStore('outbox', { keyPath: 'id' });
        outbox.createIndex('byStatus', 'status');
        outbox.createIndex('byTicket', 'ticketId');
        db.createObjectStore('requests', { keyPath: 'requestId' }).createIndex('byAt', 'at');
        db.createObjectStore('meta', { keyPath: 'key' });
      }
      if (oldVersion < 2) {
        // v2: queue filters (state, type) and per-conversation ordering of the outbox.
        const tickets = tx.objectStore('tickets');
        tickets.createIndex('byState', 'stateId');
        tickets.createIndex('byType', 'typeId');
        tx.objectStore('outbox').createIndex('byConversation', 'conversationKey');
      }
      if (oldVersion < 3) {
        // v3: helpdesk API connections (issue: propagation to helpdesks).
        db.createObjectStore('connections', { keyPath: 'id' }).createIndex('byBaseUrl', 'baseUrl');
      }
    },
  });
}
