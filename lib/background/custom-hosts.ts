/**
 * Registers the content script on self-hosted helpdesk origins: the browser APIs come in as
 * parameters, so the sync is testable without a browser.
 */
import { originMatchPattern } from '../helpdesks';
import type { CustomHost } from '../model/helpdesk';

/** Ids of content scripts registered for self-hosted origins start with this. */
export const CUSTOM_SCRIPT_PREFIX = 'backline-host:';

/** The browser APIs the sync needs (browser.scripting, browser.permissions, browser.storage.local). */
export interface HostSyncApi {
  getRegistered(): Promise<{ id: string; matches?: string[] }[]>;
  register(scripts: { id: string; matches: string[] }[]): Promise<void>;
  unregister(ids: string[]): Promise<void>;
  hasPermission(pattern: string): Promise<boolean>;
  saveCustomHosts(hosts: CustomHost[]): Promise<void>;
}

export interface HostSyncResult {
  /** Origins whose content script is registered after the sync (it runs only where access is granted). */
  registered: string[];
  /** Origins Backline has no permission for: their pages are not recognised until it is granted. */
  missingPermission: string[];
}

/**
 * Makes the registered content scripts and the stored custom-host list match `hosts`:
 * unregisters scripts of removed origins, registers new ones and writes the token-free list
 * the content script reads. A script is registered even where the host permission is missing
 * (the browser runs it only once access is granted, e.g. from its toolbar menu); those origins
 * are reported. Safe to run again at any time (start-up, after every save).
 */
export async function syncCustomHosts(hosts: readonly CustomHost[], api: HostSyncApi): Promise<HostSyncResult> {
  const wanted = new Map<string, string>();
  const missingPermission: string[] = [];
  for (const h of hosts) {
    const pattern = originMatchPattern(h.origin);
    wanted.set(CUSTOM_SCRIPT_PREFIX + h.origin, pattern);
    if (!(await api.hasPermission(pattern))) missingPermission.push(h.origin);
  }
  const ours = (await api.getRegistered()).filter((s) => s.id.startsWith(CUSTOM_SCRIPT_PREFIX));
  const stale = ours.filter((s) => wanted.get(s.id) !== s.matches?.[0] || (s.matches?.length ?? 0) !== 1).map((s) => s.id);
  if (stale.length) await api.unregister(stale);
  const kept = new Set(ours.map((s) => s.id).filter((id) => !stale.includes(id)));
  const add = [...wanted.entries()].filter(([id]) => !kept.has(id)).map(([id, pattern]) => ({ id, matches: [pattern] }));
  if (add.length) await api.register(add);
  await api.saveCustomHosts(hosts.map((h) => ({ origin: h.origin, helpdesk: h.helpdesk })));
  return { registered: [...wanted.keys()].map((id) => id.slice(CUSTOM_SCRIPT_PREFIX.length)), missingPermission };
}
