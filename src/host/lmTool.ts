// llm_costs_query as a language-model tool, so chat agents in VS Code can answer "what did I spend on
// Opus this week by project?". Output: a short text summary plus the result JSON; a bad param comes back
// as a clear message naming it (so the model can fix the call), not as a crash.
import type * as vscode from 'vscode';
import type { EngineApi } from '../core/engine-api';
import { summarizeQueryResult, toolErrorText } from './querySurface';

export const TOOL_NAME = 'llm_costs_query';

export function registerQueryTool(api: typeof vscode, engine: EngineApi): vscode.Disposable {
  // vscode.lm exists from 1.90; guard anyway for hosts without chat (the command still works).
  if (!api.lm || typeof api.lm.registerTool !== 'function') return { dispose() {} };
  return api.lm.registerTool<Record<string, unknown>>(TOOL_NAME, {
    prepareInvocation(options) {
      const input = options.input ?? {};
      const bits = Object.entries(input).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
      return { invocationMessage: `Querying Claude Code usage${bits.length ? ` (${bits.join(', ')})` : ''}` };
    },
    async invoke(options) {
      try {
        const result = await engine.query(options.input ?? {});
        return new api.LanguageModelToolResult([
          new api.LanguageModelTextPart(summarizeQueryResult(result)),
          new api.LanguageModelTextPart(JSON.stringify(result, null, 2)),
        ]);
      } catch (e) {
        return new api.LanguageModelToolResult([new api.LanguageModelTextPart(toolErrorText(e))]);
      }
    },
  });
}
