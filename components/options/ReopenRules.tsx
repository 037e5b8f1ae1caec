import { useState } from 'preact/hooks';
import { request } from '@/lib/client';
import { DEFAULT_SETTINGS, type WorkspaceSettings } from '@/lib/model/settings';
import { reopenRuleStates } from '@/lib/model/spread';
import { useAction } from '@/components/common/action';
import { label, t, tn } from '@/components/common/i18n';
import { useOptions } from './context';
import { Alert, LockedHint, OPTIONS_WRITES } from './ui';

/**
 * The finer reopen rules (admin only): which target states reopen linked conversations, how old a
 * closed conversation may be and still be reopened, and above how many conversations a change
 * asks first. The workspace switch above still overrides the first two when on.
 */
export function ReopenRules() {
  const model = useOptions();
  const status = model.status.value;
  const types = model.workspace.value?.types ?? [];
  const { busy, error, run } = useAction(OPTIONS_WRITES);
  const unlocked = model.sharedEditable.value;
  const settings: WorkspaceSettings = { ...DEFAULT_SETTINGS, ...status?.settings };
  const [pending, setPending] = useState<Partial<WorkspaceSettings>>({});
  const shown = { ...settings, ...pending };
  const disabled = !status || !unlocked;
  const prevented = shown.preventReopen;

  const save = (patch: Partial<WorkspaceSettings>, said: string) => {
    setPending({ ...pending, ...patch });
    void run(`reopen rules ${JSON.stringify(patch)}`, async (requestId) => {
      try {
        await request('admin:saveSettings', { requestId, settings: patch });
        await model.refreshStatus();
        model.announce(said);
      } finally {
        setPending({});
      }
    });
  };

  const toggleState = (id: string, stateLabel: string, reopen: boolean) => {
    const rest = shown.noReopenStates.filter((s) => s !== id);
    save({ noReopenStates: reopen ? rest : [...rest, id] }, reopen ? t('reopenStateOn', stateLabel) : t('reopenStateOff', stateLabel));
  };

  return (
    <div class="reopen-rules">
      <fieldset disabled={disabled} aria-describedby="reopen-states-help">
        <legend class="setting-label">{label('setting', 'noReopenStates')}</legend>
        <p id="reopen-states-help" class="muted">
          {t('reopenStatesHelp')}
          {prevented && <> {t('reopenPreventedOverrides')}</>}
        </p>
        {reopenRuleStates(types).map((s) => (
          <label key={s.id} class="check-row">
            <input type="checkbox" checked={!shown.noReopenStates.includes(s.id)} aria-busy={busy || undefined} onChange={(e) => toggleState(s.id, s.label, e.currentTarget.checked)} /> {s.label}
          </label>
        ))}
      </fieldset>
      <NumberSetting
        id="reopen-max-age"
        label={label('setting', 'reopenMaxAgeDays')}
        hint={t('reopenMaxAgeHint')}
        value={shown.reopenMaxAgeDays}
        min={0}
        disabled={disabled}
        onSave={(n) => save({ reopenMaxAgeDays: n }, n ? tn('reopenMaxAgeSaved', n) : t('reopenAnyAge'))}
      />
      <NumberSetting
        id="confirm-above"
        label={label('setting', 'confirmAbove')}
        hint={t('confirmAboveHint')}
        value={shown.confirmAbove}
        min={1}
        disabled={disabled}
        onSave={(n) => save({ confirmAbove: n }, tn('confirmAboveSaved', n))}
      />
      {!unlocked && <LockedHint what={t('changeTheseRules')} />}
      <Alert message={error} />
    </div>
  );
}

/** A whole-number setting, saved when the agent leaves the box or presses Enter; a bad value is said, not saved. */
function NumberSetting(props: { id: string; label: string; hint: string; value: number; min: number; disabled: boolean; onSave(n: number): void }) {
  const [draft, setDraft] = useState<string | null>(null);
  const [problem, setProblem] = useState('');
  const commit = () => {
    if (draft === null) return;
    const n = Number(draft);
    if (draft.trim() === '' || !Number.isInteger(n) || n < props.min) {
      setProblem(t('wholeNumberAtLeastX', props.min));
      return;
    }
    setProblem('');
    setDraft(null);
    if (n !== props.value) props.onSave(n);
  };
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <input
        id={props.id}
        type="number"
        min={props.min}
        step={1}
        value={draft ?? String(props.value)}
        disabled={props.disabled}
        aria-invalid={!!problem || undefined}
        aria-describedby={`${props.id}-hint ${props.id}-problem`}
        onInput={(e) => setDraft(e.currentTarget.value)}
        onBlur={commit}
        onKeyDown={(e) => e.key === 'Enter' && commit()}
      />
      <span class="hint" id={`${props.id}-hint`}>
        {props.hint}
      </span>
      {/* Only while there is a problem: one alert at a time on the page (as Alert does). */}
      <span class="field-error" id={`${props.id}-problem`} role={problem ? 'alert' : undefined}>
        {problem}
      </span>
    </div>
  );
}
