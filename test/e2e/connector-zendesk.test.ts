/**
 * Zendesk end to end: the built extension in headless Chromium, the Zendesk stand-in on
 * https://acme.zendesk.com (helpdesk-host.ts), so the panel docks on the real host name and the
 * connection's Base URL is the real address. A ticket raised from an on-hold ticket (104) and
 * linked from a solved one (102): Zendesk has no snooze, and closed tickets cannot be changed at
 * all (the unit tests cover that answer).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startZendeskStandin, ZENDESK_EMAIL, ZENDESK_TOKEN } from '../standins/zendesk.mjs';
import { addConnection, chooseState, crossPost, effectItems, failNext, previewText, raiseAndLink, setCredential, setPreventReopen, SLOW, type AgentTab } from './connector-flow';
import { launchWithHelpdesks, type HelpdeskHarness } from './helpdesk-host';

let zd: Awaited<ReturnType<typeof startZendeskStandin>>;
let h: HelpdeskHarness;
let tab: AgentTab;
let options: Page;

const HOST = 'acme.zendesk.com';
const url = (id: number) => `https://${HOST}/agent/tickets/${id}`;
const ticket = (id: number) => zd.state.tickets.find((t) => t.id === id)!;
const privateNotes = (id: number, text: string) => ticket(id).comments.filter((c) => !c.public && c.body.includes(text));
const publicWith = (text: string) => zd.state.tickets.flatMap((t) => t.comments).filter((c) => c.public && c.body.includes(text));
const statusWrites = () => zd.state.requests.filter((r) => r.method === 'PUT' && (r.body as { ticket?: { status?: string } })?.ticket?.status);

beforeAll(async () => {
  zd = await startZendeskStandin();
  h = await launchWithHelpdesks({ hosts: { [HOST]: zd } });
});
afterAll(async () => {
  await h?.close();
  await zd?.close();
});

describe('Zendesk connector in the extension', () => {
  it('the admin adds the connection: Check connection says whose token it is', async () => {
    const added = await addConnection(h, {
      helpdesk: 'Zendesk',
      baseUrl: `https://${HOST}`,
      fields: { Email: ZENDESK_EMAIL, 'API token': ZENDESK_TOKEN },
      expectCheck: 'Connected to Zendesk',
    });
    options = added.options;
    expect(added.checked).toContain(`Connected to Zendesk at https://${HOST} as Priya Shah (${ZENDESK_EMAIL}), agent.`);
  });

  it('a state change posts one private note in each ticket and reopens the on-hold and the solved one', async () => {
    tab = await h.openHelpdeskPage(url(104));
    tab = await raiseAndLink(tab, 'Refund stuck at the bank', url(102), (u, page) => h.openHelpdeskPage(u, page));
    await chooseState(tab.panel, 'In progress');
    const event = 'moved from Submitted to In progress';
    await expect.poll(() => [privateNotes(102, event).length, privateNotes(104, event).length, ticket(102).status, ticket(104).status], SLOW).toEqual([1, 1, 'open', 'open']);
    await expect.poll(() => effectItems(tab.panel).filter({ hasText: 'Delivered' }).count(), SLOW).toBe(4);
    expect(publicWith(event)).toEqual([]);
    // The stand-in's own agent page shows it too.
    const view = await h.context.newPage();
    await view.goto(url(102));
    expect(await view.getByTestId('private-note').allTextContents()).toEqual([expect.stringContaining(event)]);
    await view.close();
  });

  it('with "Prevent state changes from reopening" on, the next change posts notes and reopens nothing', async () => {
    await setPreventReopen(options, tab.page, true);
    ticket(102).status = 'solved';
    const before = statusWrites().length;
    await chooseState(tab.panel, 'Waiting on customer');
    const event = 'moved from In progress to Waiting on customer';
    await expect.poll(() => [privateNotes(102, event).length, privateNotes(104, event).length], SLOW).toEqual([1, 1]);
    await expect.poll(() => effectItems(tab.panel).filter({ hasText: 'Delivered' }).count(), SLOW).toBe(6);
    expect(statusWrites().length).toBe(before);
    expect(ticket(102).status).toBe('solved');
    await setPreventReopen(options, tab.page, false);
  });

  it('a cross-posted note lands once as a private comment in each ticket, even through a 429 and 500s', async () => {
    await failNext(zd.url, { count: 1, status: 429, retryAfter: 1, match: '/tickets/102' });
    await failNext(zd.url, { count: 2, status: 500, match: '/tickets/104' });
    await crossPost(tab.panel, 'Bank confirmed the refund went out.');
    await expect.poll(() => [privateNotes(102, 'Bank confirmed').length, privateNotes(104, 'Bank confirmed').length], SLOW).toEqual([1, 1]);
    await expect.poll(() => effectItems(tab.panel).filter({ hasText: 'Delivered' }).count(), SLOW).toBe(8);
    expect(zd.state.requests.filter((r) => r.injected).map((r) => r.status)).toEqual(expect.arrayContaining([429]));
    expect(publicWith('Bank confirmed')).toEqual([]);
    await tab.page.waitForTimeout(1000);
    expect([privateNotes(102, 'Bank confirmed').length, privateNotes(104, 'Bank confirmed').length]).toEqual([1, 1]);
  });

  it('the Conversation preview shows the ticket’s comments from Zendesk', async () => {
    const text = await previewText(tab.panel, '102', 'My export never finishes.');
    expect(text).toContain('Fixed on our side.');
    expect(text).toContain('Bank confirmed the refund went out.');
    expect(text).toContain('Ada Lovelace');
    expect(text).not.toContain('Backline ref');
  });

  it('a wrong token shows a clear failure in Activity, and Retry delivers once it is fixed', async () => {
    await setCredential(h, 'token', 'revoked-credential');
    await crossPost(tab.panel, 'Please confirm receipt.');
    const failed = effectItems(tab.panel).filter({ hasText: 'Failed' });
    await expect.poll(() => failed.count(), SLOW).toBe(2);
    expect(await failed.first().textContent()).toContain("Zendesk refused the credentials (401). Check the connection's Email and API token on the options page");
    expect(privateNotes(102, 'Please confirm receipt.')).toHaveLength(0);
    // Fixed: Retry delivers each once.
    await setCredential(h, 'token', ZENDESK_TOKEN);
    for (let i = 0; i < 2; i++) {
      await failed.first().getByRole('button', { name: 'Retry', exact: true }).click();
      await expect.poll(() => failed.count(), SLOW).toBe(1 - i);
    }
    await expect.poll(() => [privateNotes(102, 'Please confirm receipt.').length, privateNotes(104, 'Please confirm receipt.').length], SLOW).toEqual([1, 1]);
  });
});
