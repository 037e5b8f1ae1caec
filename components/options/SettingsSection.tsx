import { useState } from 'preact/hooks';
import { request } from '@/lib/client';
import { SETTING_LABELS } from '@/lib/model/settings';
import { useOptions } from './context';
import { ReopenRules } from './ReopenRules';
import { useAction } from '@/components/common/action';
import { Alert, LockedHint, Section, OPTIONS_WRITES } from './ui';

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
        model.announce(next ? 'State changes no longer reopen linked conversations.' : 'State changes reopen linked conversations again.');
      } finally {
        setPending(null);
      }
    });
  };

  return (
    <Section id="ticket-states" title="Ticket states" trail={['Helpdesk', 'Tickets', 'Ticket states']}>
      <div class="setting">
        <div class="setting-text">
          <label for="prevent-reopen" class="setting-label">
            {SETTING_LABELS.preventReopen}
          </label>
          <p id="prevent-reopen-help" class="muted">
            By default, changing a back-office ticket’s state also reopens or unsnoozes every linked customer conversation. Turned on, this stops
            that for the <strong>whole workspace</strong> (every team and ticket type), for state changes made <strong>from then on</strong>:
            conversations already reopened stay as they are. Events, notes, assignments and notifications carry on as normal.{' '}
            <strong>Tracker tickets</strong> are not affected: their state changes ask each time what to update.
          </p>
          {byPolicy && (
            <p class="policy" id="prevent-reopen-policy">
              <span aria-hidden="true">🏢 </span>Set by your organisation ({checked ? 'on' : 'off'}). It can only be changed by whoever manages your browsers.
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
      {!unlocked && !byPolicy && <LockedHint what="change this setting" />}
      <Alert message={error} />
      <ReopenRules />
    </Section>
  );
}
