/**
 * The background's side of the helpdesks: reading a conversation for the preview, and running
 * the propagation outbox. Browser specifics (alarms, timers) come in as `scheduleWake`, so this
 * stays testable with fake-indexeddb and the sandbox.
 */
import { connectorFor, findConnection, type FetchLike } from '../connectors';
import type { ConversationRecord } from '../model/records';
import { createOutboxRunner, processOutbox, retryEffect } from './outbox';
import type { BackgroundEvent } from '../protocol';
import type { ChangeSet, PreviewResult } from '../model/views';
import { mergeChanges } from '../model/changes';
import type { Store } from '../store';

export interface HelpdeskDeps {
  store(): Promise<Store>;
  broadcast(event: BackgroundEvent): void;
  fetch?: FetchLike;
  /** Arranges for kickOutbox to run at `at` (epoch ms), even if the worker stops meanwhile; null cancels. */
  scheduleWake(at: number | null): void;
  timeoutMs?: number;
  /** How long effect outcomes are gathered into one event (OUTCOME_BATCH_MS). */
  outcomeBatchMs?: number;
  /** Resolves when the outbox may go on (pages' requests first: ./foreground.ts). */
  yieldTo?(): Promise<void>;
}

/**
 * How long the outbox's effect outcomes are gathered before open pages are told, in one event.
 * Helpdesks that answer fast (or effects skipped at once, with no connection) record 100
 * outcomes of a 50-link change within a few dozen milliseconds; an event each made every open
 * page parse and merge 100 messages while it was drawing the change itself. Panels show delivery
 * progress every 250 ms (components/panel/changes.ts), so 50 ms is not seen.
 */
export const OUTCOME_BATCH_MS = 50;

/** Gathers change sets for `ms` (from the first one) and hands them on merged. */
function gatherOutcomes(tell: (changes: ChangeSet) => void, ms: number) {
  let pending: ChangeSet | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    const changes = pending;
    pending = null;
    if (changes) tell(changes);
  };
  return {
    add(changes: ChangeSet) {
      pending = pending ? mergeChanges(pending, changes) : changes;
      timer ??= setTimeout(flush, ms);
    },
    flush,
  };
}

export interface HelpdeskServices {
  /** The conversation as the helpdesk shows it, or null when no connection serves it. */
  readConversation(conversation: ConversationRecord): Promise<PreviewResult | null>;
  /** Runs the outbox now (one run at a time); resolves when the run is over. */
  kickOutbox(): Promise<void>;
  retryEffect(effectId: string): Promise<boolean>;
}

export function createHelpdeskServices(deps: HelpdeskDeps): HelpdeskServices {
  // Effect outcomes say which effect changed (ChangeSet.deltas): open panels update that item in
  // place instead of re-reading the whole ticket.
  const tell = (changes: ChangeSet) => deps.broadcast({ type: 'bg:changed', changes });
  const outcomes = gatherOutcomes(tell, deps.outcomeBatchMs ?? OUTCOME_BATCH_MS);
  // Told at once, after the outcomes gathered so far: a page learns things in the order they happened.
  const changed = (changes: ChangeSet) => {
    outcomes.flush();
    tell(changes);
  };
  const connections = async () => (await deps.store()).connectionRecords();

  const kickOutbox = createOutboxRunner(
    async () => {
      try {
        return await processOutbox({ store: await deps.store(), connections, fetch: deps.fetch, timeoutMs: deps.timeoutMs, onChange: outcomes.add, yieldTo: deps.yieldTo });
      } finally {
        // The last outcomes of a run are told when it ends, not a batch later.
        outcomes.flush();
      }
    },
    deps.scheduleWake,
  );

  return {
    async readConversation(conversation) {
      const store = await deps.store();
      const conn = findConnection(conversation, await connections());
      if (!conn) return null;
      const snap = await connectorFor(conn, deps.fetch, { timeoutMs: deps.timeoutMs }).readConversation(conversation.conversationId);
      const saved = await store.recordConversationSnapshot(conversation.key, snap);
      // Only a real change is broadcast: open previews re-read on every change event.
      if (saved.changed && saved.conversation) changed({ ticketIds: [], conversationKeys: [conversation.key], conversations: [saved.conversation] });
      return { conversation: saved.conversation ?? conversation, source: 'helpdesk', notice: '', messages: snap.messages };
    },
    kickOutbox,
    async retryEffect(effectId) {
      return retryEffect({ store: await deps.store(), onChange: changed }, effectId);
    },
  };
}
