import { useEffect, useState } from 'preact/hooks';
import { onBackgroundEvent, request } from '@/lib/client';
import { HELPDESK_NAMES } from '@/lib/helpdesks';
import { formatTicketNumber } from '@/lib/model/domain';
import type { DeliveryView } from '@/lib/model/views';
import { touchesTickets } from '@/lib/model/changes';
import { useAction } from '@/components/common/action';
import { throttledRun } from '@/lib/model/throttle';
import { useOptions } from './context';
import { Alert, OPTIONS_WRITES, Section } from './ui';
import { formatDateTime, t, tn } from '@/components/common/i18n';

/** Why an effect is listed: its last failure, or that it waits for its first or next try. */
function why(d: DeliveryView): string {
  const e = d.effect;
  if (e.status === 'failed') return t('deliveryFailedX', e.lastError || t('deliveryRefused'));
  if (e.attemptId) return t('deliveryBeingSent');
  if (e.lastError) return e.lastError;
  return e.attempts === 0 ? t('deliveryWaitingFirst') : t('deliveryWaitingNext');
}

function nextTry(d: DeliveryView): string {
  const e = d.effect;
  if (e.status === 'failed') return t('deliveryNoFurtherTry');
  if (e.attemptId) return t('deliveryNow');
  return e.nextAttemptAt <= Date.now() ? t('deliveryAsap') : formatDateTime(e.nextAttemptAt);
}

/**
 * Deliveries: every effect on a helpdesk not yet delivered or failed, across tickets, with Retry
 * now and Cancel per item and Retry all. Any agent may use it; a cancel shows in the ticket's
 * Activity. Re-read after change events about tickets (an outcome, a new change queuing
 * effects), at most once a second while they keep coming.
 */
export function Deliveries() {
  const model = useOptions();
  const { run, busy, error, setError } = useAction(OPTIONS_WRITES);
  const [items, setItems] = useState<DeliveryView[] | null>(null);

  useEffect(() => {
    const abort = new AbortController();
    const read = () =>
      request('opt:deliveries', {}).then(
        (list) => !abort.signal.aborted && setItems(list),
        (e: Error) => !abort.signal.aborted && setError(e.message),
      );
    const refresher = throttledRun(read);
    // Only what can change the list: effects (and their tickets and conversations), not the
    // workspace's sync status, settings or the admin lock.
    onBackgroundEvent((event) => event.type === 'bg:changed' && touchesTickets(event.changes) && refresher.soon(), abort.signal, { onReconnect: refresher.soon });
    void read();
    return () => {
      refresher.cancel();
      abort.abort();
    };
  }, []);

  const retry = (d: DeliveryView) =>
    run(async () => {
      const { queued } = await request('opt:retryEffect', { effectId: d.effect.id });
      model.announce(queued ? t('deliverySendingAgain') : t('deliveryNothingToRetryOne'));
    });
  const retryAll = () =>
    run(async () => {
      const { queued } = await request('opt:retryAll', {});
      model.announce(queued ? t('deliverySendingXAgain', tn('nDeliveries', queued)) : t('deliveryNothingToRetry'));
    });
  const cancel = (d: DeliveryView) =>
    run(`cancel ${d.effect.id}`, async (requestId) => {
      await request('opt:cancelEffect', { requestId, effectId: d.effect.id });
      model.announce(t('deliveryCancelled'));
    });

  return (
    <Section id="deliveries" title={t('deliveries')}>
      <p class="muted">
        {t('deliveriesIntro')}
      </p>
      <Alert message={error} />
      {items === null && <p class="muted">{t('loadingDeliveries')}</p>}
      {items?.length === 0 && <p class="muted">{t('nothingWaitingDelivered')}</p>}
      {!!items?.length && (
        <>
          <button type="button" disabled={busy} onClick={() => void retryAll()}>
            {t('retryAll')}
          </button>
          <ul class="deliveries">
            {items.map((d) => {
              const c = d.conversation;
              const where = c ? c.title || `${HELPDESK_NAMES[c.helpdesk]} #${c.conversationId}` : d.effect.conversationKey;
              const ticket = d.ticket ? `${formatTicketNumber(d.ticket.number)} “${d.ticket.title}”` : t('aRemovedTicket');
              return (
                <li key={d.effect.id} class={`delivery delivery-${d.effect.status}`}>
                  <p>
                    <strong>{d.effect.kind === 'note' ? t('internalNote') : d.effect.kind === 'restore' ? t('statusPutBack') : t('reopen')}</strong> {t('deliveryInXFromY', where, ticket)}
                  </p>
                  <p class="small">{why(d)}</p>
                  <p class="small muted">{t('nextTryX', nextTry(d))}</p>
                  <div class="actions">
                    <button type="button" class="small" disabled={busy || !!d.effect.attemptId} onClick={() => void retry(d)}>
                      {t('retryNow')}
                    </button>
                    <button type="button" class="small ghost" disabled={busy || !!d.effect.attemptId} onClick={() => void cancel(d)}>
                      {t('cancel')}
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
