// An unknown host waits for the operator; the decision (once, this group, all groups, reject) is kept
// in SQLite and the allowlist file, logged with who and when, and the chat hears about it.
import fs from 'node:fs';
import {afterEach, describe, expect, it} from 'vitest';
import {mappedResolver, startSite, type TestSite} from '../support/web-sites.js';
import {webHarness} from './harness.js';

let news: TestSite | undefined;
afterEach(async () => {
	await news?.close();
	news = undefined;
});

/** news.test serves a page on loopback; it is internal, but on no group's allowlist yet. */
async function setup(options: {maxPendingPerGroup?: number} = {}) {
	news = await startSite((_request, response) => {
		response.writeHead(200, {'Content-Type': 'text/html'});
		response.end('<title>News</title><p>fresh</p>');
	});
	let clock = Date.parse('2026-03-01T10:00:00.000Z');
	const harness = webHarness({
		allowlist: {internalHosts: ['news.test']},
		fetcher: {resolve: mappedResolver({'news.test': '127.0.0.1'})},
		now: () => new Date((clock += 1000)),
		...options,
	});
	return {...harness, url: news.url('news.test', '/today')};
}

describe('a host no rule allows', () => {
	it('waits for the operator, the chat is told once, and the request is listed', async () => {
		const {fetch, web, told, url} = await setup();
		const first = await fetch(url);
		expect(first).toEqual({status: 'waiting', reason: expect.stringMatching(/^waiting for the operator: news\.test is not on the web allowlist of main\. The chat was told/)});
		expect(told).toEqual([{chatJid: 'local:main', text: `🌐 A request to read news.test (${url}) waits for the operator's approval.`}]);
		const again = await fetch(`${url}?page=2`);
		expect(again).toEqual({status: 'waiting', reason: expect.stringContaining('still waiting for the operator to allow news.test (request #1')});
		expect(told).toHaveLength(1);
		expect(web.view().requests).toEqual([expect.objectContaining({id: 1, groupFolder: 'main', url, host: 'news.test', status: 'pending', scope: null})]);
		expect(news!.requests).toEqual([]);
	});

	it('bounds the requests a group may have waiting; another group still asks', async () => {
		const {fetch, told} = await setup({maxPendingPerGroup: 2});
		await fetch('https://a.test/');
		await fetch('https://b.test/');
		expect(await fetch('https://c.test/')).toEqual({status: 'refused', reason: '2 web requests of this group already wait for the operator: no more are queued until they are decided'});
		expect(await fetch('https://c.test/', {group: 'family'})).toMatchObject({status: 'waiting'});
		expect(told.map((notice) => notice.chatJid)).toEqual(['local:main', 'local:main', 'local:family']);
	});

	it('is refused without a request when the allowlist file is broken', async () => {
		const {fetch, web, file, allowlist, url} = await setup();
		fs.writeFileSync(file, '{"allowedRoots": [], "allowedHosts": [{"host": "https://news.test/"}]}');
		allowlist.reload();
		expect(await fetch(url)).toEqual({status: 'refused', reason: expect.stringContaining('the web allowlist cannot be used (mount allowlist')});
		expect(await fetch(url)).toEqual({status: 'refused', reason: expect.stringContaining('allowedHosts[0].host "https://news.test/" is a URL: give its host only')});
		expect(web.view().requests).toEqual([]);
	});
});

describe("the operator's decision", () => {
	it('allow once: the next fetch succeeds, the one after asks again', async () => {
		const {fetch, web, told, store, url} = await setup();
		await fetch(url);
		const decided = web.approve(1, 'once', 'operator');
		expect(decided).toMatchObject({status: 'approved', scope: 'once', decidedBy: 'operator', decidedAt: '2026-03-01T10:00:02.000Z'});
		expect(told.at(-1)).toEqual({chatJid: 'local:main', text: '🌐 The operator allowed news.test for one fetch: ask again and I can read it.'});
		expect(await fetch(url)).toMatchObject({status: 'fetched', title: 'News', text: 'fresh'});
		expect(store.get(1)?.usedAt).not.toBeNull();
		expect(await fetch(url)).toMatchObject({status: 'waiting'});
		expect(news!.requests).toHaveLength(1);
	});

	it('allow for this group: written to the allowlist for that group only', async () => {
		const {fetch, web, readAllowlist, url} = await setup();
		await fetch(url);
		web.approve(1, 'group', 'operator');
		expect(readAllowlist()).toMatchObject({
			allowedRoots: [],
			internalHosts: ['news.test'],
			allowedHosts: [{host: 'news.test', group: 'main', http: true, description: 'approved for main by operator at 2026-03-01T10:00:02.000Z'}],
		});
		expect(await fetch(url)).toMatchObject({status: 'fetched'});
		expect(await fetch(url)).toMatchObject({status: 'fetched'});
		expect(await fetch(url, {group: 'family'})).toMatchObject({status: 'waiting'});
	});

	it('allow for all groups: every group fetches, and their waiting requests are settled', async () => {
		const {fetch, web, readAllowlist, url} = await setup();
		await fetch(url);
		await fetch(url, {group: 'family'});
		web.approve(1, 'all', 'operator');
		expect(readAllowlist().allowedHosts).toEqual([{host: 'news.test', http: true, description: expect.stringContaining('approved for all groups by operator')}]);
		expect(await fetch(url, {group: 'family'})).toMatchObject({status: 'fetched'});
		expect(web.view().requests.map((request) => [request.groupFolder, request.status, request.scope, request.decidedBy])).toEqual([
			['family', 'approved', 'allowlist', 'allowlist'],
			['main', 'approved', 'all', 'operator'],
		]);
	});

	it('an https request allowed for the group does not allow plain http', async () => {
		const {fetch, web, readAllowlist} = await setup();
		await fetch('https://news.test/secure');
		web.approve(1, 'group', 'operator');
		expect(readAllowlist().allowedHosts).toEqual([expect.objectContaining({host: 'news.test', group: 'main', http: false})]);
		expect(await fetch(news!.url('news.test', '/plain'))).toEqual({status: 'refused', reason: expect.stringContaining('plain http is not allowed for news.test')});
	});

	it('reject: later fetches are refused at once, without asking again; the chat is told', async () => {
		const {fetch, web, told, url} = await setup();
		await fetch(url);
		web.reject(1, 'operator');
		expect(told.at(-1)?.text).toBe('🌐 The operator declined the request to read news.test.');
		expect(await fetch(url)).toEqual({status: 'refused', reason: 'the operator rejected fetching news.test for main (operator, 2026-03-01T10:00:02.000Z)'});
		expect(told).toHaveLength(2);
		expect(web.view().requests).toHaveLength(1);
		expect(await fetch(url, {group: 'family'})).toMatchObject({status: 'waiting'});
	});

	it('is logged with who and when, and cannot be taken twice', async () => {
		const {fetch, web, logged, url} = await setup();
		await fetch(url);
		await fetch('https://other.test/');
		web.approve(1, 'group', 'operator');
		web.reject(2, 'operator');
		expect(logged.filter((line) => line.msg.startsWith('web host'))).toEqual([
			{msg: 'web host approved', fields: {request: 1, group: 'main', host: 'news.test', scope: 'group', by: 'operator', at: '2026-03-01T10:00:03.000Z'}},
			{msg: 'web host rejected', fields: {request: 2, group: 'main', host: 'other.test', by: 'operator', at: '2026-03-01T10:00:04.000Z'}},
		]);
		expect(() => web.approve(1, 'all', 'operator')).toThrow('web request 1 was already approved by operator');
		expect(() => web.reject(9, 'operator')).toThrow('no web request 9: see the Access pane');
	});

	it('an allowlist the operator edited by hand settles the waiting request', async () => {
		const {fetch, web, writeAllowlist, url} = await setup();
		await fetch(url);
		writeAllowlist({allowedHosts: [{host: '*.news.test', http: true}], internalHosts: ['news.test']});
		expect(web.view().requests).toEqual([expect.objectContaining({status: 'approved', scope: 'allowlist', decidedBy: 'allowlist'})]);
		expect(await fetch(url)).toMatchObject({status: 'fetched'});
	});

	it('a request approved for a group whose allowlist cannot be written stays pending', async () => {
		const {fetch, web, file, url} = await setup();
		await fetch(url);
		fs.writeFileSync(file, '{"allowedRoots": [');
		expect(() => web.approve(1, 'group', 'operator')).toThrow('before changing it (nothing was written)');
		expect(web.view().requests).toEqual([expect.objectContaining({id: 1, status: 'pending'})]);
	});
});
