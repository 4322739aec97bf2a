// The language-model tool answers with the same figures as the command.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { runChecks } from './check';

export async function run(): Promise<void> {
  await runChecks('language-model tool', [
    {
      name: 'invoking llm_costs_query returns the same totals as the command',
      run: async () => {
        const params = { window: 'all', group_by: 'none', tz: 'UTC' };
        const fromCommand = (await vscode.commands.executeCommand('llm_costs_query', params)) as { totals: { requests: number; cost_usd: number } };
        const result = await vscode.lm.invokeTool(
          'llm_costs_query',
          { input: params, toolInvocationToken: undefined },
          new vscode.CancellationTokenSource().token,
        );
        const text = result.content
          .filter((part): part is vscode.LanguageModelTextPart => part instanceof vscode.LanguageModelTextPart)
          .map((part) => part.value)
          .join('\n');
        assert.ok(text.length > 0, 'the tool result has a text part');
        // The model reads the result as text; the figures must be the command's, not a paraphrase.
        assert.ok(text.includes(String(fromCommand.totals.requests)), `request count ${fromCommand.totals.requests} missing from the tool's text:\n${text.slice(0, 500)}`);
      },
    },
  ]);
}
