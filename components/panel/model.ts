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
import { changeBatcher, onlyEffects } from './changes';

export type Route =
  | { name: 'conversation' }
  | { name: 'queue' }
  | { name: 'new' }
  | { name: 'link' }
  | { name: 'ticket'; ticketId: string }
  | { name: 'preview'; conversationKey: string; from: Route; /** Why the conversation is linked to the ticket it was opened from. */ reason?: string };

export type ConversationView = ResponseMap['ui:conversationView'];

/** The views that show the conversation's details or its linked tickets. */
const USES_CONVERSATION = new Set<Route['name']>(['conversation', 'link', 'new']);

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
  /** The background has said which conversation this panel shows (its first answer). */
  const ready = signal(false);
  const status = createAnnouncement();
  /**
   * Bumped once per frame of change events that may change lists of tickets (not for delivery
   * progress alone), and after a reconnect: searches run again.
   */
  const revision = signal(0);
  /** The change events of the last frame, merged (./changes.ts); views apply what they show. */
  const lastChange = signal<ChangeSet | null>(null);
  /** Bumped when events may have been lost (the worker stopped): views re-read everything. */
  const resync = signal(0);
  let followsActiveTab = false;
  /** This browser's team workspace status (null: not read yet, or not in one). */
  const workspace = signal<WorkspaceStatus | null>(null);
  const refreshWorkspace = () =>
    request('ui:workspaceStatus', {}).then(
      (s) => void (workspace.value = s.joined ? s : null),
      () => {},
    );
  /** The conversation changed while no view showing it was open: read it when one opens. */
  let conversationStale = false;

  async function refreshConversation() {
    conversationStale = false;
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
    // Both questions at once: the first frame waits for the slower, not for the two in turn.
    const [hello] = await Promise.all([request('ui:hello', { context: explicit }), refreshCatalog()]);
    tabId.value = hello.tabId;
    followsActiveTab = hello.followsActiveTab;
    batch(() => {
      setContext(hello);
      ready.value = true;
    });
  }

  /** Change events, merged and applied together (./changes.ts). */
  const receive = changeBatcher((changes) => flush(changes), {
    requestAnimationFrame: (run) => requestAnimationFrame(run),
    cancelAnimationFrame: (id) => cancelAnimationFrame(id),
    setTimeout: (run, ms) => setTimeout(run, ms),
    clearTimeout: (id) => clearTimeout(id),
  });

  function flush(changes: ChangeSet) {
    // The workspace's sync status alone changes no ticket: no view re-reads for it.
    const { workspace: workspaceChanged, ...rest } = changes;
    batch(() => {
      lastChange.value = changes;
      if (!onlyEffects(rest as ChangeSet)) revision.value++;
    });
    if (workspaceChanged) void refreshWorkspace();
    if (changes.types || changes.teammates || changes.settings) void refreshCatalog();
    const key = conversationKey.value;
    if (!key) return;
    // The conversation's list shows its tickets' titles, states and last updates: read it again
    // when one of them changed, not for their deliveries' progress.
    const covered = new Set(changes.deltas?.filter((d) => d.ticket || d.activity?.length).map((d) => d.ticketId));
    const delivered = new Set(changes.deltas?.map((d) => d.ticketId));
    const linked = new Set(conversation.value?.linked.map((s) => s.ticket.id));
    const touched = changes.ticketIds.some((id) => linked.has(id) && (covered.has(id) || !delivered.has(id)));
    if (changes.conversationKeys.includes(key) || touched) {
      // Read it when a view that shows it is open; otherwise when one opens.
      if (USES_CONVERSATION.has(route.value.name)) void refreshConversation();
      else conversationStale = true;
    }
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
        if (event.type === 'bg:changed') receive(event.changes);
      },
      signal,
      {
        // The worker stopped and events may have been lost meanwhile: read everything shown again.
        onReconnect() {
          batch(() => {
            revision.value++;
            resync.value++;
          });
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
    resync: resync as ReadonlySignal<number>,
    error: error as ReadonlySignal<string>,
    unavailable: unavailable as ReadonlySignal<boolean>,
    ready: ready as ReadonlySignal<boolean>,
    workspace: workspace as ReadonlySignal<WorkspaceStatus | null>,
    /** What was last said to screen readers. */
    status: status.text,
    start,
    navigate(to: Route) {
      route.value = to;
      if (conversationStale && USES_CONVERSATION.has(to.name)) {
        conversationStale = false;
        void refreshConversation();
      }
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
