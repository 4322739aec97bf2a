// llm_costs_query as a language-model tool, so chat agents in VS Code can answer "what did I spend on
// Opus this week by project?". Output: a short text summary plus the result JSON; a bad param comes back
// as a clear message naming it (so the model can fix the call), not as a crash. A cancelled invocation
// cancels its query (CancellationError, as VS Code expects).
import type * as vscode from 'vscode';
import type { EngineApi } from '../core/engine-api';
import { isCancellation } from './engineClient';
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
    async invoke(options, token) {
      // A cancelled chat turn: the engine skips the query if it has not started, and nobody gets an answer.
      const controller = new AbortController();
      const listener = token.onCancellationRequested(() => controller.abort());
      if (token.isCancellationRequested) controller.abort();
      try {
        const result = await engine.query(options.input ?? {}, undefined, { signal: controller.signal });
        if (token.isCancellationRequested) throw new api.CancellationError();
        return new api.LanguageModelToolResult([
          new api.LanguageModelTextPart(summarizeQueryResult(result)),
          new api.LanguageModelTextPart(JSON.stringify(result, null, 2)),
        ]);
      } catch (e) {
        if (token.isCancellationRequested || isCancellation(e)) throw e instanceof api.CancellationError ? e : new api.CancellationError();
        return new api.LanguageModelToolResult([new api.LanguageModelTextPart(toolErrorText(e))]);
      } finally {
        listener.dispose();
      }
    },
  });
}
