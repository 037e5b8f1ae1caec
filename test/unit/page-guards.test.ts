import { describe, expect, it } from 'vitest';
import {
  COVERED_MESSAGE,
  focusTakenMessage,
  JUST_SHOWN_MESSAGE,
  refusalFor,
  SETTLE_MS,
  type VisibilityFacts,
} from '../../components/panel/page-guards';

const facts = (f: Partial<VisibilityFacts>): VisibilityFacts => ({ visibleNow: null, shownAt: null, contentCovered: null, now: 10_000, ...f });

describe('the docked panel’s clickjacking guard', () => {
  it('refuses while the browser says the panel is hidden or covered, and says why', () => {
    expect(refusalFor(facts({ visibleNow: false }))).toBe(COVERED_MESSAGE);
    expect(COVERED_MESSAGE).toMatch(/covered or hidden/);
    expect(COVERED_MESSAGE).toMatch(/nothing was changed/);
  });

  it('accepts a panel that is visible and was never seen hidden', () => {
    expect(refusalFor(facts({ visibleNow: true }))).toBeNull();
  });

  it('refuses a click just after the page uncovered the panel, accepts once it has been visible a moment', () => {
    expect(refusalFor(facts({ visibleNow: true, shownAt: 10_000 - SETTLE_MS + 1 }))).toBe(JUST_SHOWN_MESSAGE);
    expect(refusalFor(facts({ visibleNow: true, shownAt: 10_000 - SETTLE_MS }))).toBeNull();
  });

  it('without the browser’s reading, the content script’s check decides; unknown is not refused', () => {
    expect(refusalFor(facts({ contentCovered: true }))).toBe(COVERED_MESSAGE);
    expect(refusalFor(facts({ contentCovered: false }))).toBeNull();
    expect(refusalFor(facts({}))).toBeNull();
  });

  it('the browser’s own reading wins over the content script’s', () => {
    expect(refusalFor(facts({ visibleNow: true, contentCovered: true }))).toBeNull();
    expect(refusalFor(facts({ visibleNow: false, contentCovered: false }))).toBe(COVERED_MESSAGE);
  });
});

describe('the focus theft alert', () => {
  it('names the field the keys were meant for, or says a text field', () => {
    expect(focusTakenMessage('Note')).toContain('while you were typing in “Note”');
    expect(focusTakenMessage('Note')).toContain('went to the page, not to Backline');
    expect(focusTakenMessage('')).toContain('typing in a text field');
  });
});
