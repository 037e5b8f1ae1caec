/**
 * The content script: small on purpose. It recognises a helpdesk conversation from the URL,
 * follows in-app navigation, reports the page context to the background and docks the panel
 * (an extension-page iframe) inside a closed shadow root. It never holds ticket data and
 * never sees what the agent types.
 */
import { browser } from 'wxt/browser';
import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import { HOST_MATCH_PATTERNS, parseHelpdeskUrl } from '@/lib/helpdesks';
import { HELPDESK_IDS, type CustomHost, type HelpdeskId, type PageContext } from '@/lib/model/helpdesk';
import { parseContentScriptMessage } from '@/lib/protocol-events';

const MIN_WIDTH = 320;
const MAX_WIDTH = 720;
const DEFAULT_WIDTH = 400;

interface Layout {
  width: number;
  collapsed: boolean;
  /** Cover the page instead of narrowing it (a per-helpdesk choice for layouts narrowing breaks). */
  overlay: boolean;
}

export default defineContentScript({
  matches: [...HOST_MATCH_PATTERNS],
  runAt: 'document_idle',
  async main(ctx) {
    // One read for everything the first frame needs: the self-hosted origins and every helpdesk's
    // saved dock layout (each storage read is a round trip the dock would otherwise wait for).
    const stored = await browser.storage.local.get(['customHosts', ...HELPDESK_IDS.map(layoutKeyOf)]);
    const customHosts = (stored.customHosts as CustomHost[] | undefined) ?? [];
    let current = parseHelpdeskUrl(location.href, customHosts);
    let dock: Dock | null = null;
    // panel.html is web-accessible only on the built-in hosts (manifest web_accessible_resources).
    // On a self-hosted origin added at runtime the page context is still reported, and the
    // browser's side panel (toolbar button) shows the conversation instead of an in-page frame.
    const embeddable = HOST_MATCH_PATTERNS.some((p) => matchesPattern(p, location.href));

    const report = async (context: PageContext | null) => {
      const details = context ? { title: document.title.slice(0, 500) } : undefined;
      await browser.runtime.sendMessage({ type: 'cs:pageContext', payload: { context, details } }).catch(() => {});
    };

    const onLocation = async () => {
      // A page that removed the dock gets it back here (in-app navigation and the 1 s poll).
      dock?.ensureAttached();
      const next = parseHelpdeskUrl(location.href, customHosts);
      if (sameContext(next, current)) return;
      current = next;
      const reported = report(current);
      if (current && !dock && embeddable) dock = await mountDock(ctx, current.helpdesk);
      await reported;
      dock?.setVisible(current !== null);
    };

    // Single-page helpdesks change the URL without a reload. The Navigation API sees
    // pushState from the page; popstate/hashchange and a slow poll cover older engines.
    const nav = (globalThis as { navigation?: EventTarget }).navigation;
    if (nav) ctx.addEventListener(nav, 'currententrychange' as never, () => void onLocation());
    ctx.addEventListener(window, 'popstate', () => void onLocation());
    ctx.addEventListener(window, 'hashchange', () => void onLocation());
    ctx.setInterval(() => void onLocation(), 1000);

    ctx.onInvalidated(() => {
      // The extension was updated or reloaded: this script is an orphan; leave no UI behind.
      dock?.remove();
      dock = null;
    });

    // The background speaks to this script with tabs.sendMessage: our extension, and no tab
    // (an extension page in a tab could message this tab too, and is not the background).
    browser.runtime.onMessage.addListener((message: unknown, sender, sendResponse) => {
      if (ctx.isInvalid || sender.id !== browser.runtime.id || sender.tab) return;
      const known = parseContentScriptMessage(message);
      if (known === 'bg:togglePanel') dock?.toggle();
      // The panel, in a browser without IntersectionObserver v2, asks before it writes.
      else if (known === 'bg:checkDock') sendResponse({ covered: dock?.covered() ?? false });
      else console.warn('Backline’s content script ignored a message it does not know.');
    });

    // The dock is mounted while the context is reported (the background makes the panel's first
    // question wait for the report, so the panel never shows a conversation-less state first).
    const reported = report(current);
    if (current && embeddable) dock = dockPanel(ctx, current.helpdesk, stored[layoutKeyOf(current.helpdesk)] as Partial<Layout> | undefined);
    await reported;
  },
});

function sameContext(a: PageContext | null, b: PageContext | null): boolean {
  if (!a || !b) return a === b;
  return a.helpdesk === b.helpdesk && a.origin === b.origin && a.account === b.account && a.conversationId === b.conversationId;
}

interface Dock {
  toggle(): void;
  setVisible(visible: boolean): void;
  /** Puts the dock back if the page removed or moved it. */
  ensureAttached(): void;
  /** Whether the page covers or hides the panel, as far as this script can tell. */
  covered(): boolean;
  remove(): void;
}

/** Elements the page can draw above everything else: the top layer. */
const TOP_LAYER = ':popover-open,:modal,:fullscreen';

const layoutKeyOf = (helpdesk: HelpdeskId) => `panelLayout:${helpdesk}`;

/** Reads the helpdesk's saved layout, then docks the panel. */
async function mountDock(ctx: ContentScriptContext, helpdesk: HelpdeskId): Promise<Dock | null> {
  const key = layoutKeyOf(helpdesk);
  const saved = (await browser.storage.local.get(key))[key] as Partial<Layout> | undefined;
  return dockPanel(ctx, helpdesk, saved);
}

/** Docks the panel with the layout saved for its helpdesk. */
function dockPanel(ctx: ContentScriptContext, helpdesk: HelpdeskId, saved: Partial<Layout> | undefined): Dock | null {
  if (ctx.isInvalid) return null;
  const layoutKey = layoutKeyOf(helpdesk);
  const layout: Layout = {
    width: clamp(saved?.width ?? DEFAULT_WIDTH),
    collapsed: saved?.collapsed ?? false,
    overlay: saved?.overlay ?? false,
  };
  const save = () => void browser.storage.local.set({ [layoutKey]: layout }).catch(() => {});

  const host = document.createElement('backline-dock');
  // Closed: the host page cannot reach the iframe or the controls through the shadow root.
  const shadow = host.attachShadow({ mode: 'closed' });
  // The host's look is not the page's to decide. `!important` in the shadow root's own sheet
  // beats every rule the page can write for <backline-dock>, its inline style included (the
  // cascade lets an important shadow declaration win over the outer tree's), and the page
  // cannot edit this sheet. `all: initial` resets opacity, visibility, transform, filter,
  // clip-path, mask, blend mode and pointer-events; the rest is the dock's position.
  // Nothing inside is exposed with `part`, so `::part()` from the page has nothing to style.
  // The grip sits wholly outside the frame: anything over the frame, even the dock's own grip,
  // reads as covering the panel to the browser's visibility check (components/panel/visibility.ts).
  shadow.innerHTML = `<style>
    :host { all: initial !important; position: fixed !important; top: 0 !important; right: 0 !important; bottom: 0 !important; display: block !important; z-index: 2147483646 !important; }
    .frame { position: absolute; inset: 0 0 0 auto; width: 100%; display: flex; box-shadow: -2px 0 12px rgb(0 0 0 / .18); background: Canvas; }
    .frame[hidden] { display: none; }
    iframe { border: 0; width: 100%; height: 100%; color-scheme: normal; }
    .grip { position: absolute; left: -8px; top: 0; bottom: 0; width: 8px; cursor: ew-resize; touch-action: none; }
    .grip:focus-visible, button:focus-visible { outline: 2px solid #4f6bed; outline-offset: -2px; }
    button { all: unset; box-sizing: border-box; font: 600 12px system-ui, sans-serif; cursor: pointer; }
    .collapse { position: absolute; left: -28px; top: 8px; width: 28px; height: 28px; border-radius: 6px 0 0 6px; background: #4f6bed; color: #fff; text-align: center; line-height: 28px; }
    .mode { top: 40px; }
    .tab { position: absolute; right: 0; top: 96px; writing-mode: vertical-rl; padding: 10px 6px; border-radius: 6px 0 0 6px; background: #4f6bed; color: #fff; }
    .tab[hidden] { display: none; }
  </style><style></style>
  <div class="frame">
    <div class="grip" role="separator" aria-orientation="vertical" tabindex="0"></div>
    <button class="collapse" type="button">›</button>
    <button class="collapse mode" type="button">⇔</button>
    <iframe allow="clipboard-write"></iframe>
  </div>
  <button class="tab" type="button" hidden></button>`;

  const width = shadow.querySelectorAll('style')[1]!;
  const frame = shadow.querySelector<HTMLDivElement>('.frame')!;
  const iframe = shadow.querySelector('iframe')!;
  const grip = shadow.querySelector<HTMLDivElement>('.grip')!;
  const tab = shadow.querySelector<HTMLButtonElement>('.tab')!;
  const collapse = shadow.querySelector<HTMLButtonElement>('.collapse')!;
  const mode = shadow.querySelector<HTMLButtonElement>('.mode')!;
  // The dock's words, in the browser's language (set as text, never as markup).
  const t = (key: Parameters<typeof browser.i18n.getMessage>[0]) => browser.i18n.getMessage(key);
  grip.setAttribute('aria-label', t('dockResize'));
  collapse.setAttribute('aria-label', t('dockCollapse'));
  collapse.title = t('dockCollapseTitle');
  iframe.title = t('extName');
  tab.setAttribute('aria-label', t('dockOpen'));
  tab.textContent = t('extName');
  iframe.src = browser.runtime.getURL('/panel.html') + '?embedded=1';

  // Making room: the page's root is narrowed by the panel's width with an important inline
  // style (which outranks the page's own rules), and given back exactly as it was when the panel
  // is collapsed, hidden or removed. The dock itself is fixed to the viewport in the top layer,
  // so nothing the page does to its root moves or hides it.
  const root = document.documentElement;
  let before: [string, string] | 0 = 0;
  const room = (w: number) => {
    const s = root.style;
    if (w) {
      before ||= [s.getPropertyValue('width'), s.getPropertyPriority('width')];
      const want = `calc(100% - ${w}px)`;
      if (s.width !== want) s.setProperty('width', want, 'important');
    } else if (before) {
      s.setProperty('width', ...before);
      if (!s.length) root.removeAttribute('style');
      before = 0;
    }
  };

  let visible = true;
  const render = () => {
    const shown = visible && !layout.collapsed ? layout.width : 0;
    width.textContent = `:host { width: ${shown}px !important }`;
    frame.hidden = !shown;
    tab.hidden = !visible || !layout.collapsed;
    room(layout.overlay ? 0 : shown);
    const label = t(layout.overlay ? 'dockMakeRoom' : 'dockOverlay');
    mode.setAttribute('aria-label', label);
    mode.title = label;
  };
  const setCollapsed = (collapsed: boolean, focus: boolean) => {
    layout.collapsed = collapsed;
    save();
    render();
    if (focus) (collapsed ? tab : iframe).focus();
  };

  ctx.addEventListener(collapse, 'click', () => setCollapsed(true, true));
  ctx.addEventListener(tab, 'click', () => setCollapsed(false, true));
  ctx.addEventListener(mode, 'click', () => {
    layout.overlay = !layout.overlay;
    save();
    render();
  });

  // Resizing by pointer and by keyboard (arrow keys on the separator).
  ctx.addEventListener(grip, 'pointerdown', (event) => {
    const e = event as PointerEvent;
    grip.setPointerCapture(e.pointerId);
    iframe.style.pointerEvents = 'none';
    const move = (ev: PointerEvent) => {
      layout.width = clamp(window.innerWidth - ev.clientX);
      render();
    };
    const up = () => {
      grip.removeEventListener('pointermove', move);
      iframe.style.pointerEvents = '';
      save();
    };
    grip.addEventListener('pointermove', move);
    grip.addEventListener('pointerup', up, { once: true });
    grip.addEventListener('pointercancel', up, { once: true });
  });
  ctx.addEventListener(grip, 'keydown', (event) => {
    const e = event as KeyboardEvent;
    const step = e.shiftKey ? 64 : 16;
    if (e.key === 'ArrowLeft') layout.width = clamp(layout.width + step);
    else if (e.key === 'ArrowRight') layout.width = clamp(layout.width - step);
    else return;
    e.preventDefault();
    render();
    save();
  });

  // The top layer: no element of the page, whatever its z-index or its ancestors' opacity,
  // filter or transform, is drawn above the dock, except the page's own top-layer elements
  // opened later (those the panel and the check below notice). Chromium 114+, Firefox 125+;
  // elsewhere the z-index above still applies.
  const topLayer = (): Element[] => {
    try {
      return [...document.querySelectorAll(TOP_LAYER)].filter((el) => el !== host);
    } catch {
      return []; // an engine without these selectors
    }
  };
  let below = new Set<Element>();
  const show = () => {
    if (ctx.isInvalid || !host.isConnected || !('showPopover' in host)) return;
    if (host.getAttribute('popover') !== 'manual') host.setAttribute('popover', 'manual');
    try {
      host.showPopover();
      // Top-layer elements already open stay beneath the dock.
      below = new Set(topLayer());
    } catch {
      // Already shown.
    }
  };
  ctx.addEventListener(host, 'toggle', (event) => {
    if ((event as ToggleEvent).newState === 'closed') show();
  });
  const attributes = new MutationObserver(show);
  attributes.observe(host, { attributes: true, attributeFilter: ['popover'] });

  // A page that removes or moves the dock gets it back at once, at most once a second (a page
  // that keeps removing it would otherwise reload the panel in a loop); the 1 s poll and
  // in-app navigation call ensureAttached too.
  let attachedAt = 0;
  const ensureAttached = () => {
    if (ctx.isInvalid) return;
    render(); // the room too, if the page reset its root's style
    if (host.parentNode === document.documentElement) return;
    attachedAt = Date.now();
    document.documentElement.append(host);
    show();
  };
  const removals = new MutationObserver(() => {
    if (Date.now() - attachedAt >= 1000) ensureAttached();
  });

  // Whether the page covers or hides the panel, as far as this script can tell. A browser
  // without IntersectionObserver v2 (Firefox) has nothing better: its panel asks, through the
  // background, at the moment of each write. This cannot see an overlay with
  // pointer-events: none outside the top layer; the top layer keeps those beneath the dock.
  const covered = (): boolean => {
    if (frame.hidden || !host.isConnected) return false;
    const r = iframe.getBoundingClientRect();
    if (!r.width || !r.height) return false;
    const open = topLayer();
    for (const el of below) if (!open.includes(el)) below.delete(el);
    for (const el of open) {
      const o = el.getBoundingClientRect();
      if (!below.has(el) && o.right > r.left && o.left < r.right && o.bottom > r.top && o.top < r.bottom) return true;
    }
    let inTop = false;
    try {
      inTop = host.matches(':popover-open');
    } catch {}
    if (!inTop) {
      const s = getComputedStyle(document.documentElement);
      if (+s.opacity < 1 || s.filter !== 'none' || s.clipPath !== 'none' || s.maskImage !== 'none') return true;
    }
    for (const [fx, fy] of [[0.5, 0.5], [0.05, 0.05], [0.95, 0.05], [0.05, 0.95], [0.95, 0.95]] as const) {
      if (document.elementFromPoint(r.left + r.width * fx, r.top + r.height * fy) !== host) return true;
    }
    return false;
  };
  // An element shown again after the dock is above it, even if it was beneath before.
  ctx.addEventListener(document, 'toggle', (e) => {
    if ((e as ToggleEvent).newState === 'open' && e.target !== host) below.delete(e.target as Element);
  }, { capture: true });

  // Focus theft: the page moving focus from the panel to itself (an element of its own, or just
  // away from the dock) without the agent clicking in the page, so that what the agent types
  // goes to the page. Focus entering the frame blurs this window with the dock focused; focus
  // coming back from the frame focuses it again. The panel decides whether the agent was typing
  // (it alone sees that) and says so.
  let pointerAt = 0;
  let dockFocused = false;
  ctx.addEventListener(window, 'pointerdown', (e) => {
    if (e.isTrusted && e.target !== host) pointerAt = Date.now();
  }, { capture: true });
  ctx.addEventListener(window, 'blur', (e) => {
    if (e.target === window) dockFocused = document.activeElement === host;
  });
  ctx.addEventListener(window, 'focus', (e) => {
    if (e.target !== window || !dockFocused) return;
    dockFocused = false;
    // After the focus has landed; a click in the page just before means the agent moved it.
    ctx.setTimeout(() => {
      if (document.activeElement !== host && Date.now() - pointerAt > 1000) {
        void browser.runtime.sendMessage({ type: 'cs:focusTaken', payload: {} }).catch(() => {});
      }
    }, 0);
  });

  ensureAttached();
  removals.observe(document.documentElement, { childList: true });
  return {
    toggle: () => setCollapsed(!layout.collapsed, true),
    setVisible(v) {
      visible = v;
      render();
    },
    ensureAttached,
    covered,
    remove() {
      removals.disconnect();
      attributes.disconnect();
      room(0);
      host.remove();
    },
  };
}

function clamp(width: number): number {
  return Math.round(Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, width)));
}

/** Chrome match-pattern test for the manifest's own patterns (scheme, host with `*.`, any path). */
function matchesPattern(pattern: string, href: string): boolean {
  const m = /^(https?):\/\/(\*\.)?([^/]+)\//.exec(pattern);
  if (!m) return false;
  const url = new URL(href);
  if (url.protocol !== `${m[1]}:`) return false;
  return m[2] ? url.hostname.endsWith(`.${m[3]}`) : url.hostname === m[3];
}
