/**
 * The IndexedDB schema. Only the background service worker opens this database for writing;
 * every other context goes through the message protocol.
 */
import { openDB, unwrap, type DBSchema, type IDBPCursorWithValue, type IDBPDatabase, type StoreNames } from 'idb';
import { DEFAULT_TICKET_TYPES, type Ticket, type TicketType } from '../model/domain';
import { ticketTerms } from '../model/search-words';
import { BacklineError } from '../model/errors';
import type { HelpdeskId } from '../model/helpdesk';
import type { ActivityRecord, ConnectionRecord, ConversationRecord, DeliveryOutcome, LinkRecord, OutboxRecord, Teammate } from '../model/records';

export interface RequestRecord {
  requestId: string;
  at: number;
  result: unknown;
}

/** A shared record changed here and not yet copied out to the team workspace (./sync.ts). */
export interface SyncQueueEntry {
  docId: string;
  /** Where the record lives here, and its key (for a deletion, the record is gone). */
  store: 'tickets' | 'activity' | 'links' | 'ticketTypes' | 'teammates' | 'meta';
  key: string;
  at: number;
  /**
   * The PouchDB revision the record was copied out as; the entry stays (counted as waiting)
   * until replication has sent that revision to the server.
   */
  mirroredRev?: string;
}

export interface MetaRecord {
  key: string;
  value: unknown;
}

/**
 * The queue's search index: one record per ticket with the terms it is found by
 * (lib/model/search-words.ts), keyed by [-updatedAt, ticketId] so that the queue's pages read
 * its keys in the queue's order, most recently updated first (IndexedDB's getAll reads keys in
 * ascending order only). Written with the ticket, in the same transaction (./ticket-index.ts);
 * searched in memory (./word-index.ts). Built for existing tickets by the v5 migration.
 */
export interface TicketWordsRecord {
  ticketId: string;
  /** -updatedAt: newest first. */
  order: number;
  terms: string[];
}

/** An effect's outcome waiting to be shared (store `outcomesToShare`). */
export interface OutcomeToShare extends DeliveryOutcome {
  ticketId: string;
  /** When it was recorded (epoch ms). */
  at: number;
}

/**
 * The effects one write queued, kept as one record until the write has committed and they are
 * written one by one into the outbox (./propagation.ts): a change linked to 50 conversations
 * writes one small record in the agent's transaction, not 100. Compact, because IndexedDB copies
 * a record while the write waits: what the effects share is said once.
 */
export interface FanoutRecord {
  id: string;
  ticketId: string;
  /** The activity item that queued them. */
  sourceActivityId: string;
  /** When they were queued (created, updated and due). */
  at: number;
  /** The texts of their notes, each once. */
  bodies: string[];
  /** One per effect: its id, conversation, kind, text (index in `bodies`, -1 for none) and the effect it corrects, if any. */
  effects: [id: string, conversationKey: string, kind: OutboxRecord['kind'], body: number, corrects?: string][];
}

/**
 * Activity items that came in by import, kept as they came: up to `ACTIVITY_PACK` items of one
 * ticket per record, oldest first, keyed by [ticketId, first item's id]. An import writes 50,000
 * items as about 10,000 records, not 50,000 (IndexedDB here costs 130–180 µs a record, however
 * small). Packs are never changed: items written later go to `activity`, and readers merge the
 * two (./activity-log.ts). Joining a workspace unpacks them, since shared items travel one by one.
 */
export interface ActivityPack {
  ticketId: string;
  first: string;
  items: ActivityRecord[];
}

/** At most this many items in one activity pack: about a page of a ticket's Activity. */
export const ACTIVITY_PACK = 100;

export interface BacklineDB extends DBSchema {
  tickets: {
    key: string;
    value: Ticket;
    indexes: { byNumber: number; byType: string };
  };
  links: {
    key: string;
    value: LinkRecord;
    indexes: { byTicket: string; byConversation: string; byPair: [string, string] };
  };
  activity: {
    key: string;
    value: ActivityRecord;
    indexes: { byTicketItem: [string, string] };
  };
  /** Imported activity items, packed (see ActivityPack). */
  activityPacks: {
    key: [string, string];
    value: ActivityPack;
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
    /** byConversationStatus: [conversationKey, status], the outbox's next effect in a conversation. */
    indexes: { byStatus: string; byConversationStatus: [string, string]; bySource: string };
  };
  /** Effects queued by a committed write and not yet written into the outbox. */
  fanouts: {
    key: string;
    value: FanoutRecord;
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
  ticketWords: {
    key: [number, string];
    value: TicketWordsRecord;
    indexes: { byTicket: string };
  };
  /**
   * Effect outcomes recorded while joined and not yet shared: the outbox gathers them into one
   * 'deliveries' activity item per change at the end of its run (./propagation.ts).
   */
  outcomesToShare: {
    key: string;
    value: OutcomeToShare;
  };
  /** Shared records changed here and not yet copied out to the team workspace (./sync.ts). */
  syncQueue: {
    key: string;
    value: SyncQueueEntry;
    indexes: { byAt: number };
  };
}

/**
 * A ticket's activity items in the `byTicketItem` index ([ticketId, id]), oldest first: item ids
 * grow with time. `[ticketId]` sorts before every [ticketId, id], and an array after every string.
 */
export function activityOfTicket(ticketId: string): IDBKeyRange {
  return IDBKeyRange.bound([ticketId], [ticketId, []]);
}

export const DB_NAME = 'backline';
export const DB_VERSION = 10;
export type BacklineDatabase = IDBPDatabase<BacklineDB>;

export interface OpenOptions {
  /**
   * Told when this connection was closed from outside: another context needs the database at a
   * newer version or deletes it ('versionchange'; the connection is closed to let it), or the
   * browser closed it ('terminated'). The next request should open it again.
   */
  onClose?(reason: 'versionchange' | 'terminated'): void;
  /**
   * How long an upgrade waits for older connections that do not close (another window of an
   * older Backline) before giving up with a clear error. Default 10 s.
   */
  blockedTimeoutMs?: number;
}

/**
 * Opens (and migrates) the database. Each step upgrades from the version before it, so a
 * browser that skipped releases runs every step in order inside one versionchange transaction.
 *
 * Fails with a BacklineError a person can act on: `newer_data` when the database was written by
 * a newer Backline (nothing is changed: an older Backline must not touch data it does not
 * understand), `storage` when the browser will not open it.
 */
export async function openBacklineDb(name = DB_NAME, options: OpenOptions = {}): Promise<BacklineDatabase> {
  let blockedTimer: ReturnType<typeof setTimeout> | undefined;
  let giveUp: ((e: BacklineError) => void) | undefined;
  const gaveUp = new Promise<never>((_, reject) => (giveUp = reject));
  const opening = openWithMigrations(name, {
    blocked() {
      blockedTimer ??= setTimeout(
        () =>
          giveUp!(
            new BacklineError(
              'storage',
              'Backline cannot open its data: another window still has it open with an older version of Backline. Close the other browser windows (or restart the browser), then try again.',
            ),
          ),
        options.blockedTimeoutMs ?? 10_000,
      );
    },
    blocking(_current, _next, event) {
      // Another context needs a newer version (or deletes the database): step aside, or it
      // would wait for this connection forever.
      (event.target as IDBDatabase).close();
      options.onClose?.('versionchange');
    },
    terminated() {
      options.onClose?.('terminated');
    },
  });
  try {
    return await Promise.race([opening, gaveUp]);
  } catch (e) {
    if (e instanceof BacklineError) {
      // Gave up on a blocked upgrade: when it gets through after all, let it go again.
      void opening.then((db) => db.close(), () => {});
      throw e;
    }
    if ((e as { name?: unknown } | null)?.name === 'VersionError') throw await newerDataError(name);
    throw new BacklineError(
      'storage',
      `Backline could not open its data in this browser (${e instanceof Error ? e.message : String(e)}). Try again; if it keeps failing, restart the browser.`,
    );
  } finally {
    clearTimeout(blockedTimer);
  }
}

/** The error for a database written by a newer Backline, naming both versions. */
async function newerDataError(name: string): Promise<BacklineError> {
  const found = await currentVersion(name);
  return new BacklineError(
    'newer_data',
    `This browser holds Backline data from a newer version of Backline (database version ${found ?? 'unknown'}; ` +
      `this Backline understands up to ${DB_VERSION}). Update Backline to its latest version, then reload this page. ` +
      'Nothing was changed: your tickets and settings are still there for the newer version.',
    { found, supported: DB_VERSION },
  );
}

/** The version a database is at, opening it without asking for one (so without upgrading it). */
function currentVersion(name: string): Promise<number | null> {
  return new Promise((resolve) => {
    const request = indexedDB.open(name);
    request.onsuccess = () => {
      const version = request.result.version;
      request.result.close();
      resolve(version);
    };
    request.onerror = () => resolve(null);
  });
}

/** The search-index record of a ticket as it is now. */
export function ticketWordsRecord(t: Ticket): TicketWordsRecord {
  return { ticketId: t.id, order: -t.updatedAt, terms: ticketTerms(t) };
}

/** A search-index record's key: [-updatedAt, ticket id], newest first. */
export type SearchKey = [number, string];

/** Orders search-index keys as IndexedDB does: newest first, then by id. */
export function compareKeys(a: SearchKey, b: SearchKey): number {
  return a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);
}

/** A connection as versions 3 wrote it (Chatwoot's shape). */
interface ConnectionRecordV3 {
  id: string;
  helpdesk: HelpdeskId;
  baseUrl: string;
  accountId: string;
  token: string;
  label: string;
  createdAt: number;
  updatedAt: number;
}

/** v3 → v4: `accountId` becomes `account`, `token` the `token` credential (Chatwoot's API access token). */
async function migrateConnectionsToV4(store: { openCursor(): Promise<IDBPCursorWithValue<BacklineDB, StoreNames<BacklineDB>[], 'connections', unknown, 'versionchange'> | null> }): Promise<void> {
  let cursor = await store.openCursor();
  while (cursor) {
    const old = cursor.value as unknown as Partial<ConnectionRecordV3> & Partial<ConnectionRecord>;
    if (!old.credentials) {
      const { accountId, token, ...rest } = old as ConnectionRecordV3;
      await cursor.update({ ...rest, account: String(accountId ?? '').trim(), credentials: token ? { token } : {} });
    }
    cursor = await cursor.continue();
  }
}

/** v5: one search-index record per stored ticket. */
async function buildTicketWords(
  tickets: { openCursor(): Promise<IDBPCursorWithValue<BacklineDB, StoreNames<BacklineDB>[], 'tickets', unknown, 'versionchange'> | null> },
  words: { put(value: TicketWordsRecord): Promise<unknown> },
): Promise<void> {
  let cursor = await tickets.openCursor();
  while (cursor) {
    void words.put(ticketWordsRecord(cursor.value));
    cursor = await cursor.continue();
  }
}

type OpenCallbacks = Pick<NonNullable<Parameters<typeof openDB<BacklineDB>>[2]>, 'blocked' | 'blocking' | 'terminated'>;

function openWithMigrations(name: string, callbacks: OpenCallbacks): Promise<BacklineDatabase> {
  return openDB<BacklineDB>(name, DB_VERSION, {
    ...callbacks,
    upgrade(db, oldVersion, _newVersion, tx) {
      if (oldVersion < 1) {
        const tickets = db.createObjectStore('tickets', { keyPath: 'id' });
        tickets.createIndex('byNumber', 'number', { unique: true });
        // Dropped in v7 (never read since the search index orders the queue).
        unwrap(tickets).createIndex('byUpdated', 'updatedAt');
        const links = db.createObjectStore('links', { keyPath: 'id' });
        links.createIndex('byTicket', 'ticketId');
        links.createIndex('byConversation', 'conversationKey');
        links.createIndex('byPair', ['ticketId', 'conversationKey'], { unique: true });
        // Dropped in v7 (byTicketItem, from v5, answers the same questions).
        unwrap(db.createObjectStore('activity', { keyPath: 'id' })).createIndex('byTicket', 'ticketId');
        db.createObjectStore('conversations', { keyPath: 'key' });
        const types = db.createObjectStore('ticketTypes', { keyPath: 'id' });
        for (const t of DEFAULT_TICKET_TYPES) void types.put(structuredClone(t) as TicketType);
        db.createObjectStore('teammates', { keyPath: 'id' });
        const outbox = db.createObjectStore('outbox', { keyPath: 'id' });
        outbox.createIndex('byStatus', 'status');
        unwrap(outbox).createIndex('byTicket', 'ticketId'); // dropped in v7 (never read)
        db.createObjectStore('requests', { keyPath: 'requestId' }).createIndex('byAt', 'at');
        db.createObjectStore('meta', { keyPath: 'key' });
      }
      if (oldVersion < 2) {
        // v2: queue filters (state, type) and per-conversation ordering of the outbox.
        const tickets = tx.objectStore('tickets');
        unwrap(tickets).createIndex('byState', 'stateId'); // dropped in v7 (the search index filters by state)
        tickets.createIndex('byType', 'typeId');
        unwrap(tx.objectStore('outbox')).createIndex('byConversation', 'conversationKey'); // by conversation and status since v8
      }
      if (oldVersion < 3) {
        // v3: helpdesk API connections (issue: propagation to helpdesks).
        db.createObjectStore('connections', { keyPath: 'id' }).createIndex('byBaseUrl', 'baseUrl');
      }
      if (oldVersion < 4) {
        // v4: connections of any helpdesk: its account and the credential fields its descriptor
        // names, instead of Chatwoot's account id and token.
        void migrateConnectionsToV4(tx.objectStore('connections'));
      }
      if (oldVersion < 5) {
        // v5: the queue's search index (words of titles, #numbers, attribute values, filters),
        // built here for the tickets already stored; every ticket write keeps it from now on.
        const words = db.createObjectStore('ticketWords', { keyPath: ['order', 'ticketId'] });
        unwrap(words).createIndex('byWord', 'terms', { multiEntry: true }); // dropped in v10 (searched in memory)
        words.createIndex('byTicket', 'ticketId', { unique: true });
        void buildTicketWords(tx.objectStore('tickets'), words);
        // A ticket's activity a page at a time (newest first, by item id, which grows with time),
        // and the effects of the items on a page.
        tx.objectStore('activity').createIndex('byTicketItem', ['ticketId', 'id']);
        tx.objectStore('outbox').createIndex('bySource', 'sourceActivityId');
      }
      if (oldVersion < 6) {
        // v6: the team workspace's outbound queue (empty until this browser joins one).
        db.createObjectStore('syncQueue', { keyPath: 'docId' }).createIndex('byAt', 'at');
      }
      if (oldVersion < 7) {
        // v7: a write's effects are queued as one record and fanned out after it commits. Four
        // indexes nothing reads any more go: each cost every write (an import of 50,000 items
        // most) an index entry per record.
        db.createObjectStore('fanouts', { keyPath: 'id' });
        unwrap(tx.objectStore('tickets')).deleteIndex('byUpdated');
        unwrap(tx.objectStore('tickets')).deleteIndex('byState');
        unwrap(tx.objectStore('activity')).deleteIndex('byTicket');
        unwrap(tx.objectStore('outbox')).deleteIndex('byTicket');
      }
      if (oldVersion < 8) {
        // v8: the outbox by conversation and status. The next effect of a conversation was found
        // by reading every effect it ever had (delivered ones stay), once per attempt.
        unwrap(tx.objectStore('outbox')).deleteIndex('byConversation');
        tx.objectStore('outbox').createIndex('byConversationStatus', ['conversationKey', 'status']);
      }
      if (oldVersion < 9) {
        // v9: outcomes waiting to be shared. Each outcome was a shared activity item of its own:
        // a 50-link change made 100 documents every browser of the workspace wrote and kept.
        db.createObjectStore('outcomesToShare', { keyPath: 'effectId' });
      }
      if (oldVersion < 10) {
        // v10: imported activity packed, a hundred items of a ticket to a record. The search
        // index's index of words goes: searches are answered from memory (./word-index.ts), and
        // its ten or more entries per ticket cost every ticket write, and an import of 10,000
        // tickets 2.7 s of its 8.
        db.createObjectStore('activityPacks', { keyPath: ['ticketId', 'first'] });
        unwrap(tx.objectStore('ticketWords')).deleteIndex('byWord');
      }
    },
  });
}

/**
 * Shares one open of something (the background's store) between all callers: while it is
 * pending or succeeded, every call gets the same promise. A failed open is not kept, so the next
 * call tries again (the browser or an update may have fixed what failed), and calling `forget`
 * (when the database was closed from outside) makes the next call open it afresh.
 */
export function sharedOpen<T>(open: (forget: () => void) => Promise<T>): () => Promise<T> {
  let current: Promise<T> | undefined;
  return () => {
    if (current) return current;
    const attempt: Promise<T> = open(() => {
      if (current === attempt) current = undefined;
    });
    current = attempt;
    attempt.catch(() => {
      if (current === attempt) current = undefined;
    });
    return attempt;
  };
}
