/** The small text helpers of the Zammad, FreeScout, Gorgias and HubSpot connectors. */
import { describe, expect, it } from 'vitest';
import { noteMarker } from '../../lib/connectors';
import { parseAddress, withoutMarker } from '../../lib/connectors/note-text';

describe('parseAddress', () => {
  it('reads the forms a From line takes', () => {
    expect(parseAddress('Grace Hopper <grace@example.com>')).toEqual({ name: 'Grace Hopper', email: 'grace@example.com' });
    expect(parseAddress('"Hopper, Grace" <grace@example.com>')).toEqual({ name: 'Hopper, Grace', email: 'grace@example.com' });
    expect(parseAddress('<grace@example.com>')).toEqual({ name: '', email: 'grace@example.com' });
    expect(parseAddress(' grace@example.com ')).toEqual({ name: '', email: 'grace@example.com' });
    expect(parseAddress('Priya Shah')).toEqual({ name: 'Priya Shah', email: '' });
    expect(parseAddress('')).toEqual({ name: '', email: '' });
  });
});

describe('withoutMarker', () => {
  it('drops Backline’s marker at the end of a note, and only there', () => {
    expect(withoutMarker(`Refund approved.\n\n${noteMarker('abc_123-XYZ')}`)).toBe('Refund approved.');
    expect(withoutMarker(`Refund approved.\n${noteMarker('k')}  \n`)).toBe('Refund approved.');
    const quoted = `As ${noteMarker('k')} said: done.`;
    expect(withoutMarker(quoted)).toBe(quoted);
  });
});
