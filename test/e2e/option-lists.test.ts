/**
 * The options page's edited lists end to end: a ticket type's attributes and states in the type
 * form (with the words the attribute form uses for each problem), teammates and teams, and an
 * open editor closing when admin settings are locked.
 */
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, type Harness } from './harness';

let h: Harness;
let options: Page;
const PASS = 'correct horse battery staple';

beforeAll(async () => {
  h = await launch();
  options = await h.openExtensionPage('options.html');
  options.on('pageerror', (e) => console.log('pageerror:', e.message));
  await options.getByLabel('New admin passphrase', { exact: true }).fill(PASS);
  await options.getByLabel('Confirm passphrase', { exact: true }).fill(PASS);
  await options.getByRole('button', { name: 'Set admin passphrase', exact: true }).click();
  await options.getByLabel('Admin passphrase', { exact: true }).fill(PASS);
  await options.getByRole('button', { name: 'Unlock admin settings', exact: true }).click();
  await options.getByRole('button', { name: 'Lock admin settings', exact: true }).waitFor();
});
afterAll(async () => {
  await h?.close();
});

const button = (name: string, within: Page | Locator = options) => within.getByRole('button', { name, exact: true });
const alertIn = (within: Locator) => within.getByRole('alert');

describe('a ticket type’s attributes and states', () => {
  const form = () => options.getByRole('form', { name: 'Edit Bug report', exact: true });
  /** The attribute editor, named for whether it adds (`New attribute`) or edits (`Edit attribute`). */
  const attributeForm = (name: 'New attribute' | 'Edit attribute') => form().getByRole('group', { name, exact: true });

  it('refuses an attribute without a name, with a taken name, or a list without items, in the form’s words', async () => {
    await button('Edit Bug report').click();
    await form().waitFor();
    // One editor at a time: the other types' buttons are gone while it is open.
    expect(await button('Edit Billing').count()).toBe(0);
    expect(await button('Add ticket type').count()).toBe(0);

    await button('Add attribute', form()).click();
    const name = attributeForm('New attribute').getByRole('textbox', { name: 'Attribute name', exact: true });
    await expect.poll(() => name.evaluate((el) => el === document.activeElement)).toBe(true);
    await button('Save attribute', form()).click();
    await expect.poll(() => alertIn(attributeForm('New attribute')).textContent()).toBe('Give the attribute a name.');

    await name.fill('severity');
    await button('Save attribute', form()).click();
    await expect.poll(() => alertIn(attributeForm('New attribute')).textContent()).toBe('There is already an attribute called “Severity”.');

    await name.fill('Device');
    await attributeForm('New attribute').getByRole('combobox', { name: 'Attribute type', exact: true }).selectOption({ label: 'List' });
    await button('Save attribute', form()).click();
    await expect.poll(() => alertIn(attributeForm('New attribute')).textContent()).toBe('Add at least one list item to “Device” (one per line).');

    await attributeForm('New attribute').getByLabel('List items', { exact: true }).fill('Laptop\nPhone\n\nLaptop');
    await button('Save attribute', form()).click();
    await expect.poll(() => attributeForm('New attribute').count()).toBe(0);
    expect(await form().textContent()).toContain('Device — List: Laptop, Phone');
  });

  it('edits, moves and removes attributes and saves them with the type', async () => {
    await button('Edit attribute Steps to reproduce', form()).click();
    const name = attributeForm('Edit attribute').getByRole('textbox', { name: 'Attribute name', exact: true });
    expect(await name.inputValue()).toBe('Steps to reproduce');
    // While one attribute is edited, the others cannot be.
    expect(await button('Edit attribute Severity', form()).isDisabled()).toBe(true);
    await name.fill('Steps');
    await button('Save attribute', form()).click();
    await expect.poll(() => attributeForm('Edit attribute').count()).toBe(0);

    await button('Remove attribute Regression', form()).click();
    await button('Move Device up', form()).click();
    await button('Save ticket type', form()).click();
    await expect.poll(() => form().count()).toBe(0);
    await expect.poll(() => options.getByRole('status').first().textContent()).toBe('Saved ticket type Bug report.');
    // The closed editor leaves the focus on the button that adds another.
    await expect.poll(() => options.evaluate(() => document.activeElement?.textContent)).toBe('Add ticket type');
    const attributes = options.getByRole('list', { name: 'Custom attributes of Bug report', exact: true }).getByRole('listitem');
    await expect.poll(() => attributes.allTextContents()).toEqual([
      'Severity — List, required: Low, Medium, High, Critical',
      'Steps — Multi-line text',
      'Affected users — Number',
      'Device — List: Laptop, Phone',
      'First seen — Date and time',
    ]);
  });

  it('refuses a type without a state of each category, and Cancel keeps the saved type', async () => {
    await button('Edit Bug report').click();
    await button('Remove state Resolved', form()).click();
    await button('Save ticket type', form()).click();
    await expect.poll(() => alertIn(form()).textContent()).toBe('Add at least one state for “Resolved”.');
    await button('Cancel', form()).click();
    await expect.poll(() => form().count()).toBe(0);
    expect(await options.getByRole('region', { name: 'Ticket types', exact: true }).textContent()).toContain('Submitted · In progress · Waiting on customer · Resolved');
  });
});

describe('teammates and teams', () => {
  const region = () => options.getByRole('region', { name: 'Teammates', exact: true });

  it('adds a teammate and a team, refuses a bad email, and removes the team after asking', async () => {
    await button('Add teammate', region()).click();
    const newTeammate = options.getByRole('form', { name: 'New teammate', exact: true });
    await newTeammate.getByRole('textbox', { name: 'Teammate name', exact: true }).fill('Dana');
    await newTeammate.getByRole('textbox', { name: 'Email (optional)', exact: true }).fill('nope');
    await button('Save teammate', newTeammate).click();
    await expect.poll(() => alertIn(newTeammate).textContent()).toBe('“nope” is not an email address. Leave it empty or enter one like alex@example.com.');
    await newTeammate.getByRole('textbox', { name: 'Email (optional)', exact: true }).fill('dana@example.com');
    await button('Save teammate', newTeammate).click();
    await expect.poll(() => region().textContent()).toContain('Dana · dana@example.com');

    await button('Add team', region()).click();
    const newTeam = options.getByRole('form', { name: 'New team', exact: true });
    await newTeam.getByRole('textbox', { name: 'Team name', exact: true }).fill('Payments');
    await button('Save team', newTeam).click();
    await expect.poll(() => button('Remove Payments', region()).count()).toBe(1);

    await button('Edit Dana', region()).click();
    const edit = options.getByRole('form', { name: 'Edit Dana', exact: true });
    await edit.getByRole('textbox', { name: 'Teammate name', exact: true }).fill('Dana Scully');
    await button('Save teammate', edit).click();
    await expect.poll(() => region().textContent()).toContain('Dana Scully · dana@example.com');

    await button('Remove Payments', region()).click();
    const dialog = options.getByRole('dialog', { name: 'Remove Payments?', exact: true });
    await button('Remove team', dialog).click();
    await expect.poll(() => button('Remove Payments', region()).count()).toBe(0);
  });
});

describe('locking admin settings', () => {
  it('closes an open editor and disables what needs the unlock', async () => {
    await button('Add connection').click();
    const form = options.getByRole('form', { name: 'New connection', exact: true });
    await form.waitFor();
    await button('Lock admin settings').click();
    await expect.poll(() => form.count()).toBe(0);
    expect(await button('Add connection').isDisabled()).toBe(true);
    expect(await button('Edit Bug report').isDisabled()).toBe(true);
  });
});
