/**
 * How a ticket's activity reads to agents: one describer for every activity item, as one line
 * (the lists' "last update") or as the ticket's Activity timeline shows it, and the outcomes of
 * outbox effects. Shared by the store, the outbox and the panel.
 */
import { findState, type TicketType } from './domain';
import type { ActivityRecord, DeliveryOutcome, OutboxRecord } from './records';

/** The detail of a reopen that was not needed: the conversation was open already. Nothing to retry. */
export const ALREADY_OPEN = 'Already open';

/** The detail of an effect that Undo took back before it was sent. Nothing to retry. */
export const CANCELLED_BY_UNDO = 'Cancelled by undo';

/** The detail of a correction (Undo) whose update had never reached the helpdesk. Nothing to retry. */
export const NOTHING_TO_UNDO = 'Not needed: the update it takes back was never sent';

/** How long after a state change or a cross-post Undo can take it back. */
export const UNDO_WINDOW_MS = 10_000;

/** Whether the agent can usefully retry an effect (a failure, or a skip for a reason that can change). */
export function isRetryable(e: Pick<OutboxRecord, 'status' | 'lastError' | 'cancelledBy'>): boolean {
  return e.status === 'failed' || (e.status === 'skipped' && e.lastError !== ALREADY_OPEN && e.lastError !== CANCELLED_BY_UNDO && e.lastError !== NOTHING_TO_UNDO && !e.cancelledBy);
}

/**
 * When an interrupted attempt (its attempt id left behind by a stopped worker) sent its write,
 * or null when it had not sent anything yet. Records from before send times were recorded count
 * as sent when the attempt started.
 */
export function interruptedSendTime(e: Pick<OutboxRecord, 'attemptId' | 'attemptStartedAt' | 'attemptSentAt' | 'updatedAt'>): number | null {
  if (!e.attemptId) return null;
  if (e.attemptSentAt !== undefined) return e.attemptSentAt;
  return e.attemptStartedAt ?? e.updatedAt;
}

/**
 * A piece of an activity item's description: plain text, a value the timeline stresses (a state
 * label), or a note's own words (the timeline shows them as a paragraph).
 */
export type ActivityPart = string | { strong: string } | { note: string };

/**
 * Where a description is read: 'line' is one line in a list of tickets, naming who did it;
 * 'timeline' is an item of the ticket's Activity, under a heading that already names who and when.
 */
export type ActivityVariant = 'line' | 'timeline';

/** Describes an activity item in parts (see ActivityPart); `people` names teammates by id. */
export function describeActivityParts(
  a: ActivityRecord,
  type: Pick<TicketType, 'states'> | null | undefined,
  people: Map<string, string>,
  variant: ActivityVariant,
): ActivityPart[] {
  const line = variant === 'line';
  const who = people.get(a.actorId) ?? 'Someone';
  const state = (id: string) => ({ strong: findState(type ?? undefined, id)?.label ?? id });
  switch (a.type) {
    case 'created':
      return [line ? `Created by ${who}` : 'Created the ticket'];
    case 'note':
      return line ? [`${a.crossPosted ? 'Cross-posted note' : 'Note'}: ${a.body.slice(0, 140)}`] : [{ note: a.body }];
    case 'state':
      if (a.undoes) return line ? [`${who} undid a state change, back to `, state(a.to)] : ['Undid the change to ', state(a.from), ': state back to ', state(a.to)];
      return line
        ? [`${who} changed state to `, state(a.to)]
        : ['Changed state from ', state(a.from), ' to ', state(a.to), ...(a.reopens ? [] : [' (linked conversations not reopened)'])];
    case 'undo':
      return [line ? `${who} undid a cross-posted note` : 'Undid the cross-posted note'];
    case 'attribute':
      if (line) return [`${who} changed ${a.label}`];
      if (a.field === 'description') return ['Edited the description'];
      return [`Changed ${a.label} `, ...(a.from && a.from !== '—' ? [`from “${a.from}” `] : []), `to “${a.to || '—'}”`];
    case 'assignment': {
      const assignee = a.to ? (people.get(a.to) ?? 'someone') : null;
      if (line) return [assignee ? `${who} assigned ${assignee}` : `${who} removed the assignee`];
      return [assignee ? `Assigned to ${assignee}` : 'Removed the assignee'];
    }
    case 'link':
      return [`Linked ${line ? 'to ' : ''}${a.title || 'a conversation'}`];
    case 'unlink':
      return [`Unlinked ${line ? 'from ' : ''}${a.title || 'a conversation'}`];
    case 'delivery':
      return deliveryParts(a);
    case 'deliveries': {
      if (a.outcomes.length <= FEW_EFFECTS) return a.outcomes.flatMap((o, i) => [...(i ? ['; '] : []), ...deliveryParts(o)]);
      const counts = new Map<string, number>();
      for (const o of a.outcomes) {
        const word = outcomeWord(o);
        counts.set(word, (counts.get(word) ?? 0) + 1);
      }
      const conversations = new Set(a.outcomes.map((o) => o.conversationKey)).size;
      return [
        `Outcomes in ${conversations} linked conversation${conversations === 1 ? '' : 's'}: `,
        { strong: [...counts].map(([word, n]) => `${word} ${n}`).join(' · ') },
      ];
    }
    case 'linkReason':
      return a.reason
        ? [`${line ? `${who} gave` : 'Gave'} the link to ${a.title || 'a conversation'} the reason “${a.reason}”`]
        : [`${line ? `${who} removed` : 'Removed'} the reason of the link to ${a.title || 'a conversation'}`];
    case 'effectCancelled':
      return [`${line ? `${who} cancelled` : 'Cancelled'} the ${a.kind === 'note' ? 'note' : 'reopen'} for ${a.title || 'a conversation'} (not delivered)`];
  }
}

/**
 * Up to this many effects of one change (a note and a reopen in three conversations) are shown
 * one per line; more are summed up in one line (the Activity would grow by 100 lines for each
 * change of a ticket linked to 50 conversations).
 */
export const FEW_EFFECTS = 6;

/** What became of one effect, in words: "delivered", "failed", "not sent"… */
function outcomeWord(o: DeliveryOutcome): string {
  if (o.detail === ALREADY_OPEN) return 'not needed, already open';
  return o.outcome === 'delivered' ? 'delivered' : o.outcome === 'failed' ? 'failed' : 'not sent';
}

/** One effect's outcome as a line: "Internal note in Chatwoot #3: " and what became of it, stressed. */
export function deliveryParts(o: DeliveryOutcome): ActivityPart[] {
  const what = o.kind === 'note' ? 'Internal note' : o.kind === 'restore' ? 'Status put back' : 'Reopen';
  return [`${what} in ${o.label}: `, { strong: outcomeWord(o) }, ...(o.detail && o.detail !== ALREADY_OPEN ? [` (${o.detail})`] : [])];
}

/** The parts of a description as plain text. */
export function activityText(parts: ActivityPart[]): string {
  return parts.map((p) => (typeof p === 'string' ? p : 'strong' in p ? p.strong : p.note)).join('');
}

/** One line describing an activity item, for "last update" in lists. */
export function describeActivity(a: ActivityRecord, type: TicketType | undefined, people: Map<string, string>): string {
  return activityText(describeActivityParts(a, type, people, 'line'));
}
