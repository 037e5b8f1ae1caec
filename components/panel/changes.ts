/**
 * Change events as the panel uses them: merged per animation frame (a state change with 50
 * links delivers 100 effect outcomes in a burst; the panel renders once per frame, not 100
 * times), and applied to what a view shows instead of re-reading it.
 */
import type { ChangeSet, TicketDelta, TicketView } from '@/lib/model/views';
import { mergeChanges } from '@/lib/model/changes';

export { mergeChanges };

/** Whether a change set only reports effect outcomes (delivery progress), nothing of the tickets' own. */
export function onlyEffects(c: ChangeSet): boolean {
  const flags = Object.entries(c).some(([, v]) => v === true);
  const covered = new Set(c.deltas?.map((d) => d.ticketId));
  return (
    !flags &&
    c.ticketIds.every((id) => covered.has(id)) &&
    (c.deltas ?? []).every((d) => !d.ticket && !d.activity?.length)
  );
}

/** Whether an older record may be replaced by a newer one (same ticket). */
function newer(a: { version: number; updatedAt: number }, b: { version: number; updatedAt: number }): boolean {
  return a.version > b.version || (a.version === b.version && a.updatedAt >= b.updatedAt);
}

/**
 * What `change` makes of a ticket view: the same object when it does not touch it, a new view
 * with its deltas applied, or 'reread' when it touched the ticket without saying how (links,
 * an import) or touched a linked conversation without its new record.
 */
export function applyChange(view: TicketView, change: ChangeSet): TicketView | 'reread' {
  const id = view.ticket.id;
  const linked = new Set(view.links.map((l) => l.link.conversationKey));
  const ticketTouched = change.ticketIds.includes(id);
  const deltas = (change.deltas ?? []).filter((d) => d.ticketId === id);
  if (ticketTouched && !deltas.length) return 'reread';
  const given = new Map((change.conversations ?? []).map((c) => [c.key, c]));
  const convTouched = change.conversationKeys.filter((k) => linked.has(k));
  // Writes that say everything (deltas for every ticket they touched) change no conversation
  // record: their conversation keys tell that conversation's pages that its list of tickets
  // changed. Any other write that touched a linked conversation without its record: re-read.
  const covered = new Set(change.deltas?.map((d) => d.ticketId));
  const explained = change.ticketIds.length > 0 && change.ticketIds.every((t) => covered.has(t));
  if (!explained && convTouched.some((k) => !given.has(k))) return 'reread';
  if (!deltas.length && !convTouched.length) return view;
  let next = view;
  for (const d of deltas) next = applyDelta(next, d);
  if (convTouched.some((k) => given.has(k))) {
    next = { ...next, links: next.links.map((l) => ({ ...l, conversation: given.get(l.link.conversationKey) ?? l.conversation })) };
  }
  return next;
}

function applyDelta(view: TicketView, d: TicketDelta): TicketView {
  let next = view;
  if (d.ticket && newer(d.ticket, view.ticket)) next = { ...next, ticket: d.ticket };
  if (d.activity?.length) {
    const known = new Set(next.activity.map((a) => a.id));
    const added = d.activity.filter((a) => !known.has(a.id));
    if (added.length) next = { ...next, activity: [...next.activity, ...added] };
  }
  if (d.effects?.length) {
    const byId = new Map(d.effects.map((e) => [e.id, e]));
    const effects = next.effects.map((e) => {
      const u = byId.get(e.id);
      if (!u) return e;
      byId.delete(e.id);
      // An outcome that arrives after a later one (events of two runs crossing) is not shown over it.
      return u.updatedAt >= e.updatedAt ? u : e;
    });
    effects.push(...byId.values());
    next = { ...next, effects };
  }
  return next;
}

/** How often delivery progress alone is shown (ms). */
export const PROGRESS_MS = 250;

/** The clock a change batcher runs on: the page's own, or a test's. */
export interface FrameClock {
  requestAnimationFrame(run: () => void): number;
  cancelAnimationFrame(id: number): void;
  setTimeout(run: () => void, ms: number): ReturnType<typeof setTimeout>;
  clearTimeout(id: ReturnType<typeof setTimeout>): void;
}

/**
 * Merges change events and hands them to `flush` together: at the next animation frame (or
 * within 100 ms when the page is hidden and draws no frames), or, when they only report
 * delivery progress, every PROGRESS_MS: a 50-link change reports 100 outcomes in a second or two,
 * and redrawing a long ticket at every frame for them costs the machine more than it tells the
 * agent. A change of the tickets' own arriving meanwhile brings the flush to the next frame.
 */
export function changeBatcher(flush: (changes: ChangeSet) => void, clock: FrameClock): (changes: ChangeSet) => void {
  let pending: ChangeSet | null = null;
  let frame: { raf: number; timer: ReturnType<typeof setTimeout>; progressOnly: boolean } | null = null;
  const run = () => {
    if (!frame) return;
    clock.cancelAnimationFrame(frame.raf);
    clock.clearTimeout(frame.timer);
    frame = null;
    const changes = pending;
    pending = null;
    if (changes) flush(changes);
  };
  return (changes) => {
    pending = pending ? mergeChanges(pending, changes) : changes;
    const progressOnly = onlyEffects(pending);
    if (frame && (!frame.progressOnly || progressOnly)) return;
    if (frame) {
      clock.cancelAnimationFrame(frame.raf);
      clock.clearTimeout(frame.timer);
    }
    frame = progressOnly
      ? { raf: 0, timer: clock.setTimeout(run, PROGRESS_MS), progressOnly }
      : { raf: clock.requestAnimationFrame(run), timer: clock.setTimeout(run, 100), progressOnly };
  };
}
