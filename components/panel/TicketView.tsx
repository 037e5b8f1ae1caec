import { useEffect, useRef, useState } from 'preact/hooks';
import { request } from '@/lib/client';
import { formatAttribute, formatTicketNumber, SHARING_LABELS, type AttributeDef, type AttributeValue, type SharingBehavior, type StateDef, type Ticket } from '@/lib/model/domain';
import { isBacklineError } from '@/lib/model/errors';
import { isBlankRichText, sanitizeRichText } from '@/lib/model/rich-text';
import type { StaleDetails, TicketChanges, TicketView as TicketViewData } from '@/lib/model/views';
import { ActivityTimeline } from './ActivityTimeline';
import { AttributeInput, toInputValue } from './AttributeInput';
import { usePanel } from './context';
import { InlineEditor, type FieldConflict, type SaveOutcome } from './InlineEditor';
import { LazyRichTextEditor } from './LazyRichTextEditor';
import { Links } from './Links';
import { NoteComposer } from './NoteComposer';
import { StateMenu } from './StateMenu';
import { TrackerDialog } from './TrackerDialog';
import { useAction } from '@/components/common/action';
import { KindIcon, TimeAgo, PANEL_WRITES } from './ui';

/** True when `a` is a later record of the same ticket than `b` (or the same). */
function isNewer(a: Ticket, b: Ticket): boolean {
  return a.version > b.version || (a.version === b.version && a.updatedAt >= b.updatedAt);
}

/**
 * Loads a ticket and re-reads it whenever the background reports a change. `apply` shows a
 * ticket a write returned (or a refusal reported) at once, without waiting for that re-read:
 * the re-read may be late, or fail when it meets a stopping service worker.
 */
function useTicket(ticketId: string) {
  const model = usePanel();
  const [view, setView] = useState<TicketViewData | null>(null);
  const [missing, setMissing] = useState('');
  const reload = async () => {
    try {
      const next = await request('ui:ticketView', { ticketId });
      // A re-read that began before a write the panel already applied must not undo it on screen.
      setView((v) => (v && v.ticket.id === next.ticket.id && !isNewer(next.ticket, v.ticket) ? { ...next, ticket: v.ticket } : next));
    } catch (e) {
      if (isBacklineError(e) && e.code === 'not_found') setMissing(e.message);
      else model.showError((e as Error).message);
    }
  };
  const apply = (ticket: Ticket) => setView((v) => (v && v.ticket.id === ticket.id && isNewer(ticket, v.ticket) ? { ...v, ticket } : v));
  useEffect(() => {
    void reload();
  }, [ticketId, model.revision.value]);
  return { view, missing, reload, apply };
}

/** What a `stale` refusal says about `field`, when it carries the ticket as saved now. */
function conflictOf(e: unknown, field: string): FieldConflict | null {
  if (!isBacklineError(e) || e.code !== 'stale') return null;
  const details = e.details as Partial<StaleDetails> | undefined;
  if (!details?.ticket) return null;
  const about = details.conflicts?.find((c) => c.field === field);
  return { ticket: details.ticket, actorId: about?.actorId ?? null, at: about?.at ?? null, message: e.message };
}

export function TicketView({ ticketId }: { ticketId: string }) {
  const model = usePanel();
  const { view, missing, reload, apply } = useTicket(ticketId);
  const { run } = useAction(PANEL_WRITES);
  const [trackerTarget, setTrackerTarget] = useState<StateDef | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    if (view) heading.current?.focus();
  }, [view?.ticket.id]);

  if (missing) {
    return (
      <div class="view">
        <p role="alert">{missing}</p>
        <button type="button" onClick={() => model.navigate({ name: 'conversation' })}>
          Back
        </button>
      </div>
    );
  }
  if (!view) return <p class="muted view">Loading ticket…</p>;
  const { ticket, type } = view;
  const states = type?.states ?? [];

  /**
   * Saves an edit of `field` made against `baseVersion` and shows the saved ticket at once. A
   * refusal because someone else changed the field comes back as a conflict for the editor to
   * show. Other failures are shown as errors and thrown, so that `run` keeps the action's request
   * id: saving the same edit again is the same action (the first attempt may have been saved).
   */
  const saveEdit = async (field: string, what: string, changes: TicketChanges, baseVersion: number, requestId: string): Promise<SaveOutcome> => {
    try {
      apply(await request('ui:updateTicket', { requestId, ticketId, baseVersion, changes }));
      model.announce(`${what} saved.`);
      return { ok: true };
    } catch (e) {
      const conflict = conflictOf(e, field);
      if (conflict) {
        apply(conflict.ticket);
        return { ok: false, conflict };
      }
      model.showError((e as Error).message);
      if (isBacklineError(e) && e.code === 'stale') await reload();
      throw e;
    }
  };

  /** A choice that saves at once (a select): made against the version on screen. */
  const saveNow = (field: string, what: string, changes: TicketChanges) =>
    run(`update ${ticketId} ${JSON.stringify(changes)}`, async (requestId) => {
      const outcome = await saveEdit(field, what, changes, ticket.version, requestId);
      // The select shows the saved value again; the agent is told why theirs was not saved.
      if (!outcome.ok && outcome.conflict) model.showError(outcome.conflict.message);
    }).catch(() => {
      /* shown by saveEdit */
    });

  // The key leaves out the version: a first attempt that was saved after all has moved it on.
  const changeState = (state: StateDef, propagation?: { conversationKey: string; note: boolean; reopen: boolean }[]) =>
    run(`state ${ticketId} ${state.id} ${JSON.stringify(propagation ?? null)}`, async (requestId) => {
      apply(await request('ui:changeState', { requestId, ticketId, baseVersion: ticket.version, stateId: state.id, propagation }));
      model.announce(`State changed to ${state.label}.`);
    }).catch(async (e: Error) => {
      model.showError(e.message);
      const conflict = conflictOf(e, 'stateId');
      if (conflict) apply(conflict.ticket);
      else if (isBacklineError(e) && e.code === 'stale') await reload();
    });

  const customAttributes = (type?.attributes ?? []).filter((a) => !a.archived);
  const teammates = model.catalog.value?.teammates ?? [];

  return (
    <div class="view ticket-view">
      <header class="bar">
        <button type="button" class="ghost" onClick={() => model.navigate({ name: 'conversation' })} aria-keyshortcuts="Escape">
          <span aria-hidden="true">← </span>
          Back
        </button>
        <StateMenu
          states={states}
          currentId={ticket.stateId}
          onChoose={(s) => (ticket.kind === 'tracker' ? setTrackerTarget(s) : void changeState(s))}
        />
      </header>
      <div class="ticket-head">
        <KindIcon kind={ticket.kind} />
        <span class="muted small">{type?.name}</span>
      </div>
      <InlineEditor
        label="Title"
        value={ticket.title}
        version={ticket.version}
        read={(t) => t.title}
        show={(v) => v}
        normalize={(v) => v.trim()}
        commitOnBlur
        save={(title, base, requestId) => saveEdit('title', 'Title', { title }, base, requestId)}
        view={(edit) => (
          <h1 class="ticket-title-heading" ref={heading} tabIndex={-1}>
            <button type="button" class="editable" title="Click to edit the title" onClick={edit}>
              {ticket.title}
            </button>
          </h1>
        )}
        control={(c) => (
          <input
            class="title-input"
            aria-label="Title"
            value={c.draft}
            autoFocus
            onInput={(e) => c.setDraft(e.currentTarget.value)}
            onBlur={c.onBlur}
            onKeyDown={c.onKeyDown}
          />
        )}
      />
      <div class="ticket-body">
        <div class="ticket-main-col">
          <dl class="attrs">
            <div class="attr">
              <dt id="lbl-ticket-id">Ticket ID</dt>
              <dd aria-labelledby="lbl-ticket-id">{formatTicketNumber(ticket.number)}</dd>
            </div>
            <TextField label="User" field="user" ticket={ticket} save={saveEdit} />
            <TextField label="Company" field="company" ticket={ticket} save={saveEdit} />
            <div class="attr">
              <dt>
                <label for="sharing">Sharing behavior</label>
              </dt>
              <dd>
                <select
                  id="sharing"
                  aria-label="Sharing behavior"
                  value={ticket.sharing}
                  onChange={(e) => saveNow('sharing', 'Sharing behavior', { sharing: e.currentTarget.value as SharingBehavior })}
                >
                  {Object.entries(SHARING_LABELS).map(([value, label]) => (
                    <option key={value} value={value}>
                      {label}
                    </option>
                  ))}
                </select>
              </dd>
            </div>
            <div class="attr">
              <dt>
                <label for="assignee">Assignee</label>
              </dt>
              <dd>
                <select
                  id="assignee"
                  aria-label="Assignee"
                  value={ticket.assigneeId ?? ''}
                  onChange={(e) => saveNow('assigneeId', 'Assignee', { assigneeId: e.currentTarget.value || null })}
                >
                  <option value="">Unassigned</option>
                  {teammates.map((t) => (
                    <option key={t.id} value={t.id}>
                      {t.kind === 'team' ? `Team: ${t.name}` : t.name}
                    </option>
                  ))}
                </select>
              </dd>
            </div>
          </dl>
          <Description ticket={ticket} save={saveEdit} />
          {customAttributes.length > 0 && (
            <section aria-label="Attributes" class="custom-attrs">
              <h2 class="section-title">{type?.name} details</h2>
              <dl class="attrs">
                {customAttributes.map((def) => (
                  <AttributeField key={def.id} def={def} ticket={ticket} save={saveEdit} />
                ))}
              </dl>
            </section>
          )}
          <NoteComposer ticketId={ticket.id} linkCount={view.links.length} />
          <ActivityTimeline activity={view.activity} effects={view.effects} type={type} />
        </div>
        <aside class="ticket-side" aria-label="Details">
          <Links ticket={ticket} links={view.links} />
          <p class="muted small">
            Created <TimeAgo at={ticket.createdAt} /> · updated <TimeAgo at={ticket.updatedAt} />
          </p>
        </aside>
      </div>
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

type SaveEdit = (field: string, what: string, changes: TicketChanges, baseVersion: number, requestId: string) => Promise<SaveOutcome>;

/** User or Company: text shown as a button that turns into a textbox named after its label. */
function TextField(props: { label: string; field: 'user' | 'company'; ticket: Ticket; save: SaveEdit }) {
  const { label, field, ticket } = props;
  const id = `lbl-${field}`;
  return (
    <div class="attr">
      <dt id={id}>{label}</dt>
      <dd>
        <InlineEditor
          label={label}
          value={ticket[field]}
          version={ticket.version}
          read={(t) => t[field]}
          show={(v) => v || <NotSet />}
          normalize={(v) => v.trim()}
          commitOnBlur
          save={(value, base, requestId) => props.save(field, label, { [field]: value }, base, requestId)}
          view={(edit) => (
            <button type="button" class="editable" aria-labelledby={`${id} ${id}-v`} title={`Click to edit ${label}`} onClick={edit}>
              <span id={`${id}-v`}>{ticket[field] || <NotSet />}</span>
            </button>
          )}
          control={(c) => (
            <input aria-label={label} value={c.draft} autoFocus onInput={(e) => c.setDraft(e.currentTarget.value)} onBlur={c.onBlur} onKeyDown={c.onKeyDown} />
          )}
        />
      </dd>
    </div>
  );
}

const isUnset = (v: unknown) => v === null || v === undefined || v === '';

/** An empty value: a dash to the eye, "not set" to a screen reader. */
function NotSet() {
  return (
    <>
      <span aria-hidden="true">—</span>
      <span class="sr-only">not set</span>
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
          <abbr title="required" class="req" aria-hidden="true">
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
            <button type="button" class="editable" aria-labelledby={`${id} ${id}-v`} title={`Click to edit ${def.name}`} onClick={edit}>
              <span id={`${id}-v`}>{isUnset(value) ? <NotSet /> : formatAttribute(def, value)}</span>
            </button>
          )}
          control={(c) => <AttributeInput def={def} value={c.draft} autoFocus onInput={c.setDraft} onKeyDown={c.onKeyDown} />}
        />
      </dd>
    </div>
  );
}

/** Sanitised rich text, or a note that there is none. */
function RichText({ html, labelledBy }: { html: string; labelledBy?: string }) {
  const safe = sanitizeRichText(html);
  // Sanitised by DOMPurify just above: only formatting and http(s)/mailto links survive.
  return safe ? <div class="rich" aria-labelledby={labelledBy} dangerouslySetInnerHTML={{ __html: safe }} /> : <p class="muted">No description.</p>;
}

function Description(props: { ticket: Ticket; save: SaveEdit }) {
  const { ticket } = props;
  return (
    <div class="description">
      <div class="desc-head">
        <h2 class="section-title" id="lbl-description">
          Description
        </h2>
      </div>
      <InlineEditor
        label="Description"
        value={ticket.description}
        version={ticket.version}
        read={(t) => t.description}
        show={(html) => <RichText html={html} />}
        normalize={(html) => (isBlankRichText(html) ? '' : html)}
        buttons={{ save: 'Save description', cancel: 'Cancel', primary: true }}
        save={(description, base, requestId) => props.save('description', 'Description', { description }, base, requestId)}
        view={(edit) => (
          <div class="desc-view">
            <RichText html={ticket.description} labelledBy="lbl-description" />
            <button type="button" class="small ghost" aria-label="Edit Description" onClick={edit}>
              Edit
            </button>
          </div>
        )}
        control={(c) => (
          <LazyRichTextEditor label="Description" initialHtml={c.draft} autofocus onChange={c.setDraft} onSubmit={(html) => c.commit(html)} onCancel={c.cancel} />
        )}
      />
    </div>
  );
}
