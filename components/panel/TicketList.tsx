import type { ComponentChildren } from 'preact';
import { useAction } from '@/components/common/action';
import { request } from '@/lib/client';
import { formatTicketNumber } from '@/lib/model/domain';
import type { TicketSummary } from '@/lib/model/views';
import { usePanel } from './context';
import type { TicketSearch } from './search';
import { KindIcon, PANEL_WRITES, StateBadge, TimeAgo } from './ui';
import { t } from '@/components/common/i18n';

/**
 * A list of tickets: kind icon, #ID, title, state and the last note or update. With
 * `unlinkFrom`, each item can be unlinked from that conversation.
 */
export function TicketList({ items, unlinkFrom }: { items: TicketSummary[]; unlinkFrom?: string | null }) {
  const model = usePanel();
  const { run } = useAction(PANEL_WRITES);
  return (
    <ul class="tickets">
      {items.map((s) => (
        <TicketItem key={s.ticket.id} summary={s} opens>
          {unlinkFrom && (
            <button
              type="button"
              class="ghost small"
              aria-label={t('unlinkX', formatTicketNumber(s.ticket.number))}
              onClick={() =>
                run(`unlink ${s.ticket.id} ${unlinkFrom}`, async (requestId) => {
                  await request('ui:unlink', { requestId, ticketId: s.ticket.id, conversationKey: unlinkFrom });
                  model.announce(t('unlinkedX', formatTicketNumber(s.ticket.number)));
                }).catch((e: Error) => model.showError(e.message))
              }
            >{t('unlink')}</button>
          )}
        </TicketItem>
      ))}
    </ul>
  );
}

/**
 * One ticket of a list: kind icon, #ID, title and state; with `opens`, the title opens the ticket
 * and the last note or update is shown under it. `children` go at the end (its buttons).
 */
export function TicketItem({ summary: s, opens, children }: { summary: TicketSummary; opens?: boolean; children?: ComponentChildren }) {
  const model = usePanel();
  const state = model.catalog.value?.types.find((t) => t.id === s.ticket.typeId)?.states.find((st) => st.id === s.ticket.stateId);
  return (
    <li class="ticket-item">
      <KindIcon kind={s.ticket.kind} />
      <div class="ticket-main">
        <div class="ticket-line">
          <span class="ticket-id">{formatTicketNumber(s.ticket.number)}</span>
          {opens ? (
            <button type="button" class="link ticket-title" onClick={() => model.navigate({ name: 'ticket', ticketId: s.ticket.id })}>
              {s.ticket.title}
            </button>
          ) : (
            <span class="ticket-title">{s.ticket.title}</span>
          )}
          <StateBadge label={s.stateLabel} category={state?.category} />
        </div>
        {opens && (
          <div class="ticket-update muted small">
            <span class="clamp">{s.lastUpdate}</span> · <TimeAgo at={s.lastUpdateAt} />
          </div>
        )}
      </div>
      {children}
    </li>
  );
}

/**
 * What a ticket search found, in a region named `label`: why it failed, "Loading…" before its
 * first answer, `empty` when nothing matched, or the tickets as `children` lists them.
 */
export function SearchResults(props: { label: string; search: TicketSearch; empty: ComponentChildren; children(results: TicketSummary[]): ComponentChildren }) {
  const results = props.search.results.value;
  const error = props.search.error.value;
  return (
    <section aria-label={props.label}>
      {error && (
        <p role="alert" class="field-error">
          {error}
        </p>
      )}
      {results === null && !error && <p class="muted">{t('loading')}</p>}
      {results?.length === 0 && <p class="muted">{props.empty}</p>}
      {results && results.length > 0 && props.children(results)}
      {results && props.search.hasMore.value && (
        <button
          type="button"
          class="ghost small"
          onClick={async (e) => {
            const list = e.currentTarget.closest('section');
            const before = results.length;
            const added = await props.search.showMore();
            // The keyboard goes on where the list does: to the first ticket just shown.
            if (added.length) requestAnimationFrame(() => list?.querySelectorAll('li')[before]?.querySelector<HTMLElement>('button')?.focus());
          }}
        >
          {t('showMoreTickets')}
        </button>
      )}
    </section>
  );
}
