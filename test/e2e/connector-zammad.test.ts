/**
 * Zammad end to end: the Zammad stand-in on 127.0.0.1 serves Zammad's API and a minimal agent page
 * at /desktop/tickets/{id}, which Backline recognises as a Zammad ticket on a loopback host, so
 * the real content script docks its panel there.
 */
import { startZammadStandin, ZAMMAD_TOKEN, type ZammadState } from '../standins/zammad.mjs';
import { connectorStory } from './connector-story';

const notes = (s: ZammadState, id: string, text: string, internal: boolean) =>
  s.articles.filter((a) => a.ticket_id === Number(id) && a.internal === internal && a.body.includes(text)).length;

connectorStory<ZammadState>({
  helpdesk: 'Zammad',
  start: () => startZammadStandin(),
  credentials: { 'Access token': ZAMMAD_TOKEN },
  checkSays: 'as Priya Shah (priya@acme.example)',
  url: (s, id) => `${s.url}/desktop/tickets/${id}`,
  raiseFrom: '1',
  linkFrom: '3',
  notes: (s, id, text) => notes(s.state, id, text, true),
  visible: (s, id, text) => notes(s.state, id, text, false),
  isOpen: (s, id) => s.state.tickets.find((t) => t.id === Number(id))!.state === 'open',
  close: (s, id) => void (s.state.tickets.find((t) => t.id === Number(id))!.state = 'closed'),
  reopens: (s) => s.state.requests.filter((r) => r.method === 'PUT' && r.body?.state === 'open').length,
  previewShows: ['We were charged twice for invoice INV-3.', 'Stripe shows two captures.', 'Grace Hopper'],
  refused: { key: 'token', label: 'Access token', value: 'revoked-token', says: "Zammad refused the credentials (401). Check the connection's Access token" },
});
