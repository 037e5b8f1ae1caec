import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setFallbackCatalogue } from '../../components/common/i18n';
import { describeSpread } from '../../components/panel/spreadWords';
import { DAY_MS, needsConfirmation, reopenDecision, reopenRuleStates, spreadPreview, type KnownConversation, type ReopenRules } from '../../lib/model/spread';
import { nextClosedSince, stateChangeChoices } from '../../lib/store/propagation';

const NOW = Date.UTC(2026, 11, 2, 12);
const rules = (r: Partial<ReopenRules> = {}): ReopenRules => ({ preventReopen: false, noReopenStates: [], reopenMaxAgeDays: 0, ...r });
const conv = (status: KnownConversation['status'], closedDaysAgo: number | null = null, key = 'k'): KnownConversation => ({
  conversationKey: key,
  status,
  closedSince: closedDaysAgo === null ? null : NOW - closedDaysAgo * DAY_MS,
});

describe('reopenDecision: workspace switch × per-state rule × age × tracker choice', () => {
  // Every combination: switch on/off, state ruled out or not, conversation too old or not,
  // back-office ticket or tracker ticket whose agent chose to reopen or not.
  const cases: [boolean, boolean, boolean, boolean | undefined, string][] = [];
  for (const prevent of [false, true])
    for (const ruledOut of [false, true])
      for (const old of [false, true])
        for (const tracker of [undefined, true, false]) {
          let expected: string;
          if (tracker === undefined) expected = prevent ? 'prevented' : ruledOut ? 'state-rule' : old ? 'too-old' : 'reopen';
          else expected = !tracker ? 'not-chosen' : old ? 'too-old' : 'reopen';
          cases.push([prevent, ruledOut, old, tracker, expected]);
        }
  it.each(cases)('switch %s, state ruled out %s, closed long ago %s, tracker choice %s → %s', (prevent, ruledOut, old, tracker, expected) => {
    const r = rules({ preventReopen: prevent, noReopenStates: ruledOut ? ['in_progress'] : ['resolved'], reopenMaxAgeDays: 30 });
    const c = conv('closed', old ? 31 : 29);
    expect(reopenDecision({ rules: r, stateId: 'in_progress', conversation: c, now: NOW, ...(tracker === undefined ? {} : { trackerChoice: tracker }) })).toBe(expected);
  });

  it('the age rule only holds back conversations Backline has seen resolved or closed that long', () => {
    const r = rules({ reopenMaxAgeDays: 7 });
    const d = (c: KnownConversation) => reopenDecision({ rules: r, stateId: 's', conversation: c, now: NOW });
    expect(d(conv('resolved', 8))).toBe('too-old');
    expect(d(conv('closed', 7))).toBe('reopen'); // exactly N days: not more than N
    expect(d(conv('snoozed', null))).toBe('reopen');
    expect(d({ conversationKey: 'k', status: 'snoozed', closedSince: NOW - 90 * DAY_MS })).toBe('reopen'); // stale field, not closed now
    expect(d(conv('closed', null))).toBe('reopen'); // closed, since when unknown: not known to be too old
    expect(reopenDecision({ rules: rules({ reopenMaxAgeDays: 0 }), stateId: 's', conversation: conv('closed', 3650), now: NOW })).toBe('reopen');
  });
});

describe('spreadPreview and its words', () => {
  // The words come from the English catalogue, as in a browser running in English.
  beforeAll(() => setFallbackCatalogue(JSON.parse(readFileSync(new URL('../../public/_locales/en/messages.json', import.meta.url), 'utf8'))));
  afterAll(() => setFallbackCatalogue(null));
  const links = [conv('open', null, 'a'), conv('snoozed', null, 'b'), conv('resolved', 40, 'c')];

  it('a state change posts a note everywhere and reopens what the rules allow, counting those already open', () => {
    const p = spreadPreview({ rules: rules(), stateId: 'resolved', conversations: links, now: NOW });
    expect(p).toEqual({ notes: 3, reopens: 3, alreadyOpen: 1, touched: 3 });
    expect(describeSpread(p)).toBe('posts a note in 3 conversations · reopens 3 (1 is already open)');
    const aged = spreadPreview({ rules: rules({ reopenMaxAgeDays: 30 }), stateId: 'resolved', conversations: links, now: NOW });
    expect(describeSpread(aged)).toBe('posts a note in 3 conversations · reopens 2 (1 is already open)');
    expect(describeSpread(spreadPreview({ rules: rules({ noReopenStates: ['resolved'] }), stateId: 'resolved', conversations: links, now: NOW }))).toBe(
      'posts a note in 3 conversations',
    );
    expect(describeSpread(spreadPreview({ rules: rules({ preventReopen: true }), stateId: 'x', conversations: links, now: NOW }))).toBe('posts a note in 3 conversations');
  });

  it('a cross-post counts only the chosen conversations and reopens nothing', () => {
    const p = spreadPreview({ rules: rules(), stateId: null, conversations: links, now: NOW, chosen: new Set(['a', 'c']) });
    expect(p).toEqual({ notes: 2, reopens: 0, alreadyOpen: 0, touched: 2 });
    expect(describeSpread(p)).toBe('posts a note in 2 conversations');
    expect(describeSpread(spreadPreview({ rules: rules(), stateId: null, conversations: links, now: NOW, chosen: new Set() }))).toBe('changes no linked conversation');
    expect(describeSpread(spreadPreview({ rules: rules(), stateId: null, conversations: [links[0]!], now: NOW }))).toBe('posts a note in 1 conversation');
  });

  it('asks for confirmation only above the admin’s number', () => {
    const p = spreadPreview({ rules: rules(), stateId: 's', conversations: links, now: NOW });
    expect(needsConfirmation(p, 3)).toBe(false);
    expect(needsConfirmation(p, 2)).toBe(true);
  });
});

describe('what the store queues follows the same rule', () => {
  it('back-office: a note everywhere, reopens where allowed; tracker: the agent’s choices, held back by age, for linked keys only', () => {
    const links = [conv('snoozed', null, 'a'), conv('resolved', 40, 'b')];
    expect(stateChangeChoices({ rules: rules({ reopenMaxAgeDays: 30 }), stateId: 's', conversations: links, now: NOW })).toEqual([
      { conversationKey: 'a', note: true, reopen: true },
      { conversationKey: 'b', note: true, reopen: false },
    ]);
    const tracker = [
      { conversationKey: 'a', note: false, reopen: true },
      { conversationKey: 'b', note: true, reopen: true },
      { conversationKey: 'not-linked', note: true, reopen: true },
    ];
    expect(stateChangeChoices({ rules: rules({ preventReopen: true, reopenMaxAgeDays: 30 }), stateId: 's', conversations: links, now: NOW, tracker })).toEqual([
      { conversationKey: 'a', note: false, reopen: true },
      { conversationKey: 'b', note: true, reopen: false },
    ]);
  });

  it('closedSince starts at the first check that sees it closed, and holds while checks agree', () => {
    expect(nextClosedSince({ status: 'open', closedSince: null }, 'resolved', 100)).toBe(100);
    expect(nextClosedSince({ status: 'resolved', closedSince: 100 }, 'closed', 200)).toBe(100);
    expect(nextClosedSince({ status: 'resolved', closedSince: 100 }, 'unknown', 200)).toBe(100);
    expect(nextClosedSince({ status: 'resolved', closedSince: 100 }, 'open', 300)).toBeNull();
    expect(nextClosedSince({ status: 'closed' }, 'closed', 400)).toBe(400); // from before the field
  });
});

describe('reopenRuleStates', () => {
  it('one rule per state id: the default states first, then custom states as the types list them', () => {
    const states = reopenRuleStates([
      { states: [{ id: 'submitted', label: 'Submitted', category: 'submitted' }, { id: 'qa', label: 'In QA', category: 'in_progress' }] },
      { states: [{ id: 'qa', label: 'QA again', category: 'in_progress' }, { id: 'resolved', label: 'Done', category: 'resolved' }] },
    ]);
    expect(states.map((s) => s.label)).toEqual(['Submitted', 'In progress', 'Waiting on customer', 'Resolved', 'In QA']);
    expect(reopenRuleStates([]).map((s) => s.id)).toEqual(['submitted', 'in_progress', 'waiting', 'resolved']);
  });
});
