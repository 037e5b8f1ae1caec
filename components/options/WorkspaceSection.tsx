import { useEffect, useRef, useState } from 'preact/hooks';
import { useAction } from '@/components/common/action';
import browser from 'webextension-polyfill';
import { request } from '@/lib/client';
import { describeSyncStatus } from '@/lib/model/workspace-docs';
import { useOptions } from './context';
import { Alert, Field, OPTIONS_WRITES, Section } from './ui';

const time = (at: number) => new Date(at).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/**
 * Team workspace: join a CouchDB-compatible database with a username and password, see how
 * syncing goes, leave; admins set up the workspace's rules on the server. The password goes to
 * the background and is never shown again.
 */
export function WorkspaceSection() {
  const model = useOptions();
  const status = model.membership.value;
  const [url, setUrl] = useState('');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [asking, setAsking] = useState(0);
  const [setUpResult, setSetUpResult] = useState('');
  const join = useAction(OPTIONS_WRITES);
  const leave = useAction(OPTIONS_WRITES);
  const setUp = useAction(OPTIONS_WRITES);

  const refresh = () => model.refreshMembership();
  useEffect(() => {
    // "last synced" and the waiting count move on without events from elsewhere.
    const timer = setInterval(() => void refresh(), 5000);
    return () => clearInterval(timer);
  }, []);

  const submit = (localTickets?: 'bring' | 'keep') =>
    join.run(`join ${url} ${username} ${localTickets ?? ''}`, async () => {
      // The server's origin must be allowed for the background's requests (asked once, on this click).
      const origin = safeOrigin(url);
      if (origin && !(await browser.permissions.contains({ origins: [`${origin}/*`] }))) {
        if (!(await browser.permissions.request({ origins: [`${origin}/*`] }))) throw new Error(`Backline needs your permission to reach ${origin}.`);
      }
      const r = await request('opt:joinWorkspace', { url, username, password, ...(localTickets ? { localTickets } : {}) });
      if (!r.joined) {
        setAsking(r.localTickets);
        return;
      }
      setAsking(0);
      setPassword('');
      model.announce(`Joined the workspace as ${username}${r.role === 'admin' ? ' (workspace admin)' : ''}.`);
      await refresh();
    });

  const joined = status?.joined === true;
  return (
    <Section id="workspace" title="Workspace" trail={['Team', 'Workspace']}>
      <p class="muted">
        A team workspace shares tickets, their activity and links, ticket types, teammates and settings between everyone in it, through a
        CouchDB-compatible server. Helpdesk connections, their tokens and the admin passphrase stay on this browser.
      </p>
      {joined ? (
        <>
          <p role="status" class="sync-status">
            {describeSyncStatus(status, time)}
          </p>
          <p class="muted">
            {status.username} ({status.role === 'admin' ? 'workspace admin' : 'member'}) at {status.url}
          </p>
          <Alert message={leave.error} />
          <div class="actions">
            <button
              type="button"
              disabled={leave.busy}
              onClick={() =>
                void leave.run(async () => {
                  await request('opt:leaveWorkspace', {});
                  await refresh();
                  model.announce('Left the workspace. The tickets stay on this browser.');
                })
              }
            >
              Leave workspace
            </button>
            {model.unlocked.value && status.role === 'admin' && (
              <button
                type="button"
                disabled={setUp.busy}
                onClick={() =>
                  void setUp.run(async () => {
                    setSetUpResult((await request('admin:setUpWorkspace', {})).message);
                  })
                }
              >
                Set up workspace
              </button>
            )}
          </div>
          <Alert message={setUp.error} />
          {setUpResult && <p role="status">{setUpResult}</p>}
        </>
      ) : (
        <form
          class="form"
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <Field label="Workspace server URL" hint="The address of the workspace’s database, for example https://couch.example.com/backline.">
            {(c) => <input {...c} type="url" required value={url} onInput={(e) => setUrl(e.currentTarget.value)} autoComplete="url" />}
          </Field>
          <Field label="Username">
            {(c) => <input {...c} type="text" required value={username} onInput={(e) => setUsername(e.currentTarget.value)} autoComplete="username" />}
          </Field>
          <Field label="Password">
            {(c) => <input {...c} type="password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} autoComplete="current-password" />}
          </Field>
          <Alert message={join.error} />
          <div class="actions">
            <button type="submit" class="primary" disabled={join.busy}>
              Join workspace
            </button>
          </div>
        </form>
      )}
      {asking > 0 && <BringDialog count={asking} busy={join.busy} error={join.error} choose={(c) => void submit(c)} cancel={() => setAsking(0)} />}
    </Section>
  );
}

function safeOrigin(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/** Asked when joining with tickets on this browser: share them with the team, or keep them here only. */
function BringDialog(props: { count: number; busy: boolean; error: string; choose(c: 'bring' | 'keep'): void; cancel(): void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    dialog.current?.showModal();
    return () => opener?.focus?.();
  }, []);
  return (
    <dialog ref={dialog} class="dialog" aria-labelledby="bring-title" onCancel={(e) => (e.preventDefault(), props.cancel())}>
      <h2 id="bring-title">Bring local tickets into workspace</h2>
      <div class="dialog-body">
        <p>
          This browser has {props.count} ticket{props.count === 1 ? '' : 's'} of its own. Bring them into the workspace, where the whole team sees them, or keep
          them on this browser only.
        </p>
      </div>
      <Alert message={props.error} />
      <div class="actions">
        <button type="button" class="primary" disabled={props.busy} onClick={() => props.choose('bring')}>
          Bring them
        </button>
        <button type="button" disabled={props.busy} onClick={() => props.choose('keep')}>
          Keep them local
        </button>
        <button type="button" onClick={props.cancel}>
          Cancel
        </button>
      </div>
    </dialog>
  );
}
