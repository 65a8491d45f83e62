// One turn: ask the model, run the tools it calls, send the results back, until it answers.
import type {MessageWriter} from './json-lines.js';
import {LlmError, type LlmBridge} from './llm-bridge.js';
import type {ChatMessage, ToolCall, TurnInput} from './protocol.js';
import {canonicalJson, cutText, errorMessage} from './text.js';
import {parseToolArguments, validateToolArguments} from './tool-args.js';
import {toolDefinitions} from './tools/registry.js';
import {type Tool, type ToolContext, ToolFailure} from './tools/tool.js';

/** The same call (name and arguments) may run this many times in a turn; the next one stops the turn. */
export const maxRepeatsPerCall = 3;
export const maxCallsPerReply = 16;

export interface ToolLoopInput {
	turn: TurnInput;
	systemPrompt: string;
	history: ChatMessage[];
	tools: Map<string, Tool>;
	context: ToolContext;
	bridge: LlmBridge;
	writer: MessageWriter;
}

export type ToolLoopResult = {ok: true; messages: ChatMessage[]} | {ok: false; error: string};

export async function runToolLoop(input: ToolLoopInput): Promise<ToolLoopResult> {
	const {turn, tools, context, bridge, writer} = input;
	const {maxToolRounds, toolOutputChars} = context.start.limits;
	const definitions = toolDefinitions(tools);
	const added: ChatMessage[] = [{role: 'user', content: turn.prompt}];
	const callCounts = new Map<string, number>();
	const finish = (text: string, level: 'info' | 'warn' = 'info'): ToolLoopResult => {
		added.push({role: 'assistant', content: text});
		if (text.trim()) writer.send({type: 'output', turnId: turn.turnId, text});
		if (level === 'warn') writer.log('warn', `turn ${turn.turnId}: ${text}`);
		return {ok: true, messages: added};
	};
	for (let round = 0; ; round++) {
		let reply;
		try {
			reply = await bridge.request([{role: 'system', content: input.systemPrompt}, ...input.history, ...added], definitions, (text) =>
				writer.send({type: 'delta', turnId: turn.turnId, text}),
			);
		} catch (error) {
			if (error instanceof LlmError) return {ok: false, error: `the model could not answer: ${error.message}`};
			throw error;
		}
		if (reply.cut) writer.log('warn', `turn ${turn.turnId}: the model's answer was cut at its size limit`);
		if (reply.toolCalls.length === 0) return finish(reply.content);
		if (round >= maxToolRounds) {
			return finish(`I stopped after ${maxToolRounds} rounds of tool calls without reaching an answer. Ask me to continue if you want me to keep going.`, 'warn');
		}
		added.push({role: 'assistant', content: reply.content, tool_calls: reply.toolCalls.map(normaliseCall)});
		let repeated: string | undefined;
		for (const [index, call] of reply.toolCalls.entries()) {
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
			const result = await runToolCall(call, tools, context);
			added.push({role: 'tool', content: cutText(result, toolOutputChars * 2 + 200, 'tool result'), tool_name: name});
		}
		if (repeated) {
			return finish(`I stopped because I kept repeating the same "${repeated}" call without getting anywhere. Please rephrase or tell me what to do differently.`, 'warn');
		}
	}
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
