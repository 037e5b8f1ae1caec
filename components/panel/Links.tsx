import { memo } from 'preact/compat';
import { request } from '@/lib/client';
import type { LinkView } from '@/lib/model/views';
import { usePanel } from './context';
import { useAction } from '@/components/common/action';
import { LinkReason } from './LinkReason';
import { conversationStatusLabel, conversationName, KindIcon, PANEL_WRITES } from './ui';
import { t } from '@/components/common/i18n';

/** Linked conversations and customer tickets, with their last known status and a preview. */
function LinksView({ ticketId, links }: { ticketId: string; links: LinkView[] }) {
  const model = usePanel();
  const { run } = useAction(PANEL_WRITES);
  return (
    <section aria-label={t('links')} class="links">
      <h2 class="section-title">{t('links')}</h2>
      {links.length === 0 && <p class="muted small">{t('notLinkedToAnyConversation')}</p>}
      <ul>
        {links.map(({ link, conversation: c }) => {
          const name = c ? conversationName(c) : link.conversationKey;
          const status = conversationStatusLabel(c?.status ?? 'unknown');
          return (
            <li key={link.id} class="link-item" data-conversation-key={link.conversationKey}>
              <KindIcon kind={c?.kind === 'ticket' ? 'customer' : 'conversation'} />
              <div class="link-main">
                <div class="link-name">{c?.title && c.title !== name ? c.title : name}</div>
                <div class="muted small">
                  {c?.title && c.title !== name && <>{name} · </>}
                  {c?.customerName && <>{c.customerName} · </>}
                  <span class={`conv-status status-${c?.status ?? 'unknown'}`}>{status}</span>
                </div>
                <LinkReason ticketId={ticketId} link={link} name={name} />
              </div>
              <button
                type="button"
                class="small"
                aria-description={t('previewX', name)}
                onClick={() => model.navigate({ name: 'preview', conversationKey: link.conversationKey, from: { name: 'ticket', ticketId }, reason: link.reason })}
              >{t('open')}</button>
              <button
                type="button"
                class="small ghost"
                aria-label={t('unlinkX', name)}
                onClick={() =>
                  run(`unlink ${ticketId} ${link.conversationKey}`, (requestId) =>
                    request('ui:unlink', { requestId, ticketId, conversationKey: link.conversationKey }),
                  ).catch((e: Error) => model.showError(e.message))
                }
              >{t('unlink')}</button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/**
 * Drawn again only when the links change: a burst of effect outcomes changes the ticket view many
 * times a second, and a state change or an edit changes the ticket, without touching these. It
 * takes the ticket's id, not the ticket, so that a state change's new label is drawn without
 * drawing every link again (the reply and the first frame after it wait for that render).
 */
export const Links = memo(LinksView);
