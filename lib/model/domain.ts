/**
 * Backline's domain: ticket kinds, states, attribute definitions and the rules that govern
 * them. Pure functions only, so every rule is testable without a browser.
 */
import { LIMITS } from './limits';

export type TicketKind = 'backoffice' | 'customer' | 'tracker';
export const TICKET_KIND_LABELS: Record<TicketKind, string> = {
  backoffice: 'Back-office ticket',
  customer: 'Customer ticket',
  tracker: 'Tracker ticket',
};

/** Every custom state belongs to one of the four built-in categories. */
export type StateCategory = 'submitted' | 'in_progress' | 'waiting' | 'resolved';
export const STATE_CATEGORIES: readonly StateCategory[] = ['submitted', 'in_progress', 'waiting', 'resolved'];

export interface StateDef {
  id: string;
  label: string;
  category: StateCategory;
}

export const DEFAULT_STATES: readonly StateDef[] = [
  { id: 'submitted', label: 'Submitted', category: 'submitted' },
  { id: 'in_progress', label: 'In progress', category: 'in_progress' },
  { id: 'waiting', label: 'Waiting on customer', category: 'waiting' },
  { id: 'resolved', label: 'Resolved', category: 'resolved' },
];

export type AttributeType = 'text' | 'textarea' | 'list' | 'number' | 'decimal' | 'boolean' | 'datetime';
export const ATTRIBUTE_TYPE_LABELS: Record<AttributeType, string> = {
  text: 'Text',
  textarea: 'Multi-line text',
  list: 'List',
  number: 'Number',
  decimal: 'Decimal',
  boolean: 'Yes/No',
  datetime: 'Date and time',
};

export interface AttributeDef {
  id: string;
  name: string;
  type: AttributeType;
  required: boolean;
  /** Choices of a list attribute. */
  options?: string[];
  /** Removed by an admin while tickets still hold values: hidden from forms, values kept. */
  archived?: boolean;
}

export type AttributeValue = string | number | boolean | null;

export interface TicketType {
  id: string;
  name: string;
  category: TicketKind;
  icon: string;
  color: string;
  attributes: AttributeDef[];
  states: StateDef[];
  archived?: boolean;
}

export type SharingBehavior = 'internal' | 'shared';
export const SHARING_LABELS: Record<SharingBehavior, string> = {
  internal: 'Internal only',
  shared: 'Shared with customer',
};

export interface Ticket {
  id: string;
  /** Short sequential display number, shown as #123. */
  number: number;
  kind: TicketKind;
  typeId: string;
  title: string;
  /** Rich text (HTML); sanitised wherever it is rendered. */
  description: string;
  user: string;
  company: string;
  sharing: SharingBehavior;
  stateId: string;
  assigneeId: string | null;
  attributes: Record<string, AttributeValue>;
  createdAt: number;
  updatedAt: number;
  createdBy: string;
  /** Bumped by every write; updates carry the version they were made against. */
  version: number;
}

export const MAX_TITLE_LENGTH = LIMITS.title;
/** Notes beyond this many characters are refused (about 20 printed pages). */
export const MAX_NOTE_LENGTH = LIMITS.note;
export const MAX_DESCRIPTION_LENGTH = LIMITS.description;

export function formatTicketNumber(n: number): string {
  return `#${n}`;
}

/** Parses "#123", "123" → 123; anything else → null. */
export function parseTicketNumber(text: string): number | null {
  const m = /^\s*#?(\d{1,9})\s*$/.exec(text);
  return m ? Number(m[1]) : null;
}

export function findState(type: Pick<TicketType, 'states'> | undefined, stateId: string): StateDef | undefined {
  return (type?.states ?? DEFAULT_STATES).find((s) => s.id === stateId);
}

export function initialState(type: Pick<TicketType, 'states'>): StateDef {
  const first = type.states.find((s) => s.category === 'submitted') ?? type.states[0];
  if (!first) throw new Error('This ticket type has no states.');
  return first;
}

/** A ticket type needs at least one state of every category. Returns problems, empty if valid. */
export function validateStates(states: readonly StateDef[]): string[] {
  const problems: string[] = [];
  for (const category of STATE_CATEGORIES) {
    if (!states.some((s) => s.category === category)) {
      problems.push(`Add at least one state for “${DEFAULT_STATES.find((d) => d.category === category)!.label}”.`);
    }
  }
  const ids = new Set<string>();
  for (const s of states) {
    if (!s.label.trim()) problems.push('Every state needs a label.');
    if (ids.has(s.id)) problems.push(`State id “${s.id}” is used twice.`);
    ids.add(s.id);
  }
  return problems;
}

export type NoteCheck = { ok: true; body: string } | { ok: false; error: string };

/** Notes are internal, never empty, and bounded so one paste cannot bloat every tab. */
export function checkNote(body: string): NoteCheck {
  const trimmed = body.trim();
  if (!trimmed) return { ok: false, error: 'Write something before adding a note.' };
  if (trimmed.length > MAX_NOTE_LENGTH) {
    return {
      ok: false,
      error: `This note is ${trimmed.length.toLocaleString('en')} characters; the limit is ${MAX_NOTE_LENGTH.toLocaleString('en')}. Shorten it or split it into several notes.`,
    };
  }
  return { ok: true, body: trimmed };
}

export function checkTitle(title: string): string | null {
  const t = title.trim();
  if (!t) return 'A ticket needs a title.';
  if (t.length > MAX_TITLE_LENGTH) return `Keep the title under ${MAX_TITLE_LENGTH} characters.`;
  return null;
}

/**
 * Turns raw input into a typed attribute value. Form controls give strings; the store keeps
 * numbers, booleans and ISO dates so that exports and filters are meaningful.
 */
export function coerceAttribute(def: AttributeDef, raw: unknown): { value: AttributeValue } | { error: string } {
  const name = def.name;
  // A blank field is "no value" (never 0 for numbers, never a whitespace-only text).
  if (raw === null || raw === undefined || (typeof raw === 'string' && raw.trim() === '')) return { value: null };
  switch (def.type) {
    case 'text':
    case 'textarea': {
      if (typeof raw !== 'string') return { error: `${name} must be text.` };
      const limit = def.type === 'text' ? LIMITS.textValue : LIMITS.textareaValue;
      if (raw.length > limit) return { error: `${name} is too long (limit ${limit.toLocaleString('en')} characters).` };
      return { value: raw };
    }
    case 'list': {
      const v = String(raw);
      if (!(def.options ?? []).includes(v)) return { error: `${name} must be one of: ${(def.options ?? []).join(', ')}.` };
      return { value: v };
    }
    case 'number': {
      const text = String(raw).trim();
      // Plain decimal digits only: Number() would also take "0x10" and "1e3".
      if (typeof raw !== 'number' && !/^[-+]?\d+$/.test(text)) return { error: `${name} must be a whole number.` };
      const n = typeof raw === 'number' ? raw : Number(text);
      if (!Number.isInteger(n) || !Number.isSafeInteger(n)) return { error: `${name} must be a whole number.` };
      return { value: n };
    }
    case 'decimal': {
      const text = String(raw).trim().replace(',', '.');
      if (typeof raw !== 'number' && !/^[-+]?(\d+\.?\d*|\.\d+)$/.test(text)) return { error: `${name} must be a number.` };
      const n = typeof raw === 'number' ? raw : Number(text);
      if (!Number.isFinite(n)) return { error: `${name} must be a number.` };
      return { value: n };
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return { value: raw };
      if (raw === 'true' || raw === 'yes') return { value: true };
      if (raw === 'false' || raw === 'no') return { value: false };
      return { error: `${name} must be yes or no.` };
    }
    case 'datetime': {
      // ISO 8601 only: Date.parse is lenient ("ASAP 5" → 2001) and rolls impossible days over.
      const s = String(raw).trim();
      const m = /^(\d{4})-(\d{2})-(\d{2})(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/.exec(s);
      const t = m ? Date.parse(m[4] ? s : `${s}T00:00:00Z`) : NaN;
      if (!m || Number.isNaN(t)) return { error: `${name} must be a date and time.` };
      const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
      const check = new Date(Date.UTC(y, mo - 1, d));
      if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) {
        return { error: `${name} must be a real date.` };
      }
      return { value: new Date(t).toISOString() };
    }
  }
}

/**
 * Validates a whole attribute map against a type: coerces values, drops unknown keys and
 * enforces required attributes. Archived attributes keep their stored values untouched.
 */
export function validateAttributes(
  type: Pick<TicketType, 'attributes'>,
  input: Record<string, unknown>,
  previous: Record<string, AttributeValue> = {},
): { values: Record<string, AttributeValue>; errors: Record<string, string> } {
  const values: Record<string, AttributeValue> = {};
  const errors: Record<string, string> = {};
  for (const def of type.attributes) {
    if (def.archived) {
      if (def.id in previous) values[def.id] = previous[def.id]!;
      continue;
    }
    const raw = def.id in input ? input[def.id] : previous[def.id];
    const result = coerceAttribute(def, raw);
    if ('error' in result) {
      errors[def.id] = result.error;
      continue;
    }
    if (def.required && (result.value === null || result.value === '')) {
      errors[def.id] = `${def.name} is required.`;
      continue;
    }
    if (result.value !== null) values[def.id] = result.value;
  }
  // Values of attributes no longer in the type (removed by an admin) survive in the record.
  for (const [k, v] of Object.entries(previous)) if (!(k in values) && !type.attributes.some((a) => a.id === k)) values[k] = v;
  return { values, errors };
}

/** Renders an attribute value for display. */
export function formatAttribute(def: AttributeDef, value: AttributeValue | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  if (def.type === 'boolean') return value ? 'Yes' : 'No';
  if (def.type === 'datetime' && typeof value === 'string') {
    const d = new Date(value);
    return Number.isNaN(d.getTime()) ? String(value) : d.toLocaleString();
  }
  return String(value);
}

/** The ticket types a new store starts with, so every part of the panel is usable at once. */
export const DEFAULT_TICKET_TYPES: readonly TicketType[] = [
  {
    id: 'type-general',
    name: 'General back-office',
    category: 'backoffice',
    icon: '🗂',
    color: '#4f6bed',
    states: [...DEFAULT_STATES],
    attributes: [],
  },
  {
    id: 'type-bug',
    name: 'Bug report',
    category: 'backoffice',
    icon: '🐞',
    color: '#d9534f',
    states: [...DEFAULT_STATES],
    attributes: [
      { id: 'attr-severity', name: 'Severity', type: 'list', required: true, options: ['Low', 'Medium', 'High', 'Critical'] },
      { id: 'attr-steps', name: 'Steps to reproduce', type: 'textarea', required: false },
      { id: 'attr-affected-users', name: 'Affected users', type: 'number', required: false },
      { id: 'attr-regression', name: 'Regression', type: 'boolean', required: false },
      { id: 'attr-first-seen', name: 'First seen', type: 'datetime', required: false },
    ],
  },
  {
    id: 'type-billing',
    name: 'Billing',
    category: 'backoffice',
    icon: '💳',
    color: '#2e9d6a',
    states: [...DEFAULT_STATES],
    attributes: [
      { id: 'attr-invoice', name: 'Invoice number', type: 'text', required: false },
      { id: 'attr-amount', name: 'Refund amount', type: 'decimal', required: false },
      { id: 'attr-reason', name: 'Reason', type: 'list', required: false, options: ['Duplicate charge', 'Downgrade', 'Goodwill', 'Other'] },
    ],
  },
  {
    id: 'type-tracker',
    name: 'Tracker',
    category: 'tracker',
    icon: '📌',
    color: '#b76e00',
    states: [...DEFAULT_STATES],
    attributes: [],
  },
];
