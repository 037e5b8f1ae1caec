// Type declarations for ./freescout.mjs.
import type { StandinHandle } from './standin-server.mjs';

export const FREESCOUT_API_KEY: string;

export interface FreeScoutPerson {
  id: number;
  type: string;
  firstName: string;
  lastName: string;
  email: string;
}
export interface FreeScoutThread {
  id: number;
  type: 'customer' | 'message' | 'note' | string;
  status: string;
  state: string;
  /** HTML, as FreeScout keeps it. */
  body: string;
  createdBy: FreeScoutPerson;
  customer: FreeScoutPerson;
  createdAt: string;
}
export interface FreeScoutConversation {
  id: number;
  number: number;
  subject: string;
  status: 'active' | 'pending' | 'closed' | 'spam';
  state: string;
  customer: FreeScoutPerson & { company: string | null };
  threads: FreeScoutThread[];
}
export interface FreeScoutState {
  users: (Omit<FreeScoutPerson, 'type'> & { role: string })[];
  conversations: FreeScoutConversation[];
  nextThreadId: number;
}

export function startFreeScoutStandin(opts?: { port?: number }): Promise<StandinHandle<FreeScoutState>>;
