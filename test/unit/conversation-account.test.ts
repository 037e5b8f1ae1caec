/**
 * A conversation whose page URL carries no account (FreeScout, self-hosted Zammad) is stored with
 * account '' and found by its connection: '' is part of its identity, not an empty value to drop.
 */
import { afterEach, expect, it } from 'vitest';
import { findConnection } from '../../lib/connectors';
import { conversationKey } from '../../lib/helpdesks';
import type { ConnectionRecord, ConversationRecord } from '../../lib/model/records';
import { Store } from '../../lib/store';
import { openBacklineDb, type BacklineDatabase } from '../../lib/store/schema';

const open: BacklineDatabase[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

it('keeps an empty account on the stored conversation, so the connection for its origin serves it', async () => {
  const db = await openBacklineDb(`conversation-account-${crypto.randomUUID()}`);
  open.push(db);
  const store = new Store(db, () => {});
  const ctx = { helpdesk: 'freescout' as const, origin: 'http://127.0.0.1:8080', account: '', conversationId: '15' };
  const saved = await store.rememberConversation({ key: conversationKey(ctx), ...ctx, kind: 'conversation', title: 'Refund', customerName: '', customerEmail: '', company: '' });
  expect(saved.account).toBe('');
  const stored = (await db.get('conversations', saved.key)) as ConversationRecord;
  expect(stored).toHaveProperty('account', '');

  const connection: ConnectionRecord = { id: 'c', helpdesk: 'freescout', baseUrl: 'http://127.0.0.1:8080', account: '', credentials: { apiKey: 'k' }, label: '', createdAt: 1, updatedAt: 1 };
  expect(findConnection(stored, [connection])?.id).toBe('c');
  // A record written before the fix, without the property, is served too.
  const { account: _dropped, ...old } = stored;
  expect(findConnection(old as ConversationRecord, [connection])?.id).toBe('c');
});
