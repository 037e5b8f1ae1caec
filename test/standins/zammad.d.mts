// Type declarations for ./zammad.mjs.
import type { StandinHandle } from './standin-server.mjs';

export const ZAMMAD_TOKEN: string;
export const ZAMMAD_CUSTOMER_TOKEN: string;

export interface ZammadTicket {
  id: number;
  number: string;
  title: string;
  state: string;
  pending_time: string | null;
  customer: string;
  organization: string | null;
}
export interface ZammadArticle {
  id: number;
  ticket_id: number;
  type: string;
  sender: string;
  from: string;
  subject?: string | null;
  body: string;
  content_type: string;
  internal: boolean;
  created_at: string;
  created_by: string;
}
export interface ZammadState {
  me: { id: number; login: string; firstname: string; lastname: string; email: string };
  tickets: ZammadTicket[];
  articles: ZammadArticle[];
  nextArticleId: number;
}

export function startZammadStandin(opts?: { port?: number }): Promise<StandinHandle<ZammadState>>;
