import { useAction } from '@/components/common/action';
import { request } from '@/lib/client';
import { HELPDESK_NAMES } from '@/lib/helpdesks';
import { ALREADY_OPEN, describeActivityParts, isRetryable, type ActivityPart } from '@/lib/model/activity';
import type { TicketType } from '@/lib/model/domain';
import { isHelpdeskId } from '@/lib/model/helpdesk';
import type { ActivityRecord, OutboxRecord } from '@/lib/model/records';
import { usePanel } from './context';
import { PANEL_WRITES, TimeAgo } from './ui';
import { label, t } from '@/components/common/i18n';

/**
 * The ticket's Activity region: notes, state changes and edits, newest first, each followed by
 * what happened in the linked conversations (with Retry where retrying can help).
 */
export function ActivityTimeline(props: { activity: ActivityRecord[]; effects: OutboxRecord[]; type: TicketType | null }) {
  const model = usePanel();
  const { run } = useAction(PANEL_WRITES);
  const people = new Map(model.catalog.value?.teammates.map((t) => [t.id, t.name]));
  const effectsBySource = new Map<string, OutboxRecord[]>();
  for (const e of props.effects) effectsBySource.set(e.sourceActivityId, [...(effectsBySource.get(e.sourceActivityId) ?? []), e]);
  const items = [...props.activity].sort((a, b) => b.id.localeCompare(a.id));

  const retry = (effectId: string) =>
    run(async () => {
      await request('ui:retryEffect', { effectId }).catch((err: Error) => model.showError(err.message));
    });

  return (
    <section aria-label={t('activity')} class="activity">
      <h2 class="section-title">{t('activity')}</h2>
      <ol class="activity-list">
        {items.flatMap((a) => [
          <li key={a.id} class={`activity-item activity-${a.type}`}>
            <div class="activity-meta muted small">
              <strong>{people.get(a.actorId) ?? t('someone')}</strong> · <TimeAgo at={a.at} />
              {a.type === 'note' && a.crossPosted && <span class="badge cross">{t('crossPosted')}</span>}
            </div>
            <div class="activity-text">
              <Parts parts={describeActivityParts(a, props.type, people, 'timeline')} />
            </div>
          </li>,
          ...(effectsBySource.get(a.id) ?? []).map((e) => <EffectItem key={e.id} effect={e} onRetry={() => retry(e.id)} />),
        ])}
      </ol>
    </section>
  );
}

/** A description's parts: stressed values in <strong>, a note's words as a paragraph. */
function Parts({ parts }: { parts: ActivityPart[] }) {
  return (
    <>
      {parts.map((p, i) =>
        typeof p === 'string' ? (
          p
        ) : 'strong' in p ? (
          <strong key={i}>{p.strong}</strong>
        ) : (
          <p key={i} class="note-body">
            {p.note}
          </p>
        ),
      )}
    </>
  );
}

/** What became of one effect in one linked conversation. */
function EffectItem({ effect: e, onRetry }: { effect: OutboxRecord; onRetry(): void }) {
  return (
    <li class={`activity-item effect effect-${e.status}`}>
      <span class="muted small">
        {e.kind === 'note' ? t('internalNoteInX', conversationLabel(e.conversationKey)) : t('reopenInX', conversationLabel(e.conversationKey))}:{' '}
      </span>
      {e.lastError === ALREADY_OPEN ? (
        <strong>{t('notNeededAlreadyOpen')}</strong>
      ) : (
        <>
          <strong>{label('effect', e.status)}</strong>
          {e.lastError && <span class="small"> — {e.lastError}</span>}
        </>
      )}
      {isRetryable(e) && (
        <button type="button" class="small" onClick={onRetry}>{t('retry')}</button>
      )}
    </li>
  );
}

/** "Chatwoot #3" from a conversation key. */
function conversationLabel(key: string): string {
  const [helpdesk, ...rest] = key.split(':');
  const id = decodeURIComponent(rest.at(-1) ?? '');
  // The product's own spelling (Help Scout, HubSpot), not the id's.
  const name = isHelpdeskId(helpdesk) ? HELPDESK_NAMES[helpdesk] : 'Helpdesk';
  return `${name} #${id}`;
}
