import { useEffect, useState } from 'preact/hooks';
import { request } from '@/lib/client';
import type { RequestInput } from '@/lib/protocol';
import type { TicketSummary } from '@/lib/model/views';

/**
 * Searches tickets a moment after the query stops changing (typing never waits on the store)
 * and again whenever one of `deps` changes. A failed search is an error to show, never an
 * empty result: "no ticket matches" would be a false answer.
 */
export function useTicketSearch(query: RequestInput<'ui:queryTickets'>, deps: unknown[]): { results: TicketSummary[] | null; error: string } {
  const [results, setResults] = useState<TicketSummary[] | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    let cancelled = false;
    const t = setTimeout(async () => {
      try {
        const found = await request('ui:queryTickets', query);
        if (cancelled) return;
        setResults(found);
        setError('');
      } catch (e) {
        if (cancelled) return;
        setResults(null);
        setError(`Could not search the tickets. ${(e as Error).message}`);
      }
    }, 120);
    return () => {
      cancelled = true;
      clearTimeout(t);
    };
  }, deps);
  return { results, error };
}
