import http from 'node:http';
import {afterEach, describe, expect, it} from 'vitest';
import type {LlmChunkMessage} from '../container/agent-runner/src/protocol.js';
import {LlmBridge, LlmBudgetError} from '../src/llm-bridge.js';
import {ModelQueue} from '../src/llm/model-queue.js';
import {startScriptedOllama, type ScriptedOllama, type ScriptedReply} from './support/ollama-server.js';

let server: ScriptedOllama | undefined;
afterEach(async () => {
	await server?.close();
	server = undefined;
});

const request = {type: 'llm_request' as const, requestId: 'r1', messages: [{role: 'user' as const, content: 'hi'}], tools: []};

async function serveOnce(reply: ScriptedReply, options: {model?: string; withoutTools?: boolean; stallTimeoutMs?: number} = {}) {
	const model = options.model ?? 'qwen3:8b';
	server = await startScriptedOllama({replies: [reply], modelsWithoutTools: options.withoutTools ? [model] : []});
	const bridge = new LlmBridge({baseUrl: server.url, model, stallTimeoutMs: options.stallTimeoutMs});
	const chunks: LlmChunkMessage[] = [];
	const tools = options.withoutTools ? [{type: 'function' as const, function: {name: 'bash', description: 'x', parameters: {type: 'object' as const, properties: {}}}}] : [];
	const error = await bridge
		.serve({...request, tools}, (chunk) => chunks.push(chunk))
		.then(() => undefined)
		.catch((caught: Error) => caught.message);
	return {chunks, error};
}

describe('LlmBridge', () => {
	it('streams content and tool calls, and enforces the host model', async () => {
		server = await startScriptedOllama({
			replies: [{content: 'Hello there, friend', toolCalls: [{name: 'bash', arguments: {command: 'ls'}}]}],
		});
		const bridge = new LlmBridge({baseUrl: server.url, model: 'qwen3:8b'});
		const chunks: LlmChunkMessage[] = [];
		await bridge.serve(request, (chunk) => chunks.push(chunk));
		expect(chunks.map((c) => c.content).join('')).toBe('Hello there, friend');
		expect(chunks.flatMap((c) => c.tool_calls ?? [])).toEqual([{function: {name: 'bash', arguments: {command: 'ls'}}}]);
		expect(chunks.at(-1)?.done).toBe(true);
		expect(server.chatRequests[0].model).toBe('qwen3:8b');
		expect(server.chatRequests[0].stream).toBe(true);
	});

	it.each([
		['a model that is missing', {content: 'x'}, {model: 'nope:1b'}, /model nope:1b is not installed.*ollama pull nope:1b/],
		['a model without tool support', {content: 'x'}, {withoutTools: true}, /does not support tools: set OLLAMA_MODEL/],
		['an error line mid-stream', {errorMidStream: 'out of memory', content: 'partial'}, {}, /out of memory/],
		['a stream that stops without done', {endWithoutDone: true, content: 'partial'}, {}, /ended before it was done/],
		['a stall', {stall: true, content: 'partial'}, {stallTimeoutMs: 300}, /sent nothing for 0 s \(stalled\)|stalled/],
		['an HTTP error', {httpStatus: 500, error: 'llama runner crashed'}, {}, /llama runner crashed/],
	])('explains %s in one line', async (_name, reply, options, message) => {
		const {error} = await serveOnce(reply as ScriptedReply, options);
		expect(error).toMatch(message);
		expect(error).not.toContain('\n');
	});

	it('names the URL and how to start Ollama when nothing listens', async () => {
		const blocker = http.createServer();
		await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
		const port = (blocker.address() as {port: number}).port;
		await new Promise<void>((resolve) => blocker.close(() => resolve()));
		const bridge = new LlmBridge({baseUrl: `http://127.0.0.1:${port}`, model: 'qwen3:8b'});
		await expect(bridge.serve(request, () => {})).rejects.toThrow(`Ollama is not reachable at http://127.0.0.1:${port}: start it with \`ollama serve\``);
		const state = await bridge.probe();
		expect(state.reachable).toBe(false);
		expect(state.error).toMatch(/not reachable/);
	});

	it('a request stopped before Ollama sent a byte (a load, a long prompt) ends at once, and the model is free for the next', async () => {
		let hold!: (reply: ScriptedReply) => void;
		server = await startScriptedOllama({replies: [() => new Promise<ScriptedReply>((resolve) => (hold = resolve)), {content: 'next'}]});
		const bridge = new LlmBridge({baseUrl: server.url, model: 'qwen3:8b', queue: new ModelQueue({parallel: 1})});
		const stop = new AbortController();
		const first = bridge.serve(request, () => {}, stop.signal, {origin: {group: 'main', lane: 'subagent', agent: 'a'}});
		const chunks: LlmChunkMessage[] = [];
		const second = bridge.serve({...request, requestId: 'r2'}, (chunk) => chunks.push(chunk), undefined, {origin: {group: 'main', lane: 'subagent', agent: 'b'}});
		while (server.chatRequests.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
		expect(bridge.queueView()).toEqual({parallel: 1, running: 1, waiting: [{group: 'main', lane: 'subagent'}]});
		stop.abort('the agent cancelled the request');
		await expect(first).rejects.toThrow('the agent cancelled the request');
		await second;
		expect(chunks.map((chunk) => chunk.content).join('')).toBe('next');
		expect(chunks.at(-1)).toMatchObject({done: true, usage: {promptTokens: expect.any(Number), outputTokens: 1}});
		hold({content: 'too late'});
	});

	it('probes version, model presence and tool support', async () => {
		server = await startScriptedOllama({models: ['qwen3:8b', 'gemma:2b'], modelsWithoutTools: ['gemma:2b']});
		expect(await new LlmBridge({baseUrl: server.url, model: 'qwen3:8b'}).probe()).toMatchObject({reachable: true, modelPresent: true, toolsSupported: true});
		expect(await new LlmBridge({baseUrl: server.url, model: 'gemma:2b'}).probe()).toMatchObject({toolsSupported: false, error: expect.stringMatching(/does not support tools/)});
		expect(await new LlmBridge({baseUrl: server.url, model: 'missing'}).probe()).toMatchObject({modelPresent: false});
	});
});

describe('LlmBridge against a model as Ollama runs it', () => {
	const tools = [{type: 'function' as const, function: {name: 'bash', description: 'Run a command', parameters: {type: 'object' as const, properties: {}}}}];
	const ask = (content: string, id = 'r1') => ({type: 'llm_request' as const, requestId: id, messages: [{role: 'system' as const, content: 'You help.'}, {role: 'user' as const, content}], tools});

	it('sends num_ctx, num_predict, keep_alive and think on every request, and loads the model with the same num_ctx', async () => {
		server = await startScriptedOllama({realistic: {contextLength: 40_960}});
		const bridge = new LlmBridge({baseUrl: server.url, model: 'qwen3:8b', keepAlive: '45m'});
		await bridge.load();
		await bridge.serve(ask('hi'), () => {});
		await bridge.serve(ask('again'), () => {});
		expect(server.loadRequests).toEqual([expect.objectContaining({messages: [], keep_alive: '45m', options: {num_ctx: 16_384}})]);
		for (const body of server.chatRequests) expect(body).toMatchObject({keep_alive: '45m', think: false, options: {num_ctx: 16_384, num_predict: 2048}});
		expect(server.sim!.loads()).toBe(1);
		expect(bridge.currentBudget()).toMatchObject({numCtx: 16_384, reserveTokens: 2048});
	});

	it('measures each request: prompt, evaluated and cached (from prompt_eval_duration at the cold rate), output, speed, load', async () => {
		server = await startScriptedOllama({realistic: {loadMs: 2000}, fallback: () => ({content: 'A fine answer of some words.'})});
		const bridge = new LlmBridge({baseUrl: server.url, model: 'qwen3:8b'});
		const long = 'Tell me about the logs. '.repeat(200);
		const cold = await bridge.serve(ask(long), () => {});
		const warm = await bridge.serve({...ask(long, 'r2'), messages: [...ask(long).messages, {role: 'assistant', content: 'A fine answer of some words.'}, {role: 'user', content: 'and more?'}]}, () => {});
		const [first, second] = server.sim!.records;
		expect(cold).toMatchObject({promptTokens: first.promptTokens, evaluatedTokens: first.evaluated, cachedTokens: 0, outputTokens: first.outputTokens, loadMs: 2000, overBudget: false});
		expect(cold.tokensPerSecond).toBeCloseTo(16, 5);
		expect(warm).toMatchObject({promptTokens: second.promptTokens, evaluatedTokens: second.evaluated, cachedTokens: second.cached, loadMs: 0});
		expect(warm.cachedTokens! / warm.promptTokens!).toBeGreaterThan(0.9);
		expect(bridge.contextInUse()).toMatchObject({numCtx: 16_384, lastPromptTokens: second.promptTokens});
	});

	it('keeps thinking out of the chunks: it goes to the hooks (the run\'s details)', async () => {
		server = await startScriptedOllama({realistic: {}, replies: [{content: 'Answer.', thinking: 'secret reasoning'}]});
		const bridge = new LlmBridge({baseUrl: server.url, model: 'qwen3:8b', think: 'on'});
		const chunks: LlmChunkMessage[] = [];
		const thoughts: string[] = [];
		await bridge.serve(ask('hi'), (chunk) => chunks.push(chunk), undefined, {onThinking: (text) => thoughts.push(text)});
		expect(server.chatRequests[0].think).toBe(true);
		expect(thoughts.join('')).toBe('secret reasoning');
		expect(JSON.stringify(chunks)).not.toContain('secret');
		expect(chunks.map((c) => c.content).join('')).toBe('Answer.');
		// More room is kept for an answer that thinks.
		expect(server.chatRequests[0].options).toMatchObject({num_predict: 4096});
	});

	it.each<[string, string, object, unknown]>([
		['a level on a thinking model', 'high', {}, 'high'],
		['on, for a model that cannot think: false, with a warning', 'on', {thinking: false}, false],
	])('think: %s', async (_name, think, realistic, sent) => {
		server = await startScriptedOllama({realistic});
		const bridge = new LlmBridge({baseUrl: server.url, model: 'qwen3:8b', think: think as 'on'});
		await bridge.serve(ask('hi'), () => {});
		expect(server.chatRequests[0].think).toBe(sent);
		if (sent === false) expect(bridge.contextInUse()?.warning).toBe('model qwen3:8b does not think: OLLAMA_THINK=on has no effect (think is sent as false)');
	});

	it('refuses a request that does not fit, with the budget to fit it to, and sends nothing', async () => {
		server = await startScriptedOllama({realistic: {contextLength: 4096}});
		const bridge = new LlmBridge({baseUrl: server.url, model: 'qwen3:8b'});
		const error = await bridge.serve(ask('word '.repeat(20_000)), () => {}).catch((caught: LlmBudgetError) => caught);
		expect(error).toBeInstanceOf(LlmBudgetError);
		expect((error as LlmBudgetError).message).toMatch(/^the request \(about \d+ tokens\) does not fit the model's context \(3584 of num_ctx 4096 with the answer's reserve\)$/);
		expect((error as LlmBudgetError).budget).toMatchObject({numCtx: 4096, reserveTokens: 512});
		expect(server.chatRequests).toHaveLength(0);
	});

	it('a 400 "longer than the context length" lowers the estimate and asks for a refit', async () => {
		server = await startScriptedOllama({realistic: {overflow: 'error', wordPieceChars: 1}});
		const bridge = new LlmBridge({baseUrl: server.url, model: 'qwen3:8b', numCtx: 2048});
		const before = (await bridge.prepare(), bridge.currentBudget()!.charsPerToken);
		const error = await bridge.serve(ask('abcdefgh '.repeat(450)), () => {}).catch((caught: LlmBudgetError) => caught);
		expect(error).toBeInstanceOf(LlmBudgetError);
		expect((error as LlmBudgetError).message).toBe('Ollama said the prompt is longer than the context (num_ctx 2048): the estimate was raised');
		expect((error as LlmBudgetError).budget.charsPerToken).toBeLessThan(before);
	});

	it('uses a Modelfile num_ctx under auto, and caps a setting at the model\'s maximum', async () => {
		server = await startScriptedOllama({realistic: {contextLength: 32_768, modelfileNumCtx: 8192}});
		expect((await new LlmBridge({baseUrl: server.url, model: 'qwen3:8b'}).prepare()).choice).toMatchObject({numCtx: 8192, source: 'Modelfile'});
		const capped = new LlmBridge({baseUrl: server.url, model: 'qwen3:8b', numCtx: 65_536});
		expect((await capped.probe()).context).toMatchObject({numCtx: 32_768, modelMax: 32_768, warning: 'OLLAMA_NUM_CTX=65536 is more than model qwen3:8b allows (32768): using 32768'});
	});
});
