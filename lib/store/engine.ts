/**
 * The store's write engine: each write is one IndexedDB transaction that also records its
 * request id, so a retry (for example after the service worker was stopped mid-request)
 * returns the first result instead of applying twice; what a write touched is told to open
 * pages. Reads and commands live beside it (./queries.ts, ./tickets.ts, …), each a function of
 * the engine; ./index.ts gathers them as the Store.
 */
import type { IDBPTransaction, StoreNames } from 'idb';
import { BacklineError } from '../model/errors';
import type { WorkspaceSettings } from '../model/settings';
import type { ChangeSet } from '../model/views';
import type { BacklineDB, BacklineDatabase } from './schema';
import { capturingTx } from './capture';
import { SummaryCache } from './summary-cache';
import { WordIndex } from './word-index';

export type Tx<Mode extends IDBTransactionMode> = IDBPTransaction<BacklineDB, StoreNames<BacklineDB>[], Mode>;
export type StoreName = StoreNames<BacklineDB>;

/** Request ids are kept this long; a retry comes within seconds, not weeks. */
const REQUEST_RETENTION_MS = 7 * 24 * 3600 * 1000;

export class StoreEngine {
  /**
   * Settings the organisation enforces by enterprise policy (`storage.managed`, already parsed
   * by lib/model/settings.ts). They win over stored settings in every read and in state changes.
   */
  private policy: Partial<WorkspaceSettings> = {};

  /**
   * While this browser is in a team workspace: writes queue the shared records they touch
   * (./sync.ts), except those of tickets kept local (their ids).
   */
  private sharing: { keepLocal: ReadonlySet<string> } | null = null;

  /** The queue's per-ticket extras (last activity, link count), forgotten by every write (./summary-cache.ts). */
  readonly summaries = new SummaryCache();

  /** The queue's search index in memory, told of every write as the summaries are (./word-index.ts). */
  readonly words = new WordIndex();

  /**
   * Whether any imported activity is packed (./activity-log.ts): counted once, then told by the
   * writes that add or remove packs (an import, a wipe, joining a workspace). Most browsers never
   * have a pack; their queue and ticket reads skip the packs' store.
   */
  private packed: Promise<boolean> | null = null;

  hasPacks(): Promise<boolean> {
    // A failed count is not kept: the next read asks again.
    this.packed ??= this.db.count('activityPacks').then(
      (n) => n > 0,
      (e: unknown) => {
        this.packed = null;
        throw e;
      },
    );
    return this.packed;
  }

  /** After a write that added or removed packs: counted again at the next read. */
  packsChanged(): void {
    this.packed = null;
  }

  constructor(
    readonly db: BacklineDatabase,
    private readonly onChange: (changes: ChangeSet) => void = () => {},
  ) {}

  /** Replaces the enterprise policy in force (at start-up and whenever the policy changes). */
  setPolicy(policy: Partial<WorkspaceSettings>): void {
    this.policy = { ...policy };
  }

  getPolicy(): Partial<WorkspaceSettings> {
    return { ...this.policy };
  }

  /** Starts (or, with null, stops) queueing shared records for the team workspace. */
  setSharing(sharing: { keepLocal: ReadonlySet<string> } | null): void {
    this.sharing = sharing;
  }

  isSharing(): boolean {
    return this.sharing !== null;
  }

  /**
   * For a transaction opened outside `write` (the outbox's own): the extra store it needs while
   * in a workspace, and the wrapper that queues the shared records it writes.
   */
  sharingStores(): StoreName[] {
    return this.sharing ? ['syncQueue'] : [];
  }

  capture(tx: Tx<'readwrite'>): Tx<'readwrite'> {
    return this.sharing ? capturingTx(tx, this.sharing.keepLocal) : tx;
  }

  /** Tells open pages that something outside the stores' writes changed (policy, admin lock). */
  notify(changes: Partial<ChangeSet>): void {
    const full = { ticketIds: [], conversationKeys: [], ...changes };
    this.forgetTouched(full);
    this.onChange(full);
  }

  /** What is kept in memory about the tickets a committed change touched is read again. */
  private forgetTouched(changes: ChangeSet): void {
    this.summaries.forget(changes);
    this.words.forget(changes);
  }

  /**
   * Runs `apply` in one readwrite transaction together with the request-id record. A request
   * id seen before returns the stored result and applies nothing. What `apply` returns as
   * `afterCommit` runs once the transaction has committed, before anything else is told or
   * answered (queued effects are fanned out into the outbox there: ./propagation.ts).
   */
  async write<T>(
    requestId: string,
    stores: StoreName[],
    apply: (tx: Tx<'readwrite'>) => Promise<{ result: T; changes: ChangeSet; afterCommit?: () => void }>,
  ): Promise<T> {
    if (!requestId) throw new BacklineError('invalid', 'A write needs a request id.');
    const sharing = this.sharing;
    // A write that touches tickets also writes their search index (./ticket-index.ts).
    const names = new Set<StoreName>([...stores, 'requests']);
    if (names.has('tickets')) names.add('ticketWords');
    // A write that reads a ticket's activity reads its imported packs too (./activity-log.ts).
    if (names.has('activity')) names.add('activityPacks');
    // A write that queues effects queues them as one record (./propagation.ts, queueEffects).
    if (names.has('outbox')) names.add('fanouts');
    if (sharing) names.add('syncQueue');
    const raw = this.db.transaction([...names], 'readwrite') as Tx<'readwrite'>;
    const tx = sharing ? capturingTx(raw, sharing.keepLocal) : raw;
    let outcome: { result: T; changes: ChangeSet; afterCommit?: () => void } | undefined;
    let replay: T | undefined;
    let replayed = false;
    try {
      const seen = await tx.objectStore('requests').get(requestId);
      if (seen) {
        replayed = true;
        replay = seen.result as T;
      } else {
        outcome = await apply(tx);
        // Not awaited: the commit below waits for it, and a failure aborts the transaction.
        tx.objectStore('requests').put({ requestId, at: Date.now(), result: outcome.result }).catch(() => {});
      }
      await tx.done;
    } catch (e) {
      try {
        tx.abort();
      } catch {
        /* already finished */
      }
      await tx.done.catch(() => {});
      if (e instanceof BacklineError) throw e;
      // A write made without awaiting its answer that failed aborted the transaction: its error is the cause.
      const cause: DOMException | null = tx.error ?? (e instanceof DOMException ? e : null);
      if (cause?.name === 'ConstraintError') {
        throw new BacklineError('conflict', 'That change clashes with data saved at the same moment. Try again.');
      }
      throw e;
    }
    if (replayed) return replay as T;
    outcome!.afterCommit?.();
    this.forgetTouched(outcome!.changes);
    this.onChange(outcome!.changes);
    return outcome!.result;
  }

  /** Forgets request ids old enough that no retry can still arrive. */
  async pruneRequests(now = Date.now()): Promise<number> {
    const tx = this.db.transaction('requests', 'readwrite');
    let cursor = await tx.store.index('byAt').openCursor(IDBKeyRange.upperBound(now - REQUEST_RETENTION_MS));
    let n = 0;
    while (cursor) {
      await cursor.delete();
      n++;
      cursor = await cursor.continue();
    }
    await tx.done;
    return n;
  }
}
