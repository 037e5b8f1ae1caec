import { useEffect, useRef } from 'preact/hooks';
import { SHORTCUTS, ShortcutTable } from '@/components/common/shortcuts';
import { t } from '@/components/common/i18n';

/** The `?` dialog: every shortcut of the panel. */
export function ShortcutsDialog({ onClose }: { onClose(): void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => dialog.current?.showModal(), []);
  return (
    <dialog ref={dialog} aria-labelledby="shortcuts-title" class="dialog" onClose={onClose}>
      <h2 id="shortcuts-title">{t('keyboardShortcuts2')}</h2>
      <ShortcutTable shortcuts={SHORTCUTS} />
      <div class="actions">
        <button type="button" autoFocus onClick={() => dialog.current?.close()}>{t('close')}</button>
      </div>
    </dialog>
  );
}
