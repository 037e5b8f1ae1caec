/**
 * The background's side of the helpdesks: reading a conversation for the preview, and running
 * the propagation outbox. Browser specifics (alarms, timers) come in as `scheduleWake`, so this
 * stays testable with fake-indexeddb and the sandbox.
 */
import { connectorFor, findConnection, type FetchLike } from '../connectors';
import type { ConversationRecord } from '../model/records';
import { createOutboxRunner, processOutbox, retryEffect } from './outbox';
import type { BackgroundEvent } from '../protocol';
import type { PreviewResult } from '../model/views';
import type { Store } from '../store';

export interface HelpdeskDeps {
  store(): Promise<Store>;
  broadcast(event: BackgroundEvent): void;
  fetch?: FetchLike;
  /** Arranges for kickOutbox to run at `at` (epoch ms), even if the worker stops meanwhile; null cancels. */
  scheduleWake(at: number | null): void;
  timeoutMs?: number;
}

export interface HelpdeskServices {
  /** The conversation as the helpdesk shows it, or null when no connection serves it. */
  readConversation(conversation: ConversationRecord): Promise<PreviewResult | null>;
  /** Runs the outbox now (one run at a time); resolves when the run is over. */
  kickOutbox(): Promise<void>;
  retryEffect(effectId: string): Promise<boolean>;
}

export function createHelpdeskServices(deps: HelpdeskDeps): HelpdeskServices {
  const changed = (changes: { ticketIds: string[]; conversationKeys: string[] }) => deps.broadcast({ type: 'bg:changed', changes });
  const connections = async () => (await deps.store()).connectionRecords();

  const kickOutbox = createOutboxRunner(
    async () =>
      processOutbox({ store: await deps.store(), connections, fetch: deps.fetch, timeoutMs: deps.timeoutMs, onChange: changed }),
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
      if (saved.changed) changed({ ticketIds: [], conversationKeys: [conversation.key] });
      return { conversation: saved.conversation ?? conversation, source: 'helpdesk', notice: '', messages: snap.messages };
    },
    kickOutbox,
    async retryEffect(effectId) {
      return retryEffect({ store: await deps.store(), onChange: changed }, effectId);
    },
  };
}
