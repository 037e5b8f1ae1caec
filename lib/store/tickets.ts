/**
 * Ticket commands: create, edit (field-level conflict check), state changes and notes (which
 * queue their effects, ./propagation.ts), links. Each is one write of the engine.
 */
import { readMeta, writeMeta } from './meta';
import type { IDBPObjectStore } from 'idb';
import { checkNote, checkTitle, findState, formatAttribute, initialState, MAX_DESCRIPTION_LENGTH, SHARING_LABELS, validateAttributes, type AttributeValue, type SharingBehavior, type Ticket } from '../model/domain';
import { BacklineError } from '../model/errors';
import { uuidv7 } from '../model/ids';
import { LIMITS } from '../model/limits';
import type { ActivityRecord, ConversationRecord, LinkRecord, OutboxRecord } from '../model/records';
import { effectiveSettings, withDefaults } from '../model/settings';
import type { ConversationInput, FieldConflict, PropagationChoice, StaleDetails, TicketChanges } from '../model/views';
import type { BacklineDB } from './schema';
import { ticketActivity } from './activity-log';
import { getMany } from './get-many';
import type { StoreEngine, StoreName, Tx } from './engine';
import { crossPostNote, effectRecord, knownConversation, queueEffects, stateChangeChoices, stateChangeNote } from './propagation';
import { saveTicket } from './ticket-index';

/** Records a conversation the agent has open (from the content script's page context). */
export async function rememberConversation(s: StoreEngine, input: ConversationInput): Promise<ConversationRecord> {
  const tx = s.db.transaction(['conversations'], 'readwrite');
  const merged = await upsertConversation(tx, input);
  await tx.done;
  return merged;
}

export async function createTicket(s: StoreEngine, input: {
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
  return s.write(
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
      const number = ((await readMeta(tx, 'ticketCounter')) ?? 0) + 1;
      await writeMeta(tx, 'ticketCounter', number);
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
      await saveTicket(tx, ticket, 'add');
      const created: ActivityRecord = { id: uuidv7(), ticketId: ticket.id, at: now, actorId: input.actorId, type: 'created' };
      await tx.objectStore('activity').add(created);
      if (conv) {
        await tx.objectStore('links').add({ id: uuidv7(), ticketId: ticket.id, conversationKey: conv.key, createdAt: now, createdBy: input.actorId });
      }
      // A new ticket with a link: pages showing it (none yet) would re-read; the conversation's list does.
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
export async function updateTicket(s: StoreEngine, input: {
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
  return s.write(input.requestId, ['tickets', 'ticketTypes', 'activity', 'teammates', 'links'], async (tx) => {
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
    await saveTicket(tx, next);
    for (const a of log) await tx.objectStore('activity').add(a);
    return {
      result: next,
      changes: { ticketIds: [ticket.id], conversationKeys: await linkedKeys(tx, ticket.id), deltas: [{ ticketId: ticket.id, ticket: next, activity: log }] },
    };
  });
}

/**
 * Changes a ticket's state and, in the same transaction, queues its effects on every linked
 * conversation (as one record, fanned out into the outbox once the change has committed): an internal event note, and a reopen unless the workspace prevents it. A
 * tracker ticket queues only what the agent chose in the "Update linked tickets" dialog.
 */
export async function changeState(s: StoreEngine, input: {
  requestId: string;
  actorId: string;
  ticketId: string;
  baseVersion: number;
  stateId: string;
  propagation?: PropagationChoice[];
}): Promise<Ticket> {
  return s.write(
    input.requestId,
    ['tickets', 'ticketTypes', 'activity', 'links', 'conversations', 'outbox', 'meta', 'teammates'],
    async (tx) => {
      // What the change needs, asked for in two round trips: what the request tells (the
      // ticket, its links, the settings, the actor), then what the ticket's record tells.
      const [ticket, links, storedSettings, actor] = await Promise.all([
        tx.objectStore('tickets').get(input.ticketId),
        tx.objectStore('links').index('byTicket').getAll(input.ticketId),
        readMeta(tx, 'settings'),
        tx.objectStore('teammates').get(input.actorId),
      ]);
      if (!ticket) throw new BacklineError('not_found', 'This ticket no longer exists.');
      const keys = links.map((l) => l.conversationKey);
      // The settings and statuses are read inside this transaction: rules apply to changes made
      // after they were set. Statuses matter only to an age limit on reopening (without one, the
      // outbox reads each conversation's live status when it delivers).
      const settings = effectiveSettings(withDefaults(storedSettings), s.getPolicy());
      const [type, conversations] = await Promise.all([
        tx.objectStore('ticketTypes').get(ticket.typeId),
        settings.reopenMaxAgeDays > 0 ? getMany(tx.objectStore('conversations'), keys, (c) => c.key) : keys.map(() => undefined),
      ]);
      const to = findState(type, input.stateId);
      if (!to) throw new BacklineError('invalid', 'That state does not exist for this ticket type.', { field: 'stateId' });
      if (to.id === ticket.stateId) return { result: ticket, changes: { ticketIds: [], conversationKeys: [] } };
      await refuseConflicts(tx, ticket, input, [{ field: 'stateId', label: 'State' }]);
      const from = findState(type, ticket.stateId);
      const now = Date.now();

      if (ticket.kind === 'tracker' && !input.propagation) {
        throw new BacklineError('invalid', 'Choose what to update in the linked tickets before changing a tracker ticket’s state.');
      }
      const known = keys.map((key, i) => knownConversation(key, conversations[i]));
      const choices = stateChangeChoices({
        rules: settings,
        stateId: to.id,
        conversations: known,
        now,
        ...(ticket.kind === 'tracker' ? { tracker: input.propagation } : {}),
      });
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
      const next: Ticket = { ...ticket, stateId: to.id, updatedAt: now, version: ticket.version + 1 };
      // Started before the effects are queued, so that its one read is answered ahead of their
      // writes rather than after them (awaited below).
      const saved = saveTicket(tx, next);
      // Written without waiting for the answer, like the effects: a failure aborts the transaction.
      tx.objectStore('activity').add(activity).catch(() => {});
      const text = stateChangeNote(ticket, from?.label ?? ticket.stateId, to.label, actor?.name ?? null);
      const effects: OutboxRecord[] = [];
      for (const choice of choices) {
        if (choice.note) effects.push(effectRecord(ticket.id, activity.id, choice.conversationKey, 'note', text, now));
        if (choice.reopen) effects.push(effectRecord(ticket.id, activity.id, choice.conversationKey, 'reopen', '', now));
      }
      const afterCommit = queueEffects(s, tx, effects);
      await saved;
      return {
        afterCommit,
        result: next,
        changes: {
          ticketIds: [ticket.id],
          conversationKeys: keys,
          deltas: [{ ticketId: ticket.id, ticket: next, activity: [activity], effects }],
        },
      };
    },
  );
}

/**
 * Adds an internal note; a cross-post also queues it as an internal note in every linked
 * conversation, or in the chosen ones (`conversationKeys`, each of which must be linked).
 */
export async function addNote(
  s: StoreEngine,
  input: { requestId: string; actorId: string; ticketId: string; body: string; crossPost: boolean; conversationKeys?: string[] },
): Promise<ActivityRecord> {
  const check = checkNote(input.body);
  if (!check.ok) throw new BacklineError('invalid', check.error, { field: 'body' });
  return s.write(input.requestId, ['tickets', 'activity', 'links', 'outbox', 'teammates'], async (tx) => {
    const ticket = await tx.objectStore('tickets').get(input.ticketId);
    if (!ticket) throw new BacklineError('not_found', 'This ticket no longer exists.');
    const now = Date.now();
    const keys = await linkedKeys(tx, ticket.id);
    let targets = keys;
    if (input.crossPost && input.conversationKeys) {
      const unlinked = input.conversationKeys.filter((k) => !keys.includes(k));
      if (unlinked.length) {
        throw new BacklineError('invalid', 'A conversation chosen for this cross-post is no longer linked to the ticket. Check “Cross-post to” and try again.', {
          field: 'conversationKeys',
        });
      }
      if (!input.conversationKeys.length) throw new BacklineError('invalid', 'Choose at least one conversation to cross-post to.', { field: 'conversationKeys' });
      targets = keys.filter((k) => input.conversationKeys!.includes(k));
    }
    const note: ActivityRecord = {
      id: uuidv7(),
      ticketId: ticket.id,
      at: now,
      actorId: input.actorId,
      type: 'note',
      body: check.body,
      crossPosted: input.crossPost,
      ...(input.crossPost ? { crossPostedTo: targets } : {}),
    };
    await tx.objectStore('activity').add(note);
    const effects: OutboxRecord[] = [];
    if (input.crossPost) {
      const actor = await tx.objectStore('teammates').get(input.actorId);
      const body = crossPostNote(ticket, actor?.name ?? null, check.body);
      for (const key of targets) effects.push(effectRecord(ticket.id, note.id, key, 'note', body, now));
    }
    const afterCommit = queueEffects(s, tx, effects);
    // A note is an update: it moves the ticket up the queue without bumping its version.
    const next: Ticket = { ...ticket, updatedAt: now };
    await saveTicket(tx, next);
    return {
      afterCommit,
      result: note,
      changes: { ticketIds: [ticket.id], conversationKeys: keys, deltas: [{ ticketId: ticket.id, ticket: next, activity: [note], effects }] },
    };
  });
}

export async function link(s: StoreEngine, input: { requestId: string; actorId: string; ticketId: string; conversation: ConversationInput }): Promise<LinkRecord> {
  return s.write(input.requestId, ['tickets', 'links', 'conversations', 'activity'], async (tx) => {
    const ticket = await tx.objectStore('tickets').get(input.ticketId);
    if (!ticket) throw new BacklineError('not_found', 'This ticket no longer exists.');
    const conv = await upsertConversation(tx, input.conversation);
    const existing = await tx.objectStore('links').index('byPair').get([ticket.id, conv.key]);
    if (existing) return { result: existing, changes: { ticketIds: [], conversationKeys: [] } };
    const now = Date.now();
    const link: LinkRecord = { id: uuidv7(), ticketId: ticket.id, conversationKey: conv.key, createdAt: now, createdBy: input.actorId };
    await tx.objectStore('links').add(link);
    await tx.objectStore('activity').add({ id: uuidv7(), ticketId: ticket.id, at: now, actorId: input.actorId, type: 'link', conversationKey: conv.key, title: conv.title });
    await saveTicket(tx, { ...ticket, updatedAt: now });
    return { result: link, changes: { ticketIds: [ticket.id], conversationKeys: [conv.key] } };
  });
}

/**
 * Sets (or, with '', removes) why a conversation is linked to a ticket, and records it in the
 * ticket's Activity. The same reason again changes nothing. The link stays the same record (its id),
 * so the team workspace replaces its document.
 */
export async function setLinkReason(
  s: StoreEngine,
  input: { requestId: string; actorId: string; ticketId: string; conversationKey: string; reason: string },
): Promise<LinkRecord> {
  return s.write(input.requestId, ['tickets', 'links', 'conversations', 'activity'], async (tx) => {
    const ticket = await tx.objectStore('tickets').get(input.ticketId);
    if (!ticket) throw new BacklineError('not_found', 'This ticket no longer exists.');
    const existing = await tx.objectStore('links').index('byPair').get([input.ticketId, input.conversationKey]);
    if (!existing) throw new BacklineError('not_found', 'This conversation is no longer linked to the ticket.');
    const reason = input.reason.trim();
    if ((existing.reason ?? '') === reason) return { result: existing, changes: { ticketIds: [], conversationKeys: [] } };
    const now = Date.now();
    const next: LinkRecord = { ...existing, reason };
    if (!reason) delete next.reason;
    await tx.objectStore('links').put(next);
    const conv = await tx.objectStore('conversations').get(input.conversationKey);
    const item: ActivityRecord = {
      id: uuidv7(),
      ticketId: ticket.id,
      at: now,
      actorId: input.actorId,
      type: 'linkReason',
      conversationKey: input.conversationKey,
      title: conv?.title || input.conversationKey,
      reason,
    };
    await tx.objectStore('activity').add(item);
    await saveTicket(tx, { ...ticket, updatedAt: now });
    // A link change has no delta: pages showing the ticket re-read it.
    return { result: next, changes: { ticketIds: [ticket.id], conversationKeys: [input.conversationKey] } };
  });
}

export async function unlink(s: StoreEngine, input: { requestId: string; actorId: string; ticketId: string; conversationKey: string }): Promise<boolean> {
  return s.write(input.requestId, ['tickets', 'links', 'conversations', 'activity'], async (tx) => {
    const ticket = await tx.objectStore('tickets').get(input.ticketId);
    if (!ticket) throw new BacklineError('not_found', 'This ticket no longer exists.');
    const existing = await tx.objectStore('links').index('byPair').get([input.ticketId, input.conversationKey]);
    if (!existing) return { result: false, changes: { ticketIds: [], conversationKeys: [] } };
    const conv = await tx.objectStore('conversations').get(input.conversationKey);
    await tx.objectStore('links').delete(existing.id);
    await saveTicket(tx, { ...ticket, updatedAt: Date.now() });
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
  for (const a of await ticketActivity(tx, ticket.id)) {
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
    // '' is a real account value (helpdesks whose pages carry none, custom domains): stripEmpty
    // below drops it from the input, so it must be the default here, or the record has none.
    account: '',
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
