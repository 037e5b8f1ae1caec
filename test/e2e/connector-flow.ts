/**
 * What a connector's end-to-end test does through the UI, by role and name
 * (../shared/ui-contract.md): the admin adds a connection on the options page, an agent raises a
 * ticket from one conversation and links it from another, changes its state and cross-posts.
 */
import { expect } from 'vitest';
import type { Frame, Page } from 'playwright-core';
import { panelFrame, type Harness } from './harness';

export const SLOW = { timeout: 30_000, interval: 250 };
export const PREVENT = 'Prevent state changes from reopening linked conversations';

/**
 * Opens the options page, sets the admin passphrase and unlocks the admin settings with it.
 * Returns the options page, unlocked.
 */
export async function unlockAdmin(h: Pick<Harness, 'openExtensionPage'>, passphrase: string): Promise<Page> {
  const options = await h.openExtensionPage('options.html');
  await options.getByLabel('New admin passphrase', { exact: true }).fill(passphrase);
  await options.getByLabel('Confirm passphrase', { exact: true }).fill(passphrase);
  await options.getByRole('button', { name: 'Set admin passphrase', exact: true }).click();
  await options.getByRole('button', { name: 'Unlock admin settings', exact: true }).waitFor();
  await options.getByLabel('Admin passphrase', { exact: true }).fill(passphrase);
  await options.getByRole('button', { name: 'Unlock admin settings', exact: true }).click();
  await options.getByRole('button', { name: 'Lock admin settings', exact: true }).waitFor();
  return options;
}

/**
 * Sets the admin passphrase, unlocks, and adds a connection: picks the helpdesk, fills the Base
 * URL and the credential fields (by their labels), runs Check connection and waits for its status
 * to contain `expectCheck`, then saves. Returns the options page, left unlocked.
 */
export async function addConnection(
  h: Harness,
  c: { helpdesk: string; baseUrl: string; fields: Record<string, string>; expectCheck: string },
  passphrase = 'connector admin passphrase',
): Promise<{ options: Page; checked: string }> {
  const options = await unlockAdmin(h, passphrase);
  await options.getByRole('button', { name: 'Add connection', exact: true }).click();
  await options.getByRole('combobox', { name: 'Helpdesk', exact: true }).selectOption({ label: c.helpdesk });
  await options.getByRole('textbox', { name: 'Base URL', exact: true }).fill(c.baseUrl);
  for (const [label, value] of Object.entries(c.fields)) await options.getByLabel(label, { exact: true }).fill(value);
  await options.getByRole('button', { name: 'Check connection', exact: true }).click();
  const status = options.getByRole('status').filter({ hasText: c.expectCheck });
  await expect.poll(() => status.count(), SLOW).toBe(1);
  const checked = (await status.textContent()) ?? '';
  await options.getByRole('button', { name: 'Save connection', exact: true }).click();
  await options.getByRole('region', { name: 'Connections', exact: true }).getByText(`${c.helpdesk} ·`).first().waitFor();
  return { options, checked };
}

export async function setPreventReopen(options: Page, back: Page, on: boolean): Promise<void> {
  const toggle = options.getByRole('switch', { name: PREVENT, exact: true });
  await options.bringToFront();
  await (on ? toggle.check() : toggle.uncheck());
  await expect.poll(() => toggle.isChecked()).toBe(on);
  await back.bringToFront();
}

export interface AgentTab {
  page: Page;
  panel: Frame;
}

/** Opens `url` in `page` and waits for the docked panel there (the `open` raiseAndLink takes). */
export async function openAgentTab(url: string, page: Page): Promise<AgentTab> {
  await page.goto(url);
  return { page, panel: await panelFrame(page) };
}

/**
 * Raises a ticket from the conversation open in `tab`, opens `second` (a full URL) in the same
 * tab, links the ticket there and opens it. Returns the panel of the second page.
 */
export async function raiseAndLink(tab: AgentTab, title: string, second: string, open: (url: string, page: Page) => Promise<AgentTab>): Promise<AgentTab> {
  const { panel } = tab;
  await panel.getByRole('button', { name: 'New back-office ticket', exact: true }).click();
  await panel.getByRole('textbox', { name: 'Title', exact: true }).fill(title);
  await panel.getByRole('button', { name: 'Create ticket', exact: true }).click();
  await expect.poll(() => panel.getByRole('heading', { name: title, exact: true }).count()).toBe(1);

  const next = await open(second, tab.page);
  await next.panel.getByRole('button', { name: 'Link existing ticket', exact: true }).click();
  await next.panel.getByRole('searchbox', { name: 'Find ticket', exact: true }).fill(title);
  const match = next.panel.getByRole('listitem').filter({ hasText: title });
  await expect.poll(() => match.count()).toBe(1);
  await match.getByRole('button', { name: 'Link', exact: true }).click();
  const linked = next.panel.getByRole('region', { name: 'Linked tickets', exact: true }).getByRole('listitem').filter({ hasText: title });
  await expect.poll(() => linked.count()).toBe(1);
  await linked.getByRole('button', { name: title, exact: true }).click();
  await expect.poll(() => next.panel.getByRole('region', { name: 'Links', exact: true }).getByRole('listitem').count()).toBe(2);
  return next;
}

export async function chooseState(panel: Frame, label: string): Promise<void> {
  await panel.getByRole('button', { name: /^Ticket state/ }).click();
  await panel.getByRole('menuitemradio', { name: label, exact: true }).click();
  await expect.poll(() => panel.getByRole('button', { name: /^Ticket state/ }).textContent()).toContain(label);
}

export async function crossPost(panel: Frame, text: string): Promise<void> {
  await panel.getByRole('textbox', { name: 'Note', exact: true }).fill(text);
  await panel.getByRole('button', { name: 'Cross-post note', exact: true }).click();
  await expect.poll(() => panel.getByRole('region', { name: 'Activity', exact: true }).getByRole('listitem').filter({ hasText: text }).count()).toBe(1);
}

/** The Activity items of effects on the helpdesk (notes and reopens in linked conversations). */
export const effectItems = (panel: Frame) =>
  panel.getByRole('region', { name: 'Activity', exact: true }).getByRole('listitem').filter({ hasText: /^(Internal note|Reopen) in / });

/** Opens the Conversation preview of a linked conversation (by text in its Links item) and returns its text. */
export async function previewText(panel: Frame, linkText: string, expected: string): Promise<string> {
  const link = panel.getByRole('region', { name: 'Links', exact: true }).getByRole('listitem').filter({ hasText: linkText });
  await link.getByRole('button', { name: 'Open', exact: true }).click();
  const preview = panel.getByRole('region', { name: 'Conversation preview', exact: true });
  await expect.poll(() => preview.textContent(), SLOW).toContain(expected);
  const text = (await preview.textContent()) ?? '';
  expect(await preview.getByRole('status').count()).toBe(0); // read from the helpdesk, no fallback notice
  await panel.getByRole('button', { name: 'Back to ticket', exact: true }).click();
  await expect.poll(() => panel.getByRole('region', { name: 'Activity', exact: true }).count()).toBe(1);
  return text;
}

/** Tells a stand-in to fail its next requests (test/standins/kit.mjs). */
export async function failNext(standinUrl: string, plan: { count: number; status: number; match?: string; retryAfter?: number }): Promise<void> {
  await fetch(`${standinUrl}/__standin/fail`, { method: 'POST', body: JSON.stringify(plan) });
}

/**
 * Two 429s with Retry-After, then a run of three 500s, on the note writes (paths containing
 * `match`): each cross-posted note is retried to exactly one note in each linked conversation
 * (`both(text)`: the notes with that text in each), and Activity ends with `delivered` Delivered
 * effects.
 */
export async function retriedToOneNote(o: {
  standin: { url: string; state: { requests: { injected: boolean; status: number }[] } };
  tab: AgentTab;
  match: string;
  both: (text: string) => number[];
  delivered: number;
}): Promise<void> {
  const { standin, tab, match, both } = o;
  await failNext(standin.url, { status: 429, retryAfter: 1, count: 2, match });
  await crossPost(tab.panel, 'Rate limited, then delivered.');
  await expect.poll(() => both('Rate limited, then'), SLOW).toEqual([1, 1]);
  expect(standin.state.requests.filter((r) => r.injected && r.status === 429)).toHaveLength(2);

  await failNext(standin.url, { status: 500, count: 3, match });
  await crossPost(tab.panel, 'Customer data re-exported successfully.');
  await expect.poll(() => both('re-exported successfully'), SLOW).toEqual([1, 1]);
  expect(standin.state.requests.filter((r) => r.injected && r.status === 500)).toHaveLength(3);
  await expect.poll(() => effectItems(tab.panel).filter({ hasText: 'Delivered' }).count(), SLOW).toBe(o.delivered);
  await tab.page.waitForTimeout(1000);
  expect(both('re-exported successfully')).toEqual([1, 1]);
}

/**
 * Replaces one credential of every saved connection, straight in the background's IndexedDB
 * (the UI contract names no control to edit a saved secret in place): a token that has been
 * revoked or mistyped, as the helpdesk then sees it.
 */
export async function setCredential(h: Pick<Harness, 'worker'>, key: string, value: string): Promise<void> {
  await h.worker.evaluate(
    async ([key, value]) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open('backline');
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      const tx = db.transaction('connections', 'readwrite');
      const store = tx.objectStore('connections');
      const all = await new Promise<{ credentials: Record<string, string>; updatedAt: number }[]>((resolve) => {
        const q = store.getAll();
        q.onsuccess = () => resolve(q.result);
      });
      for (const c of all) store.put({ ...c, credentials: { ...c.credentials, [key!]: value! }, updatedAt: Date.now() });
      await new Promise((resolve, reject) => {
        tx.oncomplete = resolve;
        tx.onerror = () => reject(tx.error);
      });
      db.close();
    },
    [key, value],
  );
}

/**
 * In the sandbox's docked panel: raises a ticket of `type` from the conversation the panel shows,
 * links it from conversation `linkFrom` (in-app navigation), and opens it there.
 */
export async function raiseAndLinkInSandbox(page: Page, panel: Frame, title: string, type: string, linkFrom: number): Promise<void> {
  await panel.getByRole('button', { name: 'New back-office ticket', exact: true }).click();
  await panel.getByRole('textbox', { name: 'Title', exact: true }).fill(title);
  await panel.getByRole('combobox', { name: 'Ticket type', exact: true }).selectOption({ label: type });
  await panel.getByRole('button', { name: 'Create ticket', exact: true }).click();
  await expect.poll(() => panel.getByRole('heading', { name: title, exact: true }).count()).toBe(1);

  await panel.getByRole('button', { name: 'Back', exact: true }).click();
  await page.locator(`a[href$="/conversations/${linkFrom}"]`).first().click();
  await expect.poll(() => panel.getByRole('heading', { level: 1 }).textContent()).toContain(`#${linkFrom}`);
  await panel.getByRole('button', { name: 'Link existing ticket', exact: true }).click();
  await panel.getByRole('searchbox', { name: 'Find ticket', exact: true }).fill(title);
  const match = panel.getByRole('listitem').filter({ hasText: title });
  await expect.poll(() => match.count()).toBe(1);
  await match.getByRole('button', { name: 'Link', exact: true }).click();
  const linked = panel.getByRole('region', { name: 'Linked tickets', exact: true }).getByRole('listitem').filter({ hasText: title });
  await expect.poll(() => linked.count()).toBe(1);
  await linked.getByRole('button', { name: title, exact: true }).click();
  await expect.poll(() => panel.getByRole('region', { name: 'Links', exact: true }).getByRole('listitem').count()).toBe(2);
}
