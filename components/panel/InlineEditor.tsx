/**
 * One "click to edit" editor for every field of the ticket view (title, user, company, custom
 * attributes, description). It keeps what every field must do the same way:
 * - the edit carries the ticket version shown when editing began, not the one shown at saving;
 * - Enter (or the Save button) saves, Escape cancels and never saves, also not through the blur
 *   that closing the control causes;
 * - a save the background refuses because someone else changed the field meanwhile keeps the
 *   editor open and shows both values, with "Keep mine" (save again against the version now
 *   saved) and "Use saved value" (drop the edit).
 */
import type { ComponentChildren } from 'preact';
import { useSignal } from '@preact/signals';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { Ticket } from '@/lib/model/domain';
import { usePanel } from './context';
import { useAction } from '@/components/common/action';
import { TimeAgo, PANEL_WRITES } from './ui';
import { t } from '@/components/common/i18n';

/** What the background said about someone else's change to the same field. */
export interface FieldConflict {
  /** The ticket as saved now. */
  ticket: Ticket;
  /** Who saved the field's current value, and when; null when the background does not know. */
  actorId: string | null;
  at: number | null;
  /** The background's explanation, for places that show it as an error. */
  message: string;
}

/** How a save ended: saved, refused because of someone else's change, or failed (already shown as an error). */
export type SaveOutcome = { ok: true } | { ok: false; conflict?: FieldConflict };

/** What a field's control gets from the editor. */
export interface ControlProps {
  draft: string;
  setDraft(value: string): void;
  /** Enter saves (Ctrl/Cmd+Enter when `multiline`), Escape cancels: for the control's onKeyDown. */
  onKeyDown(e: KeyboardEvent): void;
  onBlur(e: FocusEvent): void;
  /** Saves `value` (default: the draft); for controls that report their own submit key. */
  commit(value?: string): void;
  cancel(): void;
}

export interface InlineEditorProps {
  /** The field's name: its control's accessible name, and in the conflict's name and message. */
  label: string;
  /** The saved value, as the control edits it. */
  value: string;
  /** The ticket version on screen; an edit carries the one on screen when it began. */
  version: number;
  /** The field's value, as the control edits it, in a ticket (to show what is saved now). */
  read(ticket: Ticket): string;
  /** How a value looks (both values of a conflict). */
  show(value: string): ComponentChildren;
  /** What is compared and saved: e.g. trimmed text, '' for an empty description. */
  normalize?(draft: string): string;
  /** Saves the normalized draft, made against `baseVersion`, under the action's request id. */
  save(value: string, baseVersion: number, requestId: string): Promise<SaveOutcome>;
  /** Plain Enter inserts a line; Ctrl/Cmd+Enter saves. */
  multiline?: boolean;
  /** Saving when focus leaves the control (the single-line text fields). */
  commitOnBlur?: boolean;
  /** Names of the Save and Cancel buttons beside the control; none when absent. */
  buttons?: { save: string; cancel: string; primary?: boolean };
  /** The value when not editing, with a button that calls `edit`. */
  view(edit: () => void): ComponentChildren;
  control(props: ControlProps): ComponentChildren;
  /** Class of the element that holds the editor. */
  class?: string;
}

type Mode = 'view' | 'editing' | 'saving' | 'conflict';

export function InlineEditor(props: InlineEditorProps) {
  const model = usePanel();
  const { run } = useAction(PANEL_WRITES);
  // Signals, not component state: event handlers read them as they are now. The blur that
  // closing the control causes arrives before the closed editor renders, and must see that the
  // editor is no longer editing.
  const modeSignal = useSignal<Mode>('view');
  const mode = modeSignal.value;
  const draftSignal = useSignal('');
  const draft = draftSignal.value;
  const setMode = (m: Mode) => (modeSignal.value = m);
  const setDraft = (v: string) => (draftSignal.value = v);
  /** The version and value shown when editing began. */
  const start = useRef({ version: props.version, value: props.value });
  const [conflict, setConflict] = useState<FieldConflict | null>(null);
  const box = useRef<HTMLDivElement>(null);
  const closed = useRef(false);
  const normalize = props.normalize ?? ((v: string) => v);

  // Closing from inside the editor (Enter, Escape, a button) leaves focus nowhere: give it to the
  // field's edit button. A blur that saved because the agent clicked elsewhere leaves it there.
  useLayoutEffect(() => {
    if (mode !== 'view' || !closed.current) return;
    closed.current = false;
    const active = document.activeElement;
    if (!active || active === document.body) box.current?.querySelector<HTMLElement>('button')?.focus();
  }, [mode]);

  // The control takes focus when editing begins: `autofocus` only works once per page load.
  const opened = useRef(false);
  useLayoutEffect(() => {
    if (mode !== 'editing' || !opened.current) return;
    opened.current = false;
    box.current?.querySelector<HTMLElement>('input, select, textarea')?.focus();
  }, [mode]);

  const edit = () => {
    opened.current = true;
    start.current = { version: props.version, value: props.value };
    setDraft(props.value);
    setConflict(null);
    setMode('editing');
  };

  const close = () => {
    closed.current = true;
    setConflict(null);
    setMode('view');
  };

  // The mode is 'view' at once (a signal), so the blur of the control as it unmounts saves nothing.
  const cancel = close;

  const submit = async (value: string, baseVersion: number) => {
    const from = modeSignal.value;
    setMode('saving');
    // Saving the same value again after a failure is the same action (same request id).
    const outcome = await run(`${props.label} ${value}`, (requestId) => props.save(value, baseVersion, requestId)).catch(
      (): SaveOutcome => ({ ok: false }),
    );
    if (modeSignal.value !== 'saving') return; // cancelled meanwhile: the agent has moved on
    if (outcome?.ok) close();
    else if (outcome?.conflict) {
      setConflict(outcome.conflict);
      setMode('conflict');
    } else setMode(from);
  };

  const commit = (value = draftSignal.value) => {
    if (modeSignal.value !== 'editing') return;
    setDraft(value);
    const next = normalize(value);
    // Nothing typed: nothing to save, even when someone else changed the field meanwhile.
    if (next === normalize(start.current.value)) return cancel();
    void submit(next, start.current.version);
  };

  const keepMine = () => {
    if (modeSignal.value !== 'conflict' || !conflict) return;
    void submit(normalize(draftSignal.value), conflict.ticket.version);
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.isComposing) return;
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      cancel();
    } else if (e.key === 'Enter' && (!props.multiline || e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      // While a conflict is shown only its buttons decide: Enter must not overwrite silently.
      commit();
    }
  };

  const onBlur = (e: FocusEvent) => {
    if (!props.commitOnBlur || modeSignal.value !== 'editing') return;
    if (box.current && e.relatedTarget instanceof Node && box.current.contains(e.relatedTarget)) return;
    commit();
  };

  if (mode === 'view') {
    return (
      <div ref={box} class={props.class}>
        {props.view(edit)}
      </div>
    );
  }

  // Who saved the other value: this browser's teammate can only have done it in another tab.
  const catalog = model.catalog.value;
  const by = !conflict?.actorId
    ? ''
    : conflict.actorId === catalog?.me.id
      ? t('changedInAnotherTab')
      : t('changedByX', catalog?.teammates.find((mate) => mate.id === conflict.actorId)?.name ?? t('someoneElse'));

  return (
    // Escape anywhere in the open editor (its buttons too) cancels it, and goes no further: the
    // panel's own Escape would leave the ticket.
    <div
      ref={box}
      class={props.class}
      onKeyDown={(e) => {
        if (e.key !== 'Escape' || e.defaultPrevented) return;
        e.preventDefault();
        e.stopPropagation();
        cancel();
      }}
    >
      {props.control({ draft, setDraft, onKeyDown, onBlur, commit, cancel })}
      {props.buttons && mode !== 'conflict' && (
        <div class="actions inline-actions">
          <button type="button" class={`small${props.buttons.primary ? ' primary' : ''}`} disabled={mode === 'saving'} onClick={() => commit()}>
            {props.buttons.save}
          </button>
          <button type="button" class="small ghost" onClick={cancel}>
            {props.buttons.cancel}
          </button>
        </div>
      )}
      {mode === 'conflict' && conflict && (
        <div role="group" aria-label={t('conflictingChangeToX', props.label)} class="conflict">
          <p role="alert">
            {t('conflictExplained', props.label, by)}</p>
          <dl class="conflict-values">
            <dt>{t('yours')}</dt>
            <dd>{props.show(normalize(draft))}</dd>
            <dt>{t('saved')}</dt>
            <dd>
              {props.show(props.read(conflict.ticket))}
              {(by || conflict.at) && (
                <span class="muted small">
                  {' '}({by ? t('savedBy', by) : t('savedLower')}
                  {conflict.at && (
                    <>
                      {' '}
                      <TimeAgo at={conflict.at} />
                    </>
                  )}
                  )
                </span>
              )}
            </dd>
          </dl>
          <div class="actions">
            <button type="button" class="small primary" onClick={keepMine}>{t('keepMine')}</button>
            <button type="button" class="small" onClick={cancel}>{t('useSavedValue')}</button>
          </div>
        </div>
      )}
    </div>
  );
}
