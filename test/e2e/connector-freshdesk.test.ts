/**
 * Freshdesk end to end: the built extension in headless Chromium, the Freshdesk stand-in on
 * https://acme.freshdesk.com (helpdesk-host.ts), so the panel docks on the real host name and the
 * connection's Base URL is the real address. A ticket raised from a closed ticket (203) and linked
 * from a resolved one (202); Freshdesk has no snooze.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { FRESHDESK_API_KEY, startFreshdeskStandin } from '../standins/freshdesk.mjs';
import { addConnection, chooseState, crossPost, effectItems, failNext, previewText, raiseAndLink, setCredential, setPreventReopen, SLOW, type AgentTab } from './connector-flow';
import { launchWithHelpdesks, type HelpdeskHarness } from './helpdesk-host';

let fd: Awaited<ReturnType<typeof startFreshdeskStandin>>;
let h: HelpdeskHarness;
let tab: AgentTab;
let options: Page;

const HOST = 'acme.freshdesk.com';
const url = (id: number) => `https://${HOST}/a/tickets/${id}`;
const ticket = (id: number) => fd.state.tickets.find((t) => t.id === id)!;
const privateNotes = (id: number, text: string) => ticket(id).conversations.filter((c) => c.private && c.body.includes(text));
const publicWith = (text: string) => fd.state.tickets.flatMap((t) => t.conversations).filter((c) => !c.private && c.body.includes(text));
const statusWrites = () => fd.state.requests.filter((r) => r.method === 'PUT');

beforeAll(async () => {
  fd = await startFreshdeskStandin();
  h = await launchWithHelpdesks({ hosts: { [HOST]: fd } });
});
afterAll(async () => {
  await h?.close();
  await fd?.close();
});

describe('Freshdesk connector in the extension', () => {
  it('the admin adds the connection: Check connection says whose API key it is', async () => {
    const added = await addConnection(h, { helpdesk: 'Freshdesk', baseUrl: `https://${HOST}`, fields: { 'API key': FRESHDESK_API_KEY }, expectCheck: 'Connected to Freshdesk' });
    options = added.options;
    expect(added.checked).toContain(`Connected to Freshdesk at https://${HOST} as Priya Shah (priya@acme.test).`);
  });

  it('a state change posts one private note in each ticket and reopens the closed and the resolved one (status 2)', async () => {
    tab = await h.openHelpdeskPage(url(203));
    tab = await raiseAndLink(tab, 'VAT correction for Compiler Systems', url(202), (u, page) => h.openHelpdeskPage(u, page));
    await chooseState(tab.panel, 'In progress');
    const event = 'moved from Submitted to In progress';
    await expect.poll(() => [privateNotes(202, event).length, privateNotes(203, event).length, ticket(202).status, ticket(203).status], SLOW).toEqual([1, 1, 2, 2]);
    await expect.poll(() => effectItems(tab.panel).filter({ hasText: 'Delivered' }).count(), SLOW).toBe(4);
    expect(statusWrites().map((r) => r.body)).toEqual([{ status: 2 }, { status: 2 }]);
    expect(publicWith(event)).toEqual([]);
    const view = await h.context.newPage();
    await view.goto(url(203));
    expect(await view.getByTestId('conversation-status').textContent()).toBe('Open');
    expect(await view.getByTestId('private-note').allTextContents()).toEqual([expect.stringContaining(event)]);
    await view.close();
  });

  it('with "Prevent state changes from reopening" on, the next change posts notes and reopens nothing', async () => {
    await setPreventReopen(options, tab.page, true);
    ticket(202).status = 4;
    const before = statusWrites().length;
    await chooseState(tab.panel, 'Waiting on customer');
    const event = 'moved from In progress to Waiting on customer';
    await expect.poll(() => [privateNotes(202, event).length, privateNotes(203, event).length], SLOW).toEqual([1, 1]);
    await expect.poll(() => effectItems(tab.panel).filter({ hasText: 'Delivered' }).count(), SLOW).toBe(6);
    expect(statusWrites().length).toBe(before);
    expect(ticket(202).status).toBe(4);
    await setPreventReopen(options, tab.page, false);
  });

  it('a cross-posted note lands once as a private note in each ticket, even through a 429 and 500s', async () => {
    await failNext(fd.url, { count: 1, status: 429, retryAfter: 1, match: '/tickets/202/notes' });
    await failNext(fd.url, { count: 2, status: 500, match: '/tickets/203/notes' });
    await crossPost(tab.panel, 'Credit note sent to accounting.');
    await expect.poll(() => [privateNotes(202, 'Credit note sent').length, privateNotes(203, 'Credit note sent').length], SLOW).toEqual([1, 1]);
    await expect.poll(() => effectItems(tab.panel).filter({ hasText: 'Delivered' }).count(), SLOW).toBe(8);
    expect(fd.state.requests.filter((r) => r.injected).map((r) => r.status).sort()).toEqual([429, 500, 500]);
    expect(publicWith('Credit note sent')).toEqual([]);
    await tab.page.waitForTimeout(1000);
    expect([privateNotes(202, 'Credit note sent').length, privateNotes(203, 'Credit note sent').length]).toEqual([1, 1]);
  });

  it('the Conversation preview shows the ticket’s description and conversations from Freshdesk', async () => {
    const text = await previewText(tab.panel, '202', 'The VAT rate is wrong.');
    expect(text).toContain('Corrected.');
    expect(text).toContain('Credit note sent to accounting.');
    expect(text).toContain('Grace Hopper');
    expect(text).not.toContain('Backline ref');
  });

  it('a wrong API key shows a clear failure in Activity, and Retry delivers once it is fixed', async () => {
    await setCredential(h, 'apiKey', 'revoked-credential');
    await crossPost(tab.panel, 'Please confirm the new invoice.');
    const failed = effectItems(tab.panel).filter({ hasText: 'Failed' });
    await expect.poll(() => failed.count(), SLOW).toBe(2);
    expect(await failed.first().textContent()).toContain("Freshdesk refused the credentials (401). Check the connection's API key on the options page");
    expect(privateNotes(202, 'Please confirm the new invoice.')).toHaveLength(0);
    // Fixed: Retry delivers each once.
    await setCredential(h, 'apiKey', FRESHDESK_API_KEY);
    for (let i = 0; i < 2; i++) {
      await failed.first().getByRole('button', { name: 'Retry', exact: true }).click();
      await expect.poll(() => failed.count(), SLOW).toBe(1 - i);
    }
    await expect.poll(() => [privateNotes(202, 'Please confirm the new invoice.').length, privateNotes(203, 'Please confirm the new invoice.').length], SLOW).toEqual([1, 1]);
  });
});
