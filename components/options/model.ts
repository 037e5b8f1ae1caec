/**
 * The options page's state: one model (createModel) made at start-up and provided through context.
 * It keeps the admin status and the workspace lists fresh: every change event from the
 * background (another options tab, a panel, an enterprise policy update) re-reads them.
 */
import { computed, createModel, signal, type ReadonlySignal, type Signal } from '@preact/signals';
import { createAnnouncement } from '@/components/common/announcement';
import { throttledRun } from '@/lib/model/throttle';
import { onBackgroundEvent, request } from '@/lib/client';
import { touchesMoreThanTickets } from '@/lib/model/changes';
import type { AdminStatus, Workspace } from '@/lib/protocol-admin';
import type { WorkspaceStatus } from '@/lib/model/workspace-docs';

export const OptionsModel = createModel(() => {
  const status = signal<AdminStatus | null>(null);
  const workspace = signal<Workspace | null>(null);
  const membership = signal<(WorkspaceStatus & { localTickets: number }) | null>(null);
  const loadError = signal('');
  const announcement = createAnnouncement();
  /** How far the running import has come (records written of how many), as the background tells it. */
  const importProgress = signal<{ done: number; total: number } | null>(null);

  /** Reads what the page shows into `target`; a failure is shown until a read succeeds. */
  async function load<T>(target: Signal<T>, read: () => Promise<T>) {
    try {
      target.value = await read();
      loadError.value = '';
    } catch (e) {
      loadError.value = (e as Error).message;
    }
  }
  const refreshStatus = () => load(status, () => request('opt:adminStatus', {}));
  const refreshWorkspace = () => load(workspace, () => request('opt:workspace', {}));
  const refreshMembership = () => load(membership, () => request('opt:workspaceStatus', {}));

  // Change events come in bursts (an import touches everything, an outbox run sends an event
  // every few dozen milliseconds): each part is re-read once per burst, at most once a second.
  const statusAndLists = throttledRun(() => Promise.all([refreshStatus(), refreshWorkspace()]));
  const membershipRead = throttledRun(refreshMembership);
  const refreshSoon = () => {
    statusAndLists.soon();
    membershipRead.soon();
  };

  async function start(abort: AbortSignal) {
    abort.addEventListener('abort', () => {
      statusAndLists.cancel();
      membershipRead.cancel();
    });
    onBackgroundEvent(
      (event) => {
        if (event.type === 'bg:changed') {
          // Tickets alone change only the count of this browser's tickets (in the membership).
          if (touchesMoreThanTickets(event.changes)) statusAndLists.soon();
          membershipRead.soon();
        }
        if (event.type === 'bg:progress' && event.task === 'import') importProgress.value = { done: event.done, total: event.total };
      },
      abort,
      // The worker stopped and events may have been lost meanwhile.
      { onReconnect: refreshSoon },
    );
    await Promise.all([refreshStatus(), refreshWorkspace(), refreshMembership()]);
  }

  return {
    status: status as ReadonlySignal<AdminStatus | null>,
    workspace: workspace as ReadonlySignal<Workspace | null>,
    /** Admin settings unlocked on this browser: admin-only controls are enabled. */
    unlocked: computed(() => status.value?.unlocked === true),
    /** This browser's team workspace (null until read). */
    membership: membership as ReadonlySignal<(WorkspaceStatus & { localTickets: number }) | null>,
    /**
     * What the team shares (ticket types, teammates, settings) can be edited here: admin
     * settings unlocked, and not a mere member of a team workspace (its admins decide those).
     */
    sharedEditable: computed(() => status.value?.unlocked === true && membership.value?.role !== 'member'),
    refreshMembership,
    loadError: loadError as ReadonlySignal<string>,
    importProgress: importProgress as ReadonlySignal<{ done: number; total: number } | null>,
    /** An import starts (or ended): no progress told yet. */
    resetImportProgress() {
      importProgress.value = null;
    },
    announcement: announcement.text,
    start,
    refreshStatus,
    refreshWorkspace,
    setStatus(next: AdminStatus) {
      status.value = next;
    },
    /** Says something politely to screen readers (and shows it in the status line). */
    announce: announcement.announce,
  };
});

export type OptionsModel = InstanceType<typeof OptionsModel>;
