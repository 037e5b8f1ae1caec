import { useModel } from '@preact/signals';
import { useEffect, useRef, useState } from 'preact/hooks';
import * as v from 'valibot';
import { request } from '@/lib/client';
import type { Teammate } from '@/lib/model/records';
import { LIMITS } from '@/lib/model/limits';
import { TeammateInput } from '@/lib/model/schemas';
import { useOptions } from './context';
import { EditorForm, ListEditing, ListEditor } from './ListEditor';
import { useAction } from '@/components/common/action';
import { Alert, Field, LockedHint, RemoveDialog, Section, plural, OPTIONS_WRITES } from './ui';

/** Teammates and teams (admins), and who "you" are on this browser (anyone). */
export function Teammates() {
  const model = useOptions();
  const ws = model.workspace.value;
  const unlocked = model.sharedEditable.value;
  const list = useModel(() => new ListEditing(model));
  const me = useAction(OPTIONS_WRITES);

  if (!ws) return null;
  const people = ws.teammates.filter((t) => t.kind === 'person');
  const teams = ws.teammates.filter((t) => t.kind === 'team');

  const chooseMe = (teammateId: string) =>
    void me.run(`me ${teammateId}`, async (requestId) => {
      const t = await request('opt:setMe', { requestId, teammateId });
      model.announce(`On this browser you are now ${t.name}.`);
    });

  /** People or teams: the same rows, each with its own Add button. */
  const teammates = (items: Teammate[], kind: Teammate['kind'], add: string) => (
    <ListEditor
      list={list}
      items={items}
      keyOf={(t) => t.id}
      nameOf={(t) => t.name}
      locked={!unlocked}
      newMode={kind}
      row={(t) => (
        <span class="row-main">
          <strong>{t.name}</strong>
          {t.id === ws.me.id && <span class="badge you">you</span>}
          {t.email && <span class="muted small"> · {t.email}</span>}
          {(ws.usage.assignees[t.id] ?? 0) > 0 && <span class="muted small"> · {plural(ws.usage.assignees[t.id]!, 'assigned ticket')}</span>}
        </span>
      )}
      editor={(t) => <TeammateForm teammate={t ?? undefined} kind={kind} onClose={list.close} />}
      confirmRemove={(t, close) => <RemoveTeammate teammate={t} onClose={close} />}
      add={
        <button type="button" disabled={!unlocked} onClick={() => list.open(null, kind)}>
          {add}
        </button>
      }
    />
  );

  return (
    <Section id="teammates" title="Teammates">
      <Field
        label="You are"
        class="narrow"
        hint="Who you are on this browser: the author of your notes and changes, and who “assigned to me” means. Anyone can change this."
      >
        {(control) => (
          <select {...control} value={ws.me.id} disabled={me.busy} onChange={(e) => chooseMe(e.currentTarget.value)}>
            {people.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Alert message={me.error} />

      {!unlocked && <LockedHint what="add, rename or remove teammates" />}
      <h3>People</h3>
      {teammates(people, 'person', 'Add teammate')}
      <h3>Teams</h3>
      {teams.length === 0 && <p class="muted">No teams yet. Tickets can be assigned to a team as well as to a person.</p>}
      {teammates(teams, 'team', 'Add team')}
    </Section>
  );
}

function TeammateForm(props: { teammate?: Teammate; kind: Teammate['kind']; onClose(message?: string): void }) {
  const [name, setName] = useState(props.teammate?.name ?? '');
  const [email, setEmail] = useState(props.teammate?.email ?? '');
  const { busy, error, setError, run } = useAction(OPTIONS_WRITES);
  const input = useRef<HTMLInputElement>(null);
  const team = props.kind === 'team';
  useEffect(() => input.current?.focus(), []);

  const submit = () => {
    const teammate = { id: props.teammate?.id, name, email: team ? '' : email, kind: props.kind };
    // The schema the background checks with too: a problem is said here, before sending.
    const check = v.safeParse(TeammateInput, teammate);
    if (!check.success) {
      setError(check.issues[0].message);
      input.current?.focus();
      return;
    }
    // Saving the same form again after a failure is the same action; an edited form is a new one.
    void run(`save ${JSON.stringify(teammate)}`, async (requestId) => {
      const t = await request('admin:saveTeammate', { requestId, teammate });
      props.onClose(`Saved ${t.name}.`);
    });
  };

  return (
    <EditorForm
      label={props.teammate ? `Edit ${props.teammate.name}` : team ? 'New team' : 'New teammate'}
      save={team ? 'Save team' : 'Save teammate'}
      busy={busy}
      error={error}
      onSave={submit}
      onCancel={() => props.onClose()}
    >
      <div class="grid-2">
        <label class="field">
          <span>{team ? 'Team name' : 'Teammate name'}</span>
          <input ref={input} type="text" value={name} maxLength={LIMITS.teammateName} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        {!team && (
          <label class="field">
            <span>Email (optional)</span>
            <input type="email" value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
          </label>
        )}
      </div>
    </EditorForm>
  );
}

function RemoveTeammate({ teammate, onClose }: { teammate: Teammate; onClose(): void }) {
  return (
    <RemoveDialog
      title={`Remove ${teammate.name}?`}
      confirmLabel={teammate.kind === 'team' ? 'Remove team' : 'Remove teammate'}
      onClose={onClose}
      remove={async (requestId) => {
        await request('admin:removeTeammate', { requestId, teammateId: teammate.id });
        return `Removed ${teammate.name}.`;
      }}
    >
      <p>
        {teammate.name} will no longer be offered for assignment. Notes and changes they made stay on their tickets, shown without their name.
      </p>
    </RemoveDialog>
  );
}
