// Type declarations for ./zendesk.mjs.
import type { StandinHandle } from './kit.mjs';
export interface ZendeskComment {
  id: number;
  type: 'Comment';
  author_id: number;
  body: string;
  html_body: string;
  plain_body: string;
  public: boolean;
  attachments: unknown[];
  created_at: string;
}
export interface ZendeskTicket {
  id: number;
  status: 'new' | 'open' | 'pending' | 'hold' | 'solved' | 'closed';
  subject: string;
  requester_id: number;
  comments: ZendeskComment[];
}
export interface ZendeskState {
  users: { id: number; name: string; email: string; role: string; organization_id: number | null }[];
  organizations: { id: number; name: string }[];
  tickets: ZendeskTicket[];
  nextCommentId: number;
  nextAuditId: number;
  idempotency: Record<string, { body: string; answer: unknown }>;
}
export const ZENDESK_EMAIL: 'agent@acme.test';
export const ZENDESK_TOKEN: 'zendesk-token';
export function startZendeskStandin(options?: { port?: number }): Promise<StandinHandle<ZendeskState>>;
