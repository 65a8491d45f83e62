// `babybot-tui hosts`: the argument errors in process (and two through the real binary), the file
// the binary writes, and `check` in process with the resolver injected (the test names resolve
// nowhere else).
import fs from 'node:fs';
import path from 'node:path';
import {Writable} from 'node:stream';
import {describe, expect, it} from 'vitest';
import {UsageError} from '../../src/cli/args.js';
import {runHostsCommand} from '../../src/cli/hosts-command.js';
import {loadConfig} from '../../src/config.js';
import {homePaths} from '../../src/paths.js';
import {openDb} from '../../src/store/db.js';
import {GroupStore} from '../../src/store/groups.js';
import {WebRequestStore} from '../../src/store/web-requests.js';
import {cliEnv, runCli} from '../support/cli.js';
import {tempHome} from '../support/temp-home.js';
import {mappedResolver} from '../support/web-sites.js';

function setup(allowlist?: unknown) {
	const made = tempHome();
	if (allowlist !== undefined) {
		fs.mkdirSync(path.dirname(made.allowlist), {recursive: true});
		fs.writeFileSync(made.allowlist, typeof allowlist === 'string' ? allowlist : JSON.stringify(allowlist, null, 2));
	}
	return {...made, env: cliEnv({home: made.home, allowlist: made.allowlist, ollamaUrl: 'http://127.0.0.1:9'})};
}

/** A store with the main and family groups, as a host would have left it. */
function withGroups(home: string) {
	const db = openDb(homePaths(home).dbFile);
	const groups = new GroupStore(db);
	for (const [folder, isMain] of [['main', true], ['family', false]] as const) {
		groups.add({jid: `${folder}@g.us`, name: folder, folder, trigger: '@Baby', requiresTrigger: !isMain, isMain, addedAt: '2026-01-01T00:00:00.000Z', extraMounts: [], network: false});
	}
	return db;
}

const sink = () => {
	let text = '';
	return {stream: new Writable({write: (chunk, _encoding, done) => ((text += String(chunk)), done())}), text: () => text};
};

const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;

/** `hosts ARGV` in this process, as the binary runs it: a usage error is one line and exit 2. */
async function runInProcess(s: ReturnType<typeof setup>, argv: string[]) {
	const config = loadConfig({env: {BABYBOT_HOME: s.home, MOUNT_ALLOWLIST_PATH: s.allowlist, TZ: 'UTC'}});
	const stdout = sink();
	const stderr = sink();
	try {
		const code = await runHostsCommand(argv, config, {stdout: stdout.stream, stderr: stderr.stream});
		return {code, stdout: stdout.text(), stderr: stderr.text()};
	} catch (error) {
		if (!(error instanceof UsageError)) throw error;
		return {code: 2, stdout: stdout.text(), stderr: `babybot-tui hosts: ${error.message}\n`};
	}
}

describe('hosts: every bad argument is one line that says what to do', () => {
	it.each<[string[], string, number]>([
		[['frob'], 'unknown hosts action "frob": use list, allow, revoke or check', 2],
		[['allow'], 'hosts allow needs a host: e.g. hosts allow example.com', 2],
		[['check'], 'hosts check needs a URL: e.g. hosts check https://example.com/', 2],
		[['allow', 'https://news.test/page'], '"https://news.test/page" is a URL: give its host only, e.g. news.test', 2],
		[['allow', '*.com'], 'would cover a whole top-level domain', 2],
		[['allow', 'news.test:8080'], 'names a port: give the host alone', 2],
		[['allow', 'a.test', 'b.test'], 'hosts allow does not take "b.test"', 2],
		[['list', 'extra'], 'hosts list does not take "extra"', 2],
		[['allow', '*.news.test', '--internal'], '--internal takes an exact host, not *.news.test', 2],
		[['allow', 'news.test', '--group'], '--group needs a value', 2],
		[['allow', 'news.test', '--group', 'a/b'], '--group: folder "a/b" must be 1-64 letters', 2],
		[['allow', 'news.test', '--bogus'], 'unknown flag --bogus', 2],
		[['allow', 'news.test', '--http=yes'], '--http takes no value', 2],
		[['list', '--http'], '--http goes with another action', 2],
		[['revoke', 'news.test', '--internal'], '--internal goes with another action', 2],
		[['list', '--group', 'main'], '--group goes with another action', 2],
		[['revoke', 'news.test'], 'news.test is not on the web allowlist in', 1],
		[['allow', 'news.test', '--group', 'family'], 'no group "family" yet: no host has run in this home', 1],
	])('%j', async (argv, message, code) => {
		const result = await runInProcess(setup(), argv);
		expect(result.code).toBe(code);
		expect(result.stdout).toBe('');
		expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
		expect(result.stderr).toMatch(/^babybot-tui hosts: /);
		expect(result.stderr).toContain(message);
	});

	it.each<[string[], string, number]>([
		[['hosts', 'allow', 'https://news.test/page'], 'babybot-tui hosts: "https://news.test/page" is a URL: give its host only, e.g. news.test\n', 2],
		[['hosts', 'revoke', 'news.test'], 'is not on the web allowlist in', 1],
	])('the binary: %j', async (argv, message, code) => {
		const s = setup();
		const result = await runCli(argv, s.env);
		expect(result).toMatchObject({code, stdout: ''});
		expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
		expect(result.stderr).toContain(message);
	});

	it('refuses to change a broken allowlist and writes nothing', async () => {
		const s = setup('{"allowedRoots": [], "allowedHosts": [{"host": 5}]}');
		const result = await runCli(['hosts', 'allow', 'news.test'], s.env);
		expect(result).toMatchObject({code: 1, stdout: ''});
		expect(result.stderr).toMatch(/^babybot-tui hosts: mount allowlist .*: allowedHosts\[0\]\.host expected string, received number; fix the file before changing it \(nothing was written\)\n$/);
		expect(fs.readFileSync(s.allowlist, 'utf8')).toBe('{"allowedRoots": [], "allowedHosts": [{"host": 5}]}');
	});
});

describe('hosts allow, list and revoke', () => {
	it('writes the allowlist the host reads, keeping what else the file holds', async () => {
		const s = setup({allowedRoots: [{path: '/srv/notes', allowReadWrite: false}], nonMainReadOnly: true, myNote: 'kept'});
		withGroups(s.home).close();
		expect(await runCli(['hosts', 'allow', 'News.Test'], s.env)).toMatchObject({code: 0, stdout: `allowed news.test for all groups (https) in ${s.allowlist}\n`});
		expect(await runCli(['hosts', 'allow', 'nas.lan', '--group', 'family', '--http', '--internal'], s.env)).toMatchObject({
			code: 0,
			stdout: `allowed nas.lan for family (https and http, internal) in ${s.allowlist}\n`,
		});
		expect(await runCli(['hosts', 'allow', 'news.test', '--http'], s.env)).toMatchObject({code: 0, stdout: expect.stringMatching(/^changed news\.test for all groups/)});
		const written = readJson(s.allowlist);
		expect(written).toMatchObject({allowedRoots: [{path: '/srv/notes', allowReadWrite: false}], myNote: 'kept', internalHosts: ['nas.lan']});
		expect(written.allowedHosts).toEqual([
			{host: 'news.test', http: true, description: expect.stringContaining('allowed by the operator with the CLI at')},
			{host: 'nas.lan', group: 'family', http: true, description: expect.any(String)},
		]);
		expect(fs.readFileSync(s.allowlist, 'utf8')).toMatch(/^\{\n {2}"allowedRoots"/);

		const list = await runCli(['hosts', 'list'], s.env);
		expect(list.code).toBe(0);
		expect(list.stdout).toContain(`allowlist ${s.allowlist}\nweb hosts\n  news.test  for all groups  (https+http)`);
		expect(list.stdout).toContain('  nas.lan  for family  (https+http, internal)');
		expect(list.stdout).toContain('internal hosts: nas.lan\npending web requests: none\n');

		expect(await runCli(['hosts', 'revoke', 'nas.lan', '--group', 'main'], s.env)).toMatchObject({code: 1, stderr: expect.stringContaining('nas.lan is not on the web allowlist of main')});
		expect(await runCli(['hosts', 'revoke', 'nas.lan'], s.env)).toMatchObject({code: 0, stdout: `revoked nas.lan (2 entries) in ${s.allowlist}\n`});
		expect(readJson(s.allowlist)).not.toHaveProperty('internalHosts');
		expect(await runCli(['hosts', 'revoke', 'news.test'], s.env)).toMatchObject({code: 0});
		expect(readJson(s.allowlist)).toEqual({allowedRoots: [{path: '/srv/notes', allowReadWrite: false}], nonMainReadOnly: true, myNote: 'kept'});
	});

	it('lists the requests that wait for the operator', async () => {
		const s = setup();
		const db = withGroups(s.home);
		new WebRequestStore(db).create({groupFolder: 'family', chatJid: 'family@g.us', url: 'https://news.test/today', host: 'news.test', reason: 'news.test is not on the web allowlist of family', createdAt: '2026-03-01T10:00:00.000Z'});
		db.close();
		const list = await runCli(['hosts', 'list'], s.env);
		expect(list.stdout).toContain('web hosts: none (every web_fetch waits for the operator)');
		expect(list.stdout).toContain('pending web requests\n  #1 family https://news.test/today (since 2026-03-01T10:00:00.000Z): news.test is not on the web allowlist of family\n');
	});
});

describe('hosts check', () => {
	async function check(s: ReturnType<typeof setup>, ...argv: string[]) {
		const config = loadConfig({env: {BABYBOT_HOME: s.home, MOUNT_ALLOWLIST_PATH: s.allowlist, TZ: 'UTC'}});
		const stdout = sink();
		const stderr = sink();
		const resolve = mappedResolver({'news.test': '93.184.216.34', 'local.test': '127.0.0.1', 'nas.lan': '192.168.1.5', 'meta.test': '169.254.169.254'});
		const code = await runHostsCommand(['check', ...argv], config, {stdout: stdout.stream, stderr: stderr.stream}, {resolve});
		return {code, stdout: stdout.text(), stderr: stderr.text(), resolved: resolve.calls};
	}
	const allowlist = {
		allowedRoots: [],
		allowedHosts: [{host: 'news.test'}, {host: 'local.test'}, {host: 'nas.lan', group: 'family', http: true}, {host: 'meta.test'}],
		internalHosts: ['nas.lan', 'meta.test'],
	};

	it.each<[string, string[], number, string]>([
		['an allowed public host', ['https://news.test/today'], 0, 'allowed: news.test is allowed for all groups\naddress: news.test → 93.184.216.34 (public)\n'],
		['an allowed host on loopback', ['https://local.test/'], 1, 'address: local.test → 127.0.0.1 (a loopback address)\nrefused: local.test resolves to 127.0.0.1, a loopback address: web_fetch does not connect there'],
		['an internal host for its group', ['http://nas.lan/', '--group', 'family'], 0, 'allowed: nas.lan is allowed for family\naddress: nas.lan → 192.168.1.5 (a private address)\n'],
		['an internal host for another group', ['https://nas.lan/'], 1, 'waits for the operator: nas.lan is not on the web allowlist of main'],
		['the metadata address, internal or not', ['https://meta.test/'], 1, 'refused: meta.test resolves to 169.254.169.254, a cloud metadata address'],
		['plain http where only https is allowed', ['http://news.test/'], 1, 'refused: plain http is not allowed for news.test: use https://'],
		['an unknown host', ['https://other.test/'], 1, 'waits for the operator: other.test is not on the web allowlist of main\naddress: other.test could not be resolved (ENOTFOUND)\n'],
		['not a URL', ['news.test'], 1, 'refused: "news.test" is not a URL: give a full address such as https://example.com/page\n'],
	])('%s', async (_name, argv, code, output) => {
		const s = setup(allowlist);
		withGroups(s.home).close();
		const result = await check(s, ...argv);
		expect(result.stderr).toBe('');
		expect(result.stdout).toContain(output);
		expect(result.code).toBe(code);
	});

	it('reads the operator\'s last decision from the store: a rejection refuses, a once approval allows', async () => {
		const s = setup({allowedRoots: []});
		const db = withGroups(s.home);
		const store = new WebRequestStore(db);
		const request = (host: string) => store.create({groupFolder: 'main', chatJid: 'main@g.us', url: `https://${host}/`, host, reason: 'asked', createdAt: '2026-03-01T10:00:00.000Z'});
		store.decide(request('news.test'), {status: 'rejected', by: 'operator', at: '2026-03-01T10:01:00.000Z'});
		store.decide(request('local.test'), {status: 'approved', scope: 'once', by: 'operator', at: '2026-03-01T10:02:00.000Z'});
		db.close();
		expect(await check(s, 'https://news.test/')).toMatchObject({code: 1, stdout: 'refused: the operator rejected fetching news.test for main (operator, 2026-03-01T10:01:00.000Z)\n', resolved: []});
		expect((await check(s, 'https://local.test/')).stdout).toContain('allowed: the operator allowed one fetch of local.test for main');
	});

	it('takes a usage error as an exception the binary prints in one line', async () => {
		const s = setup();
		await expect(check(s, 'https://a.test/', 'extra')).rejects.toThrow(UsageError);
	});
});
