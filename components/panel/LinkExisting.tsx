import { useModel } from '@preact/signals';
import { request } from '@/lib/client';
import { formatTicketNumber } from '@/lib/model/domain';
import { usePanel } from './context';
import { TicketSearch } from './search';
import { useAction } from '@/components/common/action';
import { KindIcon, PANEL_WRITES, SearchBox, StateBadge, ViewBar } from './ui';

/** "Link existing ticket": find a ticket by ID or title words and link it to this conversation. */
export function LinkExisting() {
  const model = usePanel();
  const search = useModel(() => new TicketSearch(model.revision, 50));
  const query = search.filters.value.text;
  const results = search.results.value;
  const error = search.error.value;
  const { run } = useAction(PANEL_WRITES);
  const linkedIds = new Set(model.conversation.value?.linked.map((s) => s.ticket.id));
  return (
    <div class="view">
      <ViewBar title="Link existing ticket" />
      <SearchBox label="Find ticket" role="searchbox" value={query} onInput={(text) => search.filter({ text })} />
      <section aria-label="Matching tickets">
        {error && (
          <p role="alert" class="field-error">
            {error}
          </p>
        )}
        {results && results.length === 0 && <p class="muted">No ticket matches “{query}”.</p>}
        <ul class="tickets">
          {results?.map((s) => (
            <li key={s.ticket.id} class="ticket-item">
              <KindIcon kind={s.ticket.kind} />
              <div class="ticket-main">
                <div class="ticket-line">
                  <span class="ticket-id">{formatTicketNumber(s.ticket.number)}</span>
                  <span class="ticket-title">{s.ticket.title}</span>
                  <StateBadge label={s.stateLabel} />
                </div>
              </div>
              {linkedIds.has(s.ticket.id) ? (
                <span class="muted small">Linked</span>
              ) : (
                <button
                  type="button"
                  aria-label="Link"
                  aria-description={`Link ${formatTicketNumber(s.ticket.number)} ${s.ticket.title}`}
                  onClick={() => {
                    const key = model.conversationKey.value;
                    if (!key) return;
                    // Pressing Link again after a failure is the same action.
                    run(`link ${s.ticket.id} ${key}`, async (requestId) => {
                      await request('ui:link', { requestId, ticketId: s.ticket.id, conversation: { key } });
                      await model.refreshConversation();
                      model.announce(`Linked ${formatTicketNumber(s.ticket.number)} to this conversation.`);
                      model.navigate({ name: 'conversation' });
                    }).catch((e: Error) => model.showError(e.message));
                  }}
                >
                  Link
                </button>
              )}
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
