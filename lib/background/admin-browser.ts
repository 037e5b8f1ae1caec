/**
 * The browser side of admin settings, for entrypoints/background.ts: the unlock flag in
 * storage.session, the enterprise policy in storage.managed, and content scripts registered
 * on self-hosted helpdesk origins. Kept out of lib/background/admin.ts so that the handlers
 * stay testable with plain objects.
 */
import browser from 'webextension-polyfill';
import { CUSTOM_HOSTS_KEY } from '../helpdesks/base-url';
import { syncCustomHosts, type HostSyncResult } from './custom-hosts';
import { parsePolicy } from '../model/settings';
import type { CustomHost } from '../model/helpdesk';
import type { Store } from '../store';
import type { WorkspaceSettings } from '../model/settings';

/**
 * storage.session: kept in memory, cleared when the browser closes, so an unlock lasts until
 * then or until the admin locks again. Its default access level (TRUSTED_CONTEXTS) keeps it
 * out of content scripts' reach; nothing in Backline lowers it.
 */
const UNLOCK_KEY = 'adminUnlocked';

export async function isAdminUnlocked(): Promise<boolean> {
  return (await browser.storage.session.get(UNLOCK_KEY))[UNLOCK_KEY] === true;
}

export async function setAdminUnlocked(unlocked: boolean): Promise<void> {
  if (unlocked) await browser.storage.session.set({ [UNLOCK_KEY]: true });
  else await browser.storage.session.remove(UNLOCK_KEY);
}

/** The organisation's policy (storage.managed), parsed; {} where there is none or the browser has no managed storage. */
export async function readManagedPolicy(): Promise<Partial<WorkspaceSettings>> {
  let raw: unknown = {};
  try {
    raw = await browser.storage.managed.get();
  } catch {
    // Firefox without a managed-storage manifest for Backline throws: no policy.
  }
  const { values, ignored } = parsePolicy(raw);
  if (ignored.length) console.warn(`Backline ignored enterprise policy entries: ${ignored.join('; ')}`);
  return values;
}

/** Applies policy changes at once and tells open pages, which redraw their settings. */
export function watchManagedPolicy(store: () => Promise<Store>): void {
  browser.storage.onChanged.addListener((_changes, area) => {
    if (area !== 'managed') return;
    void (async () => {
      const s = await store();
      s.setPolicy(await readManagedPolicy());
      s.notify({ settings: true });
    })();
  });
}

/** Registers the content script on self-hosted origins (see syncCustomHosts) with the real browser APIs. */
export function syncCustomHostsInBrowser(hosts: CustomHost[]): Promise<HostSyncResult> {
  return syncCustomHosts(hosts, {
    getRegistered: () => browser.scripting.getRegisteredContentScripts(),
    register: (scripts) =>
      browser.scripting.registerContentScripts(
        scripts.map((s) => ({ ...s, js: ['content-scripts/content.js'], runAt: 'document_idle' as const, persistAcrossSessions: true })),
      ),
    unregister: (ids) => browser.scripting.unregisterContentScripts({ ids }),
    hasPermission: (pattern) => browser.permissions.contains({ origins: [pattern] }),
    saveCustomHosts: (list) => browser.storage.local.set({ [CUSTOM_HOSTS_KEY]: list }),
  });
}
