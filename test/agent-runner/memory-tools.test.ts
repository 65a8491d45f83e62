// search_history and read_memory in the agent-runner: a request on stdout sized by the model's
// context, the host's answer on stdin, and the text the model reads.
import {afterEach, describe, expect, it} from 'vitest';
import type {AgentToHost, HistoryRequestMessage, MemoryReadRequestMessage} from '../../container/agent-runner/src/protocol.js';
import {call, lastToolContent, startFakeHost, type FakeHost} from './fake-host.js';

let host: FakeHost | undefined;
afterEach(async () => {
	await host?.stop();
	host = undefined;
});

const sentOf = <T extends AgentToHost['type']>(fake: FakeHost, type: T) => fake.sent.filter((message): message is Extract<AgentToHost, {type: T}> => message.type === type);

describe('search_history', () => {
	it('asks the host with the arguments and at most the tool output limit, and shows the hits with date, sender and excerpt', async () => {
		host = startFakeHost({
			isMain: false,
			start: {budget: {numCtx: 32_768, reserveTokens: 2048, charsPerToken: 3}},
			replies: [{toolCalls: [call('search_history', {query: 'dog name', chat_jid: 'family@g.us', since: '2025-01-01', limit: 3})]}, {content: 'Bruno.'}],
			history: () => ({
				status: 'ok',
				hits: [{date: '2025-01-03T14:02:11.000Z', sender: 'Ann', fromAssistant: false, chatJid: 'family@g.us', chatName: 'Family', excerpt: 'my dog is called Bruno'}],
				notes: ['no message has all of the words: these have some of them'],
			}),
		});
		await host.turnDone('t1');
		const [request] = sentOf(host, 'history_request') as HistoryRequestMessage[];
		// A large context: the result may take the whole tool output limit (4000).
		expect(request).toEqual({type: 'history_request', requestId: 'run-1-history-1', query: 'dog name', chatJid: 'family@g.us', since: '2025-01-01', limit: 3, maxChars: 4000});
		expect(lastToolContent(host)).toBe(
			'1 stored message found for "dog name", best match first:\n- 2025-01-03 14:02 UTC · Ann: my dog is called Bruno\nnote: no message has all of the words: these have some of them',
		);
		expect(host.outputs('t1')).toEqual(['Bruno.']);
	});

	it('asks for what its result may take when the model has little context, and says when nothing matched', async () => {
		host = startFakeHost({
			start: {budget: {numCtx: 8192, reserveTokens: 1024, charsPerToken: 3}},
			replies: [{toolCalls: [call('search_history', {query: 'passport'})]}, {content: 'nothing'}],
			history: () => ({status: 'ok', hits: [], notes: []}),
		});
		await host.turnDone('t1');
		const [request] = sentOf(host, 'history_request');
		// A quarter of what is left after the system prompt and the tools, at 3 characters a token.
		expect(request.maxChars).toBeGreaterThan(500);
		expect(request.maxChars).toBeLessThan(3500);
		expect(request).not.toHaveProperty('chatJid');
		expect(lastToolContent(host)).toBe('no stored message matches "passport"\nTry other or fewer words, or leave out chat_jid and since.');
	});

	it("shows the host's refusal as it is, and fails the call, not the run, when the host goes away", async () => {
		host = startFakeHost({
			isMain: false,
			replies: [{toolCalls: [call('search_history', {query: 'tea', chat_jid: 'local:main'})]}, {content: 'ok'}],
			history: () => ({status: 'refused', reason: 'local:main is not a chat of this group'}),
		});
		await host.turnDone('t1');
		expect(lastToolContent(host)).toBe('refused: local:main is not a chat of this group');
		await host.stop();

		host = startFakeHost({replies: [{toolCalls: [call('search_history', {query: 'tea'})]}, {content: 'ok'}], history: () => null});
		await host.waitFor((message): message is AgentToHost => message.type === 'history_request');
		host.endInput();
		expect(await host.exit).toBe(0);
		host = undefined;
	});

	it('logs and ignores an answer to no request', async () => {
		host = startFakeHost({replies: [() => null]});
		const held = await host.waitFor((message): message is Extract<AgentToHost, {type: 'llm_request'}> => message.type === 'llm_request');
		host.send({type: 'history_response', requestId: 'nope', result: {status: 'ok', hits: [], notes: []}});
		host.reply(held, {content: 'fine'});
		await host.turnDone('t1');
		expect(host.sent).toContainEqual({type: 'log', level: 'warn', msg: 'ignored history_response for unknown request nope'});
	});
});

describe('read_memory', () => {
	it("is main's only, and shows the other group's memory as read-only text", async () => {
		host = startFakeHost({
			replies: [{toolCalls: [call('read_memory', {group: 'family'})]}, {content: 'done'}],
			memoryRead: (request) => ({status: 'ok', folder: request.folder, text: '- Grandma visits on Sundays', notes: []}),
		});
		await host.turnDone('t1');
		expect(host.requests[0].tools.map((tool) => tool.function.name)).toEqual(expect.arrayContaining(['search_history', 'read_memory']));
		expect(sentOf(host, 'memory_read_request') as MemoryReadRequestMessage[]).toEqual([{type: 'memory_read_request', requestId: 'run-1-memory-1', folder: 'family', maxChars: 4000}]);
		expect(lastToolContent(host)).toBe('# MEMORY.md of family (read-only)\n\n- Grandma visits on Sundays');
		await host.stop();

		host = startFakeHost({isMain: false, replies: [{toolCalls: [call('read_memory', {group: 'main'})]}, {content: 'done'}]});
		await host.turnDone('t1');
		const names = host.requests[0].tools.map((tool) => tool.function.name);
		expect(names).toContain('search_history');
		expect(names).not.toContain('read_memory');
		expect(lastToolContent(host)).toMatch(/^error: unknown tool "read_memory"/);
		expect(sentOf(host, 'memory_read_request')).toEqual([]);
	});
});
