import { t } from '@/components/common/i18n';
/** On a Mac, Cmd does what Ctrl does elsewhere. */
export const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);
/** The modifier key as shortcuts are written here: ⌘ or Ctrl. */
export const mod = isMac ? '⌘' : 'Ctrl';

/** Every keyboard shortcut of the panel, in one place: shown by `?` and on the options page. */
export const SHORTCUTS: { keys: string; what: string }[] = [
  { keys: '?', what: t('shortcutShowShortcuts') },
  { keys: 'n', what: t('newBackOfficeTicket') },
  { keys: 'l', what: t('linkExistingTicket') },
  { keys: 'g', what: t('shortcutQueue') },
  { keys: 's', what: t('shortcutStateMenu') },
  { keys: 'c', what: t('shortcutWriteNote') },
  { keys: 'Esc', what: t('back') },
  { keys: `${mod}+Enter`, what: t('shortcutAddNote') },
  { keys: `${mod}+Shift+Enter`, what: t('shortcutCrossPost') },
  { keys: `${mod}+B / ${mod}+I / ${mod}+K`, what: t('shortcutFormatting') },
  { keys: 'Alt+Shift+B', what: t('shortcutTogglePanel') },
];

/** The shortcuts as a table: in the panel's `?` dialog and on the options page. */
export function ShortcutTable({ shortcuts }: { shortcuts: typeof SHORTCUTS }) {
  return (
    <table class="shortcuts">
      <tbody>
        {shortcuts.map((s) => (
          <tr key={s.keys}>
            <th scope="row">
              <kbd>{s.keys}</kbd>
            </th>
            <td>{s.what}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
