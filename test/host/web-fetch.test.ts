// web_fetch through the whole host (runtime none): the agent's call waits for the operator, the
// chat is told, the operator approves through the host API, and the agent's next call reads the page.
import fs from 'node:fs';
import path from 'node:path';
import {expect, it} from 'vitest';
import {startScriptedOllama} from '../support/ollama-server.js';
import {toolResults} from '../support/probe.js';
import {closeAfterEach, startTestHost} from '../support/test-host.js';
import {tempHome} from '../support/temp-home.js';
import {mappedResolver, newsPage, startSite} from '../support/web-sites.js';

const track = closeAfterEach();

it('an unknown host waits, the chat is told, and once the operator allows it the next call reads the page', async () => {
	const news = track(await startSite((_request, response) => {
		response.writeHead(200, {'Content-Type': 'text/html'});
		response.end(newsPage);
	}));
	const url = news.url('news.test', '/today');
	const fetchCall = {toolCalls: [{name: 'web_fetch', arguments: {url}}]};
	const ollama = track(await startScriptedOllama({replies: [fetchCall, {content: 'I asked the operator.'}, fetchCall, {content: 'Trains run late.'}]}));
	const made = tempHome();
	fs.mkdirSync(path.dirname(made.allowlist), {recursive: true});
	fs.writeFileSync(made.allowlist, JSON.stringify({allowedRoots: [], internalHosts: ['news.test']}));
	const running = track(await startTestHost({runtime: 'none', ollamaUrl: ollama.url, home: made, web: {resolve: mappedResolver({'news.test': '127.0.0.1'})}}));

	const first = await running.ask('main', 'what is in the news?');
	expect(first.ok).toBe(true);
	expect(first.replies).toEqual([`🌐 A request to read news.test (${url}) waits for the operator's approval.`, 'I asked the operator.']);
	expect(toolResults(ollama.chatRequests[1])).toEqual([expect.stringMatching(/^waiting for the operator: http:\/\/news\.test:\d+\/today was not fetched\./)]);
	const [request] = running.host.snapshot().web.requests;
	expect(request).toMatchObject({groupFolder: 'main', host: 'news.test', url, status: 'pending'});
	expect(news.requests).toEqual([]);

	await running.host.approveHost(request.id, 'group');
	expect(JSON.parse(fs.readFileSync(made.allowlist, 'utf8')).allowedHosts).toEqual([expect.objectContaining({host: 'news.test', group: 'main', http: true})]);
	const second = await running.ask('main', 'and now?');
	expect(second).toMatchObject({ok: true, replies: ['Trains run late.']});
	const [page] = toolResults(ollama.chatRequests[3]);
	expect(page).toContain(`status: 200\nurl: ${url}\ncontent type: text/html\ntitle: Today's news`);
	expect(page).toContain('# Trains run late');
	expect(news.requests).toHaveLength(1);
	expect(running.host.snapshot().web.requests[0]).toMatchObject({status: 'approved', scope: 'group', decidedBy: 'operator'});
}, 60_000);
