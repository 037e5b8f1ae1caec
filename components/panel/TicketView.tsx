import { useModel } from '@preact/signals';
import type { ComponentChildren } from 'preact';
import { lazy, Suspense } from 'preact/compat';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { formatAttribute, formatTicketNumber, SHARING_LABELS, type AttributeDef, type AttributeValue, type SharingBehavior, type StateDef, type Ticket } from '@/lib/model/domain';
import { isBlankRichText } from '@/lib/model/rich-text';
import type { TicketChanges } from '@/lib/model/views';
import { ActivityTimeline } from './ActivityTimeline';
import { AttributeInput, toInputValue } from './AttributeInput';
import { usePanel } from './context';
import { InlineEditor, type SaveOutcome } from './InlineEditor';
import { LazyRichTextEditor } from './LazyRichTextEditor';
import { Links } from './Links';
import { LinkRollup } from './LinkRollup';
import { NoteComposer } from './NoteComposer';
import { Conflicts } from './Conflicts';
import { StateMenu } from './StateMenu';
import { TrackerDialog } from './TrackerDialog';
import { ConfirmSpread, Effects, previewSpread, useSpreadSettings } from './Spread';
import { needsConfirmation } from '@/lib/model/spread';
import type { WorkspaceSettings } from '@/lib/model/settings';
import type { LinkView } from '@/lib/model/views';
import type { ActivityRecord } from '@/lib/model/records';
import { TicketModel } from './ticket';
import { UndoButton, type UndoOffer } from './Undo';
import { KindIcon, TimeAgo, ViewBar } from './ui';
import { label, t, tn } from '@/components/common/i18n';

export function TicketView({ ticketId }: { ticketId: string }) {
  const model = usePanel();
  const ticketModel = useModel(() => new TicketModel(model, ticketId));
  // The description's sanitiser loads while the ticket is read, not after.
  useEffect(() => void loadRichText(), []);
  const view = ticketModel.view.value;
  const missing = ticketModel.missing.value;
  const [trackerTarget, setTrackerTarget] = useState<StateDef | null>(null);
  // Issue 15: the state the open menu is on (Effects preview), and a change waiting for confirmation.
  const [menuState, setMenuState] = useState<StateDef | null>(null);
  const [confirmState, setConfirmState] = useState<StateDef | null>(null);
  const spreadSettings = useSpreadSettings();
  const heading = useRef<HTMLHeadingElement>(null);
  const [undoOffer, setUndoOffer] = useState<UndoOffer | null>(null);

  useEffect(() => {
    if (view) heading.current?.focus();
  }, [view?.ticket.id]);
  // One function for every render, so that the (memoised) composer is not drawn again at every
  // new version of the ticket.
  const onPosted = useCallback((note: ActivityRecord) => {
    ticketModel.showNote(note);
    if (note.type === 'note' && note.crossPosted) setUndoOffer({ ticketId: note.ticketId, target: { activityId: note.id }, at: note.at, what: t('undoWhatCrossPost') });
  }, [ticketModel]);

  if (missing) {
    return (
      <div class="view">
        <p role="alert">{missing}</p>
        <button type="button" onClick={() => model.navigate({ name: 'conversation' })}>{t('back')}</button>
      </div>
    );
  }
  if (!view) return <p class="muted view">{t('loadingTicket')}</p>;
  const { ticket, type } = view;
  const states = type?.states ?? [];
  const { saveEdit, saveNow } = ticketModel;
  // A saved change (the ticket now in that state, at a new version) can be undone for a while.
  const changeState: typeof ticketModel.changeState = async (state, choices) => {
    const before = ticketModel.view.value?.ticket.version ?? 0;
    await ticketModel.changeState(state, choices);
    const after = ticketModel.view.value?.ticket;
    if (after && after.version > before && after.stateId === state.id) {
      setUndoOffer({ ticketId: after.id, target: { stateVersion: after.version }, at: after.updatedAt, what: t('undoWhatStateChange', state.label) });
    }
  };

  const customAttributes = (type?.attributes ?? []).filter((a) => !a.archived);
  const teammates = model.catalog.value?.teammates ?? [];

  return (
    <div class="view ticket-view">
      <ViewBar escape>
        <StateMenu
          states={states}
          currentId={ticket.stateId}
          onChoose={(s) => {
            if (ticket.kind === 'tracker') setTrackerTarget(s);
            else if (needsConfirmation(previewSpread(spreadSettings, view.links, s.id), spreadSettings.confirmAbove)) setConfirmState(s);
            else void changeState(s);
          }}
          onActive={setMenuState}
        />
        <UndoButton offer={undoOffer} onEnd={() => setUndoOffer(null)} />
      </ViewBar>
      {menuState && <StateEffects state={menuState} current={ticket.stateId === menuState.id} tracker={ticket.kind === 'tracker'} links={view.links} settings={spreadSettings} />}
      <div class="ticket-head">
        <KindIcon kind={ticket.kind} />
        <span class="muted small">{type?.name}</span>
        <LinkRollup links={view.links} />
      </div>
      <TextEditor
        field="title"
        label={t('title')}
        ticket={ticket}
        save={saveEdit}
        show={(v) => v}
        inputClass="title-input"
        view={(edit) => (
          <h1 class="ticket-title-heading" ref={heading} tabIndex={-1}>
            <button type="button" class="editable" title={t('clickToEditTheTitle')} onClick={edit}>
              {ticket.title}
            </button>
          </h1>
        )}
      />
      {view.conflicts?.length ? <Conflicts ticketId={ticket.id} versions={view.conflicts} /> : null}
      <div class="ticket-body">
        <div class="ticket-main-col">
          <dl class="attrs">
            <div class="attr">
              <dt id="lbl-ticket-id">{t('ticketId')}</dt>
              <dd aria-labelledby="lbl-ticket-id">{formatTicketNumber(ticket.number)}</dd>
            </div>
            <TextField label={t('user')} field="user" ticket={ticket} save={saveEdit} />
            <TextField label={t('company')} field="company" ticket={ticket} save={saveEdit} />
            <div class="attr">
              <dt>
                <label for="sharing">{t('sharingBehavior')}</label>
              </dt>
              <dd>
                <select
                  id="sharing"
                  aria-label={t('sharingBehavior')}
                  value={ticket.sharing}
                  onChange={(e) => saveNow('sharing', t('sharingBehavior'), { sharing: e.currentTarget.value as SharingBehavior })}
                >
                  {Object.keys(SHARING_LABELS).map((value) => (
                    <option key={value} value={value}>
                      {label('sharing', value)}
                    </option>
                  ))}
                </select>
              </dd>
            </div>
            <div class="attr">
              <dt>
                <label for="assignee">{t('assignee')}</label>
              </dt>
              <dd>
                <select
                  id="assignee"
                  aria-label={t('assignee')}
                  value={ticket.assigneeId ?? ''}
                  onChange={(e) => saveNow('assigneeId', t('assignee'), { assigneeId: e.currentTarget.value || null })}
                >
                  <option value="">{t('unassigned')}</option>
                  {teammates.map((mate) => (
                    <option key={mate.id} value={mate.id}>
                      {mate.kind === 'team' ? t('teamX', mate.name) : mate.name}
                    </option>
                  ))}
                </select>
              </dd>
            </div>
          </dl>
          <Description ticket={ticket} save={saveEdit} />
          {customAttributes.length > 0 && (
            <section aria-label={t('attributes')} class="custom-attrs">
              <h2 class="section-title">{t('typeDetails', type?.name ?? '')}</h2>
              <dl class="attrs">
                {customAttributes.map((def) => (
                  <AttributeField key={def.id} def={def} ticket={ticket} save={saveEdit} />
                ))}
              </dl>
            </section>
          )}
          <NoteComposer ticketId={ticket.id} links={view.links} showEffects={!menuState} onPosted={onPosted} />
          <ActivityTimeline activity={view.activity} effects={view.effects} type={type} earlier={view.earlierActivity} showEarlier={ticketModel.showEarlier} />
        </div>
        <aside class="ticket-side" aria-label={t('details2')}>
          <Links ticketId={ticket.id} links={view.links} />
          <p class="muted small">
            {t('created')} <TimeAgo at={ticket.createdAt} /> · {t('updated')} <TimeAgo at={ticket.updatedAt} />
          </p>
        </aside>
      </div>
      {confirmState && (
        <ConfirmSpread
          what={t('movingToX', confirmState.label)}
          preview={previewSpread(spreadSettings, view.links, confirmState.id)}
          onCancel={() => setConfirmState(null)}
          onApply={() => {
            const target = confirmState;
            setConfirmState(null);
            void changeState(target);
          }}
        />
      )}
      {trackerTarget && (
        <TrackerDialog
          target={trackerTarget}
          from={states.find((s) => s.id === ticket.stateId)}
          links={view.links}
          onCancel={() => setTrackerTarget(null)}
          onApply={async (choices) => {
            const target = trackerTarget;
            setTrackerTarget(null);
            await changeState(target, choices);
          }}
        />
      )}
    </div>
  );
}

/** The Effects line while the state menu is open: what choosing the item the agent is on would do. */
function StateEffects(props: { state: StateDef; current: boolean; tracker: boolean; links: LinkView[]; settings: WorkspaceSettings }) {
  if (props.current) {
    return (
      <p role="status" aria-label={t('effects')} class="effects muted small">
        {t('stateIsCurrentX', props.state.label)}
      </p>
    );
  }
  if (props.tracker) {
    return (
      <p role="status" aria-label={t('effects')} class="effects muted small">
        {tn('trackerEffects', props.links.length, props.state.label)}
      </p>
    );
  }
  return <Effects what={t('movingToX', props.state.label)} preview={previewSpread(props.settings, props.links, props.state.id)} />;
}

type SaveEdit = (field: string, what: string, changes: TicketChanges, baseVersion: number, requestId: string) => Promise<SaveOutcome>;

/** User or Company: text shown as a button that turns into a textbox named after its label. */
function TextField(props: { label: string; field: 'user' | 'company'; ticket: Ticket; save: SaveEdit }) {
  const { label, field, ticket } = props;
  const id = `lbl-${field}`;
  return (
    <div class="attr">
      <dt id={id}>{label}</dt>
      <dd>
        <TextEditor
          field={field}
          label={label}
          ticket={ticket}
          save={props.save}
          show={(v) => v || <NotSet />}
          view={(edit) => (
            <button type="button" class="editable" aria-labelledby={`${id} ${id}-v`} title={t('clickToEditX', label)} onClick={edit}>
              <span id={`${id}-v`}>{ticket[field] || <NotSet />}</span>
            </button>
          )}
        />
      </dd>
    </div>
  );
}

/** A one-line text field of the ticket in the inline editor: trimmed, saved on Enter or when the focus leaves it. */
function TextEditor(props: {
  field: 'title' | 'user' | 'company';
  label: string;
  ticket: Ticket;
  save: SaveEdit;
  show(value: string): ComponentChildren;
  view(edit: () => void): ComponentChildren;
  inputClass?: string;
}) {
  const { field, label, ticket } = props;
  return (
    <InlineEditor
      label={label}
      value={ticket[field]}
      version={ticket.version}
      read={(t) => t[field]}
      show={props.show}
      normalize={(v) => v.trim()}
      commitOnBlur
      save={(value, base, requestId) => props.save(field, label, { [field]: value }, base, requestId)}
      view={props.view}
      control={(c) => (
        <input
          class={props.inputClass}
          aria-label={label}
          value={c.draft}
          autoFocus
          onInput={(e) => c.setDraft(e.currentTarget.value)}
          onBlur={c.onBlur}
          onKeyDown={c.onKeyDown}
        />
      )}
    />
  );
}

const isUnset = (v: unknown) => v === null || v === undefined || v === '';

/** An empty value: a dash to the eye, "not set" to a screen reader. */
function NotSet() {
  return (
    <>
      <span aria-hidden="true">—</span>
      <span class="sr-only">{t('notSet')}</span>
    </>
  );
}

/** What the store is sent for a control's value (a datetime control's local time as an instant). */
function fromInputValue(def: AttributeDef, input: string): AttributeValue {
  if (def.type === 'datetime' && input) return new Date(input).toISOString();
  if (def.type === 'boolean' && input) return input === 'true';
  return input;
}

function AttributeField(props: { def: AttributeDef; ticket: Ticket; save: SaveEdit }) {
  const { def, ticket } = props;
  const id = `attr-${def.id}`;
  const value = ticket.attributes[def.id];
  return (
    <div class="attr">
      <dt id={id}>
        {def.name}
        {def.required && (
          <abbr title={t('required')} class="req" aria-hidden="true">
            {' '}
            *
          </abbr>
        )}
      </dt>
      <dd>
        <InlineEditor
          class="inline-edit"
          label={def.name}
          value={toInputValue(def, value)}
          version={ticket.version}
          read={(t) => toInputValue(def, t.attributes[def.id])}
          show={(v) => (v === '' ? <NotSet /> : formatAttribute(def, fromInputValue(def, v)))}
          multiline={def.type === 'textarea'}
          buttons={{ save: 'Save', cancel: 'Cancel' }}
          save={(input, base, requestId) => {
            const raw = def.type === 'datetime' && input ? new Date(input).toISOString() : input;
            return props.save(def.id, def.name, { attributes: { [def.id]: raw } }, base, requestId);
          }}
          view={(edit) => (
            <button type="button" class="editable" aria-labelledby={`${id} ${id}-v`} title={t('clickToEditX', def.name)} onClick={edit}>
              <span id={`${id}-v`}>{isUnset(value) ? <NotSet /> : formatAttribute(def, value)}</span>
            </button>
          )}
          control={(c) => <AttributeInput def={def} value={c.draft} autoFocus onInput={c.setDraft} onKeyDown={c.onKeyDown} />}
        />
      </dd>
    </div>
  );
}

const loadRichText = () => import('./RichText');
const LazyRichText = lazy(loadRichText);

/** Rich text, shown when the sanitiser's chunk is in (asked for as the ticket view mounts). */
function RichText(props: { html: string; labelledBy?: string }) {
  return (
    <Suspense fallback={<p class="muted" aria-busy="true">{t('loading')}</p>}>
      <LazyRichText {...props} />
    </Suspense>
  );
}

function Description(props: { ticket: Ticket; save: SaveEdit }) {
  const { ticket } = props;
  return (
    <div class="description">
      <div class="desc-head">
        <h2 class="section-title" id="lbl-description">{t('description')}</h2>
      </div>
      <InlineEditor
        label={t('description')}
        value={ticket.description}
        version={ticket.version}
        read={(t) => t.description}
        show={(html) => <RichText html={html} />}
        normalize={(html) => (isBlankRichText(html) ? '' : html)}
        buttons={{ save: t('saveDescription'), cancel: t('cancel'), primary: true }}
        save={(description, base, requestId) => props.save('description', t('description'), { description }, base, requestId)}
        view={(edit) => (
          <div class="desc-view">
            <RichText html={ticket.description} labelledBy="lbl-description" />
            <button type="button" class="small ghost" aria-label={t('editDescription')} onClick={edit}>{t('edit')}</button>
          </div>
        )}
        control={(c) => (
          <LazyRichTextEditor label={t('description')} initialHtml={c.draft} autofocus onChange={c.setDraft} onSubmit={(html) => c.commit(html)} onCancel={c.cancel} />
        )}
      />
    </div>
  );
}
