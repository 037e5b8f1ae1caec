/**
 * What "Set up workspace" installs on the server: the database's `_security` (who may read and
 * write at all) and the design document whose `validate_doc_update` enforces who may write what.
 */
import { WORKSPACE_ROLES } from '../model/workspace-docs';

export function workspaceRules(): { designDoc: Record<string, unknown> & { _id: string }; security: Record<string, unknown> } {
  throw new Error(`not wired yet ${WORKSPACE_ROLES.admin}`);
}
