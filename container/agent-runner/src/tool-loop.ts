// One turn: ask the model, run the tools it calls, send the results back, until it answers.
import {ContextTooSmall, type ContextWindow} from './context-window.js';
import type {MessageWriter} from './json-lines.js';
import {LlmError, type LlmBridge, type LlmReply, type RequestOptions} from './llm-bridge.js';
import type {ChatMessage, LogMessage, ToolCall, ToolDefinition, TurnInput} from './protocol.js';
import {turnMessage} from './system-prompt.js';
import {canonicalJson, cutText, errorMessage} from './text.js';
import {parseToolArguments, validateToolArguments} from './tool-args.js';
import {cutToolResult} from './tool-output.js';
import {parseTextToolCalls, TextCallGate} from './text-tool-calls.js';
import {type Tool, type ToolContext, ToolFailure} from './tools/tool.js';

/** The same call (name and arguments) may run this many times in a turn; the next one stops the turn. */
export const maxRepeatsPerCall = 3;
export const maxCallsPerReply = 16;
/** How often one request is fitted again after the host refused it as too large for the model. */
const maxRefits = 3;

type LogLevel = LogMessage['level'];

/** Where a loop's progress goes: the turn's protocol messages, or a sub-agent's status. */
export interface LoopSink {
	delta(text: string): void;
	output(text: string): void;
	toolUse(name: string, summary: string): void;
	toolResult?(name: string, text: string): void;
	/** Every model reply, before its tools run; a returned reason stops the loop as failed. */
	reply?(reply: LlmReply): string | undefined;
	log(level: LogLevel, msg: string): void;
}

/** The sink of a chat or task turn: its deltas, answer and tool uses go to the host. */
export function turnSink(writer: MessageWriter, turnId: string): LoopSink {
	return {
		delta: (text) => writer.send({type: 'delta', turnId, text}),
		output: (text) => writer.send({type: 'output', turnId, text}),
		toolUse: (name, summary) => writer.send({type: 'tool_use', turnId, name, summary}),
		log: (level, msg) => writer.log(level, msg),
	};
}

export interface ToolLoopInput {
	turn: TurnInput;
	window: ContextWindow;
	definitions: ToolDefinition[];
	tools: Map<string, Tool>;
	context: ToolContext;
	bridge: LlmBridge;
	sink: LoopSink;
	/** Default: the start message's maxToolRounds. */
	maxToolRounds?: number;
	/** Stops the loop (and its model request) at once; the reason is the loop's error. */
	signal?: AbortSignal;
	/** Passed with every model request (a sub-agent's id). */
	subagent?: string;
}

/** `stopped`: the loop ended its turn itself (too many rounds, a repeated call); `text` says why. */
export type ToolLoopResult = {ok: true; messages: ChatMessage[]; stopped?: string} | {ok: false; error: string};

/** Asks the model for the turn so far, fitted to the budget (again, when the host says it is too large). */
export async function askModel(window: ContextWindow, turn: ChatMessage[], definitions: ToolDefinition[], bridge: LlmBridge, onDelta: (text: string) => void, options?: RequestOptions): Promise<LlmReply> {
	for (let attempt = 0; ; attempt++) {
		const messages = window.build(turn);
		try {
			return await bridge.request(messages, definitions, onDelta, options);
		} catch (error) {
			if (!(error instanceof LlmError) || !error.budget || attempt >= maxRefits) throw error;
			window.setBudget(error.budget);
		}
	}
}

/** `work`, or a rejection as soon as `signal` aborts (the work itself is left to finish). */
function unlessStopped<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
	if (!signal) return work;
	return new Promise<T>((resolve, reject) => {
		const onAbort = () => reject(new LlmError(String(signal.reason ?? 'stopped')));
		if (signal.aborted) return onAbort();
		signal.addEventListener('abort', onAbort, {once: true});
		work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
	});
}

export async function runToolLoop(input: ToolLoopInput): Promise<ToolLoopResult> {
	const {turn, tools, context, bridge, sink, window, signal} = input;
	const {toolOutputChars} = context.start.limits;
	const maxToolRounds = input.maxToolRounds ?? context.start.limits.maxToolRounds;
	const added: ChatMessage[] = [{role: 'user', content: turnMessage(turn)}];
	const shrunk = window.beginTurn(added);
	if (shrunk) sink.log('info', `turn ${turn.turnId}: to fit the model's context, ${shrunk}`);
	const callCounts = new Map<string, number>();
	const log = (level: LogLevel, msg: string) => sink.log(level, `turn ${turn.turnId}: ${msg}`);
	const finish = (text: string, stopped = false): ToolLoopResult => {
		added.push({role: 'assistant', content: text});
		if (text.trim()) sink.output(text);
		if (stopped) log('warn', text);
		// A skill invoked for this turn stays out of the session (its next request re-reads from here once).
		return {ok: true, messages: [{role: 'user', content: window.turnNote + turn.prompt}, ...added.slice(1)], ...(stopped ? {stopped: text} : {})};
	};
	for (let round = 0; ; round++) {
		let reply: LlmReply;
		const gate = new TextCallGate();
		try {
			reply = await askModel(window, added, input.definitions, bridge, (text) => {
				const shown = gate.push(text);
				if (shown) sink.delta(shown);
			}, {signal, subagent: input.subagent});
		} catch (error) {
			if (error instanceof ContextTooSmall) return {ok: false, error: error.message};
			if (signal?.aborted) return {ok: false, error: String(signal.reason)};
			if (error instanceof LlmError) return {ok: false, error: `the model could not answer: ${error.message}`};
			throw error;
		}
		if (reply.cut) log('warn', "the model's answer was cut at its size limit");
		const limit = sink.reply?.(reply);
		if (limit) return {ok: false, error: limit};
		const {content, toolCalls, malformed} = readReply(reply, tools, log);
		if (toolCalls.length === 0 && !malformed) return finish(content);
		if (round >= maxToolRounds) {
			return finish(`I stopped after ${maxToolRounds} rounds of tool calls without reaching an answer. Ask me to continue if you want me to keep going.`, true);
		}
		if (malformed) {
			added.push({role: 'assistant', content, tool_calls: [{function: {name: malformed.name, arguments: {}}}]});
			added.push({role: 'tool', content: malformed.error, tool_name: malformed.name});
			continue;
		}
		added.push({role: 'assistant', content, tool_calls: toolCalls.map(normaliseCall)});
		let repeated: string | undefined;
		for (const [index, call] of toolCalls.entries()) {
			const name = String(call?.function?.name ?? '');
			if (repeated || index >= maxCallsPerReply) {
				const why = repeated ? 'not run: the turn was stopped (a repeated call)' : `not run: at most ${maxCallsPerReply} tool calls per reply; call the rest next`;
				added.push({role: 'tool', content: why, tool_name: name});
				continue;
			}
			const key = `${name}\u0000${typeof call.function.arguments === 'string' ? call.function.arguments : canonicalJson(call.function.arguments ?? {})}`;
			const count = (callCounts.get(key) ?? 0) + 1;
			callCounts.set(key, count);
			if (count > maxRepeatsPerCall) {
				repeated = name;
				added.push({role: 'tool', content: `not run: this exact call was already made ${maxRepeatsPerCall} times this turn`, tool_name: name});
				continue;
			}
			sink.toolUse(name, summarise(call));
			let result: string;
			try {
				result = cutText(await unlessStopped(runToolCall(call, tools, {...context, resultChars: window.toolResultChars(added), ...(signal ? {signal} : {})}), signal), toolOutputChars * 2 + 200, 'tool result');
			} catch (error) {
				if (signal?.aborted) return {ok: false, error: String(signal.reason)};
				throw error;
			}
			const fitted = cutToolResult(result, window.toolResultChars(added), context.workspace.groupDir, `${turn.turnId}-${round}-${index}`);
			sink.toolResult?.(name, fitted.text);
			added.push({role: 'tool', content: fitted.text, tool_name: name});
		}
		if (repeated) {
			return finish(`I stopped because I kept repeating the same "${repeated}" call without getting anywhere. Please rephrase or tell me what to do differently.`, true);
		}
	}
}

const stripThinking = (text: string) => text.replace(/<think>[\s\S]*?(<\/think>|$)/g, '').trim();

/** The reply's answer text and its calls, including calls the model wrote as text. */
function readReply(reply: LlmReply, tools: Map<string, Tool>, log: (level: LogLevel, msg: string) => void): {content: string; toolCalls: ToolCall[]; malformed?: {name: string; error: string}} {
	let content = stripThinking(reply.content);
	if (reply.toolCalls.length > 0) return {content, toolCalls: reply.toolCalls};
	const parsed = parseTextToolCalls(content, new Set(tools.keys()));
	if (parsed.kind === 'calls') {
		log('info', `the model wrote ${parsed.calls.length} tool call(s) as text (${parsed.format}); running them as calls`);
		return {content: parsed.prose, toolCalls: parsed.calls};
	}
	if (parsed.kind === 'malformed') {
		log('warn', `the model wrote a tool call as text (${parsed.format}) that could not be read: ${parsed.error}`);
		const error = `error: your call of "${parsed.name}" was written as text (${parsed.format}) and could not be read because ${parsed.error}. Call the tool again with valid JSON arguments, e.g. <tool_call>{"name": "${parsed.name}", "arguments": {…}}</tool_call>, or answer in plain text.`;
		return {content: parsed.prose, toolCalls: [], malformed: {name: parsed.name, error}};
	}
	if (reply.cutAtReserve) {
		log('warn', "the model's answer reached its token limit (the answer reserve) and was cut");
		content += '\n\n[answer cut: it reached the model\'s answer limit]';
	}
	return {content, toolCalls: []};
}

/** Runs one call and returns the text the model sees: the result, or exactly what was wrong. */
export async function runToolCall(call: ToolCall, tools: Map<string, Tool>, context: ToolContext): Promise<string> {
	const name = String(call?.function?.name ?? '');
	const tool = tools.get(name);
	if (!tool) return `error: unknown tool "${name}"; available tools: ${[...tools.keys()].join(', ')}`;
	const parsed = parseToolArguments(name, call.function.arguments);
	if (!parsed.ok) return `error: ${parsed.error}`;
	const valid = validateToolArguments(name, parsed.args, tool.params);
	if (!valid.ok) return `error: ${valid.error}`;
	try {
		return await tool.run(valid.args, context);
	} catch (error) {
		if (error instanceof ToolFailure) return `error: ${error.message}`;
		return `error: ${name} failed: ${errorMessage(error)}`;
	}
}

/** Arguments kept as an object in the transcript (the model API expects one); bad JSON becomes {}. */
function normaliseCall(call: ToolCall): ToolCall {
	const name = String(call?.function?.name ?? '');
	const parsed = parseToolArguments(name, call?.function?.arguments);
	return {function: {name, arguments: parsed.ok ? parsed.args : {}}};
}

function summarise(call: ToolCall): string {
	const args = call.function.arguments;
	if (typeof args === 'object' && args && typeof args.command === 'string') return cutText(args.command, 200, 'command');
	if (typeof args === 'object' && args && typeof args.path === 'string') return args.path;
	return cutText(typeof args === 'string' ? args : canonicalJson(args ?? {}), 200, 'arguments');
}
