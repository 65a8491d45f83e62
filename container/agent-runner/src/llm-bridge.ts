import type {ChatMessage, ContextBudget, LlmChunkMessage, LlmErrorMessage, ToolCall, ToolDefinition} from './protocol.js';
import type {MessageWriter} from './json-lines.js';

/** The longest answer text kept from one model reply; the rest is dropped with a note. */
export const maxAnswerChars = 20_000;

export interface LlmReply {
	content: string;
	toolCalls: ToolCall[];
	/** True when the content went past maxAnswerChars and was cut. */
	cut: boolean;
	/** The model stopped at its token limit (the answer reserve, num_predict). */
	cutAtReserve: boolean;
	/** The tokens Ollama counted, when the host passed them on. */
	usage?: {promptTokens: number; outputTokens: number};
}

export interface RequestOptions {
	/** Stops waiting: the request is cancelled at the host and fails with LlmError. */
	signal?: AbortSignal;
	/** The sub-agent asking (the host queues its requests behind chat turns). */
	subagent?: string;
}

export class LlmError extends Error {
	/** Set when the host refused the request as too large: fit it to this budget and ask again. */
	constructor(
		message: string,
		readonly budget?: ContextBudget,
	) {
		super(message);
	}
}

interface Pending {
	content: string[];
	length: number;
	cut: boolean;
	toolCalls: ToolCall[];
	onDelta: (text: string) => void;
	resolve: (reply: LlmReply) => void;
	reject: (error: Error) => void;
}

/** The agent's side of the LLM bridge: requests go out on stdout, chunks come back on stdin. */
export class LlmBridge {
	private readonly pending = new Map<string, Pending>();
	private sequence = 0;
	private closedReason: string | undefined;

	constructor(
		private readonly writer: MessageWriter,
		private readonly runId: string,
	) {}

	request(messages: ChatMessage[], tools: ToolDefinition[], onDelta: (text: string) => void, options: RequestOptions = {}): Promise<LlmReply> {
		if (this.closedReason) return Promise.reject(new LlmError(this.closedReason));
		const {signal, subagent} = options;
		if (signal?.aborted) return Promise.reject(new LlmError(stopReason(signal)));
		const requestId = `${this.runId}-${++this.sequence}`;
		return new Promise<LlmReply>((resolve, reject) => {
			const onAbort = () => {
				if (!this.pending.delete(requestId)) return;
				this.writer.send({type: 'llm_cancel', requestId});
				reject(new LlmError(stopReason(signal!)));
			};
			const settle = <T>(done: (value: T) => void) => (value: T) => {
				signal?.removeEventListener('abort', onAbort);
				done(value);
			};
			this.pending.set(requestId, {content: [], length: 0, cut: false, toolCalls: [], onDelta, resolve: settle(resolve), reject: settle(reject)});
			signal?.addEventListener('abort', onAbort, {once: true});
			this.writer.send({type: 'llm_request', requestId, messages, tools, ...(subagent ? {subagent} : {})});
		});
	}

	/** Routes one chunk or error from the host; returns false when no request waits for it. */
	handle(message: LlmChunkMessage | LlmErrorMessage): boolean {
		const pending = this.pending.get(message.requestId);
		if (!pending) return false;
		if (message.type === 'llm_error') {
			this.pending.delete(message.requestId);
			pending.reject(new LlmError(message.error || 'the model bridge failed without a reason', message.budget));
			return true;
		}
		this.append(pending, typeof message.content === 'string' ? message.content : '');
		if (Array.isArray(message.tool_calls)) pending.toolCalls.push(...message.tool_calls);
		if (message.done) {
			this.pending.delete(message.requestId);
			let content = pending.content.join('');
			if (pending.cut) content += `\n\n[answer cut at ${maxAnswerChars} characters]`;
			const usage = validUsage(message.usage);
			pending.resolve({content, toolCalls: pending.toolCalls, cut: pending.cut, cutAtReserve: message.done_reason === 'length', ...(usage ? {usage} : {})});
		}
		return true;
	}

	/** Fails every waiting request and any later one (the host went away). */
	closeAll(reason: string): void {
		this.closedReason = reason;
		for (const [id, pending] of this.pending) {
			this.pending.delete(id);
			pending.reject(new LlmError(reason));
		}
	}

	private append(pending: Pending, text: string): void {
		if (!text || pending.cut) return;
		const room = maxAnswerChars - pending.length;
		const kept = text.length > room ? text.slice(0, room) : text;
		if (kept) {
			pending.content.push(kept);
			pending.length += kept.length;
			pending.onDelta(kept);
		}
		if (text.length > room) pending.cut = true;
	}
}

const stopReason = (signal: AbortSignal) => (typeof signal.reason === 'string' ? signal.reason : 'the request was stopped');

function validUsage(usage: LlmChunkMessage['usage']): LlmReply['usage'] {
	if (!usage || typeof usage !== 'object') return undefined;
	const {promptTokens, outputTokens} = usage;
	return [promptTokens, outputTokens].every((n) => Number.isFinite(n) && n >= 0) ? {promptTokens, outputTokens} : undefined;
}
