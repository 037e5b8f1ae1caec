/**
 * What "Set up workspace" installs on the server: the database's `_security` (who may read and
 * write at all) and the design document whose `validate_doc_update` enforces who may write what.
 */
import { WORKSPACE_DESIGN_DOC, WORKSPACE_SECURITY } from '../model/workspace-rules';

export function workspaceRules(): { designDoc: Record<string, unknown> & { _id: string }; security: Record<string, unknown> } {
  return { designDoc: { ...WORKSPACE_DESIGN_DOC() }, security: WORKSPACE_SECURITY };
}
