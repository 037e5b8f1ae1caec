import { useEffect, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import { SHORTCUTS, ShortcutTable } from '@/components/common/shortcuts';
import { Alert, Section } from './ui';
import { t } from '@/components/common/i18n';

/** Where each browser lets people change an extension's keyboard shortcuts. */
async function openShortcutSettings(): Promise<void> {
  const commands = browser.commands as typeof browser.commands & { openShortcutSettings?: () => Promise<void> };
  // Firefox 137+ opens its own page; Chrome and Edge have a page for all extensions.
  if (typeof commands.openShortcutSettings === 'function') return commands.openShortcutSettings();
  const edge = navigator.userAgent.includes('Edg/');
  // An extension page cannot follow a plain link to chrome://, but may open it in a new tab.
  await browser.tabs.create({ url: edge ? 'edge://extensions/shortcuts' : 'chrome://extensions/shortcuts' });
}

/** The panel's shortcuts, and the browser-level one that shows or hides the panel. */
export function KeyboardShortcuts() {
  const [toggle, setToggle] = useState<string | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    browser.commands
      .getAll()
      .then((all) => setToggle(all.find((c) => c.name === 'toggle-panel')?.shortcut ?? ''))
      .catch(() => setToggle(null));
  }, []);
  const panelShortcuts = SHORTCUTS.filter((s) => s.keys !== 'Alt+Shift+B');
  return (
    <Section id="shortcuts" title={t('keyboardShortcuts2')}>
      <p class="muted">{t('inThePanelPressThereTo')}</p>
      <ShortcutTable shortcuts={panelShortcuts} />
      <p>{t('showOrHideThePanelOn')}{' '}
        {toggle === null ? <kbd>{t('altShiftB')}</kbd> : toggle ? <kbd>{toggle}</kbd> : <span class="muted">{t('noShortcutSet')}</span>}{t('thisOneBelongsToTheBrowser')}</p>
      <div class="actions">
        <button type="button" onClick={() => openShortcutSettings().catch((e: Error) => setError(t('shortcutSettingsFailed', e.message)))}>{t('changeTheShortcutInTheBrowser')}</button>
      </div>
      <Alert message={error} />
    </Section>
  );
}
