import { lazy, Suspense } from 'preact/compat';
import { useEffect, useState } from 'preact/hooks';
import { describeSyncStatus } from '@/lib/model/workspace-docs';
import { usePanel } from './context';
import { ConversationView } from './ConversationView';
import { LinkExisting } from './LinkExisting';
import { NewTicket } from './NewTicket';
import { Queue } from './Queue';
import { TicketView } from './TicketView';
import { isTypingTarget } from './ui';
import { formatDateTime, t } from '@/components/common/i18n';

// Views an agent opens now and then load when first opened: the panel's first frame waits for
// less code.
const Preview = lazy(() => import('./Preview').then((m) => m.Preview));
const ShortcutsDialog = lazy(() => import('./Shortcuts').then((m) => m.ShortcutsDialog));

export function App() {
  const model = usePanel();
  // When the panel could not start, the alert says why and no view shows a misleading empty state.
  const route = model.unavailable.value ? { name: 'unavailable' as const } : model.route.value;
  const [help, setHelp] = useState(false);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || document.querySelector('dialog[open]')) return;
      if (e.key === 'Escape' && !isTypingTarget(e.target)) {
        const r = model.route.value;
        if (r.name === 'preview') model.navigate(r.from);
        else if (r.name !== 'conversation') model.navigate({ name: 'conversation' });
        return;
      }
      if (isTypingTarget(e.target)) return;
      const r = model.route.value;
      const click = (selector: string) => document.querySelector<HTMLElement>(selector)?.click();
      const focus = (selector: string) => document.querySelector<HTMLElement>(selector)?.focus();
      switch (e.key) {
        case '?':
          setHelp(true);
          break;
        case 'n':
          if (model.context.value) model.navigate({ name: 'new' });
          break;
        case 'l':
          if (model.context.value) model.navigate({ name: 'link' });
          break;
        case 'g':
          model.navigate({ name: 'queue' });
          break;
        case 's':
          if (r.name === 'ticket') click('.state-button');
          break;
        case 'c':
          if (r.name === 'ticket') focus('#note');
          break;
        default:
          return;
      }
      e.preventDefault();
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, []);

  return (
    <div class="panel">
      <div role="status" aria-live="polite" class="sr-only">
        {model.status.value}
      </div>
      {model.error.value && (
        <div role="alert" class="error">
          <span>{model.error.value}</span>
          <button type="button" class="ghost small" aria-label={t('dismissMessage')} onClick={() => model.clearError()}>
            ✕
          </button>
        </div>
      )}
      <main>
        {route.name === 'conversation' && <ConversationView />}
        {route.name === 'new' && <NewTicket />}
        {route.name === 'link' && <LinkExisting />}
        {route.name === 'queue' && <Queue />}
        {route.name === 'ticket' && <TicketView key={route.ticketId} ticketId={route.ticketId} />}
        {route.name === 'preview' && (
          <Suspense fallback={<p class="muted">{t('loading')}</p>}>
            <Preview key={route.conversationKey} conversationKey={route.conversationKey} from={route.from} reason={route.reason} />
          </Suspense>
        )}
      </main>
      <footer class="foot">
        {model.workspace.value && (
          <p role="status" class="small muted sync-status">
            {describeSyncStatus(model.workspace.value, (at) => formatDateTime(at, { timeStyle: 'short' }))}
          </p>
        )}
        <a href="/options.html#deliveries" target="_blank" rel="noopener" class="small">
          {t('deliveries')}
        </a>
        <button type="button" class="link small" onClick={() => setHelp(true)} aria-keyshortcuts="?">{t('keyboardShortcuts')}</button>
      </footer>
      {help && (
        <Suspense fallback={null}>
          <ShortcutsDialog onClose={() => setHelp(false)} />
        </Suspense>
      )}
    </div>
  );
}
