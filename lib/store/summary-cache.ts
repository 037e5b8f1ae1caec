/**
 * What the queue shows of a ticket: the ticket record, its newest activity item and its number of
 * links. Reading them costs IndexedDB requests per ticket (most of a search keystroke's time over
 * a large store), and successive keystrokes show mostly the same tickets, so they are kept between
 * reads, in memory (the worker's life at most). Every write forgets the tickets it touched
 * (./engine.ts, and the outbox's outcomes in ./propagation.ts); a read that overlapped a write
 * keeps nothing, so it cannot put back what the write made stale.
 */
import type { Ticket } from '../model/domain';
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
  private readonly tickets = new Map<string, Ticket>();
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
    keepIn(this.kept, since === this.generation, ticketId, parts);
  }

  /** The ticket record as last read, unless a write touched it since. */
  getTicket(ticketId: string): Ticket | undefined {
    const ticket = this.tickets.get(ticketId);
    if (ticket) keepIn(this.tickets, true, ticketId, ticket);
    return ticket;
  }

  /** Keeps a ticket record a read found, unless something was written since it began. */
  keepTicket(since: number, ticket: Ticket): void {
    keepIn(this.tickets, since === this.generation, ticket.id, ticket);
  }

  /** Forgets what a write changed: the tickets it names (all of them when it changed ticket types). */
  forget(changes: Pick<ChangeSet, 'ticketIds' | 'types'>): void {
    this.generation++;
    if (changes.types) {
      this.kept.clear();
      this.tickets.clear();
    } else {
      for (const id of changes.ticketIds) {
        this.kept.delete(id);
        this.tickets.delete(id);
      }
    }
  }
}

/** Sets (most recently used last, so the first in the map is the one dropped), within MAX_KEPT. */
function keepIn<V>(map: Map<string, V>, fresh: boolean, key: string, value: V): void {
  if (!fresh) return;
  map.delete(key);
  map.set(key, value);
  if (map.size > MAX_KEPT) map.delete(map.keys().next().value!);
}
