/**
 * Editing a ticket in place, end to end: no silent overwrite across tabs, Escape cancels, the
 * panel shows what a write returned at once, and a failed search is shown as an error.
 *
 * Two tabs (A and B) show the same ticket, as two agents (or one agent in two windows) would.
 * What is saved is read from the background with `ui:ticketView`, as any extension page can.
 *
 * Two faults are injected where the UI contract names no control for them:
 * - "the re-read never comes back": tab A's panel holds its `ui:ticketView` requests (the
 *   panel's own re-read after a change event) until the test releases them, as when the re-read
 *   meets a service worker that is being stopped;
 * - "the background's search fails": a ticket record the search cannot read (a number as its
 *   title) is written straight into the background's IndexedDB from the service worker, and
 *   removed afterwards.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame, Page } from 'playwright-core';
import type { Ticket } from '../../lib/model/domain';
import type { TicketView } from '../../lib/model/views';
import { launch, sendRaw, type Harness } from './harness';
import { controlWorker } from './worker-control';

let h: Harness;
let a: { page: Page; panel: Frame };
let b: { page: Page; panel: Frame };
let ticketId = '';

const TITLE = 'Card charged twice';

beforeAll(async () => {
  h = await launch();
  a = await h.openConversation(1);
  await a.panel.getByRole('button', { name: 'New back-office ticket', exact: true }).click();
  await a.panel.getByRole('textbox', { name: 'Title', exact: true }).fill(TITLE);
  await a.panel.getByRole('combobox', { name: 'Ticket type', exact: true }).selectOption({ label: 'Bug report' });
  await a.panel.getByRole('combobox', { name: 'Severity', exact: true }).selectOption('Low');
  await a.panel.getByRole('button', { name: 'Create ticket', exact: true }).click();
  await a.panel.getByRole('heading', { name: TITLE, exact: true }).waitFor();
  const found = (await sendRaw(a.panel, { type: 'ui:queryTickets', payload: { text: '#1' } })) as { data: { ticket: Ticket }[] };
  ticketId = found.data[0]!.ticket.id;

  b = await h.openConversation(1);
  await b.panel.getByRole('button', { name: TITLE, exact: true }).click();
  await b.panel.getByRole('heading', { name: TITLE, exact: true }).waitFor();
});
afterAll(async () => {
  await h?.close();
});

/** The ticket as the background has it now (asked from tab B: tab A's reads are held in one test). */
async function saved(): Promise<TicketView> {
  const reply = (await sendRaw(b.panel, { type: 'ui:ticketView', payload: { ticketId } })) as { ok: boolean; data: TicketView };
  expect(reply.ok).toBe(true);
  return reply.data;
}

const activity = (panel: Frame) => panel.getByRole('region', { name: 'Activity', exact: true }).getByRole('listitem');
const conflict = (panel: Frame, field: string) => panel.getByRole('group', { name: `Conflicting change to ${field}`, exact: true });

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** WCAG A/AA violations in the frame, as in accessibility.test.ts. */
async function audit(target: Frame): Promise<string[]> {
  return (await target.evaluate(
    `(async () => { ${axeSource}; const r = await axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }); return r.violations.map(v => v.impact + ': ' + v.id + ' at ' + v.nodes.map(n => n.target.join(' ')).join(', ')); })()`,
  )) as string[];
}

/** Waits until the tabs show `title` as the heading. */
async function showsTitle(title: string, tabs = [a, b]) {
  for (const tab of tabs) await expect.poll(() => tab.panel.getByRole('heading', { name: title, exact: true }).count()).toBe(1);
}

/**
 * Adds a note in tab A and waits for it: a write sent after everything before it, so that
 * whatever an earlier key press would have saved has reached the store by then.
 */
async function settle(text: string) {
  await a.panel.getByRole('textbox', { name: 'Note', exact: true }).fill(text);
  await a.panel.getByRole('button', { name: 'Add note', exact: true }).click();
  await expect.poll(() => activity(a.panel).filter({ hasText: text }).count()).toBe(1);
}

/** The edits (attribute, state and assignment changes) in the ticket's activity log. */
const edits = (view: TicketView) => view.activity.filter((x) => x.type === 'attribute' || x.type === 'state' || x.type === 'assignment');

describe('editing a ticket open in two tabs', () => {
  it('a title saved in tab B while tab A is editing it is a conflict tab A sees; Escape then saves nothing; "Keep mine" saves A’s over it', async () => {
    await a.panel.getByRole('button', { name: TITLE, exact: true }).click();
    const titleA = a.panel.getByRole('textbox', { name: 'Title', exact: true });
    await titleA.fill('Title typed in A');

    await b.panel.getByRole('button', { name: TITLE, exact: true }).click();
    const titleB = b.panel.getByRole('textbox', { name: 'Title', exact: true });
    await titleB.fill('Title saved in B');
    await titleB.press('Enter');
    await showsTitle('Title saved in B', [b]);

    // A's save is refused: both values are shown, with who saved the other and when.
    await titleA.press('Enter');
    const group = conflict(a.panel, 'Title');
    await expect.poll(() => group.count()).toBe(1);
    const alert = group.getByRole('alert');
    expect(await alert.textContent()).toContain('Title was changed in another tab or window after you started editing, so your change was not saved.');
    const text = await group.textContent();
    expect(text).toContain('Title typed in A');
    expect(text).toContain('Title saved in B');
    expect(await group.locator('time').count()).toBe(1);
    expect(await audit(a.panel)).toEqual([]);
    expect((await saved()).ticket.title).toBe('Title saved in B');

    // Escape cancels: the editor closes and nothing is sent again.
    await titleA.press('Escape');
    await expect.poll(() => group.count()).toBe(0);
    expect(await a.panel.getByRole('heading', { name: 'Title saved in B', exact: true }).count()).toBe(1);
    await settle('After escaping the title conflict');
    const afterEscape = await saved();
    expect(afterEscape.ticket.title).toBe('Title saved in B');
    expect(afterEscape.activity.filter((x) => x.type === 'attribute' && x.field === 'title')).toHaveLength(1);

    // Once more, and this time A keeps theirs: saved against the version now saved.
    await a.panel.getByRole('button', { name: 'Title saved in B', exact: true }).click();
    await titleA.fill('Title kept from A');
    await b.panel.getByRole('button', { name: 'Title saved in B', exact: true }).click();
    await titleB.fill('Title saved in B again');
    await titleB.press('Enter');
    await showsTitle('Title saved in B again', [b]);
    await titleA.press('Enter');
    await expect.poll(() => group.count()).toBe(1);
    expect(await group.textContent()).toContain('Title saved in B again');
    await group.getByRole('button', { name: 'Keep mine', exact: true }).click();
    await showsTitle('Title kept from A');
    expect(await group.count()).toBe(0);
    expect((await saved()).ticket.title).toBe('Title kept from A');
    await expect.poll(() => activity(a.panel).filter({ hasText: 'Changed Title from “Title saved in B again” to “Title kept from A”' }).count()).toBe(1);
  });

  it('a custom attribute saved in tab B while tab A is editing it is a conflict; "Use saved value" takes B’s', async () => {
    await a.panel.getByRole('button', { name: 'Severity Low', exact: true }).click();
    await a.panel.getByRole('combobox', { name: 'Severity', exact: true }).selectOption('High');

    await b.panel.getByRole('button', { name: 'Severity Low', exact: true }).click();
    await b.panel.getByRole('combobox', { name: 'Severity', exact: true }).selectOption('Critical');
    await b.panel.getByRole('button', { name: 'Save', exact: true }).click();
    // Tab A's editor is still open; B shows the saved value, and the store has it.
    await expect.poll(() => b.panel.getByRole('button', { name: 'Severity Critical', exact: true }).count()).toBe(1);
    expect((await saved()).ticket.attributes['attr-severity']).toBe('Critical');

    await a.panel.getByRole('button', { name: 'Save', exact: true }).click();
    const group = conflict(a.panel, 'Severity');
    await expect.poll(() => group.count()).toBe(1);
    expect(await group.getByRole('alert').textContent()).toContain('Severity was changed in another tab or window');
    const text = await group.textContent();
    expect(text).toContain('High');
    expect(text).toContain('Critical');

    await group.getByRole('button', { name: 'Use saved value', exact: true }).click();
    await expect.poll(() => a.panel.getByRole('button', { name: 'Severity Critical', exact: true }).count()).toBe(1);
    expect(await group.count()).toBe(0);
    await settle('After taking the saved severity');
    const view = await saved();
    expect(view.ticket.attributes['attr-severity']).toBe('Critical');
    expect(view.activity.filter((x) => x.type === 'attribute' && x.field === 'attr-severity').map((x) => x.type === 'attribute' && x.to)).toEqual(['Critical']);
  });

  it('a description saved in tab B while tab A is editing it is a conflict showing both; Escape keeps B’s', async () => {
    await a.panel.getByRole('button', { name: 'Edit Description', exact: true }).click();
    const editorA = a.panel.getByRole('textbox', { name: 'Description', exact: true });
    await editorA.click();
    await a.page.keyboard.type('Written in tab A');

    await b.panel.getByRole('button', { name: 'Edit Description', exact: true }).click();
    const editorB = b.panel.getByRole('textbox', { name: 'Description', exact: true });
    await editorB.click();
    await b.page.keyboard.type('Written in tab B');
    await b.panel.getByRole('button', { name: 'Save description', exact: true }).click();
    await expect.poll(() => b.panel.locator('.rich').textContent()).toBe('Written in tab B');

    await a.panel.getByRole('button', { name: 'Save description', exact: true }).click();
    const group = conflict(a.panel, 'Description');
    await expect.poll(() => group.count()).toBe(1);
    expect(await group.getByRole('alert').textContent()).toContain('Description was changed in another tab or window');
    const text = await group.textContent();
    expect(text).toContain('Written in tab A');
    expect(text).toContain('Written in tab B');

    await editorA.press('Escape');
    await expect.poll(() => group.count()).toBe(0);
    await expect.poll(() => a.panel.locator('.rich').textContent()).toBe('Written in tab B');
    await settle('After escaping the description conflict');
    expect((await saved()).ticket.description).toBe('<p>Written in tab B</p>');
  });

  it('a field tab B did not touch is no conflict: A’s User is saved on top of B’s title', async () => {
    const before = (await saved()).ticket;
    const userName = `User ${before.user || 'not set'}`;
    await a.panel.getByRole('button', { name: userName, exact: true }).click();
    const user = a.panel.getByRole('textbox', { name: 'User', exact: true });
    await user.fill('Dana Customer');

    await b.panel.getByRole('button', { name: before.title, exact: true }).click();
    const titleB = b.panel.getByRole('textbox', { name: 'Title', exact: true });
    await titleB.fill('Title while A edits User');
    await titleB.press('Enter');
    await showsTitle('Title while A edits User');

    await user.press('Enter');
    await expect.poll(() => a.panel.getByRole('button', { name: 'User Dana Customer', exact: true }).count()).toBe(1);
    expect(await conflict(a.panel, 'User').count()).toBe(0);
    const after = (await saved()).ticket;
    expect(after).toMatchObject({ title: 'Title while A edits User', user: 'Dana Customer' });
    await expect.poll(() => b.panel.getByRole('button', { name: 'User Dana Customer', exact: true }).count()).toBe(1);
  });
});

describe('Escape cancels an edit', () => {
  it('in the Title, User, Company, custom attribute and Description editors, saving nothing', async () => {
    // Only tab A is used from here on: in front, its timers are not throttled.
    await a.page.bringToFront();
    const before = await saved();
    const { ticket } = before;
    const keys = a.page.keyboard;

    await a.panel.getByRole('button', { name: ticket.title, exact: true }).click();
    await a.panel.getByRole('textbox', { name: 'Title', exact: true }).fill('Escaped title');
    await keys.press('Escape');
    await expect.poll(() => a.panel.getByRole('heading', { name: ticket.title, exact: true }).count()).toBe(1);

    for (const [label, value] of [
      ['User', ticket.user],
      ['Company', ticket.company],
    ] as const) {
      await a.panel.getByRole('button', { name: `${label} ${value || 'not set'}`, exact: true }).click();
      await a.panel.getByRole('textbox', { name: label, exact: true }).fill(`Escaped ${label}`);
      await keys.press('Escape');
      await expect.poll(() => a.panel.getByRole('button', { name: `${label} ${value || 'not set'}`, exact: true }).count()).toBe(1);
      expect(await a.panel.getByRole('textbox', { name: label, exact: true }).count()).toBe(0);
    }

    // The single-line fields saved on the blur that closing them caused: check the store now.
    await settle('After escaping the text fields');
    const afterText = await saved();
    expect(afterText.ticket).toMatchObject({ title: ticket.title, user: ticket.user, company: ticket.company, version: ticket.version });
    expect(edits(afterText)).toEqual(edits(before));

    const severity = `Severity ${String(ticket.attributes['attr-severity'])}`;
    await a.panel.getByRole('button', { name: severity, exact: true }).click();
    await a.panel.getByRole('combobox', { name: 'Severity', exact: true }).selectOption(ticket.attributes['attr-severity'] === 'Medium' ? 'High' : 'Medium');
    await keys.press('Escape');
    await expect.poll(() => a.panel.getByRole('button', { name: severity, exact: true }).count()).toBe(1);
    // Also from the editor's own buttons, and the panel stays on the ticket.
    await a.panel.getByRole('button', { name: severity, exact: true }).click();
    await a.panel.getByRole('combobox', { name: 'Severity', exact: true }).selectOption(ticket.attributes['attr-severity'] === 'Medium' ? 'High' : 'Medium');
    await a.panel.getByRole('button', { name: 'Save', exact: true }).focus();
    await keys.press('Escape');
    await expect.poll(() => a.panel.getByRole('button', { name: severity, exact: true }).count()).toBe(1);
    expect(await a.panel.getByRole('heading', { name: ticket.title, exact: true }).count()).toBe(1);

    await a.panel.getByRole('button', { name: 'Edit Description', exact: true }).click();
    await a.panel.getByRole('textbox', { name: 'Description', exact: true }).click();
    await keys.type(' and escaped text');
    await keys.press('Escape');
    await expect.poll(() => a.panel.getByRole('button', { name: 'Edit Description', exact: true }).count()).toBe(1);
    expect(await a.panel.locator('.description').textContent()).not.toContain('escaped text');

    // Focus returns to the field's button, so the keyboard stays where the agent was.
    await expect.poll(() => a.panel.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Edit Description');

    await settle('After escaping the other editors');
    const after = await saved();
    expect(after.ticket).toMatchObject({
      title: ticket.title,
      user: ticket.user,
      company: ticket.company,
      description: ticket.description,
      attributes: ticket.attributes,
      version: ticket.version,
    });
    expect(edits(after)).toEqual(edits(before));
  });
});

describe('what a write returns', () => {
  it('shows at once, without the re-read, and the next edit of the same field is accepted', async () => {
    const { ticket } = await saved();
    // From here, tab A's panel re-reads the ticket only when the test says so.
    await a.panel.evaluate(() => {
      const w = window as unknown as { __releaseReads?: () => void };
      const held: (() => void)[] = [];
      const runtimes = [(globalThis as unknown as { browser?: typeof chrome }).browser?.runtime, chrome.runtime].filter((r) => !!r);
      const restore: (() => void)[] = [];
      for (const runtime of new Set(runtimes)) {
        const send = runtime!.sendMessage;
        runtime!.sendMessage = ((message: { type?: string }, ...rest: unknown[]) =>
          message?.type === 'ui:ticketView'
            ? new Promise<unknown>((resolve) => held.push(() => resolve((send as (...args: unknown[]) => unknown).call(runtime, message, ...rest))))
            : (send as (...args: unknown[]) => unknown).call(runtime, message, ...rest)) as typeof send;
        restore.push(() => (runtime!.sendMessage = send));
      }
      w.__releaseReads = () => {
        for (const r of restore) r();
        for (const go of held.splice(0)) go();
      };
    });

    await a.panel.getByRole('button', { name: ticket.title, exact: true }).click();
    const title = a.panel.getByRole('textbox', { name: 'Title', exact: true });
    await title.fill('Shown from the reply');
    await title.press('Enter');
    await expect.poll(() => a.panel.getByRole('heading', { name: 'Shown from the reply', exact: true }).count()).toBe(1);

    // The next edit starts from the version the reply carried, so it is not refused.
    await a.panel.getByRole('button', { name: 'Shown from the reply', exact: true }).click();
    await title.fill('Accepted right after');
    await title.press('Enter');
    await expect.poll(() => a.panel.getByRole('heading', { name: 'Accepted right after', exact: true }).count()).toBe(1);
    expect(await conflict(a.panel, 'Title').count()).toBe(0);
    expect(await a.panel.getByRole('alert').count()).toBe(0);
    expect((await saved()).ticket.title).toBe('Accepted right after');

    await a.panel.evaluate(() => (window as unknown as { __releaseReads: () => void }).__releaseReads());
    await expect.poll(() => activity(a.panel).filter({ hasText: 'Changed Title from “Shown from the reply” to “Accepted right after”' }).count()).toBe(1);
  });
});

describe('a search that fails in the background', () => {
  /**
   * Writes (or removes) a record Backline cannot read, from an extension page straight into
   * IndexedDB, then stops the worker: the worker's search index in memory (lib/store/word-index.ts)
   * hears only of Backline's own writes, and the next worker reads the database as it is.
   */
  const breakSearch = async (page: Page, broken: boolean) => {
    const tab = await h.context.newPage();
    await tab.goto(`chrome-extension://${h.extensionId}/panel.html`);
    await tab.evaluate(async (broken) => {
      const db: IDBDatabase = await new Promise((resolve, reject) => {
        const open = indexedDB.open('backline');
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      // A ticket Backline did not write, found by the search index (as the newest ticket, and by
      // the word "charged"), whose last note is not text: reading it for the list fails.
      const tx = db.transaction(['tickets', 'ticketWords', 'activity'], 'readwrite');
      const tickets = tx.objectStore('tickets');
      const now = Date.now();
      if (broken) {
        const any = await new Promise<Record<string, unknown>>((resolve) => {
          const all = tickets.getAll();
          all.onsuccess = () => resolve(all.result[0]);
        });
        tickets.put({ ...any, id: 'unreadable-ticket', number: 9999, title: 42, updatedAt: now });
        tx.objectStore('ticketWords').put({ ticketId: 'unreadable-ticket', order: -now, terms: ['charged', 'accepted'] });
        tx.objectStore('activity').put({ id: 'unreadable-note', ticketId: 'unreadable-ticket', at: now, actorId: 'x', type: 'note', body: 42 });
      } else {
        tickets.delete('unreadable-ticket');
        tx.objectStore('activity').delete('unreadable-note');
        const index = tx.objectStore('ticketWords').index('byTicket');
        const key = index.getKey('unreadable-ticket');
        key.onsuccess = () => key.result && tx.objectStore('ticketWords').delete(key.result);
      }
      await new Promise<void>((resolve, reject) => {
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
      });
      db.close();
    }, broken);
    await tab.close();
    const worker = await controlWorker(h, page);
    await worker.stop();
    await worker.close();
  };

  it('is shown as an error in Link existing ticket and in the queue, not as “no ticket matches”', async () => {
    const { page, panel } = await h.openConversation(2);
    await breakSearch(page, true);
    try {
      await panel.getByRole('button', { name: 'Link existing ticket', exact: true }).click();
      await panel.getByRole('searchbox', { name: 'Find ticket', exact: true }).fill('charged');
      const matching = panel.getByRole('region', { name: 'Matching tickets', exact: true });
      await expect.poll(() => matching.getByRole('alert').count()).toBe(1);
      expect(await matching.getByRole('alert').textContent()).toContain('Could not search the tickets.');
      expect(await panel.getByText('No ticket matches', { exact: false }).count()).toBe(0);

      await panel.getByRole('button', { name: 'Back', exact: true }).click();
      await panel.getByRole('button', { name: 'All tickets', exact: true }).click();
      const results = panel.getByRole('region', { name: 'Tickets', exact: true });
      await expect.poll(() => results.getByRole('alert').count()).toBe(1);
      expect(await results.getByRole('alert').textContent()).toContain('Could not search the tickets.');
      expect(await panel.getByText('No tickets match.', { exact: true }).count()).toBe(0);
    } finally {
      await breakSearch(page, false);
    }
    // Once the background can search again, the next search shows tickets and no error.
    await panel.getByRole('searchbox', { name: 'Search tickets', exact: true }).fill('Accepted');
    const results = panel.getByRole('region', { name: 'Tickets', exact: true });
    await expect.poll(() => results.getByRole('listitem').count()).toBe(1);
    expect(await results.getByRole('alert').count()).toBe(0);
    await page.close();
  });
});
