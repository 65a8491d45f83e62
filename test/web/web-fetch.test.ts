// web_fetch on the host against real servers on loopback. The injected resolver is the only way the
// test names resolve: a fetch that looked a name up again (the system's resolver) would fail.
import zlib from 'node:zlib';
import {afterEach, describe, expect, it} from 'vitest';
import type {WebFetchResult} from '../../container/agent-runner/src/protocol.js';
import {mappedResolver, newsPage, startSite, testCertificate, type Handler, type TestSite} from '../support/web-sites.js';
import {webHarness} from './harness.js';

const sites: TestSite[] = [];
afterEach(async () => {
	for (const site of sites.splice(0)) await site.close();
});
const site = async (handler: Handler, options?: Parameters<typeof startSite>[1]) => {
	const started = await startSite(handler, options);
	sites.push(started);
	return started;
};
const html = (body: string, headers: Record<string, string> = {}): Handler => (_request, response) => {
	response.writeHead(200, {'Content-Type': 'text/html; charset=utf-8', ...headers});
	response.end(body);
};
const redirect = (location: string): Handler => (_request, response) => {
	response.writeHead(302, {Location: location});
	response.end();
};
const fetched = (result: WebFetchResult) => {
	if (result.status !== 'fetched') throw new Error(`expected a page, got ${result.status}: ${result.reason}`);
	return result;
};

/** news.test is allowed for all groups over http, and internal (its test server is on loopback). */
const newsAllowlist = {allowedHosts: [{host: 'news.test', http: true}], internalHosts: ['news.test']};

describe('web_fetch of an allowed host', () => {
	it('returns the status, final URL, content type and the page as readable text', async () => {
		const news = await site(html(newsPage, {'Set-Cookie': 'session=abc; Path=/'}));
		const resolve = mappedResolver({'news.test': '127.0.0.1'});
		const {fetch} = webHarness({allowlist: newsAllowlist, fetcher: {resolve}});
		const page = fetched(await fetch(news.url('news.test', '/today')));
		expect(page).toMatchObject({httpStatus: 200, finalUrl: news.url('news.test', '/today'), contentType: 'text/html; charset=utf-8', title: "Today's news", notes: []});
		expect(page.text).toBe(
			`# Trains run late\n\nThe 08:15 to Bern leaves at 08:40. [Details](${news.url('news.test', '/details')})\n\n## Weather\n\n- Sunny\n- 22 °C`,
		);
		expect(page.text).not.toContain('do not show');
		expect(JSON.stringify(page)).not.toContain('session=abc');
		expect(resolve.calls).toEqual(['news.test']);
	});

	it('sends no cookie or credentials, names BabyBot, and drops the cookie a page set', async () => {
		const news = await site(html('<p>hi</p>', {'Set-Cookie': 'session=abc; Path=/'}));
		const {fetch} = webHarness({allowlist: newsAllowlist, fetcher: {resolve: mappedResolver({'news.test': '127.0.0.1'})}});
		fetched(await fetch(news.url('news.test', '/one')));
		fetched(await fetch(news.url('news.test', '/two')));
		expect(news.requests).toHaveLength(2);
		for (const {headers} of news.requests) {
			expect(headers['user-agent']).toMatch(/^BabyBot\//);
			expect(headers.cookie).toBeUndefined();
			expect(headers.authorization).toBeUndefined();
			expect(headers['proxy-authorization']).toBeUndefined();
			expect(headers.host).toBe(`news.test:${news.port}`);
		}
	});

	it('fetches https from the address it checked, with the TLS server name of the host (the test CA is injected)', async () => {
		const certificate = testCertificate(['news.test']);
		const news = await site(html('<title>Secure</title><p>over TLS</p>'), {tls: certificate});
		const resolve = mappedResolver({'news.test': '127.0.0.1', 'other.test': '127.0.0.1'});
		const {fetch} = webHarness({
			allowlist: {allowedHosts: [{host: 'news.test'}, {host: 'other.test'}], internalHosts: ['news.test', 'other.test']},
			fetcher: {resolve, extraCa: [certificate.cert]},
		});
		expect(fetched(await fetch(news.url('news.test', '/')))).toMatchObject({httpStatus: 200, title: 'Secure', text: 'over TLS'});
		expect(news.requests[0].servername).toBe('news.test');
		// The certificate is checked against the host's name, not the address connected to.
		expect(await fetch(news.url('other.test', '/'))).toEqual({status: 'failed', reason: expect.stringContaining("could not be fetched: Hostname/IP does not match certificate's altnames")});
	});

	it('decompresses a gzip body', async () => {
		const news = await site((_request, response) => {
			response.writeHead(200, {'Content-Type': 'text/plain', 'Content-Encoding': 'gzip'});
			response.end(zlib.gzipSync('squeezed words'));
		});
		const {fetch} = webHarness({allowlist: newsAllowlist, fetcher: {resolve: mappedResolver({'news.test': '127.0.0.1'})}});
		expect(fetched(await fetch(news.url('news.test', '/')))).toMatchObject({text: 'squeezed words'});
	});

	it('returns no text for a page that is not text, and says so', async () => {
		const news = await site((_request, response) => {
			response.writeHead(200, {'Content-Type': 'image/png'});
			response.end(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
		});
		const {fetch} = webHarness({allowlist: newsAllowlist, fetcher: {resolve: mappedResolver({'news.test': '127.0.0.1'})}});
		expect(fetched(await fetch(news.url('news.test', '/logo.png')))).toMatchObject({text: '', notes: ['the page is image/png, not text: web_fetch returns text only']});
	});
});

describe('web_fetch refuses what the host must not reach', () => {
	it('refuses a name that resolves to 127.0.0.1, and never connects', async () => {
		const local = await site(html('<p>admin panel</p>'));
		const {fetch} = webHarness({allowlist: {allowedHosts: [{host: 'shop.test', http: true}]}, fetcher: {resolve: mappedResolver({'shop.test': '127.0.0.1'})}});
		expect(await fetch(local.url('shop.test', '/'))).toEqual({status: 'failed', reason: expect.stringContaining('shop.test resolves to 127.0.0.1, a loopback address: web_fetch does not connect there')});
		expect(local.requests).toEqual([]);
	});

	it('refuses a name that resolves to 169.254.169.254, even for a host listed as internal', async () => {
		const {fetch} = webHarness({
			allowlist: {allowedHosts: [{host: 'meta.test', http: true}], internalHosts: ['meta.test']},
			fetcher: {resolve: mappedResolver({'meta.test': '169.254.169.254'})},
		});
		expect(await fetch('http://meta.test/latest/meta-data/')).toEqual({
			status: 'failed',
			reason: 'meta.test resolves to 169.254.169.254, a cloud metadata address: web_fetch does not connect there',
		});
	});

	it('refuses a name with one private address among public ones', async () => {
		const {fetch} = webHarness({allowlist: {allowedHosts: [{host: 'shop.test'}]}, fetcher: {resolve: mappedResolver({'shop.test': ['93.184.216.34', '10.0.0.7']})}});
		expect(await fetch('https://shop.test/')).toEqual({status: 'failed', reason: expect.stringContaining('shop.test resolves to 10.0.0.7, a private address')});
	});

	it('stops a redirect to a host the group may not fetch, without asking the operator for it', async () => {
		const evil = await site(html('<p>stolen</p>'));
		const news = await site(redirect(evil.url('evil.test', '/collect')));
		const {fetch, web, told} = webHarness({allowlist: newsAllowlist, fetcher: {resolve: mappedResolver({'news.test': '127.0.0.1', 'evil.test': '127.0.0.1'})}});
		const result = await fetch(news.url('news.test', '/'));
		expect(result).toEqual({status: 'failed', reason: expect.stringContaining(`the redirect to ${evil.url('evil.test', '/collect')} was stopped: evil.test is not on the web allowlist of main`)});
		expect(evil.requests).toEqual([]);
		expect(web.view().requests).toEqual([]);
		expect(told).toEqual([]);
	});

	it('stops a redirect to an allowed host that resolves to a private address', async () => {
		const inside = await site(html('<p>router admin</p>'));
		const news = await site(redirect(inside.url('cdn.test', '/')));
		const {fetch} = webHarness({
			allowlist: {allowedHosts: [{host: 'news.test', http: true}, {host: 'cdn.test', http: true}], internalHosts: ['news.test']},
			fetcher: {resolve: mappedResolver({'news.test': '127.0.0.1', 'cdn.test': '127.0.0.1'})},
		});
		expect(await fetch(news.url('news.test', '/'))).toEqual({status: 'failed', reason: expect.stringContaining('was stopped: cdn.test resolves to 127.0.0.1, a loopback address')});
		expect(inside.requests).toEqual([]);
	});

	it('stops a redirect to a private IP literal and to the metadata address', async () => {
		const news = await site((request, response) => redirect(request.url === '/meta' ? 'http://169.254.169.254/latest/' : 'http://10.0.0.1/admin')(request, response));
		const {fetch} = webHarness({
			allowlist: {allowedHosts: [{host: 'news.test', http: true}, {host: '169.254.169.254', http: true}, {host: '10.0.0.1', http: true}], internalHosts: ['news.test']},
			fetcher: {resolve: mappedResolver({'news.test': '127.0.0.1'})},
		});
		expect(await fetch(news.url('news.test', '/private'))).toEqual({status: 'failed', reason: expect.stringContaining('was stopped: 10.0.0.1 is a private address')});
		expect(await fetch(news.url('news.test', '/meta'))).toEqual({status: 'failed', reason: expect.stringContaining('was stopped: 169.254.169.254 is a cloud metadata address')});
	});

	it('stops a redirect from https down to plain http', async () => {
		const certificate = testCertificate(['news.test']);
		const news = await site(redirect('http://news.test/plain'), {tls: certificate});
		const {fetch} = webHarness({
			allowlist: {allowedHosts: [{host: 'news.test'}], internalHosts: ['news.test']},
			fetcher: {resolve: mappedResolver({'news.test': '127.0.0.1'}), extraCa: [certificate.cert]},
		});
		expect(await fetch(news.url('news.test', '/'))).toEqual({status: 'failed', reason: expect.stringContaining('was stopped: plain http is not allowed for news.test')});
	});

	it('follows redirects within the allowlist and stops after five', async () => {
		const news = await site((request, response) => {
			const step = Number(request.url?.slice(1) || 0);
			if (step === 2 || step >= 10) return html(`<p>arrived at ${step}</p>`)(request, response);
			redirect(`/${step + 1}`)(request, response);
		});
		const {fetch} = webHarness({allowlist: newsAllowlist, fetcher: {resolve: mappedResolver({'news.test': '127.0.0.1'})}});
		expect(fetched(await fetch(news.url('news.test', '/0')))).toMatchObject({finalUrl: news.url('news.test', '/2'), text: 'arrived at 2'});
		expect(await fetch(news.url('news.test', '/3'))).toEqual({status: 'failed', reason: expect.stringContaining('redirected more than 5 times')});
	});
});

describe('web_fetch bounds what it reads', () => {
	it('cuts an oversized page at the byte limit and says so', async () => {
		const big = await site((_request, response) => {
			response.writeHead(200, {'Content-Type': 'text/plain'});
			for (let index = 0; index < 64; index++) response.write('x'.repeat(16 * 1024));
			response.end();
		});
		const {fetch} = webHarness({allowlist: newsAllowlist, fetcher: {resolve: mappedResolver({'news.test': '127.0.0.1'}), maxBodyBytes: 100_000}});
		const page = fetched(await fetch(big.url('news.test', '/'), {maxBytes: 100_000}));
		expect(page.text).toHaveLength(100_000);
		expect(page.notes).toEqual(['the page is larger than 100000 bytes: only the first 100000 bytes were read']);
	});

	it("cuts the text to the caller's budget and says so", async () => {
		const news = await site(html(`<p>${'word '.repeat(2000)}</p>`));
		const {fetch} = webHarness({allowlist: newsAllowlist, fetcher: {resolve: mappedResolver({'news.test': '127.0.0.1'})}});
		const page = fetched(await fetch(news.url('news.test', '/'), {maxBytes: 1000}));
		expect(Buffer.byteLength(page.text)).toBeLessThanOrEqual(1000);
		expect(page.notes).toEqual(['the text is 9999 bytes: cut at the budget of 1000 bytes']);
	});

	it('keeps what a slow page sent by the deadline and says so', async () => {
		const slow = await site((_request, response) => {
			response.writeHead(200, {'Content-Type': 'text/html'});
			response.write('<p>the first part</p>');
		});
		const {fetch} = webHarness({allowlist: newsAllowlist, fetcher: {resolve: mappedResolver({'news.test': '127.0.0.1'}), timeoutMs: 300}});
		const page = fetched(await fetch(slow.url('news.test', '/')));
		expect(page.text).toBe('the first part');
		expect(page.notes).toEqual(['the server was still sending after 300 ms: only what arrived by then (21 bytes) is shown']);
	});

	it('gives up on a server that sends no answer by the deadline', async () => {
		const silent = await site(() => {});
		const {fetch} = webHarness({allowlist: newsAllowlist, fetcher: {resolve: mappedResolver({'news.test': '127.0.0.1'}), timeoutMs: 300}});
		expect(await fetch(silent.url('news.test', '/'))).toEqual({status: 'failed', reason: `${silent.url('news.test', '/')} sent no answer within 300 ms`});
	});

	it('runs at most three fetches of a group at once', async () => {
		const silent = await site(() => {});
		const {fetch} = webHarness({allowlist: newsAllowlist, fetcher: {resolve: mappedResolver({'news.test': '127.0.0.1'}), timeoutMs: 300}});
		const results = await Promise.all([1, 2, 3, 4].map((n) => fetch(silent.url('news.test', `/${n}`))));
		expect(results.map((result) => result.status)).toEqual(['failed', 'failed', 'failed', 'refused']);
		expect(results[3]).toEqual({status: 'refused', reason: '3 fetches of this group are running already: wait for them to finish'});
		// Each finished fetch frees its place.
		expect(await fetch(silent.url('news.test', '/5'))).toEqual({status: 'failed', reason: expect.stringContaining('sent no answer within 300 ms')});
	});

	it('says when a name does not resolve', async () => {
		const {fetch} = webHarness({allowlist: {allowedHosts: [{host: 'gone.test'}]}, fetcher: {resolve: mappedResolver({})}});
		expect(await fetch('https://gone.test/')).toEqual({status: 'failed', reason: 'gone.test could not be resolved (ENOTFOUND)'});
	});
});
