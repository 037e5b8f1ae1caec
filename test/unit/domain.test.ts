import { describe, expect, it } from 'vitest';
import { checkNote, checkTitle, coerceAttribute, DEFAULT_STATES, DEFAULT_TICKET_TYPES, findState, formatAttribute, formatTicketNumber, initialState, MAX_NOTE_LENGTH, MAX_TITLE_LENGTH, parseTicketNumber, validateAttributes, validateStates, type AttributeDef, type StateDef } from '../../lib/model/domain';

const def = (type: AttributeDef['type'], extra: Partial<AttributeDef> = {}): AttributeDef => ({
  id: `attr-${type}`,
  name: `My ${type}`,
  type,
  required: false,
  ...extra,
});

function ok(d: AttributeDef, raw: unknown) {
  const r = coerceAttribute(d, raw);
  if ('error' in r) throw new Error(`expected ${JSON.stringify(raw)} to be accepted, got: ${r.error}`);
  return r.value;
}
function bad(d: AttributeDef, raw: unknown): string {
  const r = coerceAttribute(d, raw);
  if (!('error' in r)) throw new Error(`expected ${JSON.stringify(raw)} to be refused, got ${JSON.stringify(r.value)}`);
  expect(r.error).toContain(d.name);
  return r.error;
}

describe('checkNote', () => {
  it('refuses empty and whitespace-only notes', () => {
    for (const body of ['', '   ', '\n\t \n']) {
      const r = checkNote(body);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatch(/Write something/);
    }
  });

  it('trims what it keeps', () => {
    expect(checkNote('  Called the bank.\n')).toEqual({ ok: true, body: 'Called the bank.' });
  });

  it('accepts exactly the limit and refuses one more, saying how long the note is', () => {
    expect(checkNote('a'.repeat(MAX_NOTE_LENGTH))).toEqual({ ok: true, body: 'a'.repeat(MAX_NOTE_LENGTH) });
    expect(checkNote(`  ${'a'.repeat(MAX_NOTE_LENGTH)}  `).ok).toBe(true);
    const r = checkNote('a'.repeat(MAX_NOTE_LENGTH + 1));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toContain('50,001');
      expect(r.error).toContain('50,000');
    }
  });
});

describe('checkTitle', () => {
  it('needs a non-blank title', () => {
    expect(checkTitle('')).toBe('A ticket needs a title.');
    expect(checkTitle('  \t ')).toBe('A ticket needs a title.');
  });

  it('accepts up to the limit after trimming and refuses longer titles', () => {
    expect(checkTitle('Refund stuck')).toBeNull();
    expect(checkTitle('t'.repeat(MAX_TITLE_LENGTH))).toBeNull();
    expect(checkTitle(` ${'t'.repeat(MAX_TITLE_LENGTH)} `)).toBeNull();
    expect(checkTitle('t'.repeat(MAX_TITLE_LENGTH + 1))).toMatch(/under 300/);
  });
});

describe('coerceAttribute', () => {
  it('treats null, undefined and the empty string as no value, for every type', () => {
    for (const type of ['text', 'textarea', 'list', 'number', 'decimal', 'boolean', 'datetime'] as const) {
      for (const raw of [null, undefined, '']) expect(coerceAttribute(def(type), raw)).toEqual({ value: null });
    }
  });

  it('text: strings up to 1,000 characters', () => {
    const d = def('text');
    expect(ok(d, 'INV-2024-001')).toBe('INV-2024-001');
    expect(ok(d, 'x'.repeat(1000))).toHaveLength(1000);
    expect(bad(d, 'x'.repeat(1001))).toMatch(/too long.*1,000/);
    expect(bad(d, 42)).toBe('My text must be text.');
    expect(bad(d, true)).toBe('My text must be text.');
  });

  it('textarea: strings up to 20,000 characters', () => {
    const d = def('textarea');
    expect(ok(d, 'line 1\nline 2')).toBe('line 1\nline 2');
    expect(ok(d, 'x'.repeat(20_000))).toHaveLength(20_000);
    expect(bad(d, 'x'.repeat(20_001))).toMatch(/too long.*20,000/);
    expect(bad(d, { html: '<b>' })).toMatch(/must be text/);
  });

  it('list: one of the options, exactly', () => {
    const d = def('list', { options: ['Low', 'High'] });
    expect(ok(d, 'High')).toBe('High');
    expect(bad(d, 'high')).toBe('My list must be one of: Low, High.');
    expect(bad(d, 'Medium')).toMatch(/one of/);
    expect(bad(def('list'), 'Anything')).toMatch(/My list must be one of/);
  });

  it('number: whole numbers from numbers or digit strings', () => {
    const d = def('number');
    expect(ok(d, 12)).toBe(12);
    expect(ok(d, ' 42 ')).toBe(42);
    expect(ok(d, '-3')).toBe(-3);
    expect(ok(d, 0)).toBe(0);
    for (const raw of ['1.5', 1.5, 'abc', '12abc', Number.NaN, Infinity, 2 ** 60, true]) {
      expect(bad(d, raw)).toBe('My number must be a whole number.');
    }
  });

  // Bug: lib/domain.ts coerceAttribute, case 'number' (and 'decimal'): a blank-but-not-empty
  // string is trimmed to '' and Number('') is 0, so "   " is stored as 0 and even satisfies a
  // required attribute. Blank input should be "no value" like ''.
  it('number and decimal: a blank (whitespace-only) input is no value, not 0', () => {
    expect(coerceAttribute(def('number'), '   ')).toEqual({ value: null });
    expect(coerceAttribute(def('decimal'), ' \t')).toEqual({ value: null });
  });

  it('decimal: finite numbers, with a comma accepted as the decimal separator', () => {
    const d = def('decimal');
    expect(ok(d, 12.5)).toBe(12.5);
    expect(ok(d, '12,50')).toBe(12.5);
    expect(ok(d, ' 0.1 ')).toBe(0.1);
    expect(ok(d, '-7')).toBe(-7);
    for (const raw of ['twelve', '1,000.5', Infinity, Number.NaN, 'Infinity', false]) {
      expect(bad(d, raw)).toBe('My decimal must be a number.');
    }
  });

  it('boolean: booleans and yes/no/true/false strings only', () => {
    const d = def('boolean');
    expect(ok(d, true)).toBe(true);
    expect(ok(d, false)).toBe(false);
    expect(ok(d, 'yes')).toBe(true);
    expect(ok(d, 'true')).toBe(true);
    expect(ok(d, 'no')).toBe(false);
    expect(ok(d, 'false')).toBe(false);
    for (const raw of ['maybe', 1, 0, 'on']) expect(bad(d, raw)).toBe('My boolean must be yes or no.');
  });

  it('datetime: stored as an ISO timestamp', () => {
    const d = def('datetime');
    expect(ok(d, '2024-03-05T10:30:00Z')).toBe('2024-03-05T10:30:00.000Z');
    expect(ok(d, '2024-03-05T12:30:00+02:00')).toBe('2024-03-05T10:30:00.000Z');
    expect(ok(d, '2024-03-05')).toBe('2024-03-05T00:00:00.000Z');
    for (const raw of ['not a date', 'soon', '2024-13-45']) expect(bad(d, raw)).toBe('My datetime must be a date and time.');
  });

  // Bug: lib/domain.ts coerceAttribute, case 'datetime', relies on Date.parse, whose lenient
  // legacy parser (V8) turns "ASAP 5" into 2001-05-01, "1" into 2001-01-01 and rolls the
  // impossible "2024-02-30" over to 2024-03-01. The agent's text is silently stored as a wrong
  // date instead of getting "must be a date and time".
  it('datetime: refuses text that only looks like a date to a lenient parser, and impossible dates', () => {
    const d = def('datetime');
    for (const raw of ['ASAP 5', '1', '2024-02-30']) bad(d, raw);
  });
});

describe('validateAttributes', () => {
  const type = {
    attributes: [
      def('list', { id: 'sev', name: 'Severity', required: true, options: ['Low', 'High'] }),
      def('number', { id: 'users', name: 'Affected users' }),
      def('boolean', { id: 'reg', name: 'Regression' }),
      def('text', { id: 'old', name: 'Legacy code', archived: true }),
      def('text', { id: 'must-old', name: 'Old required', archived: true, required: true }),
    ],
  };

  it('coerces values and drops unknown keys', () => {
    const r = validateAttributes(type, { sev: 'High', users: '3', reg: 'no', hacker: 'x', __proto__: 'y' });
    expect(r.errors).toEqual({});
    expect(r.values).toEqual({ sev: 'High', users: 3, reg: false });
  });

  it('enforces required attributes with a message naming them', () => {
    expect(validateAttributes(type, {}).errors).toEqual({ sev: 'Severity is required.' });
    expect(validateAttributes(type, { sev: '' }).errors).toEqual({ sev: 'Severity is required.' });
    expect(validateAttributes(type, { sev: null }).errors).toEqual({ sev: 'Severity is required.' });
  });

  it('reports each bad value by attribute and keeps the good ones', () => {
    const r = validateAttributes(type, { sev: 'Extreme', users: 'lots', reg: true });
    expect(r.errors).toEqual({ sev: 'Severity must be one of: Low, High.', users: 'Affected users must be a whole number.' });
    expect(r.values).toEqual({ reg: true });
  });

  it('falls back to previous values for attributes not in the input, and clears with empty input', () => {
    const r = validateAttributes(type, { users: '' }, { sev: 'Low', users: 10, reg: true });
    expect(r.errors).toEqual({});
    expect(r.values).toEqual({ sev: 'Low', reg: true });
  });

  it('keeps archived attributes exactly as stored, ignores input for them and never requires them', () => {
    const r = validateAttributes(type, { sev: 'Low', old: 'overwritten?' }, { old: 'L-77' });
    expect(r.errors).toEqual({});
    expect(r.values).toEqual({ sev: 'Low', old: 'L-77' });
    expect(validateAttributes(type, { sev: 'Low', old: 'new' }).values).toEqual({ sev: 'Low' });
  });

  it('lets values of attributes removed from the type survive', () => {
    const r = validateAttributes(type, { sev: 'High' }, { sev: 'Low', removed: 'kept', removedFlag: false });
    expect(r.values).toEqual({ sev: 'High', removed: 'kept', removedFlag: false });
  });

  it('all default ticket types accept an empty form except where an attribute is required', () => {
    for (const t of DEFAULT_TICKET_TYPES) {
      const required = t.attributes.filter((a) => a.required).map((a) => a.id);
      expect(Object.keys(validateAttributes(t, {}).errors)).toEqual(required);
    }
  });
});

describe('validateStates', () => {
  it('accepts the default states', () => {
    expect(validateStates(DEFAULT_STATES)).toEqual([]);
  });

  it('needs a state in every category, naming the missing one', () => {
    const noWaiting = DEFAULT_STATES.filter((s) => s.category !== 'waiting');
    expect(validateStates(noWaiting)).toEqual(['Add at least one state for “Waiting on customer”.']);
    expect(validateStates([])).toHaveLength(4);
    const onlyResolved = validateStates([{ id: 'done', label: 'Done', category: 'resolved' }]);
    expect(onlyResolved.join(' ')).toContain('Submitted');
    expect(onlyResolved.join(' ')).toContain('In progress');
    expect(onlyResolved.join(' ')).not.toContain('Resolved');
  });

  it('refuses blank labels and duplicate ids', () => {
    const states: StateDef[] = [...DEFAULT_STATES, { id: 'submitted', label: '  ', category: 'submitted' }];
    const problems = validateStates(states);
    expect(problems).toContain('Every state needs a label.');
    expect(problems).toContain('State id “submitted” is used twice.');
  });
});

describe('initialState and findState', () => {
  it('starts a ticket in the first Submitted-category state, wherever it is listed', () => {
    expect(initialState({ states: [...DEFAULT_STATES] }).id).toBe('submitted');
    const custom: StateDef[] = [
      { id: 'doing', label: 'Doing', category: 'in_progress' },
      { id: 'triage', label: 'Triage', category: 'submitted' },
      { id: 'new', label: 'New', category: 'submitted' },
    ];
    expect(initialState({ states: custom }).id).toBe('triage');
  });

  it('falls back to the first state when none is in Submitted, and throws without states', () => {
    expect(initialState({ states: [{ id: 'x', label: 'X', category: 'resolved' }] }).id).toBe('x');
    expect(() => initialState({ states: [] })).toThrow(/no states/);
  });

  it('findState looks in the type, or in the default states without a type', () => {
    expect(findState(undefined, 'waiting')?.label).toBe('Waiting on customer');
    expect(findState({ states: [{ id: 'x', label: 'X', category: 'resolved' }] }, 'waiting')).toBeUndefined();
  });
});

describe('ticket numbers', () => {
  it.each([
    ['#123', 123],
    ['123', 123],
    ['  #7 ', 7],
    ['#000042', 42],
    ['999999999', 999_999_999],
  ])('parses %j', (text, n) => {
    expect(parseTicketNumber(text)).toBe(n);
  });

  it.each(['', '#', 'abc', '#12a', '12 34', '# 12', '-5', '1.5', '##1', '1234567890', 'ticket 5'])('does not parse %j', (text) => {
    expect(parseTicketNumber(text)).toBeNull();
  });

  it('formats as #N', () => {
    expect(formatTicketNumber(15)).toBe('#15');
  });
});

describe('formatAttribute', () => {
  it('shows a dash for no value', () => {
    for (const v of [null, undefined, '']) expect(formatAttribute(def('text'), v)).toBe('—');
  });

  it('shows Yes/No for booleans, including false', () => {
    expect(formatAttribute(def('boolean'), true)).toBe('Yes');
    expect(formatAttribute(def('boolean'), false)).toBe('No');
  });

  it('shows numbers as they are, including 0', () => {
    expect(formatAttribute(def('number'), 0)).toBe('0');
    expect(formatAttribute(def('decimal'), 12.5)).toBe('12.5');
    expect(formatAttribute(def('list', { options: ['Low'] }), 'Low')).toBe('Low');
  });

  it('shows dates in local form, and odd stored text as is', () => {
    const iso = '2024-03-05T10:30:00.000Z';
    expect(formatAttribute(def('datetime'), iso)).toBe(new Date(iso).toLocaleString());
    expect(formatAttribute(def('datetime'), 'sometime')).toBe('sometime');
  });
});
