import type { ComponentChildren, VNode } from 'preact';
import { useEffect, useId, useRef } from 'preact/hooks';
import { useAction, type ActionOptions } from '@/components/common/action';
import { useOptions } from './context';
import { t } from '@/components/common/i18n';

/** How the options page runs writes (../common/action.ts): a failure's message lands in `error`, written for a person to read. */
export const OPTIONS_WRITES: ActionOptions = { errors: 'capture' };

/** An error the admin must see; rendered only while there is one, so there is one alert at a time per place. */
export function Alert({ message, id }: { message: string; id?: string }) {
  if (!message) return null;
  return (
    <p role="alert" class="alert" id={id}>
      {message}
    </p>
  );
}

/** A titled part of the page; the heading names the region. */
export function Section(props: { id: string; title: string; trail?: string[]; children: ComponentChildren }) {
  return (
    <section aria-labelledby={`${props.id}-title`} id={props.id} class="card">
      {props.trail && (
        <p class="trail">
          {props.trail.map((step, i) => (
            <span key={step}>
              {i > 0 && <span aria-hidden="true"> › </span>}
              {step}
            </span>
          ))}
        </p>
      )}
      <h2 id={`${props.id}-title`}>{props.title}</h2>
      {props.children}
    </section>
  );
}

/** What a form control inside a Field needs: its id (for the label) and the hint that describes it. */
export interface FieldControlProps {
  id: string;
  'aria-describedby'?: string;
}

/**
 * A labelled form control. The label holds the name alone; a hint sits beside it and is tied to
 * the control with aria-describedby, so a screen reader reads the name once and the hint after it.
 */
export function Field(props: { label: string; hint?: ComponentChildren; class?: string; children: (control: FieldControlProps) => VNode }) {
  const id = useId();
  const hintId = `${id}-hint`;
  return (
    <div class={`field${props.class ? ` ${props.class}` : ''}`}>
      <label for={id}>{props.label}</label>
      {props.children({ id, 'aria-describedby': props.hint ? hintId : undefined })}
      {props.hint && (
        <span class="hint" id={hintId}>
          {props.hint}
        </span>
      )}
    </div>
  );
}

/** "Unlock admin settings to …" shown under controls that need the unlock. */
export function LockedHint({ what }: { what: string }) {
  const model = useOptions();
  // In a team workspace, what the team shares is its admins' to change, whatever is unlocked here.
  if (model.unlocked.value && model.membership.value?.role === 'member') {
    return (
      <p class="hint">
        <span aria-hidden="true">🔒 </span>
        {t('onlyWorkspaceAdminCanX', what)}
      </p>
    );
  }
  return (
    <p class="hint">
      <span aria-hidden="true">🔒 </span>{t('unlockToX', what)}
    </p>
  );
}

/** A modal confirmation: focus moves into it, Escape cancels, focus returns where it was. */
export function ConfirmDialog(props: {
  title: string;
  confirmLabel: string;
  danger?: boolean;
  busy?: boolean;
  error?: string;
  onConfirm(): void;
  onCancel(): void;
  children: ComponentChildren;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    dialog.current?.showModal();
    return () => opener?.focus?.();
  }, []);
  return (
    <dialog ref={dialog} class="dialog" aria-labelledby="confirm-title" onCancel={(e) => (e.preventDefault(), props.onCancel())}>
      <h2 id="confirm-title">{props.title}</h2>
      <div class="dialog-body">{props.children}</div>
      <Alert message={props.error ?? ''} />
      <div class="actions">
        <button type="button" class={props.danger ? 'danger' : 'primary'} disabled={props.busy} onClick={props.onConfirm}>
          {props.confirmLabel}
        </button>
        <button type="button" autoFocus onClick={props.onCancel}>{t('cancel')}</button>
      </div>
    </dialog>
  );
}

/**
 * A confirmation that removes something: runs `remove` with its request id, announces what it
 * returns, and closes; a refusal from the background stays in the dialog as an alert, and
 * confirming again there is the same action (the same request id).
 */
export function RemoveDialog(props: {
  title: string;
  confirmLabel: string;
  remove(requestId: string): Promise<string>;
  onClose(): void;
  children: ComponentChildren;
}) {
  const model = useOptions();
  const { busy, error, run } = useAction(OPTIONS_WRITES);
  return (
    <ConfirmDialog
      title={props.title}
      confirmLabel={props.confirmLabel}
      danger
      busy={busy}
      error={error}
      onCancel={props.onClose}
      onConfirm={() =>
        void run('remove', async (requestId) => {
          model.announce(await props.remove(requestId));
          props.onClose();
        })
      }
    >
      {props.children}
    </ConfirmDialog>
  );
}

