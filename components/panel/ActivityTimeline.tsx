import { Component } from 'preact';
import { memo } from 'preact/compat';
import { useCallback, useMemo, useRef, useState } from 'preact/hooks';
import { useAction } from '@/components/common/action';
import { request } from '@/lib/client';
import { HELPDESK_NAMES } from '@/lib/helpdesks';
import { ALREADY_OPEN, CANCELLED_BY_UNDO, deliveryParts, describeActivityParts, FEW_EFFECTS, isRetryable, type ActivityPart } from '@/lib/model/activity';
import type { TicketType } from '@/lib/model/domain';
import { isHelpdeskId } from '@/lib/model/helpdesk';
import type { ActivityRecord, DeliveryOutcome, OutboxRecord } from '@/lib/model/records';
import { usePanel } from './context';
import { PANEL_WRITES, TimeAgo } from './ui';
import { formatNumber, label, t, tn } from '@/components/common/i18n';

/**
 * The ticket's Activity region: notes, state changes and edits, newest first, each followed by
 * what happened in the linked conversations (with Retry where retrying can help). A long history
 * shows its newest page; "Show earlier activity" adds the page before, and moves the keyboard
 * focus to the first item it added (so the agent reads on from there).
 */
function ActivityTimelineView(props: {
  activity: ActivityRecord[];
  effects: OutboxRecord[];
  type: TicketType | null;
  earlier: boolean;
  showEarlier(): Promise<ActivityRecord[]>;
}) {
  const model = usePanel();
  const list = useRef<HTMLOListElement>(null);
  const [loading, setLoading] = useState(false);
  const earlier = async () => {
    if (loading) return;
    setLoading(true);
    try {
      const added = await props.showEarlier();
      const first = added.reduce<string | null>((m, a) => (m === null || a.id > m ? a.id : m), null);
      if (first) requestAnimationFrame(() => list.current?.querySelector<HTMLElement>(`[data-activity="${CSS.escape(first)}"]`)?.focus());
    } finally {
      setLoading(false);
    }
  };
  const { run } = useAction(PANEL_WRITES);
  const teammates = model.catalog.value?.teammates;
  const people = useMemo(() => new Map(teammates?.map((t) => [t.id, t.name])), [teammates]);
  // Each item's effects, as the same array as last time when none of them changed: a burst of
  // outcomes then redraws the one item whose effects they are, not every item of the history.
  const lastGroups = useRef(new Map<string, OutboxRecord[]>());
  const effectsBySource = new Map<string, OutboxRecord[]>();
  for (const e of props.effects) {
    const group = effectsBySource.get(e.sourceActivityId);
    if (group) group.push(e);
    else effectsBySource.set(e.sourceActivityId, [e]);
  }
  for (const [source, group] of effectsBySource) {
    const last = lastGroups.current.get(source);
    if (last && last.length === group.length && last.every((e, i) => e === group[i])) effectsBySource.set(source, last);
  }
  lastGroups.current = effectsBySource;
  // Outcomes recorded for the team ('delivery' and 'deliveries' items) are shown here as their
  // effects already when this browser delivered them.
  const ownEffects = new Set(props.effects.map((e) => e.id));
  const shownAsEffects = (a: ActivityRecord) =>
    a.type === 'delivery' ? ownEffects.has(a.effectId) : a.type === 'deliveries' && a.outcomes.every((o) => ownEffects.has(o.effectId));
  const items = props.activity.filter((a) => !shownAsEffects(a)).sort((a, b) => b.id.localeCompare(a.id));

  // One effect's Retry, or a summary's Retry all: each sent again, one request after another.
  const retry = (effectIds: string[]) =>
    run(async () => {
      for (const effectId of effectIds) await request('ui:retryEffect', { effectId }).catch((err: Error) => model.showError(err.message));
    });
  // One function for every render, so that items whose records did not change are not drawn again.
  const retryNow = useRef(retry);
  retryNow.current = retry;
  const onRetry = useCallback((effectIds: string[]) => retryNow.current(effectIds), []);

  return (
    <section aria-label={t('activity')} class="activity">
      <h2 class="section-title">{t('activity')}</h2>
      <ol class="activity-list" ref={list}>
        {items.map((a) => (
          <ActivityGroup key={a.id} item={a} effects={effectsBySource.get(a.id) ?? NO_EFFECTS} type={props.type} people={people} onRetry={onRetry} />
        ))}
      </ol>
      {props.earlier && (
        <button type="button" class="small" aria-busy={loading || undefined} onClick={() => void earlier()}>
          {t('showEarlierActivity')}
        </button>
      )}
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

/**
 * Drawn again only when its records change: a state change's reply (a new ticket version) draws
 * the ticket's header, not the whole history with every item's effects.
 */
export const ActivityTimeline = memo(ActivityTimelineView);

/**
 * An item drawn again only when its props change: a change event replaces the records it
 * changed and keeps the others, so a burst of effect outcomes redraws those effects, not the
 * whole history.
 */
abstract class PureItem<P extends object> extends Component<P> {
  shouldComponentUpdate(next: P): boolean {
    const now = this.props as Record<string, unknown>;
    return Object.entries(next).some(([k, v]) => now[k] !== v);
  }
}

const NO_EFFECTS: OutboxRecord[] = [];

/** An item and what became of its effects in the linked conversations. */
class ActivityGroup extends PureItem<{
  item: ActivityRecord;
  effects: OutboxRecord[];
  type: TicketType | null;
  people: Map<string, string>;
  onRetry(effectIds: string[]): void;
}> {
  render() {
    const { item, effects, type, people, onRetry } = this.props;
    return (
      <>
        <ActivityItem item={item} type={type} people={people} />
        {effects.length <= FEW_EFFECTS ? (
          effects.map((e) => <EffectItem key={e.id} effect={e} onRetry={onRetry} />)
        ) : (
          <EffectSummary effects={effects} onRetry={onRetry} />
        )}
      </>
    );
  }
}

/** What became of an effect, in a word: its line stresses it, and the summary counts effects by it. */
function outcomeOf(e: OutboxRecord): string {
  if (e.lastError === ALREADY_OPEN) return t('notNeededAlreadyOpen');
  if (e.lastError === CANCELLED_BY_UNDO) return t('cancelledByUndo');
  return label('effect', e.status);
}

/**
 * Many effects of one item: how many conversations, how many effects came to what ("Delivered:
 * 58 · Failed: 2"), Retry all when some can be retried, and a disclosure listing each line.
 */
function EffectSummary({ effects, onRetry }: { effects: OutboxRecord[]; onRetry(effectIds: string[]): void }) {
  const [open, setOpen] = useState(false);
  const counts = new Map<string, number>();
  for (const e of effects) {
    const outcome = outcomeOf(e);
    counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
  }
  const conversations = new Set(effects.map((e) => e.conversationKey)).size;
  const retryable = effects.filter(isRetryable).map((e) => e.id);
  const worst = effects.some((e) => e.status === 'failed') ? 'failed' : effects.some((e) => e.status === 'queued') ? 'queued' : effects.some((e) => e.status === 'skipped') ? 'skipped' : 'delivered';
  return (
    <>
      <li class={`activity-item effect effect-summary effect-${worst}`}>
        <span class="muted small">{tn('outcomesInXConversations', conversations)} </span>
        <strong>{[...counts].map(([outcome, n]) => `${outcome}: ${formatNumber(n)}`).join(' · ')}</strong>{' '}
        {retryable.length > 0 && (
          <button type="button" class="small" onClick={() => onRetry(retryable)}>
            {t('retryAll')}
          </button>
        )}{' '}
        <button type="button" class="small" aria-expanded={open} onClick={() => setOpen(!open)}>
          {t('eachConversation')}
        </button>
      </li>
      {open && effects.map((e) => <EffectItem key={e.id} effect={e} onRetry={onRetry} />)}
    </>
  );
}

/** One note, state change or edit. */
class ActivityItem extends PureItem<{ item: ActivityRecord; type: TicketType | null; people: Map<string, string> }> {
  render() {
    const { item: a, type, people } = this.props;
    return (
      <li class={`activity-item activity-${a.type}`} data-activity={a.id} tabIndex={-1}>
        <div class="activity-meta muted small">
          <strong>{people.get(a.actorId) ?? t('someone')}</strong> · <TimeAgo at={a.at} />
          {a.type === 'note' && a.crossPosted && <span class="badge cross">{t('crossPosted')}</span>}
        </div>
        <div class="activity-text">
          <Parts parts={describeActivityParts(a, type, people, 'timeline')} />
        </div>
        {a.type === 'deliveries' && a.outcomes.length > FEW_EFFECTS && <OutcomeList outcomes={a.outcomes} />}
        {a.type === 'note' && a.crossPostedTo && (
          <div class="muted small">{t('crossPostedToX', a.crossPostedTo.length ? a.crossPostedTo.map(conversationLabel).join(', ') : t('noConversation'))}</div>
        )}
      </li>
    );
  }
}

/**
 * The outcomes another browser shared for one change, counted in the item's text: each
 * conversation's line on demand (a disclosure), as this browser's own effects have.
 */
function OutcomeList({ outcomes }: { outcomes: DeliveryOutcome[] }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" class="small" aria-expanded={open} onClick={() => setOpen(!open)}>
        {t('eachConversation')}
      </button>
      {open && (
        <ul class="outcome-list small">
          {outcomes.map((o) => (
            <li key={o.effectId} class={`effect-${o.outcome}`}>
              <Parts parts={deliveryParts(o)} />
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/** What became of one effect in one linked conversation. */
class EffectItem extends PureItem<{ effect: OutboxRecord; onRetry(effectIds: string[]): void }> {
  render() {
    return <EffectLine effect={this.props.effect} onRetry={() => this.props.onRetry([this.props.effect.id])} />;
  }
}

function EffectLine({ effect: e, onRetry }: { effect: OutboxRecord; onRetry(): void }) {
  return (
    <li class={`activity-item effect effect-${e.status}`}>
      <span class="muted small">
        {e.kind === 'note' ? t('internalNoteInX', conversationLabel(e.conversationKey)) : e.kind === 'restore' ? t('statusPutBackInX', conversationLabel(e.conversationKey)) : t('reopenInX', conversationLabel(e.conversationKey))}:{' '}
      </span>
      <strong>{outcomeOf(e)}</strong>
      {e.lastError && e.lastError !== ALREADY_OPEN && e.lastError !== CANCELLED_BY_UNDO && <span class="small"> — {e.lastError}</span>}
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
