/**
 * The background service worker, wired to the browser: the database, the handlers, the event
 * ports, the outbox's wake-ups and the browser's events. Everything here is registered
 * synchronously when the worker starts, so that a stopped worker wakes for any message.
 */
import browser from 'webextension-polyfill';
import { DB_NAME, openBacklineDb, sharedOpen } from '../store/schema';
import { classifySender, createHandlers, handleMessage, type BackgroundEnv, type TabContext } from './service';
import { createHelpdeskServices } from './helpdesk';
import { createPagePorts } from './ports';
import { readPageFile, resyncCustomHosts } from './admin';
import { isAdminUnlocked, readManagedPolicy, setAdminUnlocked, syncCustomHostsInBrowser, watchManagedPolicy } from './admin-browser';
import type { BackgroundEvent, ContentScriptMessage } from '../protocol';
import { Store } from '../store';
import { createToolbar } from './toolbar';
import { ENGLISH_TOOLBAR_WORDS, type ToolbarWords } from '../model/toolbar';
import { loadMembership, saveMembership } from '../store/sync';
import { createWorkspace } from './workspace';
import { createForeground } from './foreground';
import { WorkspacePouchDB } from './pouchdb';

/** The toolbar tooltip's words from the catalogue (public/_locales), in the browser's language. */
function toolbarWords(): ToolbarWords {
  const say = (key: string, n?: number) => browser.i18n.getMessage(key, n === undefined ? undefined : [new Intl.NumberFormat(browser.i18n.getUILanguage()).format(n)]);
  const plural = new Intl.PluralRules(browser.i18n.getUILanguage());
  const english = ENGLISH_TOOLBAR_WORDS;
  return {
    plain: say('toolbarPlain') || english.plain,
    none: say('toolbarNone') || english.none,
    linked: (n) => say(plural.select(n) === 'one' ? 'toolbarLinked_one' : 'toolbarLinked_other', n) || english.linked(n),
    failed: (n) => say(plural.select(n) === 'one' ? 'toolbarFailed_one' : 'toolbarFailed_other', n) || english.failed(n),
  };
}

/** Starts Backline's background in this service worker (entrypoints/background.ts). */
export function startBackground(): void {
  const extensionOrigin = browser.runtime.getURL('/');
  // Extension pages listen on a port they open to us; events go there and nowhere else.
  const pages = createPagePorts(browser.runtime.id, extensionOrigin);
  // Registered synchronously at start-up, like onMessage: a page connecting wakes the worker.
  browser.runtime.onConnect.addListener((port) => void pages.accept(port));

  // A failed open (e.g. data from a newer Backline) is not kept: the next request tries again.
  // A database closed from outside (a newer version upgrading it) is opened afresh.
  const openStore = sharedOpen((forget) =>
    openBacklineDb(DB_NAME, { onClose: forget }).then(async (db) => {
      const store = new Store(db, (changes) => {
        // Told to pages after the write's own reply has gone out (a timer runs after the
        // reply's promise settles): the page that asked shows the reply without first
        // handling the event, and the background serialises a 50-link change's 100 effects
        // for every open page after answering, not before. Pages apply both in either order.
        setTimeout(() => env.broadcast({ type: 'bg:changed', changes }), 0);
        void toolbar.changed(changes);
        // A write while in a workspace queued shared records: they go out now.
        workspace.pushSoon();
      });
      // The enterprise policy is in force before the first request is answered.
      store.setPolicy(await readManagedPolicy());
      return store;
    }),
  );
  const env: BackgroundEnv = {
    store: openStore,
    async getTabContext(tabId) {
      const key = `tab:${tabId}`;
      return (await browser.storage.session.get(key))[key] as TabContext | undefined;
    },
    async setTabContext(tabId, value) {
      await browser.storage.session.set({ [`tab:${tabId}`]: value });
      // A report handled after its tab closed (tabs.onRemoved has run) would stay known for the
      // whole session, and every change would re-count its badge: forget it again.
      if (!(await browser.tabs.get(tabId).then(() => true, () => false))) {
        await browser.storage.session.remove(`tab:${tabId}`);
        return;
      }
      void toolbar.update(tabId, value);
    },
    broadcast(event: BackgroundEvent) {
      // Every connected extension page (panel frames, side panel, options); none open is fine.
      pages.broadcast(event);
    },
    async activeTabId() {
      const [tab] = await browser.tabs.query({ active: true, lastFocusedWindow: true });
      return tab?.id ?? null;
    },
    adminUnlocked: isAdminUnlocked,
    setAdminUnlocked,
    syncCustomHosts: syncCustomHostsInBrowser,
    readConversation: (conversation) => helpdesk.readConversation(conversation),
    kickOutbox: () => void helpdesk.kickOutbox(),
    readPageFile: (url) => readPageFile(url, extensionOrigin),
    retryEffect: (effectId) => helpdesk.retryEffect(effectId),
    // The top frame's content script mounts the dock; no answer (no dock there) is null.
    checkDock: (tabId) => browser.tabs.sendMessage(tabId, { type: 'bg:checkDock' } satisfies ContentScriptMessage, { frameId: 0 }).catch(() => null),
  };

  // The toolbar button's badge and tooltip: how many tickets the tab's conversation has.
  const toolbar = createToolbar({
    action: browser.action,
    words: toolbarWords(),
    linkedCount: async (key) => (await env.store()).linkedCount(key),
    failedCount: async () => (await (await env.store()).failedEffectIds()).length,
    getTabContext: (tabId) => env.getTabContext(tabId),
    async knownTabs() {
      const all = await browser.storage.session.get(null);
      return Object.entries(all)
        .filter(([k]) => k.startsWith('tab:'))
        .map(([k, context]) => ({ tabId: Number(k.slice(4)), context: context as TabContext }));
    },
  });
  void browser.action.setBadgeBackgroundColor({ color: '#1c2f80' }).catch(() => {});
  const action = browser.action as typeof browser.action & { setBadgeTextColor?(d: { color: string }): Promise<void> };
  void action.setBadgeTextColor?.({ color: '#ffffff' }).catch(() => {});

  // Propagation outbox. Its queue lives in IndexedDB; wake-ups are an alarm (survives the
  // worker stopping and the browser restarting) plus a timer for short delays while it lives.
  const OUTBOX_ALARM = 'backline-outbox';
  let wakeTimer: ReturnType<typeof setTimeout> | undefined;
  // Pages' requests come before the outbox's and the copy-out's next transactions.
  const foreground = createForeground();
  const helpdesk = createHelpdeskServices({
    store: () => env.store(),
    yieldTo: foreground.idle,
    broadcast: (event) => {
      env.broadcast(event);
      // An effect's outcome is an activity item the team shares (in a workspace): out it goes.
      workspace.pushSoon();
    },
    fetch: (input, init) => fetch(input, init),
    scheduleWake(at) {
      clearTimeout(wakeTimer);
      if (at === null) {
        void browser.alarms.clear(OUTBOX_ALARM);
        return;
      }
      wakeTimer = setTimeout(() => void helpdesk.kickOutbox(), Math.max(0, at - Date.now()));
      void browser.alarms.create(OUTBOX_ALARM, { when: Math.max(at, Date.now() + 1000) });
    },
  });
  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === OUTBOX_ALARM) void helpdesk.kickOutbox();
  });
  // The team workspace: replication resumes at every start of the worker while joined, and an
  // alarm wakes a stopped worker to sync when no page keeps it running.
  const workspace = createWorkspace({
    store: () => env.store(),
    PouchDB: WorkspacePouchDB,
    fetch: (input, init) => fetch(input, init),
    yieldTo: foreground.idle,
    loadMembership: async () => loadMembership(await env.store()),
    saveMembership: async (m) => saveMembership(await env.store(), m),
    notify: (changes) => env.broadcast({ type: 'bg:changed', changes: { ticketIds: [], conversationKeys: [], ...changes } }),
  });
  env.workspace = workspace;
  const WORKSPACE_ALARM = 'backline-workspace';
  void browser.alarms.create(WORKSPACE_ALARM, { periodInMinutes: 1 });
  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === WORKSPACE_ALARM) void workspace.start().catch((e) => console.warn('Backline could not resume its workspace:', e));
  });
  void workspace.start().catch((e) => console.warn('Backline could not resume its workspace:', e));
  const handlers = createHandlers(env);

  // Registered synchronously at start-up so that a stopped worker wakes for any message.
  browser.runtime.onMessage.addListener((message: unknown, sender: browser.Runtime.MessageSender) => {
    const info = classifySender(sender, browser.runtime.id, extensionOrigin);
    if (typeof message === 'object' && message !== null && String((message as { type?: unknown }).type).startsWith('bg:')) {
      return undefined; // an event's name (a content script may forge one) is never a request
    }
    return foreground.run(() => handleMessage(handlers, env, message, info));
  });

  browser.commands.onCommand.addListener(async (command) => {
    if (command !== 'toggle-panel') return;
    const [tab] = await browser.tabs.query({ active: true, currentWindow: true });
    if (tab?.id !== undefined) await browser.tabs.sendMessage(tab.id, { type: 'bg:togglePanel' } satisfies BackgroundEvent).catch(() => {});
  });

  // The browser's side panel follows the conversation in the active tab.
  browser.tabs.onActivated.addListener(async ({ tabId }) => {
    const known = await env.getTabContext(tabId);
    void toolbar.update(tabId, known);
    env.broadcast({ type: 'bg:activeTab', tabId, context: known?.context ?? null, conversationKey: known?.conversationKey ?? null });
  });
  // The toolbar button opens the browser's side panel (Chromium); the in-page panel has its shortcut.
  (globalThis as { chrome?: { sidePanel?: { setPanelBehavior(o: { openPanelOnActionClick: boolean }): Promise<void> } } }).chrome?.sidePanel
    ?.setPanelBehavior({ openPanelOnActionClick: true })
    .catch(() => {});
  // Firefox has no side panel API: its toolbar button toggles Firefox's own sidebar
  // (manifest sidebar_action), which shows the same panel.html. toggle() must run in the
  // click's handler itself, as a user action.
  const sidebar = (browser as { sidebarAction?: { toggle(): Promise<void> } }).sidebarAction;
  if (sidebar) browser.action.onClicked.addListener(() => void sidebar.toggle().catch(() => {}));

  browser.tabs.onRemoved.addListener((tabId) => {
    void browser.storage.session.remove(`tab:${tabId}`);
  });

  watchManagedPolicy(() => env.store());
  // Registered content scripts persist across sessions; they are re-checked against the saved
  // connections when the extension is installed or updated and when the browser starts (a lost
  // registration must not hide the panel), not on every wake-up of the worker.
  const resync = () => void resyncCustomHosts(env).catch((e) => console.warn('Backline could not register self-hosted helpdesks:', e));
  browser.runtime.onInstalled.addListener(resync);
  browser.runtime.onStartup.addListener(resync);

  browser.runtime.onStartup.addListener(() => {
    void env.store().then((s) => s.pruneRequests());
  });

  // Every start of the worker (browser start, install, wake-up after being stopped) picks up
  // effects left queued or interrupted by the previous one.
  void helpdesk.kickOutbox();
}
