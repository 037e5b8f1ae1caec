/**
 * Export and import of everything Backline holds, as one JSON file.
 *
 * - An export never holds secrets: no connection (their tokens stay in this browser) and no
 *   admin passphrase hash. Every other record is in it.
 * - An import is checked completely before anything is written (shape with valibot, then
 *   duplicates and references between records), and a bad file is refused with the first
 *   reason, e.g. "tickets[3].number: expected a positive integer".
 * - An import then replaces the data in ONE readwrite transaction over all stores: all of it
 *   lands or none. Its records are written in batches, with progress after each.
 */
import * as v from 'valibot';
import { unwrap } from 'idb';
import type { OutboxRecord } from '../model/records';
import { ticketWordsRecord, type BacklineDatabase } from './schema';
import { DEFAULT_TICKET_TYPES, type TicketType } from '../model/domain';
import { interruptedSendTime } from '../model/activity';
import { BacklineError } from '../model/errors';
import { conversationKey } from '../helpdesks';
import { HELPDESK_IDS } from '../model/helpdesk';
import { LIMITS } from '../model/limits';
import { AttributeValuesSchema, DescriptionSchema, IdSchema, issuePath, problemPath, TeammateSchema, TICKET_KINDS, TicketFieldSchema, TicketTypeSchema, ticketTypeProblem, TitleSchema } from '../model/schemas';
import { DEFAULT_SETTINGS, type WorkspaceSettings } from '../model/settings';
import { type ChangeSet } from '../model/views';
import type { StoreEngine, StoreName } from './engine';
import { allActivity, packActivity } from './activity-log';
import { DATA_META_KEYS, deleteMeta, readMeta, writeMeta } from './meta';
import { OUTCOMES_PER_ITEM, unpackFanout } from './propagation';
import { EXPORT_FORMAT, EXPORT_VERSION, MAX_IMPORT_BYTES, type BacklineExport, type ExportData, type ImportCheck, type ImportSummary } from '../model/admin';


// ----- export ---------------------------------------------------------------------------------

/** Reads every exportable record in one read transaction, so the file is a consistent snapshot. */
export async function buildExport(db: BacklineDatabase, now: number = Date.now()): Promise<BacklineExport> {
  const tx = db.transaction(['tickets', 'links', 'activity', 'activityPacks', 'conversations', 'ticketTypes', 'teammates', 'outbox', 'fanouts', 'meta']);
  const [tickets, links, activity, conversations, ticketTypes, teammates, stored, fanouts, settings, counter, me] = await Promise.all([
    tx.objectStore('tickets').getAll(),
    tx.objectStore('links').getAll(),
    allActivity(tx),
    tx.objectStore('conversations').getAll(),
    tx.objectStore('ticketTypes').getAll(),
    tx.objectStore('teammates').getAll(),
    tx.objectStore('outbox').getAll(),
    // Effects of a write that committed a moment ago, not yet fanned out into the outbox.
    tx.objectStore('fanouts').getAll(),
    readMeta(tx, 'settings'),
    readMeta(tx, 'ticketCounter'),
    readMeta(tx, 'me'),
  ]);
  await tx.done;
  const outbox = [...stored, ...fanouts.flatMap(unpackFanout)];
  return {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exportedAt: new Date(now).toISOString(),
    data: {
      tickets,
      links,
      activity,
      conversations,
      ticketTypes,
      teammates,
      outbox,
      meta: {
        // The admin's own settings; an enterprise policy is not part of the workspace's data.
        settings: settings ?? DEFAULT_SETTINGS,
        ticketCounter: counter ?? 0,
        me: me ?? null,
      },
    },
  };
}

// ----- validation: shape ------------------------------------------------------------------------

const text = (max: number) =>
  v.pipe(v.string('expected text'), v.maxLength(max, `expected at most ${max.toLocaleString('en')} characters`));
const id = IdSchema;
const positiveInt = v.pipe(v.number('expected a positive integer'), v.safeInteger('expected a positive integer'), v.minValue(1, 'expected a positive integer'));
const count = v.pipe(v.number('expected a whole number, 0 or more'), v.safeInteger('expected a whole number, 0 or more'), v.minValue(0, 'expected a whole number, 0 or more'));
const time = v.pipe(v.number('expected a time (milliseconds since 1970)'), v.finite('expected a time (milliseconds since 1970)'), v.minValue(0, 'expected a time (milliseconds since 1970)'));
const oneOf = <const T extends readonly string[]>(options: T) => v.picklist(options, `expected one of: ${options.join(', ')}`);
const obj = <E extends v.ObjectEntries>(entries: E) => v.looseObject(entries, 'expected an object');
const list = <S extends v.GenericSchema>(item: S) => v.array(item, 'expected a list');

// Records are loose objects: a field a later release adds survives a round trip unchanged.
// Ticket types, teammates and a ticket's own fields are checked with the schemas the protocol
// and the options page's forms use (lib/schemas.ts): same limits, same formats, same words.
const TicketSchema = obj({
  id,
  number: positiveInt,
  kind: oneOf(TICKET_KINDS),
  typeId: id,
  title: TitleSchema,
  description: DescriptionSchema,
  user: TicketFieldSchema,
  company: TicketFieldSchema,
  sharing: oneOf(['internal', 'shared']),
  stateId: id,
  assigneeId: v.nullable(id),
  attributes: AttributeValuesSchema,
  createdAt: time,
  updatedAt: time,
  createdBy: id,
  version: positiveInt,
});

const LinkSchema = obj({ id, ticketId: id, conversationKey: text(1000), createdAt: time, createdBy: id, reason: v.optional(text(LIMITS.linkReason)) });

const activityBase = { id, ticketId: id, at: time, actorId: id };
const deliveryOutcome = { effectId: id, sourceActivityId: id, conversationKey: text(1000), label: text(1000), kind: v.picklist(['note', 'reopen', 'restore']), outcome: v.picklist(['delivered', 'failed', 'skipped']), detail: text(10_000) };
const ActivitySchema = v.variant(
  'type',
  [
    obj({ ...activityBase, type: v.literal('created') }),
    obj({ ...activityBase, type: v.literal('note'), body: text(LIMITS.note), crossPosted: v.boolean('expected true or false') }),
    obj({ ...activityBase, type: v.literal('state'), from: text(200), to: text(200), reopens: v.boolean('expected true or false') }),
    obj({ ...activityBase, type: v.literal('attribute'), field: text(200), label: text(500), from: text(100_000), to: text(100_000) }),
    obj({ ...activityBase, type: v.literal('assignment'), from: v.nullable(text(200)), to: v.nullable(text(200)) }),
    obj({ ...activityBase, type: v.literal('link'), conversationKey: text(1000), title: text(1000) }),
    obj({ ...activityBase, type: v.literal('unlink'), conversationKey: text(1000), title: text(1000) }),
    obj({ ...activityBase, type: v.literal('undo'), undoes: id }),
    obj({ ...activityBase, type: v.literal('delivery'), ...deliveryOutcome }),
    obj({ ...activityBase, type: v.literal('deliveries'), sourceActivityId: id, outcomes: v.pipe(v.array(obj(deliveryOutcome)), v.minLength(1, 'expected at least one outcome'), v.maxLength(OUTCOMES_PER_ITEM, `expected at most ${OUTCOMES_PER_ITEM} outcomes`)) }),
    obj({ ...activityBase, type: v.literal('linkReason'), conversationKey: text(1000), title: text(1000), reason: text(LIMITS.linkReason) }),
    obj({ ...activityBase, type: v.literal('effectCancelled'), effectId: id, conversationKey: text(1000), title: text(1000), kind: v.picklist(['note', 'reopen', 'restore']) }),
  ],
  'expected an activity item of type created, note, state, attribute, assignment, link, unlink, undo, linkReason, effectCancelled, delivery or deliveries',
);

// The store leaves empty page details out of a conversation's first record (Store.rememberConversation),
// so these may be missing; they come back as ''.
const ConversationSchema = obj({
  key: v.pipe(text(1000), v.minLength(1, 'expected a non-empty key')),
  helpdesk: oneOf(HELPDESK_IDS),
  origin: text(300),
  account: v.optional(text(200), ''),
  conversationId: v.pipe(text(200), v.minLength(1, 'expected a non-empty id')),
  kind: oneOf(['conversation', 'ticket']),
  title: v.optional(text(1000), ''),
  customerName: v.optional(text(1000), ''),
  customerEmail: v.optional(text(1000), ''),
  company: v.optional(text(1000), ''),
  status: oneOf(['open', 'snoozed', 'pending', 'resolved', 'closed', 'unknown']),
  statusCheckedAt: v.nullable(time),
  closedSince: v.optional(v.nullable(time)),
  updatedAt: time,
});

const OutboxSchema = obj({
  id,
  ticketId: id,
  sourceActivityId: id,
  conversationKey: text(1000),
  kind: oneOf(['note', 'reopen', 'restore']),
  body: text(1_000_000),
  status: oneOf(['queued', 'delivered', 'failed', 'skipped']),
  attempts: count,
  nextAttemptAt: time,
  lastError: text(10_000),
  createdAt: time,
  updatedAt: time,
});

const SettingsSchema = v.strictObject(
  {
    preventReopen: v.optional(v.boolean('expected true or false')),
    noReopenStates: v.optional(v.array(v.string('expected a state id'), 'expected a list of state ids')),
    reopenMaxAgeDays: v.optional(v.pipe(v.number('expected a number of days'), v.integer('expected whole days'), v.minValue(0, 'expected 0 or more days'))),
    confirmAbove: v.optional(v.pipe(v.number('expected a number of conversations'), v.integer('expected a whole number'), v.minValue(1, 'expected 1 or more'))),
  },
  'expected an object with the workspace settings (preventReopen, noReopenStates, reopenMaxAgeDays, confirmAbove)',
);

const ExportSchema = v.strictObject(
  {
    format: v.literal(EXPORT_FORMAT, `expected "${EXPORT_FORMAT}"`),
    version: v.literal(EXPORT_VERSION, `expected ${EXPORT_VERSION}`),
    exportedAt: v.pipe(v.string('expected a date'), v.isoTimestamp('expected a date like 2025-01-31T12:00:00.000Z')),
    data: v.strictObject(
      {
        tickets: list(TicketSchema),
        links: list(LinkSchema),
        activity: list(ActivitySchema),
        conversations: list(ConversationSchema),
        ticketTypes: list(TicketTypeSchema),
        teammates: list(TeammateSchema),
        outbox: list(OutboxSchema),
        meta: v.strictObject(
          { settings: SettingsSchema, ticketCounter: count, me: v.nullable(id) },
          'expected an object with settings, ticketCounter and me',
        ),
      },
      'expected an object with tickets, links, activity, conversations, ticketTypes, teammates, outbox and meta',
    ),
  },
  'expected an object with format, version, exportedAt and data',
);

/** Turns a valibot issue path into `tickets[3].number` (the `data.` prefix left out). */
function formatPath(path: v.IssuePathItem[] | undefined): string {
  return issuePath(path).replace(/^data\.?/, '');
}

function describeIssue(issue: v.BaseIssue<unknown>): string {
  const where = formatPath(issue.path);
  const isObject = issue.type === 'object' || issue.type === 'loose_object' || issue.type === 'strict_object';
  if (isObject && issue.received === 'undefined' && issue.path?.length) return `${where}: is missing`;
  if (issue.type === 'strict_object' && issue.kind === 'schema' && issue.path?.length && issue.expected === 'never') {
    return `${where}: is not part of a Backline export`;
  }
  const got = issue.received && issue.received.length <= 60 ? `, got ${issue.received}` : '';
  // The shared schemas speak in sentences (for the forms): the value goes before the full stop.
  const message = got ? issue.message.replace(/\.$/, '') : issue.message;
  return `${where || 'the file'}: ${message}${got}`;
}

// ----- validation: meaning ----------------------------------------------------------------------

/** Checks that records do not clash and that every reference points at a record in the file. */
function checkReferences(d: ExportData): string | null {
  const unique = <T>(name: string, items: T[], keyOf: (t: T) => string | number, what = 'id'): string | null => {
    const seen = new Map<string | number, number>();
    for (let i = 0; i < items.length; i++) {
      const k = keyOf(items[i]!);
      const first = seen.get(k);
      if (first !== undefined) return `${name}[${i}].${what}: ${JSON.stringify(k)} is used twice (also by ${name}[${first}])`;
      seen.set(k, i);
    }
    return null;
  };
  const dup =
    unique('tickets', d.tickets, (t) => t.id) ??
    unique('tickets', d.tickets, (t) => t.number, 'number') ??
    unique('links', d.links, (l) => l.id) ??
    unique('activity', d.activity, (a) => a.id) ??
    unique('conversations', d.conversations, (c) => c.key, 'key') ??
    unique('ticketTypes', d.ticketTypes, (t) => t.id) ??
    unique('teammates', d.teammates, (t) => t.id) ??
    unique('outbox', d.outbox, (o) => o.id);
  if (dup) return dup;
  const pairs = new Set<string>();
  for (let i = 0; i < d.links.length; i++) {
    const pair = `${d.links[i]!.ticketId}\u0000${d.links[i]!.conversationKey}`;
    if (pairs.has(pair)) return `links[${i}].conversationKey: this ticket is already linked to this conversation by another link`;
    pairs.add(pair);
  }

  for (let i = 0; i < d.conversations.length; i++) {
    const c = d.conversations[i]!;
    if (conversationKey(c) !== c.key) return `conversations[${i}].key: does not match its helpdesk, origin, account and conversationId (expected ${JSON.stringify(conversationKey(c))})`;
  }

  const types = new Map(d.ticketTypes.map((t) => [t.id, t]));
  const typeNames = new Map<string, number>();
  for (let i = 0; i < d.ticketTypes.length; i++) {
    const t = d.ticketTypes[i]!;
    const attrIds = new Set<string>();
    for (let j = 0; j < t.attributes.length; j++) {
      const a = t.attributes[j]!;
      if (attrIds.has(a.id)) return `ticketTypes[${i}].attributes[${j}].id: ${JSON.stringify(a.id)} is used twice in this type`;
      attrIds.add(a.id);
    }
    // The rules the options page's form keeps (lib/schemas.ts).
    const problem = ticketTypeProblem(t);
    if (problem) return `ticketTypes[${i}].${problemPath(problem.path)}: ${problem.message}`;
    const other = typeNames.get(t.name.toLowerCase());
    if (other !== undefined) return `ticketTypes[${i}].name: “${t.name}” is also the name of ticketTypes[${other}]; two ticket types cannot share a name`;
    typeNames.set(t.name.toLowerCase(), i);
  }
  const teammateNames = new Map<string, number>();
  for (let i = 0; i < d.teammates.length; i++) {
    const t = d.teammates[i]!;
    const key = `${t.kind}\u0000${t.name.toLowerCase()}`;
    const other = teammateNames.get(key);
    if (other !== undefined) return `teammates[${i}].name: “${t.name}” is also the name of teammates[${other}]; two ${t.kind === 'team' ? 'teams' : 'teammates'} cannot share a name`;
    teammateNames.set(key, i);
  }

  const people = new Set(d.teammates.map((t) => t.id));
  const tickets = new Map(d.tickets.map((t) => [t.id, t]));
  const maxNumber = d.tickets.reduce((m, t) => Math.max(m, t.number), 0);
  for (let i = 0; i < d.tickets.length; i++) {
    const t = d.tickets[i]!;
    const type = types.get(t.typeId);
    if (!type) return `tickets[${i}].typeId: no ticket type has the id ${JSON.stringify(t.typeId)}`;
    if (!type.states.some((s) => s.id === t.stateId)) return `tickets[${i}].stateId: the ticket type “${type.name}” has no state ${JSON.stringify(t.stateId)}`;
    if (t.assigneeId !== null && !people.has(t.assigneeId)) return `tickets[${i}].assigneeId: no teammate has the id ${JSON.stringify(t.assigneeId)}`;
  }
  const conversations = new Set(d.conversations.map((c) => c.key));
  for (let i = 0; i < d.links.length; i++) {
    const l = d.links[i]!;
    if (!tickets.has(l.ticketId)) return `links[${i}].ticketId: no ticket has the id ${JSON.stringify(l.ticketId)}`;
    if (!conversations.has(l.conversationKey)) return `links[${i}].conversationKey: no conversation has the key ${JSON.stringify(l.conversationKey)}`;
  }
  const activity = new Set<string>();
  for (let i = 0; i < d.activity.length; i++) {
    const a = d.activity[i]!;
    if (!tickets.has(a.ticketId)) return `activity[${i}].ticketId: no ticket has the id ${JSON.stringify(a.ticketId)}`;
    activity.add(a.id);
  }
  for (let i = 0; i < d.outbox.length; i++) {
    const o = d.outbox[i]!;
    if (!tickets.has(o.ticketId)) return `outbox[${i}].ticketId: no ticket has the id ${JSON.stringify(o.ticketId)}`;
    if (!conversations.has(o.conversationKey)) return `outbox[${i}].conversationKey: no conversation has the key ${JSON.stringify(o.conversationKey)}`;
    if (!activity.has(o.sourceActivityId)) return `outbox[${i}].sourceActivityId: no activity item has the id ${JSON.stringify(o.sourceActivityId)}`;
  }
  if (d.meta.ticketCounter < maxNumber) {
    return `meta.ticketCounter: must be at least ${maxNumber}, the highest ticket number in the file (new tickets would clash)`;
  }
  if (d.meta.me !== null) {
    const me = d.teammates.find((t) => t.id === d.meta.me);
    if (!me) return `meta.me: no teammate has the id ${JSON.stringify(d.meta.me)}`;
    if (me.kind !== 'person') return `meta.me: “${me.name}” is a team, not a person`;
  }
  return null;
}

/** Checks a parsed file completely. Never throws. */
export function validateExport(value: unknown): ImportCheck {
  const head = (value && typeof value === 'object' && !Array.isArray(value) ? value : {}) as { format?: unknown; version?: unknown };
  if (head.format !== EXPORT_FORMAT) {
    return { ok: false, error: `this is not a Backline export (expected a JSON object with "format": "${EXPORT_FORMAT}")` };
  }
  if (typeof head.version === 'number' && head.version > EXPORT_VERSION) {
    return { ok: false, error: `this file was made by a newer Backline (format version ${head.version}); update Backline, then import it` };
  }
  const parsed = v.safeParse(ExportSchema, value);
  if (!parsed.success) return { ok: false, error: describeIssue(parsed.issues[0]) };
  const file = parsed.output as unknown as BacklineExport;
  const problem = checkReferences(file.data);
  if (problem) return { ok: false, error: problem };
  return { ok: true, file, summary: summarize(file) };
}

/** Parses and checks the text of a file. Never throws. */
export function parseExportText(textContent: string): ImportCheck {
  if (textContent.length > MAX_IMPORT_BYTES) {
    return { ok: false, error: `the file is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MB` };
  }
  let value: unknown;
  try {
    value = JSON.parse(textContent);
  } catch (e) {
    return { ok: false, error: `the file is not valid JSON (${e instanceof Error ? e.message : String(e)})` };
  }
  return validateExport(value);
}

export function summarize(file: BacklineExport): ImportSummary {
  const d = file.data;
  return {
    tickets: d.tickets.length,
    notes: d.activity.filter((a) => a.type === 'note').length,
    links: d.links.length,
    conversations: d.conversations.length,
    ticketTypes: d.ticketTypes.length,
    teammates: d.teammates.length,
    heldEffects: d.outbox.filter((o) => o.status === 'queued').length,
    exportedAt: file.exportedAt,
  };
}

// ----- writes -------------------------------------------------------------------------------------

/** How many records an import writes before it awaits them and tells its progress. */
const IMPORT_BATCH = 2000;

const DATA_STORES = ['tickets', 'links', 'activity', 'activityPacks', 'conversations', 'ticketTypes', 'teammates', 'outbox', 'fanouts', 'outcomesToShare', 'meta', 'requests'] as const;

type ReplaceWith = Pick<ExportData, 'tickets' | 'links' | 'activity' | 'conversations' | 'ticketTypes' | 'teammates' | 'outbox'> & {
  meta: { settings: WorkspaceSettings | null; ticketCounter: number | null; me: string | null };
};

/**
 * Replaces all workspace data in one transaction. Connections, the admin passphrase and any
 * other meta keys are kept: they are this browser's configuration, not the workspace's data.
 * Request ids are cleared: none of them refers to the data that is now there.
 */
async function replaceAll(store: StoreEngine, requestId: string, next: ReplaceWith, onProgress?: (done: number, total: number) => void): Promise<void> {
  await store.write(requestId, [...DATA_STORES], async (tx) => {
    const oldTicketIds = (await tx.objectStore('tickets').getAllKeys()) as string[];
    const oldKeys = (await tx.objectStore('links').getAll()).map((l) => l.conversationKey);
    for (const name of ['tickets', 'ticketWords', 'links', 'activity', 'activityPacks', 'conversations', 'ticketTypes', 'teammates', 'outbox', 'fanouts', 'outcomesToShare', 'requests'] as const) {
      await tx.objectStore(name).clear();
    }
    for (const key of DATA_META_KEYS) await deleteMeta(tx, key);
    // add(), not put(): validation already refused duplicates, so a clash here is a bug and aborts all.
    // The records go in batches: a batch's requests are made without waiting for each one's
    // answer (IndexedDB runs them in order), then the last one is awaited and progress told.
    // Still one transaction: all of it lands or none.
    const total = next.ticketTypes.length + next.teammates.length + next.conversations.length + next.tickets.length + next.links.length + next.activity.length + next.outbox.length;
    // The requests are made on the native stores (no promise per record: 60,000 of them cost
    // seconds); a failed one aborts the transaction, which the engine reports.
    const raw = (name: StoreName) => unwrap(tx.objectStore(name)) as IDBObjectStore;
    let done = 0;
    let inBatch = 0;
    let last: IDBRequest | null = null;
    /** Adds a record standing for `count` of the file's records (a pack stands for its items). */
    const add = async (store: IDBObjectStore, value: unknown, count = 1) => {
      last = store.add(value);
      inBatch += count;
      if (inBatch >= IMPORT_BATCH) await flush();
    };
    const flush = async () => {
      const request = last;
      // Awaited once: a request already answered fires no more events (an import whose last
      // record ended a batch waited for ever).
      last = null;
      if (request) {
        await new Promise<void>((resolve, reject) => {
          request.addEventListener('success', () => resolve());
          request.addEventListener('error', () => reject(request.error));
        });
      }
      done += inBatch;
      inBatch = 0;
      onProgress?.(Math.min(done, total), total);
    };
    const stores = {
      ticketTypes: raw('ticketTypes'),
      teammates: raw('teammates'),
      conversations: raw('conversations'),
      tickets: raw('tickets'),
      ticketWords: raw('ticketWords'),
      links: raw('links'),
      activityPacks: raw('activityPacks'),
      outbox: raw('outbox'),
    };
    for (const t of next.ticketTypes) await add(stores.ticketTypes, t);
    for (const t of next.teammates) await add(stores.teammates, t);
    for (const c of next.conversations) await add(stores.conversations, c);
    for (const t of next.tickets) {
      stores.ticketWords.add(ticketWordsRecord(t));
      await add(stores.tickets, t);
    }
    for (const l of next.links) await add(stores.links, l);
    // Activity goes in packs (./activity-log.ts): a record costs the same however small it is.
    for (const pack of packActivity(next.activity)) await add(stores.activityPacks, pack, pack.items.length);
    for (const o of next.outbox) await add(stores.outbox, o);
    await flush();
    if (next.meta.settings) await writeMeta(tx, 'settings', next.meta.settings);
    if (next.meta.ticketCounter !== null) await writeMeta(tx, 'ticketCounter', next.meta.ticketCounter);
    if (next.meta.me !== null) await writeMeta(tx, 'me', next.meta.me);
    const changes: ChangeSet = {
      ticketIds: [...new Set([...oldTicketIds, ...next.tickets.map((t) => t.id)])],
      conversationKeys: [...new Set([...oldKeys, ...next.links.map((l) => l.conversationKey)])],
      settings: true,
      types: true,
      teammates: true,
    };
    // The result is kept with the request id for retries: keep it small.
    return { result: true, changes, afterCommit: () => store.packsChanged() };
  });
}

/**
 * Validates the file and, if it is a good export, replaces all workspace data with it in one
 * transaction. A bad file throws an `invalid` BacklineError with the reason and changes nothing.
 * `file` is its text, or the check of it made before (when it was chosen): not made again.
 */
export async function importExport(
  store: StoreEngine,
  requestId: string,
  file: string | ImportCheck,
  options: {
    /** Told how many records are written of how many, after each batch. */
    onProgress?(done: number, total: number): void;
  } = {},
): Promise<ImportSummary> {
  const check = typeof file === 'string' ? parseExportText(file) : file;
  if (!check.ok) throw new BacklineError('invalid', `This file cannot be imported: ${check.error}. Nothing was changed.`, { reason: check.error });
  const d = check.file.data;
  await replaceAll(store, requestId, {
    ...d,
    outbox: d.outbox.map((o) => holdEffect(o, Date.now())),
    meta: { ...d.meta, settings: { ...DEFAULT_SETTINGS, ...d.meta.settings } },
  }, options.onProgress);
  return check.summary;
}

/**
 * An effect still queued in an imported file may have been sent since the file was made (by
 * this browser or the one it came from): sending it again could post a note twice or reopen a
 * conversation an agent has closed since. It is marked not sent, with the reason; the ticket's
 * Activity offers Retry. An attempt that was in flight stays "unsure", so a retry looks for it first.
 */
export function holdEffect(o: OutboxRecord, now: number): OutboxRecord {
  if (o.status !== 'queued') return o;
  const inFlight = interruptedSendTime(o);
  return {
    ...o,
    status: 'skipped',
    lastError: 'Not sent: it was still waiting when the data was exported, and may have been sent since. Retry to send it now.',
    attemptId: null,
    attemptStartedAt: null,
    attemptSentAt: null,
    unsureSince: o.unsureSince ?? inFlight,
    inFlightSentAt: inFlight ?? o.inFlightSentAt ?? null,
    updatedAt: now,
  };
}

/**
 * Deletes every ticket, note, link, conversation, queued effect, teammate and setting, and puts
 * back the default ticket types. Connections and the admin passphrase are kept.
 */
export async function wipeAll(store: StoreEngine, requestId: string): Promise<void> {
  await replaceAll(store, requestId, {
    tickets: [],
    links: [],
    activity: [],
    conversations: [],
    ticketTypes: DEFAULT_TICKET_TYPES.map((t) => structuredClone(t) as TicketType),
    teammates: [],
    outbox: [],
    meta: { settings: null, ticketCounter: null, me: null },
  });
}
