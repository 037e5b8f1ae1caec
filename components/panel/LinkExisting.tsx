import { useModel } from '@preact/signals';
import { request } from '@/lib/client';
import { formatTicketNumber } from '@/lib/model/domain';
import { usePanel } from './context';
import { TicketSearch } from './search';
import { useAction } from '@/components/common/action';
import { SearchResults, TicketItem } from './TicketList';
import { PANEL_WRITES, SearchBox, ViewBar } from './ui';
import { t } from '@/components/common/i18n';

/** "Link existing ticket": find a ticket by ID or title words and link it to this conversation. */
export function LinkExisting() {
  const model = usePanel();
  const search = useModel(() => new TicketSearch(model.revision, 50));
  const query = search.filters.value.text;
  const { run } = useAction(PANEL_WRITES);
  const linkedIds = new Set(model.conversation.value?.linked.map((s) => s.ticket.id));
  return (
    <div class="view">
      <ViewBar title={t('linkExistingTicket')} />
      <SearchBox label={t('findTicket')} role="searchbox" value={query} onInput={(text) => search.filter({ text })} />
      <SearchResults label={t('matchingTickets')} search={search} empty={<>{t('noTicketMatchesX', query)}</>}>
        {(results) => (
          <ul class="tickets">
            {results.map((s) => (
              <TicketItem key={s.ticket.id} summary={s}>
                {linkedIds.has(s.ticket.id) ? (
                  <span class="muted small">{t('linked')}</span>
                ) : (
                  <button
                    type="button"
                    aria-label={t('link')}
                    aria-description={t('linkXX', formatTicketNumber(s.ticket.number), s.ticket.title)}
                    onClick={() => {
                      const key = model.conversationKey.value;
                      if (!key) return;
                      // Pressing Link again after a failure is the same action.
                      run(`link ${s.ticket.id} ${key}`, async (requestId) => {
                        await request('ui:link', { requestId, ticketId: s.ticket.id, conversation: { key } });
                        await model.refreshConversation();
                        model.announce(t('linkedXToThisConversation', formatTicketNumber(s.ticket.number)));
                        model.navigate({ name: 'conversation' });
                      }).catch((e: Error) => model.showError(e.message));
                    }}
                  >{t('link')}</button>
                )}
              </TicketItem>
            ))}
          </ul>
        )}
      </SearchResults>
    </div>
  );
}
