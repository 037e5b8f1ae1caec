import { request } from '@/lib/client';
import { formatTicketNumber } from '@/lib/model/domain';
import type { TicketSummary } from '@/lib/model/views';
import { usePanel } from './context';
import { useAction } from '@/components/common/action';
import { KindIcon, StateBadge, TimeAgo, PANEL_WRITES } from './ui';

/**
 * A list of tickets: kind icon, #ID, title, state and the last note or update. With
 * `unlinkFrom`, each item can be unlinked from that conversation.
 */
export function TicketList({ items, unlinkFrom }: { items: TicketSummary[]; unlinkFrom?: string | null }) {
  const model = usePanel();
  const { run } = useAction(PANEL_WRITES);
  const types = new Map(model.catalog.value?.types.map((t) => [t.id, t]));
  return (
    <ul class="tickets">
      {items.map((s) => {
        const state = types.get(s.ticket.typeId)?.states.find((st) => st.id === s.ticket.stateId);
        return (
          <li key={s.ticket.id} class="ticket-item">
            <KindIcon kind={s.ticket.kind} />
            <div class="ticket-main">
              <div class="ticket-line">
                <span class="ticket-id">{formatTicketNumber(s.ticket.number)}</span>
                <button type="button" class="link ticket-title" onClick={() => model.navigate({ name: 'ticket', ticketId: s.ticket.id })}>
                  {s.ticket.title}
                </button>
                <StateBadge label={s.stateLabel} category={state?.category} />
              </div>
              <div class="ticket-update muted small">
                <span class="clamp">{s.lastUpdate}</span> · <TimeAgo at={s.lastUpdateAt} />
              </div>
            </div>
            {unlinkFrom && (
              <button
                type="button"
                class="ghost small"
                aria-label={`Unlink ${formatTicketNumber(s.ticket.number)}`}
                onClick={() =>
                  run(`unlink ${s.ticket.id} ${unlinkFrom}`, async (requestId) => {
                    await request('ui:unlink', { requestId, ticketId: s.ticket.id, conversationKey: unlinkFrom });
                    model.announce(`Unlinked ${formatTicketNumber(s.ticket.number)}.`);
                  }).catch((e: Error) => model.showError(e.message))
                }
              >
                Unlink
              </button>
            )}
          </li>
        );
      })}
    </ul>
  );
}
