// @ts-check
/**
 * Seed data for the sandbox helpdesk (see ./server.mjs).
 *
 * Timestamps are relative to "now" so the inbox always looks fresh and the
 * snoozed conversations are always snoozed until a time in the future.
 * `createSeed()` returns brand-new objects on every call, so callers may
 * mutate the result freely.
 *
 * Facts the tests rely on (keep them stable):
 *   - account 1 holds conversations 1..8
 *   - conversation 1 is open, 2 snoozed, 3 resolved, 4 pending
 *   - statuses overall: open 1, 5, 8 · pending 4 · snoozed 2, 6 · resolved 3, 7
 *   - private notes exist in conversations 1 and 5
 *   - the API token `sandbox-token` belongs to agent 1, Sam Rivera
 */

export const SANDBOX_ACCOUNT_ID = 1;
export const SANDBOX_TOKEN = 'sandbox-token';

/**
 * @typedef {'open' | 'resolved' | 'pending' | 'snoozed'} ConversationStatus
 *
 * @typedef {object} SandboxAccount
 * @property {number} id
 * @property {string} name
 *
 * @typedef {object} SandboxUser
 * @property {number} id
 * @property {string} name
 * @property {string} email
 * @property {'agent' | 'administrator'} role
 * @property {string} access_token
 * @property {number[]} account_ids
 *
 * @typedef {object} SandboxInbox
 * @property {number} id
 * @property {number} account_id
 * @property {string} name
 * @property {string} channel_type
 *
 * @typedef {object} SandboxContact
 * @property {number} id
 * @property {number} account_id
 * @property {string} name
 * @property {string | null} email
 * @property {string | null} phone_number
 * @property {string | null} identifier
 * @property {Record<string, unknown>} additional_attributes  company_name, city, country, ...
 * @property {Record<string, unknown>} custom_attributes
 * @property {number} created_at
 * @property {number} last_activity_at
 *
 * @typedef {object} SandboxMessage
 * @property {number} id
 * @property {string} content
 * @property {0 | 1 | 2} message_type  0 incoming, 1 outgoing, 2 activity
 * @property {string} content_type
 * @property {Record<string, unknown>} content_attributes
 * @property {boolean} private
 * @property {number} created_at  unix seconds
 * @property {number} updated_at  unix seconds
 * @property {'Contact' | 'User' | null} sender_type
 * @property {number | null} sender_id
 * @property {string | null} source_id
 * @property {'sent' | 'delivered' | 'read' | 'failed'} status
 * @property {string} [echo_id]
 *
 * @typedef {object} SandboxConversation
 * @property {number} id  display id, unique per account
 * @property {number} account_id
 * @property {number} inbox_id
 * @property {number} contact_id
 * @property {number | null} assignee_id
 * @property {string} uuid
 * @property {string} contact_source_id
 * @property {ConversationStatus} status
 * @property {number | null} snoozed_until  unix seconds
 * @property {'urgent' | 'high' | 'medium' | 'low' | null} priority
 * @property {string[]} labels
 * @property {Record<string, unknown>} additional_attributes
 * @property {Record<string, unknown>} custom_attributes
 * @property {number} created_at
 * @property {number} updated_at
 * @property {number} last_activity_at
 * @property {number} agent_last_seen_at
 * @property {number} contact_last_seen_at
 * @property {number} first_reply_created_at
 * @property {number} waiting_since
 * @property {SandboxMessage[]} messages  ordered by id (= creation order)
 *
 * @typedef {object} SandboxData
 * @property {SandboxAccount[]} accounts
 * @property {SandboxUser[]} users
 * @property {SandboxInbox[]} inboxes
 * @property {SandboxContact[]} contacts
 * @property {SandboxConversation[]} conversations
 * @property {number} nextMessageId
 */

const MIN = 60;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

const SAM = 1;
const PRIYA = 2;
const EMAIL_INBOX = 1;
const CHAT_INBOX = 2;

/**
 * Builds a fresh copy of the seed data.
 * @param {number} [now] unix seconds that the relative timestamps are based on
 * @returns {SandboxData}
 */
export function createSeed(now = Math.floor(Date.now() / 1000)) {
  let nextMessageId = 1001;

  /**
   * @param {number} secondsAgo
   * @param {'in' | 'out' | 'note' | 'activity'} kind
   * @param {string} content
   * @param {{ contactId?: number, userId?: number, sourceId?: string }} [who]
   * @returns {SandboxMessage}
   */
  const msg = (secondsAgo, kind, content, who = {}) => {
    const at = now - secondsAgo;
    const incoming = kind === 'in';
    const activity = kind === 'activity';
    return {
      id: nextMessageId++,
      content,
      message_type: incoming ? 0 : activity ? 2 : 1,
      content_type: 'text',
      content_attributes: {},
      private: kind === 'note',
      created_at: at,
      updated_at: at,
      sender_type: activity ? null : incoming ? 'Contact' : 'User',
      sender_id: activity ? null : incoming ? (who.contactId ?? null) : (who.userId ?? null),
      source_id: who.sourceId ?? null,
      status: 'sent',
    };
  };

  /**
   * @param {number} id
   * @param {string} name
   * @param {string} email
   * @param {string | null} phone
   * @param {Record<string, unknown>} attrs
   * @param {Record<string, unknown>} custom
   * @param {number} createdAgo
   * @returns {SandboxContact}
   */
  const contact = (id, name, email, phone, attrs, custom, createdAgo) => ({
    id,
    account_id: SANDBOX_ACCOUNT_ID,
    name,
    email,
    phone_number: phone,
    identifier: null,
    additional_attributes: attrs,
    custom_attributes: custom,
    created_at: now - createdAgo,
    last_activity_at: now - createdAgo,
  });

  const contacts = [
    contact(101, 'Ada Lovelace', 'ada@analyticalengines.co.uk', '+442079460321',
      { company_name: 'Analytical Engines Ltd', city: 'London', country: 'United Kingdom', country_code: 'GB' },
      { plan: 'Business', seats: 25 }, 400 * DAY),
    contact(102, 'Grace Hopper', 'grace@compilersystems.com', '+12025550143',
      { company_name: 'Compiler Systems Inc', city: 'Arlington', country: 'United States', country_code: 'US' },
      { plan: 'Enterprise', seats: 180 }, 700 * DAY),
    contact(103, 'Alan Turing', 'alan@bletchleyanalytics.io', '+441908640404',
      { company_name: 'Bletchley Analytics', city: 'Milton Keynes', country: 'United Kingdom', country_code: 'GB' },
      { plan: 'Starter', seats: 5 }, 90 * DAY),
    contact(104, 'Katherine Johnson', 'katherine@orbitaldynamics.com', '+17575550182',
      { company_name: 'Orbital Dynamics Co', city: 'Hampton', country: 'United States', country_code: 'US' },
      { plan: 'Trial', seats: 60 }, 6 * DAY),
    contact(105, 'Margaret Hamilton', 'margaret@apolloguidance.dev', '+16175550199',
      { company_name: 'Apollo Guidance Labs', city: 'Cambridge', country: 'United States', country_code: 'US' },
      { plan: 'Business', seats: 42 }, 250 * DAY),
    contact(106, 'Hedy Lamarr', 'hedy@frequencyhopping.de', '+4930901820',
      { company_name: 'Frequency Hopping GmbH', city: 'Berlin', country: 'Germany', country_code: 'DE' },
      { plan: 'Business', seats: 40 }, 320 * DAY),
    contact(107, 'Charles Babbage', 'charles@differenceengine.works', '+442079460958',
      { company_name: 'Difference Engine Works', city: 'London', country: 'United Kingdom', country_code: 'GB' },
      { plan: 'Starter', seats: 3 }, 150 * DAY),
    contact(108, 'Rosalind Franklin', 'rosalind@heliximaging.org', '+441223555013',
      { company_name: 'Helix Imaging Labs', city: 'Cambridge', country: 'United Kingdom', country_code: 'GB' },
      { plan: 'Business', seats: 18 }, 45 * DAY),
  ];

  /**
   * @param {Partial<SandboxConversation> & Pick<SandboxConversation, 'id' | 'inbox_id' | 'contact_id' | 'status' | 'messages'>} c
   * @returns {SandboxConversation}
   */
  const conversation = (c) => {
    const first = c.messages[0];
    const last = c.messages[c.messages.length - 1];
    const firstReply = c.messages.find((m) => m.message_type === 1 && !m.private);
    const person = contacts.find((p) => p.id === c.contact_id);
    return {
      account_id: SANDBOX_ACCOUNT_ID,
      assignee_id: null,
      uuid: `5b0e4c3a-9f1d-4c2e-8a7b-${String(c.id).padStart(12, '0')}`,
      contact_source_id: c.inbox_id === EMAIL_INBOX ? (person?.email ?? '') : `widget-${c.id}-${c.contact_id}`,
      snoozed_until: null,
      priority: null,
      labels: [],
      additional_attributes: {},
      custom_attributes: {},
      created_at: first ? first.created_at : now,
      updated_at: last ? last.created_at : now,
      last_activity_at: last ? last.created_at : now,
      agent_last_seen_at: last ? last.created_at : now,
      contact_last_seen_at: 0,
      first_reply_created_at: firstReply ? firstReply.created_at : 0,
      waiting_since: 0,
      ...c,
    };
  };

  const chatAttrs = {
    browser: { browser_name: 'Chrome', browser_version: '126.0', platform_name: 'macOS', platform_version: '14.5', device_name: 'Macintosh' },
    referer: 'https://app.example.com/settings',
    browser_language: 'en',
  };

  const conversations = [
    // 1 · open · email · private note · one unread customer follow-up
    (() => {
      const messages = [
        msg(3 * HOUR, 'in',
          'Hi there,\n\nOur card was charged twice for invoice INV-2041 (€1,250.00) on 3 March. ' +
          'Could you refund the duplicate? Our finance team needs this sorted before the month-end close.\n\nThanks,\nAda',
          { contactId: 101, sourceId: '<CAF7x1Qm2041@mail.analyticalengines.co.uk>' }),
        msg(2 * HOUR + 30 * MIN, 'out',
          'Hi Ada, thanks for flagging this and sorry for the trouble. I can see two payments against INV-2041. ' +
          "I'm checking with our billing team now and will get back to you today.",
          { userId: SAM }),
        msg(2 * HOUR + 25 * MIN, 'note',
          'Stripe shows two captures for INV-2041, 40 seconds apart. Looks like the checkout retry bug from last week. ' +
          'Needs a refund + credit note from the billing back office.',
          { userId: SAM }),
        msg(35 * MIN, 'in',
          'Thanks Sam. Any update? Our accountant is asking for the credit note number.',
          { contactId: 101, sourceId: '<CAF7x1Qm2042@mail.analyticalengines.co.uk>' }),
      ];
      return conversation({
        id: 1, inbox_id: EMAIL_INBOX, contact_id: 101, assignee_id: SAM, status: 'open', priority: 'high',
        labels: ['billing'],
        additional_attributes: { mail_subject: 'Charged twice for the March invoice' },
        custom_attributes: { invoice_number: 'INV-2041' },
        agent_last_seen_at: now - 2 * HOUR,
        waiting_since: now - 35 * MIN,
        messages,
      });
    })(),

    // 2 · snoozed (2 days ahead) · web chat
    conversation({
      id: 2, inbox_id: CHAT_INBOX, contact_id: 102, assignee_id: PRIYA, status: 'snoozed',
      snoozed_until: now + 2 * DAY, labels: ['bug', 'export'],
      additional_attributes: chatAttrs,
      messages: [
        msg(2 * DAY, 'in',
          'Our nightly CSV export has been stuck at 99% since Tuesday. Job ID exp_88213. Is something wrong on your side?',
          { contactId: 102 }),
        msg(2 * DAY - 20 * MIN, 'out',
          'Hi Grace, thanks for the job ID. Engineering found a stuck worker on the export queue and is deploying a fix. ' +
          "I'll check back with you once it is out.",
          { userId: PRIYA }),
        msg(2 * DAY - 22 * MIN, 'activity', 'Conversation was snoozed by Priya Shah'),
      ],
    }),

    // 3 · resolved · email
    conversation({
      id: 3, inbox_id: EMAIL_INBOX, contact_id: 103, assignee_id: SAM, status: 'resolved',
      labels: ['account-access'],
      additional_attributes: { mail_subject: 'Locked out after changing phone (2FA)' },
      messages: [
        msg(5 * DAY, 'in',
          'I replaced my phone and can no longer generate two-factor codes. How can I get back into my account?',
          { contactId: 103, sourceId: '<20240311.8812@bletchleyanalytics.io>' }),
        msg(5 * DAY - 20 * MIN, 'out',
          "Hi Alan, I've verified your identity via your backup email and reset two-factor authentication on your account. " +
          "You'll be asked to set it up again at your next login.",
          { userId: SAM }),
        msg(5 * DAY - 40 * MIN, 'in', "That worked, I'm back in. Thank you!",
          { contactId: 103, sourceId: '<20240311.8813@bletchleyanalytics.io>' }),
        msg(5 * DAY - 45 * MIN, 'activity', 'Conversation was marked resolved by Sam Rivera'),
      ],
    }),

    // 4 · pending · web chat · unassigned
    conversation({
      id: 4, inbox_id: CHAT_INBOX, contact_id: 104, assignee_id: null, status: 'pending',
      labels: ['sales', 'sso'],
      additional_attributes: chatAttrs,
      messages: [
        msg(55 * MIN, 'in',
          "Hello! We're evaluating SAML single sign-on with Okta. Does the Business plan include SSO, or do we need Enterprise?",
          { contactId: 104 }),
        msg(49 * MIN, 'out',
          'Hi Katherine, SSO is part of the Enterprise plan. I have asked our solutions team to confirm pricing for 60 seats ' +
          'and will come back to you as soon as I hear from them.',
          { userId: PRIYA }),
        msg(48 * MIN, 'activity', 'Conversation was marked as pending by Priya Shah'),
      ],
    }),

    // 5 · open · email · urgent · private note by another agent
    conversation({
      id: 5, inbox_id: EMAIL_INBOX, contact_id: 105, assignee_id: SAM, status: 'open', priority: 'urgent',
      labels: ['api', 'incident'],
      additional_attributes: { mail_subject: 'API returning 429 Too Many Requests since this morning' },
      messages: [
        msg(95 * MIN, 'in',
          'Since about 08:00 UTC every call to /v2/orders returns 429, even though we are well under our documented limit ' +
          'of 600 requests per minute. This is blocking our warehouse sync.',
          { contactId: 105, sourceId: '<a91f.429@apolloguidance.dev>' }),
        msg(80 * MIN, 'out',
          'Hi Margaret, thanks for the detail. Could you send the request ID of one failing call? ' +
          'That will let us trace which limiter is rejecting you.',
          { userId: SAM }),
        msg(70 * MIN, 'in',
          'Sure: request ID req_01HF3K9Q2M. The response headers say X-RateLimit-Limit: 60, which looks wrong.',
          { contactId: 105, sourceId: '<a920.429@apolloguidance.dev>' }),
        msg(65 * MIN, 'note',
          "Her org was moved to the legacy 60 rpm tier during last night's plan migration. " +
          'Raising it with the platform team; please do not promise a timeline yet.',
          { userId: PRIYA }),
      ],
    }),

    // 6 · snoozed (7 days ahead) · email
    conversation({
      id: 6, inbox_id: EMAIL_INBOX, contact_id: 106, assignee_id: PRIYA, status: 'snoozed',
      snoozed_until: now + 7 * DAY, labels: ['billing', 'refund'],
      additional_attributes: { mail_subject: 'Refund request for 10 unused seats' },
      custom_attributes: { order_id: 'ORD-77310' },
      messages: [
        msg(3 * DAY, 'in',
          'We over-purchased seats on our annual plan: 10 of our 40 seats have never been assigned. ' +
          'Can we get a pro-rated refund for them?',
          { contactId: 106, sourceId: '<c0ffee.77310@frequencyhopping.de>' }),
        msg(3 * DAY - 30 * MIN, 'out',
          "Hi Hedy, I've passed this to our finance team for approval. Refunds are processed at the start of the " +
          "next billing week, so I'll follow up with you then.",
          { userId: PRIYA }),
        msg(3 * DAY - 31 * MIN, 'activity', 'Conversation was snoozed by Priya Shah'),
      ],
    }),

    // 7 · resolved · web chat
    conversation({
      id: 7, inbox_id: CHAT_INBOX, contact_id: 107, assignee_id: PRIYA, status: 'resolved',
      labels: ['import'],
      additional_attributes: chatAttrs,
      messages: [
        msg(8 * DAY, 'in', "CSV import fails with 'File too large'. The file is 14 MB.", { contactId: 107 }),
        msg(8 * DAY - 10 * MIN, 'out',
          'Hi Charles, the import limit is 10 MB per file. You can split the CSV into two files, or zip it: ' +
          'zipped uploads up to 50 MB are accepted.',
          { userId: PRIYA }),
        msg(8 * DAY - 25 * MIN, 'in', 'Zipping it worked. Cheers!', { contactId: 107 }),
        msg(8 * DAY - 30 * MIN, 'activity', 'Conversation was marked resolved by Priya Shah'),
      ],
    }),

    // 8 · open · web chat · unassigned · two unread messages
    conversation({
      id: 8, inbox_id: CHAT_INBOX, contact_id: 108, assignee_id: null, status: 'open',
      labels: ['feature-request'],
      additional_attributes: chatAttrs,
      agent_last_seen_at: now - 20 * MIN,
      waiting_since: now - 12 * MIN,
      messages: [
        msg(12 * MIN, 'in',
          'Is there a way to schedule the weekly report for Mondays instead of Fridays? I could not find it in settings.',
          { contactId: 108 }),
        msg(11 * MIN, 'in', 'Also, could the PDF include our logo?', { contactId: 108 }),
      ],
    }),
  ];

  for (const c of conversations) {
    const person = contacts.find((p) => p.id === c.contact_id);
    if (person) person.last_activity_at = Math.max(person.last_activity_at, c.last_activity_at);
  }

  return {
    accounts: [{ id: SANDBOX_ACCOUNT_ID, name: 'Acme Support' }],
    users: [
      { id: SAM, name: 'Sam Rivera', email: 'sam.rivera@acme-support.test', role: 'administrator', access_token: SANDBOX_TOKEN, account_ids: [SANDBOX_ACCOUNT_ID] },
      { id: PRIYA, name: 'Priya Shah', email: 'priya.shah@acme-support.test', role: 'agent', access_token: 'sandbox-token-priya', account_ids: [SANDBOX_ACCOUNT_ID] },
    ],
    inboxes: [
      { id: EMAIL_INBOX, account_id: SANDBOX_ACCOUNT_ID, name: 'Support Email', channel_type: 'Channel::Email' },
      { id: CHAT_INBOX, account_id: SANDBOX_ACCOUNT_ID, name: 'Website Chat', channel_type: 'Channel::WebWidget' },
    ],
    contacts,
    conversations,
    nextMessageId,
  };
}
