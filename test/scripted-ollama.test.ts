// The realistic scripted Ollama behaves like Ollama on the points the host relies on: these tests
// talk to it over HTTP exactly as a client of Ollama would.
import {afterEach, describe, expect, it} from 'vitest';
import {startScriptedOllama, type ScriptedOllama} from './support/ollama-server.js';
import type {RealisticOptions} from './support/ollama-model.js';

let server: ScriptedOllama | undefined;
afterEach(async () => {
	await server?.close();
	server = undefined;
});

async function start(realistic: RealisticOptions = {}, replies: Array<{content?: string; thinking?: string}> = []) {
	server = await startScriptedOllama({realistic, replies, fallback: () => ({content: 'fine'})});
	return server;
}

async function chat(body: Record<string, unknown>): Promise<{status: number; lines: Array<Record<string, unknown>>}> {
	const response = await fetch(`${server!.url}/api/chat`, {method: 'POST', body: JSON.stringify({model: 'qwen3:8b', stream: true, ...body})});
	const text = await response.text();
	return {status: response.status, lines: text.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>)};
}

const words = (n: number) => Array.from({length: n}, (_, i) => `word${i % 10}x`).join(' ');
const system = {role: 'system', content: 'You are a careful assistant.'};

describe('the realistic scripted Ollama', () => {
	it('shows the context length and Modelfile parameters, and loads with an empty chat', async () => {
		await start({contextLength: 32768, modelfileNumCtx: 8192});
		const show = (await (await fetch(`${server!.url}/api/show`, {method: 'POST', body: JSON.stringify({model: 'qwen3:8b'})})).json()) as Record<string, any>;
		expect(show.model_info['qwen3.context_length']).toBe(32768);
		expect(show.parameters).toMatch(/^num_ctx\s+8192$/m);
		expect(show.capabilities).toEqual(['completion', 'tools', 'thinking']);
		const loaded = await chat({messages: [], keep_alive: '30m', stream: false});
		expect(loaded.lines[0]).toMatchObject({done: true, done_reason: 'load'});
		expect(server!.sim!.loads()).toBe(1);
		expect(server!.chatRequests).toHaveLength(0);
		const unloaded = await chat({messages: [], keep_alive: 0, stream: false});
		expect(unloaded.lines[0]).toMatchObject({done_reason: 'unload'});
		expect(server!.sim!.isLoaded('qwen3:8b')).toBe(false);
	});

	it('fits an over-long prompt into the default 4096 by dropping the oldest messages, keeping system and the last one', async () => {
		await start();
		const history = Array.from({length: 6}, (_, i) => ({role: i % 2 ? 'assistant' : 'user', content: words(300)}));
		const {lines} = await chat({messages: [system, ...history, {role: 'user', content: 'the question'}]});
		const record = server!.sim!.records.at(-1)!;
		expect(record.numCtx).toBe(4096);
		expect(record.fullTokens).toBeGreaterThan(4096);
		expect(record.droppedMessages).toBeGreaterThan(0);
		expect(record).toMatchObject({runnerCut: false, hasSystem: true, hasLastUser: true});
		expect(lines.at(-1)!.prompt_eval_count).toBe(record.promptTokens);
		expect(record.promptTokens).toBeLessThanOrEqual(4096);
	});

	it('cuts a prompt whose last message alone is too long to num_keep tokens and the tail: system, tools and question are gone', async () => {
		await start();
		const tools = [{type: 'function', function: {name: 'bash', description: 'run a command', parameters: {type: 'object', properties: {}}}}];
		await chat({messages: [system, {role: 'user', content: `the question ${words(5000)}`}], tools, options: {num_ctx: 2048}});
		const record = server!.sim!.records.at(-1)!;
		expect(record).toMatchObject({runnerCut: true, hasSystem: false, hasTools: false, hasLastUser: false});
		expect(record.promptTokens).toBeLessThan(2048);
	});

	it('answers 400 instead when told context shift is off', async () => {
		await start({overflow: 'error'});
		const {status, lines} = await chat({messages: [{role: 'user', content: words(5000)}], options: {num_ctx: 2048}});
		expect(status).toBe(400);
		expect(lines[0].error).toMatch(/longer than the context length/);
	});

	it('reuses only the longest common prefix with the previous request (one slot)', async () => {
		await start();
		const first = [system, {role: 'user', content: words(200)}];
		await chat({messages: first, think: false, options: {num_ctx: 8192}});
		const cold = server!.sim!.records.at(-1)!;
		expect(cold.cached).toBe(0);
		await chat({messages: [...first, {role: 'assistant', content: 'fine'}, {role: 'user', content: 'and then?'}], think: false, options: {num_ctx: 8192}});
		const warm = server!.sim!.records.at(-1)!;
		expect(warm.cached).toBeGreaterThan(cold.promptTokens - 20);
		expect(warm.evaluated).toBeLessThanOrEqual(warm.newTokens + 12);
		// A change at the start (a per-turn system prompt) re-evaluates everything after it.
		await chat({messages: [{role: 'system', content: 'Now is 10:02.'}, ...first.slice(1)], think: false, options: {num_ctx: 8192}});
		expect(server!.sim!.records.at(-1)!.cached).toBeLessThan(10);
		expect(server!.sim!.loads()).toBe(1);
	});

	it('reloads the model when num_ctx changes or keep_alive ran out, and reports load_duration', async () => {
		await start({loadMs: 2500});
		const ask = (body: Record<string, unknown>) => chat({messages: [{role: 'user', content: 'hi'}], ...body});
		const first = await ask({options: {num_ctx: 8192}, keep_alive: '1m'});
		expect(Number(first.lines.at(-1)!.load_duration)).toBe(2500 * 1e6);
		const again = await ask({options: {num_ctx: 8192}, keep_alive: '1m'});
		expect(again.lines.at(-1)!.load_duration).toBe(0);
		await ask({options: {num_ctx: 16384}, keep_alive: '1m'});
		server!.sim!.advance(61_000);
		await ask({options: {num_ctx: 16384}, keep_alive: '1m'});
		expect(server!.sim!.records.map((r) => r.loaded)).toEqual(['first', undefined, 'num_ctx', 'expired']);
	});

	it('thinks unless told think:false, and refuses think on a model that cannot', async () => {
		await start({defaultThinking: 'Let me think about this.'});
		const thinking = (lines: Array<Record<string, any>>) => lines.map((l) => l.message?.thinking ?? '').join('');
		expect(thinking((await chat({messages: [{role: 'user', content: 'hi'}]})).lines)).toBe('Let me think about this.');
		expect(thinking((await chat({messages: [{role: 'user', content: 'hi'}], think: false})).lines)).toBe('');
		await server!.close();
		await start({thinking: false});
		const refused = await chat({messages: [{role: 'user', content: 'hi'}], think: true});
		expect(refused.status).toBe(400);
		expect(refused.lines[0].error).toMatch(/does not support thinking/);
	});

	it('charges evaluated prompt tokens and output tokens on the simulated clock', async () => {
		await start({promptTokensPerSecond: 100, generateTokensPerSecond: 10, loadMs: 0});
		const {lines} = await chat({messages: [{role: 'user', content: words(100)}], think: false});
		const final = lines.at(-1)!;
		const record = server!.sim!.records.at(-1)!;
		expect(Number(final.prompt_eval_duration) / 1e6).toBeCloseTo((record.evaluated / 100) * 1000, 3);
		expect(Number(final.eval_duration) / 1e6).toBeCloseTo((record.outputTokens / 10) * 1000, 3);
		expect(server!.sim!.clockMs).toBeCloseTo(record.simulatedMs, 3);
	});
});
