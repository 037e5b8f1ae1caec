/**
 * Gorgias end to end on its real host name: acme.gorgias.com is answered by the Gorgias stand-in
 * over HTTPS (helpdesk-host.ts), so the content script docks on https://acme.gorgias.com/app/ticket/…
 * and the connection's API calls to that origin reach the stand-in.
 */
import { GORGIAS_API_KEY, GORGIAS_EMAIL, startGorgiasStandin, type GorgiasState } from '../standins/gorgias.mjs';
import { connectorStory } from './connector-story';

const messages = (s: GorgiasState, id: string, text: string, note: boolean) =>
  s.tickets.find((t) => t.id === Number(id))!.messages.filter((m) => (m.channel === 'internal-note') === note && (m.body_text ?? '').includes(text)).length;

connectorStory<GorgiasState>({
  helpdesk: 'Gorgias',
  start: () => startGorgiasStandin(),
  hosts: ['acme.gorgias.com'],
  baseUrl: () => 'https://acme.gorgias.com',
  credentials: { Email: GORGIAS_EMAIL, 'API key': GORGIAS_API_KEY },
  checkSays: `Connected to Gorgias account acme at https://acme.gorgias.com as ${GORGIAS_EMAIL}.`,
  url: (_s, id) => `https://acme.gorgias.com/app/ticket/${id}`,
  raiseFrom: '63091193',
  linkFrom: '63091194',
  notes: (s, id, text) => messages(s.state, id, text, true),
  visible: (s, id, text) => messages(s.state, id, text, false),
  isOpen: (s, id) => s.state.tickets.find((t) => t.id === Number(id))!.status === 'open',
  close: (s, id) => void (s.state.tickets.find((t) => t.id === Number(id))!.status = 'closed'),
  reopens: (s) => s.state.requests.filter((r) => r.method === 'PUT' && r.body?.status === 'open').length,
  previewShows: ['We were charged twice for invoice INV-3.', 'Stripe shows two captures.', 'Grace Hopper'],
  refused: { key: 'apiKey', label: 'API key', value: 'revoked-key', says: "Gorgias refused the credentials (401). Check the connection's Email and API key" },
});
