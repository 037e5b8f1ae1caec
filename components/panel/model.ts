/**
 * The panel's state: one model (createModel) made at start-up and provided through context.
 * Views read its signals (read-only to them) and call its methods, which are actions: what one
 * call changes is shown at once, together.
 */
import type { WorkspaceStatus } from '@/lib/model/workspace-docs';
import { batch, createModel, signal, type ReadonlySignal } from '@preact/signals';
import { createAnnouncement } from '@/components/common/announcement';
import { onBackgroundEvent, request } from '@/lib/client';
import type { PageContext } from '@/lib/model/helpdesk';
import type { Catalog } from '@/lib/model/views';
import type { ResponseMap } from '@/lib/protocol';
import type { ChangeSet } from '@/lib/model/views';

export type Route =
  | { name: 'conversation' }
  | { name: 'queue' }
  | { name: 'new' }
  | { name: 'link' }
  | { name: 'ticket'; ticketId: string }
  | { name: 'preview'; conversationKey: string; from: Route };

export type ConversationView = ResponseMap['ui:conversationView'];

export const PanelModel = createModel(() => {
  const context = signal<PageContext | null>(null);
  const conversationKey = signal<string | null>(null);
  const tabId = signal<number | null>(null);
  const route = signal<Route>({ name: 'conversation' });
  const catalog = signal<Catalog | null>(null);
  const conversation = signal<ConversationView | null>(null);
  const error = signal<string>('');
  /** The panel could not connect (start failed): it shows why, and nothing that would mislead. */
  const unavailable = signal(false);
  const status = createAnnouncement();
  /** Bumped on every change event so that open views re-read what they show. */
  const revision = signal(0);
  /** The last change set, for views that only care about one conversation. */
  const lastChange = signal<ChangeSet | null>(null);
  let followsActiveTab = false;
  /** This browser's team workspace status (null: not read yet, or not in one). */
  const workspace = signal<WorkspaceStatus | null>(null);
  const refreshWorkspace = () =>
    request('ui:workspaceStatus', {}).then(
      (s) => void (workspace.value = s.joined ? s : null),
      () => {},
    );

  async function refreshConversation() {
    const key = conversationKey.value;
    if (!key) {
      conversation.value = null;
      return;
    }
    try {
      const view = await request('ui:conversationView', { conversationKey: key });
      if (conversationKey.value === key) conversation.value = view;
    } catch (e) {
      error.value = (e as Error).message;
    }
  }

  async function refreshCatalog() {
    catalog.value = await request('ui:catalog', {});
  }

  function setContext(next: { context: PageContext | null; conversationKey: string | null }) {
    if (next.conversationKey === conversationKey.value) return;
    batch(() => {
      context.value = next.context;
      conversationKey.value = next.conversationKey;
      conversation.value = null;
      // Following the agent to another conversation returns to its overview.
      if (route.value.name !== 'ticket' && route.value.name !== 'queue') route.value = { name: 'conversation' };
    });
    void refreshConversation();
  }

  /** Asks the background which conversation this panel shows, and shows it. */
  async function hello(explicit: PageContext | null) {
    const hello = await request('ui:hello', { context: explicit });
    tabId.value = hello.tabId;
    followsActiveTab = hello.followsActiveTab;
    await refreshCatalog();
    setContext(hello);
  }

  /** Connects to the background; ends listening when `signal` aborts. */
  async function start(signal: AbortSignal, explicit: PageContext | null) {
    onBackgroundEvent(
      (event) => {
        if (event.type === 'bg:tabContext' && event.tabId === tabId.value) setContext(event);
        if (event.type === 'bg:activeTab' && followsActiveTab) {
          tabId.value = event.tabId;
          setContext(event);
        }
        if (event.type === 'bg:changed') {
          batch(() => {
            revision.value++;
            lastChange.value = event.changes;
          });
          if (event.changes.types || event.changes.teammates || event.changes.settings) void refreshCatalog();
          if (event.changes.workspace) void refreshWorkspace();
          const key = conversationKey.value;
          if (key && (event.changes.conversationKeys.includes(key) || event.changes.ticketIds.length)) void refreshConversation();
        }
      },
      signal,
      {
        // The worker stopped and events may have been lost meanwhile: read everything shown again.
        onReconnect() {
          revision.value++;
          void refreshConversation();
          void refreshWorkspace();
          hello(explicit).catch((e: Error) => (error.value = e.message));
        },
      },
    );
    await hello(explicit);
    void refreshWorkspace();
  }

  return {
    context: context as ReadonlySignal<PageContext | null>,
    conversationKey: conversationKey as ReadonlySignal<string | null>,
    /** The tab the panel belongs to (its own, or the active one in the side panel). */
    tabId: tabId as ReadonlySignal<number | null>,
    conversation: conversation as ReadonlySignal<ConversationView | null>,
    catalog: catalog as ReadonlySignal<Catalog | null>,
    route: route as ReadonlySignal<Route>,
    revision: revision as ReadonlySignal<number>,
    lastChange: lastChange as ReadonlySignal<ChangeSet | null>,
    error: error as ReadonlySignal<string>,
    unavailable: unavailable as ReadonlySignal<boolean>,
    workspace: workspace as ReadonlySignal<WorkspaceStatus | null>,
    /** What was last said to screen readers. */
    status: status.text,
    start,
    navigate(to: Route) {
      route.value = to;
    },
    /** Says something politely to screen readers. */
    announce: status.announce,
    showError(message: string) {
      error.value = message;
    },
    /** Start failed: the panel cannot work, so it shows only the reason. */
    showStartError(message: string) {
      error.value = message;
      unavailable.value = true;
    },
    clearError() {
      error.value = '';
    },
    refreshConversation,
  };
});

export type PanelModel = InstanceType<typeof PanelModel>;
