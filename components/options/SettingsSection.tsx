import { useState } from 'preact/hooks';
import { request } from '@/lib/client';
import { useOptions } from './context';
import { ReopenRules } from './ReopenRules';
import { useAction } from '@/components/common/action';
import { Alert, LockedHint, Section, OPTIONS_WRITES } from './ui';
import { Emphasis } from '@/components/common/Emphasis';
import { label, t } from '@/components/common/i18n';

/** Helpdesk > Tickets > Ticket states: the workspace setting that stops state changes from reopening conversations. */
export function SettingsSection() {
  const model = useOptions();
  const status = model.status.value;
  const { busy, error, run } = useAction(OPTIONS_WRITES);
  const byPolicy = !!status?.policyKeys.includes('preventReopen');
  const unlocked = model.sharedEditable.value;
  // Shown at once while the save runs; the stored value takes over when it is done (or failed).
  const [pending, setPending] = useState<boolean | null>(null);
  const checked = pending ?? status?.settings.preventReopen ?? false;

  const toggle = (next: boolean) => {
    if (busy) return;
    setPending(next);
    void run(`preventReopen ${next}`, async (requestId) => {
      try {
        await request('admin:saveSettings', { requestId, settings: { preventReopen: next } });
        await model.refreshStatus();
        model.announce(next ? t('preventReopenOnAnnounce') : t('preventReopenOffAnnounce'));
      } finally {
        setPending(null);
      }
    });
  };

  return (
    <Section id="ticket-states" title={t('ticketStates')} trail={[t('helpdesk'), t('tickets'), t('ticketStates')]}>
      <div class="setting">
        <div class="setting-text">
          <label for="prevent-reopen" class="setting-label">
            {label('setting', 'preventReopen')}
          </label>
          <p id="prevent-reopen-help" class="muted">
            <Emphasis text={t('preventReopenExplained')} />
          </p>
          {byPolicy && (
            <p class="policy" id="prevent-reopen-policy">
              <span aria-hidden="true">🏢 </span>{checked ? t('policySetOn') : t('policySetOff')}
            </p>
          )}
        </div>
        <input
          id="prevent-reopen"
          class="switch"
          type="checkbox"
          role="switch"
          checked={checked}
          disabled={!status || !unlocked || byPolicy}
          aria-busy={busy || undefined}
          aria-describedby={byPolicy ? 'prevent-reopen-help prevent-reopen-policy' : 'prevent-reopen-help'}
          onChange={(e) => toggle(e.currentTarget.checked)}
        />
      </div>
      {!unlocked && !byPolicy && <LockedHint what={t('changeThisSetting')} />}
      <Alert message={error} />
      <ReopenRules />
    </Section>
  );
}
