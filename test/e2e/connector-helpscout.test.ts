/**
 * Help Scout end to end: the built extension in headless Chromium, with the Help Scout stand-in
 * answering on Help Scout's real host names (helpdesk-host.ts): the agent pages on
 * https://secure.helpscout.net and the API on https://api.helpscout.net, the connection's default
 * Base URL. A back-office ticket is raised from a snoozed conversation and linked from a closed
 * one; an admin adds the connection on the options page, an agent works the ticket in the docked
 * panel, all by role and name (../shared/ui-contract.md). Outcomes are read from the stand-in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame, Page } from 'playwright-core';
import { chooseState, crossPost, effectItems as effectsOf, openAgentTab, previewText, raiseAndLink, retriedToOneNote, setCredential, setPreventReopen as setPrevent, SLOW, unlockAdmin } from './connector-flow';
import { launchWithHelpdesks, type HelpdeskHarness } from './helpdesk-host';
import { HELPSCOUT_APP_ID, HELPSCOUT_APP_SECRET, startHelpScoutStandin, type HelpScoutStandin } from '../standins/helpscout.mjs';

const SNOOZED = 2199011258;
const CLOSED = 3002667039;
const PAGE = (id: number, n: number) => `https://secure.helpscout.net/conversation/${id}/${n}/`;
const PASS = 'help scout admin passphrase';

let standin: HelpScoutStandin;
let h: HelpdeskHarness;
let page: Page;
let panel: Frame;
let options: Page;

beforeAll(async () => {
  standin = await startHelpScoutStandin();
  h = await launchWithHelpdesks({ hosts: { 'secure.helpscout.net': standin, 'api.helpscout.net': standin } });
});
afterAll(async () => {
  await h?.close();
  await standin?.close();
});

const conv = (id: number) => standin.state.conversations.find((c) => c.id === id)!;
/** Note threads in a conversation whose text contains `text`. */
const notes = (id: number, text: string) => conv(id).threads.filter((t) => t.type === 'note' && t.body.includes(text));
const writes = (method: string) => standin.state.requests.filter((r) => r.method === method && r.path.startsWith('/v2/conversations/'));
const effectItems = () => effectsOf(panel);
const setPreventReopen = (on: boolean) => setPrevent(options, page, on);

/** The saved connection's App secret replaced (the contract names no control to edit one alone). */
const setAppSecret = (secret: string) => setCredential(h, 'appSecret', secret);

describe('Help Scout', () => {
  it('an admin adds the connection with the App ID and App secret; Check connection says whose app it is', async () => {
    options = await unlockAdmin(h, PASS);
    await options.getByRole('button', { name: 'Add connection', exact: true }).click();
    await options.getByRole('combobox', { name: 'Helpdesk', exact: true }).selectOption({ label: 'Help Scout' });
    // Prefilled with Help Scout's API address, which the test browser resolves to the stand-in.
    expect(await options.getByRole('textbox', { name: 'Base URL', exact: true }).inputValue()).toBe('https://api.helpscout.net');
    await options.getByRole('textbox', { name: 'App ID', exact: true }).fill(HELPSCOUT_APP_ID);

    await options.getByLabel('App secret', { exact: true }).fill('not-the-secret');
    await options.getByRole('button', { name: 'Check connection', exact: true }).click();
    await expect.poll(() => options.getByRole('alert').filter({ hasText: 'refused the App ID and App secret' }).count()).toBe(1);

    await options.getByLabel('App secret', { exact: true }).fill(HELPSCOUT_APP_SECRET);
    await options.getByRole('button', { name: 'Check connection', exact: true }).click();
    const status = options.getByRole('status').filter({ hasText: 'Connected to Help Scout' });
    await expect.poll(() => status.count()).toBe(1);
    expect(await status.textContent()).toContain('Connected to Help Scout at https://api.helpscout.net as Priya Shah (priya@acme.example)');

    await options.getByRole('button', { name: 'Save connection', exact: true }).click();
    const row = options.getByRole('region', { name: 'Connections', exact: true }).getByText('Help Scout · https://api.helpscout.net');
    await row.waitFor();
    // The public API address is not a self-hosted helpdesk.
    expect(await row.textContent()).not.toContain('self-hosted');
  });

  it('a state change posts one internal note in each linked conversation and reopens the snoozed and the closed one', async () => {
    ({ page, panel } = await h.openHelpdeskPage(PAGE(SNOOZED, 891142)));
    // Raised here; the agent moves on to the closed conversation and links the ticket there.
    ({ page, panel } = await raiseAndLink({ page, panel }, 'Nightly export stuck', PAGE(CLOSED, 22184), openAgentTab));

    await chooseState(panel, 'In progress');
    const event = 'moved from Submitted to In progress';
    await expect.poll(() => [notes(SNOOZED, event).length, notes(CLOSED, event).length, conv(SNOOZED).snooze, conv(CLOSED).status], SLOW).toEqual([1, 1, null, 'active']);
    // Unsnoozed by deleting the snooze; the closed one set back to active.
    expect(writes('DELETE').map((r) => r.path)).toEqual([`/v2/conversations/${SNOOZED}/snooze`]);
    expect(writes('PATCH').map((r) => [r.path, r.body])).toEqual([[`/v2/conversations/${CLOSED}`, { op: 'replace', path: '/status', value: 'active' }]]);
    await expect.poll(() => effectItems().filter({ hasText: 'Delivered' }).count(), SLOW).toBe(4);
    expect(await effectItems().filter({ hasText: 'Unsnoozed' }).count()).toBe(1);
    const statuses = panel.getByRole('region', { name: 'Links', exact: true }).getByRole('listitem').locator('.conv-status');
    await expect.poll(() => statuses.allTextContents()).toEqual(['Open', 'Open']);
  });

  it('with "Prevent state changes from reopening" on, the next change posts the notes but reopens nothing', async () => {
    await setPreventReopen(true);
    conv(CLOSED).status = 'closed'; // an agent closed it again in Help Scout
    const before = writes('PATCH').length + writes('DELETE').length;
    await chooseState(panel, 'Waiting on customer');
    const event = 'moved from In progress to Waiting on customer';
    await expect.poll(() => [notes(SNOOZED, event).length, notes(CLOSED, event).length], SLOW).toEqual([1, 1]);
    await expect.poll(() => effectItems().filter({ hasText: 'Delivered' }).count(), SLOW).toBe(6);
    expect(writes('PATCH').length + writes('DELETE').length).toBe(before);
    expect(conv(CLOSED).status).toBe('closed');
    await setPreventReopen(false);
  });

  it('a cross-posted note lands once in each conversation, as a note (never a reply)', async () => {
    await crossPost(panel, 'Engineering deployed the export fix at 14:05.');
    await expect.poll(() => [notes(SNOOZED, 'deployed the export fix').length, notes(CLOSED, 'deployed the export fix').length], SLOW).toEqual([1, 1]);
    const sent = standin.state.requests.filter((r) => r.method === 'POST' && r.path.startsWith('/v2/conversations/'));
    expect(sent.every((r) => r.path.endsWith('/notes'))).toBe(true);
  });

  it('a 429 with Retry-After, and a run of 500s, are retried to exactly one note each', async () => {
    const both = (text: string) => [notes(SNOOZED, text).length, notes(CLOSED, text).length];
    await retriedToOneNote({ standin, tab: { page, panel }, match: '/notes', both, delivered: 12 });
  }, 90_000);

  it('the Conversation preview shows the Help Scout conversation’s threads as text', async () => {
    const text = await previewText(panel, `#${SNOOZED}`, 'My export exp_88213 has been stuck for a day.');
    expect(text).toContain('Asked engineering to look at exp_88213.'); // an agent's note
    expect(text).toContain('Priya snoozed the conversation'); // an event
    expect(text).toContain('Engineering deployed the export fix at 14:05.'); // Backline's note
    expect(text).toContain('Grace Hopper');
    expect(text).not.toContain('Backline ref');
    expect(text).not.toContain('<br>');
  });

  it('a wrong App secret shows a clear failure in Activity', async () => {
    await setAppSecret('not-the-secret');
    await crossPost(panel, 'Please confirm the export arrived.');
    const failed = effectItems().filter({ hasText: 'Failed' });
    await expect.poll(() => failed.count(), SLOW).toBe(2);
    expect(await failed.first().textContent()).toContain('Help Scout refused the App ID and App secret (401)');
    expect(notes(SNOOZED, 'confirm the export arrived')).toHaveLength(0);
  });
});
