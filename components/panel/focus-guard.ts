/**
 * Focus theft: a page that moves the keyboard focus out of the docked panel to an element of
 * its own receives the keys the agent meant for Backline. The panel cannot stop that (the page
 * owns its window), but it can notice and say so. The content script sees focus leave the dock
 * for a page element with no click in the page just before (`bg:focusTaken`, relayed by the
 * background); the panel alone knows whether the agent was in a text field.
 */
import { onBackgroundEvent } from '@/lib/client';
import { focusTakenMessage } from './page-guards';

/** Leaving the panel with Tab is the agent's own doing, not the page's. */
const TAB_GRACE_MS = 2000;

const NOT_TEXT = new Set(['button', 'checkbox', 'color', 'file', 'image', 'radio', 'range', 'reset', 'submit']);

/** A field that takes typed text: textarea, text-like input, or rich-text editor. */
function isTextField(el: Element | null): el is HTMLElement {
  if (!(el instanceof HTMLElement)) return false;
  if (el.isContentEditable || el instanceof HTMLTextAreaElement) return true;
  return el instanceof HTMLInputElement && !NOT_TEXT.has(el.type);
}

function fieldName(el: HTMLElement): string {
  const label = el.getAttribute('aria-label') ?? (el as HTMLInputElement).labels?.[0]?.textContent ?? '';
  return label.trim();
}

/**
 * Shows an alert when the page takes the focus from a text field in the docked panel. Call
 * once, in a panel framed by a page.
 */
export function watchFocusTheft(options: { tabId(): number | null; show(message: string): void; signal: AbortSignal }): void {
  let tabAt = -Infinity;
  let fieldAtBlur: HTMLElement | null = null;
  addEventListener('keydown', (e) => e.key === 'Tab' && (tabAt = performance.now()), { capture: true, signal: options.signal });
  // The field the agent was in when focus left the panel. The browser blurs the focused element
  // and then the window in one task when focus leaves the frame, so a text field that lost focus
  // to nowhere (no related target) in the same task as the window's blur is the one the agent was
  // typing in. A click on a bare spot of the panel also blurs a field to nowhere, but the window
  // keeps the focus: that is the agent's doing. (Timing this against the click instead raced the
  // browser, which may run the blur before a timer set at the pointerdown.)
  let blurredField: HTMLElement | null = null;
  addEventListener(
    'focusout',
    (e) => {
      if (e.relatedTarget || !isTextField(e.target as Element)) return;
      blurredField = e.target as HTMLElement;
      setTimeout(() => (blurredField = null), 0);
    },
    { capture: true, signal: options.signal },
  );
  addEventListener(
    'blur',
    (e) => {
      if (e.target === window) fieldAtBlur = blurredField;
    },
    { capture: true, signal: options.signal },
  );
  addEventListener('focusin', () => (fieldAtBlur = null), { capture: true, signal: options.signal });
  onBackgroundEvent((event) => {
    if (event.type !== 'bg:focusTaken' || event.tabId !== options.tabId()) return;
    // The report may overtake the panel's own focusout: then the field still has focus here.
    const active = document.activeElement;
    const field = fieldAtBlur ?? (isTextField(active) ? active : null);
    if (!field || performance.now() - tabAt < TAB_GRACE_MS) return;
    options.show(focusTakenMessage(fieldName(field)));
  }, options.signal);
}
