/**
 * Automated accessibility checks (axe-core, WCAG 2 A and AA rules) on the panel's main views and
 * the options page, in light and dark. Screen-reader users and keyboard users depend on these.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame, Page } from 'playwright-core';
import { launch, type Harness } from './harness';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let h: Harness;
beforeAll(async () => {
  h = await launch();
});
afterAll(async () => {
  await h?.close();
});

interface Violation {
  id: string;
  impact: string;
  help: string;
  nodes: { target: string[] }[];
}

/** Runs axe in the page or frame (through the debugger, so the extension's CSP does not apply). */
async function audit(target: Page | Frame): Promise<string[]> {
  const violations = (await target.evaluate(
    `(async () => { ${axeSource}; const r = await axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }); return r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => ({ target: n.target })) })); })()`,
  )) as Violation[];
  return violations.map((v) => `${v.impact}: ${v.id} (${v.help}) at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe('accessibility', () => {
  it('the panel’s conversation view, new-ticket form and ticket view have no WCAG A/AA violations, light and dark', async () => {
    const { page, panel } = await h.openConversation(1);
    await panel.getByRole('region', { name: 'Linked tickets', exact: true }).waitFor();
    expect(await audit(panel)).toEqual([]);

    await panel.getByRole('button', { name: 'New back-office ticket', exact: true }).click();
    await panel.getByRole('combobox', { name: 'Ticket type', exact: true }).selectOption({ label: 'Bug report' });
    await panel.getByRole('textbox', { name: 'Description', exact: true }).waitFor();
    expect(await audit(panel)).toEqual([]);

    await panel.getByRole('textbox', { name: 'Title', exact: true }).fill('Audit me');
    await panel.getByRole('combobox', { name: 'Severity', exact: true }).selectOption('Low');
    await panel.getByRole('button', { name: 'Create ticket', exact: true }).click();
    await panel.getByRole('button', { name: /^Ticket state/ }).waitFor();
    await panel.getByRole('textbox', { name: 'Note', exact: true }).fill('A note to audit');
    await panel.getByRole('button', { name: 'Cross-post note', exact: true }).click();
    await panel.getByRole('region', { name: 'Activity', exact: true }).getByText('A note to audit').waitFor();
    expect(await audit(panel)).toEqual([]);

    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await audit(panel)).toEqual([]);
    await page.close();
  });

  it('the options page has no WCAG A/AA violations', async () => {
    const options = await h.openExtensionPage('options.html');
    await options.getByLabel('New admin passphrase', { exact: true }).waitFor();
    expect(await audit(options)).toEqual([]);
    await options.emulateMedia({ colorScheme: 'dark' });
    expect(await audit(options)).toEqual([]);
  });
});
