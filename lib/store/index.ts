/**
 * The store: every read and write of Backline's data. Each write is one IndexedDB transaction
 * that also records its request id, so a retry (for example after the service worker was
 * stopped mid-request) returns the first result instead of applying twice.
 */
import type { IDBPObjectStore, IDBPTransaction, StoreNames } from 'idb';
import type { ActivityRecord, ConversationRecord, LinkRecord, OutboxRecord, Teammate } from '../model/records';
import type { BacklineDB, BacklineDatabase } from './schema';
import type { ConversationStatus } from '../model/helpdesk';
import { checkNote, checkTitle, findState, formatAttribute, formatTicketNumber, initialState, MAX_DESCRIPTION_LENGTH, parseTicketNumber, SHARING_LABELS, TICKET_KIND_LABELS, validateAttributes, type AttributeValue, type SharingBehavior, type Ticket, type TicketType } from '../model/domain';
import { effectiveSettings, policyConflictMessage, policyConflicts } from '../model/settings';
import { BacklineError } from '../model/errors';
import { DEFAULT_SETTINGS, type WorkspaceSettings } from '../model/settings';
import type { ChangeSet, ConversationInput, FieldConflict, LinkView, PropagationChoice, StaleDetails, TicketChanges, TicketQuery, TicketSummary, TicketView } from '../model/views';
import { describeActivity } from '../model/activity';
import { uuidv7 } from '../model/ids';
import { LIMITS } from '../model/limits';
import type { PreviewMessage } from '../model/views';

type Tx<Mode extends IDBTransactionMode> = IDBPTransaction<BacklineDB, StoreNames<BacklineDB>[], Mode>;
type StoreName = StoreNames<BacklineDB>;

/** Request ids are kept this long; a retry comes within seconds, not weeks. */
const REQUEST_RETENTION_MS = 7 * 24 * 3600 * 1000;

export class Store {
  /**
   * Settings the organisation enforces by enterprise policy (`storage.managed`, already parsed
   * by lib/admin/policy.ts). They win over stored settings in every read and in state changes.
   */
  private policy: Partial<WorkspaceSettings> = {};

  constructor(
    readonly db: BacklineDatabase,
    private readonly onChange: (changes: ChangeSet) => void = () => {},
  ) {}

  /** Replaces the enterprise policy in force (at start-up and whenever the policy changes). */
  setPolicy(policy: Partial<WorkspaceSettings>): void {
    this.policy = { ...policy };
  }

  getPolicy(): Partial<WorkspaceSettings> {
    return { ...this.policy };
  }

  /** Tells open pages that something outside the stores' writes changed (policy, admin lock). */
  notify(changes: Partial<ChangeSet>): void {
    this.onChange({ ticketIds: [], conversationKeys: [], ...changes });
  }

  /**
   * Runs `apply` in one readwrite transaction together with the request-id record. A request
   * id seen before returns the stored result and applies nothing.
   */
  async write<T>(
    requestId: string,
    stores: StoreName[],
    apply: (tx: Tx<'readwrite'>) => Promise<{ result: T; changes: ChangeSet }>,
  ): Promise<T> {
    if (!requestId) throw new BacklineError('invalid', 'A write needs a request id.');
    const tx = this.db.transaction([...new Set<StoreName>([...stores, 'requests'])], 'readwrite') as Tx<'readwrite'>;
    let outcome: { result: T; changes: ChangeSet } | undefined;
    let replay: T | undefined;
    let replayed = false;
    try {
      const seen = await tx.objectStore('requests').get(requestId);
      if (seen) {
        replayed = true;
        replay = seen.result as T;
      } else {
        outcome = await apply(tx);
        await tx.objectStore('requests').put({ requestId, at: Date.now(), result: outcome.result });
      }
      await tx.done;
    } catch (e) {
      try {
        tx.abort();
      } catch {
        /* already finished */
      }
      await tx.done.catch(() => {});
      if (e instanceof BacklineError) throw e;
      if (e instanceof DOMException && e.name === 'ConstraintError') {
        throw new BacklineError('conflict', 'That change clashes with data saved at the same moment. Try again.');
      }
      throw e;
    }
    if (replayed) return replay as T;
    this.onChange(outcome!.changes);
    return outcome!.result;
  }

  // ----- reads -----------------------------------------------------------------------------

  /** The settings in force: stored ones with the enterprise policy on top. */
  async getSettings(): Promise<WorkspaceSettings> {
    return effectiveSettings(await this.getStoredSettings(), this.policy);
  }

  /** What admins saved, without the policy (for the options page and exports). */
  async getStoredSettings(): Promise<WorkspaceSettings> {
    const rec = await this.db.get('meta', 'settings');
    return { ...DEFAULT_SETTINGS, ...((rec?.value as Partial<WorkspaceSettings>) ?? {}) };
  }

  async listTypes(includeArchived = false): Promise<TicketType[]> {
    const types = await this.db.getAll('ticketTypes');
    return types.filter((t) => includeArchived || !t.archived).sort((a, b) => a.name.localeCompare(b.name));
  }

  async listTeammates(): Promise<Teammate[]> {
    return (await this.db.getAll('teammates')).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The teammate this browser acts as; created on first use so notes always have an author. */
  async me(): Promise<Teammate> {
    const meta = await this.db.get('meta', 'me');
    const found = meta ? await this.db.get('teammates', meta.value as string) : undefined;
    if (found) return found;
    const tx = this.db.transaction(['meta', 'teammates'], 'readwrite');
    const again = await tx.objectStore('meta').get('me');
    const existing = again ? await tx.objectStore('teammates').get(again.value as string) : undefined;
    if (existing) {
      await tx.done;
      return existing;
    }
    const me: Teammate = { id: uuidv7(), name: 'Me', email: '', kind: 'person' };
    await tx.objectStore('teammates').put(me);
    await tx.objectStore('meta').put({ key: 'me', value: me.id });
    await tx.done;
    return me;
  }

  async getConversation(key: string): Promise<ConversationRecord | null> {
    return (await this.db.get('conversations', key)) ?? null;
  }

  async getTicket(id: string): Promise<Ticket> {
    const t = await this.db.get('tickets', id);
    if (!t) throw new BacklineError('not_found', 'This ticket no longer exists.');
    return t;
  }

  async getTicketView(id: string): Promise<TicketView> {
    const tx = this.db.transaction(['tickets', 'ticketTypes', 'activity', 'links', 'conversations', 'outbox']);
    const ticket = await tx.objectStore('tickets').get(id);
    if (!ticket) throw new BacklineError('not_found', 'This ticket no longer exists.');
    const [type, activity, links, effects] = await Promise.all([
      tx.objectStore('ticketTypes').get(ticket.typeId),
      tx.objectStore('activity').index('byTicket').getAll(id),
      tx.objectStore('links').index('byTicket').getAll(id),
      tx.objectStore('outbox').index('byTicket').getAll(id),
    ]);
    const conversations = await Promise.all(links.map((l) => tx.objectStore('conversations').get(l.conversationKey)));
    await tx.done;
    return {
      ticket,
      type: type ?? null,
      activity,
      links: links.map((link, i) => ({ link, conversation: conversations[i] ?? null })),
      effects: effects.sort((a, b) => a.id.localeCompare(b.id)),
    };
  }

  private async summarize(tickets: Ticket[]): Promise<TicketSummary[]> {
    const tx = this.db.transaction(['ticketTypes', 'activity', 'links', 'teammates']);
    const types = new Map((await tx.objectStore('ticketTypes').getAll()).map((t) => [t.id, t]));
    const people = new Map((await tx.objectStore('teammates').getAll()).map((t) => [t.id, t.name]));
    const out = await Promise.all(
      tickets.map(async (ticket) => {
        const index = tx.objectStore('activity').index('byTicket');
        const cursor = await index.openCursor(IDBKeyRange.only(ticket.id), 'prev');
        const last = cursor?.value;
        const linkCount = await tx.objectStore('links').index('byTicket').count(ticket.id);
        const type = types.get(ticket.typeId);
        return {
          ticket,
          typeName: type?.name ?? 'Unknown type',
          stateLabel: findState(type, ticket.stateId)?.label ?? ticket.stateId,
          lastUpdate: last ? describeActivity(last, type, people) : 'Created',
          lastUpdateAt: last?.at ?? ticket.createdAt,
          linkCount,
        };
      }),
    );
    await tx.done;
    return out;
  }

  /** Tickets linked to one conversation, most recently updated first. */
  async linkedTickets(conversationKey: string): Promise<TicketSummary[]> {
    const links = await this.db.getAllFromIndex('links', 'byConversation', conversationKey);
    const tickets = (await Promise.all(links.map((l) => this.db.get('tickets', l.ticketId)))).filter(
      (t): t is Ticket => !!t,
    );
    tickets.sort((a, b) => b.updatedAt - a.updatedAt);
    return this.summarize(tickets);
  }

  /** The queue: search by number or title words, filter by state, type and assignee. */
  async queryTickets(q: TicketQuery): Promise<TicketSummary[]> {
    const limit = Math.min(q.limit ?? 100, 500);
    const number = q.text ? parseTicketNumber(q.text) : null;
    if (number !== null) {
      const t = await this.db.getFromIndex('tickets', 'byNumber', number);
      return t ? this.summarize([t]) : [];
    }
    const words = (q.text ?? '').toLowerCase().split(/\s+/).filter(Boolean);
    const matches: Ticket[] = [];
    let cursor = await this.db.transaction('tickets').store.index('byUpdated').openCursor(null, 'prev');
    while (cursor && matches.length < limit) {
      const t = cursor.value;
      const title = t.title.toLowerCase();
      if (
        (!q.stateId || t.stateId === q.stateId) &&
        (!q.typeId || t.typeId === q.typeId) &&
        (q.assigneeId === undefined || t.assigneeId === q.assigneeId) &&
        words.every((w) => title.includes(w))
      ) {
        matches.push(t);
      }
      cursor = await cursor.continue();
    }
    return this.summarize(matches);
  }

  /** What Backline sent (or will send) to a conversation: the preview when no helpdesk can be read. */
  async backlineMessages(conversationKey: string): Promise<PreviewMessage[]> {
    const effects = await this.db.getAllFromIndex('outbox', 'byConversation', conversationKey);
    return effects
      .filter((e) => e.kind === 'note')
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((e) => ({
        id: e.id,
        kind: 'note' as const,
        author: 'Backline',
        text: e.status === 'delivered' ? e.body : `${e.body}\n\n(${e.status === 'queued' ? 'not delivered yet' : e.status})`,
        at: e.createdAt,
      }));
  }

  // ----- writes ----------------------------------------------------------------------------

  /** Records a conversation the agent has open (from the content script's page context). */
  async rememberConversation(input: ConversationInput): Promise<ConversationRecord> {
    const tx = this.db.transaction(['conversations'], 'readwrite');
    const merged = await upsertConversation(tx, input);
    await tx.done;
    return merged;
  }

  async createTicket(input: {
    requestId: string;
    actorId: string;
    title: string;
    typeId: string;
    description?: string;
    assigneeId?: string | null;
    attributes?: Record<string, unknown>;
    user?: string;
    company?: string;
    sharing?: SharingBehavior;
    conversation?: ConversationInput;
  }): Promise<Ticket> {
    const titleProblem = checkTitle(input.title);
    if (titleProblem) throw new BacklineError('invalid', titleProblem, { field: 'title' });
    checkDescription(input.description ?? '');
    return this.write(
      input.requestId,
      ['tickets', 'ticketTypes', 'activity', 'links', 'conversations', 'meta', 'teammates'],
      async (tx) => {
        const type = await tx.objectStore('ticketTypes').get(input.typeId);
        if (!type || type.archived) throw new BacklineError('invalid', 'Choose a ticket type.', { field: 'typeId' });
        const { values, errors } = validateAttributes(type, input.attributes ?? {});
        if (Object.keys(errors).length) {
          throw new BacklineError('invalid', Object.values(errors).join(' '), { attributes: errors });
        }
        if (input.assigneeId && !(await tx.objectStore('teammates').get(input.assigneeId))) {
          throw new BacklineError('invalid', 'That assignee is not a teammate.', { field: 'assigneeId' });
        }
        const counter = await tx.objectStore('meta').get('ticketCounter');
        const number = ((counter?.value as number | undefined) ?? 0) + 1;
        await tx.objectStore('meta').put({ key: 'ticketCounter', value: number });
        const now = Date.now();
        const conv = input.conversation
          ? await upsertConversation(tx, input.conversation)
          : null;
        const ticket: Ticket = {
          id: uuidv7(),
          number,
          kind: type.category,
          typeId: type.id,
          title: input.title.trim(),
          description: input.description ?? '',
          user: input.user?.trim() || conv?.customerName || '',
          company: input.company?.trim() || conv?.company || '',
          sharing: input.sharing ?? 'internal',
          stateId: initialState(type).id,
          assigneeId: input.assigneeId ?? null,
          attributes: values,
          createdAt: now,
          updatedAt: now,
          createdBy: input.actorId,
          version: 1,
        };
        await tx.objectStore('tickets').add(ticket);
        await tx.objectStore('activity').add({ id: uuidv7(), ticketId: ticket.id, at: now, actorId: input.actorId, type: 'created' });
        if (conv) {
          await tx.objectStore('links').add({ id: uuidv7(), ticketId: ticket.id, conversationKey: conv.key, createdAt: now, createdBy: input.actorId });
        }
        return { result: ticket, changes: { ticketIds: [ticket.id], conversationKeys: conv ? [conv.key] : [] } };
      },
    );
  }

  /**
   * Edits fields of a ticket, made against `baseVersion` (the version the agent's edit began
   * from). When the ticket moved on since then, the edit is refused as `stale` only if one of
   * the fields it changes was changed by someone else after `baseVersion`: a change to another
   * field is kept and this one applies on top of it (see refuseConflicts).
   */
  async updateTicket(input: {
    requestId: string;
    actorId: string;
    ticketId: string;
    baseVersion: number;
    changes: TicketChanges;
  }): Promise<Ticket> {
    const c = input.changes;
    if (c.title !== undefined) {
      const p = checkTitle(c.title);
      if (p) throw new BacklineError('invalid', p, { field: 'title' });
    }
    if (c.description !== undefined) checkDescription(c.description);
    return this.write(input.requestId, ['tickets', 'ticketTypes', 'activity', 'teammates', 'links'], async (tx) => {
      const ticket = await tx.objectStore('tickets').get(input.ticketId);
      if (!ticket) throw new BacklineError('not_found', 'This ticket no longer exists.');
      const type = await tx.objectStore('ticketTypes').get(ticket.typeId);
      const now = Date.now();
      const version = ticket.version + 1;
      const next: Ticket = { ...ticket, attributes: { ...ticket.attributes } };
      const log: ActivityRecord[] = [];
      const entry = (field: string, label: string, from: string, to: string) =>
        log.push({ id: uuidv7(), ticketId: ticket.id, at: now, actorId: input.actorId, version, type: 'attribute', field, label, from, to });

      if (c.title !== undefined && c.title.trim() !== ticket.title) {
        entry('title', 'Title', ticket.title, c.title.trim());
        next.title = c.title.trim();
      }
      if (c.description !== undefined && c.description !== ticket.description) {
        entry('description', 'Description', '', '');
        next.description = c.description;
      }
      for (const [field, label] of [['user', 'User'], ['company', 'Company']] as const) {
        const v = c[field];
        if (v !== undefined && v.trim() !== ticket[field]) {
          if (v.trim().length > LIMITS.ticketField) {
            throw new BacklineError('invalid', `${label} is too long (limit ${LIMITS.ticketField.toLocaleString('en')} characters).`, { field });
          }
          entry(field, label, ticket[field], v.trim());
          next[field] = v.trim();
        }
      }
      if (c.sharing !== undefined && c.sharing !== ticket.sharing) {
        entry('sharing', 'Sharing behavior', SHARING_LABELS[ticket.sharing], SHARING_LABELS[c.sharing]);
        next.sharing = c.sharing;
      }
      if (c.assigneeId !== undefined && c.assigneeId !== ticket.assigneeId) {
        if (c.assigneeId && !(await tx.objectStore('teammates').get(c.assigneeId))) {
          throw new BacklineError('invalid', 'That assignee is not a teammate.', { field: 'assigneeId' });
        }
        log.push({ id: uuidv7(), ticketId: ticket.id, at: now, actorId: input.actorId, version, type: 'assignment', from: ticket.assigneeId, to: c.assigneeId });
        next.assigneeId = c.assigneeId;
      }
      if (c.attributes && type) {
        const { values, errors } = validateAttributes(type, c.attributes, ticket.attributes);
        const touched = Object.keys(c.attributes);
        const relevant = Object.fromEntries(Object.entries(errors).filter(([k]) => touched.includes(k)));
        if (Object.keys(relevant).length) {
          throw new BacklineError('invalid', Object.values(relevant).join(' '), { attributes: relevant });
        }
        for (const def of type.attributes) {
          if (!touched.includes(def.id)) continue;
          const before = ticket.attributes[def.id] ?? null;
          const after = values[def.id] ?? null;
          if (before !== after) entry(def.id, def.name, formatAttribute(def, before), formatAttribute(def, after));
        }
        next.attributes = mergeTouched(ticket.attributes, values, touched);
      }
      if (!log.length) return { result: ticket, changes: { ticketIds: [], conversationKeys: [] } };
      await refuseConflicts(tx, ticket, input, log.map((a) => ({ field: changedField(a)!, label: changedLabel(a) })));
      next.updatedAt = now;
      next.version = version;
      await tx.objectStore('tickets').put(next);
      for (const a of log) await tx.objectStore('activity').add(a);
      return { result: next, changes: { ticketIds: [ticket.id], conversationKeys: await linkedKeys(tx, ticket.id) } };
    });
  }

  /**
   * Changes a ticket's state and, in the same transaction, queues its effects on every linked
   * conversation: an internal event note, and a reopen unless the workspace prevents it. A
   * tracker ticket queues only what the agent chose in the "Update linked tickets" dialog.
   */
  async changeState(input: {
    requestId: string;
    actorId: string;
    ticketId: string;
    baseVersion: number;
    stateId: string;
    propagation?: PropagationChoice[];
  }): Promise<Ticket> {
    return this.write(
      input.requestId,
      ['tickets', 'ticketTypes', 'activity', 'links', 'conversations', 'outbox', 'meta', 'teammates'],
      async (tx) => {
        const ticket = await tx.objectStore('tickets').get(input.ticketId);
        if (!ticket) throw new BacklineError('not_found', 'This ticket no longer exists.');
        const type = await tx.objectStore('ticketTypes').get(ticket.typeId);
        const to = findState(type, input.stateId);
        if (!to) throw new BacklineError('invalid', 'That state does not exist for this ticket type.', { field: 'stateId' });
        if (to.id === ticket.stateId) return { result: ticket, changes: { ticketIds: [], conversationKeys: [] } };
        await refuseConflicts(tx, ticket, input, [{ field: 'stateId', label: 'State' }]);
        const from = findState(type, ticket.stateId);
        const settingsRec = await tx.objectStore('meta').get('settings');
        const settings = effectiveSettings(
          { ...DEFAULT_SETTINGS, ...((settingsRec?.value as Partial<WorkspaceSettings>) ?? {}) },
          this.policy,
        );
        const actor = await tx.objectStore('teammates').get(input.actorId);
        const links = await tx.objectStore('links').index('byTicket').getAll(ticket.id);
        const now = Date.now();

        let choices: PropagationChoice[];
        if (ticket.kind === 'tracker') {
          if (!input.propagation) {
            throw new BacklineError('invalid', 'Choose what to update in the linked tickets before changing a tracker ticket’s state.');
          }
          const linked = new Set(links.map((l) => l.conversationKey));
          choices = input.propagation.filter((p) => linked.has(p.conversationKey));
        } else {
          // The setting is read inside this transaction: it applies to changes made after it was turned on.
          choices = links.map((l) => ({ conversationKey: l.conversationKey, note: true, reopen: !settings.preventReopen }));
        }
        const reopens = choices.some((c) => c.reopen);
        const activity: ActivityRecord = {
          id: uuidv7(),
          ticketId: ticket.id,
          at: now,
          actorId: input.actorId,
          version: ticket.version + 1,
          type: 'state',
          from: ticket.stateId,
          to: to.id,
          reopens,
        };
        await tx.objectStore('activity').add(activity);
        const text = `${TICKET_KIND_LABELS[ticket.kind]} ${formatTicketNumber(ticket.number)} “${ticket.title}” moved from ${from?.label ?? ticket.stateId} to ${to.label}${actor ? ` by ${actor.name}` : ''}.`;
        for (const choice of choices) {
          if (choice.note) await queueEffect(tx, ticket.id, activity.id, choice.conversationKey, 'note', `[Backline] ${text}`, now);
          if (choice.reopen) await queueEffect(tx, ticket.id, activity.id, choice.conversationKey, 'reopen', '', now);
        }
        const next: Ticket = { ...ticket, stateId: to.id, updatedAt: now, version: ticket.version + 1 };
        await tx.objectStore('tickets').put(next);
        return { result: next, changes: { ticketIds: [ticket.id], conversationKeys: links.map((l) => l.conversationKey) } };
      },
    );
  }

  /** Adds an internal note; a cross-post also queues it as an internal note in every linked conversation. */
  async addNote(input: { requestId: string; actorId: string; ticketId: string; body: string; crossPost: boolean }): Promise<ActivityRecord> {
    const check = checkNote(input.body);
    if (!check.ok) throw new BacklineError('invalid', check.error, { field: 'body' });
    return this.write(input.requestId, ['tickets', 'activity', 'links', 'outbox', 'teammates'], async (tx) => {
      const ticket = await tx.objectStore('tickets').get(input.ticketId);
      if (!ticket) throw new BacklineError('not_found', 'This ticket no longer exists.');
      const now = Date.now();
      const note: ActivityRecord = {
        id: uuidv7(),
        ticketId: ticket.id,
        at: now,
        actorId: input.actorId,
        type: 'note',
        body: check.body,
        crossPosted: input.crossPost,
      };
      await tx.objectStore('activity').add(note);
      const keys = await linkedKeys(tx, ticket.id);
      if (input.crossPost) {
        const actor = await tx.objectStore('teammates').get(input.actorId);
        const body = `[Backline] Note on ${TICKET_KIND_LABELS[ticket.kind].toLowerCase()} ${formatTicketNumber(ticket.number)} “${ticket.title}”${actor ? ` from ${actor.name}` : ''}:\n\n${check.body}`;
        for (const key of keys) await queueEffect(tx, ticket.id, note.id, key, 'note', body, now);
      }
      // A note is an update: it moves the ticket up the queue without bumping its version.
      await tx.objectStore('tickets').put({ ...ticket, updatedAt: now });
      return { result: note, changes: { ticketIds: [ticket.id], conversationKeys: keys } };
    });
  }

  async link(input: { requestId: string; actorId: string; ticketId: string; conversation: ConversationInput }): Promise<LinkRecord> {
    return this.write(input.requestId, ['tickets', 'links', 'conversations', 'activity'], async (tx) => {
      const ticket = await tx.objectStore('tickets').get(input.ticketId);
      if (!ticket) throw new BacklineError('not_found', 'This ticket no longer exists.');
      const conv = await upsertConversation(tx, input.conversation);
      const existing = await tx.objectStore('links').index('byPair').get([ticket.id, conv.key]);
      if (existing) return { result: existing, changes: { ticketIds: [], conversationKeys: [] } };
      const now = Date.now();
      const link: LinkRecord = { id: uuidv7(), ticketId: ticket.id, conversationKey: conv.key, createdAt: now, createdBy: input.actorId };
      await tx.objectStore('links').add(link);
      await tx.objectStore('activity').add({ id: uuidv7(), ticketId: ticket.id, at: now, actorId: input.actorId, type: 'link', conversationKey: conv.key, title: conv.title });
      await tx.objectStore('tickets').put({ ...ticket, updatedAt: now });
      return { result: link, changes: { ticketIds: [ticket.id], conversationKeys: [conv.key] } };
    });
  }

  async unlink(input: { requestId: string; actorId: string; ticketId: string; conversationKey: string }): Promise<boolean> {
    return this.write(input.requestId, ['tickets', 'links', 'conversations', 'activity'], async (tx) => {
      const ticket = await tx.objectStore('tickets').get(input.ticketId);
      if (!ticket) throw new BacklineError('not_found', 'This ticket no longer exists.');
      const existing = await tx.objectStore('links').index('byPair').get([input.ticketId, input.conversationKey]);
      if (!existing) return { result: false, changes: { ticketIds: [], conversationKeys: [] } };
      const conv = await tx.objectStore('conversations').get(input.conversationKey);
      await tx.objectStore('links').delete(existing.id);
      await tx.objectStore('tickets').put({ ...ticket, updatedAt: Date.now() });
      await tx.objectStore('activity').add({
        id: uuidv7(),
        ticketId: input.ticketId,
        at: Date.now(),
        actorId: input.actorId,
        type: 'unlink',
        conversationKey: input.conversationKey,
        title: conv?.title ?? input.conversationKey,
      });
      return { result: true, changes: { ticketIds: [input.ticketId], conversationKeys: [input.conversationKey] } };
    });
  }

  /**
   * Saves workspace settings (callers enforce who may). A setting the enterprise policy sets is
   * refused, whatever the page showed. Returns the settings in force afterwards.
   */
  async saveSettings(requestId: string, patch: Partial<WorkspaceSettings>): Promise<WorkspaceSettings> {
    const conflicts = policyConflicts(patch, this.policy);
    if (conflicts.length) throw new BacklineError('forbidden', policyConflictMessage(conflicts), { policyKeys: conflicts });
    const stored = await this.write(requestId, ['meta'], async (tx) => {
      const rec = await tx.objectStore('meta').get('settings');
      const next = { ...DEFAULT_SETTINGS, ...((rec?.value as Partial<WorkspaceSettings>) ?? {}), ...patch };
      await tx.objectStore('meta').put({ key: 'settings', value: next });
      return { result: next, changes: { ticketIds: [], conversationKeys: [], settings: true } };
    });
    return effectiveSettings(stored, this.policy);
  }

  /** Forgets request ids old enough that no retry can still arrive. */
  async pruneRequests(now = Date.now()): Promise<number> {
    const tx = this.db.transaction('requests', 'readwrite');
    let cursor = await tx.store.index('byAt').openCursor(IDBKeyRange.upperBound(now - REQUEST_RETENTION_MS));
    let n = 0;
    while (cursor) {
      await cursor.delete();
      n++;
      cursor = await cursor.continue();
    }
    await tx.done;
    return n;
  }
}

// ----- helpers (all run inside the caller's transaction) ---------------------------------------

/** The field of a ticket that an activity item records a change of, in the names FieldConflict uses. */
function changedField(a: ActivityRecord): string | null {
  if (a.type === 'attribute') return a.field;
  if (a.type === 'state') return 'stateId';
  if (a.type === 'assignment') return 'assigneeId';
  return null;
}

function changedLabel(a: ActivityRecord): string {
  return a.type === 'attribute' ? a.label : a.type === 'state' ? 'State' : 'Assignee';
}

/**
 * Which fields of `ticket` changed after `baseVersion`, with who changed each last and when,
 * read from the activity log (each field change records the version it produced). `complete`
 * is false when some version after `baseVersion` has no such record (changes logged before
 * versions were, or a version the page cannot have seen): then any field may have changed.
 */
async function changesSince(
  tx: Tx<'readwrite'>,
  ticket: Ticket,
  baseVersion: number,
): Promise<{ fields: Map<string, { actorId: string; at: number; version: number }>; complete: boolean }> {
  const fields = new Map<string, { actorId: string; at: number; version: number }>();
  if (baseVersion > ticket.version) return { fields, complete: false };
  const seen = new Set<number>();
  for (const a of await tx.objectStore('activity').index('byTicket').getAll(ticket.id)) {
    const v = a.version;
    const field = changedField(a);
    if (field === null || typeof v !== 'number' || v <= baseVersion || v > ticket.version) continue;
    seen.add(v);
    const known = fields.get(field);
    if (!known || known.version <= v) fields.set(field, { actorId: a.actorId, at: a.at, version: v });
  }
  return { fields, complete: seen.size === ticket.version - baseVersion };
}

/**
 * Refuses a change made against an older version than the stored one when a field it changes
 * was changed since that version (a lost update otherwise). The error carries the ticket as
 * saved now and, per conflicting field, who saved it and when, so the page can show both values
 * without another read. Fields the change leaves alone may have moved on: they are kept.
 */
async function refuseConflicts(
  tx: Tx<'readwrite'>,
  ticket: Ticket,
  input: { baseVersion: number; actorId: string },
  changing: { field: string; label: string }[],
): Promise<void> {
  if (ticket.version === input.baseVersion) return;
  const { fields, complete } = await changesSince(tx, ticket, input.baseVersion);
  const conflicts: FieldConflict[] = changing
    .filter((c) => !complete || fields.has(c.field))
    .map((c) => ({ field: c.field, label: c.label, actorId: fields.get(c.field)?.actorId ?? null, at: fields.get(c.field)?.at ?? null }));
  if (!conflicts.length) return;
  const actors = new Set(conflicts.map((c) => c.actorId));
  const [only] = actors;
  let who = 'Someone';
  if (actors.size === 1 && only === input.actorId) who = 'You (in another tab or window)';
  else if (actors.size === 1 && only) who = (await tx.objectStore('teammates').get(only))?.name ?? who;
  const named = (c: FieldConflict) => (c.field === 'stateId' || c.field === 'assigneeId' ? c.label.toLowerCase() : `“${c.label}”`);
  const labels = [...new Set(conflicts.map(named))].join(' and ');
  const details: StaleDetails = { currentVersion: ticket.version, ticket, conflicts };
  throw new BacklineError(
    'stale',
    `${who} changed this ticket’s ${labels} after your change began, so your change was not saved. The ticket now shows what is saved; make your change again if it is still needed.`,
    details as unknown as Record<string, unknown>,
  );
}

async function linkedKeys(tx: Tx<'readwrite'>, ticketId: string): Promise<string[]> {
  return (await tx.objectStore('links').index('byTicket').getAll(ticketId)).map((l) => l.conversationKey);
}

/** Merges what a page or the helpdesk said into the stored conversation; empty values never erase known ones. */
async function upsertConversation(
  tx: { objectStore(name: 'conversations'): IDBPObjectStore<BacklineDB, ArrayLike<StoreName>, 'conversations', 'readwrite'> },
  input: ConversationInput,
): Promise<ConversationRecord> {
  const store = tx.objectStore('conversations');
  const existing = await store.get(input.key);
  const rec: ConversationRecord = {
    title: '',
    customerName: '',
    customerEmail: '',
    company: '',
    status: 'unknown',
    statusCheckedAt: null,
    ...existing,
    ...stripEmpty(input),
    updatedAt: Date.now(),
  } as ConversationRecord;
  await store.put(rec);
  return rec;
}

async function queueEffect(
  tx: Tx<'readwrite'>,
  ticketId: string,
  sourceActivityId: string,
  conversationKey: string,
  kind: OutboxRecord['kind'],
  body: string,
  now: number,
): Promise<void> {
  await tx.objectStore('outbox').add({
    id: uuidv7(),
    ticketId,
    sourceActivityId,
    conversationKey,
    kind,
    body,
    status: 'queued',
    attempts: 0,
    nextAttemptAt: now,
    lastError: '',
    createdAt: now,
    updatedAt: now,
  });
}

function checkDescription(html: string): void {
  if (html.length > MAX_DESCRIPTION_LENGTH) {
    throw new BacklineError('invalid', `The description is too long (limit ${MAX_DESCRIPTION_LENGTH.toLocaleString('en')} characters).`, {
      field: 'description',
    });
  }
}

/** Page context often lacks a title or customer; empty strings must not erase known values. */
function stripEmpty<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== '' && v !== undefined)) as Partial<T>;
}

function mergeTouched(
  before: Record<string, AttributeValue>,
  validated: Record<string, AttributeValue>,
  touched: string[],
): Record<string, AttributeValue> {
  const out = { ...before };
  for (const k of touched) {
    if (k in validated) out[k] = validated[k]!;
    else delete out[k];
  }
  return out;
}
