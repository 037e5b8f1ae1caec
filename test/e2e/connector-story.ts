/**
 * One end-to-end story for a helpdesk connector, on the shared connector steps
 * (connector-flow.ts), against that helpdesk's stand-in in headless Chromium with the built
 * extension: an admin checks and saves the connection on the options page, an agent raises a
 * ticket from an open conversation and links it from a closed one, changes its state (one internal
 * note per conversation, the closed one reopened), changes it again with "Prevent state changes
 * from reopening" on (notes, no reopen), cross-posts a note, opens the preview, and meets refused
 * credentials (a clear failure, nothing sent, Retry delivers once fixed) and a rate limit (429 with
 * Retry-After, waited out, delivered once). Outcomes are read from the stand-in's state.
 *
 * Self-hosted helpdesks run on the stand-in's own origin (127.0.0.1, where Backline tries the
 * self-hostable helpdesks' routes); cloud helpdesks on their real host names (helpdesk-host.ts).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StandinHandle } from '../standins/standin-server.mjs';
import { addConnection, chooseState, crossPost, effectItems, openAgentTab, previewText, raiseAndLink, setCredential, setPreventReopen, SLOW, type AgentTab } from './connector-flow';
import { launch, type Harness } from './harness';
import { launchWithHelpdesks } from './helpdesk-host';

export interface ConnectorStory<S> {
  /** The Helpdesk option's name. */
  helpdesk: string;
  start(): Promise<StandinHandle<S>>;
  /** Cloud helpdesks: the host names the stand-in answers for over HTTPS. */
  hosts?: readonly string[];
  /** Base URL to enter (default: the stand-in's URL). */
  baseUrl?(standin: StandinHandle<S>): string;
  /** Accessible name → value of each credential field. */
  credentials: Record<string, string>;
  /** What the Check connection status says (part of it). */
  checkSays: string;
  /** The agent page of conversation `id`. */
  url(standin: StandinHandle<S>, id: string): string;
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
  /**
   * A credential (its record key, and its field's label in `credentials`) replaced by a value the
   * helpdesk refuses, and what Activity then says (the connector's 401 message, in part).
   */
  refused: { key: string; label: string; value: string; says: string };
}

export function connectorStory<S>(story: ConnectorStory<S>): void {
  let h: Harness;
  let standin: StandinHandle<S>;
  let options: Page;
  let tab: AgentTab;

  beforeAll(async () => {
    standin = await story.start();
    h = story.hosts ? await launchWithHelpdesks({ hosts: Object.fromEntries(story.hosts.map((host) => [host, standin])) }) : await launch();
  });
  afterAll(async () => {
    await h?.close();
    await standin?.close();
  });

  const both = (text: string) => [story.notes(standin, story.raiseFrom, text), story.notes(standin, story.linkFrom, text)];
  const delivered = () => effectItems(tab.panel).filter({ hasText: 'Delivered' }).count();

  describe(`${story.helpdesk} end to end`, () => {
    it('an admin checks and saves the connection on the options page', async () => {
      const baseUrl = story.baseUrl?.(standin) ?? standin.url;
      ({ options } = await addConnection(h, { helpdesk: story.helpdesk, baseUrl, fields: story.credentials, expectCheck: story.checkSays }));
      // Saved under its default label, "Zammad · 127.0.0.1:1234".
      const label = `${story.helpdesk} · ${new URL(baseUrl).host}`;
      await expect.poll(() => options.getByRole('region', { name: 'Connections', exact: true }).getByText(label, { exact: true }).count()).toBe(1);
    });

    it('an agent raises a ticket from one conversation and links it from a closed one', async () => {
      tab = await openAgentTab(story.url(standin, story.raiseFrom), await h.context.newPage());
      tab = await raiseAndLink(tab, 'Refund stuck in finance', story.url(standin, story.linkFrom), openAgentTab);
      expect(await tab.panel.getByRole('heading', { level: 1 }).textContent()).toContain('Refund stuck in finance');
      expect(story.isOpen(standin, story.linkFrom)).toBe(false);
    });

    it('a state change posts one internal note in each conversation and reopens the closed one', async () => {
      await chooseState(tab.panel, 'In progress');
      const event = 'moved from Submitted to In progress';
      await expect.poll(() => [...both(event), story.isOpen(standin, story.linkFrom)], SLOW).toEqual([1, 1, true]);
      expect(story.reopens(standin)).toBe(1); // the open conversation was left alone
      await expect.poll(delivered, SLOW).toBe(3);
      expect(story.visible(standin, story.raiseFrom, event) + story.visible(standin, story.linkFrom, event)).toBe(0);
    });

    it('with "Prevent state changes from reopening" on, the next change posts notes but reopens nothing', async () => {
      await setPreventReopen(options, tab.page, true);
      story.close(standin, story.linkFrom);
      await chooseState(tab.panel, 'Waiting on customer');
      await expect.poll(() => both('moved from In progress to Waiting on customer'), SLOW).toEqual([1, 1]);
      await expect.poll(delivered, SLOW).toBe(5);
      expect(story.reopens(standin)).toBe(1);
      expect(story.isOpen(standin, story.linkFrom)).toBe(false);
      await setPreventReopen(options, tab.page, false);
    });

    it('a cross-posted note lands once as an internal note in both conversations, never as a reply', async () => {
      const text = 'Finance released the refund at 14:05.';
      await crossPost(tab.panel, text);
      await expect.poll(() => both(text), SLOW).toEqual([1, 1]);
      await expect.poll(delivered, SLOW).toBe(7);
      await tab.page.waitForTimeout(500);
      expect(both(text)).toEqual([1, 1]);
      expect(story.visible(standin, story.raiseFrom, text) + story.visible(standin, story.linkFrom, text)).toBe(0);
    });

    it('the Conversation preview shows the helpdesk’s messages and Backline’s notes, without the marker', async () => {
      const shown = await previewText(tab.panel, `#${story.raiseFrom}`, story.previewShows[0]!);
      for (const text of story.previewShows) expect(shown).toContain(text);
      expect(shown).toContain('Finance released the refund at 14:05.');
      expect(shown).not.toContain('Backline ref');
    });

    it('refused credentials show a clear failure in Activity and send nothing; Retry delivers once they are fixed', async () => {
      const { key, label, value, says } = story.refused;
      await setCredential(h, key, value);
      const text = 'Please confirm the refund arrived.';
      await crossPost(tab.panel, text);
      const failed = effectItems(tab.panel).filter({ hasText: 'Failed' });
      await expect.poll(() => failed.count(), SLOW).toBe(2);
      expect(await failed.first().textContent()).toContain(says);
      expect(both(text)).toEqual([0, 0]);

      await setCredential(h, key, story.credentials[label]!);
      for (const left of [1, 0]) {
        await failed.first().getByRole('button', { name: 'Retry', exact: true }).click();
        await expect.poll(() => failed.count(), SLOW).toBe(left);
      }
      await expect.poll(() => both(text), SLOW).toEqual([1, 1]);
      await expect.poll(delivered, SLOW).toBe(9);
    });

    it('a 429 with Retry-After is waited out: the note lands once in each conversation, nothing fails', async () => {
      standin.fail({ count: 2, status: 429, headers: { 'retry-after': '1' }, body: '{"message":"Too many requests"}' });
      const text = 'Bank confirmed the transfer.';
      await crossPost(tab.panel, text);
      await expect.poll(() => both(text), SLOW).toEqual([1, 1]);
      await expect.poll(delivered, SLOW).toBe(11);
      expect(standin.state.requests.filter((r) => r.injected && r.status === 429)).toHaveLength(2);
      expect(await effectItems(tab.panel).filter({ hasText: 'Failed' }).count()).toBe(0);
    });
  });
}

