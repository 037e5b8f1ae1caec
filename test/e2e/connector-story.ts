/**
 * One end-to-end story for a helpdesk connector, run against that helpdesk's stand-in in headless
 * Chromium with the built extension: an admin adds the connection on the options page (checking
 * it first), an agent raises a ticket from one conversation and links it from a closed one,
 * changes its state (one internal note per conversation, the closed one reopened), changes it
 * again with "Prevent state changes from reopening" on (notes, no reopen), cross-posts a note,
 * and opens the preview. Everything is driven by role and name (../shared/ui-contract.md); the
 * outcomes are read from the stand-in's state.
 */
import type { BrowserContext, Frame, Page, Worker } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchWithExtension, panelFrame } from '../../scripts/browser.mjs';
import type { StandinHandle } from '../standins/standin-server.mjs';
import { startHelpdeskFront, type HelpdeskFront } from './helpdesk-host';

export interface ConnectorStory<S> {
  /** The Helpdesk option's name. */
  helpdesk: string;
  start(): Promise<StandinHandle<S>>;
  /**
   * Cloud helpdesks: the host names the stand-in answers for over HTTPS (helpdesk-host.ts), so
   * that the agent pages and the API are on the helpdesk's real hosts.
   */
  hosts?: readonly string[];
  /** Base URL to enter (default: the stand-in's URL). */
  baseUrl?(standin: StandinHandle<S>): string;
  /** [accessible name, value] of each credential field. */
  credentials: [string, string][];
  /** What the Check connection status says (part of it). */
  checkSays: string;
  /** Where the agent opens the stand-in's conversation `id`, and, when not on the stand-in's own pages, how the panel is reached. */
  open(ctx: { context: BrowserContext; extensionId: string; standin: StandinHandle<S> }, id: string, page: Page): Promise<Frame>;
  /** The conversation the ticket is raised from (open) and the one it is linked from (closed). */
  raiseFrom: string;
  linkFrom: string;
  /** Internal notes in conversation `id` containing `text`. */
  notes(standin: StandinHandle<S>, id: string, text: string): number;
  /** Customer-visible messages containing `text` (must stay 0). */
  visible(standin: StandinHandle<S>, id: string, text: string): number;
  /** Whether the helpdesk reports conversation `id` as open. */
  isOpen(standin: StandinHandle<S>, id: string): boolean;
  /** Closes conversation `id` in the stand-in, as an agent would in the helpdesk. */
  close(standin: StandinHandle<S>, id: string): void;
  /** Requests that reopened something so far. */
  reopens(standin: StandinHandle<S>): number;
  /** Text the preview of `raiseFrom` shows from the helpdesk. */
  previewShows: string[];
  /** Credentials the helpdesk refuses, and what Activity then says (the connector's 401 message, in part). */
  refused: { credentials: Record<string, string>; says: string };
}

/**
 * Replaces the saved connection's credentials in the background's database (the UI contract
 * names no control that edits a saved secret in place) and returns the ones it had.
 */
async function setCredentials(worker: Worker, credentials: Record<string, string> | null): Promise<Record<string, string>> {
  return worker.evaluate(async (next) => {
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
    const before = all[0]!.credentials;
    if (next) for (const c of all) store.put({ ...c, credentials: { ...c.credentials, ...next }, updatedAt: Date.now() });
    await new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
    });
    db.close();
    return before;
  }, credentials);
}

const PASS = 'connector admin passphrase';
const SWITCH = 'Prevent state changes from reopening linked conversations';
const SLOW = { timeout: 30_000, interval: 250 };

export function connectorStory<S>(story: ConnectorStory<S>): void {
  let browser: Awaited<ReturnType<typeof launchWithExtension>>;
  let context: BrowserContext;
  let worker: Worker;
  let standin: StandinHandle<S>;
  let front: HelpdeskFront | undefined;
  let options: Page;
  let page: Page;
  let panel: Frame;

  beforeAll(async () => {
    standin = await story.start();
    if (story.hosts) front = await startHelpdeskFront(Object.fromEntries(story.hosts.map((h) => [h, standin])));
    browser = await launchWithExtension({ args: front?.chromiumArgs ?? [] });
    context = browser.context;
    worker = browser.worker;
  });
  afterAll(async () => {
    await browser?.close();
    await front?.close();
    await standin?.close();
  });

  const open = async (id: string) => {
    panel = await story.open({ context, extensionId: browser.extensionId, standin }, id, page);
    await expect.poll(() => panel.getByRole('heading', { level: 1 }).textContent()).toContain(`#${id}`);
  };
  const effects = () =>
    panel.getByRole('region', { name: 'Activity', exact: true }).getByRole('listitem').filter({ hasText: /^(Internal note|Reopen) in / });
  const chooseState = async (label: string) => {
    await panel.getByRole('button', { name: /^Ticket state/ }).click();
    await panel.getByRole('menuitemradio', { name: label, exact: true }).click();
    await expect.poll(() => panel.getByRole('button', { name: /^Ticket state/ }).textContent()).toContain(label);
  };
  const setPreventReopen = async (on: boolean) => {
    await options.bringToFront();
    const toggle = options.getByRole('switch', { name: SWITCH, exact: true });
    await (on ? toggle.check() : toggle.uncheck());
    await expect.poll(() => toggle.isChecked()).toBe(on);
    await page.bringToFront();
  };
  const both = (text: string) => [story.notes(standin, story.raiseFrom, text), story.notes(standin, story.linkFrom, text)];

  describe(`${story.helpdesk} end to end`, () => {
    it('an admin checks and saves the connection on the options page', async () => {
      options = await context.newPage();
      await options.goto(`chrome-extension://${browser.extensionId}/options.html`);
      await options.getByLabel('New admin passphrase', { exact: true }).fill(PASS);
      await options.getByLabel('Confirm passphrase', { exact: true }).fill(PASS);
      await options.getByRole('button', { name: 'Set admin passphrase', exact: true }).click();
      await options.getByLabel('Admin passphrase', { exact: true }).fill(PASS);
      await options.getByRole('button', { name: 'Unlock admin settings', exact: true }).click();
      await options.getByRole('button', { name: 'Lock admin settings', exact: true }).waitFor();
      await options.getByRole('button', { name: 'Add connection', exact: true }).click();
      await options.getByRole('combobox', { name: 'Helpdesk', exact: true }).selectOption({ label: story.helpdesk });
      await options.getByRole('textbox', { name: 'Base URL', exact: true }).fill(story.baseUrl?.(standin) ?? standin.url);
      for (const [label, value] of story.credentials) await options.getByLabel(label, { exact: true }).fill(value);
      await options.getByRole('button', { name: 'Check connection', exact: true }).click();
      // What the page says (an alert when the check failed), for a failure message that explains itself.
      const said = async () => ((await options.getByRole('status').filter({ hasText: story.checkSays }).count()) ? 'ok' : (await options.getByRole('alert').allTextContents()).join(' | '));
      await expect.poll(said, SLOW).toBe('ok');
      await options.getByRole('button', { name: 'Save connection', exact: true }).click();
      // The saved connection is listed under its default label, "Zammad · 127.0.0.1:1234".
      const label = `${story.helpdesk} · ${new URL(story.baseUrl?.(standin) ?? standin.url).host}`;
      const region = options.getByRole('region', { name: 'Connections', exact: true });
      await expect
        .poll(async () => ((await region.getByText(label, { exact: true }).count()) ? 'saved' : await region.textContent()), SLOW)
        .toBe('saved');
    });

    it('an agent raises a ticket from one conversation and links it from a closed one', async () => {
      page = await context.newPage();
      await open(story.raiseFrom);
      await panel.getByRole('button', { name: 'New back-office ticket', exact: true }).click();
      await panel.getByRole('textbox', { name: 'Title', exact: true }).fill('Refund stuck in finance');
      await panel.getByRole('combobox', { name: 'Ticket type', exact: true }).selectOption({ label: 'General back-office' });
      await panel.getByRole('button', { name: 'Create ticket', exact: true }).click();
      await expect.poll(() => panel.getByRole('heading', { name: 'Refund stuck in finance', exact: true }).count()).toBe(1);

      await open(story.linkFrom);
      await panel.getByRole('button', { name: 'Link existing ticket', exact: true }).click();
      await panel.getByRole('searchbox', { name: 'Find ticket', exact: true }).fill('Refund stuck');
      const match = panel.getByRole('listitem').filter({ hasText: 'Refund stuck in finance' });
      await expect.poll(() => match.count()).toBe(1);
      await match.getByRole('button', { name: 'Link', exact: true }).click();
      const linked = panel.getByRole('region', { name: 'Linked tickets', exact: true }).getByRole('listitem').filter({ hasText: 'Refund stuck in finance' });
      await expect.poll(() => linked.count()).toBe(1);
      await linked.getByRole('button', { name: 'Refund stuck in finance', exact: true }).click();
      await expect.poll(() => panel.getByRole('region', { name: 'Links', exact: true }).getByRole('listitem').count()).toBe(2);
      expect(story.isOpen(standin, story.linkFrom)).toBe(false);
    });

    it('a state change posts one internal note in each conversation and reopens the closed one', async () => {
      await chooseState('In progress');
      const event = 'moved from Submitted to In progress';
      await expect.poll(() => [...both(event), story.isOpen(standin, story.linkFrom)], SLOW).toEqual([1, 1, true]);
      expect(story.reopens(standin)).toBe(1); // the open conversation was left alone
      await expect.poll(() => effects().filter({ hasText: 'Delivered' }).count(), SLOW).toBe(3);
      expect(story.visible(standin, story.raiseFrom, event) + story.visible(standin, story.linkFrom, event)).toBe(0);
    });

    it('with "Prevent state changes from reopening" on, the next change posts notes but reopens nothing', async () => {
      await setPreventReopen(true);
      story.close(standin, story.linkFrom);
      await chooseState('Waiting on customer');
      const event = 'moved from In progress to Waiting on customer';
      await expect.poll(() => both(event), SLOW).toEqual([1, 1]);
      await expect.poll(() => effects().filter({ hasText: 'Delivered' }).count(), SLOW).toBe(5);
      expect(story.reopens(standin)).toBe(1);
      expect(story.isOpen(standin, story.linkFrom)).toBe(false);
      await setPreventReopen(false);
    });

    it('a cross-posted note lands once as an internal note in both conversations, never as a reply', async () => {
      const text = 'Finance released the refund at 14:05.';
      await panel.getByRole('textbox', { name: 'Note', exact: true }).fill(text);
      await panel.getByRole('button', { name: 'Cross-post note', exact: true }).click();
      await expect.poll(() => both(text), SLOW).toEqual([1, 1]);
      await expect.poll(() => effects().filter({ hasText: 'Delivered' }).count(), SLOW).toBe(7);
      await page.waitForTimeout(500);
      expect(both(text)).toEqual([1, 1]);
      expect(story.visible(standin, story.raiseFrom, text) + story.visible(standin, story.linkFrom, text)).toBe(0);
    });

    it('the Conversation preview shows the helpdesk’s messages and Backline’s notes, without the marker', async () => {
      const link = panel.getByRole('region', { name: 'Links', exact: true }).getByRole('listitem').filter({ hasText: `#${story.raiseFrom}` });
      await link.getByRole('button', { name: 'Open', exact: true }).click();
      const preview = panel.getByRole('region', { name: 'Conversation preview', exact: true });
      for (const text of story.previewShows) await expect.poll(() => preview.textContent(), SLOW).toContain(text);
      const shown = (await preview.textContent())!;
      expect(shown).toContain('Finance released the refund at 14:05.');
      expect(shown).not.toContain('Backline ref');
      expect(await preview.getByRole('status').count()).toBe(0); // read from the helpdesk, no fallback notice
      await panel.getByRole('button', { name: 'Back to ticket', exact: true }).click();
      await expect.poll(() => panel.getByRole('region', { name: 'Activity', exact: true }).count()).toBe(1);
    });

    it('refused credentials show a clear failure in Activity and send nothing; Retry delivers once they are fixed', async () => {
      const good = await setCredentials(worker, story.refused.credentials);
      const text = 'Please confirm the refund arrived.';
      await panel.getByRole('textbox', { name: 'Note', exact: true }).fill(text);
      await panel.getByRole('button', { name: 'Cross-post note', exact: true }).click();
      const failed = effects().filter({ hasText: 'Failed' });
      await expect.poll(() => failed.count(), SLOW).toBe(2);
      expect(await failed.first().textContent()).toContain(story.refused.says);
      expect(both(text)).toEqual([0, 0]);

      await setCredentials(worker, good);
      for (const left of [1, 0]) {
        await failed.first().getByRole('button', { name: 'Retry', exact: true }).click();
        await expect.poll(() => failed.count(), SLOW).toBe(left);
      }
      await expect.poll(() => both(text), SLOW).toEqual([1, 1]);
    });
  });
}
