/**
 * The shape of a helpdesk descriptor: everything Backline knows about one helpdesk that is not
 * code talking to its API (that is its connector, lib/connectors/<id>.ts, one layer up).
 */
import type { ConversationStatus, HelpdeskId, PageKind } from '../model/helpdesk';

/** Account and conversation id read from a page's URL. */
export interface PageMatch {
  account: string;
  conversationId: string;
}

/** One input of a helpdesk's connection form, named in the helpdesk's own words. */
export interface CredentialField {
  /** Key in the connection record's `credentials`. */
  key: string;
  /** The accessible name (UI contract), e.g. "API access token". */
  label: string;
  /** Secrets are password inputs, never shown back, and sent only to the Base URL they were given for. */
  secret: boolean;
  /** Where the admin finds it (shown beside the field, tied with aria-describedby). */
  hint: string;
  inputMode?: 'text' | 'numeric' | 'email';
}

/**
 * Where a connection's account comes from, which decides the pages it serves:
 * - `field`: the admin types it (Chatwoot's Account ID, the number in /app/accounts/N/);
 * - `subdomain`: the Base URL's first label (acme for https://acme.zendesk.com);
 * - `api`: the helpdesk's API names it for the token (Intercom's workspace, HubSpot's portal);
 * - `none`: the helpdesk's page URLs carry no account.
 */
export type AccountSource = { from: 'field'; field: Omit<CredentialField, 'secret'> } | { from: 'subdomain' } | { from: 'api' } | { from: 'none' };

export interface HelpdeskDescriptor<Id extends HelpdeskId = HelpdeskId> {
  id: Id;
  /** The product's name as the vendor spells it. */
  name: string;
  /** What an agent works on in this helpdesk. */
  kind: PageKind;
  /** Exact host names of the cloud service's agent pages (https only, default port). */
  hosts?: readonly string[];
  /** Cloud services at `{account}.{suffix}`: the one DNS label in front is the account. */
  accountSubdomainOf?: readonly string[];
  /**
   * Self-hostable helpdesks with path-shaped routes are tried on http(s)://localhost and
   * 127.0.0.1 in this order (lower first); others never are (their shapes would be guesses).
   */
  loopbackOrder?: number;
  /**
   * The conversation a URL shows, from its path (and, where the helpdesk routes there, its
   * hash), or null for lists, settings and anything else. Never reads the query. Numeric ids
   * must be canonical (no leading zero) so that one conversation never has two keys.
   */
  match(url: URL, hostAccount: string): PageMatch | null;
  /** The helpdesk's status words (as its API spells them) in Backline's terms. */
  statuses: Readonly<Record<string, ConversationStatus>>;
  connection: {
    /** Prefilled where the helpdesk's API has one public address; always editable. */
    defaultBaseUrl?: string;
    /** What the Base URL is for this helpdesk. */
    baseUrlHint: string;
    account: AccountSource;
    credentials: readonly CredentialField[];
  };
}

/** Example URLs beside each descriptor, run in a loop by test/unit/helpdesks.test.ts. */
export interface UrlExamples {
  /** URL → what it shows (origin, account, conversation id). */
  conversations: ReadonlyArray<readonly [string, { origin: string; account: string; conversationId: string }]>;
  /** URLs that are not a conversation of this helpdesk (lists, look-alikes, wrong scheme). */
  others: readonly string[];
}

/** Identity helper that keeps the literal id type. */
export function defineHelpdesk<Id extends HelpdeskId>(d: HelpdeskDescriptor<Id>): HelpdeskDescriptor<Id> {
  return d;
}

/** A canonical positive integer (no leading zero), as path segments carry ids. */
export const ID = '([1-9][0-9]{0,19})';
/** Sub-views of the same conversation (e.g. Zendesk /events). */
export const REST = '(?:/.*)?$';

/** For helpdesks whose path holds only the id; the account comes from the host. */
export function idFromPath(re: RegExp): HelpdeskDescriptor['match'] {
  return (url, hostAccount) => {
    const m = re.exec(url.pathname);
    return m?.[1] ? { account: hostAccount, conversationId: m[1] } : null;
  };
}
