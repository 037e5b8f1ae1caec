/**
 * What the queue shows of a ticket beyond the ticket record: its newest activity item and its
 * number of links. Reading them costs two IndexedDB requests per ticket (most of a search
 * keystroke's time over a large store), and successive keystrokes show mostly the same tickets,
 * so they are kept between reads, in memory (the worker's life at most). Every write forgets the
 * tickets it touched (./engine.ts, and the outbox's outcomes in ./propagation.ts); a read that
 * overlapped a write keeps nothing, so it cannot put back what the write made stale.
 */
import type { ActivityRecord } from '../model/records';
import type { ChangeSet } from '../model/views';

export interface SummaryParts {
  last: ActivityRecord | undefined;
  linkCount: number;
}

/** Enough for many pages of results; the oldest kept is dropped first. */
const MAX_KEPT = 2000;

export class SummaryCache {
  private readonly kept = new Map<string, SummaryParts>();
  private generation = 0;

  /** Call when a read starts; pass the answer to `keep`. */
  begin(): number {
    return this.generation;
  }

  get(ticketId: string): SummaryParts | undefined {
    const parts = this.kept.get(ticketId);
    if (parts) {
      // Most recently used last: the first in the map is the one dropped.
      this.kept.delete(ticketId);
      this.kept.set(ticketId, parts);
    }
    return parts;
  }

  /** Keeps what a read found, unless something was written since it began. */
  keep(since: number, ticketId: string, parts: SummaryParts): void {
    if (since !== this.generation) return;
    this.kept.set(ticketId, parts);
    if (this.kept.size > MAX_KEPT) this.kept.delete(this.kept.keys().next().value!);
  }

  /** Forgets what a write changed: the tickets it names (all of them when it changed ticket types). */
  forget(changes: Pick<ChangeSet, 'ticketIds' | 'types'>): void {
    this.generation++;
    if (changes.types) this.kept.clear();
    else for (const id of changes.ticketIds) this.kept.delete(id);
  }
}
