/**
 * The options page's Deliveries: every effect not yet delivered or failed, across tickets, and
 * Retry now, Retry all and Cancel. Any agent may do these (no admin unlock): retrying only sends
 * what a change already queued, and a cancel is recorded in the ticket's Activity with who did it.
 */
import type { DeliveryResponseMap } from '../protocol-deliveries';
import type { RequestOf } from '../protocol';
import type { BackgroundEnv, SenderInfo } from './env';

type DeliveryHandlers = {
  [K in keyof DeliveryResponseMap]: (payload: RequestOf<K>, sender: SenderInfo) => Promise<DeliveryResponseMap[K]>;
};

export function createDeliveryHandlers(env: BackgroundEnv): DeliveryHandlers {
  /** Retries a failed effect, or makes a queued one due now (true: it is on its way); tells open pages. */
  async function retry(effectId: string): Promise<boolean> {
    const store = await env.store();
    if (env.retryEffect && (await env.retryEffect(effectId))) return true;
    const hurried = await store.hurryEffect(effectId, Date.now());
    if (!hurried) return false;
    env.broadcast({
      type: 'bg:changed',
      changes: { ticketIds: [hurried.ticketId], conversationKeys: [], deltas: [{ ticketId: hurried.ticketId, effects: [hurried] }] },
    });
    return true;
  }

  return {
    async 'opt:deliveries'() {
      return (await env.store()).listDeliveries();
    },

    async 'opt:retryEffect'(p) {
      const queued = await retry(p.effectId);
      if (queued) env.kickOutbox?.();
      return { queued };
    },

    async 'opt:retryAll'() {
      const store = await env.store();
      // Failed ones back in the queue; queued ones waiting for a later try, due now.
      const ids = [...(await store.failedEffectIds()), ...(await store.listDeliveries()).filter((d) => d.effect.status === 'queued').map((d) => d.effect.id)];
      let queued = 0;
      for (const id of new Set(ids)) if (await retry(id)) queued++;
      if (queued) env.kickOutbox?.();
      return { queued };
    },

    async 'opt:cancelEffect'(p) {
      const store = await env.store();
      const me = await store.me();
      // The store's write tells open pages (the ticket's Activity, this list).
      await store.cancelEffect({ requestId: p.requestId, actorId: me.id, actorName: me.name, effectId: p.effectId });
      return { cancelled: true };
    },
  };
}
