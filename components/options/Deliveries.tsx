import { useEffect, useState } from 'preact/hooks';
import { onBackgroundEvent, request } from '@/lib/client';
import { HELPDESK_NAMES } from '@/lib/helpdesks';
import { formatTicketNumber } from '@/lib/model/domain';
import type { DeliveryView } from '@/lib/model/views';
import { useAction } from '@/components/common/action';
import { useOptions } from './context';
import { Alert, OPTIONS_WRITES, Section, plural } from './ui';

/** Why an effect is listed: its last failure, or that it waits for its first or next try. */
function why(d: DeliveryView): string {
  const e = d.effect;
  if (e.status === 'failed') return `Failed: ${e.lastError || 'the helpdesk refused it.'}`;
  if (e.attemptId) return 'Being sent now.';
  if (e.lastError) return e.lastError;
  return e.attempts === 0 ? 'Waiting to be sent.' : 'Waiting for its next try.';
}

function nextTry(d: DeliveryView): string {
  const e = d.effect;
  if (e.status === 'failed') return 'No further try: retry it or cancel it.';
  if (e.attemptId) return 'Now.';
  return e.nextAttemptAt <= Date.now() ? 'As soon as possible.' : new Date(e.nextAttemptAt).toLocaleString();
}

/**
 * Deliveries: every effect on a helpdesk not yet delivered or failed, across tickets, with Retry
 * now and Cancel per item and Retry all. Any agent may use it; a cancel shows in the ticket's
 * Activity. Re-read on every change event (an outcome, a new change queuing effects).
 */
export function Deliveries() {
  const model = useOptions();
  const { run, busy, error, setError } = useAction(OPTIONS_WRITES);
  const [items, setItems] = useState<DeliveryView[] | null>(null);

  useEffect(() => {
    const abort = new AbortController();
    let pending: ReturnType<typeof setTimeout> | undefined;
    const read = () =>
      request('opt:deliveries', {}).then(
        (list) => !abort.signal.aborted && setItems(list),
        (e: Error) => !abort.signal.aborted && setError(e.message),
      );
    const soon = () => {
      clearTimeout(pending);
      pending = setTimeout(read, 60);
    };
    onBackgroundEvent((event) => event.type === 'bg:changed' && soon(), abort.signal, { onReconnect: soon });
    void read();
    return () => {
      clearTimeout(pending);
      abort.abort();
    };
  }, []);

  const retry = (d: DeliveryView) =>
    run(async () => {
      const { queued } = await request('opt:retryEffect', { effectId: d.effect.id });
      model.announce(queued ? 'Sending it again now.' : 'It is no longer waiting: nothing to retry.');
    });
  const retryAll = () =>
    run(async () => {
      const { queued } = await request('opt:retryAll', {});
      model.announce(queued ? `Sending ${plural(queued, 'delivery', 'deliveries')} again now.` : 'Nothing to retry.');
    });
  const cancel = (d: DeliveryView) =>
    run(`cancel ${d.effect.id}`, async (requestId) => {
      await request('opt:cancelEffect', { requestId, effectId: d.effect.id });
      model.announce('Cancelled. The ticket’s Activity says so.');
    });

  return (
    <Section id="deliveries" title="Deliveries">
      <p class="muted">
        What Backline has still to deliver to the helpdesks (notes and reopens that state changes and cross-posts queued), and what failed.
      </p>
      <Alert message={error} />
      {items === null && <p class="muted">Loading deliveries…</p>}
      {items?.length === 0 && <p class="muted">Nothing waiting: every change was delivered.</p>}
      {!!items?.length && (
        <>
          <button type="button" disabled={busy} onClick={() => void retryAll()}>
            Retry all
          </button>
          <ul class="deliveries">
            {items.map((d) => {
              const c = d.conversation;
              const where = c ? c.title || `${HELPDESK_NAMES[c.helpdesk]} ${c.kind} #${c.conversationId}` : d.effect.conversationKey;
              const ticket = d.ticket ? `${formatTicketNumber(d.ticket.number)} “${d.ticket.title}”` : 'a removed ticket';
              return (
                <li key={d.effect.id} class={`delivery delivery-${d.effect.status}`}>
                  <p>
                    <strong>{d.effect.kind === 'note' ? 'Internal note' : 'Reopen'}</strong> in {where}, from {ticket}
                  </p>
                  <p class="small">{why(d)}</p>
                  <p class="small muted">Next try: {nextTry(d)}</p>
                  <div class="actions">
                    <button type="button" class="small" disabled={busy || !!d.effect.attemptId} onClick={() => void retry(d)}>
                      Retry now
                    </button>
                    <button type="button" class="small ghost" disabled={busy || !!d.effect.attemptId} onClick={() => void cancel(d)}>
                      Cancel
                    </button>
                  </div>
                </li>
              );
            })}
          </ul>
        </>
      )}
    </Section>
  );
}
