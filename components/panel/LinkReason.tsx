import { request } from '@/lib/client';
import { LIMITS } from '@/lib/model/limits';
import type { LinkRecord } from '@/lib/model/records';
import { usePanel } from './context';
import { t } from '@/components/common/i18n';
import { InlineEditor, type SaveOutcome } from './InlineEditor';

/**
 * Why a conversation is linked, in its item of Links: the reason (click to edit) or a button
 * "Add reason"; editing shows a textbox "Reason" (Enter saves, Escape cancels; empty removes it).
 */
export function LinkReason({ ticketId, link, name }: { ticketId: string; link: LinkRecord; name: string }) {
  const model = usePanel();
  const reason = link.reason ?? '';
  const save = async (value: string, _base: number, requestId: string): Promise<SaveOutcome> => {
    try {
      await request('ui:setLinkReason', { requestId, ticketId, conversationKey: link.conversationKey, reason: value });
      return { ok: true };
    } catch (e) {
      model.showError(t('reasonNotSavedX', (e as Error).message));
      return { ok: false };
    }
  };
  return (
    <InlineEditor
      label={t('reason')}
      class="link-reason"
      value={reason}
      // A reason is not a field of the ticket: no version to check, no conflict to show.
      version={0}
      read={() => reason}
      show={(v) => v}
      normalize={(v) => v.trim()}
      save={save}
      view={(edit) =>
        reason ? (
          <button type="button" class="editable small link-reason-text" aria-description={t('editReasonX', name)} onClick={edit}>
            {reason}
          </button>
        ) : (
          <button type="button" class="link small" aria-description={t('sayWhyXLinked', name)} onClick={edit}>
            {t('addReason')}
          </button>
        )
      }
      control={({ draft, setDraft, onKeyDown }) => (
        <input
          type="text"
          class="small"
          aria-label={t('reason')}
          maxLength={LIMITS.linkReason}
          value={draft}
          onInput={(e) => setDraft(e.currentTarget.value)}
          onKeyDown={onKeyDown}
        />
      )}
    />
  );
}
