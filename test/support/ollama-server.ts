// The scripted Ollama server: the only stand-in for the model. It speaks the real HTTP API
// (`/api/chat` NDJSON streaming with tool_calls and thinking, `/api/tags`, `/api/show`,
// `/api/version`); an empty `/api/chat` loads the model (or unloads it with keep_alive 0) and uses
// no scripted reply, as in Ollama.
//
// With `realistic`, the model behaves as Ollama runs one (read from Ollama's server/prompt.go,
// server/sched.go, server/routes.go and its runner; see ollama-model.ts and ollama-prompt.ts):
// - num_ctx: the request's `options.num_ctx`, else a Modelfile `num_ctx`, else 4096 (Ollama's
//   default under 24 GiB of GPU memory); `/api/show` reports `<family>.context_length` and the
//   Modelfile parameters.
// - a prompt that does not fit is made to fit silently: the oldest non-system messages are dropped
//   one by one (system messages and the last message stay; a tool result may lose its call), and
//   when even that is not enough the runner keeps `num_keep` (4) tokens and the tail, so the
//   system prompt and the tools are gone; `overflow: 'error'` answers 400 instead (context shift off).
// - load and keep_alive: the first request loads the model (load_duration), it stays loaded for the
//   request's keep_alive (default 5m) on a simulated clock, a different num_ctx reloads it.
// - one KV-cache slot per model: only the longest common token prefix with the previous request is
//   reused; prompt_eval_count is the whole prompt, prompt_eval_duration covers only what was
//   evaluated (at ~150 tokens/s), eval_count/eval_duration the output (at ~16 tokens/s).
// - think: on by default for a thinking model unless the request says `think: false`; `thinking`
//   chunks; `think: true` on a model without the capability is a 400. num_predict cuts the answer.
// Either way it answers every request at once, however many are open, and records the most that
// were open at once (`maxConcurrentChats`); `latencyMs` makes each answer take that long, and a reply
// function may return a promise to hold its request until the test settles it.
// It does not reproduce: real tokenizers and chat templates (a qwen3-style template and a
// deterministic word-piece tokenizer stand in), parallel slots (OLLAMA_NUM_PARALLEL), the context
// shift during generation (only recorded), GPU memory estimates and layer offload, several loaded
// models competing for memory, Ollama's own parsing of tool calls from text, images, formats.
import http from 'node:http';
import type {AddressInfo} from 'node:net';
import {OllamaSimulation, type ChatBody, type RealisticOptions} from './ollama-model.js';

export interface ScriptedToolCall {
	name: string;
	arguments: Record<string, unknown> | string;
}

export type ScriptedReply =
	| {content?: string; toolCalls?: ScriptedToolCall[]; thinking?: string}
	/** Streams `content` then an `{"error": …}` line. */
	| {errorMidStream: string; content?: string}
	/** Streams `content` then ends the response without a `done` line. */
	| {endWithoutDone: true; content?: string}
	/** Streams `content` then holds the connection open until the client goes away. */
	| {stall: true; content?: string}
	/** Answers with an HTTP error status and `{"error": message}`. */
	| {httpStatus: number; error: string};

export interface ChatRequestBody {
	model: string;
	messages: Array<{role: string; content: string; tool_calls?: Array<{function: {name: string; arguments: unknown}}>; tool_name?: string}>;
	tools?: Array<{type: string; function: {name: string; description?: string; parameters?: unknown}}>;
	stream?: boolean;
	think?: boolean | string;
	keep_alive?: string | number;
	options?: Record<string, unknown>;
}

/** A reply, or a function of the request that gives one (a promise holds the request until it settles). */
export type ScriptedStep = ScriptedReply | ((request: ChatRequestBody) => ScriptedReply | Promise<ScriptedReply>);

export interface ScriptedOllamaOptions {
	/** Models `/api/tags` lists; default `['qwen3:8b']`. */
	models?: string[];
	/** Models whose `/api/show` capabilities lack `tools`. */
	modelsWithoutTools?: string[];
	/** Replies in order; when they run out, `fallback` answers. */
	replies?: ScriptedStep[];
	fallback?: (request: ChatRequestBody) => ScriptedReply | Promise<ScriptedReply>;
	/** Each chat answer takes this long (real milliseconds) before it is written, so overlapping requests overlap. */
	latencyMs?: number;
	/** Splits content into chunks of this many characters (default 8). */
	chunkSize?: number;
	/** Keep every /api/chat body in `chatRequests` (default true; a benchmark measuring memory turns it off). */
	keepRequests?: boolean;
	/** Behave like Ollama running the model (context window, KV cache, load, think); see the header. */
	realistic?: RealisticOptions | true;
}

export interface ScriptedOllama {
	url: string;
	port: number;
	/** Bodies of every `/api/chat` request with messages, in order. */
	chatRequests: ChatRequestBody[];
	/** Bodies of the empty `/api/chat` requests (model loads and unloads). */
	loadRequests: ChatRequestBody[];
	/** The realistic model (its records and simulated clock), when `realistic` is set. */
	sim?: OllamaSimulation;
	/** Every request path seen. */
	paths: string[];
	/** The most `/api/chat` requests with messages that were open at once. */
	maxConcurrentChats(): number;
	push(...replies: ScriptedStep[]): void;
	/** Drops the replies not used yet. */
	clear(): void;
	close(): Promise<void>;
}

const write = (res: http.ServerResponse, object: unknown) => res.write(JSON.stringify(object) + '\n');

export async function startScriptedOllama(options: ScriptedOllamaOptions = {}): Promise<ScriptedOllama> {
	const models = options.models ?? ['qwen3:8b'];
	const withoutTools = new Set(options.modelsWithoutTools ?? []);
	const queue = [...(options.replies ?? [])];
	const chunkSize = options.chunkSize ?? 8;
	const chatRequests: ChatRequestBody[] = [];
	const loadRequests: ChatRequestBody[] = [];
	const sim = options.realistic ? new OllamaSimulation(options.realistic === true ? {} : options.realistic) : undefined;
	const paths: string[] = [];
	const open = new Set<http.ServerResponse>();
	let openChats = 0;
	let maxOpenChats = 0;

	const server = http.createServer((req, res) => {
		paths.push(req.url ?? '');
		let raw = '';
		req.on('data', (chunk) => (raw += chunk));
		req.on('end', () => {
			const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
			const url = req.url ?? '';
			if (url === '/api/version') return json(res, 200, {version: '0.12.0'});
			if (url === '/api/tags') {
				return json(res, 200, {models: models.map((name) => ({name, model: name, size: 1, digest: 'x', details: {}}))});
			}
			if (url === '/api/show') {
				const name = String(body.model ?? body.name ?? '');
				if (!models.includes(name)) return json(res, 404, {error: `model '${name}' not found`});
				if (sim) return json(res, 200, {...sim.show(), ...(withoutTools.has(name) ? {capabilities: ['completion']} : {})});
				return json(res, 200, {capabilities: withoutTools.has(name) ? ['completion'] : ['completion', 'tools'], details: {}});
			}
			if (url === '/api/chat') return void chat(body as unknown as ChatRequestBody, res);
			json(res, 404, {error: 'not found'});
		});
	});

	function json(res: http.ServerResponse, status: number, object: unknown) {
		res.writeHead(status, {'content-type': 'application/json'});
		res.end(JSON.stringify(object));
	}

	async function chat(body: ChatRequestBody, res: http.ServerResponse) {
		if (!models.includes(body.model)) return json(res, 404, {error: `model "${body.model}" not found, try pulling it first`});
		if (!body.messages?.length) return load(body, res);
		if (options.keepRequests !== false) chatRequests.push(body);
		maxOpenChats = Math.max(maxOpenChats, ++openChats);
		res.once('close', () => openChats--);
		if (body.tools?.length && withoutTools.has(body.model)) {
			return json(res, 400, {error: `registry.ollama.ai/library/${body.model} does not support tools`});
		}
		const next = queue.shift();
		const reply: ScriptedReply = await (next ? (typeof next === 'function' ? next(body) : next) : (options.fallback?.(body) ?? {content: 'ok'}));
		if (options.latencyMs) await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
		if (res.destroyed) return;
		if ('httpStatus' in reply) return json(res, reply.httpStatus, {error: reply.error});
		if (sim && !('errorMidStream' in reply || 'endWithoutDone' in reply || 'stall' in reply)) return realisticChat(body, reply, res);
		res.writeHead(200, {'content-type': 'application/x-ndjson'});
		const content = reply.content ?? '';
		for (let i = 0; i < content.length; i += chunkSize) {
			write(res, {...base(body), message: {role: 'assistant', content: content.slice(i, i + chunkSize)}, done: false});
		}
		if ('errorMidStream' in reply) {
			write(res, {error: reply.errorMidStream});
			return res.end();
		}
		if ('endWithoutDone' in reply) return res.end();
		if ('stall' in reply) {
			open.add(res);
			res.on('close', () => open.delete(res));
			return;
		}
		if (reply.thinking) write(res, {...base(body), message: {role: 'assistant', content: '', thinking: reply.thinking}, done: false});
		writeCalls(res, body, reply.toolCalls);
		write(res, {...base(body), message: {role: 'assistant', content: ''}, done: true, done_reason: 'stop', eval_count: 1});
		res.end();
	}

	function realisticChat(body: ChatRequestBody, reply: Extract<ScriptedReply, {content?: string}>, res: http.ServerResponse) {
		let generated;
		try {
			generated = sim!.chat(body as ChatBody, reply);
		} catch (error) {
			return json(res, (error as {status?: number}).status ?? 500, {error: (error as Error).message});
		}
		res.writeHead(200, {'content-type': 'application/x-ndjson'});
		for (let i = 0; i < generated.thinking.length; i += chunkSize) {
			write(res, {...base(body), message: {role: 'assistant', content: '', thinking: generated.thinking.slice(i, i + chunkSize)}, done: false});
		}
		for (let i = 0; i < generated.content.length; i += chunkSize) {
			write(res, {...base(body), message: {role: 'assistant', content: generated.content.slice(i, i + chunkSize)}, done: false});
		}
		writeCalls(res, body, generated.toolCalls.map((call) => ({name: call.function.name, arguments: call.function.arguments as ScriptedToolCall['arguments']})));
		write(res, {...base(body), message: {role: 'assistant', content: ''}, done: true, done_reason: generated.doneReason, ...generated.metrics});
		res.end();
	}

	function load(body: ChatRequestBody, res: http.ServerResponse) {
		loadRequests.push(body);
		let reason: 'load' | 'unload' = body.keep_alive === 0 || body.keep_alive === '0' ? 'unload' : 'load';
		try {
			if (sim) reason = sim.loadOrUnload(body as ChatBody);
		} catch (error) {
			return json(res, 400, {error: (error as Error).message});
		}
		json(res, 200, {...base(body), message: {role: 'assistant', content: ''}, done: true, done_reason: reason});
	}

	function writeCalls(res: http.ServerResponse, body: ChatRequestBody, calls: ScriptedToolCall[] | undefined) {
		if (!calls?.length) return;
		write(res, {
			...base(body),
			message: {role: 'assistant', content: '', tool_calls: calls.map((call) => ({function: {name: call.name, arguments: call.arguments}}))},
			done: false,
		});
	}

	const base = (body: ChatRequestBody) => ({model: body.model, created_at: new Date().toISOString()});

	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const port = (server.address() as AddressInfo).port;
	return {
		url: `http://127.0.0.1:${port}`,
		port,
		chatRequests,
		loadRequests,
		sim,
		paths,
		maxConcurrentChats: () => maxOpenChats,
		push: (...replies) => queue.push(...replies),
		clear: () => void queue.splice(0),
		close: async () => {
			for (const res of open) res.destroy();
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
