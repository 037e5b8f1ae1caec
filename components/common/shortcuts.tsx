/** On a Mac, Cmd does what Ctrl does elsewhere. */
export const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);
/** The modifier key as shortcuts are written here: ⌘ or Ctrl. */
export const mod = isMac ? '⌘' : 'Ctrl';

/** Every keyboard shortcut of the panel, in one place: shown by `?` and on the options page. */
export const SHORTCUTS: { keys: string; what: string }[] = [
  { keys: '?', what: 'Show keyboard shortcuts' },
  { keys: 'n', what: 'New back-office ticket' },
  { keys: 'l', what: 'Link existing ticket' },
  { keys: 'g', what: 'All tickets (queue)' },
  { keys: 's', what: 'Open the Ticket state menu' },
  { keys: 'c', what: 'Write a note' },
  { keys: 'Esc', what: 'Back' },
  { keys: `${mod}+Enter`, what: 'Add note (in the Note box) · save (in an editor)' },
  { keys: `${mod}+Shift+Enter`, what: 'Cross-post note (in the Note box)' },
  { keys: `${mod}+B / ${mod}+I / ${mod}+K`, what: 'Bold / italic / link (in the description)' },
  { keys: 'Alt+Shift+B', what: 'Show or hide the panel (change it in the browser’s shortcut settings)' },
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
