/**
 * HubSpot end to end on its real hosts: app.hubspot.com (the help desk's pages) and api.hubapi.com
 * (its API, the connection's prefilled Base URL) are both answered by the HubSpot stand-in over
 * HTTPS (helpdesk-host.ts). Saving the connection asks the API which portal the token belongs to;
 * the help desk pages of that portal (/help-desk/<portal>/…/ticket/<id>) are then served.
 */
import { HUBSPOT_PORTAL, HUBSPOT_TOKEN, startHubSpotStandin, type HubSpotState } from '../standins/hubspot.mjs';
import { connectorStory } from './connector-story';

const notes = (s: HubSpotState, id: string, text: string) =>
  s.notes.filter((n) => s.tickets.find((t) => t.id === id)!.noteIds.includes(n.id) && n.properties.hs_note_body!.includes(text)).length;

connectorStory<HubSpotState>({
  helpdesk: 'HubSpot',
  start: () => startHubSpotStandin(),
  hosts: ['app.hubspot.com', 'api.hubapi.com'],
  baseUrl: () => 'https://api.hubapi.com',
  credentials: { 'Access token': HUBSPOT_TOKEN },
  checkSays: `Connected to HubSpot account ${HUBSPOT_PORTAL} (app.hubspot.com)`,
  url: (_s, id) => `https://app.hubspot.com/help-desk/${HUBSPOT_PORTAL}/view/95291824/ticket/${id}`,
  raiseFrom: '29859078751',
  linkFrom: '29859078752',
  notes: (s, id, text) => notes(s.state, id, text),
  // Backline writes nothing to the customer's thread.
  visible: (s, _id, text) => s.state.messages.filter((m) => (m.text ?? '').includes(text)).length,
  isOpen: (s, id) => ['1', '3'].includes(s.state.tickets.find((t) => t.id === id)!.properties.hs_pipeline_stage!),
  close: (s, id) => void (s.state.tickets.find((t) => t.id === id)!.properties.hs_pipeline_stage = '4'),
  reopens: (s) => s.state.requests.filter((r) => r.method === 'PATCH').length,
  previewShows: ['We were charged twice for invoice INV-3.', 'Stripe shows two captures.', 'Looping in finance.'],
  refused: { key: 'token', label: 'Access token', value: 'pat-revoked', says: "HubSpot refused the credentials (401). Check the connection's Access token" },
});
