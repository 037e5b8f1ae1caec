/**
 * The options page end to end, through the UI contract's roles and names: admin lock, the
 * workspace setting, a refused write from a content script and from the panel, ticket types
 * reaching the panel, connections, and export → delete → import.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_TOKEN } from '../sandbox/server.mjs';
import { launch, sendRaw, type Harness } from './harness';

let h: Harness;
let options: Page;
const PASS = 'correct horse battery staple';
const SWITCH = 'Prevent state changes from reopening linked conversations';

beforeAll(async () => {
  h = await launch();
  options = await h.openExtensionPage('options.html');
  options.on('pageerror', (e) => console.log('pageerror:', e.message));
});
afterAll(async () => {
  await h?.close();
});

const toggle = () => options.getByRole('switch', { name: SWITCH, exact: true });
type Reply<T = unknown> = { ok: true; data: T } | { ok: false; error: { code: string; message: string } };
let seq = 0;
const rid = () => `0198c0de-0000-7000-8000-${String(++seq).padStart(12, '0')}`;

async function unlock() {
  await options.getByLabel('Admin passphrase', { exact: true }).fill(PASS);
  await options.getByRole('button', { name: 'Unlock admin settings', exact: true }).click();
  await options.getByRole('button', { name: 'Lock admin settings', exact: true }).waitFor();
}

const fromContentScript = (page: Page, expression: string) => h.evaluateInContentScript(page, expression);

describe('admin access and the workspace setting', () => {
  it('sets the passphrase; the switch stays disabled while locked; a wrong passphrase fails', async () => {
    await options.getByLabel('New admin passphrase', { exact: true }).fill(PASS);
    await options.getByLabel('Confirm passphrase', { exact: true }).fill(`${PASS}?`);
    await options.getByRole('button', { name: 'Set admin passphrase', exact: true }).click();
    await expect.poll(() => options.getByRole('alert').textContent()).toMatch(/do not match/);

    await options.getByLabel('Confirm passphrase', { exact: true }).fill(PASS);
    await options.getByRole('button', { name: 'Set admin passphrase', exact: true }).click();
    await options.getByRole('button', { name: 'Unlock admin settings', exact: true }).waitFor();
    expect(await options.getByLabel('Admin passphrase', { exact: true }).getAttribute('type')).toBe('password');

    expect(await toggle().isChecked()).toBe(false);
    expect(await toggle().isDisabled()).toBe(true);

    await options.getByLabel('Admin passphrase', { exact: true }).fill('not the passphrase');
    await options.getByRole('button', { name: 'Unlock admin settings', exact: true }).click();
    await expect.poll(() => options.getByRole('alert').textContent()).toMatch(/not the admin passphrase/);
    expect(await toggle().isDisabled()).toBe(true);
    expect(await options.getByRole('button', { name: 'Lock admin settings', exact: true }).count()).toBe(0);
  });

  it('unlocks (after the short wait a wrong guess costs), turns the setting on, and it is still on after a reload', async () => {
    await unlock(); // the click waits while the button is disabled by the throttle
    expect(await toggle().isDisabled()).toBe(false);
    await toggle().check();
    await expect.poll(() => options.getByRole('status').first().textContent()).toMatch(/no longer reopen/);
    expect(await toggle().isChecked()).toBe(true);

    await options.reload();
    await expect.poll(() => toggle().isChecked()).toBe(true);
    // The unlock lasts across reloads (until the browser closes or the admin locks).
    expect(await toggle().isDisabled()).toBe(false);
    expect(await sendRaw(options, { type: 'ui:getSettings', payload: {} })).toMatchObject({ ok: true, data: { preventReopen: true } });
  });

  it('locks again: the switch is disabled and the background refuses the write', async () => {
    await options.getByRole('button', { name: 'Lock admin settings', exact: true }).click();
    await options.getByRole('button', { name: 'Unlock admin settings', exact: true }).waitFor();
    await expect.poll(() => toggle().isDisabled()).toBe(true);
    expect(
      await sendRaw(options, { type: 'admin:saveSettings', payload: { requestId: rid(), settings: { preventReopen: false } } }),
    ).toMatchObject({ ok: false, error: { code: 'locked' } });
  });

  it('a settings write from a content script or from the panel is refused, even while unlocked', async () => {
    await unlock();
    const { page, panel } = await h.openConversation(1);
    const payload = { requestId: rid(), settings: { preventReopen: false } };
    const forged = await fromContentScript(page, `chrome.runtime.sendMessage(${JSON.stringify({ type: 'admin:saveSettings', payload })})`);
    expect(forged).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    // Reading the unlock flag is not possible from there either.
    const read = `(async () => { try { await chrome.storage.session.get('adminUnlocked'); return 'read'; } catch (e) { return 'refused: ' + e.message; } })()`;
    expect(await fromContentScript(page, read)).toMatch(/^refused/);
    expect(await sendRaw(panel, { type: 'admin:saveSettings', payload: { ...payload, requestId: rid() } })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await sendRaw(panel, { type: 'opt:unlock', payload: { passphrase: PASS } })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await sendRaw(panel, { type: 'ui:getSettings', payload: {} })).toMatchObject({ ok: true, data: { preventReopen: true } });
    await page.close();
    await options.reload();
    await expect.poll(() => toggle().isChecked()).toBe(true);
  });
});

describe('ticket types', () => {
  it('adds a type with a list attribute, and the panel’s new-ticket form offers it', async () => {
    await options.getByRole('button', { name: 'Add ticket type', exact: true }).click();
    await options.getByRole('textbox', { name: 'Type name', exact: true }).fill('Hardware');
    await options.getByRole('button', { name: 'Add attribute', exact: true }).click();
    await options.getByRole('textbox', { name: 'Attribute name', exact: true }).fill('Device');
    await options.getByRole('combobox', { name: 'Attribute type', exact: true }).selectOption({ label: 'List' });
    await options.getByLabel('List items', { exact: true }).fill('Laptop\nPhone\nTablet');
    await options.getByLabel('Required', { exact: true }).check();
    await options.getByRole('button', { name: 'Save attribute', exact: true }).click();
    await options.getByRole('button', { name: 'Save ticket type', exact: true }).click();
    const attrs = options.getByRole('list', { name: 'Custom attributes of Hardware', exact: true });
    await expect.poll(() => attrs.textContent()).toContain('Device — List, required: Laptop, Phone, Tablet');

    const { page, panel } = await h.openConversation(1);
    await panel.getByRole('button', { name: 'New back-office ticket', exact: true }).click();
    await panel.getByRole('textbox', { name: 'Title', exact: true }).fill('Laptop will not boot');
    const type = panel.getByRole('combobox', { name: 'Ticket type', exact: true });
    expect(await type.locator('option').allTextContents()).toContain('Hardware');
    await type.selectOption({ label: 'Hardware' });
    const device = panel.getByRole('combobox', { name: 'Device', exact: true });
    expect(await device.locator('option').allTextContents()).toEqual(['Choose…', 'Laptop', 'Phone', 'Tablet']);
    await device.selectOption('Laptop');
    await panel.getByRole('button', { name: 'Create ticket', exact: true }).click();
    await expect.poll(() => panel.getByRole('heading', { name: 'Laptop will not boot', exact: true }).count()).toBe(1);

    // A note on it, for the export below.
    await panel.getByRole('textbox', { name: 'Note', exact: true }).fill('Sent a replacement charger.');
    await panel.getByRole('button', { name: 'Add note', exact: true }).click();
    await expect.poll(() => panel.getByRole('region', { name: 'Activity', exact: true }).textContent()).toContain('Sent a replacement charger.');
    await page.close();
  });
});

describe('connections', () => {
  it('adds a Chatwoot connection, checks it against the helpdesk and never shows the token again', async () => {
    await options.getByRole('button', { name: 'Add connection', exact: true }).click();
    const helpdesk = options.getByRole('combobox', { name: 'Helpdesk', exact: true });
    expect(await helpdesk.locator('option').allTextContents()).toContain('Chatwoot');
    await helpdesk.selectOption({ label: 'Chatwoot' });
    await options.getByRole('textbox', { name: 'Base URL', exact: true }).fill(h.sandbox.url);
    await options.getByRole('textbox', { name: 'Account ID', exact: true }).fill('1');
    await options.getByLabel('API access token', { exact: true }).fill(SANDBOX_TOKEN);
    expect(await options.getByLabel('API access token', { exact: true }).inputValue()).toBe(SANDBOX_TOKEN);
    await options.getByRole('button', { name: 'Check connection', exact: true }).click();
    await expect.poll(() => options.getByRole('status').filter({ hasText: 'Connected to Chatwoot' }).count()).toBe(1);
    await options.getByRole('button', { name: 'Save connection', exact: true }).click();
    await expect.poll(() => options.getByRole('region', { name: 'Connections', exact: true }).textContent()).toMatch(/account 1 · API access token ••••/);
    expect(await options.content()).not.toContain(SANDBOX_TOKEN);
    const ws = (await sendRaw(options, { type: 'opt:workspace', payload: {} })) as Reply;
    expect(JSON.stringify(ws)).not.toContain(SANDBOX_TOKEN);
  });

  it('the token is a password field, and a changed Base URL without the token again is refused before anything is sent', async () => {
    // Another address that records whatever reaches it.
    const seen: IncomingHttpHeaders[] = [];
    const elsewhere = createServer((req, res) => {
      seen.push(req.headers);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
    const otherUrl = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}`;
    try {
      const region = options.getByRole('region', { name: 'Connections', exact: true });
      await region.getByRole('button', { name: `Edit connection Chatwoot · ${new URL(h.sandbox.url).host}`, exact: true }).click();
      const token = options.getByLabel('API access token', { exact: true });
      expect(await token.getAttribute('type')).toBe('password');
      await options.getByRole('textbox', { name: 'Base URL', exact: true }).fill(otherUrl);
      await options.getByRole('button', { name: 'Check connection', exact: true }).click();
      await expect.poll(() => options.getByRole('alert').filter({ hasText: 'Enter the API access token again' }).count()).toBe(1);
      await options.getByRole('button', { name: 'Save connection', exact: true }).click();
      await expect.poll(() => options.getByRole('alert').filter({ hasText: 'Enter the API access token again' }).count()).toBe(1);
      expect(seen).toHaveLength(0);
      await options.getByRole('button', { name: 'Cancel', exact: true }).click();
      await expect.poll(() => region.textContent()).toContain(h.sandbox.url);
    } finally {
      elsewhere.close();
    }
  });
});

describe('data: export, delete, import', () => {
  let exportPath = '';
  let panelPage: Page;
  let panel: Frame;

  const tickets = async () => {
    const r = (await sendRaw(options, { type: 'ui:queryTickets', payload: {} })) as Reply<{ ticket: { id: string; title: string } }[]>;
    if (!r.ok) throw new Error(r.error.message);
    return r.data;
  };
  const ticketView = async (ticketId: string) => {
    const r = (await sendRaw(options, { type: 'ui:ticketView', payload: { ticketId } })) as Reply<{
      activity: { type: string; body?: string }[];
      links: { link: { conversationKey: string } }[];
    }>;
    if (!r.ok) throw new Error(r.error.message);
    return r.data;
  };
  /** Everything that must survive, in a comparable form. */
  const snapshot = async () => {
    const out: Record<string, { notes: string[]; links: string[] }> = {};
    for (const s of await tickets()) {
      const v = await ticketView(s.ticket.id);
      out[s.ticket.title] = {
        notes: v.activity.filter((a) => a.type === 'note').map((a) => a.body!),
        links: v.links.map((l) => l.link.conversationKey).sort(),
      };
    }
    return out;
  };
  let before: Awaited<ReturnType<typeof snapshot>>;

  it('exports every ticket, note and link to a JSON file', async () => {
    // A second ticket, linked to two conversations, made through the protocol from the panel.
    ({ page: panelPage, panel } = await h.openConversation(2));
    const hello = (await sendRaw(panel, { type: 'ui:hello', payload: {} })) as Reply<{ conversationKey: string }>;
    const key2 = hello.ok ? hello.data.conversationKey : '';
    const created = (await sendRaw(panel, {
      type: 'ui:createTicket',
      payload: { requestId: rid(), title: 'Refund twice', typeId: 'type-general', conversation: { key: key2 } },
    })) as Reply<{ id: string }>;
    expect(created.ok).toBe(true);
    const ticketId = created.ok ? created.data.id : '';
    const linked = (await sendRaw(options, { type: 'ui:queryTickets', payload: { text: 'Laptop' } })) as Reply<{ ticket: { id: string } }[]>;
    const key1 = (await ticketView(linked.ok ? linked.data[0]!.ticket.id : '')).links[0]!.link.conversationKey;
    expect(await sendRaw(panel, { type: 'ui:link', payload: { requestId: rid(), ticketId, conversation: { key: key1 } } })).toMatchObject({ ok: true });
    expect(await sendRaw(panel, { type: 'ui:addNote', payload: { requestId: rid(), ticketId, body: 'Payments confirmed.', crossPost: true } })).toMatchObject({
      ok: true,
    });

    before = await snapshot();
    expect(before).toEqual({
      'Laptop will not boot': { notes: ['Sent a replacement charger.'], links: [key1] },
      'Refund twice': { notes: ['Payments confirmed.'], links: [key1, key2].sort() },
    });

    const download = options.waitForEvent('download');
    await options.getByRole('button', { name: 'Export data', exact: true }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^backline-export-\d{4}-\d{2}-\d{2}\.json$/);
    exportPath = (await file.path())!;
    const text = readFileSync(exportPath, 'utf8');
    // Compact: no indentation (a large export is a third of the size).
    expect(text).not.toContain('\n');
    const json = JSON.parse(text);
    expect(json).toMatchObject({ format: 'backline-export', version: 1 });
    expect(json.data.tickets).toHaveLength(2);
    expect(JSON.stringify(json)).not.toContain(SANDBOX_TOKEN);
  });

  it('deletes all data (after a confirmation)', async () => {
    await options.getByRole('button', { name: 'Delete all data', exact: true }).click();
    const dialog = options.getByRole('dialog', { name: 'Delete all data?', exact: true });
    await dialog.getByRole('button', { name: 'Delete everything', exact: true }).click();
    await expect.poll(async () => (await tickets()).length).toBe(0);
    // Open panels follow: the conversation shows no linked ticket any more.
    await expect.poll(() => panel.getByRole('region', { name: 'Linked tickets', exact: true }).getByRole('listitem').count()).toBe(0);
    // The ticket type added above is gone with the data; the connection (configuration) stays.
    await expect.poll(() => options.getByRole('list', { name: 'Custom attributes of Hardware', exact: true }).count()).toBe(0);
    expect(await options.getByRole('region', { name: 'Connections', exact: true }).textContent()).toContain('account 1');
  });

  it('a malformed import is refused with the reason and changes nothing', async () => {
    const bad = JSON.parse(readFileSync(exportPath, 'utf8'));
    bad.data.tickets[1].number = 0;
    await options.getByLabel('Import data from a file', { exact: true }).setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(bad)) });
    await expect.poll(() => options.getByRole('region', { name: 'Data', exact: true }).getByRole('alert').textContent()).toMatch(
      /This file cannot be imported: tickets\[1\]\.number: expected a positive integer, got 0\. Nothing was changed\./,
    );
    expect(await options.getByRole('dialog').count()).toBe(0);
    await options.getByLabel('Import data from a file', { exact: true }).setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
    await expect.poll(() => options.getByRole('region', { name: 'Data', exact: true }).getByRole('alert').textContent()).toMatch(/not valid JSON/);
    expect(await tickets()).toHaveLength(0);
  });

  it('imports the export: every ticket, note and link is back, and the panel shows them', async () => {
    await options.getByLabel('Import data from a file', { exact: true }).setInputFiles(exportPath);
    const dialog = options.getByRole('dialog', { name: 'Replace all data with this file?', exact: true });
    await expect.poll(() => dialog.textContent()).toMatch(/2 tickets, 2 notes, 3 links/);
    await dialog.getByRole('button', { name: 'Replace all data', exact: true }).click();
    await expect.poll(() => options.getByRole('status').first().textContent()).toMatch(/Imported 2 tickets/);
    expect(await snapshot()).toEqual(before);
    await expect.poll(() => options.getByRole('list', { name: 'Custom attributes of Hardware', exact: true }).count()).toBe(1);

    // The open panel on conversation 2 shows its ticket again.
    const items = panel.getByRole('region', { name: 'Linked tickets', exact: true }).getByRole('listitem');
    await expect.poll(() => items.count()).toBe(1);
    expect(await items.textContent()).toContain('Refund twice');
    // The workspace setting came back with the data.
    await expect.poll(() => toggle().isChecked()).toBe(true);
    await panelPage.close();
  });
});
