/** Workspace settings: what admins stored, and what is in force (the enterprise policy on top). */
import { getMeta, readMeta, writeMeta } from './meta';
import type { IDBPObjectStore } from 'idb';
import { describeActivity } from '../model/activity';
import { checkNote, checkTitle, findState, formatAttribute, formatTicketNumber, initialState, MAX_DESCRIPTION_LENGTH, parseTicketNumber, SHARING_LABELS, TICKET_KIND_LABELS, validateAttributes, type AttributeValue, type SharingBehavior, type Ticket, type TicketType } from '../model/domain';
import { BacklineError } from '../model/errors';
import type { ConversationStatus } from '../model/helpdesk';
import { uuidv7 } from '../model/ids';
import { LIMITS } from '../model/limits';
import type { ActivityRecord, ConversationRecord, LinkRecord, OutboxRecord, Teammate } from '../model/records';
import { effectiveSettings, withDefaults, policyConflictMessage, policyConflicts, type WorkspaceSettings } from '../model/settings';
import type { ChangeSet, ConversationInput, FieldConflict, LinkView, PreviewMessage, PropagationChoice, StaleDetails, TicketChanges, TicketQuery, TicketSummary, TicketView } from '../model/views';
import type { BacklineDB } from './schema';
import type { StoreEngine, StoreName, Tx } from './engine';

/** The settings in force: stored ones with the enterprise policy on top. */
export async function getSettings(s: StoreEngine): Promise<WorkspaceSettings> {
  return effectiveSettings(await getStoredSettings(s), s.getPolicy());
}

/** What admins saved, without the policy (for the options page and exports). */
export async function getStoredSettings(s: StoreEngine): Promise<WorkspaceSettings> {
  return withDefaults(await getMeta(s, 'settings'));
}

/**
 * Saves workspace settings (callers enforce who may). A setting the enterprise policy sets is
 * refused, whatever the page showed. Returns the settings in force afterwards.
 */
export async function saveSettings(s: StoreEngine, requestId: string, patch: Partial<WorkspaceSettings>): Promise<WorkspaceSettings> {
  const conflicts = policyConflicts(patch, s.getPolicy());
  if (conflicts.length) throw new BacklineError('forbidden', policyConflictMessage(conflicts), { policyKeys: conflicts });
  const stored = await s.write(requestId, ['meta'], async (tx) => {
    const next = { ...withDefaults(await readMeta(tx, 'settings')), ...patch };
    await writeMeta(tx, 'settings', next);
    return { result: next, changes: { ticketIds: [], conversationKeys: [], settings: true } };
  });
  return effectiveSettings(stored, s.getPolicy());
}
