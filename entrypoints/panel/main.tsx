import { render } from 'preact';
import { App } from '@/components/panel/App';
import { PanelContext } from '@/components/panel/context';
import { PanelModel } from '@/components/panel/model';
import { contextFromParams } from '@/components/panel/params';
import { watchFocusTheft } from '@/components/panel/focus-guard';
import { watchDockVisibility } from '@/components/panel/visibility';
import '@/components/theme.css';
import '@/components/panel/panel.css';

const model = new PanelModel();
const controller = new AbortController();
addEventListener('pagehide', () => controller.abort(), { once: true });
render(
  <PanelContext.Provider value={model}>
    <App />
  </PanelContext.Provider>,
  document.getElementById('app')!,
);
// Framed by a page (the dock, or any page that embeds panel.html): the page could hide or cover
// the panel, or take its keyboard focus. Asked of the browser, not of the URL, which the
// embedding page chooses. A normal tab and the browser's side panel are top-level.
if (window.top !== window) {
  const show = (message: string) => model.showError(message);
  watchDockVisibility({ show, signal: controller.signal });
  watchFocusTheft({ tabId: () => model.tabId.value, show, signal: controller.signal });
}
model.start(controller.signal, contextFromParams(location.search)).catch((e: Error) => model.showStartError(e.message));
