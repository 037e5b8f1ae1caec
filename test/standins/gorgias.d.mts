// Type declarations for ./gorgias.mjs.
import type { StandinHandle } from './standin-server.mjs';

export const GORGIAS_EMAIL: string;
export const GORGIAS_API_KEY: string;
export const GORGIAS_BUCKET: number;

export interface GorgiasPerson {
  id: number;
  name: string;
  email: string;
}
export interface GorgiasMessage {
  id: number;
  channel: string;
  via: string;
  from_agent: boolean;
  public: boolean;
  body_text: string | null;
  body_html: string | null;
  sender: GorgiasPerson;
  created_datetime: string;
}
export interface GorgiasTicket {
  id: number;
  status: 'open' | 'closed';
  subject: string;
  snooze_datetime: string | null;
  customer: GorgiasPerson;
  messages: GorgiasMessage[];
}
export interface GorgiasState {
  tickets: GorgiasTicket[];
  agents: GorgiasPerson[];
  nextMessageId: number;
  /** The leaky bucket of the rate limit. */
  bucket: { level: number; at: number };
}

export function startGorgiasStandin(opts?: { port?: number }): Promise<StandinHandle<GorgiasState>>;
