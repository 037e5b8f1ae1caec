/**
 * The team workspace, end to end: two browser profiles (Alice, a workspace admin; Bob, a member)
 * on one sandbox helpdesk, joined to one workspace server (pouchdb-server, patched as in
 * production CouchDB). What one does, the other sees; a member cannot change what admins own,
 * neither through the options page nor by talking to the server directly; a ticket changed in
 * two places at once shows both versions until someone keeps one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame, Page } from 'playwright-core';
import { startWorkspaceServer, type WorkspaceServer } from '../../scripts/workspace-server.mjs';
import { startSandbox } from '../sandbox/server.mjs';
import { connectSandboxAsAdmin, launch, sendRaw, type Harness } from './harness';

let server: WorkspaceServer;
let serverDir: string;
let sandbox: Awaited<ReturnType<typeof startSandbox>>;
let alice: Harness;
let bob: Harness;
let aliceOptions: Page;
let bobOptions: Page;
let bobPage: { page: Page; panel: Frame };
let alicePage: { page: Page; panel: Frame };

const SLOW = { timeout: 30_000, interval: 200 };
const TITLE = 'Refund the duplicate charge on order 1042';

beforeAll(async () => {
  // On disk, so that the server can be stopped and started again with its data (server down).
  serverDir = mkdtempSync(join(tmpdir(), 'backline-ws-e2e-'));
  server = await startWorkspaceServer({ port: 0, dir: serverDir });
  sandbox = await startSandbox({ port: 0 });
  [alice, bob] = await Promise.all([launch({ sandbox }), launch({ sandbox })]);
  aliceOptions = await alice.openExtensionPage('options.html');
  bobOptions = await bob.openExtensionPage('options.html');
});
afterAll(async () => {
  await Promise.all([alice?.close(), bob?.close()]);
  await sandbox?.close();
  await server?.close();
  rmSync(serverDir, { recursive: true, force: true });
});

const region = (p: Page) => p.getByRole('region', { name: 'Workspace', exact: true });

async function fillJoin(p: Page, url: string, name: string, password: string) {
  const r = region(p);
  await r.getByRole('textbox', { name: 'Workspace server URL', exact: true }).fill(url);
  await r.getByRole('textbox', { name: 'Username', exact: true }).fill(name);
  await r.getByLabel('Password', { exact: true }).fill(password);
  await r.getByRole('button', { name: 'Join workspace', exact: true }).click();
}

const syncStatus = (p: Page) => region(p).getByRole('status');

describe('joining', () => {
  it('a wrong password, an unreachable server and an address that is no database are refused, in words that say which', async () => {
    await fillJoin(aliceOptions, server.dbUrl, 'alice', 'not her password');
    await expect.poll(() => region(aliceOptions).getByRole('alert').textContent(), SLOW).toContain('refused this username and password');
    await fillJoin(aliceOptions, 'http://127.0.0.1:9/backline', 'alice', server.users.admin.password);
    await expect.poll(() => region(aliceOptions).getByRole('alert').textContent(), SLOW).toContain('could not reach the workspace server');
    await fillJoin(aliceOptions, `${sandbox.url}/app`, 'alice', server.users.admin.password);
    await expect.poll(() => region(aliceOptions).getByRole('alert').textContent(), SLOW).toMatch(/no workspace database|not a CouchDB-compatible database/);
    // Nothing was joined.
    expect(await region(aliceOptions).getByRole('button', { name: 'Leave workspace', exact: true }).count()).toBe(0);
  });

  it('Alice joins an empty browser at once and sees Synced', async () => {
    await fillJoin(aliceOptions, server.dbUrl, server.users.admin.name, server.users.admin.password);
    await expect.poll(() => syncStatus(aliceOptions).textContent(), SLOW).toMatch(/^Synced/);
    expect(await region(aliceOptions).getByRole('button', { name: 'Leave workspace', exact: true }).count()).toBe(1);
  });

  it('Bob, with a ticket of his own, is asked, brings it in, and Alice sees it beside the same conversation', async () => {
    bobPage = await bob.openConversation(1);
    await bobPage.panel.getByRole('button', { name: 'New back-office ticket', exact: true }).click();
    await bobPage.panel.getByRole('textbox', { name: 'Title', exact: true }).fill(TITLE);
    await bobPage.panel.getByRole('button', { name: 'Create ticket', exact: true }).click();
    await expect.poll(() => bobPage.panel.getByRole('heading', { name: TITLE, exact: true }).count(), SLOW).toBe(1);

    await bobOptions.bringToFront();
    await fillJoin(bobOptions, server.dbUrl, server.users.member.name, server.users.member.password);
    const dialog = bobOptions.getByRole('dialog', { name: 'Bring local tickets into workspace', exact: true });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Bring them', exact: true }).click();
    await expect.poll(() => syncStatus(bobOptions).textContent(), SLOW).toMatch(/^Synced.*nothing waiting/);

    alicePage = await alice.openConversation(1);
    const linked = alicePage.panel.getByRole('region', { name: 'Linked tickets', exact: true }).getByRole('listitem');
    await expect.poll(() => linked.allTextContents(), SLOW).toEqual([expect.stringContaining(TITLE)]);
    // The panel's footer says the browser is in a workspace and how it syncs.
    await expect.poll(() => alicePage.panel.getByRole('status').filter({ hasText: /^Synced/ }).count(), SLOW).toBe(1);
    // And the queue finds it by a word of its title (the search index is fed by what arrives).
    await alicePage.panel.getByRole('button', { name: 'All tickets', exact: true }).first().click();
    await alicePage.panel.getByRole('searchbox', { name: 'Search tickets', exact: true }).fill('duplicate charg');
    const found = alicePage.panel.getByRole('region', { name: 'Tickets', exact: true }).getByRole('listitem');
    await expect.poll(() => found.allTextContents(), SLOW).toEqual([expect.stringContaining(TITLE)]);
    await alicePage.panel.getByRole('searchbox', { name: 'Search tickets', exact: true }).press('Escape');
    await expect.poll(() => alicePage.panel.getByRole('button', { name: 'New back-office ticket', exact: true }).count(), SLOW).toBe(1);
  });
});

describe('working together', () => {
  it('a state change and a note made by Alice show in Bob’s panel', async () => {
    await alicePage.panel.getByRole('region', { name: 'Linked tickets', exact: true }).getByRole('button', { name: TITLE, exact: true }).click();
    await alicePage.panel.getByRole('button', { name: /^Ticket state/ }).click();
    await alicePage.panel.getByRole('menuitemradio', { name: 'In progress', exact: true }).click();
    await alicePage.panel.getByRole('textbox', { name: 'Note', exact: true }).fill('Bank confirmed the duplicate; refund on its way.');
    await alicePage.panel.getByRole('button', { name: 'Add note', exact: true }).click();

    await bobPage.page.bringToFront();
    await expect.poll(() => bobPage.panel.getByRole('button', { name: /^Ticket state/ }).textContent(), SLOW).toContain('In progress');
    const activity = bobPage.panel.getByRole('region', { name: 'Activity', exact: true }).getByRole('listitem');
    await expect.poll(() => activity.filter({ hasText: 'Bank confirmed the duplicate' }).count(), SLOW).toBe(1);
  });

  it('Alice’s browser delivers her cross-post to the helpdesk once, and Bob sees what became of it', async () => {
    await connectSandboxAsAdmin(alice, 'alice’s admin passphrase');
    await alicePage.page.bringToFront();
    const text = 'Refund issued, reference RF-2201.';
    await alicePage.panel.getByRole('textbox', { name: 'Note', exact: true }).fill(text);
    await alicePage.panel.getByRole('button', { name: 'Cross-post note', exact: true }).click();
    await expect.poll(() => sandbox.state.conversations.find((c) => c.id === 1)!.messages.filter((m) => m.private && m.content.includes(text)).length, SLOW).toBe(1);

    await bobPage.page.bringToFront();
    const activity = bobPage.panel.getByRole('region', { name: 'Activity', exact: true }).getByRole('listitem');
    await expect.poll(() => activity.filter({ hasText: /Internal note in .*delivered/ }).count(), SLOW).toBe(1);
    // Bob's browser has no connection and sends nothing itself: still one note in the helpdesk.
    expect(sandbox.state.conversations.find((c) => c.id === 1)!.messages.filter((m) => m.private && m.content.includes(text)).length).toBe(1);
  });

  it('a change across four conversations reaches Bob as one item that counts the outcomes, each conversation on demand', async () => {
    // Alice links the ticket to conversations 2, 3 and 5 too (through her pages' requests).
    const call = async (type: string, payload: unknown) => {
      const r = (await sendRaw(aliceOptions, { type, payload })) as { ok: boolean; data: unknown };
      expect(r.ok).toBe(true);
      return r.data as never;
    };
    const [summary] = await call('ui:queryTickets', { text: 'duplicate charge', limit: 5 }) as { ticket: { id: string } }[];
    const ticketId = summary!.ticket.id;
    for (const id of ['2', '3', '5']) {
      const { conversationKey } = (await call('ui:hello', { context: { helpdesk: 'chatwoot', origin: sandbox.url, account: '1', conversationId: id, kind: 'conversation' } })) as { conversationKey: string };
      await call('ui:link', { requestId: crypto.randomUUID(), ticketId, conversation: { key: conversationKey } });
    }
    const { ticket } = (await call('ui:ticketView', { ticketId })) as { ticket: { version: number } };
    await call('ui:changeState', { requestId: crypto.randomUUID(), ticketId, baseVersion: ticket.version, stateId: 'waiting' });
    const event = 'moved from In progress to Waiting on customer';
    const notesIn = (id: number) => sandbox.state.conversations.find((c) => c.id === id)!.messages.filter((m) => m.private && m.content.includes(event)).length;
    await expect.poll(() => [1, 2, 3, 5].map(notesIn), SLOW).toEqual([1, 1, 1, 1]);

    // Bob: one item for the change's eight outcomes (a note and a reopen in each conversation).
    await bobPage.page.bringToFront();
    const activity = bobPage.panel.getByRole('region', { name: 'Activity', exact: true });
    const item = activity.getByRole('listitem').filter({ hasText: /Outcomes in 4 linked conversations: / });
    await expect.poll(() => item.count(), SLOW).toBe(1);
    expect(await item.textContent()).toMatch(/delivered \d/);
    const each = item.getByRole('button', { name: 'Each conversation', exact: true });
    expect(await each.getAttribute('aria-expanded')).toBe('false');
    await each.click();
    await expect.poll(() => item.getByRole('listitem').count()).toBe(8);
    expect(await item.getByRole('listitem').filter({ hasText: /^Internal note in .*: delivered$/ }).count()).toBe(4);
  });

  it('a member cannot change ticket types: the options page says so, and the server refuses a direct write', async () => {
    await bobOptions.bringToFront();
    const pass = 'bob’s own admin passphrase';
    await bobOptions.getByLabel('New admin passphrase', { exact: true }).fill(pass);
    await bobOptions.getByLabel('Confirm passphrase', { exact: true }).fill(pass);
    await bobOptions.getByRole('button', { name: 'Set admin passphrase', exact: true }).click();
    await bobOptions.getByLabel('Admin passphrase', { exact: true }).fill(pass);
    await bobOptions.getByRole('button', { name: 'Unlock admin settings', exact: true }).click();
    await bobOptions.getByRole('button', { name: 'Lock admin settings', exact: true }).waitFor();
    const types = bobOptions.getByRole('region', { name: 'Ticket types', exact: true });
    await expect.poll(() => types.getByRole('button', { name: 'Add ticket type', exact: true }).isDisabled(), SLOW).toBe(true);
    expect(await types.getByText('Only a workspace admin can change ticket types in this team workspace.').count()).toBe(1);

    // Bob's own browser could be tampered with; the server is not.
    const auth = 'Basic ' + Buffer.from(`${server.users.member.name}:${server.users.member.password}`).toString('base64');
    const res = await fetch(`${server.dbUrl}/type:sneaky`, {
      method: 'PUT',
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'type', author: server.users.member.name, record: { id: 'sneaky', name: 'Sneaky' } }),
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { reason: string }).reason).toContain('Only a workspace admin may change ticket types');
  });

  it('both change the title while the server is down: the changes wait, go out when it is back, and the conflict is shown on both and settled by Keep this', async () => {
    const port = Number(new URL(server.url).port);
    await server.close();
    const edit = async (who: { page: Page; panel: Frame }, title: string) => {
      await who.page.bringToFront();
      const heading = who.panel.getByRole('heading', { level: 1 });
      await heading.getByRole('button').click();
      await who.panel.getByRole('textbox', { name: 'Title', exact: true }).fill(title);
      await who.panel.getByRole('textbox', { name: 'Title', exact: true }).press('Enter');
      await expect.poll(() => who.panel.getByRole('heading', { name: title, exact: true }).count(), SLOW).toBe(1);
    };
    await edit(alicePage, 'Refund approved by the bank');
    await edit(bobPage, 'Refund refused: card expired');
    // Each browser says it is offline and that its change waits (the ticket and its activity item).
    await aliceOptions.bringToFront();
    await expect.poll(() => syncStatus(aliceOptions).textContent(), SLOW).toMatch(/^Offline.*2 local changes waiting/);

    server = await startWorkspaceServer({ port, dir: serverDir });
    await expect.poll(() => syncStatus(aliceOptions).textContent(), { timeout: 60_000, interval: 250 }).toMatch(/^Synced.*nothing waiting/);

    for (const who of [alicePage, bobPage]) {
      await who.page.bringToFront();
      const conflicts = who.panel.getByRole('region', { name: 'Conflicting changes', exact: true });
      await expect.poll(() => conflicts.count(), { timeout: 60_000, interval: 250 }).toBe(1);
      await expect
        .poll(() => conflicts.getByRole('listitem').allTextContents(), SLOW)
        .toEqual(expect.arrayContaining([expect.stringMatching(/Refund refused: card expired.*bob/), expect.stringMatching(/Refund approved by the bank.*alice/)]));
    }
    await alicePage.page.bringToFront();
    await alicePage.panel
      .getByRole('region', { name: 'Conflicting changes', exact: true })
      .getByRole('listitem')
      .filter({ hasText: 'Refund approved by the bank' })
      .getByRole('button', { name: 'Keep this', exact: true })
      .click();

    for (const who of [alicePage, bobPage]) {
      await who.page.bringToFront();
      await expect.poll(() => who.panel.getByRole('region', { name: 'Conflicting changes', exact: true }).count(), SLOW).toBe(0);
      await expect.poll(() => who.panel.getByRole('heading', { name: 'Refund approved by the bank', exact: true }).count(), SLOW).toBe(1);
    }
    // Nothing lost: both title changes are in the ticket's activity on both browsers.
    for (const who of [alicePage, bobPage]) {
      const activity = who.panel.getByRole('region', { name: 'Activity', exact: true }).getByRole('listitem');
      await expect.poll(() => activity.filter({ hasText: 'Refund refused: card expired' }).count(), SLOW).toBeGreaterThan(0);
      await expect.poll(() => activity.filter({ hasText: 'Refund approved by the bank' }).count(), SLOW).toBeGreaterThan(0);
    }
  });

  it('Leave workspace stops syncing and keeps the tickets on this browser', async () => {
    await bobOptions.bringToFront();
    await region(bobOptions).getByRole('button', { name: 'Leave workspace', exact: true }).click();
    await region(bobOptions).getByRole('button', { name: 'Join workspace', exact: true }).waitFor();
    await bobPage.page.bringToFront();
    await expect.poll(() => bobPage.panel.getByRole('status').filter({ hasText: /^Synced/ }).count(), SLOW).toBe(0);
    expect(await bobPage.panel.getByRole('heading', { name: 'Refund approved by the bank', exact: true }).count()).toBe(1);
  });
});
