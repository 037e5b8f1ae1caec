/**
 * What the options page and the background say to each other about workspace administration:
 * ticket types (and the one check of a type on its own, which the form runs before saving),
 * teammates, connections as pages see them (never a token), usage counts, and the export file.
 */
import * as v from 'valibot';
import { DEFAULT_STATES, type AttributeDef, type AttributeType, type StateDef, type Ticket, type TicketType } from './domain';
import { BacklineError } from './errors';
import type { HelpdeskId } from './helpdesk';
import { uuidv7 } from './ids';
import type { ActivityRecord, ConversationRecord, LinkRecord, OutboxRecord, Teammate } from './records';
import { AttributeDefInput, TicketTypeInput as TicketTypeInputSchema, ticketTypeProblem, ticketTypeProblems, type Problem } from './schemas';
import type { WorkspaceSettings } from './settings';

/** How many tickets use a type, each of its states and each of its attributes. */
export interface TypeUsage {
  tickets: number;
  states: Record<string, number>;
  attributes: Record<string, number>;
}

export interface Usage {
  types: Record<string, TypeUsage>;
  /** Tickets assigned to each teammate or team. */
  assignees: Record<string, number>;
}

/** A ticket type as the options page sends it. No id: a new type. */
export type TicketTypeInput = Omit<TicketType, 'id'> & { id?: string };

const invalid = (message: string, field?: string) => new BacklineError('invalid', message, field ? { field } : undefined);

/** The first problem of a valibot parse, as an `invalid` error naming the top-level field. */
export function refusal(issues: [v.BaseIssue<unknown>, ...v.BaseIssue<unknown>[]]): BacklineError {
  const issue = issues[0];
  const field = issue.path?.[0]?.key;
  return invalid(issue.message, typeof field === 'string' ? field : undefined);
}

/**
 * Checks and tidies a ticket type on its own (names, colour, icon, list items, states), with the
 * schema and rules that the protocol and the import use too (lib/schemas.ts); what depends on
 * existing tickets is checked by saveTicketType. Pure: the options page runs it on its form
 * before saving. Throws an `invalid` BacklineError whose `field` names the part to fix.
 */
export function normalizeTicketType(input: TicketTypeInput): Omit<TicketType, 'id'> {
  const parsed = v.safeParse(TicketTypeInputSchema, input);
  if (!parsed.success) throw refusal(parsed.issues);
  const t = parsed.output;
  const problem = ticketTypeProblem(t);
  if (problem) throw invalid(problem.message, String(problem.path[0]));
  const attributes: AttributeDef[] = t.attributes.map((a) => {
    const def: AttributeDef = { id: a.id, name: a.name, type: a.type, required: a.required };
    if (a.type === 'list') def.options = a.options ?? [];
    if (a.archived) {
      def.archived = true;
      // An archived attribute is never asked for, so it cannot be required.
      def.required = false;
    }
    return def;
  });
  const states: StateDef[] = t.states.map((s) => ({ id: s.id, label: s.label, category: s.category }));
  return { name: t.name, category: t.category, icon: t.icon, color: t.color, attributes, states, ...(t.archived ? { archived: true } : {}) };
}

/** One attribute as the options page's attribute form holds it (inside the ticket type form). */
export interface AttributeForm {
  name: string;
  type: AttributeType;
  required: boolean;
  /** A list attribute's items, one a line. */
  items: string;
}

/** The attributes with the form's attribute in them, or what is wrong with it (and which field to fix). */
export type PlacedAttribute = { ok: true; attributes: AttributeDef[] } | { ok: false; message: string; field: 'name' | 'type' | 'items' };

/**
 * Puts the attribute form's attribute into a type's attributes: in place of the one at `index`
 * (an edit, keeping its id) or at the end (a new one). It must keep the rules a saved type keeps
 * as far as they concern it (AttributeDefInput, ticketTypeProblems), and an attribute that
 * tickets hold values for (`valuesHeld` of them) keeps its type. Blank and repeated list items
 * are dropped. Problems are worded for the form, where the admin edits this one attribute.
 */
export function placeAttribute(attributes: readonly AttributeDef[], index: number | null, form: AttributeForm, valuesHeld = 0): PlacedAttribute {
  const previous = index === null ? undefined : attributes[index];
  const items = [...new Set(form.items.split('\n').map((s) => s.trim()).filter(Boolean))];
  const candidate = { id: previous?.id ?? uuidv7(), name: form.name, type: form.type, required: form.required, ...(form.type === 'list' ? { options: items } : {}) };
  const parsed = v.safeParse(AttributeDefInput, candidate);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    const field = issue.path?.[0]?.key === 'options' ? 'items' : 'name';
    const unnamed = field === 'name' && issue.type === 'min_length';
    return { ok: false, message: unnamed ? 'Give the attribute a name.' : issue.message, field };
  }
  const def: AttributeDef = parsed.output;
  const at = index ?? attributes.length;
  const next = [...attributes];
  next[at] = def;
  const about = (path: Problem['path'] | undefined) => path?.[0] === 'attributes' && path[1] === at;
  const problem = ticketTypeProblems({ attributes: next, states: [] }).find((p) => about(p.path) || about(p.other));
  if (problem) {
    if (problem.rule === 'duplicate-name') {
      const clash = next[Number(about(problem.path) ? problem.other![1] : problem.path[1])]!;
      return { ok: false, message: `There is already an attribute called “${clash.name}”.`, field: 'name' };
    }
    if (problem.rule === 'no-list-items') return { ok: false, message: `Add at least one list item to “${def.name}” (one per line).`, field: 'items' };
    return { ok: false, message: problem.message, field: problem.path[2] === 'options' ? 'items' : 'name' };
  }
  if (previous && valuesHeld && previous.type !== def.type) {
    const n = valuesHeld;
    const message = `${n.toLocaleString('en')} ${n === 1 ? 'ticket has' : 'tickets have'} a value for “${previous.name}”, so its type cannot change. Add a new attribute instead.`;
    return { ok: false, message, field: 'type' };
  }
  return { ok: true, attributes: next };
}

export interface SaveTypeResult {
  type: TicketType;
  /** Attributes the admin removed that tickets still hold values for: kept, archived. */
  archivedAttributes: string[];
}

export interface RemoveTypeResult {
  /** 'deleted' when no ticket used it; 'archived' when tickets keep it. */
  outcome: 'deleted' | 'archived';
  tickets: number;
}

/** A blank type for the "Add ticket type" form: the four standard states, no attributes. */
export function blankTicketType(): TicketTypeInput {
  return { name: '', category: 'backoffice', icon: '🎫', color: '#4f6bed', attributes: [], states: DEFAULT_STATES.map((s) => ({ ...s })) };
}

export interface TeammateInput {
  id?: string;
  name: string;
  email: string;
  kind: 'person' | 'team';
}

/**
 * A connection as the options page sends it. No id: a new one. A secret left empty on an edit
 * keeps the saved one, but only while the Base URL stays the same.
 */
export interface ConnectionInput {
  id?: string;
  helpdesk: HelpdeskId;
  baseUrl: string;
  /** For helpdesks whose account is a form field (Chatwoot's Account ID); ignored by others. */
  account?: string;
  /** The helpdesk's credential fields by key (its descriptor names them). */
  credentials: Record<string, string>;
  label?: string;
}

/** What pages get instead of a ConnectionRecord: never a secret, only its last characters. */
export interface ConnectionView {
  id: string;
  helpdesk: HelpdeskId;
  baseUrl: string;
  account: string;
  label: string;
  /** Credential fields that are not secret (an email, an app id), as saved. */
  fields: Record<string, string>;
  /** Each secret field's hint, e.g. "••••abcd": enough to tell them apart, useless to an attacker. */
  secretHints: Record<string, string>;
  /** The helpdesk's origin is not one Backline knows: it needs a host permission and a registered content script. */
  selfHosted: boolean;
  createdAt: number;
  updatedAt: number;
}

// ----- the export file -----------------------------------------------------------------------

export const EXPORT_FORMAT = 'backline-export';

export const EXPORT_VERSION = 1;

/** Larger files are refused before parsing: far beyond any real workspace, and it keeps the worker alive. */
export const MAX_IMPORT_BYTES = 50 * 1024 * 1024;

export interface ExportData {
  tickets: Ticket[];
  links: LinkRecord[];
  activity: ActivityRecord[];
  conversations: ConversationRecord[];
  ticketTypes: TicketType[];
  teammates: Teammate[];
  outbox: OutboxRecord[];
  meta: { settings: WorkspaceSettings; ticketCounter: number; me: string | null };
}

/** The file an export produces. */
export interface BacklineExport {
  format: typeof EXPORT_FORMAT;
  version: typeof EXPORT_VERSION;
  /** ISO 8601. */
  exportedAt: string;
  data: ExportData;
}

/** How much a file holds, shown before and after an import. */
export interface ImportSummary {
  tickets: number;
  notes: number;
  links: number;
  conversations: number;
  ticketTypes: number;
  teammates: number;
  /** Notes and reopens that were waiting to be sent when the file was made: not sent again by themselves. */
  heldEffects: number;
  exportedAt: string;
}

export type ImportCheck = { ok: true; file: BacklineExport; summary: ImportSummary } | { ok: false; error: string };

/** A file name like backline-export-2025-01-31.json. */
export function exportFileName(now: number = Date.now()): string {
  return `backline-export-${new Date(now).toISOString().slice(0, 10)}.json`;
}

/**
 * An export as compact JSON (what `JSON.stringify(file)` gives, no indentation), built a chunk
 * of records at a time so that the page can show its progress and stays responsive: `onProgress`
 * is told how many records are written of how many, and the work pauses after each chunk.
 * The parts, joined, are the file's text (a Blob takes them as they are).
 */
export async function compactExportParts(
  file: BacklineExport,
  onProgress: (done: number, total: number) => void = () => {},
  chunk = 2000,
): Promise<string[]> {
  const data = file.data as unknown as Record<string, unknown>;
  const total = Object.values(data).reduce<number>((n, v) => n + (Array.isArray(v) ? v.length : 0), 0);
  const parts: string[] = [];
  let done = 0;
  const fields = (o: Record<string, unknown>, write: (key: string, value: unknown) => Promise<void>) =>
    Object.entries(o)
      .filter(([, v]) => v !== undefined && typeof v !== 'function')
      .reduce<Promise<boolean>>(async (first, [k, v]) => {
        const isFirst = await first;
        parts.push(`${isFirst ? '' : ','}${JSON.stringify(k)}:`);
        await write(k, v);
        return false;
      }, Promise.resolve(true));
  parts.push('{');
  await fields(file as unknown as Record<string, unknown>, async (key, value) => {
    if (key !== 'data') return void parts.push(JSON.stringify(value));
    parts.push('{');
    await fields(data, async (_k, list) => {
      if (!Array.isArray(list)) return void parts.push(JSON.stringify(list));
      parts.push('[');
      for (let i = 0; i < list.length; i += chunk) {
        parts.push((i ? ',' : '') + list.slice(i, i + chunk).map((r) => JSON.stringify(r) ?? 'null').join(','));
        done += Math.min(chunk, list.length - i);
        onProgress(done, total);
        await new Promise((r) => setTimeout(r, 0));
      }
      parts.push(']');
    });
    parts.push('}');
  });
  parts.push('}');
  onProgress(total, total);
  return parts;
}
