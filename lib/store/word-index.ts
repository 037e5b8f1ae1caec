/**
 * The queue's search index held in the worker's memory: the `ticketWords` records
 * (./ticket-index.ts) turned into a map of term → ticket ids, so a keystroke's search costs set
 * lookups instead of IndexedDB reads. A search whose rarest word has a thousand tickets, none of
 * them matching the rest, read a thousand records from IndexedDB (~60 ms in the worker over
 * 10,000 synced tickets); here it checks a thousand ids (well under a millisecond).
 *
 * IndexedDB stays the truth. The map is built from it when the queue opens (a search is one
 * keystroke away) or a search comes (the worker may have just woken: the search waits for it,
 * ~300 ms over 10,000 tickets), a batch of records per transaction so that writes are not held
 * up. A committed write names its tickets (`forget`, from the engine, as the summary cache is
 * told); their records are read again before the next search. Many at once (an import, a
 * workspace's first sync) rebuild it instead.
 */
import { BacklineError } from '../model/errors';
import { compareKeys, type BacklineDatabase, type SearchKey as Key, type TicketWordsRecord } from './schema';

/**
 * Records read per transaction while building: a batch's records are copied into the worker in
 * one piece of work (~25 µs each), which a request arriving meanwhile waits for.
 */
const BUILD_BATCH = 500;
/** More tickets than this changed since the last search: rebuild rather than read each. */
const REREAD_MAX = 500;

interface Entry {
  order: number;
  terms: string[];
}

export class WordIndex {
  private readonly postings = new Map<string, Set<string>>();
  private readonly entries = new Map<string, Entry>();
  /** Every term seen since the last build, sorted, for prefix lookups (a term may have no tickets left). */
  private sortedTerms: string[] = [];
  /** Tickets written since their records were read; 'all' before the first build and after a mass change. */
  private stale: Set<string> | 'all' = 'all';
  private built = false;
  private building: Promise<void> | null = null;
  /** Starts a build waiting for its delay now. */
  private startNow: (() => void) | null = null;
  private refreshing: Promise<void> = Promise.resolve();

  /** After a write committed: its tickets' index records are read again before the next search. */
  forget(changes: { ticketIds: readonly string[] }): void {
    if (this.stale === 'all') return;
    for (const id of changes.ticketIds) this.stale.add(id);
    if (this.stale.size > REREAD_MAX) this.stale = 'all';
  }

  /**
   * Ticket ids with every term of `all` and a term starting with `prefix`, most recently updated
   * first, after the key `after` ([-updatedAt, id] of the previous page's last ticket), at most
   * `limit`. Waits for the index when it is not built (or being rebuilt).
   */
  async find(db: BacklineDatabase, all: string[], prefix: string | null, limit: number, after?: Key): Promise<string[]> {
    // A mass change while waiting starts another build: waited for too, a few times at most
    // (then the answer is what was read meanwhile, as a search of a snapshot would be).
    for (let attempt = 0; attempt < 3; attempt++) {
      if (!this.built || this.stale === 'all') {
        this.buildSoon(db, 0);
        this.startNow?.();
        await this.building;
        if (!this.built) throw new BacklineError('storage', 'Backline could not read its search index. Try the search again.');
      }
      // (TypeScript cannot know that `stale` may have changed during the await.)
      const stale = this.stale as Set<string> | 'all';
      if (stale !== 'all' && stale.size) this.refreshing = this.refreshing.then(() => this.reread(db));
      await this.refreshing;
      if (this.built && this.stale !== 'all') break;
    }
    return this.search(all, prefix, limit, after);
  }

  /**
   * Builds the index unless it is built or being built: `delayMs` from now, so that the request
   * that asked is answered first (a search coming meanwhile starts it at once). The queue calls
   * it when it opens: a search is one keystroke away.
   */
  buildSoon(db: BacklineDatabase, delayMs: number): void {
    if ((this.built && this.stale !== 'all') || this.building) return;
    this.built = false;
    this.building = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, delayMs);
      this.startNow = () => {
        clearTimeout(timer);
        resolve();
      };
    })
      .then(() => {
        this.startNow = null;
        return this.build(db);
      })
      .then(
        () => void (this.built = true),
        // Tried again at the next search.
        () => void (this.stale = 'all'),
      )
      .finally(() => (this.building = null));
  }

  private search(all: string[], prefix: string | null, limit: number, after?: Key): string[] {
    let candidates: Iterable<string>;
    if (all.length) {
      const sets = all.map((t) => this.postings.get(t));
      if (sets.some((s) => !s)) return [];
      const bySize = (sets as Set<string>[]).sort((a, b) => a.size - b.size);
      const rest = bySize.slice(1);
      candidates = [...bySize[0]!].filter(
        (id) => rest.every((s) => s.has(id)) && (!prefix || this.entries.get(id)!.terms.some((t) => t.startsWith(prefix))),
      );
    } else if (prefix) {
      const found = new Set<string>();
      for (let i = lowerBound(this.sortedTerms, prefix); i < this.sortedTerms.length && this.sortedTerms[i]!.startsWith(prefix); i++) {
        for (const id of this.postings.get(this.sortedTerms[i]!) ?? []) found.add(id);
      }
      candidates = found;
    } else {
      return [];
    }
    const keys: Key[] = [];
    for (const id of candidates) {
      const key: Key = [this.entries.get(id)!.order, id];
      if (!after || compareKeys(key, after) > 0) keys.push(key);
    }
    keys.sort(compareKeys);
    return keys.slice(0, limit).map((k) => k[1]);
  }

  private async build(db: BacklineDatabase): Promise<void> {
    // Writes from here on are re-read after the build: a record read in an early batch may be
    // rewritten (and its key moved) before a later one.
    this.stale = new Set();
    this.postings.clear();
    this.entries.clear();
    this.sortedTerms = [];
    let from: IDBKeyRange | null = null;
    for (;;) {
      const batch = await db.getAll('ticketWords', from, BUILD_BATCH);
      for (const r of batch) this.set(r);
      if (batch.length < BUILD_BATCH) break;
      const last = batch[batch.length - 1]!;
      from = IDBKeyRange.lowerBound([last.order, last.ticketId], true);
    }
    this.sortedTerms = [...this.postings.keys()].sort();
  }

  private async reread(db: BacklineDatabase): Promise<void> {
    if (this.stale === 'all' || !this.stale.size) return;
    const ids = [...this.stale];
    this.stale = new Set();
    try {
      const tx = db.transaction('ticketWords');
      const index = tx.store.index('byTicket');
      const records = await Promise.all(ids.map((id) => index.get(id)));
      await tx.done;
      ids.forEach((id, i) => {
        const record = records[i];
        if (record) this.set(record);
        else this.remove(id);
      });
    } catch {
      // Read again next time.
      this.stale = 'all';
    }
  }

  private set(r: TicketWordsRecord): void {
    this.remove(r.ticketId);
    this.entries.set(r.ticketId, { order: r.order, terms: r.terms });
    for (const t of r.terms) {
      let ids = this.postings.get(t);
      if (!ids) {
        ids = new Set();
        this.postings.set(t, ids);
        // While building, the terms are sorted once at the end.
        if (this.built) insertSorted(this.sortedTerms, t);
      }
      ids.add(r.ticketId);
    }
  }

  private remove(ticketId: string): void {
    const old = this.entries.get(ticketId);
    if (!old) return;
    this.entries.delete(ticketId);
    for (const t of old.terms) {
      const ids = this.postings.get(t);
      ids?.delete(ticketId);
      if (ids?.size === 0) this.postings.delete(t);
    }
  }
}

function lowerBound(sorted: string[], value: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function insertSorted(sorted: string[], value: string): void {
  const i = lowerBound(sorted, value);
  if (sorted[i] !== value) sorted.splice(i, 0, value);
}
