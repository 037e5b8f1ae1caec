import { render } from 'preact';
import { App } from '@/components/panel/App';
import { PanelContext } from '@/components/panel/context';
import { createPanelModel } from '@/components/panel/model';
import { contextFromParams } from '@/components/panel/params';
import '@/components/theme.css';
import '@/components/panel/panel.css';

const model = createPanelModel();
const controller = new AbortController();
addEventListener('pagehide', () => controller.abort(), { once: true });
render(
  <PanelContext.Provider value={model}>
    <App />
  </PanelContext.Provider>,
  document.getElementById('app')!,
);
model.start(controller.signal, contextFromParams(location.search)).catch((e: Error) => model.showStartError(e.message));
