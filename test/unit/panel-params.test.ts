import { describe, expect, it } from 'vitest';
import { contextFromParams } from '../../components/panel/params';

describe('panel.html query parameters', () => {
  it('reads a conversation page URL', () => {
    expect(contextFromParams(`?url=${encodeURIComponent('http://127.0.0.1:4517/app/accounts/1/conversations/3')}`)).toEqual({
      helpdesk: 'chatwoot',
      origin: 'http://127.0.0.1:4517',
      account: '1',
      conversationId: '3',
      kind: 'conversation',
    });
  });

  it('reads host and conversation, defaulting to Chatwoot and https', () => {
    expect(contextFromParams('?host=support.acme.com&account=2&conversation=9')).toEqual({
      helpdesk: 'chatwoot',
      origin: 'https://support.acme.com',
      account: '2',
      conversationId: '9',
      kind: 'conversation',
    });
    expect(contextFromParams('?helpdesk=zendesk&host=https://acme.zendesk.com&conversation=5&kind=ticket')).toMatchObject({
      helpdesk: 'zendesk',
      origin: 'https://acme.zendesk.com',
      kind: 'ticket',
    });
  });

  it('gives no conversation for missing or malformed parameters', () => {
    expect(contextFromParams('')).toBeNull();
    expect(contextFromParams('?conversation=3')).toBeNull();
    expect(contextFromParams('?host=http://[bad&conversation=3')).toBeNull();
    expect(contextFromParams(`?url=${encodeURIComponent('https://example.com/not/a/helpdesk')}`)).toBeNull();
  });

  it('refuses an unknown helpdesk or kind instead of trusting the URL', () => {
    expect(contextFromParams('?helpdesk=myspace&host=a.example&conversation=1')).toBeNull();
    expect(contextFromParams('?host=a.example&conversation=1&kind=whatever')).toBeNull();
  });
});
