/**
 * The ticket type form: the type's own fields, its custom attributes (with the attribute form)
 * and its states. Its state and rules are in ./type-draft.ts.
 */
import { useModel } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import type { TypeUsage } from '@/lib/model/admin';
import { ATTRIBUTE_TYPE_LABELS, STATE_CATEGORIES, TICKET_KIND_LABELS, type AttributeDef, type AttributeType, type StateCategory, type TicketKind, type TicketType } from '@/lib/model/domain';
import { LIMITS, safeColor } from '@/lib/model/limits';
import { useOptions } from './context';
import { EditorForm, ListEditing, ListEditor } from './ListEditor';
import { TypeDraft } from './type-draft';
import { Alert, ConfirmDialog, Field } from './ui';
import { label, t, tn } from '@/components/common/i18n';


/** "Severity — List, required: Low, High". */
export function describeAttribute(a: AttributeDef): string {
  const bits = [label('attrType', a.type)];
  if (a.required) bits.push(t('required'));
  let text = `${a.name} — ${bits.join(', ')}`;
  if (a.type === 'list' && a.options?.length) text += `: ${a.options.join(', ')}`;
  return text;
}

/** Edits `type` (undefined: a new one); closes with what it saved, or nothing when cancelled. */
export function TypeEditor(props: { type?: TicketType; usage: TypeUsage; startWithAttribute?: boolean; onClose(message?: string): void }) {
  const model = useOptions();
  const draft = useModel(() => new TypeDraft(props.type, props.usage, !!props.startWithAttribute, props.onClose, model.announce));
  const nameInput = useRef<HTMLInputElement>(null);
  const heading = props.type ? t('editX', props.type.name) : t('newTicketType');

  useEffect(() => {
    if (!props.startWithAttribute) nameInput.current?.focus();
  }, []);

  return (
    <EditorForm
      label={heading}
      save={t('saveTicketType')}
      busy={draft.busy.value}
      error={draft.error.value}
      onSave={() => draft.save() && nameInput.current?.focus()}
      onCancel={() => props.onClose()}
    >
      <h3>{heading}</h3>
      <TypeFields draft={draft} usage={props.usage} used={!!props.type && props.usage.tickets > 0} nameInput={nameInput} />
      <AttributesEditor draft={draft} usage={props.usage} />
      <StatesEditor draft={draft} usage={props.usage} />
    </EditorForm>
  );
}

/** The type's name, category, icon and colour. */
function TypeFields({ draft, usage, used, nameInput }: { draft: TypeDraft; usage: TypeUsage; used: boolean; nameInput: preact.RefObject<HTMLInputElement> }) {
  const { name, category, icon, color } = draft.draft.value;
  return (
    <div class="grid-2">
      <label class="field">
        <span>{t('typeName')}</span>
        <input ref={nameInput} type="text" value={name} maxLength={LIMITS.typeName} required onInput={(e) => draft.set({ name: e.currentTarget.value })} />
      </label>
      <Field label={t('category')} hint={used ? tn('categoryFixed', usage.tickets) : undefined}>
        {(control) => (
          <select {...control} value={category} disabled={used} onChange={(e) => draft.set({ category: e.currentTarget.value as TicketKind })}>
            {(Object.keys(TICKET_KIND_LABELS) as TicketKind[]).map((k) => (
              <option key={k} value={k}>
                {label('category', k)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <label class="field">
        <span>{t('icon')}</span>
        {/* maxLength counts UTF-16 units: room for emoji; the icon check counts characters. */}
        <input type="text" value={icon} maxLength={LIMITS.typeIcon * 2} onInput={(e) => draft.set({ icon: e.currentTarget.value })} />
      </label>
      <label class="field">
        <span>{t('colour')}</span>
        <input type="color" value={safeColor(color)} onInput={(e) => draft.set({ color: e.currentTarget.value })} />
      </label>
    </div>
  );
}

/** An attribute of the draft with its place in the draft's attributes. */
type Placed = { def: AttributeDef; index: number };

/** The custom attributes: reorder, edit and remove them; removed ones that tickets hold values for can come back. */
function AttributesEditor({ draft, usage }: { draft: TypeDraft; usage: TypeUsage }) {
  const attributes = draft.draft.value.attributes.map((def, index): Placed => ({ def, index }));
  const active = attributes.filter((a) => !a.def.archived);
  const archived = attributes.filter((a) => a.def.archived);
  const archivedRows = useModel(() => new ListEditing());
  const held = (a: AttributeDef) => usage.attributes[a.id] ?? 0;

  return (
    <fieldset>
      <legend>{t('customAttributes')}</legend>
      <ListEditor
        list={draft.attributeRows}
        items={active}
        keyOf={(a) => a.def.id}
        nameOf={(a) => `attribute ${a.def.name}`}
        empty={<p class="muted">{t('noCustomAttributesYet')}</p>}
        row={(a) => (
          <span class="row-main">
            {describeAttribute(a.def)}
            {held(a.def) > 0 && <span class="muted small">{t('onX', tn('nTickets', held(a.def)))}</span>}
          </span>
        )}
        buttons={(a, k) => (
          <>
            <button type="button" class="small" aria-label={t('moveXUp', a.def.name)} disabled={k === 0} onClick={() => draft.move(a.index, -1)}>
              ↑
            </button>
            <button type="button" class="small" aria-label={t('moveXDown', a.def.name)} disabled={k === active.length - 1} onClick={() => draft.move(a.index, 1)}>
              ↓
            </button>
          </>
        )}
        editor={() => <AttributeForm draft={draft} />}
        onRemove={(a) => draft.removeAttribute(a.index, false)}
        confirmRemove={(a, close) => (
          <ConfirmDialog title={t('removeX', a.def.name)} confirmLabel={t('removeAttribute')} danger onCancel={close} onConfirm={() => draft.removeAttribute(a.index, true)}>
            <p>
              {tn('attributeRemoveHeld', held(a.def))}</p>
          </ConfirmDialog>
        )}
        add={
          <button type="button" onClick={() => draft.attributeRows.open(null)}>{t('addAttribute')}</button>
        }
      />
      {archived.length > 0 && (
        <>
          <p class="small muted">{t('removedValuesKeptOnTheirTickets')}</p>
          <ListEditor
            list={archivedRows}
            items={archived}
            keyOf={(a) => a.def.id}
            nameOf={(a) => `attribute ${a.def.name}`}
            row={(a) => (
              <span class="row-main muted">
                {a.def.name} — {tn('nTickets', held(a.def))}
              </span>
            )}
            buttons={(a) => (
              <button type="button" class="small" aria-label={t('restoreAttributeX', a.def.name)} onClick={() => draft.restoreAttribute(a.index)}>{t('restore')}</button>
            )}
          />
        </>
      )}
    </fieldset>
  );
}

/** The attribute form: an attribute's name, type, list items and whether it is required. */
function AttributeForm({ draft }: { draft: TypeDraft }) {
  const form = draft.attribute.value;
  const nameInput = useRef<HTMLInputElement>(null);
  useEffect(() => nameInput.current?.focus(), []);
  if (!form) return null;
  return (
    <div class="subform" role="group" aria-label={form.index === null ? t('newAttribute') : t('editAttribute')}>
      <div class="grid-2">
        <label class="field">
          <span>{t('attributeName')}</span>
          <input ref={nameInput} type="text" value={form.name} maxLength={LIMITS.attributeName} onInput={(e) => draft.editAttribute({ name: e.currentTarget.value })} />
        </label>
        <label class="field">
          <span>{t('attributeType')}</span>
          <select value={form.type} onChange={(e) => draft.editAttribute({ type: e.currentTarget.value as AttributeType })}>
            {(Object.keys(ATTRIBUTE_TYPE_LABELS) as AttributeType[]).map((type) => (
              <option key={type} value={type}>
                {label('attrType', type)}
              </option>
            ))}
          </select>
        </label>
      </div>
      {form.type === 'list' && (
        <Field label={t('listItems')} hint={t('oneItemPerLineInThe')}>
          {(control) => <textarea {...control} rows={4} value={form.items} onInput={(e) => draft.editAttribute({ items: e.currentTarget.value })} />}
        </Field>
      )}
      <label class="check">
        <input type="checkbox" checked={form.required} onChange={(e) => draft.editAttribute({ required: e.currentTarget.checked })} />{' '}
          {t('requiredField')}
        </label>
      <Alert message={draft.attributeError.value} />
      <div class="actions">
        <button type="button" onClick={() => draft.saveAttribute() === 'name' && nameInput.current?.focus()}>{t('saveAttribute')}</button>
        <button type="button" onClick={() => draft.attributeRows.close()}>{t('cancelAttribute')}</button>
      </div>
    </div>
  );
}

/** The states agents move tickets through; one in use by tickets stays (it can be renamed). */
function StatesEditor({ draft, usage }: { draft: TypeDraft; usage: TypeUsage }) {
  const rows = useModel(() => new ListEditing());
  const states = draft.draft.value.states;
  return (
    <fieldset>
      <legend>{t('states2')}</legend>
      <p class="hint">{t('atLeastOneStateInEach')}</p>
      <ListEditor
        list={rows}
        ordered
        items={states}
        keyOf={(s) => s.id}
        nameOf={(s, i) => `state ${s.label || i + 1}`}
        row={(s, i) => (
          <>
            <input
              type="text"
              aria-label={t('stateXLabel', i + 1)}
              value={s.label}
              maxLength={LIMITS.stateLabel}
              onInput={(e) => draft.setState(i, { label: e.currentTarget.value })}
            />
            <select
              aria-label={t('stateXCategory', i + 1)}
              value={s.category}
              disabled={(usage.states[s.id] ?? 0) > 0}
              onChange={(e) => draft.setState(i, { category: e.currentTarget.value as StateCategory })}
            >
              {STATE_CATEGORIES.map((c) => (
                <option key={c} value={c}>
                  {label('stateCategory', c)}
                </option>
              ))}
            </select>
          </>
        )}
        onRemove={(_, i) => draft.removeState(i)}
        add={
          <button type="button" onClick={() => draft.addState()}>{t('addState')}</button>
        }
      />
      <Alert message={draft.stateError.value} />
    </fieldset>
  );
}
