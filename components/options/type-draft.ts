/**
 * The ticket type form's state: the type as edited (nothing is saved until "Save ticket type"),
 * the attribute form inside it, and what was wrong with the last step. The rules are the
 * model's (lib/model/admin.ts placeAttribute, normalizeTicketType), checked here before anything
 * is sent; what depends on tickets (values held, states in use) comes from the type's usage.
 */
import { computed, createModel, signal, type ReadonlySignal } from '@preact/signals';
import { ActionModel } from '@/components/common/action';
import { request } from '@/lib/client';
import { blankTicketType, normalizeTicketType, placeAttribute, type AttributeForm, type TicketTypeInput, type TypeUsage } from '@/lib/model/admin';
import type { StateDef, TicketType } from '@/lib/model/domain';
import { isBacklineError } from '@/lib/model/errors';
import { newRequestId } from '@/lib/model/ids';
import { safeColor } from '@/lib/model/limits';
import type { ListState } from './ListEditor';
import { OPTIONS_WRITES } from './ui';
import { t, tn } from '@/components/common/i18n';

/** The attribute form: the attribute it edits (its index in the draft; null: a new one) and its fields. */
export interface OpenAttribute extends AttributeForm {
  index: number | null;
}

/** A field of the attribute form with a problem, for the form to move the focus to. */
export type AttributeField = 'name' | 'type' | 'items';

const blankAttribute = (): OpenAttribute => ({ index: null, name: '', type: 'text', required: false, items: '' });

function toInput(type: TicketType): TicketTypeInput {
  return structuredClone({
    id: type.id,
    name: type.name,
    category: type.category,
    icon: type.icon,
    // A stored colour that is not #rrggbb is replaced by what the form shows, not sent back.
    color: safeColor(type.color),
    attributes: type.attributes,
    states: type.states,
  });
}

/**
 * `type` undefined: a new type. `onClose` gets what a save did, to announce; `announce` says
 * what a step inside the form did.
 */
export const TypeDraft = createModel(
  (type: TicketType | undefined, usage: TypeUsage, startWithAttribute: boolean, onClose: (message?: string) => void, announce: (message: string) => void) => {
    const draft = signal<TicketTypeInput>(type ? toInput(type) : blankTicketType());
    const attribute = signal<OpenAttribute | null>(startWithAttribute ? blankAttribute() : null);
    const attributeError = signal('');
    /** An attribute tickets hold values for, whose removal is being confirmed (its index). */
    const confirmingRemoval = signal<number | null>(null);
    const stateError = signal('');
    const action = new ActionModel(OPTIONS_WRITES);

    const set = (change: Partial<TicketTypeInput>) => (draft.value = { ...draft.value, ...change });
    const valuesHeld = (attributeId: string) => usage.attributes[attributeId] ?? 0;
    const indexOf = (attributeId: string) => draft.value.attributes.findIndex((a) => a.id === attributeId);

    function closeAttribute() {
      attribute.value = null;
      attributeError.value = '';
    }

    /** Puts the open attribute form into the draft; the field with a problem (shown), or null. */
    function commitAttribute(): AttributeField | null {
      const form = attribute.value;
      if (!form) return null;
      const previous = form.index === null ? undefined : draft.value.attributes[form.index];
      const placed = placeAttribute(draft.value.attributes, form.index, form, previous ? valuesHeld(previous.id) : 0);
      if (!placed.ok) {
        attributeError.value = placed.message;
        return placed.field;
      }
      set({ attributes: placed.attributes });
      closeAttribute();
      return null;
    }

    function removeAttribute(i: number, confirmed: boolean) {
      const a = draft.value.attributes[i]!;
      if (valuesHeld(a.id) && !confirmed) {
        confirmingRemoval.value = i;
        return;
      }
      // Used: kept, hidden, so its values survive (the background does the same if we did not).
      set({
        attributes: valuesHeld(a.id)
          ? draft.value.attributes.map((x, j) => (j === i ? { ...x, archived: true, required: false } : x))
          : draft.value.attributes.filter((_, j) => j !== i),
      });
      confirmingRemoval.value = null;
    }

    /** The attribute rows as a list: its editor is the attribute form. */
    const attributeRows: ListState = {
      editing: computed(() => {
        const form = attribute.value;
        if (!form) return null;
        return { key: form.index === null ? null : (draft.value.attributes[form.index]?.id ?? null) };
      }),
      removing: computed(() => (confirmingRemoval.value === null ? null : (draft.value.attributes[confirmingRemoval.value]?.id ?? null))),
      open(key) {
        const i = key === null ? -1 : indexOf(key);
        const a = draft.value.attributes[i];
        attribute.value = a ? { index: i, name: a.name, type: a.type, required: a.required, items: (a.options ?? []).join('\n') } : blankAttribute();
        attributeError.value = '';
      },
      close: closeAttribute,
      askRemove(key) {
        removeAttribute(indexOf(key), false);
      },
      closeRemove() {
        confirmingRemoval.value = null;
      },
    };

    return {
      draft: draft as ReadonlySignal<TicketTypeInput>,
      attribute: attribute as ReadonlySignal<OpenAttribute | null>,
      attributeError: attributeError as ReadonlySignal<string>,
      stateError: stateError as ReadonlySignal<string>,
      attributeRows,
      busy: action.busy,
      error: action.error,
      set,
      editAttribute(change: Partial<AttributeForm>) {
        if (attribute.value) attribute.value = { ...attribute.value, ...change };
      },
      /** "Save attribute": into the draft; the field with a problem, or null. */
      saveAttribute(): AttributeField | null {
        const problem = commitAttribute();
        if (!problem) announce(t('attributeAddedToForm'));
        return problem;
      },
      move(i: number, by: -1 | 1) {
        const attributes = [...draft.value.attributes];
        const j = i + by;
        if (j < 0 || j >= attributes.length) return;
        [attributes[i], attributes[j]] = [attributes[j]!, attributes[i]!];
        set({ attributes });
      },
      /** Removes an attribute; one that tickets hold values for is confirmed first, then archived. */
      removeAttribute,
      restoreAttribute(i: number) {
        set({ attributes: draft.value.attributes.map((x, j) => (j === i ? { ...x, archived: false } : x)) });
      },
      setState(i: number, change: Partial<StateDef>) {
        set({ states: draft.value.states.map((x, j) => (j === i ? { ...x, ...change } : x)) });
      },
      addState() {
        set({ states: [...draft.value.states, { id: `state-${newRequestId()}`, label: '', category: 'in_progress' }] });
      },
      removeState(i: number) {
        const s = draft.value.states[i]!;
        const n = usage.states[s.id] ?? 0;
        if (n) {
          stateError.value = tn('stateInUse', n, s.label);
          return;
        }
        stateError.value = '';
        set({ states: draft.value.states.filter((_, j) => j !== i) });
      },
      /**
       * Checks the type as the background would and saves it. True when the type's name is what
       * is wrong (for the form to focus it).
       */
      save(): boolean {
        const form = attribute.value;
        // An attribute still open in its form is part of what the admin means to save.
        if (form?.name.trim()) {
          if (commitAttribute()) return false;
        } else if (form) closeAttribute();
        const next = draft.value;
        // The checks the background makes too (same schema and rules), before anything is sent.
        try {
          normalizeTicketType(next);
        } catch (e) {
          if (!isBacklineError(e)) throw e;
          action.setError(e.message);
          return e.details?.field === 'name';
        }
        // Saving the same form again after a failure is the same action; an edited form is a new one.
        void action.run(`save ${JSON.stringify(next)}`, async (requestId) => {
          const r = await request('admin:saveTicketType', { requestId, type: next });
          const names = r.archivedAttributes.map((n) => `“${n}”`).join(', ');
          onClose(r.archivedAttributes.length ? t('savedTicketTypeKept', r.type.name, names) : t('savedTicketType', r.type.name));
        });
        return false;
      },
    };
  },
);

export type TypeDraft = InstanceType<typeof TypeDraft>;
