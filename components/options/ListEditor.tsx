/**
 * The options page's lists that an admin edits (ticket types, teammates, connections, a type's
 * attributes and states): rows with their Edit and Remove buttons, the Add button(s), and one
 * editor form at a time, in place of the row it edits or beside the Add buttons for a new item.
 */
import { createModel, effect, signal, type ReadonlySignal } from '@preact/signals';
import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useRef } from 'preact/hooks';
import { Alert } from './ui';
import { t } from '@/components/common/i18n';

/** The open editor: an item's (by key), or a new item's (key null; `mode` says which kind). */
export interface Editing {
  key: string | null;
  /** What the page needs to know about the editor: which kind of new item, how it starts. */
  mode?: string;
}

/** What a list shows of its state: which editor is open, which removal is being confirmed. */
export interface ListState {
  editing: ReadonlySignal<Editing | null>;
  removing: ReadonlySignal<string | null>;
  /** Opens an item's editor (its Edit button), or a new item's (key null). */
  open(key: string | null, mode?: string): void;
  close(message?: string): void;
  askRemove(key: string): void;
  closeRemove(): void;
}

/** What a list needs of its page: the lock, and a way to say what a closed editor did. */
export interface ListPage {
  unlocked: ReadonlySignal<boolean>;
  announce(message: string): void;
}

/**
 * Which editor of a list is open, and which item's removal is being confirmed. With a page,
 * locking admin settings (here or in another tab) closes the editor: nothing could be saved.
 */
export const ListEditing = createModel((page?: ListPage): ListState => {
  const editing = signal<Editing | null>(null);
  const removing = signal<string | null>(null);
  if (page) {
    effect(() => {
      if (!page.unlocked.value) editing.value = null;
    });
  }
  return {
    editing: editing as ReadonlySignal<Editing | null>,
    removing: removing as ReadonlySignal<string | null>,
    open(key: string | null, mode?: string) {
      editing.value = { key, mode };
    },
    /** Closes the editor, and says `message` (what it saved) to screen readers. */
    close(message?: string) {
      editing.value = null;
      if (message) page?.announce(message);
    },
    askRemove(key: string) {
      removing.value = key;
    },
    closeRemove() {
      removing.value = null;
    },
  };
});

export type ListEditing = InstanceType<typeof ListEditing>;

export interface ListEditorProps<T> {
  list: ListState;
  items: readonly T[];
  keyOf(item: T): string;
  /** How the Edit and Remove buttons name an item: "Edit <name>", "Remove <name>". */
  nameOf(item: T, index: number): string;
  /** The row of an item that is not being edited, beside its buttons. */
  row(item: T, index: number): ComponentChildren;
  /** Buttons before Edit and Remove; `disabled` is when Edit and Remove are. */
  buttons?(item: T, index: number, disabled: boolean): ComponentChildren;
  /** An item's editor, or a new item's (null). Without it, rows have no Edit button. */
  editor?(item: T | null): ComponentChildren;
  /** What Remove does (default: `list.askRemove`). Without it or `confirmRemove`, no Remove button. */
  onRemove?(item: T, index: number): void;
  /** The dialog that confirms removing `item`, while `list.removing` names it; `close` ends it. */
  confirmRemove?(item: T, close: () => void): ComponentChildren;
  /** The Add button(s), shown while no editor is open (they call `list.open(null, mode)`). */
  add?: ComponentChildren;
  /** Which new item's editor shows in this list (the `mode` its Add button opens with). */
  newMode?: string;
  /** Where the Add buttons and a new item's editor go: after the list (default) or before it. */
  addAt?: 'start' | 'end';
  /** While an editor is open, other rows' buttons are hidden rather than disabled. */
  hideButtonsWhileEditing?: boolean;
  /** Admin settings are locked: every Edit and Remove is disabled. */
  locked?: boolean;
  /** Shown when there are no items and no editor. */
  empty?: ComponentChildren;
  ordered?: boolean;
  /** The list's accessible name. */
  label?: string;
  /** Classes of the list, of a row, and of the box around a row's buttons (none: no box). */
  class?: string;
  rowClass?: string;
  buttonsClass?: string;
}

export function ListEditor<T>(props: ListEditorProps<T>) {
  const { list } = props;
  const editing = list.editing.value;
  const removing = list.removing.value;
  const addArea = useRef<HTMLDivElement>(null);
  const mine = (e: Editing | null) =>
    !!e && (e.key === null ? e.mode === props.newMode : props.items.some((item) => props.keyOf(item) === e.key));
  const editingHere = useRef(false);

  // An editor closed from inside (saved, cancelled) leaves focus nowhere: give it to the Add button.
  useLayoutEffect(() => {
    const was = editingHere.current;
    editingHere.current = mine(editing);
    if (!was || editing) return;
    const active = document.activeElement;
    if (!active || active === document.body) addArea.current?.querySelector<HTMLElement>('button:not([disabled])')?.focus();
  }, [editing]);

  const disabled = !!props.locked || !!editing;
  const newEditor = editing?.key === null && editing.mode === props.newMode && props.editor?.(null);
  const addPart = (
    <>
      {newEditor}
      {!editing && props.add && (
        <div class="actions" ref={addArea}>
          {props.add}
        </div>
      )}
    </>
  );
  const List = props.ordered ? 'ol' : 'ul';
  const removingItem = removing === null ? undefined : props.items.find((item) => props.keyOf(item) === removing);

  return (
    <>
      {props.addAt === 'start' && addPart}
      {props.items.length === 0 && !editing && props.empty}
      <List class={props.class ?? 'rows'} aria-label={props.label}>
        {props.items.map((item, i) => {
          const key = props.keyOf(item);
          if (editing?.key === key && props.editor) return <li key={key}>{props.editor(item)}</li>;
          const name = props.nameOf(item, i);
          const showButtons = !(props.hideButtonsWhileEditing && editing);
          return (
            <li key={key} class={props.rowClass ?? 'row'}>
              {props.row(item, i)}
              {showButtons && (
                <Box class={props.buttonsClass}>
                  {props.buttons?.(item, i, disabled)}
                  {props.editor && (
                    <button type="button" class="small" aria-label={t('editX', name)} disabled={disabled} onClick={() => list.open(key)}>{t('edit')}</button>
                  )}
                  {(props.onRemove || props.confirmRemove) && (
                    <button
                      type="button"
                      class="small"
                      aria-label={t('removeX2', name)}
                      disabled={disabled}
                      onClick={() => (props.onRemove ? props.onRemove(item, i) : list.askRemove(key))}
                    >{t('remove')}</button>
                  )}
                </Box>
              )}
            </li>
          );
        })}
      </List>
      {props.addAt !== 'start' && addPart}
      {removingItem !== undefined && props.confirmRemove?.(removingItem, () => list.closeRemove())}
    </>
  );
}

/** Its children in a div of class `class`, or as they are without one. */
function Box(props: { class?: string; children: ComponentChildren }) {
  return props.class ? <div class={props.class}>{props.children}</div> : <>{props.children}</>;
}

/**
 * A list's editor: a form (named `label`) with its fields, what went wrong, and Save (disabled
 * while saving), any other buttons, and Cancel.
 */
export function EditorForm(props: {
  label: string;
  save: string;
  busy: boolean;
  error: string;
  onSave(): void;
  onCancel(): void;
  /** Buttons between Save and Cancel. */
  buttons?: ComponentChildren;
  children: ComponentChildren;
}) {
  return (
    <form
      class="editor"
      aria-label={props.label}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        props.onSave();
      }}
    >
      {props.children}
      <Alert message={props.error} />
      <div class="actions">
        <button type="submit" class="primary" disabled={props.busy}>
          {props.save}
        </button>
        {props.buttons}
        <button type="button" onClick={props.onCancel}>{t('cancel')}</button>
      </div>
    </form>
  );
}
