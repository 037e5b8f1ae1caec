/**
 * Keeps the toolbar button's badge and tooltip in step with the conversation of each tab: set
 * when a tab reports its page (load and in-app navigation), when a tab is activated, and when a
 * change touches a conversation shown in a tab. Per tab (`tabId`), so every window's button
 * shows its own tab; the browser clears per-tab values when the tab loads another page.
 */
import type { ChangeSet } from '../model/views';
import { toolbarLook, type ToolbarWords } from '../model/toolbar';
import type { TabContext } from './env';

/** The part of browser.action this needs (Chrome and Firefox MV3 alike). */
export interface ActionApi {
  setBadgeText(details: { tabId: number; text: string }): Promise<void>;
  setTitle(details: { tabId: number; title: string }): Promise<void>;
}

export interface ToolbarDeps {
  action: ActionApi;
  /** How many tickets are linked to a conversation. */
  linkedCount(conversationKey: string): Promise<number>;
  /** How many deliveries failed (the outbox, across tickets). */
  failedCount?(): Promise<number>;
  getTabContext(tabId: number): Promise<TabContext | undefined>;
  /** Every tab with a known page context (storage.session). */
  knownTabs(): Promise<{ tabId: number; context: TabContext }[]>;
  /** The tooltip's words in the browser's language (default English). */
  words?: ToolbarWords;
}

/** Counts read once for one update of many tabs: tabs showing one conversation share its count. */
function countsOnce(deps: ToolbarDeps) {
  const linked = new Map<string, Promise<number>>();
  let failed: Promise<number> | undefined;
  return {
    linked: (key: string) => linked.get(key) ?? linked.set(key, deps.linkedCount(key)).get(key)!,
    failed: () => (failed ??= deps.failedCount?.() ?? Promise.resolve(0)),
  };
}

export function createToolbar(deps: ToolbarDeps) {
  async function show(tabId: number, context: TabContext | undefined, counts = countsOnce(deps)) {
    const key = context?.conversationKey ?? null;
    const look = toolbarLook(key ? await counts.linked(key) : null, deps.words, await counts.failed());
    // A tab closed meanwhile rejects; nothing to show then.
    await Promise.all([deps.action.setBadgeText({ tabId, text: look.badge }), deps.action.setTitle({ tabId, title: look.title })]).catch(() => {});
  }
  return {
    /** The tab reported its page, or was activated. */
    async update(tabId: number, context?: TabContext) {
      await show(tabId, context ?? (await deps.getTabContext(tabId)));
    },
    /** A change to tickets or links: re-count for the tabs whose conversation it touches. */
    async changed(changes: ChangeSet) {
      // An effect's outcome may make a failure appear or go: every tab's badge says it.
      const outcome = !!changes.deltas?.some((d) => d.effects?.length);
      if (!changes.conversationKeys.length && !changes.ticketIds.length && !outcome) return;
      const touched = new Set(outcome ? [] : changes.conversationKeys);
      const tabs = await deps.knownTabs();
      const counts = countsOnce(deps);
      await Promise.all(
        tabs
          // A ticket change without conversation keys (say, one resolved) re-counts every tab.
          .filter(({ context }) => context.conversationKey && (touched.size === 0 || touched.has(context.conversationKey)))
          .map(({ tabId, context }) => show(tabId, context, counts)),
      );
    },
  };
}
