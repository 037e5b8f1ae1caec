import { useAction } from '@/components/common/action';
import { request } from '@/lib/client';
import type { ConflictVersion } from '@/lib/model/workspace-docs';
import { usePanel } from './context';
import { PANEL_WRITES } from './ui';
import { t } from '@/components/common/i18n';

/**
 * A ticket changed on two browsers at once (team workspace): each competing version with who
 * made it and when, and "Keep this" beside each. The kept one becomes the ticket on every
 * browser; until someone chooses, nothing is dropped.
 */
export function Conflicts({ ticketId, versions }: { ticketId: string; versions: ConflictVersion[] }) {
  const model = usePanel();
  const { busy, run } = useAction(PANEL_WRITES);
  return (
    <section class="conflicts" aria-labelledby="conflicts-title">
      <h2 id="conflicts-title" class="small-heading">{t('conflictingChanges')}</h2>
      <p class="muted small">{t('thisTicketWasChangedOnTwo')}</p>
      <ul>
        {versions.map((v) => (
          <li key={v.rev}>
            <dl>
              {v.fields.map((f) => (
                <div key={f.field}>
                  <dt>{f.label}</dt>
                  <dd>{f.value || t('emptyValue')}</dd>
                </div>
              ))}
            </dl>
            <p class="muted small">
              {v.author}, {new Date(v.at).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })}
            </p>
            <button
              type="button"
              disabled={busy}
              onClick={() =>
                void run(async () => {
                  try {
                    await request('ui:resolveConflict', { ticketId, rev: v.rev });
                    model.announce(t('conflictResolved'));
                  } catch (e) {
                    model.showError((e as Error).message);
                  }
                })
              }
            >{t('keepThis')}</button>
          </li>
        ))}
      </ul>
    </section>
  );
}
