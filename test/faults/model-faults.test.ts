// A model that misbehaves, through the whole host (agent-runner as a child process, the LLM bridge,
// the scripted Ollama server): every case is bounded and explained, and the group stays usable.
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {startScriptedOllama, type ChatRequestBody, type ScriptedOllama, type ScriptedReply} from '../support/ollama-server.js';
import {startTestHost, type TestHost} from '../support/test-host.js';

let ollama: ScriptedOllama;
let running: TestHost;
beforeAll(async () => {
	ollama = await startScriptedOllama();
	running = await startTestHost({runtime: 'none', ollamaUrl: ollama.url});
});
afterAll(async () => {
	await running.stop();
	await ollama.close();
});

const bash = (command: string): ScriptedReply => ({toolCalls: [{name: 'bash', arguments: {command}}]});
const lastToolResult = (request: ChatRequestBody) => request.messages.filter((m) => m.role === 'tool').at(-1)?.content ?? '';

describe('a model that misbehaves', () => {
	it.each<[string, ScriptedReply[], (replies: string[], toolResult: string) => void]>([
		[
			'calls a tool that does not exist',
			[{toolCalls: [{name: 'launch_rocket', arguments: {}}]}, {content: 'sorry'}],
			(replies, tool) => {
				expect(tool).toContain('unknown tool "launch_rocket"; available tools: bash');
				expect(replies).toEqual(['sorry']);
			},
		],
		[
			'gives arguments that do not validate',
			[{toolCalls: [{name: 'bash', arguments: {command: 42}}]}, {content: 'fixed'}],
			(replies, tool) => {
				expect(tool).toMatch(/^error: .*command/);
				expect(replies).toEqual(['fixed']);
			},
		],
		[
			'gives arguments that are a string of bad JSON',
			[{toolCalls: [{name: 'write_file', arguments: '{"path": "a.txt", "content": '}]}, {content: 'oops'}],
			(replies, tool) => {
				expect(tool).toMatch(/^error: .*JSON/i);
				expect(replies).toEqual(['oops']);
			},
		],
		[
			'repeats the same tool call forever',
			Array.from({length: 50}, () => bash('echo again')),
			(replies) => {
				expect(replies).toHaveLength(1);
				expect(replies[0]).toContain('I stopped because I kept repeating the same "bash" call');
			},
		],
		[
			'answers with an enormous text',
			[{content: 'z'.repeat(400_000)}],
			(replies) => {
				expect(replies).toHaveLength(1);
				expect(replies[0]!.length).toBeLessThan(21_000);
				expect(replies[0]).toContain('[answer cut at 20000 characters]');
			},
		],
	])('%s: bounded, explained, and the next message is answered', async (_case, script, check) => {
		ollama.push(...script);
		const before = ollama.chatRequests.length;
		const outcome = await running.ask('main', 'do the thing');
		expect(outcome.ok).toBe(true);
		expect(ollama.chatRequests.length - before).toBeLessThanOrEqual(5);
		check(outcome.replies, lastToolResult(ollama.chatRequests.at(-1)!));
		// Whatever the script had left is dropped; the group answers normally again.
		ollama.clear();
		ollama.push({content: 'all good'});
		expect(await running.ask('main', 'are you ok?')).toMatchObject({ok: true, replies: ['all good']});
	});
});
