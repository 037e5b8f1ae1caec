/**
 * The ticket view's state: the ticket on screen (with its type, links, activity and effects)
 * and the writes made from it. It re-reads the ticket whenever the background reports a change;
 * a ticket a write returned (or a refusal reported) is shown at once, without waiting for that
 * re-read: the re-read may be late, or fail when it meets a stopping service worker.
 */
import { createModel, effect, signal, untracked, type ReadonlySignal } from '@preact/signals';
import { ActionModel } from '@/components/common/action';
import { request } from '@/lib/client';
import type { StateDef, Ticket } from '@/lib/model/domain';
import { isBacklineError } from '@/lib/model/errors';
import type { StaleDetails, TicketChanges, TicketView } from '@/lib/model/views';
import type { FieldConflict, SaveOutcome } from './InlineEditor';
import type { PanelModel } from './model';
import { PANEL_WRITES } from './ui';
import { t } from '@/components/common/i18n';

/** What a tracker ticket's state change does in each linked conversation (TrackerDialog). */
export type Propagation = { conversationKey: string; note: boolean; reopen: boolean }[];

/** True when `a` is a later record of the same ticket than `b` (or the same). */
function isNewer(a: Ticket, b: Ticket): boolean {
  return a.version > b.version || (a.version === b.version && a.updatedAt >= b.updatedAt);
}

/** What a `stale` refusal says about `field`, when it carries the ticket as saved now. */
function conflictOf(e: unknown, field: string): FieldConflict | null {
  if (!isBacklineError(e) || e.code !== 'stale') return null;
  const details = e.details as Partial<StaleDetails> | undefined;
  if (!details?.ticket) return null;
  const about = details.conflicts?.find((c) => c.field === field);
  return { ticket: details.ticket, actorId: about?.actorId ?? null, at: about?.at ?? null, message: e.message };
}

export const TicketModel = createModel((panel: PanelModel, ticketId: string) => {
  const view = signal<TicketView | null>(null);
  const missing = signal('');
  /** The choices that save at once (selects, the state menu): one at a time. */
  const action = new ActionModel(PANEL_WRITES);

  async function reload() {
    try {
      const next = await request('ui:ticketView', { ticketId });
      const v = view.value;
      // A re-read that began before a write the panel already applied must not undo it on screen.
      view.value = v && v.ticket.id === next.ticket.id && !isNewer(next.ticket, v.ticket) ? { ...next, ticket: v.ticket } : next;
    } catch (e) {
      if (isBacklineError(e) && e.code === 'not_found') missing.value = e.message;
      else panel.showError((e as Error).message);
    }
  }

  function apply(ticket: Ticket) {
    const v = view.value;
    if (v && v.ticket.id === ticket.id && isNewer(ticket, v.ticket)) view.value = { ...v, ticket };
  }

  effect(() => {
    void panel.revision.value; // every change event
    untracked(() => void reload());
  });

  /**
   * Saves an edit of `field` made against `baseVersion` and shows the saved ticket at once. A
   * refusal because someone else changed the field comes back as a conflict for the editor to
   * show. Other failures are shown as errors and thrown, so that the editor's action keeps its
   * request id: saving the same edit again is the same action (the first attempt may have been
   * saved).
   */
  async function saveEdit(field: string, what: string, changes: TicketChanges, baseVersion: number, requestId: string): Promise<SaveOutcome> {
    try {
      apply(await request('ui:updateTicket', { requestId, ticketId, baseVersion, changes }));
      panel.announce(`${what} saved.`);
      return { ok: true };
    } catch (e) {
      const conflict = conflictOf(e, field);
      if (conflict) {
        apply(conflict.ticket);
        return { ok: false, conflict };
      }
      panel.showError((e as Error).message);
      if (isBacklineError(e) && e.code === 'stale') await reload();
      throw e;
    }
  }

  return {
    /** The ticket as shown; null until it is read. */
    view: view as ReadonlySignal<TicketView | null>,
    /** Why the ticket cannot be shown (it was deleted); '' otherwise. */
    missing: missing as ReadonlySignal<string>,
    saveEdit,
    /** A choice that saves at once (a select): made against the version on screen. */
    async saveNow(field: string, what: string, changes: TicketChanges) {
      const ticket = view.value?.ticket;
      if (!ticket) return;
      await action
        .run(`update ${ticketId} ${JSON.stringify(changes)}`, async (requestId) => {
          const outcome = await saveEdit(field, what, changes, ticket.version, requestId);
          // The select shows the saved value again; the agent is told why theirs was not saved.
          if (!outcome.ok && outcome.conflict) panel.showError(outcome.conflict.message);
        })
        .catch(() => {
          /* shown by saveEdit */
        });
    },
    /** Changes the state; a tracker ticket's change carries what to do in each linked conversation. */
    async changeState(state: StateDef, propagation?: Propagation) {
      const ticket = view.value?.ticket;
      if (!ticket) return;
      // The key leaves out the version: a first attempt that was saved after all has moved it on.
      await action
        .run(`state ${ticketId} ${state.id} ${JSON.stringify(propagation ?? null)}`, async (requestId) => {
          apply(await request('ui:changeState', { requestId, ticketId, baseVersion: ticket.version, stateId: state.id, propagation }));
          panel.announce(t('stateChangedTo', state.label));
        })
        .catch(async (e: Error) => {
          panel.showError(e.message);
          const conflict = conflictOf(e, 'stateId');
          if (conflict) apply(conflict.ticket);
          else if (isBacklineError(e) && e.code === 'stale') await reload();
        });
    },
  };
});

export type TicketModel = InstanceType<typeof TicketModel>;
