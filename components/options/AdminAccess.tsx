import { useEffect, useRef, useState } from 'preact/hooks';
import { checkNewPassphrase, describeWait } from '@/lib/model/passphrase';
import { request } from '@/lib/client';
import { isBacklineError } from '@/lib/model/errors';
import { useOptions } from './context';
import { useAction } from '@/components/common/action';
import { Alert, Section, OPTIONS_WRITES } from './ui';
import { Emphasis } from '@/components/common/Emphasis';
import { t } from '@/components/common/i18n';

/** Setting the first passphrase, unlocking with it, and locking again. */
export function AdminAccess() {
  const model = useOptions();
  const status = model.status.value;
  return (
    <Section id="admin" title={t('adminAccess')}>
      <p class="muted">{t('everyoneUsingThisBrowserCanSee')}</p>
      {!status ? <p class="muted">{t('loading')}</p> : !status.passphraseSet ? <SetPassphrase /> : status.unlocked ? <Unlocked /> : <Unlock />}
    </Section>
  );
}

function SetPassphrase() {
  const model = useOptions();
  const [passphrase, setPassphrase] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const { busy, error, setError, run } = useAction(OPTIONS_WRITES);
  const submit = (e: Event) => {
    e.preventDefault();
    const problem = checkNewPassphrase(passphrase, confirmation);
    if (problem) return setError(problem);
    void run(async (requestId) => {
      model.setStatus(await request('opt:setPassphrase', { requestId, passphrase, confirmation }));
      model.announce(t('passphraseSetAnnounce'));
    });
  };
  return (
    <form class="form" onSubmit={submit} noValidate aria-label={t('setTheAdminPassphrase')}>
      <p>{t('noAdminPassphraseIsSetYet')}</p>
      <label class="field">
        <span>{t('newAdminPassphrase')}</span>
        <input type="password" autoComplete="new-password" value={passphrase} minLength={8} onInput={(e) => setPassphrase(e.currentTarget.value)} />
      </label>
      <label class="field">
        <span>{t('confirmPassphrase')}</span>
        <input type="password" autoComplete="new-password" value={confirmation} onInput={(e) => setConfirmation(e.currentTarget.value)} />
      </label>
      <p class="hint">{t('atLeast8CharactersAFew')}</p>
      <Alert message={error} />
      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>{t('setAdminPassphrase')}</button>
      </div>
    </form>
  );
}

function Unlock() {
  const model = useOptions();
  const [passphrase, setPassphrase] = useState('');
  const { busy, error, setError, run } = useAction(OPTIONS_WRITES);
  const [waitUntil, setWaitUntil] = useState(() => Date.now() + (model.status.value?.retryAfterMs ?? 0));
  const [now, setNow] = useState(Date.now());
  const input = useRef<HTMLInputElement>(null);
  const waiting = waitUntil > now;

  // Count down while repeated wrong passphrases slow things down.
  useEffect(() => {
    if (!waiting) return;
    const t = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(t);
  }, [waiting]);

  const submit = (e: Event) => {
    e.preventDefault();
    if (waiting) return;
    if (!passphrase) return setError(t('typePassphraseFirst'));
    void run(async () => {
      try {
        model.setStatus(await request('opt:unlock', { passphrase }));
        model.announce(t('adminUnlockedAnnounce'));
      } catch (err) {
        const retry = isBacklineError(err) ? Number(err.details?.retryAfterMs ?? 0) : 0;
        if (retry > 0) {
          setWaitUntil(Date.now() + retry);
          setNow(Date.now());
        }
        setPassphrase('');
        input.current?.focus();
        throw err;
      }
    });
  };

  return (
    <form class="form" onSubmit={submit} noValidate aria-label={t('unlockAdminSettings')}>
      <p>
        <Emphasis text={t('adminSettingsLocked')} />
      </p>
      <label class="field">
        <span>{t('adminPassphrase')}</span>
        <input ref={input} type="password" autoComplete="current-password" value={passphrase} onInput={(e) => setPassphrase(e.currentTarget.value)} />
      </label>
      <Alert message={error} />
      <div class="actions">
        <button type="submit" class="primary" disabled={busy || waiting}>{t('unlockAdminSettings')}</button>
        {waiting && (
          <span class="hint" aria-live="polite">{t('tryAgainInX', describeWait(waitUntil - now))}
          </span>
        )}
      </div>
    </form>
  );
}

function Unlocked() {
  const model = useOptions();
  const { busy, error, run } = useAction(OPTIONS_WRITES);
  const lock = () =>
    void run(async () => {
      model.setStatus(await request('opt:lock', {}));
      model.announce(t('adminLockedAnnounce'));
    });
  return (
    <div class="form">
      <p>
        <Emphasis text={t('adminSettingsUnlocked')} />
      </p>
      <Alert message={error} />
      <div class="actions">
        <button type="button" disabled={busy} onClick={lock}>{t('lockAdminSettings')}</button>
      </div>
    </div>
  );
}
