import { useEffect, useRef, useState } from 'preact/hooks';
import { request } from '@/lib/client';
import type { ActivityRecord, OutboxRecord } from '@/lib/db';
import {
  formatAttribute,
  formatTicketNumber,
  SHARING_LABELS,
  type AttributeDef,
  type SharingBehavior,
  type StateDef,
  type Ticket,
} from '@/lib/domain';
import { ALREADY_OPEN, isRetryable } from '@/lib/effects';
import { isBacklineError } from '@/lib/errors';
import { isBlankRichText, sanitizeRichText } from '@/lib/sanitize';
import type { TicketChanges, TicketView as TicketViewData } from '@/lib/store';
import { AttributeInput, toInputValue } from './AttributeInput';
import { usePanel } from './context';
import { LazyRichTextEditor } from './LazyRichTextEditor';
import { Links } from './Links';
import { NoteComposer } from './NoteComposer';
import { StateMenu } from './StateMenu';
import { TrackerDialog } from './TrackerDialog';
import { KindIcon, TimeAgo, useAction } from './ui';

/** Loads a ticket and re-reads it whenever the background reports a change. */
function useTicket(ticketId: string) {
  const model = usePanel();
  const [view, setView] = useState<TicketViewData | null>(null);
  const [missing, setMissing] = useState('');
  const reload = async () => {
    try {
      setView(await request('ui:ticketView', { ticketId }));
    } catch (e) {
      if (isBacklineError(e) && e.code === 'not_found') setMissing(e.message);
      else model.showError((e as Error).message);
    }
  };
  useEffect(() => {
    void reload();
  }, [ticketId, model.revision.value]);
  return { view, missing, reload };
}

export function TicketView({ ticketId }: { ticketId: string }) {
  const model = usePanel();
  const { view, missing, reload } = useTicket(ticketId);
  const { run } = useAction();
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

  /** A failed write is explained; a stale version is also refreshed. */
  const failed = async (e: Error) => {
    model.showError(e.message);
    if (isBacklineError(e) && e.code === 'stale') await reload();
  };

  /**
   * Saves edits against the version on screen; a stale version is explained and refreshed. The
   * edit stays open after a failure: saving the same change again is the same action (its key
   * leaves out the version, which a first attempt that was saved after all has moved on).
   */
  const save = (changes: TicketChanges, what: string) =>
    run(`update ${ticketId} ${JSON.stringify(changes)}`, async (requestId) => {
      await request('ui:updateTicket', { requestId, ticketId, baseVersion: ticket.version, changes });
      model.announce(`${what} saved.`);
      return true;
    }).catch(async (e: Error) => {
      await failed(e);
      return false;
    });

  const changeState = (state: StateDef, propagation?: { conversationKey: string; note: boolean; reopen: boolean }[]) =>
    run(`state ${ticketId} ${state.id} ${JSON.stringify(propagation ?? null)}`, async (requestId) => {
      await request('ui:changeState', { requestId, ticketId, baseVersion: ticket.version, stateId: state.id, propagation });
      model.announce(`State changed to ${state.label}.`);
    }).catch(failed);

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
      <EditableTitle ticket={ticket} headingRef={heading} onSave={(title) => save({ title }, 'Title')} />
      <div class="ticket-body">
        <div class="ticket-main-col">
          <dl class="attrs">
            <div class="attr">
              <dt id="lbl-ticket-id">Ticket ID</dt>
              <dd aria-labelledby="lbl-ticket-id">{formatTicketNumber(ticket.number)}</dd>
            </div>
            <EditableText label="User" value={ticket.user} onSave={(user) => save({ user }, 'User')} />
            <EditableText label="Company" value={ticket.company} onSave={(company) => save({ company }, 'Company')} />
            <div class="attr">
              <dt>
                <label for="sharing">Sharing behavior</label>
              </dt>
              <dd>
                <select
                  id="sharing"
                  aria-label="Sharing behavior"
                  value={ticket.sharing}
                  onChange={(e) => save({ sharing: e.currentTarget.value as SharingBehavior }, 'Sharing behavior')}
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
                  onChange={(e) => save({ assigneeId: e.currentTarget.value || null }, 'Assignee')}
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
          <Description html={ticket.description} onSave={(description) => save({ description }, 'Description')} />
          {customAttributes.length > 0 && (
            <section aria-label="Attributes" class="custom-attrs">
              <h2 class="section-title">{type?.name} details</h2>
              <dl class="attrs">
                {customAttributes.map((def) => (
                  <EditableAttribute
                    key={def.id}
                    def={def}
                    value={ticket.attributes[def.id]}
                    onSave={(raw) => save({ attributes: { [def.id]: raw } }, def.name)}
                  />
                ))}
              </dl>
            </section>
          )}
          <NoteComposer ticketId={ticket.id} linkCount={view.links.length} />
          <Activity activity={view.activity} effects={view.effects} states={states} />
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

function EditableTitle(props: { ticket: Ticket; headingRef: preact.RefObject<HTMLHeadingElement>; onSave(title: string): Promise<boolean | undefined> }) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(props.ticket.title);
  if (editing) {
    const commit = async () => {
      if (draft.trim() === props.ticket.title) return setEditing(false);
      if (await props.onSave(draft)) setEditing(false);
    };
    return (
      <input
        class="title-input"
        aria-label="Title"
        value={draft}
        autoFocus
        onInput={(e) => setDraft(e.currentTarget.value)}
        onBlur={() => void commit()}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            void commit();
          } else if (e.key === 'Escape') {
            e.stopPropagation();
            setEditing(false);
          }
        }}
      />
    );
  }
  return (
    <h1 class="ticket-title-heading" ref={props.headingRef} tabIndex={-1}>
      <button
        type="button"
        class="editable"
        title="Click to edit the title"
        onClick={() => {
          setDraft(props.ticket.title);
          setEditing(true);
        }}
      >
        {props.ticket.title}
      </button>
    </h1>
  );
}

/** A value shown as text that turns into a textbox named after its label when clicked. */
function EditableText(props: { label: string; value: string; onSave(v: string): Promise<boolean | undefined> }) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(props.value);
  const id = `lbl-${props.label.replace(/\W+/g, '-').toLowerCase()}`;
  const commit = async () => {
    if (draft.trim() === props.value) return setEditing(false);
    if (await props.onSave(draft)) setEditing(false);
  };
  return (
    <div class="attr">
      <dt id={id}>{props.label}</dt>
      <dd>
        {editing ? (
          <input
            aria-label={props.label}
            value={draft}
            autoFocus
            onInput={(e) => setDraft(e.currentTarget.value)}
            onBlur={() => void commit()}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                void commit();
              } else if (e.key === 'Escape') {
                e.stopPropagation();
                setEditing(false);
              }
            }}
          />
        ) : (
          <button
            type="button"
            class="editable"
            aria-labelledby={`${id} ${id}-v`}
            title={`Click to edit ${props.label}`}
            onClick={() => {
              setDraft(props.value);
              setEditing(true);
            }}
          >
            <span id={`${id}-v`}>{props.value || <NotSet />}</span>
          </button>
        )}
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

function EditableAttribute(props: { def: AttributeDef; value: Ticket['attributes'][string] | undefined; onSave(raw: string): Promise<boolean | undefined> }) {
  const { def } = props;
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState('');
  const id = `attr-${def.id}`;
  const commit = async () => {
    if (draft === toInputValue(def, props.value)) return setEditing(false);
    const raw = def.type === 'datetime' && draft ? new Date(draft).toISOString() : draft;
    if (await props.onSave(raw)) setEditing(false);
  };
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
        {editing ? (
          <div class="inline-edit">
            <AttributeInput
              def={def}
              value={draft}
              autoFocus
              onInput={setDraft}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && (def.type !== 'textarea' || e.ctrlKey || e.metaKey)) {
                  e.preventDefault();
                  void commit();
                } else if (e.key === 'Escape') {
                  e.stopPropagation();
                  setEditing(false);
                }
              }}
            />
            <button type="button" class="small" onClick={() => void commit()}>
              Save
            </button>
            <button type="button" class="small ghost" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </div>
        ) : (
          <button
            type="button"
            class="editable"
            aria-labelledby={`${id} ${id}-v`}
            title={`Click to edit ${def.name}`}
            onClick={() => {
              setDraft(toInputValue(def, props.value));
              setEditing(true);
            }}
          >
            <span id={`${id}-v`}>{isUnset(props.value) ? <NotSet /> : formatAttribute(def, props.value)}</span>
          </button>
        )}
      </dd>
    </div>
  );
}

function Description(props: { html: string; onSave(html: string): Promise<boolean | undefined> }) {
  const [editing, setEditing] = useState(false);
  const draft = useRef(props.html);
  const safe = sanitizeRichText(props.html);
  const commit = async () => {
    const html = isBlankRichText(draft.current) ? '' : draft.current;
    if (html === props.html || (await props.onSave(html))) setEditing(false);
  };
  return (
    <div class="description">
      <div class="desc-head">
        <h2 class="section-title" id="lbl-description">
          Description
        </h2>
      </div>
      {editing ? (
        <>
          <LazyRichTextEditor
            label="Description"
            initialHtml={props.html}
            autofocus
            onChange={(html) => (draft.current = html)}
            onSubmit={(html) => {
              draft.current = html;
              void commit();
            }}
            onCancel={() => setEditing(false)}
          />
          <div class="actions">
            <button type="button" class="primary small" onClick={() => void commit()}>
              Save description
            </button>
            <button type="button" class="small" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </div>
        </>
      ) : (
        <div class="desc-view">
          {safe ? (
            // Sanitised by DOMPurify just above: only formatting and http(s)/mailto links survive.
            <div class="rich" aria-labelledby="lbl-description" dangerouslySetInnerHTML={{ __html: safe }} />
          ) : (
            <p class="muted">No description.</p>
          )}
          <button
            type="button"
            class="small ghost"
            aria-label="Edit Description"
            onClick={() => {
              draft.current = props.html;
              setEditing(true);
            }}
          >
            Edit
          </button>
        </div>
      )}
    </div>
  );
}

const EFFECT_OUTCOME_LABELS: Record<OutboxRecord['status'], string> = {
  queued: 'Queued',
  delivered: 'Delivered',
  failed: 'Failed',
  skipped: 'Not sent',
};

/** Notes, state changes, edits and what happened in the linked conversations, newest first. */
function Activity(props: { activity: ActivityRecord[]; effects: OutboxRecord[]; states: StateDef[] }) {
  const model = usePanel();
  const people = new Map(model.catalog.value?.teammates.map((t) => [t.id, t.name]));
  const label = (id: string) => props.states.find((s) => s.id === id)?.label ?? id;
  const effectsBySource = new Map<string, OutboxRecord[]>();
  for (const e of props.effects) effectsBySource.set(e.sourceActivityId, [...(effectsBySource.get(e.sourceActivityId) ?? []), e]);
  const items = [...props.activity].sort((a, b) => b.id.localeCompare(a.id));
  const { run } = useAction();

  return (
    <section aria-label="Activity" class="activity">
      <h2 class="section-title">Activity</h2>
      <ol class="activity-list">
        {items.flatMap((a) => {
          const who = people.get(a.actorId) ?? 'Someone';
          const effectItems = (effectsBySource.get(a.id) ?? []).map((e) => (
            <li key={e.id} class={`activity-item effect effect-${e.status}`}>
              <span class="muted small">
                {e.kind === 'note' ? 'Internal note' : 'Reopen'} in {conversationLabel(e.conversationKey)}:{' '}
              </span>
              {e.lastError === ALREADY_OPEN ? (
                <strong>Not needed, already open</strong>
              ) : (
                <>
                  <strong>{EFFECT_OUTCOME_LABELS[e.status]}</strong>
                  {e.lastError && <span class="small"> — {e.lastError}</span>}
                </>
              )}
              {isRetryable(e) && (
                <button
                  type="button"
                  class="small"
                  onClick={() =>
                    run(async () => {
                      await request('ui:retryEffect', { effectId: e.id }).catch((err: Error) => model.showError(err.message));
                    })
                  }
                >
                  Retry
                </button>
              )}
            </li>
          ));
          return [
            <li key={a.id} class={`activity-item activity-${a.type}`}>
              <div class="activity-meta muted small">
                <strong>{who}</strong> · <TimeAgo at={a.at} />
                {a.type === 'note' && a.crossPosted && <span class="badge cross">Cross-posted</span>}
              </div>
              <div class="activity-text">{describe(a, label, people)}</div>
            </li>,
            ...effectItems,
          ];
        })}
      </ol>
    </section>
  );
}

function describe(a: ActivityRecord, label: (id: string) => string, people: Map<string, string>) {
  switch (a.type) {
    case 'created':
      return 'Created the ticket';
    case 'note':
      return <p class="note-body">{a.body}</p>;
    case 'state':
      return (
        <>
          Changed state from <strong>{label(a.from)}</strong> to <strong>{label(a.to)}</strong>
          {!a.reopens && ' (linked conversations not reopened)'}
        </>
      );
    case 'attribute':
      return a.field === 'description' ? (
        'Edited the description'
      ) : (
        <>
          Changed {a.label} {a.from && a.from !== '—' ? <>from “{a.from}” </> : null}to “{a.to || '—'}”
        </>
      );
    case 'assignment':
      return a.to ? `Assigned to ${people.get(a.to) ?? 'someone'}` : 'Removed the assignee';
    case 'link':
      return `Linked ${a.title || 'a conversation'}`;
    case 'unlink':
      return `Unlinked ${a.title || 'a conversation'}`;
  }
}

/** "Chatwoot conversation #3" from a conversation key. */
export function conversationLabel(key: string): string {
  const [helpdesk, ...rest] = key.split(':');
  const id = decodeURIComponent(rest.at(-1) ?? '');
  const name = helpdesk ? helpdesk[0]!.toUpperCase() + helpdesk.slice(1) : 'Helpdesk';
  return `${name} #${id}`;
}
