import {Ollama, type ChatResponse} from 'ollama';
import type {LlmChunkMessage, LlmRequestMessage} from '../container/agent-runner/src/protocol.js';
import type {OllamaState} from './api/host-api.js';

export interface LlmBridgeOptions {
	baseUrl: string;
	model: string;
	/** No chunk for this long ends the request (a stalled model). */
	stallTimeoutMs?: number;
	/** Whole-request limit. */
	requestTimeoutMs?: number;
	fetch?: typeof fetch;
}

export class LlmError extends Error {
	override name = 'LlmError';
}

/** Turns a transport or Ollama error into one line that says what to do. */
export function explainOllamaError(error: unknown, baseUrl: string, model: string): string {
	const text = error instanceof Error ? `${error.message} ${(error as {cause?: Error}).cause?.message ?? ''}` : String(error);
	const status = (error as {status_code?: number}).status_code;
	if (/ECONNREFUSED|fetch failed|ENOTFOUND|EHOSTUNREACH|ECONNRESET|socket hang up/i.test(text) && status === undefined) {
		return `Ollama is not reachable at ${baseUrl}: start it with \`ollama serve\` (or set OLLAMA_BASE_URL)`;
	}
	if (/does not support tools/i.test(text)) {
		return `model ${model} does not support tools: set OLLAMA_MODEL to a tool-capable model such as qwen3:8b`;
	}
	if (status === 404 || /not found/i.test(text)) {
		return `model ${model} is not installed in Ollama at ${baseUrl}: run \`ollama pull ${model}\``;
	}
	return `Ollama error from ${baseUrl}: ${text.trim().split('\n')[0]}`;
}

/**
 * Serves the agent's `llm_request`s: the host calls Ollama's native `/api/chat` with the model it
 * chose (whatever the agent asked for), streams the answer back chunk by chunk.
 */
export class LlmBridge {
	private readonly client: Ollama;
	private readonly stallTimeoutMs: number;
	private readonly requestTimeoutMs: number;

	constructor(private readonly options: LlmBridgeOptions) {
		this.client = new Ollama({host: options.baseUrl, fetch: options.fetch});
		this.stallTimeoutMs = options.stallTimeoutMs ?? 120_000;
		this.requestTimeoutMs = options.requestTimeoutMs ?? 10 * 60_000;
	}

	get model(): string {
		return this.options.model;
	}

	/** Streams the answer to `send`; throws LlmError with a one-line explanation. */
	async serve(request: LlmRequestMessage, send: (chunk: LlmChunkMessage) => void, signal?: AbortSignal): Promise<void> {
		let stream: {abort(): void} & AsyncIterable<ChatResponse> | undefined;
		let timer: NodeJS.Timeout | undefined;
		let why: string | undefined;
		const abort = (reason: string) => {
			why ??= reason;
			stream?.abort();
		};
		const arm = () => {
			clearTimeout(timer);
			timer = setTimeout(() => abort(`the model sent nothing for ${Math.round(this.stallTimeoutMs / 1000)} s (stalled)`), this.stallTimeoutMs);
		};
		const hardTimer = setTimeout(() => abort(`the model did not finish within ${Math.round(this.requestTimeoutMs / 1000)} s`), this.requestTimeoutMs);
		const onAbort = () => abort('the run was stopped');
		signal?.addEventListener('abort', onAbort);
		try {
			arm();
			const opened = await this.client.chat({
				model: this.options.model,
				messages: request.messages as never,
				tools: request.tools as never,
				stream: true,
			});
			stream = opened;
			if (why) throw new Error(why);
			let sawDone = false;
			for await (const part of opened) {
				arm();
				const message = part.message ?? {content: ''};
				send({
					type: 'llm_chunk',
					requestId: request.requestId,
					content: message.content ?? '',
					thinking: message.thinking || undefined,
					tool_calls: message.tool_calls as LlmChunkMessage['tool_calls'],
					done: part.done,
				});
				if (part.done) sawDone = true;
			}
			if (!sawDone) throw new Error('the model stream ended before it was done');
		} catch (error) {
			if (why) throw new LlmError(`Ollama at ${this.options.baseUrl}: ${why}`);
			if (/Did not receive done/i.test(String((error as Error).message))) {
				throw new LlmError(`Ollama at ${this.options.baseUrl}: the model stream ended before it was done`);
			}
			throw new LlmError(explainOllamaError(error, this.options.baseUrl, this.options.model));
		} finally {
			clearTimeout(timer);
			clearTimeout(hardTimer);
			signal?.removeEventListener('abort', onAbort);
		}
	}

	/** Reachability, model presence and tool support, for the status bar and `doctor`. */
	async probe(): Promise<OllamaState> {
		const state: OllamaState = {reachable: false, model: this.options.model, modelPresent: null, toolsSupported: null};
		try {
			state.version = (await this.client.version()).version;
			state.reachable = true;
			const tags = await this.client.list();
			const names = new Set(tags.models.flatMap((m) => [m.name, m.model]));
			const wanted = this.options.model.includes(':') ? this.options.model : `${this.options.model}:latest`;
			state.modelPresent = names.has(this.options.model) || names.has(wanted);
			if (!state.modelPresent) {
				state.error = `model ${this.options.model} is not installed: run \`ollama pull ${this.options.model}\``;
				return state;
			}
			const show = await this.client.show({model: this.options.model});
			const capabilities = (show as {capabilities?: string[]}).capabilities;
			state.toolsSupported = capabilities ? capabilities.includes('tools') : null;
			if (state.toolsSupported === false) {
				state.error = `model ${this.options.model} does not support tools: set OLLAMA_MODEL to a tool-capable model such as qwen3:8b`;
			}
		} catch (error) {
			state.error = explainOllamaError(error, this.options.baseUrl, this.options.model);
		}
		return state;
	}
}
