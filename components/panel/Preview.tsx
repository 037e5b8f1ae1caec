import { createModel, effect, signal, untracked, useModel, type ReadonlySignal } from '@preact/signals';
import { useLayoutEffect, useRef } from 'preact/hooks';
import { request } from '@/lib/client';
import type { PreviewResult } from '@/lib/model/views';
import { usePanel } from './context';
import type { PanelModel, Route } from './model';
import { conversationStatusLabel, conversationName, TimeAgo, ViewBar } from './ui';
import { label, t } from '@/components/common/i18n';


/** A conversation as the helpdesk shows it, read again only when a change touched it. */
const ConversationPreview = createModel((panel: PanelModel, conversationKey: string) => {
  const data = signal<PreviewResult | null>(null);
  const problem = signal('');
  let latest = 0;
  const read = () => {
    // Only the latest reading is shown: an earlier one may answer after it.
    const reading = ++latest;
    request('ui:preview', { conversationKey }).then(
      (r) => reading === latest && (data.value = r),
      (e: Error) => reading === latest && (problem.value = e.message),
    );
  };
  let first = true;
  effect(() => {
    const change = panel.lastChange.value;
    if (first || change?.conversationKeys.includes(conversationKey)) untracked(read);
    first = false;
  });
  return { data: data as ReadonlySignal<PreviewResult | null>, problem: problem as ReadonlySignal<string> };
});

/** A linked conversation's messages, notes and events, without leaving the ticket. */
export function Preview({ conversationKey, from, reason }: { conversationKey: string; from: Route; reason?: string }) {
  const model = usePanel();
  const preview = useModel(() => new ConversationPreview(model, conversationKey));
  const data = preview.data.value;
  const problem = preview.problem.value;
  const back = useRef<HTMLButtonElement>(null);
  useLayoutEffect(() => back.current?.focus(), []);

  const c = data?.conversation;
  const title = c ? conversationName(c) : 'Conversation';
  return (
    <div class="view">
      <ViewBar back="Back to ticket" onBack={() => model.navigate(from)} backRef={back} escape />
      <section aria-label={t('conversationPreview')} class="preview">
        <h1>{title}</h1>
        {c && (
          <p class="muted small">
            {[c.customerName, c.company].filter(Boolean).join(' · ')} · {conversationStatusLabel(c.status)}
          </p>
        )}
        {reason && <p class="preview-reason small">{t('linkedBecauseX', reason)}</p>}
        {problem && <p role="alert">{problem}</p>}
        {data?.notice && (
          <p role="status" class="notice">
            {data.notice}
          </p>
        )}
        {!data && !problem && <p class="muted">{t('loadingConversation')}</p>}
        {data && data.messages.length === 0 && <p class="muted">{t('noMessages')}</p>}
        <ol class="messages">
          {data?.messages.map((m) => (
            <li key={m.id} class={`message message-${m.kind}`}>
              <div class="muted small">
                <strong>{m.author}</strong> · {label('msgKind', m.kind)} · <TimeAgo at={m.at} />
              </div>
              <p class="message-text">{m.text}</p>
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}
