/**
 * Front end to end: the built extension in headless Chromium, with the Front stand-in answering
 * on Front's real host names (helpdesk-host.ts): the agent pages on https://app.frontapp.com and
 * the API on https://api2.frontapp.com, the connection's default Base URL. A back-office ticket is raised from a snoozed conversation and linked from a closed
 * one; an admin adds the connection on the options page, an agent works the ticket in the docked
 * panel, all by role and name (../shared/ui-contract.md). Outcomes are read from the stand-in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame, Page } from 'playwright-core';
import { chooseState, crossPost, effectItems as effectsOf, openAgentTab, previewText, raiseAndLink, retriedToOneNote, setCredential, setPreventReopen as setPrevent, SLOW, unlockAdmin } from './connector-flow';
import { launchWithHelpdesks, type HelpdeskHarness } from './helpdesk-host';
import { cnv, FRONT_TOKEN, startFrontStandin, type FrontStandin } from '../standins/front.mjs';

const SNOOZED = cnv(117421069338);
const ARCHIVED = cnv(120537545061);
const PAGE = (id: string) => `https://app.frontapp.com/open/${id}`;
const PASS = 'front admin passphrase';

let standin: FrontStandin;
let h: HelpdeskHarness;
let page: Page;
let panel: Frame;
let options: Page;

beforeAll(async () => {
  standin = await startFrontStandin();
  h = await launchWithHelpdesks({ hosts: { 'app.frontapp.com': standin, 'api2.frontapp.com': standin } });
});
afterAll(async () => {
  await h?.close();
  await standin?.close();
});

const conv = (id: string) => standin.state.conversations.find((c) => c.id === id)!;
/** Comments (Front's internal notes) in a conversation whose text contains `text`. */
const notes = (id: string, text: string) => conv(id).comments.filter((c) => c.body.includes(text));
const writes = (method: string) => standin.state.requests.filter((r) => r.method === method && r.path.startsWith('/conversations/'));
const effectItems = () => effectsOf(panel);
const setPreventReopen = (on: boolean) => setPrevent(options, page, on);

/** The saved connection's API token replaced (the contract names no control to edit one alone). */
const setToken = (token: string) => setCredential(h, 'token', token);

describe('Front', () => {
  it('an admin adds the connection with an API token; Check connection names the company it belongs to', async () => {
    options = await unlockAdmin(h, PASS);
    await options.getByRole('button', { name: 'Add connection', exact: true }).click();
    await options.getByRole('combobox', { name: 'Helpdesk', exact: true }).selectOption({ label: 'Front' });
    // Prefilled with Front's API address, which the test browser resolves to the stand-in.
    expect(await options.getByRole('textbox', { name: 'Base URL', exact: true }).inputValue()).toBe('https://api2.frontapp.com');

    await options.getByLabel('API token', { exact: true }).fill('not-the-token');
    await options.getByRole('button', { name: 'Check connection', exact: true }).click();
    await expect.poll(() => options.getByRole('alert').filter({ hasText: 'Front refused the API token (401)' }).count()).toBe(1);

    await options.getByLabel('API token', { exact: true }).fill(FRONT_TOKEN);
    await options.getByRole('button', { name: 'Check connection', exact: true }).click();
    const status = options.getByRole('status').filter({ hasText: 'Connected to Front' });
    await expect.poll(() => status.count()).toBe(1);
    expect(await status.textContent()).toContain('Connected to Front at https://api2.frontapp.com: the API token belongs to Acme Support Co (cmp_k30).');

    await options.getByRole('button', { name: 'Save connection', exact: true }).click();
    const row = options.getByRole('region', { name: 'Connections', exact: true }).getByText('Front · https://api2.frontapp.com');
    await row.waitFor();
    expect(await row.textContent()).not.toContain('self-hosted');
  });

  it('a state change posts one comment in each linked conversation and reopens the snoozed and the archived one', async () => {
    ({ page, panel } = await h.openHelpdeskPage(PAGE(SNOOZED)));
    // Raised here; the agent moves on to the archived conversation and links the ticket there.
    ({ page, panel } = await raiseAndLink({ page, panel }, 'Nightly export stuck', PAGE(ARCHIVED), openAgentTab));

    await chooseState(panel, 'In progress');
    const event = 'moved from Submitted to In progress';
    await expect.poll(() => [notes(SNOOZED, event).length, notes(ARCHIVED, event).length, conv(SNOOZED).status, conv(ARCHIVED).status], SLOW).toEqual([1, 1, 'assigned', 'assigned']);
    expect(conv(SNOOZED).scheduled_reminders).toEqual([]);
    // Both back in the inbox with status open.
    expect(writes('PATCH').map((r) => [r.path, r.body]).sort()).toEqual([
      [`/conversations/${ARCHIVED}`, { status: 'open' }],
      [`/conversations/${SNOOZED}`, { status: 'open' }],
    ].sort());
    await expect.poll(() => effectItems().filter({ hasText: 'Delivered' }).count(), SLOW).toBe(4);
    expect(await effectItems().filter({ hasText: 'Unsnoozed' }).count()).toBe(1);
    const statuses = panel.getByRole('region', { name: 'Links', exact: true }).getByRole('listitem').locator('.conv-status');
    await expect.poll(() => statuses.allTextContents()).toEqual(['Open', 'Open']);
  });

  it('with "Prevent state changes from reopening" on, the next change posts the notes but reopens nothing', async () => {
    await setPreventReopen(true);
    conv(ARCHIVED).status = 'archived'; // an agent archived it again in Front
    const before = writes('PATCH').length;
    await chooseState(panel, 'Waiting on customer');
    const event = 'moved from In progress to Waiting on customer';
    await expect.poll(() => [notes(SNOOZED, event).length, notes(ARCHIVED, event).length], SLOW).toEqual([1, 1]);
    await expect.poll(() => effectItems().filter({ hasText: 'Delivered' }).count(), SLOW).toBe(6);
    expect(writes('PATCH').length).toBe(before);
    expect(conv(ARCHIVED).status).toBe('archived');
    await setPreventReopen(false);
  });

  it('a cross-posted note lands once in each conversation, as a comment (never a message to the customer)', async () => {
    await crossPost(panel, 'Engineering deployed the export fix at 14:05.');
    await expect.poll(() => [notes(SNOOZED, 'deployed the export fix').length, notes(ARCHIVED, 'deployed the export fix').length], SLOW).toEqual([1, 1]);
    const sent = standin.state.requests.filter((r) => r.method === 'POST');
    expect(sent.every((r) => r.path.endsWith('/comments'))).toBe(true);
    expect(conv(SNOOZED).messages.some((m) => m.text.includes('deployed the export fix'))).toBe(false);
  });

  it('a 429 with Retry-After, and a run of 500s, are retried to exactly one note each', async () => {
    const both = (text: string) => [notes(SNOOZED, text).length, notes(ARCHIVED, text).length];
    await retriedToOneNote({ standin, tab: { page, panel }, match: '/comments', both, delivered: 12 });
  }, 90_000);

  it('the Conversation preview shows the Front conversation’s messages and comments as text', async () => {
    const text = await previewText(panel, `#${SNOOZED}`, 'My export exp_88213 has been stuck for a day.');
    expect(text).toContain('Asked engineering to look at exp_88213.'); // a teammate's comment
    expect(text).toContain('Engineering deployed the export fix at 14:05.'); // Backline's note
    expect(text).toContain('Grace Hopper');
    expect(text).not.toContain('Backline ref');
    expect(text).not.toContain('<br>');
  });

  it('a wrong API token shows a clear failure in Activity', async () => {
    await setToken('not-the-token');
    await crossPost(panel, 'Please confirm the export arrived.');
    const failed = effectItems().filter({ hasText: 'Failed' });
    await expect.poll(() => failed.count(), SLOW).toBe(2);
    expect(await failed.first().textContent()).toContain("Front refused the API token (401). Check the connection's API token on the options page.");
    expect(notes(SNOOZED, 'confirm the export arrived')).toHaveLength(0);
  });
});
