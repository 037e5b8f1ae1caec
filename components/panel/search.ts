/**
 * A search of the tickets: the queue's filters and "Link existing ticket"'s words, and what they
 * found. It searches a moment after the filters stop changing (typing never waits on the store)
 * and again whenever the panel reports a change. A failed search is an error to show, never an
 * empty result: "no ticket matches" would be a false answer.
 */
import { createModel, effect, signal, type ReadonlySignal } from '@preact/signals';
import { request } from '@/lib/client';
import type { TicketSummary } from '@/lib/model/views';
import { t } from '@/components/common/i18n';

export interface SearchFilters {
  /** Ticket ID or words of the title. */
  text: string;
  /** '' for any. */
  stateId: string;
  typeId: string;
  /** A teammate's id, 'none' for unassigned tickets, '' for anyone. */
  assignee: string;
}

/** How long the filters must stay the same before they are searched. */
const SETTLE_MS = 120;

export const TicketSearch = createModel((revision: ReadonlySignal<number>, limit: number) => {
  const filters = signal<SearchFilters>({ text: '', stateId: '', typeId: '', assignee: '' });
  const results = signal<TicketSummary[] | null>(null);
  const error = signal('');

  effect(() => {
    const { text, stateId, typeId, assignee } = filters.value;
    void revision.value; // a change anywhere may change what matches
    const query = {
      text: text.trim() || undefined,
      stateId: stateId || undefined,
      typeId: typeId || undefined,
      assigneeId: assignee === '' ? undefined : assignee === 'none' ? null : assignee,
      limit,
    };
    let cancelled = false;
    const timer = setTimeout(async () => {
      try {
        const found = await request('ui:queryTickets', query);
        if (cancelled) return;
        results.value = found;
        error.value = '';
      } catch (e) {
        if (cancelled) return;
        results.value = null;
        error.value = t('searchFailed', (e as Error).message);
      }
    }, SETTLE_MS);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  });

  return {
    filters: filters as ReadonlySignal<SearchFilters>,
    /** What matched the last search; null before the first answer, or when it failed. */
    results: results as ReadonlySignal<TicketSummary[] | null>,
    error: error as ReadonlySignal<string>,
    filter(change: Partial<SearchFilters>) {
      filters.value = { ...filters.value, ...change };
    },
  };
});

export type TicketSearch = InstanceType<typeof TicketSearch>;
