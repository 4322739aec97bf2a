// The extension activates in a real extension host and registers its public surfaces.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { runChecks } from './check';

export const EXTENSION_ID = 'claude-code-costs.claude-code-costs';

/** The command ids of INTERFACES.md: the public contract of the extension. */
export const COMMAND_IDS = [
  'llm_costs_query',
  'claudeCosts.rescan',
  'claudeCosts.rebuild',
  'claudeCosts.openPanel',
  'claudeCosts.installStatuslineCapture',
  'claudeCosts.removeStatuslineCapture',
];

export async function run(): Promise<void> {
  await runChecks('extension', [
    {
      name: 'activates',
      run: async () => {
        const extension = vscode.extensions.getExtension(EXTENSION_ID);
        assert.ok(extension, `extension ${EXTENSION_ID} is not installed in this host`);
        await extension.activate();
        assert.equal(extension.isActive, true);
      },
    },
    {
      name: 'registers every command of the contract',
      run: async () => {
        const registered = new Set(await vscode.commands.getCommands(true));
        const missing = COMMAND_IDS.filter((id) => !registered.has(id));
        assert.deepEqual(missing, [], `commands not registered: ${missing.join(', ')}`);
      },
    },
    {
      name: 'declares every command in package.json under the "Claude Costs" category',
      run: () => {
        const manifest = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as {
          contributes?: { commands?: { command: string; category?: string; title: string }[] };
        };
        const declared = new Map((manifest.contributes?.commands ?? []).map((c) => [c.command, c]));
        for (const id of COMMAND_IDS) {
          const command = declared.get(id);
          assert.ok(command, `${id} is not declared in contributes.commands`);
          assert.equal(command.category, 'Claude Costs', `${id} category`);
        }
        const panel = declared.get('claudeCosts.openPanel')!;
        assert.equal(`${panel.category}: ${panel.title}`, 'Claude Costs: Open Costs Panel', 'palette label of the panel command');
      },
    },
    {
      name: 'registers the language-model tool llm_costs_query',
      run: () => {
        const tool = vscode.lm.tools.find((t) => t.name === 'llm_costs_query');
        assert.ok(tool, `vscode.lm.tools has no llm_costs_query (has: ${vscode.lm.tools.map((t) => t.name).join(', ') || 'none'})`);
        assert.ok(tool.description.length > 20, 'the tool needs a description a model can act on');
        assert.equal(typeof tool.inputSchema, 'object', 'the tool declares an input schema');
      },
    },
  ]);
}
