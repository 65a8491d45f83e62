import http from 'node:http';
import {afterEach, describe, expect, it} from 'vitest';
import type {LlmChunkMessage} from '../container/agent-runner/src/protocol.js';
import {LlmBridge} from '../src/llm-bridge.js';
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

	it('probes version, model presence and tool support', async () => {
		server = await startScriptedOllama({models: ['qwen3:8b', 'gemma:2b'], modelsWithoutTools: ['gemma:2b']});
		expect(await new LlmBridge({baseUrl: server.url, model: 'qwen3:8b'}).probe()).toMatchObject({reachable: true, modelPresent: true, toolsSupported: true});
		expect(await new LlmBridge({baseUrl: server.url, model: 'gemma:2b'}).probe()).toMatchObject({toolsSupported: false, error: expect.stringMatching(/does not support tools/)});
		expect(await new LlmBridge({baseUrl: server.url, model: 'missing'}).probe()).toMatchObject({modelPresent: false});
	});
});
