/**
 * A store on a fresh (fake-indexeddb) database for one test, closed after it. The older test
 * files still open their own the same way.
 */
import { afterEach } from 'vitest';
import type { Teammate } from '../../lib/model/records';
import type { ChangeSet } from '../../lib/model/views';
import { Store } from '../../lib/store';
import { openBacklineDb, type BacklineDatabase } from '../../lib/store/schema';

const opened: BacklineDatabase[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) db.close();
});

/** A Store with these teammates in it, and the change sets it announced. */
export async function openTestStore(name: string, teammates: Teammate[] = []): Promise<{ db: BacklineDatabase; store: Store; changes: ChangeSet[] }> {
  const db = await openBacklineDb(`${name}-${crypto.randomUUID()}`);
  opened.push(db);
  const changes: ChangeSet[] = [];
  const store = new Store(db, (c) => changes.push(c));
  for (const t of teammates) await db.put('teammates', t);
  return { db, store, changes };
}
