/**
 * How a ticket's activity reads to agents: one line per activity item (the queue's "last
 * update"), and the outcomes of outbox effects. Shared by the store, the outbox and the panel.
 */
import { findState, type TicketType } from './domain';
import type { ActivityRecord, OutboxRecord } from './records';

/** The detail of a reopen that was not needed: the conversation was open already. Nothing to retry. */
export const ALREADY_OPEN = 'Already open';

/** Whether the agent can usefully retry an effect (a failure, or a skip for a reason that can change). */
export function isRetryable(e: Pick<OutboxRecord, 'status' | 'lastError'>): boolean {
  return e.status === 'failed' || (e.status === 'skipped' && e.lastError !== ALREADY_OPEN);
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

/** One line describing an activity item, for "last update" in lists. */
export function describeActivity(a: ActivityRecord, type: TicketType | undefined, people: Map<string, string>): string {
  const who = people.get(a.actorId) ?? 'Someone';
  switch (a.type) {
    case 'created':
      return `Created by ${who}`;
    case 'note':
      return `${a.crossPosted ? 'Cross-posted note' : 'Note'}: ${a.body.slice(0, 140)}`;
    case 'state':
      return `${who} changed state to ${findState(type, a.to)?.label ?? a.to}`;
    case 'attribute':
      return `${who} changed ${a.label}`;
    case 'assignment':
      return a.to ? `${who} assigned ${people.get(a.to) ?? 'someone'}` : `${who} removed the assignee`;
    case 'link':
      return `Linked to ${a.title || 'a conversation'}`;
    case 'unlink':
      return `Unlinked from ${a.title || 'a conversation'}`;
  }
}
