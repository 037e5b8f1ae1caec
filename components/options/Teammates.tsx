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
import { Alert, Field, LockedHint, RemoveDialog, Section, OPTIONS_WRITES } from './ui';
import { t, tn } from '@/components/common/i18n';

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
      const mate = await request('opt:setMe', { requestId, teammateId });
      model.announce(t('youAreNowX', mate.name));
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
      row={(mate) => (
        <span class="row-main">
          <strong>{mate.name}</strong>
          {mate.id === ws.me.id && <span class="badge you">{t('you')}</span>}
          {mate.email && <span class="muted small"> · {mate.email}</span>}
          {(ws.usage.assignees[mate.id] ?? 0) > 0 && <span class="muted small"> · {tn('nAssignedTickets', ws.usage.assignees[mate.id]!)}</span>}
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
    <Section id="teammates" title={t('teammates')}>
      <Field
        label={t('youAre')}
        class="narrow"
        hint={t('whoYouAreOnThisBrowser')}
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

      {!unlocked && <LockedHint what={t('addRenameOrRemoveTeammates')} />}
      <h3>{t('people')}</h3>
      {teammates(people, 'person', t('addTeammate'))}
      <h3>{t('teams')}</h3>
      {teams.length === 0 && <p class="muted">{t('noTeamsYetTicketsCanBe')}</p>}
      {teammates(teams, 'team', t('addTeam'))}
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
      label={props.teammate ? t('editX', props.teammate.name) : team ? t('newTeam') : t('newTeammate')}
      save={team ? t('saveTeam') : t('saveTeammate')}
      busy={busy}
      error={error}
      onSave={submit}
      onCancel={() => props.onClose()}
    >
      <div class="grid-2">
        <label class="field">
          <span>{team ? t('teamName') : t('teammateName')}</span>
          <input ref={input} type="text" value={name} maxLength={LIMITS.teammateName} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        {!team && (
          <label class="field">
            <span>{t('emailOptional')}</span>
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
      title={t('removeX', teammate.name)}
      confirmLabel={teammate.kind === 'team' ? t('removeTeam') : t('removeTeammate')}
      onClose={onClose}
      remove={async (requestId) => {
        await request('admin:removeTeammate', { requestId, teammateId: teammate.id });
        return `Removed ${teammate.name}.`;
      }}
    >
      <p>
        {t('teammateRemoveExplained', teammate.name)}</p>
    </RemoveDialog>
  );
}
