/**
 * Undo of a state change or a cross-posted note, as one write: effects not sent yet are
 * cancelled, effects already sent (or whose attempt is in flight) get a correcting effect queued
 * behind them (an internal note saying the update was undone; a restore of the status a reopen
 * found), and a state change's ticket goes back to the state it had. The outbox
 * (lib/background/outbox.ts) decides at delivery whether a correction is still needed.
 */
import { CANCELLED_BY_UNDO, isRetryable, UNDO_WINDOW_MS } from '../model/activity';
import { findState, formatTicketNumber, TICKET_KIND_LABELS, type Ticket } from '../model/domain';
import { BacklineError } from '../model/errors';
import { uuidv7 } from '../model/ids';
import type { ActivityRecord, OutboxRecord } from '../model/records';
import type { StoreEngine } from './engine';
import { effectRecord, expandIn, queueEffects } from './propagation';
import { saveTicket } from './ticket-index';
import { ticketActivity } from './activity-log';

/** Which change to undo: its activity id, or (a state change) the ticket version it produced. */
export type UndoTarget = { activityId: string } | { stateVersion: number };

/** The internal note that takes back an update Backline posted earlier. */
export function undoNote(ticket: Pick<Ticket, 'kind' | 'number' | 'title'>, what: string, actor: string | null): string {
  return `[Backline] The previous update on ${TICKET_KIND_LABELS[ticket.kind].toLowerCase()} ${formatTicketNumber(ticket.number)} “${ticket.title}” (${what}) was undone${actor ? ` by ${actor}` : ''}.`;
}

/**
 * Takes back a state change or a cross-posted note made less than UNDO_WINDOW_MS ago. Refused
 * (nothing written) when the window has passed, when it was undone already, or when the ticket
 * changed after it (`stale`). Returns the ticket as saved and the undo's activity item.
 */
export async function undoChange(
  s: StoreEngine,
  input: { requestId: string; actorId: string; ticketId: string; target: UndoTarget; now?: number },
): Promise<{ ticket: Ticket; undo: ActivityRecord }> {
  return s.write(input.requestId, ['tickets', 'ticketTypes', 'activity', 'links', 'outbox', 'teammates'], async (tx) => {
    const now = input.now ?? Date.now();
    const ticket = await tx.objectStore('tickets').get(input.ticketId);
    if (!ticket) throw new BacklineError('not_found', 'This ticket no longer exists.');
    const history = await ticketActivity(tx, ticket.id);
    const target = input.target;
    const source = history.find((a) =>
      'activityId' in target ? a.id === target.activityId : a.type === 'state' && !a.undoes && a.version === target.stateVersion,
    );
    if (!source) throw new BacklineError('not_found', 'That change is not in this ticket’s Activity, so there is nothing to undo.');
    if (!((source.type === 'state' && !source.undoes) || (source.type === 'note' && source.crossPosted))) {
      throw new BacklineError('invalid', 'Only a state change or a cross-posted note can be undone.');
    }
    if (history.some((a) => (a.type === 'undo' || a.type === 'state') && a.undoes === source.id)) {
      throw new BacklineError('invalid', 'This change was already undone.');
    }
    if (now - source.at > UNDO_WINDOW_MS) {
      throw new BacklineError('invalid', `Too late to undo: a change can be undone for ${UNDO_WINDOW_MS / 1000} seconds. Make the change you need instead.`);
    }
    // Anything recorded after it (ids are time-ordered) means someone built on it: undoing
    // could throw their change away or confuse what the linked conversations were told.
    const later = history.filter((a) => a.id > source.id);
    if (later.length) {
      throw new BacklineError(
        'stale',
        'The ticket changed after this change, so it was not undone. The Activity shows what happened; make the change you need instead.',
        { currentVersion: ticket.version, ticket } as unknown as Record<string, unknown>,
      );
    }

    const [type, actor, effects] = await Promise.all([
      tx.objectStore('ticketTypes').get(ticket.typeId),
      tx.objectStore('teammates').get(input.actorId),
      // Effects of a write that committed a moment ago may still be in their fan-out record.
      expandIn(tx).then(() => tx.objectStore('outbox').index('bySource').getAll(source.id)),
    ]);
    let next: Ticket;
    let undo: ActivityRecord;
    let what: string;
    if (source.type === 'state') {
      const back = findState(type, source.from);
      if (!back) throw new BacklineError('invalid', 'The state this ticket had before no longer exists, so the change cannot be undone.');
      what = `moved from ${back.label} to ${findState(type, source.to)?.label ?? source.to}`;
      next = { ...ticket, stateId: back.id, updatedAt: now, version: ticket.version + 1 };
      undo = { id: uuidv7(), ticketId: ticket.id, at: now, actorId: input.actorId, version: next.version, type: 'state', from: source.to, to: back.id, reopens: false, undoes: source.id };
    } else {
      what = 'a note';
      next = { ...ticket, updatedAt: now };
      undo = { id: uuidv7(), ticketId: ticket.id, at: now, actorId: input.actorId, type: 'undo', undoes: source.id };
    }
    await tx.objectStore('activity').add(undo);

    const changed: OutboxRecord[] = [];
    const corrections: OutboxRecord[] = [];
    const text = undoNote(ticket, what, actor?.name ?? null);
    for (const e of effects.sort((a, b) => (a.id < b.id ? -1 : 1))) {
      const inFlight = e.status === 'queued' && !!e.attemptId;
      if ((e.status === 'queued' && !inFlight) || isRetryable(e)) {
        // Never sent (or failed): the outbox must never send it now.
        const cancelled: OutboxRecord = { ...e, status: 'skipped', lastError: CANCELLED_BY_UNDO, attemptId: null, finishedAt: now, updatedAt: now };
        await tx.objectStore('outbox').put(cancelled);
        changed.push(cancelled);
        continue;
      }
      if (inFlight) {
        // Its request may be on its way: the attempt's outcome decides (./background/outbox.ts).
        const marked: OutboxRecord = { ...e, undoneBy: undo.id, updatedAt: now };
        await tx.objectStore('outbox').put(marked);
        changed.push(marked);
      } else if (e.status !== 'delivered' || (e.kind === 'reopen' && !e.reopened)) {
        continue; // not needed (already open) or nothing to take back
      }
      if (e.kind === 'note') corrections.push(effectRecord(ticket.id, undo.id, e.conversationKey, 'note', text, now, { corrects: e.id }));
      else if (e.kind === 'reopen') corrections.push(effectRecord(ticket.id, undo.id, e.conversationKey, 'restore', '', now, { corrects: e.id }));
    }
    changed.push(...corrections);
    const afterCommit = queueEffects(s, tx, corrections);
    await saveTicket(tx, next);
    const links = await tx.objectStore('links').index('byTicket').getAll(ticket.id);
    return {
      afterCommit,
      result: { ticket: next, undo },
      changes: {
        ticketIds: [ticket.id],
        conversationKeys: links.map((l) => l.conversationKey),
        deltas: [{ ticketId: ticket.id, ticket: next, activity: [undo], effects: changed }],
      },
    };
  });
}
