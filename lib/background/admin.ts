/**
 * Handlers of the options page's requests. The sender and unlock checks happen in
 * handleMessage before any of these run.
 */
import type { AdminResponseMap } from '../protocol-admin';
import type { RequestOf } from '../protocol';
import type { BackgroundEnv, SenderInfo } from './service';

type AdminHandlers = {
  [K in keyof AdminResponseMap]: (payload: RequestOf<K>, sender: SenderInfo) => Promise<AdminResponseMap[K]>;
};

export function createAdminHandlers(env: BackgroundEnv): AdminHandlers {
  return {
    async 'admin:saveSettings'(p) {
      return (await env.store()).saveSettings(p.requestId, p.settings);
    },
  };
}
