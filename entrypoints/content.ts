/**
 * The content script: small on purpose. It recognises a helpdesk conversation from the URL,
 * follows in-app navigation, reports the page context to the background and docks the panel
 * (an extension-page iframe) inside a closed shadow root. It never holds ticket data and
 * never sees what the agent types.
 */
import { browser } from 'wxt/browser';
import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import { HOST_MATCH_PATTERNS, parseHelpdeskUrl, type CustomHost, type HelpdeskId, type PageContext } from '@/lib/hosts';
import { isTogglePanelEvent } from '@/lib/protocol-events';

const MIN_WIDTH = 320;
const MAX_WIDTH = 720;
const DEFAULT_WIDTH = 400;

interface Layout {
  width: number;
  collapsed: boolean;
}

export default defineContentScript({
  matches: [...HOST_MATCH_PATTERNS],
  runAt: 'document_idle',
  async main(ctx) {
    const stored = await browser.storage.local.get('customHosts');
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
      const next = parseHelpdeskUrl(location.href, customHosts);
      if (sameContext(next, current)) return;
      current = next;
      await report(current);
      if (current && !dock && embeddable) dock = await mountDock(ctx, current.helpdesk);
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
    browser.runtime.onMessage.addListener((message: unknown, sender) => {
      if (ctx.isInvalid || sender.id !== browser.runtime.id || sender.tab) return;
      if (isTogglePanelEvent(message)) dock?.toggle();
      else console.warn('Backline’s content script ignored a message it does not know.');
    });

    await report(current);
    if (current && embeddable) dock = await mountDock(ctx, current.helpdesk);
  },
});

function sameContext(a: PageContext | null, b: PageContext | null): boolean {
  if (!a || !b) return a === b;
  return a.helpdesk === b.helpdesk && a.origin === b.origin && a.account === b.account && a.conversationId === b.conversationId;
}

interface Dock {
  toggle(): void;
  setVisible(visible: boolean): void;
  remove(): void;
}

async function mountDock(ctx: ContentScriptContext, helpdesk: HelpdeskId): Promise<Dock | null> {
  if (ctx.isInvalid) return null;
  const layoutKey = `panelLayout:${helpdesk}`;
  const saved = (await browser.storage.local.get(layoutKey))[layoutKey] as Partial<Layout> | undefined;
  const layout: Layout = {
    width: clamp(saved?.width ?? DEFAULT_WIDTH),
    collapsed: saved?.collapsed ?? false,
  };
  const save = () => void browser.storage.local.set({ [layoutKey]: layout }).catch(() => {});

  const host = document.createElement('backline-dock');
  // Closed: the host page cannot reach the iframe or the controls through the shadow root.
  const shadow = host.attachShadow({ mode: 'closed' });
  shadow.innerHTML = `<style>
    :host { all: initial; position: fixed; top: 0; right: 0; bottom: 0; z-index: 2147483646; display: block; }
    .frame { position: absolute; inset: 0 0 0 auto; width: var(--w); display: flex; box-shadow: -2px 0 12px rgb(0 0 0 / .18); background: Canvas; }
    .frame[hidden] { display: none; }
    iframe { border: 0; width: 100%; height: 100%; color-scheme: normal; }
    .grip { position: absolute; left: -4px; top: 0; bottom: 0; width: 8px; cursor: ew-resize; touch-action: none; }
    .grip:focus-visible, button:focus-visible { outline: 2px solid #4f6bed; outline-offset: -2px; }
    button { all: unset; box-sizing: border-box; font: 600 12px system-ui, sans-serif; cursor: pointer; }
    .collapse { position: absolute; left: -28px; top: 8px; width: 28px; height: 28px; border-radius: 6px 0 0 6px; background: #4f6bed; color: #fff; text-align: center; line-height: 28px; }
    .tab { position: absolute; right: 0; top: 96px; writing-mode: vertical-rl; padding: 10px 6px; border-radius: 6px 0 0 6px; background: #4f6bed; color: #fff; }
    .tab[hidden] { display: none; }
  </style>
  <div class="frame" part="frame">
    <div class="grip" role="separator" aria-orientation="vertical" aria-label="Resize Backline panel" tabindex="0"></div>
    <button class="collapse" type="button" aria-label="Collapse Backline panel" title="Collapse (Alt+Shift+B)">›</button>
    <iframe title="Backline" allow="clipboard-write"></iframe>
  </div>
  <button class="tab" type="button" aria-label="Open Backline panel" hidden>Backline</button>`;

  const frame = shadow.querySelector<HTMLDivElement>('.frame')!;
  const iframe = shadow.querySelector('iframe')!;
  const grip = shadow.querySelector<HTMLDivElement>('.grip')!;
  const tab = shadow.querySelector<HTMLButtonElement>('.tab')!;
  iframe.src = browser.runtime.getURL('/panel.html') + '?embedded=1';

  let visible = true;
  const render = () => {
    host.style.setProperty('--w', `${layout.width}px`);
    host.style.width = visible && !layout.collapsed ? `${layout.width}px` : '0';
    frame.hidden = !visible || layout.collapsed;
    tab.hidden = !visible || !layout.collapsed;
  };
  const setCollapsed = (collapsed: boolean, focus: boolean) => {
    layout.collapsed = collapsed;
    save();
    render();
    if (focus) (collapsed ? tab : iframe).focus();
  };

  ctx.addEventListener(shadow.querySelector('.collapse')!, 'click', () => setCollapsed(true, true));
  ctx.addEventListener(tab, 'click', () => setCollapsed(false, true));

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

  render();
  document.documentElement.append(host);
  return {
    toggle: () => setCollapsed(!layout.collapsed, true),
    setVisible(v) {
      visible = v;
      render();
    },
    remove: () => host.remove(),
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
