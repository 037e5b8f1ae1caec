/**
 * Outcomes of outbox effects as agents see them. Shared by the outbox (background) and the
 * panel's Activity, and kept free of imports so the panel stays small.
 */
import type { OutboxRecord } from './db';

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
