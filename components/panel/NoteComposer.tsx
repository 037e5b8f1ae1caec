import { createModel, signal, type ReadonlySignal } from '@preact/signals';
import { useRef, useState } from 'preact/hooks';
import { memo } from 'preact/compat';
import { ActionModel } from '@/components/common/action';
import { isMac, mod } from '@/components/common/shortcuts';
import { request } from '@/lib/client';
import { checkNote, MAX_NOTE_LENGTH } from '@/lib/model/domain';
import type { ActivityRecord } from '@/lib/model/records';
import { needsConfirmation } from '@/lib/model/spread';
import type { LinkView } from '@/lib/model/views';
import { ConfirmSpread, Effects, previewSpread, useSpreadSettings } from './Spread';
import { usePanel } from './context';
import type { PanelModel } from './model';
import { conversationName, PANEL_WRITES } from './ui';
import { t, tn } from '@/components/common/i18n';

/** The note being written on a ticket, and what was wrong with the last attempt to post it. */
const NoteDraft = createModel((panel: PanelModel, ticketId: string) => {
  const body = signal('');
  const problem = signal('');
  /** Linked conversations unticked in "Cross-post to" (kept as exceptions: a new link starts ticked). */
  const excluded = signal<ReadonlySet<string>>(new Set());
  const action = new ActionModel(PANEL_WRITES);
  return {
    body: body as ReadonlySignal<string>,
    problem: problem as ReadonlySignal<string>,
    /** A note in flight: another waits (no double posting). */
    busy: action.busy,
    excluded: excluded as ReadonlySignal<ReadonlySet<string>>,
    /** Ticks or unticks one conversation in "Cross-post to". */
    choose(conversationKey: string, on: boolean) {
      const next = new Set(excluded.value);
      if (on) next.delete(conversationKey);
      else next.add(conversationKey);
      excluded.value = next;
    },
    write(text: string) {
      body.value = text;
      problem.value = '';
    },
    /**
     * Posts the note, cross-posted to the chosen linked conversations (`targets`) or not; it is
     * cleared once saved, and `onPosted` shows it. Null when the note was refused before sending
     * (the problem says why).
     */
    post(crossPost: boolean, targets: string[], onPosted: (note: ActivityRecord) => void): Promise<void> | null {
      const check = checkNote(body.value);
      if (!check.ok) {
        problem.value = check.error;
        return null;
      }
      problem.value = '';
      // The same note posted the same way is the same action: after a failure (the note stays in
      // the box) posting it again reuses the request id; an edited note is a new action.
      if (crossPost && !targets.length) {
        problem.value = t('tickAConversationToCrossPost');
        return null;
      }
      const note = { ticketId, body: check.body, crossPost, ...(crossPost ? { conversationKeys: targets } : {}) };
      const linkCount = targets.length;
      return action
        .run(JSON.stringify(note), async (requestId) => {
          const saved = await request('ui:addNote', { requestId, ...note });
          onPosted(saved.note);
          body.value = '';
          panel.announce(crossPost ? tn('noteCrossPostedTo', linkCount) : t('noteAdded'));
        })
        .then(
          () => undefined,
          (e: Error) => void (problem.value = e.message),
        );
    },
  };
});

type NoteDraft = InstanceType<typeof NoteDraft>;

/**
 * The drafts of this page, by ticket: a note being written survives the ticket view being shown
 * again (the agent went back to the conversation, or the view was re-created after the background
 * restarted), like a draft in the helpdesk's own composer.
 */
const drafts = new Map<string, NoteDraft>();

function draftFor(panel: PanelModel, ticketId: string): NoteDraft {
  let draft = drafts.get(ticketId);
  if (!draft) drafts.set(ticketId, (draft = new NoteDraft(panel, ticketId)));
  return draft;
}

/**
 * Internal notes. Ctrl/Cmd+Enter adds, Ctrl/Cmd+Shift+Enter cross-posts. A held key (repeat)
 * and IME composition never post, and a note in flight blocks a second one.
 */
function NoteComposerView({
  ticketId,
  links,
  showEffects = true,
  onPosted,
}: {
  ticketId: string;
  links: LinkView[];
  /** False while another Effects line (the state menu's) is shown. */
  showEffects?: boolean;
  onPosted(note: ActivityRecord): void;
}) {
  const model = usePanel();
  const draft = draftFor(model, ticketId);
  const body = draft.body.value;
  const problem = draft.problem.value;
  const busy = draft.busy.value;
  const excluded = draft.excluded.value;
  const area = useRef<HTMLTextAreaElement>(null);
  const settings = useSpreadSettings();
  const [confirming, setConfirming] = useState(false);
  const targets = links.map((l) => l.link.conversationKey).filter((k) => !excluded.has(k));
  const preview = previewSpread(settings, links, null, new Set(targets));

  const send = (crossPost: boolean) => void draft.post(crossPost, targets, onPosted)?.finally(() => area.current?.focus());
  const post = (crossPost: boolean) => (crossPost && needsConfirmation(preview, settings.confirmAbove) ? setConfirming(true) : send(crossPost));

  const near = body.length > MAX_NOTE_LENGTH * 0.9;
  return (
    <div class="composer">
      <label class="sr-only" for="note">{t('note')}</label>
      <textarea
        id="note"
        ref={area}
        aria-label={t('note')}
        aria-keyshortcuts="Control+Enter Control+Shift+Enter"
        aria-invalid={!!problem || undefined}
        aria-describedby="note-help note-problem"
        placeholder={t('internalNoteNeverVisibleToThe')}
        rows={3}
        value={body}
        onInput={(e) => draft.write(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key !== 'Enter' || !(isMac ? e.metaKey : e.ctrlKey)) return;
          e.preventDefault();
          // keyCode 229: a key press the IME is still handling.
          if (e.isComposing || e.keyCode === 229 || e.repeat || busy) return;
          post(e.shiftKey);
        }}
      />
      <p id="note-help" class="muted small">
        {t('noteKeysHelp', mod)}
        {near && (
          <span>
            {' '}
            · {t('characterCount', body.length, MAX_NOTE_LENGTH)}
          </span>
        )}
      </p>
      <p id="note-problem" role="alert" class="field-error">
        {problem}
      </p>
      <div class="actions">
        <button type="button" class="primary" disabled={busy} onClick={() => post(false)}>{t('addNote')}</button>
        <button type="button" disabled={busy} onClick={() => post(true)} title={t('alsoPostsItTicked')}>{t('crossPostNote')}</button>
      </div>
      {links.length > 0 && (
        <fieldset class="cross-post-to">
          <legend class="small">{t('crossPostTo')}</legend>
          {links.map(({ link, conversation: c }) => {
            const name = c ? conversationName(c) : link.conversationKey;
            return (
              <label key={link.id} class="check-row small">
                <input type="checkbox" aria-label={name} checked={!excluded.has(link.conversationKey)} onChange={(e) => draft.choose(link.conversationKey, e.currentTarget.checked)} />{' '}
                <span aria-hidden="true">{name}</span>
              </label>
            );
          })}
        </fieldset>
      )}
      {showEffects && body.trim() !== '' && links.length > 0 && <Effects what={t('crossPost')} preview={preview} />}
      {confirming && (
        <ConfirmSpread
          what={t('crossPost')}
          preview={preview}
          onCancel={() => setConfirming(false)}
          onApply={() => {
            setConfirming(false);
            send(true);
          }}
        />
      )}
    </div>
  );
}

/** Drawn again only when its props change (not at every new version of the ticket it is under). */
export const NoteComposer = memo(NoteComposerView);
