/**
 * Clickjacking guard for the panel docked in a helpdesk page: a page that hides the panel
 * (opacity, filters) or draws something over it could make the agent click Backline without
 * seeing it. Every write the panel sends runs with PANEL_WRITES (./ui.tsx), whose guard is
 * `dockAllowsAction`; while the panel is not visibly on top, the write is refused and
 * the agent is told why.
 *
 * What the panel knows:
 * - Chromium: IntersectionObserver v2 (`trackVisibility`) on the panel's own root. The browser
 *   computes `isVisible` across frames: it is false when the panel or any ancestor, the page's
 *   elements included, has opacity below 1, a filter or a transform other than a move, or when
 *   anything at all (even with `pointer-events: none`) is drawn over the panel.
 * - Browsers without it (Firefox): the content script's own check (top-layer elements over the
 *   dock, what `elementFromPoint` finds there), asked through the background (`ui:checkDock`)
 *   at the moment of the write.
 * - Neither answers: unknown, and unknown is not refused (only a check that says so refuses).
 * A panel in a normal tab or the browser's side panel is not in a page: nothing to check.
 */
import { request } from '@/lib/client';
import { refusalFor, type VisibilityFacts } from './page-guards';

/** How long an action waits for the browser's reading of the panel's visibility at that moment. */
const READING_TIMEOUT_MS = 1000;

interface IOv2Entry extends IntersectionObserverEntry {
  isVisible: boolean;
}

const supportsIOv2 = () => typeof IntersectionObserverEntry !== 'undefined' && 'isVisible' in IntersectionObserverEntry.prototype;

/**
 * What the agent can click in the panel: its topmost modal dialog while one is open (the rest
 * is inert then), else the whole panel. The panel's own top layer (a modal dialog and its
 * backdrop) counts as drawn over the root, so the root alone would read as covered then.
 */
function clickSurface(): Element {
  const modals = document.querySelectorAll('dialog:modal');
  return modals[modals.length - 1] ?? document.documentElement;
}

/**
 * Observes the root and any open modal dialog; each batch of readings is judged for the click
 * surface as it is when the batch arrives (a dialog may have closed since it was observed).
 */
function observeVisibility(callback: (visible: boolean, at: number) => void): IntersectionObserver {
  const io = new IntersectionObserver(
    (entries) => {
      const surface = clickSurface();
      const e = entries.find((x) => x.target === surface);
      if (e) callback((e as IOv2Entry).isVisible, e.time);
    },
    // delay: the browser computes visibility at most every 100 ms (its minimum for trackVisibility).
    { trackVisibility: true, delay: 100 } as IntersectionObserverInit,
  );
  io.observe(document.documentElement);
  for (const dialog of document.querySelectorAll('dialog:modal')) io.observe(dialog);
  return io;
}

interface Guard {
  facts: VisibilityFacts;
  ioSupported: boolean;
  show(message: string): void;
}
let guard: Guard | null = null;

function record(g: Guard, visible: boolean, at: number) {
  if (visible && g.facts.visibleNow === false) g.facts.shownAt = at;
  g.facts.visibleNow = visible;
}

/**
 * Starts watching whether the docked panel is visibly on top of its page (call once, in a
 * panel that is framed by a page). `show` tells the agent why an action was refused.
 */
export function watchDockVisibility(options: { show(message: string): void; signal: AbortSignal }): void {
  const g: Guard = {
    facts: { visibleNow: null, shownAt: null, contentCovered: null, now: 0 },
    ioSupported: supportsIOv2(),
    show: options.show,
  };
  guard = g;
  if (g.ioSupported) {
    const io = observeVisibility((visible, at) => record(g, visible, at));
    options.signal.addEventListener('abort', () => io.disconnect(), { once: true });
  }
}

/** The browser's visibility reading for the panel as it is now, or null if none came in time. */
function freshReading(): Promise<boolean | null> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      io.disconnect();
      resolve(null);
    }, READING_TIMEOUT_MS);
    const io = observeVisibility((visible) => {
      clearTimeout(timer);
      io.disconnect();
      resolve(visible);
    });
  });
}

/**
 * Resolves true when a write may go ahead: the panel is not docked in a page, or it is
 * visibly on top and has been for a moment. Otherwise tells the agent why and resolves false.
 */
export async function dockAllowsAction(): Promise<boolean> {
  const g = guard;
  if (!g) return true;
  // The long-lived observer reports changes up to 100 ms late; a reading taken now narrows the
  // time in which a page that covers the panel just before a click goes unnoticed (the browser
  // still needs a frame or so to see the page's change in the panel's frame).
  if (g.ioSupported) {
    const now = await freshReading();
    if (now !== null) record(g, now, performance.now());
  } else {
    g.facts.contentCovered = (await request('ui:checkDock', {}).catch(() => null))?.covered ?? null;
  }
  const why = refusalFor({ ...g.facts, now: performance.now() });
  if (why) g.show(why);
  return why === null;
}
