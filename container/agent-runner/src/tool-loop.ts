// One turn: ask the model, run the tools it calls, send the results back, until it answers.
import {ContextTooSmall, type ContextWindow} from './context-window.js';
import type {MessageWriter} from './json-lines.js';
import {LlmError, type LlmBridge, type LlmReply} from './llm-bridge.js';
import type {ChatMessage, ToolCall, ToolDefinition, TurnInput} from './protocol.js';
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

export interface ToolLoopInput {
	turn: TurnInput;
	window: ContextWindow;
	definitions: ToolDefinition[];
	tools: Map<string, Tool>;
	context: ToolContext;
	bridge: LlmBridge;
	writer: MessageWriter;
}

export type ToolLoopResult = {ok: true; messages: ChatMessage[]} | {ok: false; error: string};

/** Asks the model for the turn so far, fitted to the budget (again, when the host says it is too large). */
export async function askModel(window: ContextWindow, turn: ChatMessage[], definitions: ToolDefinition[], bridge: LlmBridge, onDelta: (text: string) => void): Promise<LlmReply> {
	for (let attempt = 0; ; attempt++) {
		const messages = window.build(turn);
		try {
			return await bridge.request(messages, definitions, onDelta);
		} catch (error) {
			if (!(error instanceof LlmError) || !error.budget || attempt >= maxRefits) throw error;
			window.setBudget(error.budget);
		}
	}
}

export async function runToolLoop(input: ToolLoopInput): Promise<ToolLoopResult> {
	const {turn, tools, context, bridge, writer, window} = input;
	const {maxToolRounds, toolOutputChars} = context.start.limits;
	const added: ChatMessage[] = [{role: 'user', content: turnMessage(turn)}];
	const shrunk = window.beginTurn(added);
	if (shrunk) writer.log('info', `turn ${turn.turnId}: to fit the model's context, ${shrunk}`);
	const callCounts = new Map<string, number>();
	const finish = (text: string, level: 'info' | 'warn' = 'info'): ToolLoopResult => {
		added.push({role: 'assistant', content: text});
		if (text.trim()) writer.send({type: 'output', turnId: turn.turnId, text});
		if (level === 'warn') writer.log('warn', `turn ${turn.turnId}: ${text}`);
		// A skill invoked for this turn stays out of the session (its next request re-reads from here once).
		return {ok: true, messages: [{role: 'user', content: window.turnNote + turn.prompt}, ...added.slice(1)]};
	};
	for (let round = 0; ; round++) {
		let reply: LlmReply;
		const gate = new TextCallGate();
		try {
			reply = await askModel(window, added, input.definitions, bridge, (text) => {
				const shown = gate.push(text);
				if (shown) writer.send({type: 'delta', turnId: turn.turnId, text: shown});
			});
		} catch (error) {
			if (error instanceof ContextTooSmall) return {ok: false, error: error.message};
			if (error instanceof LlmError) return {ok: false, error: `the model could not answer: ${error.message}`};
			throw error;
		}
		if (reply.cut) writer.log('warn', `turn ${turn.turnId}: the model's answer was cut at its size limit`);
		const {content, toolCalls, malformed} = readReply(reply, tools, writer, turn.turnId);
		if (toolCalls.length === 0 && !malformed) return finish(content);
		if (round >= maxToolRounds) {
			return finish(`I stopped after ${maxToolRounds} rounds of tool calls without reaching an answer. Ask me to continue if you want me to keep going.`, 'warn');
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
			writer.send({type: 'tool_use', turnId: turn.turnId, name, summary: summarise(call)});
			const result = cutText(await runToolCall(call, tools, context), toolOutputChars * 2 + 200, 'tool result');
			const fitted = cutToolResult(result, window.toolResultChars(added), context.workspace.groupDir, `${turn.turnId}-${round}-${index}`);
			added.push({role: 'tool', content: fitted.text, tool_name: name});
		}
		if (repeated) {
			return finish(`I stopped because I kept repeating the same "${repeated}" call without getting anywhere. Please rephrase or tell me what to do differently.`, 'warn');
		}
	}
}

const stripThinking = (text: string) => text.replace(/<think>[\s\S]*?(<\/think>|$)/g, '').trim();

/** The reply's answer text and its calls, including calls the model wrote as text. */
function readReply(reply: LlmReply, tools: Map<string, Tool>, writer: MessageWriter, turnId: string): {content: string; toolCalls: ToolCall[]; malformed?: {name: string; error: string}} {
	let content = stripThinking(reply.content);
	if (reply.toolCalls.length > 0) return {content, toolCalls: reply.toolCalls};
	const parsed = parseTextToolCalls(content, new Set(tools.keys()));
	if (parsed.kind === 'calls') {
		writer.log('info', `turn ${turnId}: the model wrote ${parsed.calls.length} tool call(s) as text (${parsed.format}); running them as calls`);
		return {content: parsed.prose, toolCalls: parsed.calls};
	}
	if (parsed.kind === 'malformed') {
		writer.log('warn', `turn ${turnId}: the model wrote a tool call as text (${parsed.format}) that could not be read: ${parsed.error}`);
		const error = `error: your call of "${parsed.name}" was written as text (${parsed.format}) and could not be read because ${parsed.error}. Call the tool again with valid JSON arguments, e.g. <tool_call>{"name": "${parsed.name}", "arguments": {…}}</tool_call>, or answer in plain text.`;
		return {content: parsed.prose, toolCalls: [], malformed: {name: parsed.name, error}};
	}
	if (reply.cutAtReserve) {
		writer.log('warn', `turn ${turnId}: the model's answer reached its token limit (the answer reserve) and was cut`);
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
