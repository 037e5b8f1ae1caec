/**
 * One describer for activity items (lib/model/activity.ts), read in two places: a line in the
 * lists ("last update", naming who) and the ticket's Activity timeline (under a heading that
 * names who, with state labels stressed and a note's words as its own paragraph).
 */
import { describe, expect, it } from 'vitest';
import { activityText, describeActivity, describeActivityParts } from '../../lib/model/activity';
import { DEFAULT_STATES, type TicketType } from '../../lib/model/domain';
import type { ActivityRecord } from '../../lib/model/records';

const type: Pick<TicketType, 'states'> = { states: [...DEFAULT_STATES, { id: 'blocked', label: 'Blocked on vendor', category: 'in_progress' }] };
const people = new Map([
  ['alice', 'Alice'],
  ['bob', 'Bob'],
]);
const base = { id: 'a1', ticketId: 't1', actorId: 'alice', at: 0 };
const item = (fields: Record<string, unknown>) => ({ ...base, ...fields }) as ActivityRecord;
const line = (a: ActivityRecord) => describeActivity(a, type as TicketType, people);
const timeline = (a: ActivityRecord) => activityText(describeActivityParts(a, type, people, 'timeline'));

describe('describing activity', () => {
  it('says each kind of item as a line and as a timeline item', () => {
    const cases: [ActivityRecord, string, string][] = [
      [item({ type: 'created' }), 'Created by Alice', 'Created the ticket'],
      [item({ type: 'note', body: 'Refund issued.', crossPosted: false }), 'Note: Refund issued.', 'Refund issued.'],
      [item({ type: 'note', body: 'Refund issued.', crossPosted: true }), 'Cross-posted note: Refund issued.', 'Refund issued.'],
      [item({ type: 'state', from: 'submitted', to: 'blocked', reopens: true }), 'Alice changed state to Blocked on vendor', 'Changed state from Submitted to Blocked on vendor'],
      [
        item({ type: 'state', from: 'blocked', to: 'resolved', reopens: false }),
        'Alice changed state to Resolved',
        'Changed state from Blocked on vendor to Resolved (linked conversations not reopened)',
      ],
      [item({ type: 'attribute', field: 'title', label: 'Title', from: 'Old', to: 'New' }), 'Alice changed Title', 'Changed Title from “Old” to “New”'],
      [item({ type: 'attribute', field: 'user', label: 'User', from: '', to: 'Dana' }), 'Alice changed User', 'Changed User to “Dana”'],
      [item({ type: 'attribute', field: 'dev', label: 'Device', from: '—', to: '' }), 'Alice changed Device', 'Changed Device to “—”'],
      [item({ type: 'attribute', field: 'description', label: 'Description', from: 'a', to: 'b' }), 'Alice changed Description', 'Edited the description'],
      [item({ type: 'assignment', from: null, to: 'bob' }), 'Alice assigned Bob', 'Assigned to Bob'],
      [item({ type: 'assignment', from: null, to: 'gone' }), 'Alice assigned someone', 'Assigned to someone'],
      [item({ type: 'assignment', from: 'bob', to: null }), 'Alice removed the assignee', 'Removed the assignee'],
      [item({ type: 'link', conversationKey: 'k', title: 'Chatwoot conversation #3' }), 'Linked to Chatwoot conversation #3', 'Linked Chatwoot conversation #3'],
      [item({ type: 'unlink', conversationKey: 'k', title: '' }), 'Unlinked from a conversation', 'Unlinked a conversation'],
    ];
    for (const [a, asLine, asTimeline] of cases) {
      expect(line(a)).toBe(asLine);
      expect(timeline(a)).toBe(asTimeline);
    }
  });

  it('names an unknown teammate "Someone", and cuts a long note to 140 characters in a line only', () => {
    const note = item({ type: 'note', body: 'x'.repeat(300), crossPosted: false, actorId: 'gone' });
    expect(line(item({ type: 'created', actorId: 'gone' }))).toBe('Created by Someone');
    expect(line(note)).toBe(`Note: ${'x'.repeat(140)}`);
    expect(describeActivityParts(note, type, people, 'timeline')).toEqual([{ note: 'x'.repeat(300) }]);
  });

  it('says what became of a change’s effects: each one up to six, counted above that', () => {
    const outcome = (i: number, fields: Record<string, unknown> = {}) => ({
      effectId: `e${i}`,
      sourceActivityId: 's1',
      conversationKey: `chatwoot:https://x:1:${i}`,
      label: `Chatwoot #${i}`,
      kind: 'note',
      outcome: 'delivered',
      detail: '',
      ...fields,
    });
    const two = item({ type: 'deliveries', sourceActivityId: 's1', outcomes: [outcome(1), outcome(2, { kind: 'reopen', outcome: 'skipped', detail: 'Already open' })] });
    expect(timeline(two)).toBe('Internal note in Chatwoot #1: delivered; Reopen in Chatwoot #2: not needed, already open');
    const many = Array.from({ length: 50 }, (_, i) => [outcome(i), outcome(i, { kind: 'reopen', effectId: `r${i}`, outcome: i < 2 ? 'failed' : 'delivered', detail: i < 2 ? 'Chatwoot refused it (422).' : '' })]).flat();
    const fifty = item({ type: 'deliveries', sourceActivityId: 's1', outcomes: many });
    expect(describeActivityParts(fifty, type, people, 'timeline')).toEqual(['Outcomes in 50 linked conversations: ', { strong: 'delivered 98 · failed 2' }]);
    expect(line(fifty)).toBe('Outcomes in 50 linked conversations: delivered 98 · failed 2');
    // One outcome, as Backline recorded it before outcomes were gathered.
    expect(timeline(item({ type: 'delivery', ...outcome(3, { outcome: 'failed', detail: 'Chatwoot refused it (422).' }) }))).toBe('Internal note in Chatwoot #3: failed (Chatwoot refused it (422).)');
  });

  it('marks the state labels the timeline stresses', () => {
    const change = item({ type: 'state', from: 'submitted', to: 'resolved', reopens: true });
    expect(describeActivityParts(change, type, people, 'timeline')).toEqual(['Changed state from ', { strong: 'Submitted' }, ' to ', { strong: 'Resolved' }]);
  });

  it('shows a state the type does not have by its id', () => {
    const change = item({ type: 'state', from: 'submitted', to: 'state-gone', reopens: true });
    expect(line(change)).toBe('Alice changed state to state-gone');
  });
});
