/**
 * Requests of the options page. `admin:` requests need the options page as sender AND admin
 * settings unlocked; `opt:` requests need only the options page (unlocking, viewing, choosing
 * who you are, exporting). Merged into the protocol in lib/protocol.ts.
 */
import * as v from 'valibot';
import type { Teammate } from './model/records';
import type { TicketType } from './model/domain';
import type { ConnectionView } from './model/admin';
import type { BacklineExport, ImportSummary } from './model/admin';
import type { RemoveTypeResult, SaveTypeResult, Usage } from './model/admin';
// One schema per record, shared with the import and the options page's forms.
import { ConnectionInput, TeammateInput, TicketTypeInput } from './model/schemas';
import type { WorkspaceSettings } from './model/settings';
import type { WorkspaceStatus } from './model/workspace-docs';

const requestId = v.pipe(v.string(), v.regex(/^[0-9a-zA-Z-]{8,64}$/, 'requestId must be a UUID'));
const id = v.pipe(v.string(), v.minLength(1), v.maxLength(200));
const text = (max: number) => v.pipe(v.string(), v.maxLength(max));
const passphrase = text(1000);

/** An import file as text; the background parses and validates it (lib/store/transfer.ts). */
const importText = v.pipe(v.string(), v.maxLength(50 * 1024 * 1024, 'The file is larger than 50 MB.'));
/**
 * Or the file the options page holds, by the blob: URL it made for it, which the background
 * reads (lib/background/admin.ts, readPageFile): 15 MB sent as text take 1.5–2 s through the
 * extension's messaging, read this way 0.5 s, and the import that follows sends the URL only.
 */
const importFile = v.pipe(v.string(), v.startsWith('blob:', 'expected a blob: URL'), v.maxLength(500));
const importSource = <T extends v.ObjectEntries>(entries: T) =>
  v.union([v.strictObject({ ...entries, text: importText }), v.strictObject({ ...entries, file: importFile })]);

export const adminRequestSchemas = {
  // Options page, locked or not.
  'opt:adminStatus': v.strictObject({}),
  'opt:setPassphrase': v.strictObject({ requestId, passphrase, confirmation: passphrase }),
  'opt:unlock': v.strictObject({ passphrase }),
  'opt:lock': v.strictObject({}),
  'opt:workspace': v.strictObject({}),
  'opt:setMe': v.strictObject({ requestId, teammateId: id }),
  'opt:export': v.strictObject({}),
  'opt:workspaceStatus': v.strictObject({}),
  'opt:joinWorkspace': v.strictObject({
    url: text(2000),
    username: text(200),
    password: text(1000),
    localTickets: v.optional(v.picklist(['bring', 'keep'])),
  }),
  'opt:leaveWorkspace': v.strictObject({}),

  // Options page with admin settings unlocked.
  'admin:saveSettings': v.strictObject({ requestId, settings: v.strictObject({
      preventReopen: v.optional(v.boolean()),
      noReopenStates: v.optional(v.pipe(v.array(v.pipe(v.string(), v.maxLength(200))), v.maxLength(200))),
      reopenMaxAgeDays: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(36500))),
      confirmAbove: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100000))),
    }),
  }),
  'admin:saveTicketType': v.strictObject({ requestId, type: TicketTypeInput }),
  'admin:removeTicketType': v.strictObject({ requestId, typeId: id }),
  'admin:saveTeammate': v.strictObject({ requestId, teammate: TeammateInput }),
  'admin:removeTeammate': v.strictObject({ requestId, teammateId: id }),
  'admin:saveConnection': v.strictObject({ requestId, connection: ConnectionInput }),
  'admin:removeConnection': v.strictObject({ requestId, connectionId: id }),
  'admin:testConnection': v.strictObject({ connection: ConnectionInput }),
  'admin:checkImport': importSource({}),
  'admin:import': importSource({ requestId }),
  'admin:wipe': v.strictObject({ requestId }),
  'admin:setUpWorkspace': v.strictObject({}),
} as const;

/** What the options page needs to draw the admin lock and the settings. */
export interface AdminStatus {
  passphraseSet: boolean;
  unlocked: boolean;
  /** Milliseconds until another unlock attempt is allowed after wrong passphrases (0: now). */
  retryAfterMs: number;
  /** Settings in force (policy on top of stored). */
  settings: WorkspaceSettings;
  /** Settings the organisation sets by enterprise policy: shown as such, not changeable. */
  policyKeys: (keyof WorkspaceSettings)[];
}

/** Everything the options page lists. Connections come masked: tokens never leave the background. */
export interface Workspace {
  /** All ticket types, archived (removed but still used) ones included. */
  types: TicketType[];
  usage: Usage;
  teammates: Teammate[];
  me: Teammate;
  connections: ConnectionView[];
}

export type ConnectionTest = { ok: true; detail: string } | { ok: false; error: string };

export interface AdminResponseMap {
  'opt:adminStatus': AdminStatus;
  'opt:setPassphrase': AdminStatus;
  'opt:unlock': AdminStatus;
  'opt:lock': AdminStatus;
  'opt:workspace': Workspace;
  'opt:workspaceStatus': WorkspaceStatus & { localTickets: number };
  /** Not joined (`joined: false`) when tickets are on this browser and no choice was made: the page asks. */
  'opt:joinWorkspace': { joined: boolean; localTickets: number; role?: 'admin' | 'member' };
  'opt:leaveWorkspace': WorkspaceStatus & { localTickets: number };
  'admin:setUpWorkspace': { message: string };
  'opt:setMe': Teammate;
  'opt:export': BacklineExport;
  'admin:saveSettings': WorkspaceSettings;
  'admin:saveTicketType': SaveTypeResult;
  'admin:removeTicketType': RemoveTypeResult;
  'admin:saveTeammate': Teammate;
  'admin:removeTeammate': { removed: true };
  /** `missingPermission`: a self-hosted origin whose pages Backline may not read yet. */
  'admin:saveConnection': { connection: ConnectionView; missingPermission: boolean; warning: string };
  'admin:removeConnection': { removed: boolean };
  'admin:testConnection': ConnectionTest;
  'admin:checkImport': ImportSummary;
  'admin:import': ImportSummary;
  'admin:wipe': { wiped: true };
}
