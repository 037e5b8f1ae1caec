import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { request } from '@/lib/client';
import { HELPDESK_NAMES } from '@/lib/helpdesks';
import type { PreviewResult } from '@/lib/model/views';
import { usePanel } from './context';
import type { Route } from './model';
import { CONVERSATION_STATUS_LABELS, TimeAgo } from './ui';

const KIND_LABELS = { incoming: 'Customer', outgoing: 'Reply', note: 'Internal note', event: 'Event' } as const;

/** A linked conversation's messages, notes and events, without leaving the ticket. */
export function Preview({ conversationKey, from }: { conversationKey: string; from: Route }) {
  const model = usePanel();
  const [data, setData] = useState<PreviewResult | null>(null);
  const [problem, setProblem] = useState('');
  const back = useRef<HTMLButtonElement>(null);

  // Re-read the helpdesk only when something touched this conversation.
  const [touched, setTouched] = useState(0);
  const change = model.lastChange.value;
  useEffect(() => {
    if (change?.conversationKeys.includes(conversationKey)) setTouched((n) => n + 1);
  }, [change]);
  useEffect(() => {
    let cancelled = false;
    request('ui:preview', { conversationKey })
      .then((r) => !cancelled && setData(r))
      .catch((e: Error) => !cancelled && setProblem(e.message));
    return () => {
      cancelled = true;
    };
  }, [conversationKey, touched]);
  useLayoutEffect(() => back.current?.focus(), []);

  const c = data?.conversation;
  const title = c ? `${HELPDESK_NAMES[c.helpdesk]} ${c.kind} #${c.conversationId}` : 'Conversation';
  return (
    <div class="view">
      <header class="bar">
        <button ref={back} type="button" class="ghost" onClick={() => model.navigate(from)} aria-keyshortcuts="Escape">
          <span aria-hidden="true">← </span>
          Back to ticket
        </button>
      </header>
      <section aria-label="Conversation preview" class="preview">
        <h1>{title}</h1>
        {c && (
          <p class="muted small">
            {[c.customerName, c.company].filter(Boolean).join(' · ')} · {CONVERSATION_STATUS_LABELS[c.status]}
          </p>
        )}
        {problem && <p role="alert">{problem}</p>}
        {data?.notice && (
          <p role="status" class="notice">
            {data.notice}
          </p>
        )}
        {!data && !problem && <p class="muted">Loading conversation…</p>}
        {data && data.messages.length === 0 && <p class="muted">No messages.</p>}
        <ol class="messages">
          {data?.messages.map((m) => (
            <li key={m.id} class={`message message-${m.kind}`}>
              <div class="muted small">
                <strong>{m.author}</strong> · {KIND_LABELS[m.kind]} · <TimeAgo at={m.at} />
              </div>
              <p class="message-text">{m.text}</p>
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}
