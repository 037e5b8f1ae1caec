// Type declarations for ./freshdesk.mjs.
import type { StandinHandle } from './kit.mjs';
export interface FreshdeskConversation {
  id: number;
  body: string;
  body_text: string;
  private: boolean;
  incoming: boolean;
  user_id: number;
  source: number;
  attachments: unknown[];
  created_at: string;
}
export interface FreshdeskTicket {
  id: number;
  /** 2 Open, 3 Pending, 4 Resolved, 5 Closed */
  status: number;
  subject: string;
  description_text: string;
  requester_id: number;
  company_id: number;
  created_at: string;
  conversations: FreshdeskConversation[];
}
export interface FreshdeskState {
  agent: { id: number; contact: { name: string; email: string } };
  contacts: { id: number; name: string; email: string }[];
  companies: { id: number; name: string }[];
  tickets: FreshdeskTicket[];
  nextId: number;
}
export const FRESHDESK_API_KEY: 'freshdesk-api-key';
export function startFreshdeskStandin(options?: { port?: number }): Promise<StandinHandle<FreshdeskState>>;
