/**
 * What admins change on the options page: ticket types, teammates and teams, who "you" are,
 * and helpdesk connections. Each change is one Store.write (one transaction, idempotent by
 * request id) and is checked against the tickets that exist, so that nothing a ticket holds is
 * lost: an attribute or type that tickets use is archived (hidden from forms, values kept),
 * and changes that would orphan values (a state tickets are in, a type change of an attribute
 * with values) are refused with the reason.
 */
import { readMeta, writeMeta } from './meta';
import * as v from 'valibot';
import type { ConnectionRecord, Teammate } from '../model/records';
import { ATTRIBUTE_TYPE_LABELS, TICKET_KIND_LABELS, type Ticket, type TicketType } from '../model/domain';
import { BacklineError } from '../model/errors';
import { DESCRIPTORS, HELPDESK_NAMES } from '../helpdesks';
import { isHelpdeskId } from '../model/helpdesk';
import { uuidv7 } from '../model/ids';
import { LIMITS } from '../model/limits';
import { TeammateInput as TeammateInputSchema } from '../model/schemas';
import type { StoreEngine } from './engine';
import { defaultLabel, isSelfHosted, normalizeBaseUrl } from '../helpdesks/base-url';
import type { ConnectionInput, ConnectionView, RemoveTypeResult, SaveTypeResult, TeammateInput, TicketTypeInput, TypeUsage, Usage } from '../model/admin';
import { normalizeTicketType, refusal } from '../model/admin';


const hasValue = (v: unknown) => v !== null && v !== undefined && v !== '';

function emptyUsage(): TypeUsage {
  return { tickets: 0, states: {}, attributes: {} };
}

function addTicket(u: TypeUsage, t: Ticket): void {
  u.tickets++;
  u.states[t.stateId] = (u.states[t.stateId] ?? 0) + 1;
  for (const [k, v] of Object.entries(t.attributes)) if (hasValue(v)) u.attributes[k] = (u.attributes[k] ?? 0) + 1;
}

/** Counts what tickets use, in one pass over the tickets. */
export async function computeUsage(store: StoreEngine): Promise<Usage> {
  const usage: Usage = { types: {}, assignees: {} };
  let cursor = await store.db.transaction('tickets').store.openCursor();
  while (cursor) {
    const t = cursor.value;
    addTicket((usage.types[t.typeId] ??= emptyUsage()), t);
    if (t.assigneeId) usage.assignees[t.assigneeId] = (usage.assignees[t.assigneeId] ?? 0) + 1;
    cursor = await cursor.continue();
  }
  return usage;
}

// ----- ticket types --------------------------------------------------------------------------

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const invalid = (message: string, field?: string) => new BacklineError('invalid', message, field ? { field } : undefined);

/** Creates or updates a ticket type without losing anything its tickets hold. */
export async function saveTicketType(store: StoreEngine, requestId: string, input: TicketTypeInput): Promise<SaveTypeResult> {
  const draft = normalizeTicketType(input);
  return store.write(requestId, ['ticketTypes', 'tickets'], async (tx) => {
    const types = await tx.objectStore('ticketTypes').getAll();
    const existing = input.id ? types.find((t) => t.id === input.id) : undefined;
    if (input.id && !existing) throw new BacklineError('not_found', 'This ticket type was removed in the meantime. Reload the page.');
    const clash = types.find((t) => t.id !== input.id && t.name.toLowerCase() === draft.name.toLowerCase());
    if (clash) {
      throw invalid(`There is already a ticket type called “${clash.name}”${clash.archived ? ' (removed; restore it instead)' : ''}. Choose another name.`, 'name');
    }
    const usage = emptyUsage();
    if (existing) for (const t of await tx.objectStore('tickets').index('byType').getAll(existing.id)) addTicket(usage, t);

    const archivedAttributes: string[] = [];
    const attributes = [...draft.attributes];
    if (existing && usage.tickets) {
      if (draft.category !== existing.category) {
        throw invalid(
          `${plural(usage.tickets, 'ticket')} ${usage.tickets === 1 ? 'is' : 'are'} of this type, so its category cannot change from ${TICKET_KIND_LABELS[existing.category].toLowerCase()} to ${TICKET_KIND_LABELS[draft.category].toLowerCase()}. Create a new type instead.`,
          'category',
        );
      }
      for (const s of existing.states) {
        const n = usage.states[s.id] ?? 0;
        if (n && !draft.states.some((d) => d.id === s.id)) {
          throw invalid(
            `${plural(n, 'ticket')} of this type ${n === 1 ? 'is' : 'are'} in the state “${s.label}”. Move ${n === 1 ? 'it' : 'them'} to another state first, or keep the state (you can rename it).`,
            'states',
          );
        }
      }
      for (const old of existing.attributes) {
        const n = usage.attributes[old.id] ?? 0;
        const now = attributes.find((a) => a.id === old.id);
        if (now && n && now.type !== old.type) {
          throw invalid(
            `${plural(n, 'ticket')} ${n === 1 ? 'has' : 'have'} a value for “${old.name}”, so its type cannot change from ${ATTRIBUTE_TYPE_LABELS[old.type]} to ${ATTRIBUTE_TYPE_LABELS[now.type]}. Add a new attribute instead.`,
            'attributes',
          );
        }
        if (!now && n) {
          // Removed while tickets hold values: keep it, hidden, so those values survive.
          attributes.push({ ...old, archived: true, required: false });
          archivedAttributes.push(old.name);
        }
      }
    }
    const type: TicketType = { id: existing?.id ?? uuidv7(), ...draft, attributes };
    if (!type.archived && existing?.archived) {
      const active = types.find((t) => t.id !== type.id && !t.archived && t.name.toLowerCase() === type.name.toLowerCase());
      if (active) throw invalid(`There is already a ticket type called “${active.name}”.`, 'name');
    }
    if (type.archived && !existing?.archived) await assertAnotherActiveType(types, type.id);
    await tx.objectStore('ticketTypes').put(type);
    return { result: { type, archivedAttributes }, changes: { ticketIds: [], conversationKeys: [], types: true } };
  });
}

async function assertAnotherActiveType(types: TicketType[], removing: string): Promise<void> {
  if (!types.some((t) => t.id !== removing && !t.archived && t.category !== 'customer')) {
    throw invalid('Keep at least one back-office or tracker ticket type: agents need one to create tickets.');
  }
}

/**
 * Removes a ticket type. One that tickets use is archived: hidden from new tickets, while its
 * tickets keep their type, states, attributes and values.
 */
export async function removeTicketType(store: StoreEngine, requestId: string, typeId: string): Promise<RemoveTypeResult> {
  return store.write(requestId, ['ticketTypes', 'tickets'], async (tx) => {
    const types = await tx.objectStore('ticketTypes').getAll();
    const type = types.find((t) => t.id === typeId);
    if (!type) throw new BacklineError('not_found', 'This ticket type was already removed.');
    await assertAnotherActiveType(types, typeId);
    const tickets = await tx.objectStore('tickets').index('byType').count(typeId);
    if (tickets) await tx.objectStore('ticketTypes').put({ ...type, archived: true });
    else await tx.objectStore('ticketTypes').delete(typeId);
    return { result: { outcome: tickets ? 'archived' : 'deleted', tickets }, changes: { ticketIds: [], conversationKeys: [], types: true } };
  });
}

// ----- teammates -----------------------------------------------------------------------------

/** Adds or edits a teammate or team (checked with the schema the protocol and the import use). */
export async function saveTeammate(store: StoreEngine, requestId: string, input: TeammateInput): Promise<Teammate> {
  const parsed = v.safeParse(TeammateInputSchema, input);
  if (!parsed.success) throw refusal(parsed.issues);
  const { name, email } = parsed.output;
  return store.write(requestId, ['teammates', 'meta'], async (tx) => {
    const all = await tx.objectStore('teammates').getAll();
    const existing = input.id ? all.find((t) => t.id === input.id) : undefined;
    if (input.id && !existing) throw new BacklineError('not_found', 'This teammate was removed in the meantime. Reload the page.');
    const clash = all.find((t) => t.id !== input.id && t.kind === input.kind && t.name.toLowerCase() === name.toLowerCase());
    if (clash) throw invalid(`There is already a ${input.kind === 'team' ? 'team' : 'teammate'} called “${clash.name}”.`, 'name');
    if (existing && existing.kind !== input.kind) {
      const me = await readMeta(tx, 'me');
      if (me === existing.id) throw invalid(`“${existing.name}” is you on this browser, so it must stay a person.`, 'kind');
    }
    const teammate: Teammate = { id: existing?.id ?? uuidv7(), name, email, kind: input.kind };
    await tx.objectStore('teammates').put(teammate);
    return { result: teammate, changes: { ticketIds: [], conversationKeys: [], teammates: true } };
  });
}

/**
 * Removes a teammate or team. Refused while tickets are assigned to them (reassign first) or
 * while they are "you" on this browser. Their past notes and changes stay.
 */
export async function removeTeammate(store: StoreEngine, requestId: string, teammateId: string): Promise<{ removed: true }> {
  return store.write(requestId, ['teammates', 'tickets', 'meta'], async (tx) => {
    const teammate = await tx.objectStore('teammates').get(teammateId);
    if (!teammate) throw new BacklineError('not_found', 'This teammate was already removed.');
    const me = await readMeta(tx, 'me');
    if (me === teammateId) throw invalid(`“${teammate.name}” is you on this browser. Choose someone else under “You are” first.`);
    let assigned = 0;
    let cursor = await tx.objectStore('tickets').openCursor();
    while (cursor) {
      if (cursor.value.assigneeId === teammateId) assigned++;
      cursor = await cursor.continue();
    }
    if (assigned) {
      throw invalid(`${plural(assigned, 'ticket is', 'tickets are')} assigned to “${teammate.name}”. Assign ${assigned === 1 ? 'it' : 'them'} to someone else first.`);
    }
    await tx.objectStore('teammates').delete(teammateId);
    return { result: { removed: true as const }, changes: { ticketIds: [], conversationKeys: [], teammates: true } };
  });
}

/** Chooses who "you" are on this browser: the author of notes and changes. Any person may be chosen. */
export async function setMe(store: StoreEngine, requestId: string, teammateId: string): Promise<Teammate> {
  return store.write(requestId, ['teammates', 'meta'], async (tx) => {
    const teammate = await tx.objectStore('teammates').get(teammateId);
    if (!teammate) throw new BacklineError('not_found', 'That teammate no longer exists. Reload the page.');
    if (teammate.kind !== 'person') throw invalid(`“${teammate.name}” is a team; choose a person.`);
    await writeMeta(tx, 'me', teammate.id);
    return { result: teammate, changes: { ticketIds: [], conversationKeys: [], teammates: true } };
  });
}

// ----- connections ---------------------------------------------------------------------------

/**
 * Where a connection's account comes from the Base URL: the subdomain of the helpdesk's cloud
 * suffix (acme for https://acme.zendesk.com); '' on any other host (a custom domain).
 */
function subdomainAccount(baseUrl: string, suffixes: readonly string[]): string {
  const host = new URL(baseUrl).hostname;
  for (const suffix of suffixes) if (host.endsWith(`.${suffix}`)) return host.slice(0, -suffix.length - 1);
  return '';
}

/**
 * Checks a connection form against its helpdesk's descriptor: the Base URL, the account where
 * the admin types it, and every credential field. A secret left empty keeps the saved one, but
 * only while the connection points at the address (and helpdesk) it was given for.
 */
export async function resolveConnection(store: StoreEngine, input: ConnectionInput): Promise<ConnectionRecord> {
  if (!isHelpdeskId(input.helpdesk)) throw invalid('Choose a helpdesk.', 'helpdesk');
  const form = DESCRIPTORS[input.helpdesk].connection;
  let baseUrl: string;
  try {
    baseUrl = normalizeBaseUrl(input.baseUrl);
  } catch (e) {
    throw invalid((e as Error).message, 'baseUrl');
  }
  const existing = input.id ? await store.db.get('connections', input.id) : undefined;
  if (input.id && !existing) throw new BacklineError('not_found', 'This connection was removed in the meantime. Reload the page.');

  let account = '';
  if (form.account.from === 'field') {
    const label = form.account.field.label;
    account = (input.account ?? '').trim();
    if (!account) throw invalid(`Enter the ${label} (${form.account.field.hint.replace(/\.$/, '').replace(/^The /, 'the ')}).`, 'account');
    if (account.length > LIMITS.accountId || /\s|\//.test(account)) throw invalid(`The ${label} cannot contain spaces or slashes.`, 'account');
  } else if (form.account.from === 'subdomain') {
    account = subdomainAccount(baseUrl, DESCRIPTORS[input.helpdesk].accountSubdomainOf ?? []);
  } else if (form.account.from === 'api') {
    // Named by the helpdesk's API for the credentials when the connection is checked.
    account = (input.account ?? existing?.account ?? '').trim();
  }

  const known = new Set(form.credentials.map((f) => f.key));
  const unknown = Object.keys(input.credentials).find((k) => !known.has(k));
  if (unknown) throw invalid(`${HELPDESK_NAMES[input.helpdesk]} connections have no field “${unknown}”.`, 'credentials');
  // Saved secrets are only ever sent to the address (and helpdesk) they were given for: pointing
  // the connection elsewhere needs them entered again, or the new address would receive them.
  const movedAway = !!existing && (existing.baseUrl !== baseUrl || existing.helpdesk !== input.helpdesk);
  const credentials: Record<string, string> = {};
  for (const field of form.credentials) {
    const typed = (input.credentials[field.key] ?? '').trim();
    const saved = existing && !movedAway ? existing.credentials[field.key] ?? '' : '';
    if (!typed && field.secret && movedAway && existing?.credentials[field.key]) {
      throw new BacklineError(
        'forbidden',
        `The Base URL changed from ${existing.baseUrl} to ${baseUrl}. Enter the ${field.label} again: Backline sends a saved secret only to the address it was saved for.`,
        { field: field.key },
      );
    }
    const value = typed || saved;
    if (!value) throw invalid(`Enter the ${field.label}.`, field.key);
    if (value.length > LIMITS.token || /\s/.test(value)) throw invalid(`The ${field.label} cannot contain spaces. Copy it again from ${HELPDESK_NAMES[input.helpdesk]}.`, field.key);
    credentials[field.key] = value;
  }
  const now = Date.now();
  return {
    id: existing?.id ?? uuidv7(),
    helpdesk: input.helpdesk,
    baseUrl,
    account,
    credentials,
    label: (input.label ?? '').trim().slice(0, LIMITS.connectionLabel) || defaultLabel(input.helpdesk, baseUrl),
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
  };
}

/** Saves a connection (the token stays in the background's database) and returns its masked view. */
export async function saveConnection(store: StoreEngine, requestId: string, input: ConnectionInput): Promise<ConnectionView> {
  const record = await resolveConnection(store, input);
  return store.write(requestId, ['connections'], async (tx) => {
    const all = await tx.objectStore('connections').getAll();
    if (input.id && !all.some((c) => c.id === input.id)) throw new BacklineError('not_found', 'This connection was removed in the meantime. Reload the page.');
    const twin = all.find((c) => c.id !== record.id && c.helpdesk === record.helpdesk && c.baseUrl === record.baseUrl && c.account === record.account);
    if (twin) {
      const which = record.account ? `account ${record.account} at ${record.baseUrl}` : record.baseUrl;
      throw invalid(`There is already a connection to ${which} (“${twin.label}”). Edit that one instead.`);
    }
    await tx.objectStore('connections').put(record);
    return { result: toConnectionView(record), changes: { ticketIds: [], conversationKeys: [], connections: true } };
  });
}

export async function removeConnection(store: StoreEngine, requestId: string, connectionId: string): Promise<{ removed: boolean }> {
  return store.write<{ removed: boolean }>(requestId, ['connections'], async (tx) => {
    const existing = await tx.objectStore('connections').get(connectionId);
    if (!existing) return { result: { removed: false }, changes: { ticketIds: [], conversationKeys: [] } };
    await tx.objectStore('connections').delete(connectionId);
    return { result: { removed: true }, changes: { ticketIds: [], conversationKeys: [], connections: true } };
  });
}

/** Every connection with its secrets: for the background's connectors only, never for a page. */
export function connectionRecords(s: StoreEngine): Promise<ConnectionRecord[]> {
  return s.db.getAll('connections');
}

export async function listConnections(store: StoreEngine): Promise<ConnectionView[]> {
  return (await store.db.getAll('connections')).sort((a, b) => a.label.localeCompare(b.label)).map(toConnectionView);
}

/** "••••abcd": the last four characters of a secret, only when it is long enough to hide the rest. */
export function maskToken(token: string): string {
  return token.length >= 12 ? `••••${token.slice(-4)}` : '••••';
}

/** A connection as pages may see it: non-secret fields as they are, secrets masked. */
export function toConnectionView(c: ConnectionRecord): ConnectionView {
  const fields: Record<string, string> = {};
  const secretHints: Record<string, string> = {};
  for (const f of DESCRIPTORS[c.helpdesk].connection.credentials) {
    const value = c.credentials[f.key] ?? '';
    if (f.secret) secretHints[f.key] = maskToken(value);
    else fields[f.key] = value;
  }
  return {
    id: c.id,
    helpdesk: c.helpdesk,
    baseUrl: c.baseUrl,
    account: c.account,
    label: c.label,
    fields,
    secretHints,
    selfHosted: isSelfHosted(c),
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}
