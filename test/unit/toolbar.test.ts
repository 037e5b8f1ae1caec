import { describe, expect, it } from 'vitest';
import { toolbarLook } from '@/lib/model/toolbar';
import { createToolbar, type ActionApi } from '@/lib/background/toolbar';
import type { TabContext } from '@/lib/background/env';

describe('toolbarLook', () => {
  it('shows no badge and the plain name where the tab shows no conversation', () => {
    expect(toolbarLook(null)).toEqual({ badge: '', title: 'Backline' });
  });
  it('shows no badge on a conversation without linked tickets, and says so', () => {
    expect(toolbarLook(0)).toEqual({ badge: '', title: 'Backline: no linked tickets on this conversation' });
  });
  it('counts linked tickets in the badge and the title', () => {
    expect(toolbarLook(1)).toEqual({ badge: '1', title: 'Backline: 1 linked ticket on this conversation' });
    expect(toolbarLook(3)).toEqual({ badge: '3', title: 'Backline: 3 linked tickets on this conversation' });
  });
  it('shows ! when a delivery failed, whatever the count, and says both in the title', () => {
    expect(toolbarLook(null, undefined, 1)).toEqual({ badge: '!', title: 'Backline · 1 delivery failed: see Deliveries on the options page' });
    expect(toolbarLook(3, undefined, 2)).toEqual({ badge: '!', title: 'Backline: 3 linked tickets on this conversation · 2 deliveries failed: see Deliveries on the options page' });
    expect(toolbarLook(3, undefined, 0).badge).toBe('3');
  });
  it('keeps the badge short beyond 99', () => {
    expect(toolbarLook(120).badge).toBe('99+');
    expect(toolbarLook(120).title).toContain('120 linked tickets');
  });
});

describe('createToolbar', () => {
  const ctx = (key: string | null): TabContext => ({ context: null, conversationKey: key });
  function setup(tabs: Record<number, TabContext>, counts: Record<string, number>, failures = { n: 0 }) {
    const shown: Record<number, { text?: string; title?: string }> = {};
    const action: ActionApi = {
      async setBadgeText({ tabId, text }) {
        (shown[tabId] ??= {}).text = text;
      },
      async setTitle({ tabId, title }) {
        (shown[tabId] ??= {}).title = title;
      },
    };
    const toolbar = createToolbar({
      action,
      linkedCount: async (key) => counts[key] ?? 0,
      failedCount: async () => failures.n,
      getTabContext: async (tabId) => tabs[tabId],
      knownTabs: async () => Object.entries(tabs).map(([tabId, context]) => ({ tabId: Number(tabId), context })),
    });
    return { toolbar, shown, tabs, counts };
  }

  it('sets the badge of the tab that reported its conversation', async () => {
    const { toolbar, shown } = setup({}, { 'c:2': 2 });
    await toolbar.update(7, ctx('c:2'));
    expect(shown[7]).toEqual({ text: '2', title: 'Backline: 2 linked tickets on this conversation' });
  });

  it('reads the stored context of a tab that is activated', async () => {
    const { toolbar, shown } = setup({ 4: ctx('c:1') }, { 'c:1': 1 });
    await toolbar.update(4);
    expect(shown[4].text).toBe('1');
    await toolbar.update(5);
    expect(shown[5]).toEqual({ text: '', title: 'Backline' });
  });

  it('re-counts only the tabs whose conversation a change touches', async () => {
    const { toolbar, shown, counts } = setup({ 1: ctx('c:1'), 2: ctx('c:2'), 3: ctx(null) }, { 'c:1': 0, 'c:2': 0 });
    counts['c:1'] = 1;
    counts['c:2'] = 5;
    await toolbar.changed({ ticketIds: ['t1'], conversationKeys: ['c:1'] });
    expect(shown[1].text).toBe('1');
    expect(shown[2]).toBeUndefined();
    expect(shown[3]).toBeUndefined();
  });

  it('re-counts every tab with a conversation for a ticket change that names none', async () => {
    const { toolbar, shown } = setup({ 1: ctx('c:1'), 2: ctx('c:2'), 3: ctx(null) }, { 'c:1': 1, 'c:2': 2 });
    await toolbar.changed({ ticketIds: ['t1'], conversationKeys: [] });
    expect(shown[1].text).toBe('1');
    expect(shown[2].text).toBe('2');
    expect(shown[3]).toBeUndefined();
  });

  it('an effect outcome re-reads every tab: a failure shows as ! wherever the agent looks', async () => {
    const failures = { n: 0 };
    const { toolbar, shown } = setup({ 1: ctx('c:1'), 2: ctx('c:2') }, { 'c:1': 1 }, failures);
    await toolbar.update(1);
    expect(shown[1]?.text).toBe('1');
    failures.n = 1;
    await toolbar.changed({ ticketIds: ['t'], conversationKeys: ['c:2'], deltas: [{ ticketId: 't', effects: [] as never[] }] });
    expect(shown[1]?.text).toBe('1'); // no outcome in the change: only c:2's tab is read again
    expect(shown[2]?.text).toBe('!');
    await toolbar.changed({ ticketIds: ['t'], conversationKeys: ['c:1'], deltas: [{ ticketId: 't', effects: [{} as never] }] });
    expect(shown[1]?.text).toBe('!');
    expect(shown[2]?.text).toBe('!');
  });
  it('ignores changes to settings alone', async () => {
    const { toolbar, shown } = setup({ 1: ctx('c:1') }, { 'c:1': 1 });
    await toolbar.changed({ ticketIds: [], conversationKeys: [], settings: true });
    expect(shown[1]).toBeUndefined();
  });

  it('survives a tab closed before its badge is set', async () => {
    const toolbar = createToolbar({
      action: { setBadgeText: () => Promise.reject(new Error('No tab with id: 9')), setTitle: async () => {} },
      linkedCount: async () => 1,
      getTabContext: async () => undefined,
      knownTabs: async () => [],
    });
    await expect(toolbar.update(9, ctx('c:1'))).resolves.toBeUndefined();
  });
});

describe('toolbar words', () => {
  it('the English default matches the English catalogue', async () => {
    const { readFileSync } = await import('node:fs');
    const en = JSON.parse(readFileSync(new URL('../../public/_locales/en/messages.json', import.meta.url), 'utf8')) as Record<string, { message: string }>;
    const { ENGLISH_TOOLBAR_WORDS } = await import('@/lib/model/toolbar');
    expect(ENGLISH_TOOLBAR_WORDS.plain).toBe(en.toolbarPlain.message);
    expect(ENGLISH_TOOLBAR_WORDS.none).toBe(en.toolbarNone.message);
    expect(ENGLISH_TOOLBAR_WORDS.linked(1)).toBe(en.toolbarLinked_one.message.replace('$1', '1'));
    expect(ENGLISH_TOOLBAR_WORDS.linked(4)).toBe(en.toolbarLinked_other.message.replace('$1', '4'));
    expect(ENGLISH_TOOLBAR_WORDS.failed(1)).toBe(en.toolbarFailed_one.message.replace('$1', '1'));
    expect(ENGLISH_TOOLBAR_WORDS.failed(2)).toBe(en.toolbarFailed_other.message.replace('$1', '2'));
  });
  it('uses the words it is given', () => {
    const words = { plain: 'P', none: 'N', linked: (n: number) => `L${n}`, failed: (n: number) => `F${n}` };
    expect(toolbarLook(null, words).title).toBe('P');
    expect(toolbarLook(0, words).title).toBe('N');
    expect(toolbarLook(2, words)).toEqual({ badge: '2', title: 'L2' });
    expect(toolbarLook(2, words, 3)).toEqual({ badge: '!', title: 'L2 · F3' });
  });
});

describe('toolbar re-counts', () => {
  it('read each conversation’s count and the failures once for all the tabs a change touches', async () => {
    const reads: string[] = [];
    const toolbar = createToolbar({
      action: { setBadgeText: async () => {}, setTitle: async () => {} },
      linkedCount: async (key) => (reads.push(key), 1),
      failedCount: async () => (reads.push('failed'), 0),
      getTabContext: async () => undefined,
      knownTabs: async () => [1, 2, 3].map((tabId) => ({ tabId, context: { context: null, conversationKey: tabId === 3 ? 'c:2' : 'c:1' } })),
    });
    await toolbar.changed({ ticketIds: ['t1'], conversationKeys: [] });
    expect(reads.sort()).toEqual(['c:1', 'c:2', 'failed']);
  });
});
