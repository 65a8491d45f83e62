// web_fetch's approval in the real UI, driven key by key in tmux: the agent's fetch of an unknown
// host waits and the chat says so, the operator allows the host for the group in the Access pane,
// and the agent's next call reads the page. The UI and host are the built ones; the only seam is the
// resolver that maps news.test to its loopback server (web-host-fixture.mjs). It runs with the host in
// the UI's process, and with the UI attached to the fixture's host.
import fs from 'node:fs';
import path from 'node:path';
import {spawn, type ChildProcess} from 'node:child_process';
import {afterEach, describe, expect, it} from 'vitest';
import {binPath, cliEnv, projectRoot, waitFor} from '../support/cli.js';
import {startScriptedOllama, type ScriptedOllama} from '../support/ollama-server.js';
import {toolResults} from '../support/probe.js';
import {tempHome} from '../support/temp-home.js';
import {newsPage, startSite, type TestSite} from '../support/web-sites.js';
import {TmuxSession} from './tmux-session.js';

let ollama: ScriptedOllama | undefined;
let news: TestSite | undefined;
let session: TmuxSession | undefined;
let headless: ChildProcess | undefined;
const fixture = path.join(projectRoot, 'test', 'tmux', 'web-host-fixture.mjs');

afterEach(async () => {
	session?.kill();
	session = undefined;
	if (headless && headless.exitCode === null) {
		const closed = new Promise((resolve) => headless!.once('close', resolve));
		headless.kill('SIGTERM');
		await closed;
	}
	headless = undefined;
	await ollama?.close();
	await news?.close();
});

describe.each(['in-process', 'attached'] as const)('host %s', (mode) => {
	it('an unknown host waits, is allowed for the group in the Access pane, and the next call reads the page', async () => {
		news = await startSite((_request, response) => {
			response.writeHead(200, {'Content-Type': 'text/html'});
			response.end(newsPage);
		});
		const url = news.url('news.test', '/today');
		const fetchCall = {toolCalls: [{name: 'web_fetch', arguments: {url}}]};
		ollama = await startScriptedOllama({replies: [fetchCall, {content: 'I asked the operator.'}, fetchCall, {content: 'The trains run late today.'}]});
		const made = tempHome();
		fs.mkdirSync(path.dirname(made.allowlist), {recursive: true});
		fs.writeFileSync(made.allowlist, JSON.stringify({allowedRoots: [], internalHosts: ['news.test']}, null, 2));
		const env = cliEnv({home: made.home, allowlist: made.allowlist, ollamaUrl: ollama.url, extra: {FIXTURE_RESOLVE: 'news.test=127.0.0.1'}});
		if (mode === 'attached') {
			const host = spawn(process.execPath, [fixture], {env: {...env, FIXTURE_HEADLESS: '1'}, stdio: ['ignore', 'ignore', 'pipe']});
			headless = host;
			let stderr = '';
			host.stderr!.on('data', (chunk) => (stderr += chunk));
			await waitFor('the fixture host', () => stderr.includes('host running headless'));
		}
		session = TmuxSession.start({command: [process.execPath, mode === 'attached' ? binPath : fixture], env, cwd: projectRoot, columns: 140, rows: 40});
		const tui = session;
		await tui.waitForText(mode === 'attached' ? `attached to host pid ${headless!.pid}` : '6 Skills');

		tui.type('c');
		await tui.waitForText('Chat with main');
		tui.type('what is in the news?');
		tui.send('Enter');
		await tui.waitForText("waits for the operator's approval", 60_000);
		await tui.waitForText('Baby: I asked the operator.', 60_000);
		expect(news.requests).toEqual([]);
		tui.send('Escape');

		tui.type('5');
		await tui.waitFor('the waiting web request', (screen) => screen.includes('1 hosts pending') && /PENDING\s+http:\/\/news\.test:\d+\/today\s+http\s+main: web_fetch of news\.test/.test(screen));
		tui.type('a');
		await tui.waitForText('Allow main to read news.test (plain http)?');
		expect(tui.capture()).toContain('o this fetch once · g main always · a all groups · Esc cancel');
		tui.type('g');
		await tui.waitForText('allowed news.test for main');
		await waitFor('the allowlist entry', () => JSON.stringify(JSON.parse(fs.readFileSync(made.allowlist, 'utf8')).allowedHosts ?? []).includes('"group":"main"'));
		await tui.waitFor('the allowed host row', (screen) => /host\s+news\.test\s+http\(s\)\s+main · internal · approved for main/.test(screen) && screen.includes('0 hosts pending'));

		tui.type('c');
		await tui.waitForText('The operator allowed news.test: ask again and I can read it.');
		tui.type('try again');
		tui.send('Enter');
		await tui.waitForText('Baby: The trains run late today.', 60_000);
		expect(news.requests).toHaveLength(1);
		const [page] = toolResults(ollama.chatRequests[3]);
		expect(page).toContain("title: Today's news");
		expect(page).toContain('# Trains run late');
	}, 120_000);
});
