import { useEffect, useRef, useState } from 'preact/hooks';
import { compactExportParts, exportFileName, type ImportSummary } from '@/lib/model/admin';
import { request } from '@/lib/client';
import { useOptions } from './context';
import { useAction } from '@/components/common/action';
import { Alert, ConfirmDialog, LockedHint, plural, Section, OPTIONS_WRITES } from './ui';

function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toLocaleString('en', { maximumFractionDigits: 1 })} ${units[i]}`;
}

function describeSummary(s: ImportSummary): string {
  return `${plural(s.tickets, 'ticket')}, ${plural(s.notes, 'note')}, ${plural(s.links, 'link')}, ${plural(s.ticketTypes, 'ticket type')} and ${plural(s.teammates, 'teammate')}`;
}

/**
 * A progress bar with what it counts in words ("12,000 of 60,000 records"); without a total yet
 * (the data is still being read) it shows that work is going on, with no value.
 */
function Progress({ label, progress }: { label: string; progress: { done: number; total: number } }) {
  const known = progress.total > 0;
  return (
    <p class="progress">
      <progress aria-label={label} max={known ? progress.total : undefined} value={known ? progress.done : undefined} />{' '}
      <span class="muted small">
        {known ? `${progress.done.toLocaleString('en')} of ${plural(progress.total, 'record')}` : 'Reading the data…'}
      </span>
    </p>
  );
}

interface StorageInfo {
  usage: number | null;
  quota: number | null;
  persisted: boolean | null;
}

/** Export, import, delete, and how much is stored and whether the browser will keep it. */
export function DataSection() {
  const model = useOptions();
  const unlocked = model.unlocked.value;
  const exporter = useAction(OPTIONS_WRITES);
  const importer = useAction(OPTIONS_WRITES);
  const wiper = useAction(OPTIONS_WRITES);
  const [pending, setPending] = useState<{ text: string; name: string; summary: ImportSummary } | null>(null);
  const [confirmWipe, setConfirmWipe] = useState(false);
  const [storage, setStorage] = useState<StorageInfo>({ usage: null, quota: null, persisted: null });
  const [persistError, setPersistError] = useState('');
  const fileInput = useRef<HTMLInputElement>(null);

  async function readStorage() {
    const [estimate, persisted] = await Promise.all([
      navigator.storage?.estimate?.().catch(() => null),
      navigator.storage?.persisted?.().catch(() => null),
    ]);
    setStorage({ usage: estimate?.usage ?? null, quota: estimate?.quota ?? null, persisted: persisted ?? null });
  }
  useEffect(() => void readStorage(), [model.workspace.value]);

  const [exportProgress, setExportProgress] = useState<{ done: number; total: number } | null>(null);

  const exportNow = () =>
    void exporter.run(async () => {
      setExportProgress({ done: 0, total: 0 });
      try {
        await exportFile();
      } finally {
        setExportProgress(null);
      }
    });

  /** Reads the export, writes it as compact JSON a chunk at a time (with progress), and downloads it. */
  async function exportFile() {
    const file = await request('opt:export', {});
    const parts = await compactExportParts(file, (done, total) => setExportProgress({ done, total }));
    const blob = new Blob(parts, { type: 'application/json' });
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = exportFileName();
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    model.announce(`Exported ${plural(file.data.tickets.length, 'ticket')} to ${a.download}.`);
  }

  const chooseFile = (input: HTMLInputElement) => {
    const file = input.files?.[0];
    if (!file) return;
    setPending(null);
    void importer.run(async () => {
      try {
        const text = await file.text();
        // Checked first by the background: a bad file is refused here, before anything is asked or changed.
        const summary = await request('admin:checkImport', { text });
        setPending({ text, name: file.name, summary });
      } finally {
        input.value = '';
      }
    });
  };

  const importNow = () => {
    if (!pending) return;
    // Importing the same file again after a failure is the same action.
    void importer.run(`import ${pending.text}`, async (requestId) => {
      model.resetImportProgress();
      const summary = await request('admin:import', { requestId, text: pending.text }).finally(() => model.resetImportProgress());
      setPending(null);
      model.announce(`Imported ${describeSummary(summary)} from ${pending.name}.`);
    });
  };

  const wipeNow = () =>
    void wiper.run('wipe', async (requestId) => {
      await request('admin:wipe', { requestId });
      setConfirmWipe(false);
      model.announce('Deleted all tickets, notes, links, teammates and settings. The default ticket types are back.');
    });

  const persist = async () => {
    setPersistError('');
    try {
      const granted = await navigator.storage.persist();
      if (!granted) setPersistError('The browser declined to keep Backline’s data persistently. It usually agrees once Backline is used often or installed by policy.');
    } catch (e) {
      setPersistError(`The browser could not be asked: ${(e as Error).message}`);
    }
    await readStorage();
  };

  return (
    <Section id="data" title="Data">
      {model.membership.value?.joined && (
        <p class="hint">
          This browser is in a team workspace. <strong>Export</strong> writes this browser’s copy of the workspace’s tickets, types, teammates and
          settings (the server keeps the team’s). <strong>Import</strong> and <strong>Delete all data</strong> would replace or remove the team’s
          records, so they are refused until you leave the workspace; leaving keeps every ticket on this browser.
        </p>
      )}
      <h3>Storage</h3>
      <p>
        {storage.usage === null
          ? 'The browser does not say how much Backline stores.'
          : `Backline stores ${formatBytes(storage.usage)} on this browser${storage.quota ? ` (the browser allows up to ${formatBytes(storage.quota)})` : ''}.`}
      </p>
      <p>
        {storage.persisted === null
          ? 'The browser does not say whether it keeps Backline’s data when space runs low.'
          : storage.persisted
            ? 'The browser keeps Backline’s data even when disk space runs low.'
            : 'The browser may clear Backline’s data when disk space runs low.'}
      </p>
      {storage.persisted === false && (
        <div class="actions">
          <button type="button" onClick={() => void persist()}>
            Ask the browser to keep Backline’s data
          </button>
        </div>
      )}
      <Alert message={persistError} />

      <h3>Export</h3>
      <p class="muted">
        One JSON file with every ticket, note, link, conversation, ticket type, teammate and setting. Connection tokens and the admin passphrase
        are never in it. Anyone using this browser may export.
      </p>
      <div class="actions">
        <button type="button" disabled={exporter.busy} onClick={exportNow}>
          Export data
        </button>
      </div>
      {exportProgress && <Progress label="Export progress" progress={exportProgress} />}
      <Alert message={exporter.error} />

      <h3>Import</h3>
      <p class="muted">
        Replaces all of Backline’s data on this browser with a file exported before, in one step: all of it or nothing. Connections and the admin
        passphrase stay as they are. The file is checked first; a file with a problem changes nothing.
      </p>
      {!unlocked && <LockedHint what="import or delete data" />}
      <label class="field narrow">
        <span>Import data from a file</span>
        <input ref={fileInput} type="file" accept="application/json,.json" disabled={!unlocked || importer.busy} onChange={(e) => chooseFile(e.currentTarget)} />
      </label>
      <Alert message={importer.error} />

      <h3>Delete</h3>
      <p class="muted">Deletes every ticket, note, link, conversation, teammate and setting on this browser, and restores the default ticket types.</p>
      <div class="actions">
        <button type="button" class="danger" disabled={!unlocked} onClick={() => setConfirmWipe(true)}>
          Delete all data
        </button>
      </div>

      {pending && (
        <ConfirmDialog
          title="Replace all data with this file?"
          confirmLabel="Replace all data"
          busy={importer.busy}
          error={importer.error}
          onCancel={() => setPending(null)}
          onConfirm={importNow}
        >
          <p>
            <strong>{pending.name}</strong>, exported {new Date(pending.summary.exportedAt).toLocaleString()}, holds {describeSummary(pending.summary)}.
          </p>
          <p>Everything Backline holds on this browser now is replaced by it. Export first if you may need the current data.</p>
          {importer.busy && <Progress label="Import progress" progress={model.importProgress.value ?? { done: 0, total: 0 }} />}
          {pending.summary.heldEffects > 0 && (
            <p>
              {plural(pending.summary.heldEffects, 'note or reopen', 'notes or reopens')} in it had not been sent to the helpdesk yet. They are not
              sent again by themselves (they may have been sent since); each can be retried from its ticket.
            </p>
          )}
        </ConfirmDialog>
      )}
      {confirmWipe && (
        <ConfirmDialog
          title="Delete all data?"
          confirmLabel="Delete everything"
          danger
          busy={wiper.busy}
          error={wiper.error}
          onCancel={() => setConfirmWipe(false)}
          onConfirm={wipeNow}
        >
          <p>
            Every ticket, note, link, conversation, teammate and setting on this browser is deleted. This cannot be undone; export first if you may
            need them. Connections and the admin passphrase stay.
          </p>
        </ConfirmDialog>
      )}
    </Section>
  );
}
