// Type declarations for ./intercom.mjs.
import type { StandinHandle } from './kit.mjs';
export interface IntercomPart {
  type: 'conversation_part';
  id: string;
  part_type: string;
  body: string | null;
  created_at: number;
  updated_at: number;
  author: { type: string; id: string; name: string; email?: string };
  attachments: unknown[];
  redacted: boolean;
}
export interface IntercomConversation {
  type: 'conversation';
  id: string;
  title: string | null;
  created_at: number;
  updated_at: number;
  state: 'open' | 'closed' | 'snoozed';
  open: boolean;
  snoozed_until: number | null;
  source: { type: string; id: string; delivered_as: string; subject: string; body: string; author: { type: string; id: string; name: string; email: string }; attachments: unknown[] };
  parts: IntercomPart[];
}
export interface IntercomState {
  conversations: IntercomConversation[];
  nextPartId: number;
}
export const INTERCOM_TOKEN: 'intercom-token';
export const INTERCOM_WORKSPACE: 'acme42x';
export const INTERCOM_ADMIN_ID: '991267459';
export function startIntercomStandin(options?: { port?: number }): Promise<StandinHandle<IntercomState>>;
