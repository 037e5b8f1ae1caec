/**
 * The background's request handlers: one typed map, one entry per request type, so a handler
 * with the wrong payload or response type is a compile error. Browser specifics (tabs,
 * storage.session, runtime messaging) come in through `BackgroundEnv`, which keeps this
 * module testable with fake-indexeddb and plain objects.
 */
import * as v from 'valibot';
import { BacklineError, toWireError } from '../model/errors';
import { conversationKey } from '../helpdesks';
import { allowedFor, DockCheckSchema, parseRequest, type Reply, type RequestOf, type RequestType, type ResponseMap, type SenderRole } from '../protocol';
import { createAdminHandlers } from './admin';
import { createDeliveryHandlers } from './deliveries';
import type { BackgroundEnv, SenderInfo } from './env';

export { classifySender, type BackgroundEnv, type SenderInfo, type TabContext } from './env';

/** How old a conversation's known status may be before the panel asks the helpdesk again. */
const REFRESH_AFTER_MS = 30_000;
/** At most this many linked conversations are read again each time a ticket is opened. */
const MAX_REFRESHED_LINKS = 25;

type Handlers = { [K in RequestType]: (payload: RequestOf<K>, sender: SenderInfo) => Promise<ResponseMap[K]> };

export function createHandlers(env: BackgroundEnv): Handlers {
  const actor = async () => (await (await env.store()).me()).id;
  // A docked panel's first question may reach the background while its page's context report is
  // still being handled (the content script docks the panel without waiting for the answer): the
  // answer waits for the report, so the panel starts on its conversation.
  const reports = new Map<number, Promise<unknown>>();

  async function reportContext(p: RequestOf<'cs:pageContext'>, sender: SenderInfo, tabId: number): Promise<{ accepted: boolean }> {
    // A content script speaks only for the page it runs in.
    if (p.context && originOf(sender.url) !== p.context.origin) {
      throw new BacklineError('forbidden', 'The page context does not match the page that sent it.');
    }
    const key = p.context ? conversationKey(p.context) : null;
    if (p.context && key) {
      const store = await env.store();
      const d = p.details;
      await store.rememberConversation({
        key,
        ...p.context,
        title: d?.title ?? '',
        customerName: d?.customerName ?? '',
        customerEmail: d?.customerEmail ?? '',
        company: d?.company ?? '',
      });
    }
    const value = { context: p.context, conversationKey: key };
    await env.setTabContext(tabId, value);
    env.broadcast({ type: 'bg:tabContext', tabId, ...value });
    return { accepted: true };
  }

  return {
    async 'cs:pageContext'(p, sender) {
      if (sender.tabId === null) return { accepted: false };
      const tabId = sender.tabId;
      const done = reportContext(p, sender, tabId);
      reports.set(tabId, done);
      try {
        return await done;
      } finally {
        if (reports.get(tabId) === done) reports.delete(tabId);
      }
    },

    // Relayed to the panel docked in the sender's tab, which alone knows whether the agent was typing.
    async 'cs:focusTaken'(_p, sender) {
      if (sender.tabId === null) return { accepted: false };
      env.broadcast({ type: 'bg:focusTaken', tabId: sender.tabId });
      return { accepted: true };
    },

    async 'ui:hello'(p, sender) {
      // A panel in a normal tab or the browser's side panel names its conversation itself.
      if (p.context) {
        const key = conversationKey(p.context);
        const store = await env.store();
        await store.rememberConversation({ key, ...p.context, title: '', customerName: '', customerEmail: '', company: '' });
        return { tabId: sender.tabId, context: p.context, conversationKey: key, followsActiveTab: false };
      }
      // The browser's side panel has no tab of its own: it follows the active tab.
      const followsActiveTab = sender.tabId === null;
      const tabId = followsActiveTab ? ((await env.activeTabId?.()) ?? null) : sender.tabId;
      if (tabId !== null) await reports.get(tabId)?.catch(() => {});
      const known = tabId !== null ? await env.getTabContext(tabId) : undefined;
      return { tabId, context: known?.context ?? null, conversationKey: known?.conversationKey ?? null, followsActiveTab };
    },

    async 'ui:conversationView'(p) {
      const store = await env.store();
      const [conversation, linked] = await Promise.all([store.getConversation(p.conversationKey), store.linkedTickets(p.conversationKey)]);
      // Freshen status and customer from the helpdesk in the background; a change is broadcast.
      if (conversation && env.readConversation && Date.now() - (conversation.statusCheckedAt ?? 0) > REFRESH_AFTER_MS) {
        env.readConversation(conversation).catch(() => {});
      }
      return { conversation, linked };
    },

    async 'ui:ticketView'(p) {
      const store = await env.store();
      const view = await store.getTicketView(p.ticketId);
      // The header's roll-up and Links show each conversation's status: freshen the stale ones from
      // their helpdesks in the background (a change is broadcast), as the conversation view does.
      if (env.readConversation) {
        const stale = view.links.map((l) => l.conversation).filter((c) => !!c && Date.now() - (c.statusCheckedAt ?? 0) > REFRESH_AFTER_MS);
        for (const c of stale.slice(0, MAX_REFRESHED_LINKS)) env.readConversation(c!).catch(() => {});
      }
      if (!env.workspace) return view;
      const teammates = await store.listTeammates();
      const name = (id: string | null) => (id ? (teammates.find((t) => t.id === id)?.name ?? id) : 'Unassigned');
      const conflicts = await env.workspace.conflicts(p.ticketId, name);
      return conflicts.length ? { ...view, conflicts } : view;
    },

    async 'ui:workspaceStatus'() {
      if (!env.workspace) return { joined: false };
      const { localTickets: _, ...status } = await env.workspace.status();
      return status;
    },

    async 'ui:resolveConflict'(p) {
      if (!env.workspace) throw new BacklineError('invalid', 'This browser is not in a workspace.');
      await env.workspace.resolveConflict(p.ticketId, p.rev);
      return { resolved: true as const };
    },

    async 'ui:ticketActivity'(p) {
      return (await env.store()).getActivityPage(p.ticketId, p.before);
    },

    async 'ui:queryTickets'(p) {
      return (await env.store()).queryTickets(p);
    },

    async 'ui:catalog'() {
      const store = await env.store();
      const me = await store.me();
      const [types, teammates, settings] = await Promise.all([store.listTypes(), store.listTeammates(), store.getSettings()]);
      return { types, teammates, me, settings };
    },

    async 'ui:createTicket'(p) {
      const store = await env.store();
      const conversation = p.conversation ? await store.getConversation(p.conversation.key) : null;
      if (p.conversation && !conversation) {
        throw new BacklineError('not_found', 'Backline does not know that conversation yet. Reload the helpdesk page and try again.');
      }
      return store.createTicket({
        requestId: p.requestId,
        actorId: await actor(),
        title: p.title,
        typeId: p.typeId,
        description: p.description,
        assigneeId: p.assigneeId,
        attributes: p.attributes,
        user: p.user,
        company: p.company,
        conversation: conversation ?? undefined,
      });
    },

    async 'ui:updateTicket'(p) {
      const store = await env.store();
      return store.updateTicket({ ...p, actorId: await actor() });
    },

    async 'ui:changeState'(p) {
      const store = await env.store();
      const ticket = await store.changeState({ ...p, actorId: await actor() });
      env.kickOutbox?.();
      return ticket;
    },

    async 'ui:addNote'(p) {
      const store = await env.store();
      const note = await store.addNote({ ...p, actorId: await actor() });
      if (p.crossPost) env.kickOutbox?.();
      return { id: note.id, note };
    },

    async 'ui:undo'(p) {
      const store = await env.store();
      const result = await store.undoChange({ ...p, actorId: await actor() });
      env.kickOutbox?.();
      return result;
    },

    async 'ui:link'(p) {
      const store = await env.store();
      const conversation = await store.getConversation(p.conversation.key);
      if (!conversation) throw new BacklineError('not_found', 'Backline does not know that conversation yet.');
      const link = await store.link({ requestId: p.requestId, actorId: await actor(), ticketId: p.ticketId, conversation });
      return { id: link.id };
    },

    async 'ui:unlink'(p) {
      const store = await env.store();
      return { removed: await store.unlink({ ...p, actorId: await actor() }) };
    },

    async 'ui:setLinkReason'(p) {
      const store = await env.store();
      const link = await store.setLinkReason({ ...p, actorId: await actor() });
      return { reason: link.reason ?? '' };
    },

    async 'ui:preview'(p) {
      const store = await env.store();
      const conversation = await store.getConversation(p.conversationKey);
      if (!conversation) throw new BacklineError('not_found', 'Backline does not know that conversation.');
      let notice = 'No helpdesk connection is set up for this conversation, so this shows only what Backline sent to it.';
      if (env.readConversation) {
        try {
          const live = await env.readConversation(conversation);
          if (live) return live;
        } catch (e) {
          notice = `The helpdesk could not be read (${toWireError(e).message}), so this shows only what Backline sent to it.`;
        }
      }
      return { conversation, source: 'backline', notice, messages: await store.backlineMessages(conversation.key) };
    },

    async 'ui:retryEffect'(p) {
      if (!env.retryEffect) return { queued: false };
      const queued = await env.retryEffect(p.effectId);
      env.kickOutbox?.();
      return { queued };
    },

    async 'ui:getSettings'() {
      return (await env.store()).getSettings();
    },

    async 'ui:checkDock'(_p, sender) {
      // The side panel and a normal tab are not docked in a page: nothing to ask.
      if (sender.tabId === null || !env.checkDock) return { covered: null };
      // A content script's answer is untrusted input like any message; anything else is unknown.
      const answer = v.safeParse(DockCheckSchema, await env.checkDock(sender.tabId));
      return { covered: answer.success ? answer.output.covered : null };
    },

    ...createAdminHandlers(env),
    ...createDeliveryHandlers(env),
  };
}

/**
 * Validates and dispatches one message. Unknown, malformed and unauthorised messages get an
 * error reply and change nothing.
 */
export async function handleMessage(
  handlers: Handlers,
  env: Pick<BackgroundEnv, 'adminUnlocked' | 'workspace'>,
  message: unknown,
  sender: SenderInfo,
): Promise<Reply<unknown>> {
  if (sender.role === null) {
    return { ok: false, error: { code: 'forbidden', message: 'Messages from outside Backline are not accepted.' } };
  }
  const parsed = parseRequest(message);
  if (!parsed.ok) return parsed;
  if (!allowedFor(parsed.type, sender.role)) {
    return {
      ok: false,
      error: { code: 'forbidden', message: `${parsed.type} is not allowed from ${describeRole(sender.role)}.` },
    };
  }
  if (parsed.type.startsWith('admin:') && !(await env.adminUnlocked())) {
    return { ok: false, error: { code: 'locked', message: 'Unlock admin settings first.' } };
  }
  const refusal = await workspaceRefusal(env, parsed.type);
  if (refusal) return { ok: false, error: { code: 'forbidden', message: refusal } };
  try {
    const handler = handlers[parsed.type] as (p: unknown, s: SenderInfo) => Promise<unknown>;
    return { ok: true, data: await handler(parsed.payload, sender) };
  } catch (e) {
    return { ok: false, error: toWireError(e) };
  }
}

/** Admin writes of what the team workspace shares: its admins only. */
const WORKSPACE_ADMIN_WRITES: Partial<Record<RequestType, string>> = {
  'admin:saveSettings': 'change the workspace settings',
  'admin:saveTicketType': 'change ticket types',
  'admin:removeTicketType': 'remove ticket types',
  'admin:saveTeammate': 'change teammates',
  'admin:removeTeammate': 'remove teammates',
};

/**
 * Why a request is refused because this browser is in a team workspace, or null. A member's
 * admin settings on their own browser do not make them a workspace admin (the server refuses
 * their writes too), and importing or deleting all data would replace the team's records.
 */
async function workspaceRefusal(env: Pick<BackgroundEnv, 'workspace'>, type: RequestType): Promise<string | null> {
  if (!env.workspace || !(type in WORKSPACE_ADMIN_WRITES || type === 'admin:import' || type === 'admin:wipe')) return null;
  const role = await env.workspace.role();
  if (role === null) return null;
  if (type === 'admin:import') return 'This browser is in a team workspace: leave the workspace before importing a file, which would replace the team’s tickets.';
  if (type === 'admin:wipe') return 'This browser is in a team workspace: leave the workspace before deleting all data.';
  if (role === 'member') return `Only a workspace admin can ${WORKSPACE_ADMIN_WRITES[type]} in this team workspace. Ask one of them.`;
  return null;
}

function describeRole(role: SenderRole): string {
  return role === 'content' ? 'a web page' : role === 'page' ? 'the panel' : 'the options page';
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '';
  }
}
