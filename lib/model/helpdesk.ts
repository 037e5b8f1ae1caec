/**
 * The helpdesks Backline knows, at the bottom of the layers: records, protocol schemas and the
 * descriptor registry (lib/helpdesks/) all take the ids from here, so the compiler ties them.
 * What Backline knows about each one lives in its descriptor, lib/helpdesks/<id>.ts.
 */

export const HELPDESK_IDS = ['intercom', 'zendesk', 'freshdesk', 'helpscout', 'front', 'zammad', 'chatwoot', 'freescout', 'hubspot', 'gorgias'] as const;

export type HelpdeskId = (typeof HELPDESK_IDS)[number];

/** Runtime guard for ids read back from storage, settings forms or URL parameters. */
export function isHelpdeskId(value: unknown): value is HelpdeskId {
  return typeof value === 'string' && (HELPDESK_IDS as readonly string[]).includes(value);
}

/** What a helpdesk calls the thing an agent works on: a conversation, or a (customer) ticket. */
export type PageKind = 'conversation' | 'ticket';

/** A helpdesk conversation or ticket, as recognised from a page's URL. */
export interface PageContext {
  helpdesk: HelpdeskId;
  /** Origin of the helpdesk web app, e.g. https://acme.zendesk.com */
  origin: string;
  /** Account, workspace, subdomain or portal; '' where the helpdesk has none in the URL. */
  account: string;
  /** Conversation or ticket id as the helpdesk shows it. */
  conversationId: string;
  kind: PageKind;
}

/** A conversation's status in its helpdesk, in Backline's words (each descriptor maps its own). */
export type ConversationStatus = 'open' | 'snoozed' | 'pending' | 'resolved' | 'closed' | 'unknown';

/** Status words as agents read them (Links, preview, dialogs). */
export const CONVERSATION_STATUS_LABELS: Record<ConversationStatus, string> = {
  open: 'Open',
  snoozed: 'Snoozed',
  pending: 'Pending',
  resolved: 'Resolved',
  closed: 'Closed',
  unknown: 'Unknown',
};

/** A self-hosted helpdesk origin added by an admin (e.g. https://support.acme.com → chatwoot). */
export interface CustomHost {
  origin: string;
  helpdesk: HelpdeskId;
}
