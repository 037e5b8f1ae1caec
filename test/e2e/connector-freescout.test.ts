/**
 * FreeScout end to end: the FreeScout stand-in on 127.0.0.1 serves the API & Webhooks module's API
 * and a minimal agent page at /conversation/{id}, which Backline recognises as a FreeScout
 * conversation on a loopback host, so the real content script docks its panel there.
 */
import { FREESCOUT_API_KEY, startFreeScoutStandin, type FreeScoutState } from '../standins/freescout.mjs';
import { connectorStory } from './connector-story';

const threads = (s: FreeScoutState, id: string, text: string, note: boolean) =>
  s.conversations.find((c) => c.id === Number(id))!.threads.filter((t) => (t.type === 'note') === note && t.body.includes(text)).length;

connectorStory<FreeScoutState>({
  helpdesk: 'FreeScout',
  start: () => startFreeScoutStandin(),
  credentials: { 'API key': FREESCOUT_API_KEY },
  checkSays: 'notes are posted as Priya Shah (priya@acme.example)',
  url: (s, id) => `${s.url}/conversation/${id}`,
  raiseFrom: '15',
  linkFrom: '16',
  notes: (s, id, text) => threads(s.state, id, text, true),
  visible: (s, id, text) => threads(s.state, id, text, false),
  isOpen: (s, id) => s.state.conversations.find((c) => c.id === Number(id))!.status === 'active',
  close: (s, id) => void (s.state.conversations.find((c) => c.id === Number(id))!.status = 'closed'),
  reopens: (s) => s.state.requests.filter((r) => r.method === 'PUT' && r.body?.status === 'active').length,
  previewShows: ['We were charged twice for invoice INV-3.', 'Stripe shows two captures.', 'Grace Hopper'],
  refused: { key: 'apiKey', label: 'API key', value: 'revoked-key', says: "FreeScout refused the credentials (401). Check the connection's API key" },
});
