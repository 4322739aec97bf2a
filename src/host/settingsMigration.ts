// Settings written by 0.1.0 that the current manifest no longer accepts. The budgets and the custom plan
// limit were `number | null` (null = none), which VS Code's Settings editor can only show as "Edit in
// settings.json"; they are plain numbers now, 0 = none. A null left in settings.json would be flagged as
// the wrong type, so it is removed (the default, 0, means the same thing). Pure over a small config
// interface: the host passes vscode.workspace.getConfiguration('claudeCosts').
export const FORMERLY_NULLABLE_SETTINGS = ['budget.daily', 'budget.monthly', 'customPlanTokenLimit'] as const;

/** The part of vscode.WorkspaceConfiguration used here (targets: 1 = user, 2 = workspace). */
export interface MigratableConfig {
  inspect(key: string): { globalValue?: unknown; workspaceValue?: unknown } | undefined;
  update(key: string, value: undefined, target: 1 | 2): PromiseLike<void>;
}

/** Removes null values of the formerly nullable settings; returns what it changed ("budget.daily (user)"). */
export async function migrateNullSettings(config: MigratableConfig): Promise<string[]> {
  const changed: string[] = [];
  for (const key of FORMERLY_NULLABLE_SETTINGS) {
    const seen = config.inspect(key);
    if (!seen) continue;
    if (seen.globalValue === null) {
      await config.update(key, undefined, 1);
      changed.push(`${key} (user)`);
    }
    if (seen.workspaceValue === null) {
      await config.update(key, undefined, 2);
      changed.push(`${key} (workspace)`);
    }
  }
  return changed;
}
