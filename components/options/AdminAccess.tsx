import { useEffect, useRef, useState } from 'preact/hooks';
import { checkNewPassphrase, describeWait } from '@/lib/model/passphrase';
import { request } from '@/lib/client';
import { isBacklineError } from '@/lib/model/errors';
import { useOptions } from './context';
import { useAction } from '@/components/common/action';
import { Alert, Section, OPTIONS_WRITES } from './ui';

/** Setting the first passphrase, unlocking with it, and locking again. */
export function AdminAccess() {
  const model = useOptions();
  const status = model.status.value;
  return (
    <Section id="admin" title="Admin access">
      <p class="muted">
        Everyone using this browser can see these settings. Changing the ones marked 🔒 needs the admin passphrase; an unlock lasts until you lock
        again or close the browser.
      </p>
      {!status ? <p class="muted">Loading…</p> : !status.passphraseSet ? <SetPassphrase /> : status.unlocked ? <Unlocked /> : <Unlock />}
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
      model.announce('Admin passphrase set. Unlock admin settings with it to make changes.');
    });
  };
  return (
    <form class="form" onSubmit={submit} noValidate aria-label="Set the admin passphrase">
      <p>
        No admin passphrase is set yet. The first admin chooses one; Backline keeps only a salted, slow hash of it. There is no way to recover a
        forgotten passphrase, so keep it somewhere safe.
      </p>
      <label class="field">
        <span>New admin passphrase</span>
        <input type="password" autoComplete="new-password" value={passphrase} minLength={8} onInput={(e) => setPassphrase(e.currentTarget.value)} />
      </label>
      <label class="field">
        <span>Confirm passphrase</span>
        <input type="password" autoComplete="new-password" value={confirmation} onInput={(e) => setConfirmation(e.currentTarget.value)} />
      </label>
      <p class="hint">At least 8 characters. A few unrelated words make a good passphrase.</p>
      <Alert message={error} />
      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>
          Set admin passphrase
        </button>
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
    if (!passphrase) return setError('Type the admin passphrase first.');
    void run(async () => {
      try {
        model.setStatus(await request('opt:unlock', { passphrase }));
        model.announce('Admin settings unlocked.');
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
    <form class="form" onSubmit={submit} noValidate aria-label="Unlock admin settings">
      <p>
        Admin settings are <strong>locked</strong>.
      </p>
      <label class="field">
        <span>Admin passphrase</span>
        <input ref={input} type="password" autoComplete="current-password" value={passphrase} onInput={(e) => setPassphrase(e.currentTarget.value)} />
      </label>
      <Alert message={error} />
      <div class="actions">
        <button type="submit" class="primary" disabled={busy || waiting}>
          Unlock admin settings
        </button>
        {waiting && (
          <span class="hint" aria-live="polite">
            You can try again in {describeWait(waitUntil - now)}.
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
      model.announce('Admin settings locked.');
    });
  return (
    <div class="form">
      <p>
        Admin settings are <strong>unlocked</strong> on this browser until you lock them or close the browser.
      </p>
      <Alert message={error} />
      <div class="actions">
        <button type="button" disabled={busy} onClick={lock}>
          Lock admin settings
        </button>
      </div>
    </div>
  );
}
