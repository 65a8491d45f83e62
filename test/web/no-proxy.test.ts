// The host's fetcher ignores proxy settings of the environment: a process started with Node's
// NODE_USE_ENV_PROXY=1 and HTTP(S)_PROXY pointing at a recording proxy still connects directly.
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, expect, it} from 'vitest';
import {projectRoot} from '../support/cli.js';
import {startSite, type TestSite} from '../support/web-sites.js';

const sites: TestSite[] = [];
afterEach(async () => {
	for (const site of sites.splice(0)) await site.close();
});

it('connects to the checked address even when the environment names a proxy', async () => {
	const fetcherJs = path.join(projectRoot, 'dist', 'src', 'web', 'fetcher.js');
	expect(fs.existsSync(fetcherJs), `${fetcherJs} is missing: build first with npx tsc -p tsconfig.json`).toBe(true);
	const page = await startSite((_request, response) => response.end('direct'));
	const proxy = await startSite((_request, response) => response.end('through the proxy'));
	sites.push(page, proxy);
	const script = `
		import {WebFetcher} from ${JSON.stringify(fetcherJs)};
		const fetcher = new WebFetcher({resolve: async () => [{address: '127.0.0.1', family: 4}]});
		const target = {url: 'http://news.test:${page.port}/', scheme: 'http', host: 'news.test', port: ${page.port}};
		const outcome = await fetcher.fetch(target, () => ({ok: true, internal: true}));
		console.log(JSON.stringify(outcome.ok ? {ok: true, body: outcome.body.toString()} : outcome));`;
	const proxyUrl = `http://127.0.0.1:${proxy.port}`;
	const env = {PATH: process.env.PATH ?? '/usr/bin:/bin', NODE_USE_ENV_PROXY: '1', HTTP_PROXY: proxyUrl, HTTPS_PROXY: proxyUrl, http_proxy: proxyUrl, https_proxy: proxyUrl};
	const child = spawn(process.execPath, ['--input-type=module', '-e', script], {env, stdio: ['ignore', 'pipe', 'pipe']});
	let stdout = '';
	let stderr = '';
	child.stdout.on('data', (chunk) => (stdout += chunk));
	child.stderr.on('data', (chunk) => (stderr += chunk));
	const code = await new Promise((resolve) => child.on('close', resolve));
	expect(code, stderr).toBe(0);
	expect(JSON.parse(stdout)).toEqual({ok: true, body: 'direct'});
	expect(proxy.requests).toEqual([]);
	expect(page.requests).toHaveLength(1);
});
