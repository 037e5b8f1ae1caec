/**
 * The ticket view's state: the ticket on screen (with its type, links, activity and effects)
 * and the writes made from it. Change events that say what changed (ChangeSet.deltas) are applied
 * to it; the ticket is read again only for a change they do not describe (links, an import) or
 * after events may have been lost. A ticket a write returned (or a refusal reported) is shown at
 * once, without waiting for the event.
 */
import { createModel, effect, signal, untracked, type ReadonlySignal } from '@preact/signals';
import { ActionModel } from '@/components/common/action';
import { request } from '@/lib/client';
import type { StateDef, Ticket } from '@/lib/model/domain';
import { isBacklineError } from '@/lib/model/errors';
import type { ActivityRecord } from '@/lib/model/records';
import type { ChangeSet, StaleDetails, TicketChanges, TicketView } from '@/lib/model/views';
import type { FieldConflict, SaveOutcome } from './InlineEditor';
import { applyChange } from './changes';
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

  /** Changes applied while a re-read is on its way: applied again to what it brings (it may predate them). */
  let sinceRead: ChangeSet[] | null = null;

  async function reload() {
    const seen: ChangeSet[] = [];
    sinceRead = seen;
    try {
      let next = await request('ui:ticketView', { ticketId });
      for (const c of seen) {
        const applied = applyChange(next, c);
        if (applied !== 'reread') next = applied;
      }
      const v = view.value;
      next = keepEarlier(next, v);
      // A re-read that began before a write the panel already applied must not undo it on screen.
      view.value = v && v.ticket.id === next.ticket.id && !isNewer(next.ticket, v.ticket) ? { ...next, ticket: v.ticket } : next;
    } catch (e) {
      if (isBacklineError(e) && e.code === 'not_found') missing.value = e.message;
      else panel.showError((e as Error).message);
    } finally {
      if (sinceRead === seen) sinceRead = null;
    }
  }

  /** Earlier activity the agent asked to see stays shown when the ticket is read again (which reads the newest page). */
  function keepEarlier(next: TicketView, shown: TicketView | null): TicketView {
    if (!shown || shown.ticket.id !== next.ticket.id || !next.earlierActivity || !next.activity.length) return next;
    const oldest = next.activity.reduce((m, a) => (a.id < m ? a.id : m), next.activity[0]!.id);
    const older = shown.activity.filter((a) => a.id < oldest);
    if (!older.length) return next;
    const ids = new Set(older.map((a) => a.id));
    return {
      ...next,
      activity: [...next.activity, ...older],
      effects: [...next.effects, ...shown.effects.filter((e) => ids.has(e.sourceActivityId))],
      earlierActivity: shown.earlierActivity,
    };
  }

  function apply(ticket: Ticket) {
    const v = view.value;
    if (v && v.ticket.id === ticket.id && isNewer(ticket, v.ticket)) view.value = { ...v, ticket };
  }

  // Read once, and again whenever events may have been lost.
  effect(() => {
    void panel.resync.value;
    untracked(() => void reload());
  });
  // Each frame's changes: applied to what is shown; read again only what they do not say.
  effect(() => {
    const change = panel.lastChange.value;
    if (!change) return;
    untracked(() => {
      sinceRead?.push(change);
      const v = view.value;
      if (!v) return void (change.ticketIds.includes(ticketId) && reload());
      const next = applyChange(v, change);
      if (next === 'reread') void reload();
      else if (next !== v) view.value = next;
    });
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
      panel.announce(t('xSaved', what));
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
    /**
     * Shows the page of activity before the oldest item shown. Resolves with the items it added
     * (none when it failed; the error is shown).
     */
    async showEarlier(): Promise<ActivityRecord[]> {
      const v = view.value;
      if (!v?.earlierActivity || !v.activity.length) return [];
      const oldest = v.activity.reduce((m, a) => (a.id < m ? a.id : m), v.activity[0]!.id);
      try {
        const page = await request('ui:ticketActivity', { ticketId, before: oldest });
        const now = view.value!;
        const known = new Set(now.activity.map((a) => a.id));
        const added = page.activity.filter((a) => !known.has(a.id));
        const knownEffects = new Set(now.effects.map((e) => e.id));
        view.value = {
          ...now,
          activity: [...now.activity, ...added],
          effects: [...now.effects, ...page.effects.filter((e) => !knownEffects.has(e.id))],
          earlierActivity: page.earlier,
        };
        return added;
      } catch (e) {
        panel.showError(t('couldNotShowEarlierActivityX', (e as Error).message));
        return [];
      }
    },
    /** Shows a note the agent just added (the write's reply), without waiting for its event. */
    showNote(note: ActivityRecord) {
      const v = view.value;
      if (!v || note.ticketId !== ticketId) return;
      const change: ChangeSet = { ticketIds: [ticketId], conversationKeys: [], deltas: [{ ticketId, activity: [note] }] };
      sinceRead?.push(change);
      const next = applyChange(v, change);
      if (next !== 'reread') view.value = next;
    },
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
