// The agent's fixed part (system prompt and tool schemas of the main group, memory at its smallest
// share): what every request carries before any conversation, for the "context too small" warning.
import type {StartMessage, SwarmSettings} from '../../container/agent-runner/src/protocol.js';
import {buildSystemPrompt} from '../../container/agent-runner/src/system-prompt.js';
import {estimateRequest} from '../../container/agent-runner/src/token-budget.js';
import {toolDefinitions, toolsFor} from '../../container/agent-runner/src/tools/registry.js';

export interface FixedPartInput {
	assistantName: string;
	groupDir: string;
	globalDir: string;
	skillsDir: string;
	/** Sub-agents on: the delegate tool is part of it. */
	swarm?: SwarmSettings;
}

export function agentFixedTokens(input: FixedPartInput, charsPerToken: number): number {
	const group = {folder: 'main', name: 'Main', isMain: true, chatJid: 'local:main'};
	const tools = toolsFor(group, input.swarm);
	const start: StartMessage = {
		type: 'start',
		runId: '',
		group,
		assistantName: input.assistantName,
		paths: {group: input.groupDir, global: input.globalDir, ipc: '', session: '', skills: input.skillsDir, extra: {}, readOnly: []},
		contextMode: 'group',
		limits: {maxToolRounds: 1, toolOutputChars: 1, ipcAckTimeoutMs: 1},
		turn: {turnId: '', prompt: ''},
	};
	const system = buildSystemPrompt({start, tools, memoryChars: 1000});
	return estimateRequest([{role: 'system', content: system}], toolDefinitions(tools), charsPerToken);
}
