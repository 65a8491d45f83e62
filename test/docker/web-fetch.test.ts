// web_fetch from a real Docker sandbox: the page comes through the host over stdio while the
// sandbox's only network interface is lo.
import fs from 'node:fs';
import path from 'node:path';
import {expect, it} from 'vitest';
import {describeWithDocker} from '../support/docker-gate.js';
import {startScriptedOllama} from '../support/ollama-server.js';
import {toolResults} from '../support/probe.js';
import {closeAfterEach, startTestHost} from '../support/test-host.js';
import {tempHome} from '../support/temp-home.js';
import {mappedResolver, newsPage, startSite} from '../support/web-sites.js';

const track = closeAfterEach();

await describeWithDocker('web_fetch from the Docker sandbox', () => {
	it('reads an allowed page through the host while the sandbox has only lo', async () => {
		const news = track(await startSite((_request, response) => {
			response.writeHead(200, {'Content-Type': 'text/html'});
			response.end(newsPage);
		}));
		const url = news.url('news.test', '/today');
		const ollama = track(await startScriptedOllama({
			replies: [
				{toolCalls: [{name: 'bash', arguments: {command: 'cat /proc/net/dev'}}, {name: 'web_fetch', arguments: {url}}]},
				{content: 'done'},
			],
		}));
		const made = tempHome();
		fs.mkdirSync(path.dirname(made.allowlist), {recursive: true});
		fs.writeFileSync(made.allowlist, JSON.stringify({allowedRoots: [], allowedHosts: [{host: 'news.test', http: true}], internalHosts: ['news.test']}));
		const running = track(await startTestHost({runtime: 'docker', ollamaUrl: ollama.url, home: made, web: {resolve: mappedResolver({'news.test': '127.0.0.1'})}}));
		const outcome = await running.ask('main', 'read the news');
		expect(outcome).toMatchObject({ok: true, replies: ['done']});
		const [netDev, page] = toolResults(ollama.chatRequests[1]);
		const interfaces = netDev.split('\n').filter((line) => /^\s*[\w.-]+:\s+\d/.test(line)).map((line) => line.trim().split(':')[0]);
		expect(interfaces).toEqual(['lo']);
		expect(page).toContain(`status: 200\nurl: ${url}\ncontent type: text/html\ntitle: Today's news`);
		expect(page).toContain('# Trains run late');
		expect(news.requests).toHaveLength(1);
		const [run] = running.host.snapshot().runs;
		expect(run.argv).toEqual(expect.arrayContaining(['--network', 'none']));
	}, 120_000);
});
