/**
 * Change sets merged: the background gathers a burst of effect outcomes into one event, and a
 * panel merges the events of one animation frame.
 */
import type { ChangeSet } from './views';

/**
 * One change set that says what both say. A ticket keeps a delta only when every event that
 * touched it had one: one event without says "re-read it", and a re-read covers the rest.
 */
export function mergeChanges(a: ChangeSet, b: ChangeSet): ChangeSet {
  const reread = new Set<string>();
  for (const c of [a, b]) {
    const covered = new Set(c.deltas?.map((d) => d.ticketId));
    for (const id of c.ticketIds) if (!covered.has(id)) reread.add(id);
  }
  const merged: ChangeSet = { ...a, ...b };
  for (const [k, v] of Object.entries(a)) {
    // Flags (settings, types, …): true in either stays true.
    if (typeof v === 'boolean') (merged as unknown as Record<string, unknown>)[k] = v || Boolean((b as unknown as Record<string, unknown>)[k]);
  }
  merged.ticketIds = [...new Set([...a.ticketIds, ...b.ticketIds])];
  merged.conversationKeys = [...new Set([...a.conversationKeys, ...b.conversationKeys])];
  merged.deltas = [...(a.deltas ?? []), ...(b.deltas ?? [])].filter((d) => !reread.has(d.ticketId));
  const conversations = [...(a.conversations ?? []), ...(b.conversations ?? [])];
  if (conversations.length) merged.conversations = conversations;
  else delete merged.conversations;
  return merged;
}

/** Whether a change set is about tickets or conversations (not only the workspace's status, settings, types, people or admin access). */
export function touchesTickets(c: ChangeSet): boolean {
  return c.ticketIds.length > 0 || c.conversationKeys.length > 0 || (c.deltas?.length ?? 0) > 0;
}

/** Whether a change set says anything beyond tickets and conversations (settings, types, people, connections, admin access, the workspace). */
export function touchesMoreThanTickets(c: ChangeSet): boolean {
  return !!(c.settings || c.types || c.teammates || c.connections || c.admin || c.workspace);
}
