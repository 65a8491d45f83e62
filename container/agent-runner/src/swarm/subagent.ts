// One sub-agent: its own tool loop with its own short transcript, in the caller's sandbox, with the
// system prompt's rules, the group's memory and only its tools, fitted to the caller's budget. Its
// progress goes to the host as `subagent` messages (the Containers pane), never to the chat.
import {ContextWindow} from '../context-window.js';
import type {LlmReply} from '../llm-bridge.js';
import type {SubagentState} from '../protocol.js';
import {buildSystemPrompt} from '../system-prompt.js';
import {cutText} from '../text.js';
import {memoryCharsPerFile} from '../token-budget.js';
import {toToolDefinition} from '../tool-args.js';
import {runToolLoop, type LoopSink} from '../tool-loop.js';
import type {Tool, ToolContext} from '../tools/tool.js';
import type {SwarmContext} from './swarm-context.js';

export interface SubagentTask {
	name: string;
	prompt: string;
	tools: Map<string, Tool>;
}

export interface SubagentOutcome {
	name: string;
	state: Exclude<SubagentState, 'running'>;
	/** The final answer (done), or the last thing it said (otherwise). */
	answer: string;
	/** Why it failed, timed out or was killed. */
	error?: string;
}

const lineChars = 300;
const firstLine = (text: string) => cutText(text.trim().split('\n').find((line) => line.trim()) ?? '', 200, 'line').split('\n')[0];
const stripPrivate = (text: string) => text.replace(/<(internal|think)>[\s\S]*?(<\/\1>|$)/g, '').trim();

/** The model's side of a sub-agent's first message: its name and the task it was given. */
export const subagentPrompt = (name: string, prompt: string) => `Sub-agent "${name}", your task:\n\n${prompt}`;

/** Tracks what the host is told: rounds, tokens, the latest output and transcript lines not yet sent. */
class Progress {
	rounds = 0;
	tokens = 0;
	lastOutput = '';
	private lines: string[] = [];

	constructor(
		private readonly swarm: SwarmContext,
		private readonly id: string,
		private readonly name: string,
	) {}

	line(text: string): void {
		this.lines.push(cutText(text.replace(/\s+/g, ' ').trim(), lineChars, 'line').split('\n')[0]);
	}

	send(state: SubagentState, error?: string): void {
		const lines = this.lines.splice(0);
		this.swarm.writer.send({
			type: 'subagent',
			id: this.id,
			name: this.name,
			state,
			rounds: this.rounds,
			tokens: this.tokens,
			...(this.lastOutput ? {lastOutput: this.lastOutput} : {}),
			...(error ? {error} : {}),
			...(lines.length ? {lines} : {}),
		});
	}
}

export async function runSubagent(task: SubagentTask, id: string, signal: AbortSignal, swarm: SwarmContext, caller: ToolContext): Promise<SubagentOutcome> {
	const {name} = task;
	const budget = swarm.budget();
	const {maxRounds, tokenBudget} = swarm.settings;
	const progress = new Progress(swarm, id, name);
	let answer = '';
	const sink: LoopSink = {
		delta: () => {},
		output: (text) => (answer = text),
		toolUse: (tool, summary) => {
			progress.lastOutput = `${tool} ${firstLine(summary)}`;
			progress.line(`→ ${tool} ${summary}`);
			progress.send('running');
		},
		toolResult: (tool, text) => progress.line(`← ${tool}: ${text}`),
		reply: (reply: LlmReply) => {
			progress.rounds++;
			progress.tokens += reply.usage ? reply.usage.promptTokens + reply.usage.outputTokens : Math.ceil(reply.content.length / budget.charsPerToken);
			const said = stripPrivate(reply.content);
			if (said) {
				progress.lastOutput = firstLine(said);
				progress.line(`${name}: ${said}`);
			}
			progress.send('running');
			// An answer is kept whatever it cost; only going on past the budget is refused.
			return progress.tokens > tokenBudget && reply.toolCalls.length > 0 ? `it used ${progress.tokens} tokens, over its budget of ${tokenBudget} (AGENT_SWARM_TOKEN_BUDGET)` : undefined;
		},
		log: (level, msg) => swarm.writer.send({type: 'log', level, msg: `sub-agent "${name}": ${msg}`, subagent: name}),
	};
	progress.line(`task: ${task.prompt}`);
	progress.send('running');
	const tools = task.tools;
	const definitions = [...tools.values()].map((tool) => toToolDefinition(tool.name, tool.description, tool.params));
	const systemPrompt = buildSystemPrompt({start: caller.start, tools, memoryChars: memoryCharsPerFile(budget), subagent: true});
	const window = new ContextWindow({budget, systemPrompt, tools: definitions, transcript: {messages: []}});
	const {swarm: _own, ...context} = caller;
	let outcome: SubagentOutcome;
	try {
		const result = await runToolLoop({
			// The run's id keeps the names of its saved tool outputs apart from other runs' sub-agents.
			turn: {turnId: `${caller.start.runId}-${id}`, prompt: subagentPrompt(name, task.prompt)},
			window,
			definitions,
			tools,
			context,
			bridge: swarm.bridge,
			sink,
			maxToolRounds: maxRounds,
			signal,
			subagent: id,
		});
		const cause = swarm.registry.causeOf(id);
		if (cause) outcome = {name, state: cause, answer: progress.lastOutput, error: String(signal.reason)};
		else if (!result.ok) outcome = {name, state: 'failed', answer: progress.lastOutput, error: result.error};
		else if (result.stopped) outcome = {name, state: 'failed', answer: stripPrivate(answer), error: `it stopped after ${maxRounds} rounds of tool calls without an answer (AGENT_SWARM_MAX_ROUNDS)`};
		else outcome = {name, state: 'done', answer: stripPrivate(answer)};
	} catch (error) {
		outcome = {name, state: 'failed', answer: progress.lastOutput, error: `it failed: ${(error as Error).message}`};
	} finally {
		swarm.registry.remove(id);
	}
	if (outcome.state === 'done') {
		progress.lastOutput = firstLine(outcome.answer) || progress.lastOutput;
		progress.line(`answer: ${outcome.answer}`);
	} else {
		progress.line(`${outcome.state}: ${outcome.error}`);
		sink.log(outcome.state === 'killed' ? 'info' : 'warn', `${outcome.state}: ${outcome.error}`);
	}
	progress.send(outcome.state, outcome.error);
	return outcome;
}
