import {Ollama, type ChatResponse} from 'ollama';
import type {ContextBudget, LlmChunkMessage, LlmRequestMessage} from '../container/agent-runner/src/protocol.js';
import {promptLimit, requestWeight, estimateTokens} from '../container/agent-runner/src/token-budget.js';
import type {ThinkSetting} from './config.js';
import type {OllamaState} from './api/host-api.js';
import {Calibration} from './llm/calibration.js';
import {answerReserve, chooseNumCtx, minimumNumCtx, modelFactsFromShow, type ContextChoice, type ModelFacts, type NumCtxSetting} from './llm/context-size.js';
import type {ContextInUse, LlmRequestStats} from './llm/llm-stats.js';
import type {ModelQueue, ModelQueueView} from './llm/model-queue.js';
import type {RequestOrigin} from './llm/queue-policy.js';

export interface LlmBridgeOptions {
	baseUrl: string;
	model: string;
	/** No chunk for this long ends the request (a stalled model). */
	stallTimeoutMs?: number;
	/** Whole-request limit. */
	requestTimeoutMs?: number;
	fetch?: typeof fetch;
	numCtx?: NumCtxSetting;
	/** keep_alive on every request (default 30m). */
	keepAlive?: string | number;
	think?: ThinkSetting;
	/** Where the model's calibration is kept between host processes (in memory only when absent). */
	calibrationFile?: string;
	/** The agent's fixed part (system prompt and tools) in tokens at a ratio: for the "too small" warning. */
	fixedTokens?: (charsPerToken: number) => number;
	/** Called after every answered request (the status bar shows the context in use). */
	onRequest?: (stats: LlmRequestStats) => void;
	/** The fair queue every request waits in before it goes to Ollama (none: requests go at once). */
	queue?: ModelQueue;
}

export class LlmError extends Error {
	override name = 'LlmError';
}

/** A request that does not fit the model's context: the agent fits it to `budget` and sends it again. */
export class LlmBudgetError extends LlmError {
	constructor(
		message: string,
		readonly budget: ContextBudget,
	) {
		super(message);
	}
}

/** What the host settled for the model: its facts, num_ctx, the answer reserve and `think`. */
export interface ModelSetup {
	facts: ModelFacts;
	choice: ContextChoice;
	reserveTokens: number;
	think: boolean | 'low' | 'medium' | 'high';
	/** What is wrong with the context (too small, capped) or with OLLAMA_THINK, and what to do. */
	warning?: string;
}

export interface ServeHooks {
	/** The model's thinking as it streams (kept in the run's details; never sent to the agent or a chat). */
	onThinking?(text: string): void;
	/** Who asks: where the request waits in the queue (default: a chat turn of its own). */
	origin?: RequestOrigin;
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
	if (/does not support thinking/i.test(text)) return `model ${model} does not think: set OLLAMA_THINK=off`;
	if (status === 404 || /not found/i.test(text)) {
		return `model ${model} is not installed in Ollama at ${baseUrl}: run \`ollama pull ${model}\``;
	}
	return `Ollama error from ${baseUrl}: ${text.trim().split('\n')[0]}`;
}

const ms = (ns: number | undefined) => (typeof ns === 'number' && ns >= 0 ? ns / 1e6 : undefined);

/**
 * Serves the agent's `llm_request`s: the host calls Ollama's native `/api/chat` with the model it
 * chose (whatever the agent asked for), the same num_ctx on every request, the answer reserve as
 * num_predict, keep_alive and an explicit `think`, and streams the answer back chunk by chunk.
 * Every request passes through `serve`, where a queue in front of Ollama can sit.
 */
export class LlmBridge {
	private readonly client: Ollama;
	private readonly stallTimeoutMs: number;
	private readonly requestTimeoutMs: number;
	private readonly calibration: Calibration;
	private setup?: Promise<ModelSetup>;
	private settled?: ModelSetup;
	private lastPromptTokens?: number;

	constructor(private readonly options: LlmBridgeOptions) {
		this.client = new Ollama({host: options.baseUrl, fetch: options.fetch});
		this.stallTimeoutMs = options.stallTimeoutMs ?? 120_000;
		this.requestTimeoutMs = options.requestTimeoutMs ?? 10 * 60_000;
		this.calibration = new Calibration(options.calibrationFile);
	}

	get model(): string {
		return this.options.model;
	}

	/** Reads the model's facts from `/api/show` once (again after a failure) and settles num_ctx. */
	prepare(): Promise<ModelSetup> {
		this.setup ??= this.settle().then(
			(setup) => (this.settled = setup),
			(error: unknown) => {
				this.setup = undefined;
				throw new LlmError(explainOllamaError(error, this.options.baseUrl, this.options.model));
			},
		);
		return this.setup;
	}

	/** The budget new turns get (undefined until the model's facts are known). */
	currentBudget(): ContextBudget | undefined {
		if (!this.settled) return undefined;
		return {numCtx: this.settled.choice.numCtx, reserveTokens: this.settled.reserveTokens, charsPerToken: this.calibration.get(this.options.model).charsPerToken};
	}

	queueView(): ModelQueueView | undefined {
		return this.options.queue?.view();
	}

	contextInUse(): ContextInUse | undefined {
		const setup = this.settled;
		if (!setup) return undefined;
		const {numCtx, source, modelMax} = setup.choice;
		return {numCtx, source, modelMax, reserveTokens: setup.reserveTokens, lastPromptTokens: this.lastPromptTokens, warning: setup.warning};
	}

	/** Loads the model now (an empty chat with keep_alive and num_ctx), so the next message does not wait for it. */
	async load(): Promise<void> {
		const setup = await this.prepare();
		try {
			await this.client.chat({model: this.options.model, messages: [], keep_alive: this.keepAlive(), options: {num_ctx: setup.choice.numCtx}, stream: false});
		} catch (error) {
			throw new LlmError(explainOllamaError(error, this.options.baseUrl, this.options.model));
		}
	}

	/** Streams the answer to `send` and returns what it cost; throws LlmError with a one-line explanation. */
	async serve(request: LlmRequestMessage, send: (chunk: LlmChunkMessage) => void, signal?: AbortSignal, hooks: ServeHooks = {}): Promise<LlmRequestStats> {
		const setup = await this.prepare();
		const budget = this.currentBudget()!;
		const weight = requestWeight(request.messages, request.tools);
		const estimatedTokens = estimateTokens(weight, budget.charsPerToken);
		if (estimatedTokens > promptLimit(budget)) {
			throw new LlmBudgetError(`the request (about ${estimatedTokens} tokens) does not fit the model's context (${promptLimit(budget)} of num_ctx ${budget.numCtx} with the answer's reserve)`, budget);
		}
		const release = await this.options.queue?.enter(hooks.origin ?? {group: '', lane: 'chat', agent: request.requestId}, signal).catch((error: Error) => {
			throw new LlmError(error.message);
		});
		let calledTools = false;
		let final: ChatResponse;
		try {
			({last: final, calledTools} = await this.stream(request, setup, estimatedTokens, send, signal, hooks));
		} finally {
			release?.({calledTools});
		}
		const promptTokens = final.prompt_eval_count || undefined;
		const overBudget = promptTokens !== undefined && promptTokens > promptLimit(budget);
		const promptMs = ms(final.prompt_eval_duration);
		const evaluatedTokens = promptTokens === undefined ? undefined : this.calibration.learn(this.options.model, {...weight, promptTokens, promptMs, overBudget});
		const evalMs = ms(final.eval_duration);
		const stats: LlmRequestStats = {
			model: this.options.model,
			at: new Date().toISOString(),
			numCtx: budget.numCtx,
			estimatedTokens,
			promptTokens,
			evaluatedTokens,
			cachedTokens: promptTokens !== undefined && evaluatedTokens !== undefined ? promptTokens - evaluatedTokens : undefined,
			outputTokens: final.eval_count,
			promptMs,
			evalMs,
			loadMs: ms(final.load_duration),
			totalMs: ms(final.total_duration),
			tokensPerSecond: evalMs && final.eval_count ? (final.eval_count * 1000) / evalMs : undefined,
			overBudget,
			doneReason: final.done_reason || undefined,
		};
		if (promptTokens !== undefined) this.lastPromptTokens = promptTokens;
		this.options.onRequest?.(stats);
		return stats;
	}

	/** One streamed `/api/chat`, bounded by the stall and request timeouts; resolves with the last part. */
	private async stream(request: LlmRequestMessage, setup: ModelSetup, estimatedTokens: number, send: (chunk: LlmChunkMessage) => void, signal: AbortSignal | undefined, hooks: ServeHooks): Promise<{last: ChatResponse; calledTools: boolean}> {
		let stream: ({abort(): void} & AsyncIterable<ChatResponse>) | undefined;
		let timer: NodeJS.Timeout | undefined;
		let why: string | undefined;
		// Ollama sends nothing until its first token (a model load, a long prompt): aborting must end the HTTP request too.
		const http = new AbortController();
		const client = new Ollama({host: this.options.baseUrl, fetch: (input, init) => (this.options.fetch ?? fetch)(input, {...init, signal: init?.signal ? AbortSignal.any([init.signal, http.signal]) : http.signal})});
		const abort = (reason: string) => {
			why ??= reason;
			stream?.abort();
			http.abort();
		};
		const arm = () => {
			clearTimeout(timer);
			timer = setTimeout(() => abort(`the model sent nothing for ${Math.round(this.stallTimeoutMs / 1000)} s (stalled)`), this.stallTimeoutMs);
		};
		const hardTimer = setTimeout(() => abort(`the model did not finish within ${Math.round(this.requestTimeoutMs / 1000)} s`), this.requestTimeoutMs);
		const onAbort = () => abort(typeof signal?.reason === 'string' ? signal.reason : 'the run was stopped');
		signal?.addEventListener('abort', onAbort);
		if (signal?.aborted) onAbort();
		try {
			arm();
			const opened = await client.chat({
				model: this.options.model,
				messages: request.messages as never,
				tools: request.tools as never,
				stream: true,
				think: setup.think,
				keep_alive: this.keepAlive(),
				options: {num_ctx: setup.choice.numCtx, num_predict: setup.reserveTokens},
			});
			stream = opened;
			if (why) throw new Error(why);
			let last: ChatResponse | undefined;
			let calledTools = false;
			let outputChars = 0;
			for await (const part of opened) {
				arm();
				const message = part.message ?? {content: ''};
				if (message.thinking) hooks.onThinking?.(message.thinking);
				if (message.tool_calls?.length) calledTools = true;
				outputChars += (message.content ?? '').length;
				if (!message.content && !message.tool_calls?.length && !part.done) continue;
				// What the request cost, for a sub-agent's token budget: Ollama's counts, else the estimates.
				const usage = part.done ? {promptTokens: part.prompt_eval_count || estimatedTokens, outputTokens: part.eval_count || Math.ceil(outputChars / 4)} : undefined;
				send({
					type: 'llm_chunk',
					requestId: request.requestId,
					content: message.content ?? '',
					tool_calls: message.tool_calls as LlmChunkMessage['tool_calls'],
					done: part.done,
					...(part.done && part.done_reason ? {done_reason: part.done_reason} : {}),
					...(usage ? {usage} : {}),
				});
				if (part.done) last = part;
			}
			if (!last) throw new Error('the model stream ended before it was done');
			return {last, calledTools};
		} catch (error) {
			if (why) throw new LlmError(`Ollama at ${this.options.baseUrl}: ${why}`);
			if (/Did not receive done|ended before it was done/i.test(String((error as Error).message))) {
				throw new LlmError(`Ollama at ${this.options.baseUrl}: the model stream ended before it was done`);
			}
			if (/longer than the context length/i.test(String((error as Error).message))) {
				this.calibration.tooLong(this.options.model);
				throw new LlmBudgetError(`Ollama said the prompt is longer than the context (num_ctx ${setup.choice.numCtx}): the estimate was raised`, this.currentBudget()!);
			}
			throw new LlmError(explainOllamaError(error, this.options.baseUrl, this.options.model));
		} finally {
			clearTimeout(timer);
			clearTimeout(hardTimer);
			signal?.removeEventListener('abort', onAbort);
		}
	}

	private keepAlive(): string | number {
		return this.options.keepAlive ?? '30m';
	}

	private async settle(): Promise<ModelSetup> {
		const facts = modelFactsFromShow(await this.client.show({model: this.options.model}));
		const choice = chooseNumCtx(this.options.numCtx ?? 'auto', facts);
		const setting = this.options.think ?? 'off';
		const canThink = facts.capabilities?.includes('thinking') ?? true;
		const think = setting === 'off' || !canThink ? false : setting === 'on' ? true : setting;
		const reserveTokens = answerReserve(choice.numCtx, think !== false);
		const warnings: string[] = [];
		if (choice.capped) warnings.push(`OLLAMA_NUM_CTX=${this.options.numCtx} is more than model ${this.options.model} allows (${choice.modelMax}): using ${choice.numCtx}`);
		const fixed = this.options.fixedTokens?.(this.calibration.get(this.options.model).charsPerToken);
		const needed = fixed === undefined ? 0 : minimumNumCtx(fixed, reserveTokens);
		if (fixed !== undefined && choice.numCtx < needed) {
			const what = `the agent needs about ${needed} tokens (system prompt and tools ~${fixed}, ${reserveTokens} kept for the answer, room for a turn)`;
			warnings.push(
				choice.modelMax !== undefined && choice.modelMax < needed
					? `model ${this.options.model} allows at most ${choice.modelMax} tokens of context but ${what}: use a model with a longer context`
					: `num_ctx ${choice.numCtx} (${choice.source}) is too small: ${what}; set OLLAMA_NUM_CTX=${Math.ceil(needed / 1024) * 1024} or more`,
			);
		}
		if (setting !== 'off' && !canThink) warnings.push(`model ${this.options.model} does not think: OLLAMA_THINK=${setting} has no effect (think is sent as false)`);
		return {facts, choice, reserveTokens, think, warning: warnings.join('; ') || undefined};
	}

	/** Reachability, model presence, tool support and the context in use, for the status bar and `doctor`. */
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
			const setup = await this.prepare();
			const capabilities = setup.facts.capabilities;
			state.toolsSupported = capabilities ? capabilities.includes('tools') : null;
			state.context = this.contextInUse();
			if (state.toolsSupported === false) {
				state.error = `model ${this.options.model} does not support tools: set OLLAMA_MODEL to a tool-capable model such as qwen3:8b`;
			}
		} catch (error) {
			state.error = error instanceof LlmError ? error.message : explainOllamaError(error, this.options.baseUrl, this.options.model);
		}
		return state;
	}
}
