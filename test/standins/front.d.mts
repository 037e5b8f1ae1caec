// Type declarations for ./front.mjs (plain ESM JavaScript, run by node without a build step).

export const FRONT_TOKEN: string;
/** A conversation id as Front writes it: cnv_ + base 36. */
export function cnv(n: number): string;

export interface FrTeammate {
  id: string;
  email: string;
  username: string;
  first_name: string;
  last_name: string;
  [k: string]: unknown;
}

export interface FrRecipient {
  name: string | null;
  handle: string;
  role: string;
}

export interface FrMessage {
  id: string;
  type: string;
  is_inbound: boolean;
  draft_mode: string | null;
  /** Unix seconds. */
  created_at: number;
  blurb: string;
  author: FrTeammate | null;
  recipients: FrRecipient[];
  body: string;
  text: string;
  attachments: unknown[];
}

export interface FrComment {
  id: string;
  author: FrTeammate;
  body: string;
  /** Unix seconds. */
  posted_at: number;
  attachments: unknown[];
  is_pinned: boolean;
}

export interface FrConversation {
  id: string;
  subject: string;
  status: 'assigned' | 'unassigned' | 'archived' | 'deleted' | 'spam';
  status_category?: 'open' | 'waiting' | 'resolved';
  recipient: FrRecipient;
  scheduled_reminders: { scheduled_at: number; [k: string]: unknown }[];
  messages: FrMessage[];
  comments: FrComment[];
  /** Merged into this conversation: every request about this one answers 301 to it. */
  mergedInto?: string;
}

export interface FrRequest {
  seq: number;
  at: number;
  method: string;
  path: string;
  query: string;
  body: any;
  authorization: string;
  contentType: string;
  status: number;
  injected: boolean;
}

export interface FrFailPlan {
  count: number;
  status?: number;
  match?: string;
  /** Seconds, sent as Retry-After. */
  retryAfter?: number;
  /** Raw answer body (e.g. malformed JSON). */
  body?: string;
  /** Never answer. */
  hang?: boolean;
}

export interface FrState {
  company: { id: string; name: string };
  teammate: FrTeammate;
  conversations: FrConversation[];
  nextId: number;
  defaultLimit: number;
  requests: FrRequest[];
  failPlans: FrFailPlan[];
}

export interface FrontStandin {
  url: string;
  readonly state: FrState;
  reset(): void;
  close(): Promise<void>;
}

export function startFrontStandin(opts?: { port?: number }): Promise<FrontStandin>;
