import { useEffect, useRef } from 'preact/hooks';
import { withDefaults, type WorkspaceSettings } from '@/lib/model/settings';
import { spreadPreview, type KnownConversation, type SpreadPreview } from '@/lib/model/spread';
import type { LinkView } from '@/lib/model/views';
import { t, tn } from '@/components/common/i18n';
import { usePanel } from './context';
import { describeSpread } from './spreadWords';

/** The workspace's reopen and confirm rules as the panel last read them. */
export function useSpreadSettings(): WorkspaceSettings {
  return withDefaults(usePanel().catalog.value?.settings);
}

/** What the panel knows of each linked conversation, for the rule. */
export function knownConversations(links: LinkView[]): KnownConversation[] {
  return links.map(({ link, conversation: c }) => ({ conversationKey: link.conversationKey, status: c?.status ?? 'unknown', closedSince: c?.closedSince ?? null }));
}

/** The preview of a state change (stateId) or a cross-post (stateId null, to `chosen`). */
export function previewSpread(settings: WorkspaceSettings, links: LinkView[], stateId: string | null, chosen?: ReadonlySet<string>): SpreadPreview {
  return spreadPreview({ rules: settings, stateId, conversations: knownConversations(links), now: Date.now(), ...(chosen ? { chosen } : {}) });
}

/** The "Effects" line: what committing would do. */
export function Effects({ what, preview }: { what: string; preview: SpreadPreview }) {
  return (
    <p role="status" aria-label={t('effects')} class="effects muted small">
      {what}: {describeSpread(preview)}
    </p>
  );
}

/**
 * Asks before a change touches more linked conversations than the admin allows without asking
 * ("Ask before changing more than (conversations)").
 */
export function ConfirmSpread(props: { what: string; preview: SpreadPreview; onApply(): void; onCancel(): void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  return (
    <dialog ref={dialog} aria-labelledby="confirm-spread-title" class="dialog" onCancel={(e) => (e.preventDefault(), props.onCancel())}>
      <h2 id="confirm-spread-title">{tn('changeXLinkedConversations', props.preview.touched)}</h2>
      <p>
        {props.what}: {describeSpread(props.preview)}.
      </p>
      <div class="actions">
        <button type="button" class="primary" onClick={props.onApply}>
          {t('apply')}
        </button>
        <button type="button" onClick={props.onCancel}>
          {t('cancel')}
        </button>
      </div>
    </dialog>
  );
}
