// Token estimates and the shares of a model's context. The estimate is characters divided by a
// characters-per-token ratio the host calibrates per model from Ollama's prompt_eval_count, plus a
// fixed cost per message for the chat template. The host imports this file too: both sides count
// the same way, so the host can check every request the agent builds.
import type {ChatMessage, ContextBudget, ToolDefinition} from './protocol.js';

/** Template tokens per message (role markers, separators). */
export const perMessageTokens = 6;
/** The template's preamble around the tool definitions. */
export const toolsPreambleTokens = 120;
/** Before any calibration: a cautious ratio (English prose is about 4, code and JSON about 3). */
export const defaultCharsPerToken = 3;

/** A budget for a run whose host sent none. */
export const defaultBudget: ContextBudget = {numCtx: 16_384, reserveTokens: 2048, charsPerToken: defaultCharsPerToken};

export const messageChars = (message: ChatMessage): number =>
	message.content.length + (message.tool_calls?.length ? JSON.stringify(message.tool_calls).length : 0);

export const toolsChars = (tools: ToolDefinition[]): number => (tools.length ? JSON.stringify(tools).length : 0);

/** What a request weighs before the ratio is applied: its characters and its fixed template tokens. */
export function requestWeight(messages: ChatMessage[], tools: ToolDefinition[]): {chars: number; fixedTokens: number} {
	let chars = toolsChars(tools);
	for (const message of messages) chars += messageChars(message);
	return {chars, fixedTokens: messages.length * perMessageTokens + (tools.length ? toolsPreambleTokens : 0)};
}

export function estimateTokens(weight: {chars: number; fixedTokens: number}, charsPerToken: number): number {
	return Math.ceil(weight.chars / charsPerToken) + weight.fixedTokens;
}

export const estimateMessage = (message: ChatMessage, charsPerToken: number): number =>
	estimateTokens({chars: messageChars(message), fixedTokens: perMessageTokens}, charsPerToken);

export const estimateRequest = (messages: ChatMessage[], tools: ToolDefinition[], charsPerToken: number): number =>
	estimateTokens(requestWeight(messages, tools), charsPerToken);

/** The most a prompt may hold: num_ctx less the answer's reserve. The host refuses anything larger. */
export const promptLimit = (budget: ContextBudget): number => budget.numCtx - budget.reserveTokens;

/** What the agent aims for: the prompt limit less a margin for the estimate's error. */
export const fitLimit = (budget: ContextBudget): number => promptLimit(budget) - Math.max(64, Math.round(budget.numCtx * 0.06));

/** Each memory file's share of the context, in characters, in steps of 1000 so a small recalibration does not move the cut. */
export function memoryCharsPerFile(budget: ContextBudget): number {
	const chars = fitLimit(budget) * 0.1 * budget.charsPerToken;
	return Math.max(1000, Math.min(20_000, Math.floor(chars / 1000) * 1000));
}

/** The share of the room after the fixed part that one tool result may take. */
export const toolResultShare = 0.25;
/** Room a turn gets at its start beyond the user's message: one tool result at its share and the replies around it. */
export const turnRoomShare = toolResultShare + 0.05;
/** When history must go, oldest turns are dropped until the history takes at most this share of its room. */
export const historyLowWater = 0.35;
