/**
 * The panel in German: Chromium started with German as its UI language, so chrome.i18n picks
 * public/_locales/de and Intl formats in German. A core flow, driven by the German accessible
 * names from that catalogue: raise a ticket from a conversation, add a note, see it in Activity.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame } from 'playwright-core';
import { launch, type Harness } from './harness';

const de = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../public/_locales/de/messages.json'), 'utf8')) as Record<string, { message: string }>;
/** A German message, with $1… filled in. */
const w = (key: string, ...subs: string[]) => de[key].message.replace(/\$(\d)/g, (_, i: string) => subs[Number(i) - 1]);

let h: Harness;
let panel: Frame;

beforeAll(async () => {
  h = await launch({ lang: 'de' });
  ({ panel } = await h.openConversation(2));
});
afterAll(async () => {
  await h?.close();
});

describe('the panel in German', () => {
  it('speaks German: the browser chose the German catalogue', async () => {
    expect(await h.worker.evaluate(() => chrome.i18n.getUILanguage())).toMatch(/^de/);
    await expect.poll(() => panel.getByRole('region', { name: w('linkedTickets'), exact: true }).count()).toBe(1);
    expect(await panel.getByRole('button', { name: 'New back-office ticket', exact: true }).count()).toBe(0);
  });

  it('raises a ticket, adds a note and shows it in Activity, all in German', async () => {
    await panel.getByRole('button', { name: w('newBackOfficeTicket'), exact: true }).click();
    await panel.getByRole('textbox', { name: w('title'), exact: true }).fill('Rückerstattung hängt');
    await panel.getByRole('button', { name: w('createTicket'), exact: true }).click();
    await expect.poll(() => panel.getByRole('heading', { name: 'Rückerstattung hängt', exact: true }).count()).toBe(1);
    expect(await panel.getByText(w('ticketId'), { exact: true }).count()).toBe(1);

    await panel.getByRole('textbox', { name: w('note'), exact: true }).fill('Buchhaltung geprüft');
    await panel.getByRole('button', { name: w('addNote'), exact: true }).click();
    const activity = panel.getByRole('region', { name: w('activity'), exact: true });
    await expect.poll(() => activity.getByRole('listitem').filter({ hasText: 'Buchhaltung geprüft' }).count()).toBe(1);
    // Times in German (Intl in the browser's language).
    expect(await activity.getByText(w('justNow')).count()).toBeGreaterThan(0);
  });

  it('says on the toolbar button, in German, how many tickets the conversation has', async () => {
    const title = () =>
      h.worker.evaluate(async (url) => {
        const [tab] = await chrome.tabs.query({ url });
        return chrome.action.getTitle({ tabId: tab.id! });
      }, `${h.sandbox.url}/app/accounts/1/conversations/2`);
    await expect.poll(title).toBe(w('toolbarLinked_one', '1'));
  });
});
