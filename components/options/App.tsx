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

const SECTIONS = [
  ['admin', 'Admin access'],
  ['workspace', 'Workspace'],
  ['ticket-states', 'Ticket states'],
  ['types', 'Ticket types'],
  ['teammates', 'Teammates'],
  ['connections', 'Connections'],
  ['deliveries', 'Deliveries'],
  ['shortcuts', 'Keyboard shortcuts'],
  ['data', 'Data'],
] as const;

/** The options page: admin access first, then each area of settings. */
export function App() {
  const model = useOptions();
  return (
    <div class="page">
      <header class="page-head">
        <h1>Backline settings</h1>
        <nav aria-label="Sections">
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
