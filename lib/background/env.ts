/**
 * What the background's handlers need from the browser and from each other: who sent a message
 * (decided from what the browser says about the sender) and the environment the handlers run in.
 * Browser specifics (tabs, storage.session, runtime messaging) come in through `BackgroundEnv`,
 * which keeps the handlers testable with fake-indexeddb and plain objects.
 */
import type { WorkspaceService } from './workspace';
import type { CustomHost, PageContext } from '../model/helpdesk';
import type { ConversationRecord } from '../model/records';
import type { PreviewResult } from '../model/views';
import type { BackgroundEvent, SenderRole } from '../protocol';
import type { Store } from '../store';
import type { HostSyncResult } from './custom-hosts';

export interface SenderInfo {
  role: SenderRole | null;
  tabId: number | null;
  url: string;
}

/** Decides who sent a message, from what the browser (not the message) says about the sender. */
export function classifySender(
  sender: { id?: string; url?: string; tab?: { id?: number } },
  runtimeId: string,
  extensionOrigin: string,
): SenderInfo {
  const url = sender.url ?? '';
  const tabId = sender.tab?.id ?? null;
  if (sender.id !== runtimeId) return { role: null, tabId, url };
  const origin = extensionOrigin.endsWith('/') ? extensionOrigin : `${extensionOrigin}/`;
  if (url.startsWith(origin)) {
    const path = new URL(url).pathname;
    return { role: path === '/options.html' ? 'options' : 'page', tabId, url };
  }
  // Not an extension page but our extension id: a content script in a web page.
  if (tabId !== null) return { role: 'content', tabId, url };
  return { role: null, tabId, url };
}

export interface TabContext {
  context: PageContext | null;
  conversationKey: string | null;
}

export interface BackgroundEnv {
  store(): Promise<Store>;
  getTabContext(tabId: number): Promise<TabContext | undefined>;
  setTabContext(tabId: number, value: TabContext): Promise<void>;
  broadcast(event: BackgroundEvent): void;
  /** The active tab of the last focused window (for the browser's side panel). */
  activeTabId?(): Promise<number | null>;
  adminUnlocked(): Promise<boolean>;
  /** Reads a conversation from its helpdesk, or null when no connection serves it. */
  readConversation?(conversation: ConversationRecord): Promise<PreviewResult | null>;
  /** Wakes the outbox processor after effects were queued. */
  kickOutbox?(): void;
  /** The text of a file an extension page holds, by its blob: URL (./admin.ts, readPageFile). */
  readPageFile?(url: string): Promise<string>;
  retryEffect?(effectId: string): Promise<boolean>;
  /** Records admin settings as unlocked or locked (storage.session: gone when the browser closes). */
  setAdminUnlocked?(unlocked: boolean): Promise<void>;
  /**
   * Registers the content script on self-hosted helpdesk origins and stores the token-free list
   * the content script reads (./custom-hosts.ts).
   */
  syncCustomHosts?(hosts: CustomHost[]): Promise<HostSyncResult>;
  /** Asks the content script in a tab whether the page covers its dock: its raw answer, unchecked. */
  checkDock?(tabId: number): Promise<unknown>;
  /** The team workspace (./workspace.ts); absent in tests that do not need it. */
  workspace?: WorkspaceService;
}
