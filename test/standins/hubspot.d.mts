// Type declarations for ./hubspot.mjs.
import type { StandinHandle } from './standin-server.mjs';

export const HUBSPOT_TOKEN: string;
export const HUBSPOT_TICKETS_ONLY_TOKEN: string;
export const HUBSPOT_PORTAL: number;

export interface HubSpotTicket {
  id: string;
  properties: Record<string, string>;
  noteIds: string[];
}
export interface HubSpotNote {
  id: string;
  properties: Record<string, string>;
  createdAt: string;
}
export interface HubSpotThread {
  id: string;
  status: 'OPEN' | 'CLOSED';
  associatedTicketId: string;
}
export interface HubSpotMessage {
  id: string;
  threadId: string;
  type: string;
  direction?: 'INCOMING' | 'OUTGOING';
  text?: string;
  richText?: string;
  newStatus?: string;
  senders: unknown[];
  createdAt: string;
}
export interface HubSpotState {
  tickets: HubSpotTicket[];
  notes: HubSpotNote[];
  threads: HubSpotThread[];
  messages: HubSpotMessage[];
  nextId: number;
}

export function startHubSpotStandin(opts?: { port?: number }): Promise<StandinHandle<HubSpotState>>;
