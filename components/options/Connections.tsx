import { computed, createModel, signal, useModel, type ReadonlySignal } from '@preact/signals';
import { useEffect, useRef, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import { ActionModel } from '@/components/common/action';
import { normalizeBaseUrl, permissionPatternFor } from '@/lib/helpdesks/base-url';
import { type ConnectionView } from '@/lib/model/admin';
import { request } from '@/lib/client';
import { DESCRIPTORS, HELPDESK_NAMES, HELPDESKS } from '@/lib/helpdesks';
import { type HelpdeskId } from '@/lib/model/helpdesk';
import { LIMITS } from '@/lib/model/limits';
import type { ConnectionTest } from '@/lib/protocol-admin';
import { useOptions } from './context';
import { EditorForm, ListEditing, ListEditor } from './ListEditor';
import { Field, LockedHint, RemoveDialog, Section, type FieldControlProps, OPTIONS_WRITES } from './ui';
import { t } from '@/components/common/i18n';

/**
 * Asks the browser for access to a self-hosted helpdesk's origin. Must run inside the click or
 * submit handler (browsers grant permissions only in response to a user gesture), before any
 * other await. Resolves to an error message, or '' when access is granted or not needed.
 */
async function ensureOriginAccess(baseUrl: string): Promise<string> {
  let pattern: string | null;
  try {
    pattern = permissionPatternFor(normalizeBaseUrl(baseUrl));
  } catch {
    return ''; // the background explains a malformed base URL
  }
  if (!pattern) return '';
  const origin = new URL(normalizeBaseUrl(baseUrl)).origin;
  try {
    if (await browser.permissions.request({ origins: [pattern] })) return '';
  } catch (e) {
    return t('accessNotAsked', origin, (e as Error).message);
  }
  return t('accessDenied', origin);
}

/** The name of one of a helpdesk's secret fields, in lower case for running text ("API access token"). */
function secretLabel(helpdesk: HelpdeskId, key: string): string {
  const label = DESCRIPTORS[helpdesk].connection.credentials.find((f) => f.key === key)?.label ?? key;
  return label.replace(/^[A-Z](?=[a-z])/, (l) => l.toLowerCase());
}

/** Helpdesk API connections: the tokens stay in the background; pages only ever see their last characters. */
export function Connections() {
  const model = useOptions();
  const ws = model.workspace.value;
  const unlocked = model.unlocked.value;
  const list = useModel(() => new ListEditing(model));
  const [tests, setTests] = useState<Record<string, ConnectionTest | { pending: true }>>({});

  if (!ws) return null;

  const check = async (c: ConnectionView) => {
    const denied = await ensureOriginAccess(c.baseUrl);
    if (denied) return setTests((t) => ({ ...t, [c.id]: { ok: false, error: denied } }));
    setTests((t) => ({ ...t, [c.id]: { pending: true } }));
    try {
      const r = await request('admin:testConnection', { connection: { id: c.id, helpdesk: c.helpdesk, baseUrl: c.baseUrl, account: c.account, credentials: c.fields } });
      setTests((t) => ({ ...t, [c.id]: r }));
    } catch (e) {
      setTests((t) => ({ ...t, [c.id]: { ok: false, error: (e as Error).message } }));
    }
  };

  return (
    <Section id="connections" title={t('connections')}>
      <p class="muted">{t('aConnectionLetsBacklinePostInternal')}</p>
      {!unlocked && <LockedHint what={t('addCheckEditOrRemoveConnections')} />}
      <ListEditor
        list={list}
        items={ws.connections}
        keyOf={(c) => c.id}
        nameOf={(c) => `connection ${c.label}`}
        locked={!unlocked}
        rowClass="row wrap"
        empty={<p class="muted">{t('noConnectionsYet')}</p>}
        row={(c) => <ConnectionRow connection={c} test={tests[c.id]} />}
        buttons={(c, _, disabled) => (
          <button type="button" class="small" disabled={disabled} aria-label={t('checkConnectionX', c.label)} onClick={() => void check(c)}>{t('check')}</button>
        )}
        editor={(c) => <ConnectionForm connection={c} onClose={list.close} />}
        confirmRemove={(c, close) => <RemoveConnection connection={c} onClose={close} />}
        add={
          <button type="button" disabled={!unlocked} onClick={() => list.open(null)}>{t('addConnection')}</button>
        }
      />
    </Section>
  );
}

/** A saved connection: its name, helpdesk, address and secrets' hints, and what its last check said. */
function ConnectionRow({ connection: c, test }: { connection: ConnectionView; test?: ConnectionTest | { pending: true } }) {
  return (
    <span class="row-main">
      <strong>{c.label}</strong>
      <span class="muted small">
        {' '}
        · {HELPDESK_NAMES[c.helpdesk]} · {c.baseUrl}
        {c.account && ` · ${t('accountX', c.account)}`}
        {Object.entries(c.secretHints).map(([key, hint]) => ` · ${secretLabel(c.helpdesk, key)} ${hint}`)}
        {c.selfHosted && ` · ${t('selfHosted')}`}
      </span>
      {c.selfHosted && <OriginAccess baseUrl={c.baseUrl} />}
      {test && 'pending' in test && <span class="small muted">{t('checking')}</span>}
      {test && 'ok' in test && test.ok && (
        <span role="status" class="small ok">
          {' '}
          <span aria-hidden="true">✓ </span>
          {test.detail}
        </span>
      )}
      {test && 'ok' in test && !test.ok && (
        <span role="alert" class="small alert-inline">
          {' '}
          <span aria-hidden="true">✗ </span>
          {test.error}
        </span>
      )}
    </span>
  );
}

/** For a self-hosted helpdesk: whether Backline may access its pages, and a way to allow it. */
function OriginAccess({ baseUrl }: { baseUrl: string }) {
  const [granted, setGranted] = useState<boolean | null>(null);
  const [error, setError] = useState('');
  const pattern = permissionPatternFor(baseUrl);
  useEffect(() => {
    if (pattern) browser.permissions.contains({ origins: [pattern] }).then(setGranted, () => setGranted(null));
  }, [pattern]);
  if (!pattern || granted !== false) return null;
  const allow = () => {
    const asked = ensureOriginAccess(baseUrl); // inside the click
    void asked.then((denied) => {
      setError(denied);
      if (!denied) setGranted(true);
    });
  };
  return (
    <span class="small">
      {' '}
      · <span class="alert-inline">{t('backlineMayNotAccessThisHelpdesk')}</span>{' '}
      <button type="button" class="small" onClick={allow}>{t('allowAccess')}</button>
      {error && (
        <span role="alert" class="alert-inline">
          {' '}
          {error}
        </span>
      )}
    </span>
  );
}

/** A secret input with a button that shows what was typed (it is never filled from the saved value). */
function SecretInput(props: { control: FieldControlProps; label: string; value: string; onInput(value: string): void }) {
  const [shown, setShown] = useState(false);
  return (
    <div class="inline">
      <input
        {...props.control}
        type={shown ? 'text' : 'password'}
        autoComplete="off"
        spellcheck={false}
        value={props.value}
        onInput={(e) => props.onInput(e.currentTarget.value)}
      />
      <button type="button" class="small" aria-pressed={shown} aria-label={t('showX', props.label)} onClick={() => setShown(!shown)}>{t('show')}</button>
    </div>
  );
}

/** What the connection form holds: the helpdesk's fields, as typed. */
interface ConnectionFields {
  helpdesk: HelpdeskId;
  baseUrl: string;
  account: string;
  /** The helpdesk's credential fields by key; a secret is never filled from the saved value. */
  credentials: Record<string, string>;
  label: string;
}

/**
 * The connection form's values, its check and its save. Asking the browser for access to a
 * self-hosted helpdesk happens first in Check and Save, inside the click (see ensureOriginAccess).
 */
const ConnectionDraft = createModel((saved: ConnectionView | null, onClose: (message?: string) => void) => {
  const start = saved?.helpdesk ?? 'chatwoot';
  const fields = signal<ConnectionFields>({
    helpdesk: start,
    baseUrl: saved?.baseUrl ?? DESCRIPTORS[start].connection.defaultBaseUrl ?? '',
    account: saved?.account ?? '',
    // Non-secret fields start from what is saved; secrets never come back to a page.
    credentials: { ...(saved?.fields ?? {}) },
    label: saved?.label ?? '',
  });
  /** What the last Check said. */
  const result = signal<ConnectionTest | null>(null);
  const action = new ActionModel(OPTIONS_WRITES);
  const form = computed(() => DESCRIPTORS[fields.value.helpdesk].connection);
  // Saved secrets go only to the address they were given for: a changed Base URL needs them again.
  const baseUrlChanged = computed(
    () => !!saved && (fields.value.baseUrl.trim().replace(/\/+$/, '') !== saved.baseUrl || fields.value.helpdesk !== saved.helpdesk),
  );

  /** The connection as the background takes it. */
  const value = () => {
    const f = fields.value;
    return {
      id: saved?.id,
      helpdesk: f.helpdesk,
      baseUrl: f.baseUrl,
      account: form.value.account.from === 'field' ? f.account : undefined,
      credentials: Object.fromEntries(form.value.credentials.map((c) => [c.key, (f.credentials[c.key] ?? '').trim()]).filter(([, v]) => v)),
      label: f.label || undefined,
    };
  };

  return {
    fields: fields as ReadonlySignal<ConnectionFields>,
    result: result as ReadonlySignal<ConnectionTest | null>,
    form,
    busy: action.busy,
    error: action.error,
    set(change: Partial<Omit<ConnectionFields, 'helpdesk' | 'credentials'>>) {
      fields.value = { ...fields.value, ...change };
    },
    setCredential(key: string, text: string) {
      fields.value = { ...fields.value, credentials: { ...fields.value.credentials, [key]: text } };
    },
    chooseHelpdesk(next: HelpdeskId) {
      const f = fields.value;
      // A prefilled address of the previous helpdesk's API gives way to the new one's.
      const previousDefault = DESCRIPTORS[f.helpdesk].connection.defaultBaseUrl;
      const baseUrl = !f.baseUrl.trim() || f.baseUrl === previousDefault ? (DESCRIPTORS[next].connection.defaultBaseUrl ?? '') : f.baseUrl;
      fields.value = { ...f, helpdesk: next, baseUrl, credentials: {} };
    },
    /** The hint under a secret field of a saved connection: kept, or to be entered again. */
    secretHint(key: string): string | undefined {
      if (!saved || saved.helpdesk !== fields.value.helpdesk) return undefined;
      return baseUrlChanged.value
        ? t('secretReenter')
        : t('secretSaved', saved.secretHints[key] ?? '••••');
    },
    /** Asks the helpdesk whose token this is (nothing is saved). */
    check() {
      result.value = null;
      const access = ensureOriginAccess(fields.value.baseUrl); // first, inside the click
      void action.run(async () => {
        const denied = await access;
        if (denied) throw new Error(denied);
        result.value = await request('admin:testConnection', { connection: value() });
      });
    },
    save() {
      result.value = null;
      const missing = form.value.credentials.find((c) => c.secret && !saved && !(fields.value.credentials[c.key] ?? '').trim());
      if (missing) return action.setError(t('enterX', missing.label));
      const access = ensureOriginAccess(fields.value.baseUrl); // first, inside the submit
      const connection = value();
      // Saving the same form again after a failure is the same action; an edited form is a new one.
      void action.run(`save ${JSON.stringify(connection)}`, async (requestId) => {
        const denied = await access;
        if (denied) throw new Error(denied);
        const r = await request('admin:saveConnection', { requestId, connection });
        const notes = [
          r.missingPermission ? t('mayNotReadYet', new URL(r.connection.baseUrl).origin) : '',
          r.warning,
        ].filter(Boolean);
        onClose([t('savedConnectionX', r.connection.label), ...notes].join(' '));
      });
    },
  };
});

/** The connection form, built from the chosen helpdesk's descriptor (its Base URL, account and credential fields). */
function ConnectionForm(props: { connection: ConnectionView | null; onClose(message?: string): void }) {
  const c = props.connection;
  const draft = useModel(() => new ConnectionDraft(c, props.onClose));
  const { helpdesk, baseUrl, account, credentials, label } = draft.fields.value;
  const form = draft.form.value;
  const result = draft.result.value;
  const busy = draft.busy.value;
  const first = useRef<HTMLSelectElement>(null);
  useEffect(() => first.current?.focus(), []);

  return (
    <EditorForm
      label={c ? t('editConnectionX', c.label) : t('newConnection')}
      save={t('saveConnection')}
      busy={busy}
      error={result && !result.ok ? t('checkFailed', result.error) : draft.error.value}
      onSave={() => draft.save()}
      onCancel={() => props.onClose()}
      buttons={
        <button type="button" disabled={busy} onClick={() => draft.check()}>{t('checkConnection')}</button>
      }
    >
      <div class="grid-2">
        <label class="field">
          <span>{t('helpdesk')}</span>
          <select ref={first} value={helpdesk} onChange={(e) => draft.chooseHelpdesk(e.currentTarget.value as HelpdeskId)}>
            {HELPDESKS.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
              </option>
            ))}
          </select>
        </label>
        <Field label={t('baseUrl')} hint={t('xForASelfHostedHelpdesk', form.baseUrlHint)}>
          {(control) => (
            <input
              {...control}
              type="url"
              inputMode="url"
              placeholder={form.defaultBaseUrl ?? t('baseUrlExample')}
              value={baseUrl}
              onInput={(e) => draft.set({ baseUrl: e.currentTarget.value })}
            />
          )}
        </Field>
        {form.account.from === 'field' && (
          <Field label={form.account.field.label} hint={form.account.field.hint}>
            {(control) => (
              <input
                {...control}
                type="text"
                inputMode={form.account.from === 'field' ? form.account.field.inputMode : undefined}
                autoComplete="off"
                value={account}
                onInput={(e) => draft.set({ account: e.currentTarget.value })}
              />
            )}
          </Field>
        )}
        {form.credentials.map((f) => (
          <Field key={`${helpdesk}-${f.key}`} label={f.label} hint={f.secret ? [draft.secretHint(f.key), f.hint].filter(Boolean).join(' ') : f.hint}>
            {(control) =>
              f.secret ? (
                <SecretInput control={control} label={f.label} value={credentials[f.key] ?? ''} onInput={(v) => draft.setCredential(f.key, v)} />
              ) : (
                <input
                  {...control}
                  type={f.inputMode === 'email' ? 'email' : 'text'}
                  inputMode={f.inputMode}
                  autoComplete="off"
                  value={credentials[f.key] ?? ''}
                  onInput={(e) => draft.setCredential(f.key, e.currentTarget.value)}
                />
              )
            }
          </Field>
        ))}
        <label class="field">
          <span>{t('connectionNameOptional')}</span>
          <input type="text" value={label} maxLength={LIMITS.connectionLabel} onInput={(e) => draft.set({ label: e.currentTarget.value })} />
        </label>
      </div>
      {result?.ok && (
        <p role="status" class="ok">
          <span aria-hidden="true">✓ </span>
          {result.detail}
        </p>
      )}
    </EditorForm>
  );
}

function RemoveConnection({ connection, onClose }: { connection: ConnectionView; onClose(): void }) {
  return (
    <RemoveDialog
      title={t('removeX', connection.label)}
      confirmLabel={t('removeConnection')}
      onClose={onClose}
      remove={async (requestId) => {
        await request('admin:removeConnection', { requestId, connectionId: connection.id });
        return t('removedConnectionX', connection.label);
      }}
    >
      <p>{connection.selfHosted ? t('removeConnectionSelfHosted') : t('removeConnectionExplained')}</p>
    </RemoveDialog>
  );
}
