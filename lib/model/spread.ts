/**
 * What a change spreads to linked conversations: the one rule that decides whether a state
 * change reopens a conversation, and the preview of a commit built from it. Pure: the store
 * queues effects with `reopenDecision`, and the panel's Effects line counts with `spreadPreview`,
 * so what the agent is told is what is queued.
 */
import { DEFAULT_STATES, type StateDef } from './domain';
import type { ConversationStatus } from './helpdesk';
import type { WorkspaceSettings } from './settings';

export const DAY_MS = 24 * 60 * 60 * 1000;

/** What Backline knows about one linked conversation. */
export interface KnownConversation {
  conversationKey: string;
  status: ConversationStatus;
  /**
   * Since when Backline has seen it resolved or closed without a break (null: not closed, or
   * unknown). See ConversationRecord.closedSince.
   */
  closedSince: number | null;
}

/** Why a conversation is or is not reopened; 'reopen' is the only one that queues a reopen. */
export type ReopenReason = 'reopen' | 'prevented' | 'state-rule' | 'too-old' | 'not-chosen';

export type ReopenRules = Pick<WorkspaceSettings, 'preventReopen' | 'noReopenStates' | 'reopenMaxAgeDays'>;

/**
 * Whether a state change to `stateId` reopens one linked conversation.
 * - Back-office and customer tickets: the workspace switch, when on, overrides everything; else
 *   the per-state rule (states in `noReopenStates` reopen nothing); else the age rule.
 * - Tracker tickets: the agent's own choice in the "Update linked tickets" dialog replaces the
 *   switch and the per-state rule (the agent decides each time), but the age rule still holds:
 *   "never reopen a conversation closed more than N days ago" is the admin's floor.
 * The age rule: a conversation Backline has seen resolved or closed since more than
 * `reopenMaxAgeDays` days before `now` is left alone (0: no limit).
 */
export function reopenDecision(input: {
  rules: ReopenRules;
  stateId: string;
  conversation: Pick<KnownConversation, 'status' | 'closedSince'>;
  now: number;
  /** Tracker tickets: the agent's choice for this conversation. Absent for other kinds. */
  trackerChoice?: boolean;
}): ReopenReason {
  const { rules, conversation: c } = input;
  if (input.trackerChoice === undefined) {
    if (rules.preventReopen) return 'prevented';
    if (rules.noReopenStates.includes(input.stateId)) return 'state-rule';
  } else if (!input.trackerChoice) return 'not-chosen';
  if (isTooOld(rules.reopenMaxAgeDays, c, input.now)) return 'too-old';
  return 'reopen';
}

function isTooOld(maxDays: number, c: Pick<KnownConversation, 'status' | 'closedSince'>, now: number): boolean {
  if (!(maxDays > 0)) return false;
  if (c.status !== 'resolved' && c.status !== 'closed') return false;
  return c.closedSince !== null && now - c.closedSince > maxDays * DAY_MS;
}

/** What committing would do, counted per conversation. */
export interface SpreadPreview {
  /** Conversations that get an internal note. */
  notes: number;
  /** Reopen effects queued. */
  reopens: number;
  /** Of those, how many Backline last saw already open (the outbox then leaves them alone). */
  alreadyOpen: number;
  /** Conversations the change touches at all (for "ask before changing more than N"). */
  touched: number;
}

/**
 * The effects of a state change to `stateId` (a note and maybe a reopen in each linked
 * conversation), or of a cross-post (`stateId` null: a note in each chosen conversation).
 */
export function spreadPreview(input: {
  rules: ReopenRules;
  stateId: string | null;
  conversations: KnownConversation[];
  now: number;
  /** Cross-post: the conversations chosen (default all). */
  chosen?: ReadonlySet<string>;
}): SpreadPreview {
  const out: SpreadPreview = { notes: 0, reopens: 0, alreadyOpen: 0, touched: 0 };
  for (const c of input.conversations) {
    if (input.stateId === null) {
      if (input.chosen && !input.chosen.has(c.conversationKey)) continue;
      out.notes++;
      out.touched++;
      continue;
    }
    out.notes++;
    out.touched++;
    if (reopenDecision({ rules: input.rules, stateId: input.stateId, conversation: c, now: input.now }) === 'reopen') {
      out.reopens++;
      if (c.status === 'open') out.alreadyOpen++;
    }
  }
  return out;
}

/** Whether committing must be confirmed first: it changes more conversations than the admin allows without asking. */
export function needsConfirmation(p: SpreadPreview, confirmAbove: number): boolean {
  return p.touched > confirmAbove;
}

/**
 * The states an admin sets reopen rules for: every state of every ticket type, one per state id
 * (the default states share their ids across types, so "Resolved" is one rule for all of them),
 * the default states first, then custom ones in the order the types list them. The label is the
 * first type's label for that id.
 */
export function reopenRuleStates(types: readonly { states: readonly StateDef[] }[]): StateDef[] {
  const byId = new Map<string, StateDef>();
  for (const s of DEFAULT_STATES) byId.set(s.id, s);
  for (const t of types) for (const s of t.states) if (!byId.has(s.id)) byId.set(s.id, s);
  return [...byId.values()];
}
