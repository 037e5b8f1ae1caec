import { useEffect, useRef, useState } from 'preact/hooks';
import { useAction } from '@/components/common/action';
import browser from 'webextension-polyfill';
import { request } from '@/lib/client';
import { describeSyncStatus } from '@/lib/model/workspace-docs';
import { useOptions } from './context';
import { Alert, Field, OPTIONS_WRITES, Section } from './ui';
import { t, tn } from '@/components/common/i18n';

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
        if (!(await browser.permissions.request({ origins: [`${origin}/*`] }))) throw new Error(t('workspacePermission', origin));
      }
      const r = await request('opt:joinWorkspace', { url, username, password, ...(localTickets ? { localTickets } : {}) });
      if (!r.joined) {
        setAsking(r.localTickets);
        return;
      }
      setAsking(0);
      setPassword('');
      model.announce(r.role === 'admin' ? t('joinedAsAdminX', username) : t('joinedAsX', username));
      await refresh();
    });

  const joined = status?.joined === true;
  return (
    <Section id="workspace" title={t('workspace')} trail={['Team', 'Workspace']}>
      <p class="muted">{t('aTeamWorkspaceSharesTicketsTheir')}</p>
      {joined ? (
        <>
          <p role="status" class="sync-status">
            {describeSyncStatus(status, time)}
          </p>
          <p class="muted">
            {t('workspaceWhoWhere', status.username ?? '', status.role === 'admin' ? t('workspaceAdmin') : t('workspaceMember'), status.url ?? '')}
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
                  model.announce(t('leftWorkspace'));
                })
              }
            >{t('leaveWorkspace')}</button>
            {model.unlocked.value && status.role === 'admin' && (
              <button
                type="button"
                disabled={setUp.busy}
                onClick={() =>
                  void setUp.run(async () => {
                    setSetUpResult((await request('admin:setUpWorkspace', {})).message);
                  })
                }
              >{t('setUpWorkspace')}</button>
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
          <Field label={t('workspaceServerUrl')} hint={t('theAddressOfTheWorkspaceS')}>
            {(c) => <input {...c} type="url" required value={url} onInput={(e) => setUrl(e.currentTarget.value)} autoComplete="url" />}
          </Field>
          <Field label={t('username')}>
            {(c) => <input {...c} type="text" required value={username} onInput={(e) => setUsername(e.currentTarget.value)} autoComplete="username" />}
          </Field>
          <Field label={t('password')}>
            {(c) => <input {...c} type="password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} autoComplete="current-password" />}
          </Field>
          <Alert message={join.error} />
          <div class="actions">
            <button type="submit" class="primary" disabled={join.busy}>{t('joinWorkspace')}</button>
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
      <h2 id="bring-title">{t('bringLocalTicketsIntoWorkspace')}</h2>
      <div class="dialog-body">
        <p>{tn('bringLocalTickets', props.count)}</p>
      </div>
      <Alert message={props.error} />
      <div class="actions">
        <button type="button" class="primary" disabled={props.busy} onClick={() => props.choose('bring')}>{t('bringThem')}</button>
        <button type="button" disabled={props.busy} onClick={() => props.choose('keep')}>{t('keepThemLocal')}</button>
        <button type="button" onClick={props.cancel}>{t('cancel')}</button>
      </div>
    </dialog>
  );
}
