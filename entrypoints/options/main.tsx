import { render } from 'preact';
import { App } from '@/components/options/App';
import { OptionsContext } from '@/components/options/context';
import { OptionsModel } from '@/components/options/model';
import '@/components/theme.css';
import '@/components/options/options.css';

const model = new OptionsModel();
const controller = new AbortController();
addEventListener('pagehide', () => controller.abort(), { once: true });
render(
  <OptionsContext.Provider value={model}>
    <App />
  </OptionsContext.Provider>,
  document.getElementById('app')!,
);
void model.start(controller.signal);
