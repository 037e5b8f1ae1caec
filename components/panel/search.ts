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

/** The most a page may ask for at once (the protocol's limit). */
const MAX_PAGE = 500;

export const TicketSearch = createModel((revision: ReadonlySignal<number>, limit: number) => {
  const filters = signal<SearchFilters>({ text: '', stateId: '', typeId: '', assignee: '' });
  const results = signal<TicketSummary[] | null>(null);
  const hasMore = signal(false);
  const error = signal('');
  /** How many tickets are shown: a re-search after a change keeps the pages the agent opened. */
  let shown = limit;
  let search = 0;
  let lastFilters = filters.peek();

  const queryOf = (f: SearchFilters) => ({
    text: f.text.trim() || undefined,
    stateId: f.stateId || undefined,
    typeId: f.typeId || undefined,
    assigneeId: f.assignee === '' ? undefined : f.assignee === 'none' ? null : f.assignee,
  });

  effect(() => {
    const f = filters.value;
    void revision.value; // a change anywhere may change what matches
    // New filters start at the first page again; a change elsewhere keeps the pages shown.
    if (f !== lastFilters) shown = limit;
    lastFilters = f;
    const want = Math.min(Math.max(shown, limit), MAX_PAGE - 1);
    // One more than shown: whether there is a next page.
    const query = { ...queryOf(f), limit: want + 1 };
    let cancelled = false;
    const mine = ++search;
    const timer = setTimeout(async () => {
      try {
        const found = await request('ui:queryTickets', query);
        if (cancelled || mine !== search) return;
        results.value = found.slice(0, want);
        hasMore.value = found.length > want;
        shown = want;
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
    /** Whether more tickets match than are shown. */
    hasMore: hasMore as ReadonlySignal<boolean>,
    /**
     * Shows the next page, read from the index after the last ticket shown. Resolves with the
     * tickets it added (none when it failed: the error says why).
     */
    async showMore(): Promise<TicketSummary[]> {
      const current = results.peek();
      const last = current?.at(-1)?.ticket;
      if (!current || !last) return [];
      const mine = ++search;
      try {
        const found = await request('ui:queryTickets', { ...queryOf(filters.peek()), limit: limit + 1, before: { updatedAt: last.updatedAt, id: last.id } });
        if (mine !== search) return [];
        const page = found.slice(0, limit);
        results.value = [...current, ...page];
        hasMore.value = found.length > limit;
        shown = results.value.length;
        error.value = '';
        return page;
      } catch (e) {
        error.value = t('couldNotShowMoreTicketsX', (e as Error).message);
        return [];
      }
    },
    filter(change: Partial<SearchFilters>) {
      filters.value = { ...filters.value, ...change };
    },
  };
});

export type TicketSearch = InstanceType<typeof TicketSearch>;
