// Type declarations for ./server.mjs (plain ESM JavaScript, run by node without a build step).

export type ConversationStatus = 'open' | 'resolved' | 'pending' | 'snoozed';

export interface SandboxAccount {
  id: number;
  name: string;
}

export interface SandboxUser {
  id: number;
  name: string;
  email: string;
  role: 'agent' | 'administrator';
  access_token: string;
  account_ids: number[];
}

export interface SandboxInbox {
  id: number;
  account_id: number;
  name: string;
  channel_type: string;
}

export interface SandboxContact {
  id: number;
  account_id: number;
  name: string;
  email: string | null;
  phone_number: string | null;
  identifier: string | null;
  /** company_name, city, country, country_code */
  additional_attributes: Record<string, unknown>;
  custom_attributes: Record<string, unknown>;
  created_at: number;
  last_activity_at: number;
}

/** A message as stored (the API serialises it to Chatwoot's shape). */
export interface SandboxMessage {
  id: number;
  content: string;
  /** 0 incoming, 1 outgoing, 2 activity */
  message_type: 0 | 1 | 2;
  content_type: string;
  content_attributes: Record<string, unknown>;
  private: boolean;
  /** unix seconds */
  created_at: number;
  updated_at: number;
  sender_type: 'Contact' | 'User' | null;
  sender_id: number | null;
  source_id: string | null;
  status: 'sent' | 'delivered' | 'read' | 'failed';
  echo_id?: string;
}

/** A conversation as stored (the API serialises it to Chatwoot's shape). */
export interface SandboxConversation {
  /** display id, unique per account */
  id: number;
  account_id: number;
  inbox_id: number;
  contact_id: number;
  assignee_id: number | null;
  uuid: string;
  contact_source_id: string;
  status: ConversationStatus;
  /** unix seconds */
  snoozed_until: number | null;
  priority: 'urgent' | 'high' | 'medium' | 'low' | null;
  labels: string[];
  additional_attributes: Record<string, unknown>;
  custom_attributes: Record<string, unknown>;
  created_at: number;
  updated_at: number;
  last_activity_at: number;
  agent_last_seen_at: number;
  contact_last_seen_at: number;
  first_reply_created_at: number;
  waiting_since: number;
  messages: SandboxMessage[];
}

export interface SandboxData {
  accounts: SandboxAccount[];
  users: SandboxUser[];
  inboxes: SandboxInbox[];
  contacts: SandboxContact[];
  conversations: SandboxConversation[];
  nextMessageId: number;
}

export interface RequestLogEntry {
  /** increasing number, restarts at 1 after each reset */
  seq: number;
  /** Date.now() when the request was received */
  at: number;
  method: string;
  /** path without the query string */
  path: string;
  /** raw query string without '?', '' if none */
  query: string;
  /** parsed JSON body, raw text if it was not JSON, null if empty */
  body: unknown;
  /** an api_access_token header was sent */
  hasToken: boolean;
  /** the token matched a sandbox user */
  tokenValid: boolean;
  origin: string | null;
  /** HTTP status the sandbox answered with */
  status: number;
  /** the answer was a failure injected via /__sandbox/fail */
  injected: boolean;
  /** how long /__sandbox/delay held this write before applying it (0: not held); status stays 0 until then */
  delayedMs: number;
}

export interface FailPlan {
  remaining: number;
  status: number;
  /** only requests whose path contains this string fail */
  match: string | null;
}

/**
 * POST /__sandbox/delay {ms, count?, match?}: the next `remaining` API writes (not GET/HEAD)
 * whose path contains `match` are held `ms` milliseconds, then applied and answered, even when
 * the client gave up meanwhile (a helpdesk that applies a request late).
 */
export interface DelayPlan {
  remaining: number;
  ms: number;
  /** only writes whose path contains this string are held */
  match: string | null;
}

export interface SandboxState extends SandboxData {
  requests: RequestLogEntry[];
  requestSeq: number;
  fail: FailPlan | null;
  delay: DelayPlan | null;
}

export interface SandboxOptions {
  /** 0 (default) picks a free port */
  port?: number;
  /** default 127.0.0.1 */
  host?: string;
  /** default true; false starts without contacts and conversations */
  seed?: boolean;
}

export interface SandboxHandle {
  /** base URL, e.g. http://127.0.0.1:4517 */
  url: string;
  port: number;
  /** live in-memory data; the same object for the server's lifetime */
  state: SandboxState;
  /** restore the seed, clear the request log and the failure and delay plans; drop writes still held */
  reset(): void;
  close(): Promise<void>;
}

export const SANDBOX_ACCOUNT_ID: 1;
export const SANDBOX_TOKEN: 'sandbox-token';
export const DEFAULT_PORT: number;
export const MAX_BODY_BYTES: number;
export const MAX_CONTENT_CHARS: number;

/** Builds a fresh copy of the seed data, timestamps relative to `now` (unix seconds). */
export function createSeed(now?: number): SandboxData;

/** Starts a sandbox helpdesk with its own fresh in-memory data. */
export function startSandbox(options?: SandboxOptions): Promise<SandboxHandle>;
