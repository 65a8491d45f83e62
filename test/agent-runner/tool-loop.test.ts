import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {maxAnswerChars} from '../../container/agent-runner/src/llm-bridge.js';
import {call, lastToolContent, startFakeHost, toolMessages} from './fake-host.js';

describe('tool loop', () => {
	it('sends tool results as role:"tool" messages after the assistant message that called them, in order', async () => {
		const host = startFakeHost({
			replies: [
				{content: 'Let me look.', toolCalls: [call('write_file', {path: 'a.txt', content: 'A'}), call('read_file', {path: 'a.txt'})]},
				{content: 'The file says A.'},
			],
		});
		expect(await host.turnDone('t1')).toEqual({type: 'turn_done', turnId: 't1', ok: true});
		const second = host.requests[1].messages;
		const assistantIndex = second.findIndex((m) => m.role === 'assistant');
		expect(second[0].role).toBe('system');
		expect(second[assistantIndex - 1]).toMatchObject({role: 'user'});
		expect(second[assistantIndex].tool_calls?.map((c) => c.function.name)).toEqual(['write_file', 'read_file']);
		expect(second.slice(assistantIndex + 1)).toEqual([
			{role: 'tool', content: 'wrote 1 bytes to a.txt', tool_name: 'write_file'},
			{role: 'tool', content: 'A', tool_name: 'read_file'},
		]);
		expect(host.outputs('t1')).toEqual(['The file says A.']);
		expect(host.sent.filter((m) => m.type === 'tool_use').map((m) => m.type === 'tool_use' && m.name)).toEqual(['write_file', 'read_file']);
		expect(host.sent.filter((m) => m.type === 'delta').length).toBeGreaterThan(0);
		expect(await host.stop()).toBe(0);
	});

	it('offers every tool, and register_group only to main', async () => {
		const main = startFakeHost({replies: [{content: 'ok'}]});
		await main.turnDone('t1');
		const names = main.requests[0].tools.map((t) => t.function.name);
		expect(names).toEqual(expect.arrayContaining(['bash', 'read_file', 'write_file', 'edit_file', 'list_files', 'send_message', 'schedule_task', 'list_tasks', 'pause_task', 'resume_task', 'cancel_task', 'register_group', 'request_mount', 'load_skill']));
		await main.stop();
		const other = startFakeHost({isMain: false, replies: [{content: 'ok'}]});
		await other.turnDone('t1');
		expect(other.requests[0].tools.map((t) => t.function.name)).not.toContain('register_group');
		await other.stop();
	});

	it.each([
		['an unknown tool', call('fly', {}), 'error: unknown tool "fly"; available tools: bash, read_file'],
		['arguments that are bad JSON', call('read_file', '{"path": '), 'error: the arguments for "read_file" are not valid JSON'],
		['arguments as a JSON string', call('write_file', '{"path":"s.txt","content":"S"}'), 'wrote 1 bytes to s.txt'],
		['a missing field', call('write_file', {path: 'x.txt'}), 'error: bad arguments for "write_file": missing required field "content" (string)'],
		['a wrong-typed field', call('bash', {command: 'true', timeout_ms: '50'}), 'error: bad arguments for "bash": field "timeout_ms" must be an integer, got a string ("50")'],
		['a bad enum value', call('schedule_task', {prompt: 'p', schedule_type: 'weekly', schedule_value: 'x'}), 'field "schedule_type" must be one of "cron", "interval", "once", got "weekly"'],
	])('explains %s to the model and carries on', async (_label, badCall, expected) => {
		const host = startFakeHost({replies: [{toolCalls: [badCall]}, {content: 'sorry'}]});
		expect((await host.turnDone('t1')).ok).toBe(true);
		expect(lastToolContent(host)).toContain(expected);
		expect(host.outputs()).toEqual(['sorry']);
		await host.stop();
	});

	it('stops a call repeated more than 3 times in a turn and explains it to the user', async () => {
		const same = call('list_files', {});
		const host = startFakeHost({replies: Array.from({length: 10}, () => ({toolCalls: [same]}))});
		expect((await host.turnDone('t1')).ok).toBe(true);
		expect(host.requests).toHaveLength(4);
		expect(host.sent.filter((m) => m.type === 'tool_use')).toHaveLength(3);
		expect(host.outputs()[0]).toMatch(/kept repeating the same "list_files" call/);
		await host.stop();
		const saved = JSON.parse(fs.readFileSync(path.join(host.paths.session, 'transcript.json'), 'utf8'));
		// Every call still has its tool message, so the saved session stays valid.
		const last = saved.messages.slice(-3);
		expect(last.map((m: {role: string}) => m.role)).toEqual(['assistant', 'tool', 'assistant']);
	});

	it('runs at most 16 calls from one reply and tells the model about the rest', async () => {
		const calls = Array.from({length: 20}, (_, i) => call('bash', {command: `echo ${i}`}));
		const host = startFakeHost({replies: [{toolCalls: calls}, {content: 'ok'}]});
		await host.turnDone('t1');
		const results = toolMessages(host.requests[1]);
		expect(results).toHaveLength(20);
		expect(results[15].content).toContain('exit code: 0');
		expect(results.slice(16).map((m) => m.content)).toEqual(Array(4).fill('not run: at most 16 tool calls per reply; call the rest next'));
		expect(host.sent.filter((m) => m.type === 'tool_use')).toHaveLength(16);
		await host.stop();
	});

	it('stops at the round limit with a message to the user', async () => {
		let n = 0;
		const host = startFakeHost({limits: {maxToolRounds: 2}, replies: Array.from({length: 5}, () => () => ({toolCalls: [call('bash', {command: `echo ${++n}`})]}))});
		expect((await host.turnDone('t1')).ok).toBe(true);
		expect(host.requests).toHaveLength(3);
		expect(host.sent.filter((m) => m.type === 'tool_use')).toHaveLength(2);
		expect(host.outputs()[0]).toBe('I stopped after 2 rounds of tool calls without reaching an answer. Ask me to continue if you want me to keep going.');
		await host.stop();
	});

	it('cuts an enormous answer with a note', async () => {
		const host = startFakeHost({replies: [{content: 'x'.repeat(maxAnswerChars * 3)}]});
		await host.turnDone('t1');
		const [text] = host.outputs();
		expect(text.startsWith('x'.repeat(maxAnswerChars))).toBe(true);
		expect(text.endsWith(`[answer cut at ${maxAnswerChars} characters]`)).toBe(true);
		expect(text.length).toBeLessThan(maxAnswerChars + 100);
		await host.stop();
	});

	it('ends the turn with ok:false and a clear error on llm_error, and stays usable', async () => {
		const host = startFakeHost({replies: [{error: 'model "qwen3:8b" is not installed; run: ollama pull qwen3:8b'}, {content: 'back'}]});
		expect(await host.turnDone('t1')).toEqual({
			type: 'turn_done',
			turnId: 't1',
			ok: false,
			error: 'the model could not answer: model "qwen3:8b" is not installed; run: ollama pull qwen3:8b',
		});
		host.send({type: 'turn', turnId: 't2', prompt: 'again'});
		expect((await host.turnDone('t2')).ok).toBe(true);
		expect(host.outputs('t2')).toEqual(['back']);
		// The failed turn left nothing in the session, so the host can send it again.
		expect(host.requests[1].messages.filter((m) => m.role === 'user').map((m) => m.content)).toEqual(['again']);
		await host.stop();
	});

	it('leaves a tool message order intact with no tool messages when no tools are called', async () => {
		const host = startFakeHost({replies: [{content: 'plain'}]});
		await host.turnDone('t1');
		expect(toolMessages(host.requests[0])).toEqual([]);
		await host.stop();
	});
});
