/**
 * A HubSpot stand-in: the public API endpoints Backline uses, as HubSpot's own OpenAPI
 * descriptions declare them (test/contracts/specs/hubspot.*.json).
 *
 *   GET   /account-info/v3/details                         portal id and UI domain of the token
 *   GET   /crm/v3/objects/tickets/{id}?properties=…&associations=notes
 *   PATCH /crm/v3/objects/tickets/{id}                      {properties: {hs_pipeline_stage}}; a stage the
 *                                                            ticket's pipeline lacks → 400 VALIDATION_ERROR
 *   POST  /crm/v3/objects/notes                             {properties, associations} → 201 note (associated)
 *   POST  /crm/v3/objects/notes/batch/read                  {inputs, properties, propertiesWithHistory}
 *   GET   /conversations/v3/conversations/threads?associatedTicketId=&association=TICKET
 *   GET   /conversations/v3/conversations/threads/{id}/messages
 *   PATCH /conversations/v3/conversations/threads/{id}     {status}
 *
 * Auth: `Authorization: Bearer <private app token>`; anything else → 401 INVALID_AUTHENTICATION.
 * A token without the conversations scopes (`HUBSPOT_TICKETS_ONLY_TOKEN`) → 403 MISSING_SCOPES on
 * /conversations/. Errors are HubSpot's Error object {status, message, correlationId, category}.
 * Pipelines: "0" (the default, stages 1–4) and "77" (a custom one, stages 771–772).
 */
import { randomUUID } from 'node:crypto';
import { serveStandin } from './standin-server.mjs';

export const HUBSPOT_TOKEN = 'pat-eu1-0000-backline-standin';
export const HUBSPOT_TICKETS_ONLY_TOKEN = 'pat-eu1-1111-tickets-only';
export const HUBSPOT_PORTAL = 21635735;

const PIPELINES = { 0: ['1', '2', '3', '4'], 77: ['771', '772'] };
const at = (s) => new Date(Date.UTC(2026, 10, 20, 9, 0, s)).toISOString();

function seed() {
  const grace = { actorId: 'V-1', name: 'Grace Hopper', deliveryIdentifier: { type: 'HS_EMAIL_ADDRESS', value: 'grace@compilersystems.example' } };
  const priya = { actorId: 'A-3', name: 'Priya Shah' };
  return {
    tickets: [
      { id: '29859078751', properties: { subject: 'Charged twice for the March invoice', hs_pipeline: '0', hs_pipeline_stage: '1' }, noteIds: ['501'] },
      { id: '29859078752', properties: { subject: 'Refund request', hs_pipeline: '0', hs_pipeline_stage: '4' }, noteIds: [] },
      { id: '29859078753', properties: { subject: 'Partner escalation', hs_pipeline: '77', hs_pipeline_stage: '772' }, noteIds: [] },
      { id: '29859078754', properties: { subject: 'Form submission', hs_pipeline: '77', hs_pipeline_stage: '771' }, noteIds: [] },
    ],
    notes: [{ id: '501', properties: { hs_note_body: '<p>Stripe shows two captures.</p>', hs_timestamp: at(2) }, createdAt: at(2) }],
    threads: [
      { id: '8001', status: 'OPEN', associatedTicketId: '29859078751' },
      { id: '8003', status: 'CLOSED', associatedTicketId: '29859078753' },
    ],
    messages: [
      { id: 'm1', threadId: '8001', type: 'MESSAGE', direction: 'INCOMING', text: 'We were charged twice for invoice INV-3.', richText: '<p>We were charged <b>twice</b> for invoice INV-3.</p>', senders: [grace], createdAt: at(1) },
      { id: 'm2', threadId: '8001', type: 'COMMENT', text: 'Looping in finance.', richText: '<p>Looping in finance.</p>', senders: [priya], createdAt: at(3) },
      { id: 'm3', threadId: '8001', type: 'MESSAGE', direction: 'OUTGOING', text: 'We are on it.', senders: [priya], createdAt: at(4) },
      { id: 'm4', threadId: '8003', type: 'THREAD_STATUS_CHANGE', newStatus: 'CLOSED', senders: [], createdAt: at(5) },
    ],
    nextId: 900,
  };
}

const hsError = (status, category, message) => ({ status: 'error', message, correlationId: randomUUID(), category });

function ticketJson(t, url, state) {
  const wanted = url.searchParams.getAll('properties').flatMap((p) => p.split(','));
  const properties = { hs_object_id: t.id, ...(wanted.length ? Object.fromEntries(wanted.map((k) => [k, t.properties[k] ?? null])) : t.properties) };
  const assoc = url.searchParams.getAll('associations').flatMap((p) => p.split(','));
  const out = { id: t.id, properties, createdAt: at(0), updatedAt: at(9), archived: false };
  if (assoc.includes('notes') && t.noteIds.length) out.associations = { notes: { results: t.noteIds.filter((id) => state.notes.some((n) => n.id === id)).map((id) => ({ id, type: 'ticket_to_note' })) } };
  return out;
}

/** @param {{ port?: number }} [opts] */
export async function startHubSpotStandin({ port = 0 } = {}) {
  return serveStandin({
    port,
    seed,
    isApi: (path) => /^\/(crm|conversations|account-info)\//.test(path),
    authorize: (req) => [`Bearer ${HUBSPOT_TOKEN}`, `Bearer ${HUBSPOT_TICKETS_ONLY_TOKEN}`].includes(req.headers.authorization ?? ''),
    unauthorized: () => ({
      status: 401,
      body: hsError('error', 'INVALID_AUTHENTICATION', 'Authentication credentials not found. This API supports OAuth 2.0 authentication.'),
    }),
    route: ({ req, method, path, url, body, state, send }) => {
      if (path.startsWith('/conversations/') && req.headers.authorization === `Bearer ${HUBSPOT_TICKETS_ONLY_TOKEN}`) {
        return send(403, hsError('error', 'MISSING_SCOPES', 'This app hasn\'t been granted all required scopes to make this call.')), true;
      }
      if (method === 'GET' && path === '/account-info/v3/details') {
        return send(200, { portalId: HUBSPOT_PORTAL, accountType: 'STANDARD', timeZone: 'Europe/Berlin', companyCurrency: 'EUR', additionalCurrencies: [], utcOffset: '+01:00', utcOffsetMilliseconds: 3600000, uiDomain: 'app.hubspot.com', dataHostingLocation: 'eu1' }), true;
      }
      let m = /^\/crm\/v3\/objects\/tickets\/([^/]+)$/.exec(path);
      if (m) {
        const t = state.tickets.find((x) => x.id === m[1]);
        if (!t) return send(404, hsError('error', 'OBJECT_NOT_FOUND', 'resource not found')), true;
        if (method === 'GET') return send(200, ticketJson(t, url, state)), true;
        if (method === 'PATCH') {
          const stage = body?.properties?.hs_pipeline_stage;
          if (stage !== undefined && !PIPELINES[t.properties.hs_pipeline].includes(String(stage))) {
            return send(400, hsError('error', 'VALIDATION_ERROR', `Property values were not valid: hs_pipeline_stage ${stage} is not a stage of pipeline ${t.properties.hs_pipeline}`)), true;
          }
          Object.assign(t.properties, body?.properties ?? {});
          return send(200, ticketJson(t, new URL('http://x/'), state)), true;
        }
      }
      if (method === 'POST' && path === '/crm/v3/objects/notes') {
        const to = body?.associations?.[0]?.to?.id;
        const type = body?.associations?.[0]?.types?.[0];
        const t = state.tickets.find((x) => x.id === String(to));
        if (!body?.properties?.hs_timestamp) return send(400, hsError('error', 'VALIDATION_ERROR', 'Property values were not valid: hs_timestamp is required')), true;
        if (!t || type?.associationCategory !== 'HUBSPOT_DEFINED' || type?.associationTypeId !== 228) {
          return send(400, hsError('error', 'VALIDATION_ERROR', 'One or more associations are invalid')), true;
        }
        const note = { id: String(state.nextId++), properties: { ...body.properties }, createdAt: new Date().toISOString() };
        state.notes.push(note);
        t.noteIds.push(note.id);
        return send(201, { ...note, updatedAt: note.createdAt, archived: false }), true;
      }
      if (method === 'POST' && path === '/crm/v3/objects/notes/batch/read') {
        const ids = (body?.inputs ?? []).map((i) => i.id);
        const props = body?.properties ?? [];
        const results = state.notes.filter((n) => ids.includes(n.id)).map((n) => ({ id: n.id, properties: Object.fromEntries(props.map((p) => [p, n.properties[p] ?? null])), createdAt: n.createdAt, updatedAt: n.createdAt, archived: false }));
        return send(200, { status: 'COMPLETE', results, startedAt: new Date().toISOString(), completedAt: new Date().toISOString() }), true;
      }
      if (method === 'GET' && path === '/conversations/v3/conversations/threads') {
        const ticket = url.searchParams.get('associatedTicketId');
        const results = state.threads.filter((t) => !ticket || t.associatedTicketId === ticket).map(({ associatedTicketId, ...t }) => ({ ...t, archived: false, spam: false, createdAt: at(0), inboxId: '1', associatedContactId: '1', originalChannelId: '1000', originalChannelAccountId: '1' }));
        return send(200, { results }), true;
      }
      m = /^\/conversations\/v3\/conversations\/threads\/([^/]+)(\/messages)?$/.exec(path);
      if (m) {
        const th = state.threads.find((x) => x.id === m[1]);
        if (!th) return send(404, hsError('error', 'OBJECT_NOT_FOUND', 'thread not found')), true;
        if (m[2] && method === 'GET') return send(200, { results: state.messages.filter((x) => x.threadId === th.id).map(({ threadId, ...x }) => ({ ...x, conversationsThreadId: threadId, archived: false })) }), true;
        if (!m[2] && method === 'PATCH') {
          if (body?.status !== undefined && !['OPEN', 'CLOSED'].includes(body.status)) return send(400, hsError('error', 'VALIDATION_ERROR', 'status must be OPEN or CLOSED')), true;
          if (body?.status) th.status = body.status;
          return send(200, { id: th.id, status: th.status, archived: false }), true;
        }
      }
      return false;
    },
  });
}
