import browser from 'webextension-polyfill';
import { openBacklineDb } from '@/lib/db';
import { classifySender, createHandlers, handleMessage, type BackgroundEnv, type TabContext } from '@/lib/background/service';
import type { BackgroundEvent } from '@/lib/protocol';
import { Store } from '@/lib/store';

export default defineBackground({
  type: 'module',
  main() {
    let storePromise: Promise<Store> | undefined;
    const env: BackgroundEnv = {
      store() {
        storePromise ??= openBacklineDb().then((db) => new Store(db, (changes) => env.broadcast({ type: 'bg:changed', changes })));
        return storePromise;
      },
      async getTabContext(tabId) {
        const key = `tab:${tabId}`;
        return (await browser.storage.session.get(key))[key] as TabContext | undefined;
      },
      async setTabContext(tabId, value) {
        await browser.storage.session.set({ [`tab:${tabId}`]: value });
      },
      broadcast(event: BackgroundEvent) {
        // Reaches every extension page (panel frames, side panel, options); none open is fine.
        browser.runtime.sendMessage(event).catch(() => {});
      },
      async adminUnlocked() {
        return (await browser.storage.session.get('adminUnlocked')).adminUnlocked === true;
      },
    };
    const handlers = createHandlers(env);
    const extensionOrigin = browser.runtime.getURL('/');

    // Registered synchronously at start-up so that a stopped worker wakes for any message.
    browser.runtime.onMessage.addListener((message: unknown, sender: browser.Runtime.MessageSender) => {
      const info = classifySender(sender, browser.runtime.id, extensionOrigin);
      if (typeof message === 'object' && message !== null && String((message as { type?: unknown }).type).startsWith('bg:')) {
        return undefined; // our own broadcast echoed back; not a request
      }
      return handleMessage(handlers, env, message, info);
    });

    browser.commands.onCommand.addListener(async (command) => {
      if (command !== 'toggle-panel') return;
      const [tab] = await browser.tabs.query({ active: true, currentWindow: true });
      if (tab?.id !== undefined) await browser.tabs.sendMessage(tab.id, { type: 'bg:togglePanel' } satisfies BackgroundEvent).catch(() => {});
    });

    browser.tabs.onRemoved.addListener((tabId) => {
      void browser.storage.session.remove(`tab:${tabId}`);
    });

    browser.runtime.onStartup.addListener(() => {
      void env.store().then((s) => s.pruneRequests());
    });
  },
});
