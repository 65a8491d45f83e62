// The web_fetch tool in the agent-runner: a web_request on stdout, the host's answer on stdin, and
// the text the model reads.
import {afterEach, describe, expect, it} from 'vitest';
import type {AgentToHost, WebRequestMessage} from '../../container/agent-runner/src/protocol.js';
import {call, lastToolContent, startFakeHost, type FakeHost} from './fake-host.js';

let host: FakeHost | undefined;
afterEach(async () => {
	await host?.stop();
	host = undefined;
});

const webRequests = (fake: FakeHost) => fake.sent.filter((message): message is WebRequestMessage => message.type === 'web_request');
const fetchTurn = (args: Record<string, unknown>) => [{toolCalls: [call('web_fetch', args)]}, {content: 'done'}];

describe('web_fetch', () => {
	it('asks the host for the page and shows the model its status, URL, type, title, notes and text', async () => {
		host = startFakeHost({
			isMain: false,
			replies: fetchTurn({url: 'https://news.test/today'}),
			web: () => ({status: 'fetched', httpStatus: 200, finalUrl: 'https://news.test/today/', contentType: 'text/html', title: 'News', text: '# Trains\n\nLate.', notes: ['the text is 9999 bytes: cut at the budget of 4000 bytes']}),
		});
		await host.turnDone('t1');
		expect(webRequests(host)).toEqual([{type: 'web_request', requestId: 'run-1-web-1', url: 'https://news.test/today', maxBytes: 4000}]);
		expect(lastToolContent(host)).toBe(
			'status: 200\nurl: https://news.test/today/\ncontent type: text/html\ntitle: News\nnote: the text is 9999 bytes: cut at the budget of 4000 bytes\n\n# Trains\n\nLate.',
		);
		expect(host.sent).toContainEqual({type: 'tool_use', turnId: 't1', name: 'web_fetch', summary: '{"url":"https://news.test/today"}'});
	});

	it("keeps max_bytes within the tool output limit and says when it lowered it", async () => {
		host = startFakeHost({
			replies: [{toolCalls: [call('web_fetch', {url: 'https://a.test/', max_bytes: 500}), call('web_fetch', {url: 'https://b.test/', max_bytes: 1_000_000})]}, {content: 'done'}],
			web: (request) => ({status: 'fetched', httpStatus: 200, finalUrl: request.url, contentType: 'text/plain', text: 'x', notes: []}),
		});
		await host.turnDone('t1');
		expect(webRequests(host).map((request) => request.maxBytes)).toEqual([500, 4000]);
		expect(lastToolContent(host)).toContain('note: max_bytes was lowered to 4000 (the tool output limit)');
	});

	it.each([
		['waiting', {status: 'waiting', reason: 'waiting for the operator: news.test is not on the web allowlist of main.'}, 'waiting for the operator: https://news.test/ was not fetched. waiting for the operator: news.test is not on the web allowlist of main.'],
		['refused', {status: 'refused', reason: 'plain http is not allowed for news.test'}, 'refused: plain http is not allowed for news.test'],
		['failed', {status: 'failed', reason: 'news.test could not be resolved (ENOTFOUND)'}, 'failed: news.test could not be resolved (ENOTFOUND)'],
	] as const)('shows a %s answer as it is', async (_name, result, shown) => {
		host = startFakeHost({replies: fetchTurn({url: 'https://news.test/'}), web: () => result});
		await host.turnDone('t1');
		expect(lastToolContent(host)).toBe(shown);
	});

	it('fails the call, not the run, when the host goes away before answering', async () => {
		host = startFakeHost({replies: fetchTurn({url: 'https://news.test/'}), web: () => null});
		await host.waitFor((message): message is AgentToHost => message.type === 'web_request');
		host.endInput();
		expect(await host.exit).toBe(0);
		host = undefined;
	});

	it('logs and ignores an answer to no request', async () => {
		host = startFakeHost({replies: [() => null]});
		const held = await host.waitFor((message): message is Extract<AgentToHost, {type: 'llm_request'}> => message.type === 'llm_request');
		host.send({type: 'web_response', requestId: 'nope', result: {status: 'failed', reason: 'x'}});
		host.reply(held, {content: 'fine'});
		expect((await host.turnDone('t1')).ok).toBe(true);
		expect(host.sent).toContainEqual({type: 'log', level: 'warn', msg: 'ignored web_response for unknown request nope'});
	});

	it('needs a url', async () => {
		host = startFakeHost({replies: fetchTurn({max_bytes: 10})});
		await host.turnDone('t1');
		expect(lastToolContent(host)).toContain('bad arguments for "web_fetch": missing required field "url" (string)');
		expect(webRequests(host)).toEqual([]);
	});

	it('is offered to every group', async () => {
		host = startFakeHost({isMain: false, replies: [{content: 'hi'}]});
		await host.turnDone('t1');
		expect(host.requests[0].tools.map((tool) => tool.function.name)).toContain('web_fetch');
	});
});
