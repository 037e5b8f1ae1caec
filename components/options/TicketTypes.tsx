import { useEffect, useRef, useState } from 'preact/hooks';
import { blankTicketType, normalizeTicketType, type TicketTypeInput, type TypeUsage } from '@/lib/model/admin';
import { request } from '@/lib/client';
import { ATTRIBUTE_TYPE_LABELS, DEFAULT_STATES, STATE_CATEGORIES, TICKET_KIND_LABELS, type AttributeDef, type AttributeType, type StateCategory, type StateDef, type TicketKind, type TicketType } from '@/lib/model/domain';
import { isBacklineError } from '@/lib/model/errors';
import { newRequestId } from '@/lib/model/ids';
import { LIMITS, safeColor } from '@/lib/model/limits';
import { useOptions } from './context';
import { useAction } from '@/components/common/action';
import { Alert, ConfirmDialog, Field, LockedHint, RemoveDialog, Section, plural, OPTIONS_WRITES } from './ui';

const CATEGORY_LABELS: Record<TicketKind, string> = { backoffice: 'Back-office', customer: 'Customer', tracker: 'Tracker' };
const STATE_CATEGORY_LABELS = Object.fromEntries(DEFAULT_STATES.map((s) => [s.category, s.label])) as Record<StateCategory, string>;
const NO_USAGE: TypeUsage = { tickets: 0, states: {}, attributes: {} };

/** Which editor is open: none, a new type, or an existing one (optionally starting with a new attribute). */
type Editing = null | { typeId: string | null; addAttribute?: boolean };

/** Ticket types: their category, look, custom attributes and states. */
export function TicketTypes() {
  const model = useOptions();
  const ws = model.workspace.value;
  const unlocked = model.unlocked.value;
  const [editing, setEditing] = useState<Editing>(null);
  const [removing, setRemoving] = useState<TicketType | null>(null);
  const restore = useAction(OPTIONS_WRITES);
  const addButton = useRef<HTMLButtonElement>(null);

  // Locking (here or in another tab) closes the editor: nothing could be saved anyway.
  useEffect(() => {
    if (!unlocked) setEditing(null);
  }, [unlocked]);

  if (!ws) return null;
  const active = ws.types.filter((t) => !t.archived);
  const archived = ws.types.filter((t) => t.archived);
  const usage = (id: string) => ws.usage.types[id] ?? NO_USAGE;
  const editable = unlocked && !editing;

  const close = (message?: string) => {
    setEditing(null);
    if (message) model.announce(message);
    queueMicrotask(() => addButton.current?.focus());
  };

  return (
    <Section id="types" title="Ticket types">
      <p class="muted">
        A ticket type decides a ticket’s category, its custom attributes and its states. Agents choose one in the panel’s new-ticket form.
      </p>
      {!unlocked && <LockedHint what="change ticket types" />}
      <div class="actions">
        <button ref={addButton} type="button" disabled={!unlocked} hidden={!!editing} onClick={() => setEditing({ typeId: null })}>
          Add ticket type
        </button>
      </div>
      {editing?.typeId === null && <TypeEditor usage={NO_USAGE} onClose={close} />}
      <ul class="types">
        {active.map((t) =>
          editing?.typeId === t.id ? (
            <li key={t.id}>
              <TypeEditor type={t} usage={usage(t.id)} startWithAttribute={editing.addAttribute} onClose={close} />
            </li>
          ) : (
            <li key={t.id} class="type-card">
              <TypeSummary type={t} usage={usage(t.id)} />
              {!editing && (
                <div class="actions">
                  <button type="button" disabled={!editable} aria-label={`Edit ${t.name}`} onClick={() => setEditing({ typeId: t.id })}>
                    Edit
                  </button>
                  <button type="button" disabled={!editable} onClick={() => setEditing({ typeId: t.id, addAttribute: true })}>
                    Add attribute
                  </button>
                  <button type="button" disabled={!editable} aria-label={`Remove ${t.name}`} onClick={() => setRemoving(t)}>
                    Remove
                  </button>
                </div>
              )}
            </li>
          ),
        )}
      </ul>
      {archived.length > 0 && (
        <>
          <h3>Removed types still used by tickets</h3>
          <p class="muted">These are hidden from new tickets. Their tickets keep the type, its states and every value.</p>
          <ul class="types">
            {archived.map((t) => (
              <li key={t.id} class="type-card archived">
                <TypeSummary type={t} usage={usage(t.id)} />
                <div class="actions">
                  <button
                    type="button"
                    disabled={!editable || restore.busy}
                    aria-label={`Restore ${t.name}`}
                    onClick={() =>
                      void restore.run(`restore ${t.id}`, async (requestId) => {
                        const { archived: _gone, ...rest } = t;
                        await request('admin:saveTicketType', { requestId, type: { ...rest, archived: false } });
                        model.announce(`Restored ${t.name}.`);
                      })
                    }
                  >
                    Restore
                  </button>
                </div>
              </li>
            ))}
          </ul>
          <Alert message={restore.error} />
        </>
      )}
      {removing && <RemoveType type={removing} usage={usage(removing.id)} onClose={() => setRemoving(null)} />}
    </Section>
  );
}

function describeAttribute(a: AttributeDef): string {
  const bits = [ATTRIBUTE_TYPE_LABELS[a.type]];
  if (a.required) bits.push('required');
  let text = `${a.name} — ${bits.join(', ')}`;
  if (a.type === 'list' && a.options?.length) text += `: ${a.options.join(', ')}`;
  return text;
}

function TypeSummary({ type, usage }: { type: TicketType; usage: TypeUsage }) {
  const attrs = type.attributes.filter((a) => !a.archived);
  const hidden = type.attributes.filter((a) => a.archived);
  return (
    <div class="type-summary">
      <div class="type-head">
        {/* Only ever a #rrggbb colour in a style, whatever the stored record holds. */}
        <span class="type-icon" style={{ background: safeColor(type.color) }} aria-hidden="true">
          {type.icon}
        </span>
        <h3 class="type-name">{type.name}</h3>
        <span class="badge">{CATEGORY_LABELS[type.category]}</span>
        <span class="muted small">{plural(usage.tickets, 'ticket')}</span>
      </div>
      <p class="small">
        <span class="muted">States: </span>
        {type.states.map((s) => s.label).join(' · ')}
      </p>
      <ul class="attr-list" aria-label={`Custom attributes of ${type.name}`}>
        {attrs.map((a) => (
          <li key={a.id}>{describeAttribute(a)}</li>
        ))}
        {attrs.length === 0 && <li class="muted">No custom attributes.</li>}
        {hidden.map((a) => (
          <li key={a.id} class="muted">
            {a.name} — removed; values kept on {plural(usage.attributes[a.id] ?? 0, 'ticket')}
          </li>
        ))}
      </ul>
    </div>
  );
}

function RemoveType({ type, usage, onClose }: { type: TicketType; usage: TypeUsage; onClose(): void }) {
  return (
    <RemoveDialog
      title={`Remove ${type.name}?`}
      confirmLabel="Remove ticket type"
      onClose={onClose}
      remove={async (requestId) => {
        const r = await request('admin:removeTicketType', { requestId, typeId: type.id });
        return r.outcome === 'archived' ? `${type.name} is hidden from new tickets; its ${plural(r.tickets, 'ticket')} keep it.` : `Removed ${type.name}.`;
      }}
    >
      {usage.tickets ? (
        <p>
          {plural(usage.tickets, 'ticket')} {usage.tickets === 1 ? 'uses' : 'use'} this type. It will be hidden from new tickets, and those
          tickets keep their type, states, attributes and values. You can restore it later.
        </p>
      ) : (
        <p>No ticket uses this type, so it will be deleted.</p>
      )}
    </RemoveDialog>
  );
}

// ----- the editor ---------------------------------------------------------------------------------

interface AttributeForm {
  /** Index in the draft's attributes; null for a new attribute. */
  index: number | null;
  name: string;
  type: AttributeType;
  required: boolean;
  items: string;
}

const newAttributeForm = (): AttributeForm => ({ index: null, name: '', type: 'text', required: false, items: '' });

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

/** Turns the attribute sub-form into a definition, or explains what is missing. */
function attributeFromForm(form: AttributeForm, previous?: AttributeDef): AttributeDef | string {
  const name = form.name.trim();
  if (!name) return 'Give the attribute a name.';
  const def: AttributeDef = { id: previous?.id ?? newRequestId(), name, type: form.type, required: form.required };
  if (form.type === 'list') {
    const options = form.items
      .split('\n')
      .map((s) => s.trim())
      .filter(Boolean);
    if (!options.length) return `Add at least one list item to “${name}” (one per line).`;
    def.options = [...new Set(options)];
  }
  return def;
}

function TypeEditor(props: { type?: TicketType; usage: TypeUsage; startWithAttribute?: boolean; onClose(message?: string): void }) {
  const model = useOptions();
  const [draft, setDraft] = useState<TicketTypeInput>(() => (props.type ? toInput(props.type) : blankTicketType()));
  const [attrForm, setAttrForm] = useState<AttributeForm | null>(() => (props.startWithAttribute ? newAttributeForm() : null));
  const [attrError, setAttrError] = useState('');
  const [stateError, setStateError] = useState('');
  const [confirmRemove, setConfirmRemove] = useState<number | null>(null);
  const { busy, error, setError, run } = useAction(OPTIONS_WRITES);
  const nameInput = useRef<HTMLInputElement>(null);
  const attrNameInput = useRef<HTMLInputElement>(null);
  const usage = props.usage;
  const used = !!props.type && usage.tickets > 0;
  const heading = props.type ? `Edit ${props.type.name}` : 'New ticket type';

  useEffect(() => (props.startWithAttribute ? attrNameInput.current : nameInput.current)?.focus(), []);
  useEffect(() => {
    if (attrForm) attrNameInput.current?.focus();
  }, [attrForm?.index, !!attrForm]);

  const set = (patch: Partial<TicketTypeInput>) => setDraft((d) => ({ ...d, ...patch }));
  const setAttrs = (attributes: AttributeDef[]) => set({ attributes });
  const setStates = (states: StateDef[]) => set({ states });

  /** Applies the open attribute form to the draft; returns the new draft or null when the form has a problem. */
  function commitAttribute(d: TicketTypeInput): TicketTypeInput | null {
    if (!attrForm) return d;
    const previous = attrForm.index === null ? undefined : d.attributes[attrForm.index];
    const def = attributeFromForm(attrForm, previous);
    if (typeof def === 'string') {
      setAttrError(def);
      attrNameInput.current?.focus();
      return null;
    }
    const clash = d.attributes.find((a, i) => i !== attrForm.index && !a.archived && a.name.toLowerCase() === def.name.toLowerCase());
    if (clash) {
      setAttrError(`There is already an attribute called “${clash.name}”.`);
      return null;
    }
    const n = previous ? usage.attributes[previous.id] ?? 0 : 0;
    if (previous && n && previous.type !== def.type) {
      setAttrError(`${plural(n, 'ticket')} ${n === 1 ? 'has' : 'have'} a value for “${previous.name}”, so its type cannot change. Add a new attribute instead.`);
      return null;
    }
    const attributes = [...d.attributes];
    if (attrForm.index === null) attributes.push(def);
    else attributes[attrForm.index] = def;
    setAttrError('');
    setAttrForm(null);
    return { ...d, attributes };
  }

  const saveAttribute = () => {
    const next = commitAttribute(draft);
    if (next) {
      setDraft(next);
      model.announce(`Attribute added to the form. Save the ticket type to keep it.`);
    }
  };

  const move = (i: number, by: -1 | 1) => {
    const attributes = [...draft.attributes];
    const j = i + by;
    if (j < 0 || j >= attributes.length) return;
    [attributes[i], attributes[j]] = [attributes[j]!, attributes[i]!];
    setAttrs(attributes);
  };

  const removeAttribute = (i: number, confirmed = false) => {
    const a = draft.attributes[i]!;
    const n = usage.attributes[a.id] ?? 0;
    if (n && !confirmed) return setConfirmRemove(i);
    // Used: kept, hidden, so its values survive (the background does the same if we did not).
    setAttrs(n ? draft.attributes.map((x, j) => (j === i ? { ...x, archived: true, required: false } : x)) : draft.attributes.filter((_, j) => j !== i));
    setConfirmRemove(null);
  };

  const removeState = (i: number) => {
    const s = draft.states[i]!;
    const n = usage.states[s.id] ?? 0;
    if (n) return setStateError(`${plural(n, 'ticket')} ${n === 1 ? 'is' : 'are'} in “${s.label}”. Move ${n === 1 ? 'it' : 'them'} to another state first; you can rename the state instead.`);
    setStateError('');
    setStates(draft.states.filter((_, j) => j !== i));
  };

  const save = (e: Event) => {
    e.preventDefault();
    // An attribute still open in its sub-form is part of what the admin means to save.
    const next = attrForm && attrForm.name.trim() ? commitAttribute(draft) : draft;
    if (!next) return;
    if (attrForm && !attrForm.name.trim()) setAttrForm(null);
    setDraft(next);
    // The checks the background makes too (same schema and rules), before anything is sent.
    try {
      normalizeTicketType(next);
    } catch (e) {
      if (!isBacklineError(e)) throw e;
      setError(e.message);
      if (e.details?.field === 'name') nameInput.current?.focus();
      return;
    }
    // Saving the same form again after a failure is the same action; an edited form is a new one.
    void run(`save ${JSON.stringify(next)}`, async (requestId) => {
      const r = await request('admin:saveTicketType', { requestId, type: next });
      const kept = r.archivedAttributes.length ? ` Kept ${r.archivedAttributes.map((n) => `“${n}”`).join(', ')} hidden because tickets hold values for it.` : '';
      props.onClose(`Saved ticket type ${r.type.name}.${kept}`);
    });
  };

  const activeAttrs = draft.attributes.map((a, i) => [a, i] as const).filter(([a]) => !a.archived);
  const archivedAttrs = draft.attributes.map((a, i) => [a, i] as const).filter(([a]) => a.archived);

  return (
    <form class="editor" aria-label={heading} onSubmit={save} noValidate>
      <h3>{heading}</h3>
      <div class="grid-2">
        <label class="field">
          <span>Type name</span>
          <input ref={nameInput} type="text" value={draft.name} maxLength={LIMITS.typeName} required onInput={(e) => set({ name: e.currentTarget.value })} />
        </label>
        <Field label="Category" hint={used ? `${plural(usage.tickets, 'ticket')} use this type, so its category is fixed.` : undefined}>
          {(control) => (
            <select {...control} value={draft.category} disabled={used} onChange={(e) => set({ category: e.currentTarget.value as TicketKind })}>
              {(Object.keys(TICKET_KIND_LABELS) as TicketKind[]).map((k) => (
                <option key={k} value={k}>
                  {CATEGORY_LABELS[k]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <label class="field">
          <span>Icon</span>
          {/* maxLength counts UTF-16 units: room for emoji; the icon check counts characters. */}
          <input type="text" value={draft.icon} maxLength={LIMITS.typeIcon * 2} onInput={(e) => set({ icon: e.currentTarget.value })} />
        </label>
        <label class="field">
          <span>Colour</span>
          <input type="color" value={safeColor(draft.color)} onInput={(e) => set({ color: e.currentTarget.value })} />
        </label>
      </div>

      <fieldset>
        <legend>Custom attributes</legend>
        {activeAttrs.length === 0 && !attrForm && <p class="muted">No custom attributes yet.</p>}
        <ul class="rows">
          {activeAttrs.map(([a, i], k) =>
            attrForm?.index === i ? null : (
              <li key={a.id} class="row">
                <span class="row-main">
                  {describeAttribute(a)}
                  {(usage.attributes[a.id] ?? 0) > 0 && <span class="muted small"> · on {plural(usage.attributes[a.id]!, 'ticket')}</span>}
                </span>
                <button type="button" class="small" aria-label={`Move ${a.name} up`} disabled={k === 0} onClick={() => move(i, -1)}>
                  ↑
                </button>
                <button type="button" class="small" aria-label={`Move ${a.name} down`} disabled={k === activeAttrs.length - 1} onClick={() => move(i, 1)}>
                  ↓
                </button>
                <button
                  type="button"
                  class="small"
                  aria-label={`Edit attribute ${a.name}`}
                  disabled={!!attrForm}
                  onClick={() => setAttrForm({ index: i, name: a.name, type: a.type, required: a.required, items: (a.options ?? []).join('\n') })}
                >
                  Edit
                </button>
                <button type="button" class="small" aria-label={`Remove attribute ${a.name}`} disabled={!!attrForm} onClick={() => removeAttribute(i)}>
                  Remove
                </button>
              </li>
            ),
          )}
        </ul>
        {attrForm ? (
          <div class="subform" role="group" aria-label={attrForm.index === null ? 'New attribute' : 'Edit attribute'}>
            <div class="grid-2">
              <label class="field">
                <span>Attribute name</span>
                <input ref={attrNameInput} type="text" value={attrForm.name} maxLength={LIMITS.attributeName} onInput={(e) => setAttrForm({ ...attrForm, name: e.currentTarget.value })} />
              </label>
              <label class="field">
                <span>Attribute type</span>
                <select value={attrForm.type} onChange={(e) => setAttrForm({ ...attrForm, type: e.currentTarget.value as AttributeType })}>
                  {(Object.keys(ATTRIBUTE_TYPE_LABELS) as AttributeType[]).map((t) => (
                    <option key={t} value={t}>
                      {ATTRIBUTE_TYPE_LABELS[t]}
                    </option>
                  ))}
                </select>
              </label>
            </div>
            {attrForm.type === 'list' && (
              <Field label="List items" hint="One item per line, in the order agents should see them.">
                {(control) => (
                  <textarea {...control} rows={4} value={attrForm.items} onInput={(e) => setAttrForm({ ...attrForm, items: e.currentTarget.value })} />
                )}
              </Field>
            )}
            <label class="check">
              <input type="checkbox" checked={attrForm.required} onChange={(e) => setAttrForm({ ...attrForm, required: e.currentTarget.checked })} /> Required
            </label>
            <Alert message={attrError} />
            <div class="actions">
              <button type="button" onClick={saveAttribute}>
                Save attribute
              </button>
              <button
                type="button"
                onClick={() => {
                  setAttrForm(null);
                  setAttrError('');
                }}
              >
                Cancel attribute
              </button>
            </div>
          </div>
        ) : (
          <div class="actions">
            <button type="button" onClick={() => setAttrForm(newAttributeForm())}>
              Add attribute
            </button>
          </div>
        )}
        {archivedAttrs.length > 0 && (
          <>
            <p class="small muted">Removed, values kept on their tickets:</p>
            <ul class="rows">
              {archivedAttrs.map(([a, i]) => (
                <li key={a.id} class="row">
                  <span class="row-main muted">
                    {a.name} — {plural(usage.attributes[a.id] ?? 0, 'ticket')}
                  </span>
                  <button type="button" class="small" aria-label={`Restore attribute ${a.name}`} onClick={() => setAttrs(draft.attributes.map((x, j) => (j === i ? { ...x, archived: false } : x)))}>
                    Restore
                  </button>
                </li>
              ))}
            </ul>
          </>
        )}
      </fieldset>

      <fieldset>
        <legend>States</legend>
        <p class="hint">At least one state in each category. Labels are what agents see in the Ticket state menu.</p>
        <ol class="rows">
          {draft.states.map((s, i) => (
            <li key={s.id} class="row">
              <input
                type="text"
                aria-label={`State ${i + 1} label`}
                value={s.label}
                maxLength={LIMITS.stateLabel}
                onInput={(e) => setStates(draft.states.map((x, j) => (j === i ? { ...x, label: e.currentTarget.value } : x)))}
              />
              <select
                aria-label={`State ${i + 1} category`}
                value={s.category}
                disabled={(usage.states[s.id] ?? 0) > 0}
                onChange={(e) => setStates(draft.states.map((x, j) => (j === i ? { ...x, category: e.currentTarget.value as StateCategory } : x)))}
              >
                {STATE_CATEGORIES.map((c) => (
                  <option key={c} value={c}>
                    {STATE_CATEGORY_LABELS[c]}
                  </option>
                ))}
              </select>
              <button type="button" class="small" aria-label={`Remove state ${s.label || i + 1}`} onClick={() => removeState(i)}>
                Remove
              </button>
            </li>
          ))}
        </ol>
        <Alert message={stateError} />
        <div class="actions">
          <button type="button" onClick={() => setStates([...draft.states, { id: `state-${newRequestId()}`, label: '', category: 'in_progress' }])}>
            Add state
          </button>
        </div>
      </fieldset>

      <Alert message={error} />
      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>
          Save ticket type
        </button>
        <button type="button" onClick={() => props.onClose()}>
          Cancel
        </button>
      </div>
      {confirmRemove !== null && (
        <ConfirmDialog
          title={`Remove ${draft.attributes[confirmRemove]!.name}?`}
          confirmLabel="Remove attribute"
          danger
          onCancel={() => setConfirmRemove(null)}
          onConfirm={() => removeAttribute(confirmRemove, true)}
        >
          <p>
            {plural(usage.attributes[draft.attributes[confirmRemove]!.id] ?? 0, 'ticket')} {(usage.attributes[draft.attributes[confirmRemove]!.id] ?? 0) === 1 ? 'has' : 'have'} a
            value for it. Removing it hides it from ticket forms; the values stay on those tickets, and come back if you restore the attribute.
            Nothing changes until you save the ticket type.
          </p>
        </ConfirmDialog>
      )}
    </form>
  );
}
