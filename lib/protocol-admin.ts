/**
 * Requests of the options page. `admin:` requests need the options page as sender AND admin
 * settings unlocked; `opt:` requests need only the options page (unlocking, viewing).
 * Merged into the protocol in lib/protocol.ts.
 */
import * as v from 'valibot';
import type { WorkspaceSettings } from './store';

const requestId = v.pipe(v.string(), v.regex(/^[0-9a-zA-Z-]{8,64}$/, 'requestId must be a UUID'));

export const adminRequestSchemas = {
  'admin:saveSettings': v.strictObject({ requestId, settings: v.strictObject({ preventReopen: v.optional(v.boolean()) }) }),
} as const;

export interface AdminResponseMap {
  'admin:saveSettings': WorkspaceSettings;
}
