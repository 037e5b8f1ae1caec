import { createModel, signal, type ReadonlySignal } from '@preact/signals';
import { useRef } from 'preact/hooks';
import { ActionModel } from '@/components/common/action';
import { isMac, mod } from '@/components/common/shortcuts';
import { request } from '@/lib/client';
import { checkNote, MAX_NOTE_LENGTH } from '@/lib/model/domain';
import type { ActivityRecord } from '@/lib/model/records';
import { usePanel } from './context';
import type { PanelModel } from './model';
import { PANEL_WRITES } from './ui';
import { t, tn } from '@/components/common/i18n';

/** The note being written on a ticket, and what was wrong with the last attempt to post it. */
const NoteDraft = createModel((panel: PanelModel, ticketId: string) => {
  const body = signal('');
  const problem = signal('');
  const action = new ActionModel(PANEL_WRITES);
  return {
    body: body as ReadonlySignal<string>,
    problem: problem as ReadonlySignal<string>,
    /** A note in flight: another waits (no double posting). */
    busy: action.busy,
    write(text: string) {
      body.value = text;
      problem.value = '';
    },
    /**
     * Posts the note, cross-posted to the `linkCount` linked conversations or not; it is cleared
     * once saved, and `onPosted` shows it. Null when the note was refused before sending (the
     * problem says why).
     */
    post(crossPost: boolean, linkCount: number, onPosted: (note: ActivityRecord) => void): Promise<void> | null {
      const check = checkNote(body.value);
      if (!check.ok) {
        problem.value = check.error;
        return null;
      }
      problem.value = '';
      // The same note posted the same way is the same action: after a failure (the note stays in
      // the box) posting it again reuses the request id; an edited note is a new action.
      const note = { ticketId, body: check.body, crossPost };
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
export function NoteComposer({ ticketId, linkCount, onPosted }: { ticketId: string; linkCount: number; onPosted(note: ActivityRecord): void }) {
  const model = usePanel();
  const draft = draftFor(model, ticketId);
  const body = draft.body.value;
  const problem = draft.problem.value;
  const busy = draft.busy.value;
  const area = useRef<HTMLTextAreaElement>(null);

  const post = (crossPost: boolean) => void draft.post(crossPost, linkCount, onPosted)?.finally(() => area.current?.focus());

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
        <button type="button" disabled={busy} onClick={() => post(true)} title={t('alsoPostsItAsAnInternal')}>{t('crossPostNote')}</button>
      </div>
    </div>
  );
}
