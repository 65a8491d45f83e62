// `babybot-tui groups list|add|remove` through the real binary, with --home after the command word.
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {localJid} from '../../src/channels/local-chat.js';
import {openDb} from '../../src/store/db.js';
import {GroupStore} from '../../src/store/groups.js';
import {cliEnv, runCli} from '../support/cli.js';
import {tempHome} from '../support/temp-home.js';

function setup() {
	const made = tempHome();
	const env = cliEnv({home: path.join(made.root, 'unused'), allowlist: made.allowlist, ollamaUrl: 'http://127.0.0.1:9'});
	// Every call names its home after the command word; BABYBOT_HOME points elsewhere.
	const groups = (...args: string[]) => runCli(['groups', ...args, '--home', made.home], env);
	return {...made, groups};
}

const add = (jid: string, folder: string, ...more: string[]) => ['add', '--jid', jid, '--name', `Name ${folder}`, '--folder', folder, ...more];

describe('groups', () => {
	it('lists nothing on a fresh home, then what was added, with its trigger rule and mounts', async () => {
		const s = setup();
		expect(await s.groups('list')).toMatchObject({code: 0, stdout: 'no groups yet: the main group is created when the host first starts\n'});
		expect(await s.groups(...add('1@g.us', 'family'))).toMatchObject({code: 0, stdout: `registered Name family (1@g.us) in ${path.join(s.home, 'groups', 'family')}\n`});
		expect((await s.groups(...add('2@g.us', 'work', '--no-trigger', '--mount', '~/code:rw'))).code).toBe(0);
		const listed = await runCli(['groups', `--home=${s.home}`], cliEnv({home: '/nonexistent', allowlist: s.allowlist, ollamaUrl: 'http://127.0.0.1:9'}));
		expect(listed.stdout.split('\n').filter(Boolean)).toEqual(['family\t1@g.us\tName family\ttrigger @Baby', 'work\t2@g.us\tName work\tno trigger\tmounts: ~/code']);
	});

	it('gives network only to a group the operator adds with --network, and says what that means', async () => {
		const s = setup();
		const added = await s.groups(...add('3@g.us', 'web', '--network'));
		expect(added.stdout).toContain('its sandbox has network: what it runs can reach the internet and your local network');
		expect((await s.groups('list')).stdout).toContain('web\t3@g.us\tName web\ttrigger @Baby\tnetwork');
		const db = openDb(path.join(s.home, 'store', 'babybot.db'));
		const store = new GroupStore(db);
		expect([store.byFolder('web')?.network, store.byFolder('main')?.network ?? false]).toEqual([true, false]);
		db.close();
	});

	it.each<[string, string[][], RegExp]>([
		['missing flags', [['add', '--jid', '1@g.us', '--name', 'A']], /^groups add needs --jid, --name and --folder: e\.g\. /],
		['a bad folder', [add('1@g.us', '../etc')], /^folder "\.\.\/etc" must be 1-64 letters/],
		['the global memory folder', [add('1@g.us', 'Global')], /^folder "Global" is reserved for the global memory: pick another name$/],
		['the IPC quarantine folder', [add('1@g.us', 'errors')], /^folder "errors" is reserved for the IPC quarantine folder ipc\/errors: pick another name$/],
		['a taken jid', [add('1@g.us', 'a'), add('1@g.us', 'b')], /^chat 1@g\.us is already registered: remove it first with `groups remove 1@g\.us`$/],
		['a taken folder', [add('1@g.us', 'family'), add('2@g.us', 'family')], /^folder "family" is already used by another group: pick another folder name$/],
		['a folder taken in another case', [add('1@g.us', 'Family'), add('2@g.us', 'family')], /^folder "family" differs only in letter case from the group folder "Family" \(the same folder on macOS\)/],
		['an empty mount', [add('1@g.us', 'fam', '--mount', ':rw')], /^--mount ":rw" has no path/],
		['remove without a target', [['remove']], /^groups remove needs a JID or a folder/],
		['remove of an unknown group', [['remove', 'nobody']], /^no registered group "nobody": see `babybot-tui groups list`$/],
	])('refuses %s with one line, exit 1, and registers nothing more', async (_name, calls, message) => {
		const s = setup();
		for (const args of calls.slice(0, -1)) expect((await s.groups(...args)).code).toBe(0);
		const before = (await s.groups('list')).stdout;
		const result = await s.groups(...calls.at(-1)!);
		expect(result.code).toBe(1);
		expect(result.stdout).toBe('');
		expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
		expect(result.stderr.trimEnd().replace(/^babybot-tui groups: /, '')).toMatch(message);
		expect((await s.groups('list')).stdout).toBe(before);
	});

	it('removes by folder or by jid, keeps the folder, and never removes main', async () => {
		const s = setup();
		const db = openDb(path.join(s.home, 'store', 'babybot.db'));
		new GroupStore(db).add({jid: localJid('main'), name: 'Main (local)', folder: 'main', trigger: '@Baby', requiresTrigger: false, isMain: true, addedAt: new Date().toISOString(), extraMounts: [], network: false});
		db.close();
		await s.groups(...add('1@g.us', 'family'));
		await s.groups(...add('2@g.us', 'work'));
		expect(await s.groups('remove', 'family')).toMatchObject({code: 0, stdout: 'removed Name family (1@g.us); its folder is kept and its tasks are paused (resume them once it is registered again)\n'});
		expect(await s.groups('remove', '2@g.us')).toMatchObject({code: 0, stdout: 'removed Name work (2@g.us); its folder is kept and its tasks are paused (resume them once it is registered again)\n'});
		const main = await s.groups('remove', 'main');
		expect(main.code).toBe(1);
		expect(main.stderr).toBe('babybot-tui groups: the main group cannot be removed: it is the local chat of the operator\n');
		expect((await s.groups('list')).stdout).toBe('main\tlocal:main\tMain (local)\tmain\n');
	});

	it.each<[string[], RegExp]>([
		[['frobnicate'], /^babybot-tui groups: unknown groups action "frobnicate": use list, add or remove$/],
		[['list', 'extra'], /^babybot-tui groups: groups list does not take "extra"/],
		[['remove', 'a', 'b'], /^babybot-tui groups: groups remove does not take "b"/],
	])('%j is a usage error, exit 2', async (args, message) => {
		const s = setup();
		const result = await s.groups(...args);
		expect(result.code).toBe(2);
		expect(result.stderr.trimEnd()).toMatch(message);
	});
});
