/**
 * One valibot schema per record, with the limits of lib/limits.ts: the message protocol
 * validates requests with them, the import validates files with them, and the options page's
 * forms check drafts with them (through lib/admin/workspace.ts) before sending. So a value the
 * form would refuse is refused by the protocol and by an import too, with the same words.
 *
 * Each record has its field rules once, in two envelopes: `…Input` (strict: what a page may send;
 * an unknown key is refused) and the stored record (loose: a field a later release adds survives
 * an export and import). Text is trimmed where the store trims it, colours are lower-cased.
 *
 * Messages are written for the admin reading them in a form; the import and the protocol put
 * the field's path in front (`ticketTypes[2].color: Choose a colour…`). Pure, and light enough
 * for any page: valibot and constants only.
 */
import * as v from 'valibot';
import { ATTRIBUTE_TYPE_LABELS, STATE_CATEGORIES, validateStates, type AttributeType } from './domain';
import { HELPDESK_IDS } from './helpdesk';
import { HEX_COLOR, LIMITS } from './limits';

const n = (x: number) => x.toLocaleString('en');
const oneOf = <const T extends readonly string[]>(options: T) => v.picklist(options, `expected one of: ${options.join(', ')}`);
const bool = v.boolean('expected true or false');

/** Text as stored: trimmed, at most `max` characters. */
function trimmed(max: number, tooLong: string) {
  return v.pipe(v.string('expected text'), v.trim(), v.maxLength(max, tooLong));
}

/** The same, and not empty. */
function required(max: number, tooLong: string, empty: string) {
  return v.pipe(v.string('expected text'), v.trim(), v.minLength(1, empty), v.maxLength(max, tooLong));
}

export const IdSchema = v.pipe(
  v.string('expected an id (text)'),
  v.minLength(1, 'expected a non-empty id'),
  v.maxLength(LIMITS.id, `expected an id of at most ${LIMITS.id} characters`),
);

// ----- ticket types ------------------------------------------------------------------------

export const TICKET_KINDS = ['backoffice', 'customer', 'tracker'] as const;
export const ATTRIBUTE_TYPES = Object.keys(ATTRIBUTE_TYPE_LABELS) as AttributeType[];

/** `#rrggbb`, stored in lower case. Nothing else ever reaches a style (see safeColor). */
export const ColorSchema = v.pipe(
  v.string('expected text'),
  v.trim(),
  v.toLowerCase(),
  v.regex(HEX_COLOR, 'Choose a colour (a value like #4f6bed).'),
);

export const IconSchema = v.pipe(
  v.string('expected text'),
  v.trim(),
  v.check((s) => [...s].length <= LIMITS.typeIcon, `Use a short icon: one emoji or up to ${LIMITS.typeIcon} characters.`),
);

const listItems = v.pipe(
  v.array(trimmed(LIMITS.listItem, `Keep list items to ${n(LIMITS.listItem)} characters or fewer.`), 'expected a list'),
  // A blank line in the form's list is no item.
  v.transform((items) => items.filter((s) => s.length > 0)),
  v.maxLength(LIMITS.listItems, `A list can have at most ${n(LIMITS.listItems)} items.`),
);

const attributeDefEntries = {
  id: IdSchema,
  name: required(LIMITS.attributeName, `Keep attribute names to ${LIMITS.attributeName} characters or fewer.`, 'Every attribute needs a name.'),
  type: oneOf(ATTRIBUTE_TYPES),
  required: bool,
  options: v.optional(listItems),
  archived: v.optional(bool),
};
export const AttributeDefInput = v.strictObject(attributeDefEntries, 'expected an attribute (an object)');
export const AttributeDefSchema = v.looseObject(attributeDefEntries, 'expected an attribute (an object)');

const stateDefEntries = {
  id: IdSchema,
  label: required(LIMITS.stateLabel, `Keep state labels to ${LIMITS.stateLabel} characters or fewer.`, 'Every state needs a label.'),
  category: oneOf(STATE_CATEGORIES),
};
export const StateDefInput = v.strictObject(stateDefEntries, 'expected a state (an object)');
export const StateDefSchema = v.looseObject(stateDefEntries, 'expected a state (an object)');

const ticketTypeEntries = <A extends v.GenericSchema, S extends v.GenericSchema>(attribute: A, state: S) => ({
  name: required(LIMITS.typeName, `Keep the ticket type’s name to ${LIMITS.typeName} characters or fewer.`, 'Give the ticket type a name.'),
  category: oneOf(TICKET_KINDS),
  icon: IconSchema,
  color: ColorSchema,
  attributes: v.pipe(v.array(attribute, 'expected a list'), v.maxLength(LIMITS.attributesPerType, `A ticket type can have at most ${LIMITS.attributesPerType} attributes.`)),
  states: v.pipe(v.array(state, 'expected a list'), v.maxLength(LIMITS.statesPerType, `A ticket type can have at most ${LIMITS.statesPerType} states.`)),
  archived: v.optional(bool),
});
/** A ticket type as the options page sends it (no id: a new type). */
export const TicketTypeInput = v.strictObject(
  { id: v.optional(IdSchema), ...ticketTypeEntries(AttributeDefInput, StateDefInput) },
  'expected a ticket type (an object)',
);
/** A ticket type as stored (and exported). */
export const TicketTypeSchema = v.looseObject({ id: IdSchema, ...ticketTypeEntries(AttributeDefSchema, StateDefSchema) }, 'expected an object');

/** A rule between the fields of one ticket type (see ticketTypeProblems). */
export type TypeRule = 'duplicate-id' | 'built-in-name' | 'duplicate-name' | 'no-list-items' | 'duplicate-list-item' | 'states' | 'duplicate-state-label';

/** Where a record breaks a rule, and why (path as in the record: ['attributes', 2, 'name']). */
export interface Problem {
  path: (string | number)[];
  message: string;
  /** The rule it breaks, for a form that says it in its own words. */
  rule?: TypeRule;
  /** For a name or label taken twice: where the record that has it first is. */
  other?: (string | number)[];
}

/** Labels of the fields every ticket has; a custom attribute must not take one (the panel labels fields by name). */
export const BUILT_IN_ATTRIBUTE_NAMES = ['Title', 'Ticket ID', 'User', 'Company', 'Sharing behavior', 'Description', 'Assignee', 'Ticket type', 'Ticket state'];

type TicketTypeFields = v.InferOutput<typeof TicketTypeInput>;

/**
 * The rules between the fields of one ticket type that no field schema sees: attribute ids and
 * names unique (archived attributes may share a name), no attribute named like a built-in field,
 * list attributes with distinct items, at least one state of every category, state labels unique.
 * For a type that passed its schema: every problem, in the order of the type's fields (the second
 * of two records that clash is the one with the problem).
 */
export function ticketTypeProblems(t: Pick<TicketTypeFields, 'attributes' | 'states'>): Problem[] {
  const problems: Problem[] = [];
  const ids = new Set<string>();
  /** The first active attribute of each name (lower case). */
  const names = new Map<string, number>();
  for (const [j, a] of t.attributes.entries()) {
    if (ids.has(a.id)) problems.push({ path: ['attributes', j, 'id'], message: `Two attributes share the id “${a.id}”.`, rule: 'duplicate-id' });
    ids.add(a.id);
    const builtIn = BUILT_IN_ATTRIBUTE_NAMES.find((b) => b.toLowerCase() === a.name.toLowerCase());
    if (builtIn) {
      const message = `“${builtIn}” is already a field of every ticket; give the attribute another name.`;
      problems.push({ path: ['attributes', j, 'name'], message, rule: 'built-in-name' });
    }
    if (!a.archived) {
      const key = a.name.toLowerCase();
      const first = names.get(key);
      if (first === undefined) names.set(key, j);
      else {
        const message = `Two attributes are called “${a.name}”; give each a different name.`;
        problems.push({ path: ['attributes', j, 'name'], message, rule: 'duplicate-name', other: ['attributes', first, 'name'] });
      }
    }
    if (a.type === 'list') {
      const options = a.options ?? [];
      if (!options.length) problems.push({ path: ['attributes', j, 'options'], message: `Add at least one list item to “${a.name}”.`, rule: 'no-list-items' });
      const seen = new Set<string>();
      for (const [k, o] of options.entries()) {
        if (seen.has(o)) {
          problems.push({ path: ['attributes', j, 'options', k], message: `“${o}” is in the list of “${a.name}” twice.`, rule: 'duplicate-list-item' });
          break;
        }
        seen.add(o);
      }
    }
  }
  for (const message of validateStates(t.states)) problems.push({ path: ['states'], message, rule: 'states' });
  const labels = new Map<string, number>();
  for (const [k, s] of t.states.entries()) {
    const key = s.label.toLowerCase();
    const first = labels.get(key);
    if (first === undefined) labels.set(key, k);
    else {
      const message = `Two states are called “${s.label}”; give each a different label.`;
      problems.push({ path: ['states', k, 'label'], message, rule: 'duplicate-state-label', other: ['states', first, 'label'] });
    }
  }
  return problems;
}

/** The first of ticketTypeProblems, or null when the type keeps every rule. */
export function ticketTypeProblem(t: Pick<TicketTypeFields, 'attributes' | 'states'>): Problem | null {
  return ticketTypeProblems(t)[0] ?? null;
}

// ----- teammates ---------------------------------------------------------------------------

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const teammateEntries = {
  name: required(LIMITS.teammateName, `Keep names to ${LIMITS.teammateName} characters or fewer.`, 'Give the teammate or team a name.'),
  email: v.pipe(
    v.string('expected text'),
    v.trim(),
    v.maxLength(LIMITS.email, `Keep the email address to ${LIMITS.email} characters or fewer.`),
    v.check((s) => s === '' || EMAIL.test(s), (issue) => `“${String(issue.input)}” is not an email address. Leave it empty or enter one like alex@example.com.`),
  ),
  kind: oneOf(['person', 'team']),
};
/** A teammate or team as the options page sends it (no id: a new one). */
export const TeammateInput = v.strictObject({ id: v.optional(IdSchema), ...teammateEntries }, 'expected a teammate (an object)');
export const TeammateSchema = v.looseObject({ id: IdSchema, ...teammateEntries }, 'expected an object');

// ----- tickets -----------------------------------------------------------------------------

// The panel's own check (checkTitle) says the same.
export const TitleSchema = required(LIMITS.title, `Keep the title under ${LIMITS.title} characters.`, 'A ticket needs a title.');
export const DescriptionSchema = v.pipe(
  v.string('expected text'),
  v.maxLength(LIMITS.description, `The description is too long (limit ${n(LIMITS.description)} characters).`),
);
/** A ticket's User or Company. */
export const TicketFieldSchema = trimmed(LIMITS.ticketField, `Keep User and Company to ${n(LIMITS.ticketField)} characters or fewer.`);
export const AttributeValueSchema = v.union(
  [v.pipe(v.string(), v.maxLength(LIMITS.textareaValue, `Keep text to ${n(LIMITS.textareaValue)} characters or fewer.`)), v.number(), v.boolean(), v.null()],
  'expected text, a number, true/false or null',
);
export const AttributeValuesSchema = v.record(
  v.pipe(v.string('expected text'), v.maxLength(LIMITS.attributeKey, `expected an attribute id of at most ${LIMITS.attributeKey} characters`)),
  AttributeValueSchema,
  'expected an object of attribute values',
);
/** A note's text (trimmed; the store refuses an empty one with its own words). */
/** Why a conversation is linked: one line, trimmed, '' for none. */
export const LinkReasonSchema = v.pipe(
  v.string('expected text'),
  v.trim(),
  v.maxLength(LIMITS.linkReason, `Keep the reason under ${LIMITS.linkReason} characters.`),
);

export const NoteBodySchema = v.pipe(
  v.string('expected text'),
  v.trim(),
  v.maxLength(LIMITS.note, `This note is too long; the limit is ${n(LIMITS.note)} characters. Shorten it or split it into several notes.`),
);

// ----- connections -------------------------------------------------------------------------

/** A connection as the options page sends it: no id, a new one; a secret left empty on an edit, keep the saved one. */
export const ConnectionInput = v.strictObject(
  {
    id: v.optional(IdSchema),
    helpdesk: oneOf(HELPDESK_IDS),
    baseUrl: trimmed(LIMITS.baseUrl, `Keep the base URL to ${LIMITS.baseUrl} characters or fewer.`),
    account: v.optional(trimmed(LIMITS.accountId, `Keep the account ID to ${LIMITS.accountId} characters or fewer.`)),
    credentials: v.pipe(
      v.record(
        v.pipe(v.string(), v.regex(/^[a-zA-Z]{1,40}$/, 'expected the name of a credential field')),
        trimmed(LIMITS.token, `A credential is longer than ${n(LIMITS.token)} characters; copy it again from the helpdesk.`),
      ),
      v.check((c) => Object.keys(c).length <= 10, 'expected at most 10 credential fields'),
    ),
    label: v.optional(trimmed(LIMITS.connectionLabel, `Keep the label to ${LIMITS.connectionLabel} characters or fewer.`)),
  },
  'expected a connection (an object)',
);

// ----- reading issues ----------------------------------------------------------------------

/** Turns a valibot issue path into `attributes[2].name`. */
export function issuePath(path: v.IssuePathItem[] | undefined): string {
  let out = '';
  for (const item of path ?? []) {
    const key = item.key;
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

/** Same for a Problem's path. */
export function problemPath(path: Problem['path']): string {
  return path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i ? `.${k}` : k)).join('');
}
