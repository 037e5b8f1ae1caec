/** Workspace settings: what admins stored, and what is in force (the enterprise policy on top). */
import { getMeta, readMeta, writeMeta } from './meta';
import { BacklineError } from '../model/errors';
import { effectiveSettings, withDefaults, policyConflictMessage, policyConflicts, type WorkspaceSettings } from '../model/settings';
import type { StoreEngine } from './engine';

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
