/**
 * Handlers of the options page's requests. The sender and unlock checks happen in
 * handleMessage before any of these run: `opt:` needs the options page, `admin:` also needs
 * admin settings unlocked. What only the background can know (the passphrase, the throttle,
 * the enterprise policy, connection tokens) is checked here again, whatever the page showed.
 */
import { customHostsFor, baseUrlOrigin } from '../helpdesks/base-url';
import { type HostSyncResult } from './custom-hosts';
import { checkNewPassphrase, describeWait, NO_FAILURES } from '../model/passphrase';
import { hashPassphrase, recordFailure, throttleWaitMs, verifyPassphrase } from './passphrase';
import { policyKeys } from '../model/settings';
import { importExport, parseExportText, wipeAll } from '../store/transfer';
import { computeUsage, listConnections, removeConnection, removeTeammate, removeTicketType, resolveConnection, saveConnection, saveTeammate, saveTicketType, setMe } from '../store/workspace';
import { accountFromApi, ConnectorError, testConnection, type ConnectionConfig } from '../connectors';
import { DESCRIPTORS, HELPDESK_NAMES } from '../helpdesks';
import { BacklineError } from '../model/errors';
import type { AdminResponseMap, AdminStatus } from '../protocol-admin';
import { MAX_IMPORT_BYTES, type ImportCheck } from '../model/admin';
import type { RequestOf } from '../protocol';
import type { BackgroundEnv, SenderInfo } from './env';
import { workspaceRules } from './workspace-rules';

/**
 * The account a connection's helpdesk API names for its credentials (Intercom's workspace), or
 * an error that says the connection was not saved and why.
 */
async function accountFromApiOrExplain(conn: ConnectionConfig): Promise<string> {
  try {
    return (await accountFromApi(conn)) ?? '';
  } catch (e) {
    if (!(e instanceof ConnectorError)) throw e;
    throw new BacklineError(e.code, `Not saved: Backline asks ${HELPDESK_NAMES[conn.helpdesk]} which account the connection belongs to, and that failed. ${e.message}`);
  }
}

type AdminHandlers = {
  [K in keyof AdminResponseMap]: (payload: RequestOf<K>, sender: SenderInfo) => Promise<AdminResponseMap[K]>;
};

/**
 * Brings the registered content scripts and the content script's host list in line with the
 * saved connections. Also run at start-up, so a browser that lost them recovers.
 */
export async function resyncCustomHosts(env: BackgroundEnv): Promise<HostSyncResult> {
  if (!env.syncCustomHosts) return { registered: [], missingPermission: [] };
  const store = await env.store();
  return env.syncCustomHosts(customHostsFor(await store.connectionRecords()));
}

export function createAdminHandlers(env: BackgroundEnv): AdminHandlers {
  /** The file last checked for import (its text or blob: URL), and what the check found (only a good file is kept). */
  let lastChecked: { source: string; check: ImportCheck } | null = null;
  /** What names an import file: its text, or the blob: URL its page made for it. */
  const sourceOf = (p: { text: string } | { file: string }): string => ('text' in p ? p.text : p.file);
  const fileText = (p: { text: string } | { file: string }): Promise<string> => {
    if ('text' in p) return Promise.resolve(p.text);
    if (!env.readPageFile) throw new BacklineError('invalid', 'This browser cannot hand Backline a file by URL; send its text.');
    return env.readPageFile(p.file);
  };
  // Unlock attempts run one at a time: parallel guesses must not all slip past the throttle.
  let unlockQueue: Promise<unknown> = Promise.resolve();

  async function status(): Promise<AdminStatus> {
    const store = await env.store();
    const record = await store.passphraseRecord();
    return {
      passphraseSet: !!record,
      unlocked: !!record && (await env.adminUnlocked()),
      retryAfterMs: throttleWaitMs(await store.unlockThrottle(), Date.now()),
      settings: await store.getSettings(),
      policyKeys: policyKeys(store.getPolicy()),
    };
  }

  async function setUnlocked(unlocked: boolean): Promise<void> {
    if (!env.setAdminUnlocked) throw new BacklineError('internal', 'Admin settings cannot be unlocked in this browser.');
    await env.setAdminUnlocked(unlocked);
    (await env.store()).notify({ admin: true });
  }

  async function unlock(passphrase: string): Promise<AdminStatus> {
    const store = await env.store();
    const record = await store.passphraseRecord();
    if (!record) throw new BacklineError('invalid', 'No admin passphrase is set yet. Set one first.');
    const before = await store.unlockThrottle();
    const wait = throttleWaitMs(before, Date.now());
    if (wait > 0) {
      throw new BacklineError('rate_limited', `Too many wrong passphrases. Wait ${describeWait(wait)}, then try again.`, { retryAfterMs: wait });
    }
    if (await verifyPassphrase(passphrase, record)) {
      if (before.failures) await store.saveUnlockThrottle(NO_FAILURES);
      await setUnlocked(true);
      return status();
    }
    const after = recordFailure(before, Date.now());
    await store.saveUnlockThrottle(after);
    const next = throttleWaitMs(after, Date.now());
    throw new BacklineError(
      'unauthorized',
      `That is not the admin passphrase, so admin settings stay locked. You can try again in ${describeWait(next)}.`,
      { retryAfterMs: next },
    );
  }

  async function syncHosts(): Promise<{ result: HostSyncResult; warning: string }> {
    try {
      return { result: await resyncCustomHosts(env), warning: '' };
    } catch (e) {
      return {
        result: { registered: [], missingPermission: [] },
        warning: `The connection was saved, but Backline could not update the helpdesk pages it recognises (${e instanceof Error ? e.message : String(e)}).`,
      };
    }
  }

  return {
    async 'opt:adminStatus'() {
      return status();
    },

    async 'opt:setPassphrase'(p) {
      const problem = checkNewPassphrase(p.passphrase, p.confirmation);
      if (problem) throw new BacklineError('invalid', problem, { field: 'passphrase' });
      const store = await env.store();
      if (await store.passphraseRecord()) {
        throw new BacklineError('conflict', 'An admin passphrase is already set. Unlock admin settings with it.');
      }
      // Hash before the transaction: an IndexedDB transaction cannot wait for crypto.subtle.
      const record = await hashPassphrase(p.passphrase);
      await store.setFirstPassphrase(p.requestId, record);
      // Setting the passphrase does not unlock: the admin proves it once by unlocking with it.
      return status();
    },

    async 'opt:unlock'(p) {
      const attempt = unlockQueue.then(() => unlock(p.passphrase));
      unlockQueue = attempt.catch(() => {});
      return attempt;
    },

    async 'opt:lock'() {
      await setUnlocked(false);
      return status();
    },

    async 'opt:workspace'() {
      const store = await env.store();
      const [types, usage, teammates, me, connections] = await Promise.all([
        store.listTypes(true),
        computeUsage(store),
        store.listTeammates(),
        store.me(),
        listConnections(store),
      ]);
      // me() may have just created "Me": list it too.
      const all = teammates.some((t) => t.id === me.id) ? teammates : await store.listTeammates();
      return { types, usage, teammates: all, me, connections };
    },

    async 'opt:setMe'(p) {
      return setMe(await env.store(), p.requestId, p.teammateId);
    },

    async 'opt:export'() {
      // Agents may export: the file holds nothing the panel does not already show them, and no
      // secrets (no tokens, no passphrase hash). It is also the way back if the passphrase is lost.
      return (await env.store()).exportAll();
    },

    async 'opt:workspaceStatus'() {
      if (!env.workspace) return { joined: false, localTickets: 0 };
      return env.workspace.status();
    },

    async 'opt:joinWorkspace'(p) {
      if (!env.workspace) throw new BacklineError('invalid', 'The team workspace is not available here.');
      return env.workspace.join(p);
    },

    async 'opt:leaveWorkspace'() {
      if (!env.workspace) throw new BacklineError('invalid', 'The team workspace is not available here.');
      await env.workspace.leave();
      return env.workspace.status();
    },

    async 'admin:setUpWorkspace'() {
      if (!env.workspace) throw new BacklineError('invalid', 'The team workspace is not available here.');
      return { message: await env.workspace.setUp(workspaceRules()) };
    },

    async 'admin:saveSettings'(p) {
      return (await env.store()).saveSettings(p.requestId, p.settings);
    },

    async 'admin:saveTicketType'(p) {
      return saveTicketType(await env.store(), p.requestId, p.type);
    },

    async 'admin:removeTicketType'(p) {
      return removeTicketType(await env.store(), p.requestId, p.typeId);
    },

    async 'admin:saveTeammate'(p) {
      return saveTeammate(await env.store(), p.requestId, p.teammate);
    },

    async 'admin:removeTeammate'(p) {
      return removeTeammate(await env.store(), p.requestId, p.teammateId);
    },

    async 'admin:saveConnection'(p) {
      const store = await env.store();
      let input = p.connection;
      // Where the helpdesk's API names the account (Intercom's workspace), ask it now: the
      // account decides which pages the connection serves, and a wrong token is refused here.
      if (DESCRIPTORS[input.helpdesk]?.connection.account.from === 'api') {
        const account = await accountFromApiOrExplain(await resolveConnection(store, input));
        input = { ...input, account };
      }
      const connection = await saveConnection(store, p.requestId, input);
      const { result, warning } = await syncHosts();
      const missingPermission = connection.selfHosted && result.missingPermission.includes(baseUrlOrigin(connection.baseUrl));
      return { connection, missingPermission, warning };
    },

    async 'admin:removeConnection'(p) {
      const removed = await removeConnection(await env.store(), p.requestId, p.connectionId);
      await syncHosts();
      return removed;
    },

    async 'admin:testConnection'(p) {
      const record = await resolveConnection(await env.store(), p.connection);
      const result = await testConnection(record);
      return result.ok ? { ok: true, detail: result.detail } : { ok: false, error: result.error };
    },

    async 'admin:checkImport'(p) {
      const check = parseExportText(await fileText(p));
      if (!check.ok) throw new BacklineError('invalid', `This file cannot be imported: ${check.error}. Nothing was changed.`, { reason: check.error });
      // The import that usually follows names the same file: it is not read or checked twice.
      lastChecked = { source: sourceOf(p), check };
      return check.summary;
    },

    async 'admin:import'(p) {
      const checked = lastChecked?.source === sourceOf(p) ? lastChecked.check : undefined;
      lastChecked = null;
      const summary = await importExport(await env.store(), p.requestId, checked ?? (await fileText(p)), {
        onProgress: (done, total) => env.broadcast({ type: 'bg:progress', task: 'import', done, total }),
      });
      // Effects that were still queued when the file was exported go out now.
      env.kickOutbox?.();
      return summary;
    },

    async 'admin:wipe'(p) {
      await wipeAll(await env.store(), p.requestId);
      return { wiped: true as const };
    },
  };
}

/**
 * The text of a file an extension page holds, by the blob: URL the page made for it. Only this
 * extension's blob: URLs (`extensionOrigin`, e.g. chrome-extension://id/) are read: a message
 * cannot make the background fetch anything else. A file larger than an import may be is refused
 * before it is read.
 */
export async function readPageFile(url: string, extensionOrigin: string): Promise<string> {
  if (!url.startsWith(`blob:${extensionOrigin}`)) throw new BacklineError('invalid', 'Backline reads only files its own pages hand it.');
  let blob: Blob;
  try {
    blob = await (await fetch(url)).blob();
  } catch {
    throw new BacklineError('not_found', 'The chosen file can no longer be read (the page that chose it was closed or reloaded). Choose it again.');
  }
  if (blob.size > MAX_IMPORT_BYTES) throw new BacklineError('invalid', `This file cannot be imported: the file is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MB. Nothing was changed.`);
  return blob.text();
}
