// The scripted model's side of a swarm: the main agent delegates tasks, each sub-agent writes its
// file with write_file and answers, and the main agent's follow-up lists what came back.
import type {ChatRequestBody, ScriptedReply} from './ollama-server.js';

export interface SwarmTask {
	name: string;
	prompt: string;
	tools?: string[];
}

export const fileTasks: SwarmTask[] = ['alpha', 'beta', 'gamma'].map((name) => ({name, prompt: `Write ${name}.txt with the findings about ${name}.`, tools: ['write_file']}));

/** The sub-agent a request comes from (by the name in its task message), or undefined for the main agent. */
export function subagentOf(request: ChatRequestBody): string | undefined {
	return /^Sub-agent "([^"]+)", your task:/.exec(request.messages[1]?.content ?? '')?.[1];
}

export const lastRole = (request: ChatRequestBody) => request.messages.at(-1)?.role;
const toolResults = (request: ChatRequestBody) => request.messages.filter((m) => m.role === 'tool').map((m) => m.content);

export const subagentAnswer = (name: string) => `${name}: the findings are in ${name}.txt`;
export const findings = (name: string) => `Findings about ${name}: all good.\n`;

export interface SwarmModelOptions {
	tasks?: SwarmTask[];
	/** A sub-agent's own reply to a request (undefined: the default: write the file, then answer). */
	override?: (name: string, request: ChatRequestBody) => ScriptedReply | Promise<ScriptedReply> | undefined;
	/** The main agent's reply to a request that is not its delegate call or its summary. */
	main?: (request: ChatRequestBody) => ScriptedReply | undefined;
}

/** A fallback for the scripted server that plays the main agent and every sub-agent. */
export function swarmModel(options: SwarmModelOptions = {}): (request: ChatRequestBody) => ScriptedReply | Promise<ScriptedReply> {
	const tasks = options.tasks ?? fileTasks;
	return (request) => {
		const name = subagentOf(request);
		if (!name) {
			const custom = options.main?.(request);
			if (custom) return custom;
			if (lastRole(request) === 'tool') return {content: `Here is what the sub-agents found.\n${request.messages.at(-1)!.content}`};
			return {toolCalls: [{name: 'delegate', arguments: {tasks}}]};
		}
		const custom = options.override?.(name, request);
		if (custom) return custom;
		if (!toolResults(request).some((result) => result.startsWith('wrote'))) return {toolCalls: [{name: 'write_file', arguments: {path: `${name}.txt`, content: findings(name)}}]};
		return {content: subagentAnswer(name)};
	};
}
