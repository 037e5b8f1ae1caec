/** Help Scout: conversations at secure.helpscout.net/conversation/{id}/{number}. */
import { defineHelpdesk, ID, idFromPath, REST, type UrlExamples } from './types';

export const helpscout = defineHelpdesk({
  id: 'helpscout',
  name: 'Help Scout',
  kind: 'conversation',
  hosts: ['secure.helpscout.net'],
  // The first number is the conversation id and is always present; the second (the #number
  // agents see) is sometimes left out, so keying on it would split one conversation in two.
  match: idFromPath(new RegExp(`^/conversation/${ID}${REST}`)),
  // Snoozing is separate from the status in Help Scout (a conversation stays active while snoozed).
  statuses: { active: 'open', open: 'open', pending: 'pending', closed: 'closed', spam: 'closed' },
  connection: {
    defaultBaseUrl: 'https://api.helpscout.net',
    baseUrlHint: 'Help Scout’s API: https://api.helpscout.net.',
    account: { from: 'none' },
    credentials: [
      { key: 'appId', label: 'App ID', secret: false, hint: 'In Help Scout: your avatar → My Apps → Create My App; its App ID.' },
      { key: 'appSecret', label: 'App secret', secret: true, hint: 'The App Secret shown with the App ID under My Apps.' },
    ],
  },
});

export const examples: UrlExamples = {
  conversations: [
    ['https://secure.helpscout.net/conversation/3382659721/11535/', { origin: 'https://secure.helpscout.net', account: '', conversationId: '3382659721' }],
    ['https://secure.helpscout.net/conversation/2199011258/891142?folderId=39835', { origin: 'https://secure.helpscout.net', account: '', conversationId: '2199011258' }],
    ['https://secure.helpscout.net/conversation/3002667039/22184?viewId=8492330', { origin: 'https://secure.helpscout.net', account: '', conversationId: '3002667039' }],
    ['https://secure.helpscout.net/conversation/1229180365', { origin: 'https://secure.helpscout.net', account: '', conversationId: '1229180365' }],
  ],
  others: [
    'https://secure.helpscout.net/mailbox/123/',
    'https://secure.helpscout.net/mailbox/123/39835/',
    'https://secure.helpscout.net/conversation/new',
    'https://helpscout.net/conversation/1/2',
    'https://secure.helpscout.net.evil.example/conversation/1/2',
  ],
};
