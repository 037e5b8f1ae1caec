import { usePanel } from './context';
import { TicketList } from './TicketList';
import { conversationStatusLabel, conversationName } from './ui';
import { t } from '@/components/common/i18n';

/** What the agent sees beside a conversation: its linked tickets and the ways to add one. */
export function ConversationView() {
  const model = usePanel();
  const ctx = model.context.value;
  const view = model.conversation.value;
  if (!ctx && !model.ready.value) {
    // Until the background answers: the conversation's layout, loading (not the "open a
    // conversation" page, which would flash by in a panel docked beside one).
    return (
      <>
        <header class="bar">
          <div class="bar-main">
            <p class="conv-title muted">{t('loading')}</p>
          </div>
        </header>
        <section aria-label={t('linkedTickets')} aria-busy="true">
          <h2 class="section-title">{t('linkedTickets')}</h2>
          <p class="muted">{t('loading')}</p>
        </section>
      </>
    );
  }
  if (!ctx) {
    return (
      <section aria-label={t('backline')} class="empty">
        <h1>{t('backline')}</h1>
        <p>{t('openAConversationInYourHelpdesk')}</p>
        <button type="button" onClick={() => model.navigate({ name: 'queue' })}>{t('allTickets')}</button>
      </section>
    );
  }
  const conv = view?.conversation;
  return (
    <>
      <header class="bar">
        <div class="bar-main">
          <h1 class="conv-title">
            {conversationName(ctx)}
          </h1>
          {conv && (
            <p class="muted small">
              {[conv.customerName, conv.company].filter(Boolean).join(' · ')}
              {conv.status !== 'unknown' && <> · {conversationStatusLabel(conv.status)}</>}
            </p>
          )}
        </div>
        <button type="button" class="ghost" onClick={() => model.navigate({ name: 'queue' })} aria-keyshortcuts="g">{t('allTickets')}</button>
      </header>
      <div class="actions">
        <button type="button" class="primary" onClick={() => model.navigate({ name: 'new' })} aria-keyshortcuts="n">{t('newBackOfficeTicket')}</button>
        <button type="button" onClick={() => model.navigate({ name: 'link' })} aria-keyshortcuts="l">{t('linkExistingTicket')}</button>
      </div>
      <section aria-label={t('linkedTickets')}>
        <h2 class="section-title">{t('linkedTickets')}</h2>
        {!view && <p class="muted">{t('loading')}</p>}
        {view && view.linked.length === 0 && <p class="muted">{t('noTicketsAreLinkedToThis')}</p>}
        {view && view.linked.length > 0 && <TicketList items={view.linked} unlinkFrom={model.conversationKey.value} />}
      </section>
    </>
  );
}
