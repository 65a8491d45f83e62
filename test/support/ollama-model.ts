// The realistic scripted Ollama's model side: load and unload with keep_alive, a reload when
// num_ctx changes, one KV-cache slot per model that reuses only the longest common prefix with
// the previous request, Ollama's prompt fitting, think handling, and a simulated clock that
// charges load, prompt evaluation and generation time. See ollama-server.ts for what is not.
import {chatPrompt, commonPrefix, generationPrompt, renderMessages, runnerCut, tokenize, type SimMessage, type SimTool, type TokenizerOptions} from './ollama-prompt.js';

export interface RealisticOptions {
	/** The model's own maximum (`model_info` `<family>.context_length`); qwen3:8b has 40960. */
	contextLength?: number;
	family?: string;
	/** A `num_ctx` PARAMETER in the model's Modelfile (shown in /api/show `parameters`). */
	modelfileNumCtx?: number;
	/** num_ctx when a request sends none: 4096, as Ollama on a machine with under 24 GiB of GPU memory. */
	defaultNumCtx?: number;
	/** Prompt processing speed (an 8B Q4 model on an M2 Mac mini: about 150 tokens/s). */
	promptTokensPerSecond?: number;
	/** Generation speed (same machine: about 16 tokens/s). */
	generateTokensPerSecond?: number;
	loadMs?: number;
	/** keep_alive when a request sends none (Ollama: 5m). */
	defaultKeepAlive?: string | number;
	/** What a prompt too long even for its last message gets: the runner's cut (default) or a 400. */
	overflow?: 'truncate' | 'error';
	wordPieceChars?: number;
	/** Whether the model has the `thinking` capability (qwen3 does). */
	thinking?: boolean;
	/** Thinking text streamed when thinking is on and the scripted reply has none. */
	defaultThinking?: string;
}

/** What the simulated server did with one request, for tests and the benchmark. */
export interface SimRecord {
	model: string;
	kind: 'chat' | 'load' | 'unload';
	numCtx: number;
	/** This request loaded the model, and why. */
	loaded?: 'first' | 'expired' | 'num_ctx' | 'unloaded';
	/** Tokens of the whole rendered prompt, before Ollama made it fit. */
	fullTokens: number;
	/** prompt_eval_count: the tokens actually in the prompt. */
	promptTokens: number;
	droppedMessages: number;
	runnerCut: boolean;
	evaluated: number;
	cached: number;
	/** Tokens of the messages the previous request of this model did not have (by content), plus the generation prompt. */
	newTokens: number;
	outputTokens: number;
	thinkingTokens: number;
	/** Prompt plus output went past num_ctx (Ollama would shift the context mid-answer). */
	contextShift: boolean;
	hasSystem: boolean;
	hasTools: boolean;
	hasLastUser: boolean;
	think: boolean;
	keepAliveMs: number;
	startMs: number;
	simulatedMs: number;
	error?: string;
}

export interface ChatBody {
	model: string;
	messages?: SimMessage[];
	tools?: SimTool[];
	think?: boolean | string;
	keep_alive?: string | number;
	options?: Record<string, unknown>;
}

export interface Generated {
	thinking: string;
	content: string;
	toolCalls: Array<{function: {name: string; arguments: unknown}}>;
	doneReason: 'stop' | 'length';
	metrics: Record<string, number>;
}

interface ModelState {
	loaded?: {numCtx: number; expiresAtMs: number};
	everLoaded: boolean;
	cache: string[];
	previous?: SimMessage[];
}

const ns = (ms: number) => Math.round(ms * 1e6);
const forever = Number.MAX_SAFE_INTEGER;

/** keep_alive as Ollama reads it: seconds as a number, or a Go duration; negative keeps the model forever. */
export function keepAliveMs(value: string | number | undefined, fallback: string | number): number {
	const raw = value ?? fallback;
	if (typeof raw === 'number') return raw < 0 ? forever : raw * 1000;
	const match = /^(-?\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(raw.trim());
	if (!match) throw new Error(`time: invalid duration "${raw}"`);
	const amount = Number(match[1]) * {ms: 1, s: 1000, m: 60_000, h: 3_600_000}[match[2] as 'ms'];
	return amount < 0 ? forever : amount;
}

export class OllamaSimulation {
	clockMs = 0;
	readonly records: SimRecord[] = [];
	readonly contextLength: number;
	readonly family: string;
	private readonly models = new Map<string, ModelState>();
	private readonly tokenizer: TokenizerOptions;

	constructor(readonly options: RealisticOptions = {}) {
		this.contextLength = options.contextLength ?? 40_960;
		this.family = options.family ?? 'qwen3';
		this.tokenizer = {wordPieceChars: options.wordPieceChars ?? 6};
	}

	get thinkingCapable(): boolean {
		return this.options.thinking ?? true;
	}

	/** Idle time passes (a loaded model whose keep_alive runs out is unloaded). */
	advance(ms: number): void {
		this.clockMs += ms;
	}

	loads(model?: string): number {
		return this.records.filter((r) => r.loaded && (!model || r.model === model)).length;
	}

	isLoaded(model: string): boolean {
		const loaded = this.state(model).loaded;
		return !!loaded && loaded.expiresAtMs >= this.clockMs;
	}

	/** `/api/show` fields of a realistic model. */
	show(): Record<string, unknown> {
		const parameters = ['temperature 0.6', 'top_k 20', 'top_p 0.95', ...(this.options.modelfileNumCtx ? [`num_ctx ${this.options.modelfileNumCtx}`] : [])];
		return {
			capabilities: ['completion', 'tools', ...(this.thinkingCapable ? ['thinking'] : [])],
			details: {family: this.family, parameter_size: '8.2B', quantization_level: 'Q4_K_M'},
			model_info: {'general.architecture': this.family, [`${this.family}.context_length`]: this.contextLength},
			parameters: parameters.map((line) => line.replace(' ', '                           ')).join('\n'),
		};
	}

	/** The num_ctx a request runs with: its option, else the Modelfile's, else the server default. */
	numCtxOf(body: ChatBody): number {
		const requested = Number(body.options?.num_ctx);
		if (Number.isFinite(requested) && requested > 0) return Math.max(4, Math.floor(requested));
		return this.options.modelfileNumCtx ?? this.options.defaultNumCtx ?? 4096;
	}

	/** An empty /api/chat: loads the model (or unloads it with keep_alive 0). */
	loadOrUnload(body: ChatBody): 'load' | 'unload' {
		const keep = keepAliveMs(body.keep_alive, this.options.defaultKeepAlive ?? '5m');
		const state = this.state(body.model);
		const startMs = this.clockMs;
		if (keep === 0) {
			state.loaded = undefined;
			state.cache = [];
			this.records.push(this.emptyRecord(body, 'unload', startMs, keep));
			return 'unload';
		}
		const record = this.emptyRecord(body, 'load', startMs, keep);
		record.loaded = this.ensureLoaded(body.model, record.numCtx);
		state.loaded!.expiresAtMs = this.clockMs + keep;
		record.simulatedMs = this.clockMs - startMs;
		this.records.push(record);
		return 'load';
	}

	/** A chat request answered with `reply`; throws an `Error` with `status` for Ollama's HTTP errors. */
	chat(body: ChatBody, reply: {content?: string; toolCalls?: Array<{name: string; arguments: unknown}>; thinking?: string}): Generated {
		const messages = body.messages ?? [];
		const tools = body.tools ?? [];
		const numCtx = this.numCtxOf(body);
		const keep = keepAliveMs(body.keep_alive, this.options.defaultKeepAlive ?? '5m');
		if (body.think !== undefined && body.think !== false && !this.thinkingCapable) throw httpError(400, `"${body.model}" does not support thinking`);
		const think = body.think === undefined ? this.thinkingCapable : body.think !== false;
		const startMs = this.clockMs;
		const record = this.emptyRecord(body, 'chat', startMs, keep);
		record.think = think;
		record.loaded = this.ensureLoaded(body.model, numCtx);
		const state = this.state(body.model);

		const render = {tools, thinking: think};
		const fitted = chatPrompt(messages, numCtx, render, this.tokenizer);
		let tokens = fitted.tokens;
		const cut = runnerCut(tokens, numCtx, Number(body.options?.num_keep ?? 4));
		if (cut && this.options.overflow === 'error') {
			record.error = 'the prompt is longer than the context length';
			this.records.push(record);
			throw httpError(400, 'the prompt is longer than the context length currently available to the model; shorten the prompt, adjust the context length in settings, or use a model with a longer context length');
		}
		const lastUser = messages.map((m) => m.role).lastIndexOf('user');
		const partLengths = renderMessages(messages, tools).map((part) => tokenize(part, this.tokenizer).length);
		const offset = partLengths.length - messages.length;
		// After the runner's cut only a tail is left: the user's message survives only if it is all in it.
		const userSurvivesCut = () => {
			if (!cut || lastUser !== messages.length - 1) return false;
			const userStart = tokens.length - tokenize(generationPrompt(think), this.tokenizer).length - partLengths[lastUser + offset];
			return userStart >= cut.tailFrom;
		};
		Object.assign(record, {
			fullTokens: fitted.fullTokens,
			promptTokens: cut ? cut.tokens.length : tokens.length,
			droppedMessages: fitted.droppedMessages,
			runnerCut: !!cut,
			hasSystem: !cut && messages[0]?.role === 'system',
			hasTools: tools.length > 0 && !cut,
			hasLastUser: lastUser >= fitted.keptFrom && (!cut || userSurvivesCut()),
		});
		if (cut) tokens = cut.tokens;

		let cached = commonPrefix(state.cache, tokens);
		if (cached === tokens.length) cached--;
		record.cached = cached;
		record.evaluated = tokens.length - cached;
		record.newTokens = this.newTokens(state.previous, messages, partLengths, offset, think);
		state.previous = messages;

		const generated = this.generate(reply, think, body.options?.num_predict);
		record.outputTokens = generated.outputTokens;
		record.thinkingTokens = generated.thinkingTokens;
		record.contextShift = tokens.length + generated.outputTokens > numCtx;
		state.cache = [...tokens, ...generated.tokens];

		const promptMs = (record.evaluated / (this.options.promptTokensPerSecond ?? 150)) * 1000;
		const evalMs = (generated.outputTokens / (this.options.generateTokensPerSecond ?? 16)) * 1000;
		const loadMs = this.clockMs - startMs;
		this.clockMs += promptMs + evalMs;
		state.loaded!.expiresAtMs = keep === 0 ? this.clockMs : this.clockMs + keep;
		if (keep === 0) state.loaded = undefined;
		record.simulatedMs = this.clockMs - startMs;
		this.records.push(record);
		return {
			thinking: generated.thinking,
			content: generated.content,
			toolCalls: generated.toolCalls,
			doneReason: generated.doneReason,
			metrics: {
				total_duration: ns(record.simulatedMs),
				load_duration: ns(loadMs),
				prompt_eval_count: tokens.length,
				prompt_eval_duration: ns(promptMs),
				eval_count: generated.outputTokens,
				eval_duration: ns(evalMs),
			},
		};
	}

	private state(model: string): ModelState {
		let state = this.models.get(model);
		if (!state) this.models.set(model, (state = {everLoaded: false, cache: []}));
		return state;
	}

	private ensureLoaded(model: string, numCtx: number): SimRecord['loaded'] {
		const state = this.state(model);
		let why: SimRecord['loaded'];
		if (!state.loaded) why = state.everLoaded ? 'unloaded' : 'first';
		else if (state.loaded.expiresAtMs < this.clockMs) why = 'expired';
		else if (state.loaded.numCtx !== numCtx) why = 'num_ctx';
		if (!why) return undefined;
		state.everLoaded = true;
		state.cache = [];
		this.clockMs += this.options.loadMs ?? 3000;
		state.loaded = {numCtx, expiresAtMs: forever};
		return why;
	}

	private generate(reply: {content?: string; toolCalls?: Array<{name: string; arguments: unknown}>; thinking?: string}, think: boolean, numPredict: unknown) {
		const thinking = think ? (reply.thinking ?? this.options.defaultThinking ?? '') : '';
		let content = reply.content ?? '';
		let toolCalls = (reply.toolCalls ?? []).map((call) => ({function: {name: call.name, arguments: call.arguments}}));
		const text = (c: string, calls: typeof toolCalls) =>
			`${thinking ? `<think>\n${thinking}\n</think>\n\n` : ''}${renderMessages([{role: 'assistant', content: c, tool_calls: calls}], [])[0].replace(/^<\|im_start\|>assistant\n/, '').replace(/\n$/, '')}`;
		let tokens = tokenize(text(content, toolCalls), this.tokenizer);
		const limit = Number(numPredict);
		let doneReason: 'stop' | 'length' = 'stop';
		if (Number.isFinite(limit) && limit > 0 && tokens.length > limit) {
			// The answer stops mid-way: whatever tool call was being written is lost.
			doneReason = 'length';
			toolCalls = [];
			const contentTokens = tokenize(content, this.tokenizer);
			content = contentTokens.slice(0, Math.max(0, limit - tokenize(text('', []), this.tokenizer).length)).join('');
			tokens = tokens.slice(0, limit);
		}
		const thinkingTokens = thinking ? tokenize(thinking, this.tokenizer).length : 0;
		return {thinking, content, toolCalls, doneReason, tokens, outputTokens: tokens.length, thinkingTokens};
	}

	/** Tokens of the messages this request has and the previous one did not (by content), plus the generation prompt. */
	private newTokens(previous: SimMessage[] | undefined, messages: SimMessage[], partLengths: number[], offset: number, think: boolean): number {
		const seen = new Map<string, number>();
		for (const message of previous ?? []) seen.set(JSON.stringify(message), (seen.get(JSON.stringify(message)) ?? 0) + 1);
		let tokens = tokenize(generationPrompt(think), this.tokenizer).length + (previous ? 0 : partLengths.slice(0, offset).reduce((a, b) => a + b, 0));
		messages.forEach((message, index) => {
			const key = JSON.stringify(message);
			const left = seen.get(key) ?? 0;
			if (left > 0) seen.set(key, left - 1);
			else tokens += partLengths[index + offset];
		});
		return tokens;
	}

	private emptyRecord(body: ChatBody, kind: SimRecord['kind'], startMs: number, keep: number): SimRecord {
		return {
			model: body.model,
			kind,
			numCtx: this.numCtxOf(body),
			fullTokens: 0,
			promptTokens: 0,
			droppedMessages: 0,
			runnerCut: false,
			evaluated: 0,
			cached: 0,
			newTokens: 0,
			outputTokens: 0,
			thinkingTokens: 0,
			contextShift: false,
			hasSystem: false,
			hasTools: false,
			hasLastUser: false,
			think: false,
			keepAliveMs: keep,
			startMs,
			simulatedMs: 0,
		};
	}
}

function httpError(status: number, message: string): Error & {status: number} {
	return Object.assign(new Error(message), {status});
}
