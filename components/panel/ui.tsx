import type { ComponentChildren, Ref } from 'preact';
import { signal } from '@preact/signals';
import { useLayoutEffect, useRef } from 'preact/hooks';
import type { TicketKind } from '@/lib/model/domain';
import type { ActionOptions } from '@/components/common/action';
import { HELPDESK_NAMES } from '@/lib/helpdesks';
import type { ConversationStatus, PageContext } from '@/lib/model/helpdesk';
import { usePanel } from './context';
import { dockAllowsAction } from './visibility';
import { formatDateTime, label, t, uiLanguage } from '@/components/common/i18n';

const KIND_GLYPHS: Record<TicketKind | 'conversation', preact.ComponentChildren> = {
  backoffice: 'B',
  customer: 'C',
  tracker: 'T',
  // A speech bubble drawn in SVG: emoji fonts are missing on many Linux desktops.
  conversation: (
    <svg viewBox="0 0 16 16" width="12" height="12" aria-hidden="true">
      <path d="M2 2.5h12a1 1 0 0 1 1 1v7a1 1 0 0 1-1 1H7l-3.5 3v-3H2a1 1 0 0 1-1-1v-7a1 1 0 0 1 1-1z" fill="currentColor" />
    </svg>
  ),
};

/** The kind icon: a coloured glyph with the kind's name for screen readers. */
export function KindIcon({ kind }: { kind: TicketKind | 'conversation' }) {
  const name = label('kind', kind);
  return (
    <span role="img" aria-label={name} title={name} class={`kind kind-${kind}`}>
      {KIND_GLYPHS[kind]}
    </span>
  );
}

/** The helpdesk status words the panel shows (Open, Snoozed…), in the browser's language. */
export const conversationStatusLabel = (status: ConversationStatus): string => label('status', status);

/** How the panel names a conversation or customer ticket: "Chatwoot conversation #3". */
export function conversationName(c: Pick<PageContext, 'helpdesk' | 'kind' | 'conversationId'>): string {
  return c.kind === 'ticket' ? t('ticketNameX', HELPDESK_NAMES[c.helpdesk], `#${c.conversationId}`) : t('conversationNameX', HELPDESK_NAMES[c.helpdesk], `#${c.conversationId}`);
}

export function StateBadge({ label, category }: { label: string; category?: string }) {
  return <span class={`badge state-${category ?? 'other'}`}>{label}</span>;
}

// In the browser's language; created on first use (the language is the browser's, read once).
let relative: Intl.RelativeTimeFormat | undefined;
/** One clock for every relative time on screen (a queue shows hundreds). */
const clock = signal(Date.now());
let clockTimer: ReturnType<typeof setInterval> | undefined;

/** "2 minutes ago", with the exact time in a tooltip. */
/** The time now, as the shared clock last ticked; reading it re-renders the reader as it ticks. */
export function useClock(): number {
  clockTimer ??= setInterval(() => (clock.value = Date.now()), 30_000);
  return Math.max(clock.value, Date.now());
}

export function TimeAgo({ at }: { at: number }) {
  clockTimer ??= setInterval(() => (clock.value = Date.now()), 30_000);
  // Reading the clock subscribes this component: it re-renders when the clock ticks.
  const seconds = Math.round((at - Math.max(clock.value, Date.now())) / 1000);
  const abs = Math.abs(seconds);
  relative ??= new Intl.RelativeTimeFormat(uiLanguage(), { numeric: 'auto' });
  const text =
    abs < 45
      ? t('justNow')
      : abs < 3600
        ? relative.format(Math.round(seconds / 60), 'minute')
        : abs < 86400
          ? relative.format(Math.round(seconds / 3600), 'hour')
          : relative.format(Math.round(seconds / 86400), 'day');
  const date = new Date(at);
  return (
    <time dateTime={date.toISOString()} title={formatDateTime(date)}>
      {text}
    </time>
  );
}

/**
 * How the panel runs writes (../common/action.ts): nothing is written while the page covers or
 * hides the docked panel (./visibility.ts), and a failure is thrown for the caller to show.
 */
export const PANEL_WRITES: ActionOptions = { guard: dockAllowsAction, errors: 'throw' };

/**
 * A view's top bar: "← Back" (to the conversation, unless `onBack` says where), the view's
 * heading, and whatever else the view puts there.
 */
export function ViewBar(props: { title?: string; back?: string; onBack?(): void; backRef?: Ref<HTMLButtonElement>; escape?: boolean; children?: ComponentChildren }) {
  const model = usePanel();
  return (
    <header class="bar">
      <button
        ref={props.backRef}
        type="button"
        class="ghost"
        onClick={() => (props.onBack ? props.onBack() : model.navigate({ name: 'conversation' }))}
        aria-keyshortcuts={props.escape ? 'Escape' : undefined}
      >
        <span aria-hidden="true">← </span>
        {props.back ?? t('back')}
      </button>
      {props.title && <h1>{props.title}</h1>}
      {props.children}
    </header>
  );
}

/** A view's search field: it has the focus when the view opens, and Escape goes back to the conversation. */
export function SearchBox(props: { label: string; value: string; onInput(text: string): void; role?: 'searchbox' }) {
  const model = usePanel();
  const input = useRef<HTMLInputElement>(null);
  useLayoutEffect(() => input.current?.focus(), []);
  return (
    <input
      ref={input}
      type="search"
      role={props.role}
      aria-label={props.label}
      placeholder={t('ticketIdOrWordsOfThe')}
      value={props.value}
      onInput={(e) => props.onInput(e.currentTarget.value)}
      onKeyDown={(e) => e.key === 'Escape' && model.navigate({ name: 'conversation' })}
    />
  );
}

export function Section({ label, children, class: cls }: { label: string; children: ComponentChildren; class?: string }) {
  return (
    <section aria-label={label} class={cls}>
      <h2 class="section-title">{label}</h2>
      {children}
    </section>
  );
}

/** True when a key press should not trigger single-key shortcuts (typing in a field). */
export function isTypingTarget(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el) return false;
  return el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName);
}
