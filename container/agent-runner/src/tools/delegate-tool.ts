// delegate: the agent hands independent tasks to sub-agents that run in parallel, then reads all
// their answers at once. One level deep: a sub-agent never gets this tool.
import type {SwarmSettings} from '../protocol.js';
import {runSubagent, type SubagentOutcome, type SubagentTask} from '../swarm/subagent.js';
import {cutText} from '../text.js';
import {resultBudget, type Tool, ToolFailure} from './tool.js';

export const delegateToolName = 'delegate';
export const defaultDelegateTimeoutMs = 600_000;
const maxNameChars = 40;

export interface TaskSpec {
	name: string;
	prompt: string;
	/** Undefined: every tool of the caller but delegate. */
	tools?: string[];
}

export type TasksResult = {ok: true; tasks: TaskSpec[]} | {ok: false; error: string};

/** The tasks of a delegate call, checked against the caller's tools and the limit; or what is wrong with them. */
export function parseTasks(raw: unknown, max: number, callerTools: string[]): TasksResult {
	const fail = (error: string): TasksResult => ({ok: false, error});
	if (!Array.isArray(raw) || raw.length === 0) return fail('"tasks" must be a non-empty array of {"name", "prompt", "tools"?}');
	if (raw.length > max) return fail(`${raw.length} tasks is more than the ${max} sub-agents allowed per call (AGENT_SWARM_MAX): merge tasks or do the rest yourself`);
	const offered = callerTools.filter((name) => name !== delegateToolName);
	const tasks: TaskSpec[] = [];
	for (const [index, item] of raw.entries()) {
		const which = `task ${index + 1}`;
		if (!item || typeof item !== 'object' || Array.isArray(item)) return fail(`${which} must be an object {"name", "prompt", "tools"?}`);
		const {name, prompt, tools} = item as Record<string, unknown>;
		if (typeof name !== 'string' || !name.trim()) return fail(`${which} needs a "name" (a short label)`);
		const label = name.trim();
		if (label.length > maxNameChars || /[\u0000-\u001f"]/.test(label)) return fail(`${which}: "name" must be at most ${maxNameChars} characters, on one line, without quotes`);
		if (tasks.some((task) => task.name === label)) return fail(`${which}: the name "${label}" is used twice; give each task its own name`);
		if (typeof prompt !== 'string' || !prompt.trim()) return fail(`task "${label}" needs a "prompt": the whole task, since a sub-agent does not see this conversation`);
		if (tools !== undefined && (!Array.isArray(tools) || !tools.every((tool) => typeof tool === 'string'))) return fail(`task "${label}": "tools" must be an array of tool names`);
		for (const tool of (tools ?? []) as string[]) {
			if (tool === delegateToolName) return fail(`task "${label}": a sub-agent cannot delegate (one level deep); leave "${delegateToolName}" out`);
			if (!offered.includes(tool)) return fail(`task "${label}": "${tool}" is not one of your tools (${offered.join(', ')})`);
		}
		tasks.push({name: label, prompt, ...(tools ? {tools: [...new Set(tools as string[])]} : {})});
	}
	return {ok: true, tasks};
}

/** What the caller reads: a line of totals, then each sub-agent's status and answer, cut to an equal share of `chars`. */
export function formatOutcomes(outcomes: SubagentOutcome[], chars: number): string {
	const counts = new Map<string, number>();
	for (const outcome of outcomes) counts.set(outcome.state, (counts.get(outcome.state) ?? 0) + 1);
	const header = `${outcomes.length} sub-agent${outcomes.length === 1 ? '' : 's'}: ${[...counts].map(([state, count]) => `${count} ${state}`).join(', ')}`;
	const share = Math.max(200, Math.floor((chars - header.length) / Math.max(1, outcomes.length)) - 80);
	const parts = outcomes.map((outcome) => {
		const status = outcome.state === 'done' ? 'done' : outcome.state === 'failed' ? `failed: ${outcome.error}` : `${outcome.state}: ${outcome.error}`;
		const text = outcome.answer ? cutText(outcome.answer, share, 'answer') : '(no answer)';
		return `## ${outcome.name} (${status})\n${outcome.state === 'done' ? text : `last output: ${text}`}`;
	});
	return [header, ...parts].join('\n\n');
}

export function delegateTool(settings: SwarmSettings): Tool {
	return {
		name: delegateToolName,
		description: `Run 1 to ${settings.maxAgents} independent tasks at once in sub-agents, each with a fresh context and only the tools named; returns each answer and status. They do not see this chat: say all they need.`,
		params: {
			tasks: {
				type: 'array',
				description: 'One per sub-agent; tools default to yours but delegate',
				required: true,
				items: {type: 'object', properties: {name: {type: 'string'}, prompt: {type: 'string'}, tools: {type: 'array', items: {type: 'string'}}}, required: ['name', 'prompt']},
			},
			timeout_ms: {type: 'integer', description: `Stop them after this long (default ${defaultDelegateTimeoutMs})`, min: 1000},
		},
		async run(args, context) {
			const swarm = context.swarm;
			if (!swarm) throw new ToolFailure('a sub-agent cannot delegate (one level deep): do the task yourself');
			const parsed = parseTasks(args.tasks, settings.maxAgents, [...swarm.tools.keys()]);
			if (!parsed.ok) throw new ToolFailure(parsed.error);
			const timeoutMs = (args.timeout_ms as number | undefined) ?? defaultDelegateTimeoutMs;
			const started = parsed.tasks.map((spec) => {
				const names = spec.tools ?? [...swarm.tools.keys()].filter((name) => name !== delegateToolName);
				const task: SubagentTask = {name: spec.name, prompt: spec.prompt, tools: new Map(names.map((name) => [name, swarm.tools.get(name)!]))};
				return {task, ...swarm.registry.add()};
			});
			const timer = setTimeout(() => {
				for (const {id} of started) swarm.registry.stop(id, 'timed out', `it timed out after ${timeoutMs} ms (timeout_ms)`);
			}, timeoutMs);
			try {
				const outcomes = await Promise.all(started.map(({task, id, signal}) => runSubagent(task, id, signal, swarm, context)));
				return formatOutcomes(outcomes, resultBudget(context));
			} finally {
				clearTimeout(timer);
			}
		},
	};
}
