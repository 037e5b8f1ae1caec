import { useEffect, useRef, useState } from 'preact/hooks';
import type { StateDef } from '@/lib/model/domain';
import type { LinkView } from '@/lib/model/views';
import { reopenDecision } from '@/lib/model/spread';
import { knownConversations, useSpreadSettings } from './Spread';
import { conversationStatusLabel, conversationName } from './ui';
import { t } from '@/components/common/i18n';

type Choice = { conversationKey: string; note: boolean; reopen: boolean };

/**
 * A tracker ticket's state change asks, per linked item, what to propagate. The workspace's
 * "prevent reopening" setting does not apply here: the agent decides.
 */
export function TrackerDialog(props: { target: StateDef; from?: StateDef; links: LinkView[]; onApply(choices: Choice[]): void; onCancel(): void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const settings = useSpreadSettings();
  // The admin's age rule holds even here: such a conversation is not reopened whatever is ticked.
  const tooOld = knownConversations(props.links).map(
    (c) => reopenDecision({ rules: settings, stateId: props.target.id, conversation: c, now: Date.now(), trackerChoice: true }) === 'too-old',
  );
  const [choices, setChoices] = useState<Choice[]>(() =>
    // Reopen is proposed everywhere: the last known status may be stale, and the outbox checks
    // the live status first, leaving conversations that are already open alone.
    props.links.map(({ link }) => ({ conversationKey: link.conversationKey, note: true, reopen: true })),
  );
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  const set = (i: number, patch: Partial<Choice>) => setChoices(choices.map((c, j) => (i === j ? { ...c, ...patch } : c)));
  return (
    <dialog ref={dialog} aria-labelledby="tracker-title" class="dialog" onCancel={(e) => (e.preventDefault(), props.onCancel())}>
      <h2 id="tracker-title">{t('updateLinkedTickets')}</h2>
      <p>{t('trackerMovingFromTo', props.from?.label ?? t('itsState'), props.target.label)}</p>
      {props.links.length === 0 && <p class="muted">{t('noLinkedConversationsOnlyTheTracker')}</p>}
      <ul class="tracker-choices">
        {props.links.map(({ link, conversation: c }, i) => {
          const name = c ? conversationName(c) : link.conversationKey;
          return (
            <li key={link.id}>
              <div>
                {name} <span class="muted small">({conversationStatusLabel(c?.status ?? 'unknown')})</span>
              </div>
              <label>
                <input type="checkbox" checked={choices[i]!.note} onChange={(e) => set(i, { note: e.currentTarget.checked })} />{' '}
                {t('postAnInternalEventNote')}
              </label>
              <label>
                <input
                  type="checkbox"
                  checked={choices[i]!.reopen && !tooOld[i]}
                  disabled={tooOld[i]}
                  onChange={(e) => set(i, { reopen: e.currentTarget.checked })}
                />{' '}
                {t('reopenOrUnsnooze')}
                {tooOld[i] && <span class="muted small"> {t('closedMoreThanXDaysAgo', settings.reopenMaxAgeDays)}</span>}
              </label>
            </li>
          );
        })}
      </ul>
      <div class="actions">
        <button type="button" class="primary" onClick={() => props.onApply(choices)}>{t('apply')}</button>
        <button type="button" onClick={props.onCancel}>{t('cancel')}</button>
      </div>
    </dialog>
  );
}
