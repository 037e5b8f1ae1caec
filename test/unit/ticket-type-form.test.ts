/**
 * The options page's attribute form (inside the ticket type form) puts one attribute into a
 * type with the rules a saved type keeps (lib/model/admin.ts placeAttribute over the schemas and
 * ticketTypeProblems), worded for that form.
 */
import { describe, expect, it } from 'vitest';
import { placeAttribute, type AttributeForm } from '../../lib/model/admin';
import type { AttributeDef } from '../../lib/model/domain';
import { ticketTypeProblem, ticketTypeProblems } from '../../lib/model/schemas';
import { DEFAULT_STATES } from '../../lib/model/domain';

const severity: AttributeDef = { id: 'sev', name: 'Severity', type: 'list', required: true, options: ['Low', 'High'] };
const order: AttributeDef = { id: 'ord', name: 'Order number', type: 'text', required: false };
const oldDevice: AttributeDef = { id: 'dev', name: 'Device', type: 'text', required: false, archived: true };
const attributes = [severity, order, oldDevice];
const form = (fields: Partial<AttributeForm>): AttributeForm => ({ name: '', type: 'text', required: false, items: '', ...fields });
const problem = (r: ReturnType<typeof placeAttribute>) => (r.ok ? null : { message: r.message, field: r.field });

describe('placing the attribute form’s attribute', () => {
  it('adds a new one at the end with a fresh id, trimmed, with its list items once each and no blank ones', () => {
    const r = placeAttribute(attributes, null, form({ name: '  Device ', type: 'list', required: true, items: 'Laptop\n\n Phone \nLaptop\nTablet' }));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.attributes.slice(0, 3)).toEqual(attributes);
    const added = r.attributes[3]!;
    expect(added).toMatchObject({ name: 'Device', type: 'list', required: true, options: ['Laptop', 'Phone', 'Tablet'] });
    expect(added.id).not.toMatch(/^(sev|ord|dev)$/);
  });

  it('replaces the edited one in place and keeps its id; a type without a list keeps no items', () => {
    const r = placeAttribute(attributes, 1, form({ name: 'Order ID', type: 'number', items: 'left over' }));
    expect(r).toEqual({ ok: true, attributes: [severity, { id: 'ord', name: 'Order ID', type: 'number', required: false }, oldDevice] });
  });

  it('asks for a name, and for list items, in the form’s words', () => {
    expect(problem(placeAttribute(attributes, null, form({ name: '   ' })))).toEqual({ message: 'Give the attribute a name.', field: 'name' });
    expect(problem(placeAttribute(attributes, null, form({ name: 'Device', type: 'list', items: ' \n ' })))).toEqual({
      message: 'Add at least one list item to “Device” (one per line).',
      field: 'items',
    });
  });

  it('refuses a name another active attribute has (any case), naming that one; an archived one’s name is free', () => {
    expect(problem(placeAttribute(attributes, null, form({ name: 'order NUMBER' })))).toEqual({ message: 'There is already an attribute called “Order number”.', field: 'name' });
    // Editing the first attribute into the name of a later one: the later one is named.
    expect(problem(placeAttribute(attributes, 0, form({ name: 'ORDER number' })))).toEqual({ message: 'There is already an attribute called “Order number”.', field: 'name' });
    // Keeping its own name is no clash.
    expect(placeAttribute(attributes, 1, form({ name: 'Order number' })).ok).toBe(true);
    expect(placeAttribute(attributes, null, form({ name: 'Device' })).ok).toBe(true);
  });

  it('says what the saved type would refuse: the name of a field every ticket has, a list item too long', () => {
    expect(problem(placeAttribute(attributes, null, form({ name: 'company' })))).toEqual({
      message: '“Company” is already a field of every ticket; give the attribute another name.',
      field: 'name',
    });
    const long = problem(placeAttribute(attributes, null, form({ name: 'Model', type: 'list', items: 'x'.repeat(1000) })));
    expect(long?.field).toBe('items');
    expect(long?.message).toMatch(/^Keep list items to .* characters or fewer\.$/);
  });

  it('keeps the type of an attribute that tickets hold values for', () => {
    expect(problem(placeAttribute(attributes, 1, form({ name: 'Order number', type: 'number' }), 3))).toEqual({
      message: '3 tickets have a value for “Order number”, so its type cannot change. Add a new attribute instead.',
      field: 'type',
    });
    expect(problem(placeAttribute(attributes, 1, form({ name: 'Order number', type: 'number' }), 1))?.message).toMatch(/^1 ticket has a value/);
    // Its name and whether it is required may change.
    expect(placeAttribute(attributes, 1, form({ name: 'Order', required: true }), 3).ok).toBe(true);
  });
});

describe('the rules between a type’s fields', () => {
  it('lists every problem in field order, the first being what ticketTypeProblem reports', () => {
    const type = {
      attributes: [order, { ...order, id: 'o2', name: 'ORDER NUMBER' }, { id: 'l', name: 'Title', type: 'list' as const, required: false, options: [] }],
      states: DEFAULT_STATES.filter((s) => s.category !== 'resolved'),
    };
    const problems = ticketTypeProblems(type);
    expect(problems.map((p) => p.rule)).toEqual(['duplicate-name', 'built-in-name', 'no-list-items', 'states']);
    expect(problems[0]).toMatchObject({ path: ['attributes', 1, 'name'], other: ['attributes', 0, 'name'] });
    expect(ticketTypeProblem(type)).toEqual(problems[0]);
    expect(ticketTypeProblem({ attributes, states: [...DEFAULT_STATES] })).toBeNull();
  });
});
