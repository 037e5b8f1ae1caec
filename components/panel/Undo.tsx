/**
 * Undo of the agent's last state change or cross-post on this ticket: a button **Undo** shown for
 * UNDO_WINDOW_MS after the change was saved (also Ctrl/Cmd+Z in the panel outside text fields).
 * The store decides whether it may still be undone; the panel only stops offering it.
 */
import { useEffect, useRef } from 'preact/hooks';
import { useAction } from '@/components/common/action';
import { request } from '@/lib/client';
import { UNDO_WINDOW_MS } from '@/lib/model/activity';
import { usePanel } from './context';
import { t } from '@/components/common/i18n';
import { isTypingTarget, PANEL_WRITES } from './ui';

/** A change that can be undone: which one, and when it was saved (the store's clock). */
export interface UndoOffer {
  ticketId: string;
  target: { activityId: string } | { stateVersion: number };
  at: number;
  /** What the announcement says was undone. */
  what: string;
}

export function UndoButton({ offer, onEnd }: { offer: UndoOffer | null; onEnd(): void }) {
  const panel = usePanel();
  const action = useAction(PANEL_WRITES);
  const button = useRef<HTMLButtonElement>(null);

  const undo = () => {
    if (!offer) return;
    // The same offer undone again (after a failure) reuses its request id: applied once.
    void action
      .run(`undo ${offer.ticketId} ${JSON.stringify(offer.target)}`, async (requestId) => {
        await request('ui:undo', { requestId, ticketId: offer.ticketId, target: offer.target });
        panel.announce(t('undoneX', offer.what));
        onEnd();
      })
      .catch((e: Error) => {
        panel.showError(e.message);
        onEnd();
      });
  };

  useEffect(() => {
    if (!offer) return;
    const left = offer.at + UNDO_WINDOW_MS - Date.now();
    const timer = setTimeout(onEnd, Math.max(0, left));
    const onKey = (e: KeyboardEvent) => {
      if (e.key.toLowerCase() !== 'z' || !(e.ctrlKey || e.metaKey) || e.shiftKey || e.altKey || e.defaultPrevented) return;
      // In a text field, Ctrl/Cmd+Z undoes typing, as everywhere.
      if (isTypingTarget(e.target)) return;
      e.preventDefault();
      undo();
    };
    addEventListener('keydown', onKey);
    return () => {
      clearTimeout(timer);
      removeEventListener('keydown', onKey);
    };
  }, [offer]);

  if (!offer) return null;
  return (
    <button type="button" ref={button} class="undo" disabled={action.busy} onClick={undo}>
      {t('undo')}
    </button>
  );
}
