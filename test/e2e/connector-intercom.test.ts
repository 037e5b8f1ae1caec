/**
 * Intercom end to end: the built extension in headless Chromium, the Intercom stand-in's agent
 * pages on https://app.intercom.com (helpdesk-host.ts), its API at the connection's Base URL (the
 * stand-in's own address: the real default, https://api.intercom.io, would make the browser ask
 * for access to it, a prompt a headless test cannot answer). Saving the connection reads the
 * workspace from GET /me, which decides that the connection serves app.intercom.com/a/inbox/<it>/.
 * A ticket raised from a snoozed conversation (1002) and linked from a closed one (1003).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { INTERCOM_TOKEN, INTERCOM_WORKSPACE, startIntercomStandin } from '../standins/intercom.mjs';
import { addConnection, chooseState, crossPost, effectItems, failNext, previewText, raiseAndLink, setCredential, setPreventReopen, SLOW, type AgentTab } from './connector-flow';
import { launchWithHelpdesks, type HelpdeskHarness } from './helpdesk-host';

let ic: Awaited<ReturnType<typeof startIntercomStandin>>;
let h: HelpdeskHarness;
let tab: AgentTab;
let options: Page;

const HOST = 'app.intercom.com';
const url = (id: string) => `https://${HOST}/a/inbox/${INTERCOM_WORKSPACE}/inbox/shared/all/conversation/${id}`;
const conv = (id: string) => ic.state.conversations.find((c) => c.id === id)!;
const notes = (id: string, text: string) => conv(id).parts.filter((p) => p.part_type === 'note' && (p.body ?? '').includes(text));
const repliesWith = (text: string) => ic.state.conversations.flatMap((c) => c.parts).filter((p) => p.part_type !== 'note' && (p.body ?? '').includes(text));
const opens = () => ic.state.requests.filter((r) => r.path.endsWith('/parts'));

beforeAll(async () => {
  ic = await startIntercomStandin();
  h = await launchWithHelpdesks({ hosts: { [HOST]: ic } });
});
afterAll(async () => {
  await h?.close();
  await ic?.close();
});

describe('Intercom connector in the extension', () => {
  it('the admin adds the connection: Check connection names the workspace and the admin; saving keeps the workspace', async () => {
    const added = await addConnection(h, { helpdesk: 'Intercom', baseUrl: ic.url, fields: { 'Access token': INTERCOM_TOKEN }, expectCheck: 'Connected to Intercom' });
    options = added.options;
    expect(added.checked).toContain(`Connected to Intercom workspace Acme (${INTERCOM_WORKSPACE}) as Priya Shah (priya@acme.test).`);
    await options.getByRole('region', { name: 'Connections', exact: true }).getByText(`account ${INTERCOM_WORKSPACE}`).waitFor();
  });

  it('a state change posts one note in each conversation and unsnoozes the snoozed and reopens the closed one', async () => {
    tab = await h.openHelpdeskPage(url('1002'));
    tab = await raiseAndLink(tab, 'Export keeps failing', url('1003'), (u, page) => h.openHelpdeskPage(u, page));
    await chooseState(tab.panel, 'In progress');
    const event = 'moved from Submitted to In progress';
    await expect.poll(() => [notes('1002', event).length, notes('1003', event).length, conv('1002').state, conv('1003').state], SLOW).toEqual([1, 1, 'open', 'open']);
    expect(conv('1002').snoozed_until).toBeNull();
    await expect.poll(() => effectItems(tab.panel).filter({ hasText: 'Delivered' }).count(), SLOW).toBe(4);
    expect(await effectItems(tab.panel).filter({ hasText: 'Unsnoozed' }).count()).toBe(1);
    expect(repliesWith(event)).toEqual([]);
    const view = await h.context.newPage();
    await view.goto(url('1003'));
    expect(await view.getByTestId('conversation-status').textContent()).toBe('open');
    expect(await view.getByTestId('private-note').allTextContents()).toEqual([expect.stringContaining(event)]);
    await view.close();
  });

  it('with "Prevent state changes from reopening" on, the next change posts notes and reopens nothing', async () => {
    await setPreventReopen(options, tab.page, true);
    conv('1003').state = 'closed';
    const before = opens().length;
    await chooseState(tab.panel, 'Waiting on customer');
    const event = 'moved from In progress to Waiting on customer';
    await expect.poll(() => [notes('1002', event).length, notes('1003', event).length], SLOW).toEqual([1, 1]);
    await expect.poll(() => effectItems(tab.panel).filter({ hasText: 'Delivered' }).count(), SLOW).toBe(6);
    expect(opens().length).toBe(before);
    expect(conv('1003').state).toBe('closed');
    await setPreventReopen(options, tab.page, false);
  });

  it('a cross-posted note lands once as a note in each conversation, even through a 429 and 500s', async () => {
    await failNext(ic.url, { count: 1, status: 429, retryAfter: 1, match: '/conversations/1002/reply' });
    await failNext(ic.url, { count: 2, status: 500, match: '/conversations/1003/reply' });
    await crossPost(tab.panel, 'Engineering shipped the export fix.');
    await expect.poll(() => [notes('1002', 'shipped the export fix').length, notes('1003', 'shipped the export fix').length], SLOW).toEqual([1, 1]);
    await expect.poll(() => effectItems(tab.panel).filter({ hasText: 'Delivered' }).count(), SLOW).toBe(8);
    expect(ic.state.requests.filter((r) => r.injected).map((r) => r.status).sort()).toEqual([429, 500, 500]);
    expect(repliesWith('shipped the export fix')).toEqual([]);
    await tab.page.waitForTimeout(1000);
    expect([notes('1002', 'shipped the export fix').length, notes('1003', 'shipped the export fix').length]).toEqual([1, 1]);
  });

  it('the Conversation preview shows the conversation’s parts from Intercom', async () => {
    const text = await previewText(tab.panel, '1002', 'The export is still failing.');
    expect(text).toContain('We will get back to you tomorrow.');
    expect(text).toContain('Engineering shipped the export fix.');
    expect(text).toContain('Ada Lovelace');
    expect(text).not.toContain('Backline ref');
  });

  it('a wrong token shows a clear failure in Activity, and Retry delivers once it is fixed', async () => {
    await setCredential(h, 'token', 'revoked-credential');
    await crossPost(tab.panel, 'Please try the export again.');
    const failed = effectItems(tab.panel).filter({ hasText: 'Failed' });
    await expect.poll(() => failed.count(), SLOW).toBe(2);
    expect(await failed.first().textContent()).toContain("Intercom refused the credentials (401). Check the connection's Access token on the options page");
    expect(notes('1002', 'Please try the export again.')).toHaveLength(0);
    // Fixed: Retry delivers each once.
    await setCredential(h, 'token', INTERCOM_TOKEN);
    for (let i = 0; i < 2; i++) {
      await failed.first().getByRole('button', { name: 'Retry', exact: true }).click();
      await expect.poll(() => failed.count(), SLOW).toBe(1 - i);
    }
    await expect.poll(() => [notes('1002', 'Please try the export again.').length, notes('1003', 'Please try the export again.').length], SLOW).toEqual([1, 1]);
  });
});
