// The scripted Ollama server: the only stand-in for the model. It speaks the real HTTP API
// (`/api/chat` NDJSON streaming with tool_calls, `/api/tags`, `/api/show`, `/api/version`).
import http from 'node:http';
import type {AddressInfo} from 'node:net';

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
	messages: Array<{role: string; content: string; tool_calls?: unknown[]; tool_name?: string}>;
	tools?: Array<{type: string; function: {name: string; description?: string; parameters?: unknown}}>;
	stream?: boolean;
	options?: Record<string, unknown>;
}

export type ReplyFn = (request: ChatRequestBody) => ScriptedReply | Promise<ScriptedReply>;

export interface ScriptedOllamaOptions {
	/** Models `/api/tags` lists; default `['qwen3:8b']`. */
	models?: string[];
	/** Models whose `/api/show` capabilities lack `tools`. */
	modelsWithoutTools?: string[];
	/** Replies in order; when they run out, `fallback` answers. A reply may wait (a promise): the model is slow. */
	replies?: Array<ScriptedReply | ReplyFn>;
	fallback?: ReplyFn;
	/** Splits content into chunks of this many characters (default 8). */
	chunkSize?: number;
	/** Keep every /api/chat body in `chatRequests` (default true; a benchmark measuring memory turns it off). */
	keepRequests?: boolean;
}

export interface ScriptedOllama {
	url: string;
	port: number;
	/** Bodies of every `/api/chat` request, in order. */
	chatRequests: ChatRequestBody[];
	/** Every request path seen. */
	paths: string[];
	push(...replies: Array<ScriptedReply | ReplyFn>): void;
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
	const paths: string[] = [];
	const open = new Set<http.ServerResponse>();

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
		if (options.keepRequests !== false) chatRequests.push(body);
		if (!models.includes(body.model)) return json(res, 404, {error: `model "${body.model}" not found, try pulling it first`});
		if (body.tools?.length && withoutTools.has(body.model)) {
			return json(res, 400, {error: `registry.ollama.ai/library/${body.model} does not support tools`});
		}
		const next = queue.shift();
		const reply: ScriptedReply = next
			? typeof next === 'function'
				? await next(body)
				: next
			: ((await options.fallback?.(body)) ?? {content: 'ok'});
		if (res.destroyed) return;
		if ('httpStatus' in reply) return json(res, reply.httpStatus, {error: reply.error});
		res.writeHead(200, {'content-type': 'application/x-ndjson'});
		const base = () => ({model: body.model, created_at: new Date().toISOString()});
		const content = reply.content ?? '';
		for (let i = 0; i < content.length; i += chunkSize) {
			write(res, {...base(), message: {role: 'assistant', content: content.slice(i, i + chunkSize)}, done: false});
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
		if (reply.thinking) write(res, {...base(), message: {role: 'assistant', content: '', thinking: reply.thinking}, done: false});
		if (reply.toolCalls?.length) {
			write(res, {
				...base(),
				message: {role: 'assistant', content: '', tool_calls: reply.toolCalls.map((call) => ({function: {name: call.name, arguments: call.arguments}}))},
				done: false,
			});
		}
		write(res, {...base(), message: {role: 'assistant', content: ''}, done: true, done_reason: 'stop', eval_count: 1});
		res.end();
	}

	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const port = (server.address() as AddressInfo).port;
	return {
		url: `http://127.0.0.1:${port}`,
		port,
		chatRequests,
		paths,
		push: (...replies) => queue.push(...replies),
		clear: () => void queue.splice(0),
		close: async () => {
			for (const res of open) res.destroy();
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
