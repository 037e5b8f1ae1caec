/**
 * Seeing and steering what spreads (issue 15), end to end: the built extension in headless
 * Chromium, the sandbox helpdesk as Chatwoot. A back-office ticket linked to conversation 2
 * (snoozed), 3 (resolved) and 5 (open).
 *
 * The Effects line is read while the state menu is open or a note is written, then what the
 * sandbox received is counted (private notes, toggle_status requests), as propagation.test.ts
 * does. What Backline knows of a conversation's status (the "older than N days" rule reads
 * closedSince, which only time fills in) is written straight into the background's IndexedDB
 * from the service worker; the panel is reloaded to read it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame, Page } from 'playwright-core';
import { connectSandboxAsAdmin, launch, panelFrame, type Harness } from './harness';

let h: Harness;
let page: Page;
let panel: Frame;
let view: Page;
let options: Page;

const TITLE = 'Refund batch rejected';
const SLOW = { timeout: 30_000, interval: 250 };
const DAY = 24 * 60 * 60 * 1000;
const RULES = 'Reopen linked conversations when the state becomes';

beforeAll(async () => {
  h = await launch();
  ({ page, panel } = await h.openConversation(2));
  view = await h.context.newPage();
});
afterAll(async () => {
  await h?.close();
});

const sb = (id: number) => h.sandbox.state.conversations.find((c) => c.id === id)!;
const privateNotes = (id: number, text: string) => sb(id).messages.filter((m) => m.private && m.content.includes(text)).length;
const toggles = () => h.sandbox.state.requests.filter((r) => r.path.endsWith('/toggle_status')).length;
const effects = () => panel.getByRole('status', { name: 'Effects', exact: true });
const stateButton = () => panel.getByRole('button', { name: /^Ticket state/ });
const effectItems = () => panel.getByRole('region', { name: 'Activity', exact: true }).getByRole('listitem').filter({ hasText: /^(Internal note|Reopen) in / });

async function linkFrom(id: number): Promise<void> {
  await panel.getByRole('button', { name: 'Back', exact: true }).click();
  await page.locator(`a[href$="/conversations/${id}"]`).first().click();
  await expect.poll(() => panel.getByRole('heading', { level: 1 }).textContent()).toContain(`#${id}`);
  await panel.getByRole('button', { name: 'Link existing ticket', exact: true }).click();
  await panel.getByRole('searchbox', { name: 'Find ticket', exact: true }).fill(TITLE);
  const match = panel.getByRole('listitem').filter({ hasText: TITLE });
  await expect.poll(() => match.count()).toBe(1);
  await match.getByRole('button', { name: 'Link', exact: true }).click();
  await openTicket();
}

async function openTicket(): Promise<void> {
  const linked = panel.getByRole('region', { name: 'Linked tickets', exact: true }).getByRole('listitem').filter({ hasText: TITLE });
  await expect.poll(() => linked.count(), SLOW).toBe(1);
  await linked.getByRole('button', { name: TITLE, exact: true }).click();
  await expect.poll(() => panel.getByRole('heading', { name: TITLE, exact: true }).count()).toBe(1);
}

/** Opens the state menu and moves (arrow keys) to `label`, leaving the menu open. */
async function moveTo(label: string): Promise<void> {
  await stateButton().click();
  const item = panel.getByRole('menuitemradio', { name: label, exact: true });
  for (let i = 0; i < 6 && !(await item.evaluate((el) => el === document.activeElement)); i++) await panel.locator('[role=menu]').press('ArrowDown');
}

async function resolveInSandbox(id: number): Promise<void> {
  await view.goto(`${h.sandbox.url}/app/accounts/1/conversations/${id}`);
  await view.getByTestId('resolve-button').click();
  await expect.poll(() => sb(id).status).toBe('resolved');
}

/** What Backline knows of conversation `id`: resolved, seen so since `closedSince`. */
async function knownClosed(id: number, closedSince: number): Promise<void> {
  await h.worker.evaluate(
    async ({ id, closedSince }) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open('backline');
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      const tx = db.transaction('conversations', 'readwrite');
      const store = tx.objectStore('conversations');
      const all = await new Promise<{ conversationId: string }[]>((resolve) => {
        const q = store.getAll();
        q.onsuccess = () => resolve(q.result);
      });
      for (const c of all) if (c.conversationId === String(id)) store.put({ ...c, status: 'resolved', closedSince, statusCheckedAt: Date.now() });
      await new Promise((resolve, reject) => {
        tx.oncomplete = resolve;
        tx.onerror = () => reject(tx.error);
      });
      db.close();
    },
    { id, closedSince },
  );
}

async function onOptions(act: () => Promise<void>): Promise<void> {
  await options.bringToFront();
  await act();
  await page.bringToFront();
}

describe('seeing and steering what spreads', () => {
  it('the Effects line while moving through the state menu says what is then delivered', async () => {
    options = await connectSandboxAsAdmin(h, 'spread admin passphrase');
    await page.bringToFront();
    await panel.getByRole('button', { name: 'New back-office ticket', exact: true }).click();
    await panel.getByRole('textbox', { name: 'Title', exact: true }).fill(TITLE);
    await panel.getByRole('combobox', { name: 'Ticket type', exact: true }).selectOption({ label: 'General back-office' });
    await panel.getByRole('button', { name: 'Create ticket', exact: true }).click();
    await expect.poll(() => panel.getByRole('heading', { name: TITLE, exact: true }).count()).toBe(1);
    await linkFrom(3);
    await linkFrom(5);
    await expect.poll(() => panel.getByRole('region', { name: 'Links', exact: true }).getByRole('listitem').count()).toBe(3);
    const statuses = panel.getByRole('region', { name: 'Links', exact: true }).getByRole('listitem').locator('.conv-status');
    await expect.poll(() => statuses.allTextContents(), SLOW).toEqual(['Snoozed', 'Resolved', 'Open']);

    expect(await effects().count()).toBe(0);
    await stateButton().click();
    await expect.poll(() => effects().textContent()).toContain('Submitted is the current state');
    await panel.locator('[role=menu]').press('ArrowDown');
    await expect.poll(() => effects().textContent()).toBe('Moving to In progress: posts a note in 3 conversations · reopens 3 (1 is already open)');
    const before = toggles();
    await panel.locator('[role=menu]').press('Enter');
    await expect.poll(() => stateButton().textContent()).toContain('In progress');
    expect(await effects().count()).toBe(0);

    // 3 notes; 3 reopens of which 1 was already open: 2 reach the helpdesk.
    const event = 'moved from Submitted to In progress';
    await expect.poll(() => [privateNotes(2, event), privateNotes(3, event), privateNotes(5, event)], SLOW).toEqual([1, 1, 1]);
    await expect.poll(() => effectItems().filter({ hasText: /Delivered|already open/ }).count(), SLOW).toBe(6);
    expect(toggles() - before).toBe(2);
    expect([sb(2).status, sb(3).status, sb(5).status]).toEqual(['open', 'open', 'open']);
  });

  it('a cross-post to 2 of 3 links reaches exactly those 2, and the Activity says where', async () => {
    const group = panel.getByRole('group', { name: 'Cross-post to', exact: true });
    const boxes = group.getByRole('checkbox');
    expect(await boxes.count()).toBe(3);
    for (const name of ['Chatwoot conversation #2', 'Chatwoot conversation #3', 'Chatwoot conversation #5']) {
      expect(await group.getByRole('checkbox', { name, exact: true }).isChecked()).toBe(true);
    }
    const text = 'Finance re-ran the refund batch.';
    await panel.getByRole('textbox', { name: 'Note', exact: true }).fill(text);
    await expect.poll(() => effects().textContent()).toBe('Cross-post: posts a note in 3 conversations');
    // Keyboard: focus the box and untick it with Space.
    const five = group.getByRole('checkbox', { name: 'Chatwoot conversation #5', exact: true });
    await five.focus();
    await five.press('Space');
    expect(await five.isChecked()).toBe(false);
    await expect.poll(() => effects().textContent()).toBe('Cross-post: posts a note in 2 conversations');

    await panel.getByRole('button', { name: 'Cross-post note', exact: true }).click();
    const item = panel.getByRole('region', { name: 'Activity', exact: true }).getByRole('listitem').filter({ hasText: text });
    await expect.poll(() => item.count()).toBe(1);
    expect(await item.textContent()).toContain('Cross-posted to Chatwoot #2, Chatwoot #3');
    await expect.poll(() => [privateNotes(2, text), privateNotes(3, text)], SLOW).toEqual([1, 1]);
    await expect.poll(() => effectItems().filter({ hasText: /Delivered|already open/ }).count(), SLOW).toBe(8);
    expect(privateNotes(5, text)).toBe(0);
  });

  it('a state unticked in the per-state rules reopens nothing', async () => {
    await onOptions(async () => {
      const box = options.getByRole('group', { name: RULES, exact: true }).getByRole('checkbox', { name: 'Waiting on customer', exact: true });
      await box.uncheck();
      await expect.poll(() => box.isChecked()).toBe(false);
    });
    await resolveInSandbox(2);
    await resolveInSandbox(3);
    const before = toggles();

    await moveTo('Waiting on customer');
    await expect.poll(() => effects().textContent()).toBe('Moving to Waiting on customer: posts a note in 3 conversations');
    await panel.locator('[role=menu]').press('Enter');
    const event = 'moved from In progress to Waiting on customer';
    await expect.poll(() => [privateNotes(2, event), privateNotes(3, event), privateNotes(5, event)], SLOW).toEqual([1, 1, 1]);
    await expect.poll(() => effectItems().filter({ hasText: /Delivered|already open/ }).count(), SLOW).toBe(11);
    expect(toggles()).toBe(before);
    expect([sb(2).status, sb(3).status]).toEqual(['resolved', 'resolved']);
  });

  it('"never reopen conversations closed more than N days ago" leaves the old one closed; above N conversations it asks first', async () => {
    await onOptions(async () => {
      for (const [name, value] of [
        ['Never reopen conversations closed more than (days)', '30'],
        ['Ask before changing more than (conversations)', '2'],
      ] as const) {
        const box = options.getByRole('spinbutton', { name, exact: true });
        await box.fill(value);
        await box.press('Enter');
        await expect.poll(() => options.getByRole('status').filter({ hasText: /no longer reopened|ask first/ }).count()).toBeGreaterThan(0);
      }
    });
    // Backline saw 2 resolved yesterday and 3 resolved 40 days ago.
    await knownClosed(2, Date.now() - DAY);
    await knownClosed(3, Date.now() - 40 * DAY);
    await page.reload();
    panel = await panelFrame(page);
    await openTicket();

    const before = toggles();
    await moveTo('Resolved');
    await expect.poll(() => effects().textContent()).toBe('Moving to Resolved: posts a note in 3 conversations · reopens 2 (1 is already open)');
    await panel.locator('[role=menu]').press('Enter');
    const dialog = panel.getByRole('dialog', { name: 'Change 3 linked conversations?', exact: true });
    await expect.poll(() => dialog.count()).toBe(1);
    await dialog.getByRole('button', { name: 'Apply', exact: true }).click();
    await expect.poll(() => stateButton().textContent()).toContain('Resolved');

    const event = 'moved from Waiting on customer to Resolved';
    await expect.poll(() => [privateNotes(2, event), privateNotes(3, event), privateNotes(5, event)], SLOW).toEqual([1, 1, 1]);
    await expect.poll(() => effectItems().filter({ hasText: /Delivered|already open/ }).count(), SLOW).toBe(16);
    expect(toggles() - before).toBe(1);
    expect([sb(2).status, sb(3).status, sb(5).status]).toEqual(['open', 'resolved', 'open']);
  });

  it('the rules are for admins: locked, they cannot be changed', async () => {
    await options.bringToFront();
    await options.getByRole('button', { name: 'Lock admin settings', exact: true }).click();
    const group = options.getByRole('group', { name: RULES, exact: true });
    await expect.poll(() => group.getByRole('checkbox', { name: 'Resolved', exact: true }).isDisabled()).toBe(true);
    expect(await group.getByRole('checkbox', { name: 'Waiting on customer', exact: true }).isChecked()).toBe(false);
    for (const name of ['Never reopen conversations closed more than (days)', 'Ask before changing more than (conversations)']) {
      expect(await options.getByRole('spinbutton', { name, exact: true }).isDisabled()).toBe(true);
    }
    expect(await options.getByRole('spinbutton', { name: 'Never reopen conversations closed more than (days)', exact: true }).inputValue()).toBe('30');
  });

  it('a change across more conversations sums up its outcomes in one line: each conversation on demand, Retry all for the failed', async () => {
    await page.bringToFront();
    await linkFrom(6);
    await linkFrom(8);
    await expect.poll(() => panel.getByRole('region', { name: 'Links', exact: true }).getByRole('listitem').count()).toBe(5);
    const linesBefore = await effectItems().count();
    // The helpdesk refuses the five notes (422: retrying alone will not help); reopens go through.
    await fetch(`${h.sandbox.url}/__sandbox/fail`, { method: 'POST', body: JSON.stringify({ count: 5, status: 422, match: '/messages' }) });

    await moveTo('In progress');
    await panel.locator('[role=menu]').press('Enter');
    const dialog = panel.getByRole('dialog', { name: 'Change 5 linked conversations?', exact: true });
    await expect.poll(() => dialog.count()).toBe(1);
    await dialog.getByRole('button', { name: 'Apply', exact: true }).click();
    await expect.poll(() => stateButton().textContent()).toContain('In progress');

    // One line for the change's nine effects (five notes; four reopens, none for #3, closed 40
    // days ago), not one per effect.
    const activity = panel.getByRole('region', { name: 'Activity', exact: true });
    const summary = activity.getByRole('listitem').filter({ hasText: /^Outcomes in 5 linked conversations:/ });
    await expect.poll(() => summary.count(), SLOW).toBe(1);
    await expect.poll(() => summary.textContent(), SLOW).toMatch(/Failed: 5/);
    await expect.poll(() => summary.textContent(), SLOW).not.toMatch(/Queued/);
    expect(await effectItems().count()).toBe(linesBefore);

    // Each conversation's line, on demand (a disclosure button).
    const each = summary.getByRole('button', { name: 'Each conversation', exact: true });
    expect(await each.getAttribute('aria-expanded')).toBe('false');
    await each.press('Enter');
    expect(await each.getAttribute('aria-expanded')).toBe('true');
    await expect.poll(() => effectItems().count()).toBe(linesBefore + 9);
    await expect.poll(() => effectItems().filter({ hasText: 'Failed' }).count()).toBe(5);

    // Retry all sends the refused notes again; the helpdesk takes them now.
    const event = 'moved from Resolved to In progress';
    expect([2, 3, 5, 6, 8].map((id) => privateNotes(id, event))).toEqual([0, 0, 0, 0, 0]);
    await summary.getByRole('button', { name: 'Retry all', exact: true }).click();
    await expect.poll(() => [2, 3, 5, 6, 8].map((id) => privateNotes(id, event)), SLOW).toEqual([1, 1, 1, 1, 1]);
    await expect.poll(() => summary.textContent(), SLOW).not.toMatch(/Failed/);
    expect(await summary.getByRole('button', { name: 'Retry all', exact: true }).count()).toBe(0);
    await each.click();
    await expect.poll(() => effectItems().count()).toBe(linesBefore);
  });
});
