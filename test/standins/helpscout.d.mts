// Type declarations for ./helpscout.mjs (plain ESM JavaScript, run by node without a build step).

export const HELPSCOUT_APP_ID: string;
export const HELPSCOUT_APP_SECRET: string;

export interface HsPerson {
  id: number;
  type: 'customer' | 'user';
  first: string;
  last: string;
  email: string;
}

export interface HsThread {
  id: number;
  /** customer, message, note, lineitem, chat, phone, … */
  type: string;
  status: string;
  state: string;
  /** HTML. */
  body: string;
  action?: { type: string; text: string };
  createdBy: HsPerson;
  /** ISO 8601. */
  createdAt: string;
}

export interface HsConversation {
  id: number;
  number: number;
  status: 'active' | 'pending' | 'closed' | 'spam';
  subject: string;
  primaryCustomer: HsPerson;
  snooze: { snoozedBy: number; snoozedUntil: string; unsnoozeOnCustomerReply: boolean } | null;
  threads: HsThread[];
}

export interface HsRequest {
  seq: number;
  at: number;
  method: string;
  path: string;
  query: string;
  /** Parsed JSON (or form) body, raw text if neither, null if empty. */
  body: any;
  authorization: string;
  contentType: string;
  status: number;
  injected: boolean;
}

export interface HsFailPlan {
  count: number;
  status?: number;
  match?: string;
  /** Seconds, sent as X-RateLimit-Retry-After (Help Scout's documented header). */
  retryAfter?: number;
  /** Raw answer body (e.g. malformed JSON). */
  body?: string;
  /** Never answer. */
  hang?: boolean;
}

export interface HsState {
  conversations: HsConversation[];
  users: { id: number; firstName: string; lastName: string; email: string; role: string; timezone: string; type: string }[];
  apps: { appId: string; appSecret: string; userId: number }[];
  tokens: Record<string, { userId: number; expiresAt: number; revoked: boolean }>;
  tokensIssued: number;
  tokenLifetime: number;
  pageSize: number;
  nextThreadId: number;
  requests: HsRequest[];
  failPlans: HsFailPlan[];
}

export interface HelpScoutStandin {
  url: string;
  readonly state: HsState;
  reset(): void;
  close(): Promise<void>;
}

export function startHelpScoutStandin(opts?: { port?: number }): Promise<HelpScoutStandin>;
