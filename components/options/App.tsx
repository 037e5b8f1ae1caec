import { AdminAccess } from './AdminAccess';
import { Connections } from './Connections';
import { useOptions } from './context';
import { DataSection } from './DataSection';
import { Deliveries } from './Deliveries';
import { KeyboardShortcuts } from './KeyboardShortcuts';
import { SettingsSection } from './SettingsSection';
import { Teammates } from './Teammates';
import { TicketTypes } from './TicketTypes';
import { WorkspaceSection } from './WorkspaceSection';
import { t } from '@/components/common/i18n';

const SECTIONS = [
  ['admin', t('adminAccess')],
  ['workspace', t('workspace')],
  ['ticket-states', t('ticketStates')],
  ['types', t('ticketTypes')],
  ['teammates', t('teammates')],
  ['connections', t('connections')],
  ['deliveries', t('deliveries')],
  ['shortcuts', t('keyboardShortcuts2')],
  ['data', t('data')],
] as const;

/** The options page: admin access first, then each area of settings. */
export function App() {
  const model = useOptions();
  return (
    <div class="page">
      <header class="page-head">
        <h1>{t('backlineSettings')}</h1>
        <nav aria-label={t('sections')}>
          <ul>
            {SECTIONS.map(([id, title]) => (
              <li key={id}>
                <a href={`#${id}`}>{title}</a>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <div role="status" aria-live="polite" class="status-line">
        {model.announcement.value}
      </div>
      {model.loadError.value && (
        <p role="alert" class="alert">
          {model.loadError.value}
        </p>
      )}
      <main>
        <AdminAccess />
        <WorkspaceSection />
        <SettingsSection />
        <TicketTypes />
        <Teammates />
        <Connections />
        <Deliveries />
        <KeyboardShortcuts />
        <DataSection />
      </main>
    </div>
  );
}
