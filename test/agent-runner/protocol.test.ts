import {describe, expect, it} from 'vitest';
import type {AgentToHost, LlmRequestMessage} from '../../container/agent-runner/src/protocol.js';
import {startFakeHost} from './fake-host.js';

const kinds = (sent: AgentToHost[]) =>
	sent.filter((m) => m.type === 'llm_request' || m.type === 'turn_done').map((m) => (m.type === 'turn_done' ? `done:${m.turnId}:${m.ok}` : 'request'));
const isRequest = (m: AgentToHost): m is LlmRequestMessage => m.type === 'llm_request';

describe('protocol', () => {
	it('answers ready first, queues follow-up turns and runs them one at a time', async () => {
		const host = startFakeHost({replies: [{content: 'a1'}, {content: 'a2'}, {content: 'a3'}]});
		host.send({type: 'turn', turnId: 't2', prompt: 'two'});
		host.send({type: 'turn', turnId: 't3', prompt: 'three'});
		await host.turnDone('t3');
		expect(host.sent[0]).toEqual({type: 'ready'});
		expect(kinds(host.sent)).toEqual(['request', 'done:t1:true', 'request', 'done:t2:true', 'request', 'done:t3:true']);
		expect(host.outputs('t2')).toEqual(['a2']);
		expect(host.requests[2].messages.filter((m) => m.role === 'user').map((m) => m.content)).toEqual([host.start.turn.prompt, 'two', 'three']);
		expect(await host.stop()).toBe(0);
	});

	it('close finishes the current turn, answers queued ones with ok:false, saves and exits 0', async () => {
		const host = startFakeHost({replies: [() => null]});
		const held = await host.waitFor(isRequest);
		host.send({type: 'turn', turnId: 't2', prompt: 'two'});
		host.send({type: 'close'});
		host.reply(held, {content: 'finished'});
		expect(await host.exit).toBe(0);
		expect(host.outputs('t1')).toEqual(['finished']);
		const done = host.sent.filter((m) => m.type === 'turn_done');
		expect(done).toEqual([
			{type: 'turn_done', turnId: 't1', ok: true},
			{type: 'turn_done', turnId: 't2', ok: false, error: 'the run was closed before this turn started; send it again'},
		]);
	});

	it('stdin EOF mid-request ends the turn with ok:false and exits 0', async () => {
		const host = startFakeHost({replies: [() => null]});
		await host.waitFor(isRequest);
		host.endInput();
		expect(await host.exit).toBe(0);
		expect(host.sent.filter((m) => m.type === 'turn_done')).toEqual([
			{type: 'turn_done', turnId: 't1', ok: false, error: 'the model could not answer: the host closed the connection before the model answered'},
		]);
	});

	it('logs a line that is not JSON, ignores a chunk for an unknown request, and carries on', async () => {
		const host = startFakeHost({replies: [() => null]});
		const held = await host.waitFor(isRequest);
		host.sendRaw('garbage');
		host.sendRaw('"a string"');
		host.send({type: 'llm_chunk', requestId: 'nope', content: 'x', done: true});
		host.reply(held, {content: 'fine'});
		expect((await host.turnDone('t1')).ok).toBe(true);
		expect(host.sent.filter((m) => m.type === 'log').map((m) => m.type === 'log' && m.msg)).toEqual([
			'ignored a line that is not JSON: garbage',
			'ignored a line that is not a protocol message: "a string"',
			'ignored llm_chunk for unknown request nope',
		]);
		await host.stop();
	});

	it('a turn_done comes exactly once per turn, also when a tool throws unexpectedly', async () => {
		const host = startFakeHost({replies: [{toolCalls: [{function: {name: 'read_file', arguments: {path: 'missing'}}}]}, {content: 'ok'}]});
		host.send({type: 'turn', turnId: 't2', prompt: 'x'});
		host.push({error: 'boom'});
		await host.turnDone('t2');
		await host.stop();
		const done = host.sent.filter((m) => m.type === 'turn_done').map((m) => m.type === 'turn_done' && `${m.turnId}:${m.ok}`);
		expect(done).toEqual(['t1:true', 't2:false']);
	});
});
