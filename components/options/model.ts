/**
 * The options page's state: one model (createModel) made at start-up and provided through context.
 * It keeps the admin status and the workspace lists fresh: every change event from the
 * background (another options tab, a panel, an enterprise policy update) re-reads them.
 */
import { computed, createModel, signal, type ReadonlySignal, type Signal } from '@preact/signals';
import { createAnnouncement } from '@/components/common/announcement';
import { onBackgroundEvent, request } from '@/lib/client';
import type { AdminStatus, Workspace } from '@/lib/protocol-admin';
import type { WorkspaceStatus } from '@/lib/model/workspace-docs';

export const OptionsModel = createModel(() => {
  const status = signal<AdminStatus | null>(null);
  const workspace = signal<Workspace | null>(null);
  const membership = signal<(WorkspaceStatus & { localTickets: number }) | null>(null);
  const loadError = signal('');
  const announcement = createAnnouncement();

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

  let pending: ReturnType<typeof setTimeout> | undefined;
  /** Change events come in bursts (an import touches everything): re-read once per burst. */
  function refreshSoon() {
    clearTimeout(pending);
    pending = setTimeout(() => void Promise.all([refreshStatus(), refreshWorkspace(), refreshMembership()]), 60);
  }

  async function start(abort: AbortSignal) {
    onBackgroundEvent(
      (event) => {
        if (event.type === 'bg:changed') refreshSoon();
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
