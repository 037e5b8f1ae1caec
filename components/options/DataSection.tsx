import { useEffect, useRef, useState } from 'preact/hooks';
import { compactExportParts, exportFileName, type ImportSummary } from '@/lib/model/admin';
import { request } from '@/lib/client';
import { useOptions } from './context';
import { useAction } from '@/components/common/action';
import { Alert, ConfirmDialog, LockedHint, Section, OPTIONS_WRITES } from './ui';
import { Emphasis } from '@/components/common/Emphasis';
import { formatDateTime, formatNumber, t, tn } from '@/components/common/i18n';

function formatBytes(n: number): string {
  if (n < 1024) return t('nBytes', n);
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${formatNumber(v, { maximumFractionDigits: 1 })} ${units[i]}`;
}

function describeSummary(s: ImportSummary): string {
  return t('importSummary', tn('nTickets', s.tickets), tn('nNotes', s.notes), tn('nLinks', s.links), tn('nTicketTypes', s.ticketTypes), tn('nTeammates', s.teammates));
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
        {known ? t('progressXOfY', formatNumber(progress.done), tn('nRecords', progress.total)) : t('readingTheData')}
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
  const [pending, setPending] = useState<{ url: string; name: string; summary: ImportSummary } | null>(null);
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
    model.announce(t('exportedXToY', tn('nTickets', file.data.tickets.length), a.download));
  }

  // The chosen file's URL, by which the background reads it: let go when the file is imported,
  // cancelled or replaced, or the page goes.
  const fileUrl = useRef<string | null>(null);
  const revoke = () => {
    if (fileUrl.current) URL.revokeObjectURL(fileUrl.current);
    fileUrl.current = null;
  };
  const letGo = () => {
    revoke();
    setPending(null);
  };
  useEffect(() => revoke, []);

  const chooseFile = (input: HTMLInputElement) => {
    const file = input.files?.[0];
    if (!file) return;
    letGo();
    void importer.run(async () => {
      // The background reads the file by a URL of this page (sending its text through
      // messaging costs seconds for a large file), checks it and keeps what it found for the
      // import: a bad file is refused here, before anything is asked or changed.
      const url = (fileUrl.current = URL.createObjectURL(file));
      try {
        const summary = await request('admin:checkImport', { file: url });
        setPending({ url, name: file.name, summary });
      } catch (e) {
        revoke();
        throw e;
      } finally {
        input.value = '';
      }
    });
  };

  const importNow = () => {
    if (!pending) return;
    // Importing the same file again after a failure is the same action.
    void importer.run(`import ${pending.url}`, async (requestId) => {
      model.resetImportProgress();
      const summary = await request('admin:import', { requestId, file: pending.url }).finally(() => model.resetImportProgress());
      letGo();
      model.announce(t('importedXFromY', describeSummary(summary), pending.name));
    });
  };

  const wipeNow = () =>
    void wiper.run('wipe', async (requestId) => {
      await request('admin:wipe', { requestId });
      setConfirmWipe(false);
      model.announce(t('wipedAnnounce'));
    });

  const persist = async () => {
    setPersistError('');
    try {
      const granted = await navigator.storage.persist();
      if (!granted) setPersistError(t('persistDeclined'));
    } catch (e) {
      setPersistError(t('persistAskFailed', (e as Error).message));
    }
    await readStorage();
  };

  return (
    <Section id="data" title={t('data')}>
      {model.membership.value?.joined && (
        <p class="hint">
          <Emphasis text={t('dataInWorkspace')} />
        </p>
      )}
      <h3>{t('storage')}</h3>
      <p>
        {storage.usage === null
          ? t('storageUsageUnknown')
          : storage.quota
            ? t('storageUsageOfQuota', formatBytes(storage.usage), formatBytes(storage.quota))
            : t('storageUsage', formatBytes(storage.usage))}
      </p>
      <p>
        {storage.persisted === null
          ? t('persistenceUnknown')
          : storage.persisted
            ? t('persistenceKept')
            : t('persistenceMayClear')}
      </p>
      {storage.persisted === false && (
        <div class="actions">
          <button type="button" onClick={() => void persist()}>{t('askTheBrowserToKeepBackline')}</button>
        </div>
      )}
      <Alert message={persistError} />

      <h3>{t('export')}</h3>
      <p class="muted">{t('oneJsonFileWithEveryTicket')}</p>
      <div class="actions">
        <button type="button" disabled={exporter.busy} onClick={exportNow}>{t('exportData')}</button>
      </div>
      {exportProgress && <Progress label={t('exportProgress')} progress={exportProgress} />}
      <Alert message={exporter.error} />

      <h3>{t('import')}</h3>
      <p class="muted">{t('replacesAllOfBacklineSData')}</p>
      {!unlocked && <LockedHint what={t('importOrDeleteData')} />}
      <label class="field narrow">
        <span>{t('importDataFromAFile')}</span>
        <input ref={fileInput} type="file" accept="application/json,.json" disabled={!unlocked || importer.busy} onChange={(e) => chooseFile(e.currentTarget)} />
      </label>
      <Alert message={importer.error} />

      <h3>{t('delete')}</h3>
      <p class="muted">{t('deletesEveryTicketNoteLinkConversation')}</p>
      <div class="actions">
        <button type="button" class="danger" disabled={!unlocked} onClick={() => setConfirmWipe(true)}>{t('deleteAllData')}</button>
      </div>

      {pending && (
        <ConfirmDialog
          title={t('replaceAllDataWithThisFile')}
          confirmLabel={t('replaceAllData')}
          busy={importer.busy}
          error={importer.error}
          onCancel={letGo}
          onConfirm={importNow}
        >
          <p>
            <strong>{pending.name}</strong>
            {t('importFileSummary', formatDateTime(new Date(pending.summary.exportedAt)), describeSummary(pending.summary))}
          </p>
          <p>{t('everythingBacklineHoldsOnThisBrowser')}</p>
          {importer.busy && <Progress label={t('importProgress')} progress={model.importProgress.value ?? { done: 0, total: 0 }} />}
          {pending.summary.heldEffects > 0 && (
            <p>
              {tn('heldEffectsNotSent', pending.summary.heldEffects)}</p>
          )}
        </ConfirmDialog>
      )}
      {confirmWipe && (
        <ConfirmDialog
          title={t('deleteAllData2')}
          confirmLabel={t('deleteEverything')}
          danger
          busy={wiper.busy}
          error={wiper.error}
          onCancel={() => setConfirmWipe(false)}
          onConfirm={wipeNow}
        >
          <p>{t('everyTicketNoteLinkConversationTeammate')}</p>
        </ConfirmDialog>
      )}
    </Section>
  );
}
