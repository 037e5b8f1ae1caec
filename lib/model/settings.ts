/**
 * Workspace settings, and the enterprise policy that may set them: organisations that manage
 * their browsers set them through `storage.managed` (schema in public/managed-schema.json). A
 * policy value wins over what an admin stored, is shown as set by the organisation, and cannot
 * be changed on the page.
 */

export interface WorkspaceSettings {
  /** "Prevent state changes from reopening linked conversations". */
  preventReopen: boolean;
  /**
   * State ids whose change reopens no linked conversation ("Reopen linked conversations when
   * the state becomes", unticked). Kept as the exceptions so a state added later reopens, as
   * every state did before these rules.
   */
  noReopenStates: string[];
  /** "Never reopen conversations closed more than (days)"; 0: no limit. */
  reopenMaxAgeDays: number;
  /** "Ask before changing more than (conversations)". */
  confirmAbove: number;
}
export const DEFAULT_SETTINGS: WorkspaceSettings = { preventReopen: false, noReopenStates: [], reopenMaxAgeDays: 0, confirmAbove: 10 };

/** Stored settings with every setting added since they were saved filled in with its default. */
export function withDefaults(stored: Partial<WorkspaceSettings> | null | undefined): WorkspaceSettings {
  return { ...DEFAULT_SETTINGS, ...(stored ?? {}) };
}

export type SettingKey = keyof WorkspaceSettings;

/** Settings an organisation can set by policy, with the type their value must have. */
const POLICY_SETTINGS: { [K in SettingKey]?: 'boolean' } = {
  preventReopen: 'boolean',
};

/** Human names of the settings, for messages. */
export const SETTING_LABELS: Record<SettingKey, string> = {
  preventReopen: 'Prevent state changes from reopening linked conversations',
  noReopenStates: 'Reopen linked conversations when the state becomes',
  reopenMaxAgeDays: 'Never reopen conversations closed more than (days)',
  confirmAbove: 'Ask before changing more than (conversations)',
};

export interface ParsedPolicy {
  /** Only the keys the policy sets, with values of the right type. */
  values: Partial<WorkspaceSettings>;
  /** Policy entries that were ignored, with the reason (unknown key, wrong type). */
  ignored: string[];
}

/**
 * Reads the raw `storage.managed` object. Unknown keys and values of the wrong type are
 * ignored (and reported) rather than trusted: a typo in a policy must not break the extension.
 */
export function parsePolicy(raw: unknown): ParsedPolicy {
  const values: Partial<WorkspaceSettings> = {};
  const ignored: string[] = [];
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { values, ignored };
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (!Object.hasOwn(POLICY_SETTINGS, key)) {
      ignored.push(`${key}: not a Backline setting`);
      continue;
    }
    const k = key as SettingKey;
    if (value === undefined || value === null) continue;
    if (typeof value !== POLICY_SETTINGS[k]) {
      ignored.push(`${key}: expected a ${POLICY_SETTINGS[k]}, got ${JSON.stringify(value)}`);
      continue;
    }
    (values as Record<string, unknown>)[k] = value;
  }
  return { values, ignored };
}

/** The keys a policy sets, in a stable order. */
export function policyKeys(policy: Partial<WorkspaceSettings>): SettingKey[] {
  return (Object.keys(POLICY_SETTINGS) as SettingKey[]).filter((k) => policy[k] !== undefined);
}

/**
 * The settings in force: what the admin stored (defaults already filled in), with every
 * policy value on top. `policy` must come from parsePolicy, so its values have the right type.
 */
export function effectiveSettings(stored: WorkspaceSettings, policy: Partial<WorkspaceSettings>): WorkspaceSettings {
  const out: WorkspaceSettings = { ...stored };
  for (const k of policyKeys(policy)) (out as unknown as Record<string, unknown>)[k] = policy[k];
  return out;
}

/**
 * The keys of `patch` that a policy sets. A write touching any of them must be refused, even
 * when it would write the same value: the page should never offer the change at all.
 */
export function policyConflicts(patch: Partial<WorkspaceSettings>, policy: Partial<WorkspaceSettings>): SettingKey[] {
  return (Object.keys(patch) as SettingKey[]).filter((k) => patch[k] !== undefined && policy[k] !== undefined);
}

/** The sentence shown when a write touches a policy-set setting. */
export function policyConflictMessage(keys: SettingKey[]): string {
  const names = keys.map((k) => `“${SETTING_LABELS[k]}”`).join(' and ');
  return `${names} ${keys.length > 1 ? 'are' : 'is'} set by your organisation’s browser policy and cannot be changed here. Ask whoever manages your browsers.`;
}
