import { usePanel } from './context';
import { TicketList } from './TicketList';
import { CONVERSATION_STATUS_LABELS, conversationName } from './ui';

/** What the agent sees beside a conversation: its linked tickets and the ways to add one. */
export function ConversationView() {
  const model = usePanel();
  const ctx = model.context.value;
  const view = model.conversation.value;
  if (!ctx) {
    return (
      <section aria-label="Backline" class="empty">
        <h1>Backline</h1>
        <p>Open a conversation in your helpdesk to see its back-office tickets.</p>
        <button type="button" onClick={() => model.navigate({ name: 'queue' })}>
          All tickets
        </button>
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
              {conv.status !== 'unknown' && <> · {CONVERSATION_STATUS_LABELS[conv.status]}</>}
            </p>
          )}
        </div>
        <button type="button" class="ghost" onClick={() => model.navigate({ name: 'queue' })} aria-keyshortcuts="g">
          All tickets
        </button>
      </header>
      <div class="actions">
        <button type="button" class="primary" onClick={() => model.navigate({ name: 'new' })} aria-keyshortcuts="n">
          New back-office ticket
        </button>
        <button type="button" onClick={() => model.navigate({ name: 'link' })} aria-keyshortcuts="l">
          Link existing ticket
        </button>
      </div>
      <section aria-label="Linked tickets">
        <h2 class="section-title">Linked tickets</h2>
        {!view && <p class="muted">Loading…</p>}
        {view && view.linked.length === 0 && <p class="muted">No tickets are linked to this conversation yet.</p>}
        {view && view.linked.length > 0 && <TicketList items={view.linked} unlinkFrom={model.conversationKey.value} />}
      </section>
    </>
  );
}
