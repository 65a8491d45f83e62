import fs from 'node:fs';
import path from 'node:path';
import {Writable} from 'node:stream';
import {beforeEach, describe, expect, it} from 'vitest';
import {runMountsCommand} from '../../src/cli/mounts-command.js';
import {loadConfig, type Config} from '../../src/config.js';
import {homePaths} from '../../src/paths.js';
import {openDb} from '../../src/store/db.js';
import {GroupStore} from '../../src/store/groups.js';
import {MountRequestStore} from '../../src/store/mount-requests.js';
import type {RegisteredGroup} from '../../src/api/types.js';
import {mountFixture, standardAllowlist, type MountFixture} from './fixture.js';

let fx: MountFixture;
let config: Config;

beforeEach(() => {
	fx = mountFixture();
	config = loadConfig({env: {BABYBOT_HOME: fx.babybotHome, MOUNT_ALLOWLIST_PATH: fx.allowlistFile, TZ: 'UTC'}, homeDir: fx.userHome});
});

const sink = () => {
	let text = '';
	const stream = new Writable({
		write(chunk, _encoding, callback) {
			text += String(chunk);
			callback();
		},
	});
	return {stream, text: () => text};
};

async function run(...argv: string[]) {
	const stdout = sink();
	const stderr = sink();
	const code = await runMountsCommand(argv, {config, stdout: stdout.stream, stderr: stderr.stream, homeDir: fx.userHome});
	return {code, stdout: stdout.text(), stderr: stderr.text(), first: stdout.text().split('\n')[0]};
}

const group = (folder: string, isMain: boolean): RegisteredGroup => ({
	jid: `${folder}@g.us`,
	name: folder,
	folder,
	trigger: '@Baby',
	requiresTrigger: !isMain,
	isMain,
	addedAt: '2026-01-01T00:00:00.000Z',
	extraMounts: [],
	network: false,
});

function registerGroups() {
	const db = openDb(homePaths(config.home).dbFile);
	const groups = new GroupStore(db);
	groups.add(group('main', true));
	groups.add(group('family', false));
	return db;
}

describe('mounts check', () => {
	it.each<[string, string[], number, string]>([
		['a folder under a root', ['~/projects/site'], 0, 'allowed ro /workspace/extra/site'],
		['rw on a rw root (main by default)', ['~/rwroot/code', '--rw'], 0, 'allowed rw /workspace/extra/code'],
		['rw on a ro root', ['~/projects/site', '--rw'], 0, 'allowed ro /workspace/extra/site'],
		['rw for the registered main group', ['~/rwroot/code', '--rw', '--group', 'main'], 0, 'allowed rw /workspace/extra/code'],
		['rw for a non-main group', ['~/rwroot/code', '--rw', '--group', 'family'], 0, 'allowed ro /workspace/extra/code'],
		['rw for an unregistered group', ['~/rwroot/code', '--rw', '--group=nobody'], 0, 'allowed ro /workspace/extra/code'],
		['a name', ['~/projects/site', '--as', 'web'], 0, 'allowed ro /workspace/extra/web'],
		['a name given with =', ['~/projects/site', '--as=web'], 0, 'allowed ro /workspace/extra/web'],
	])('%s', async (_name, args, code, first) => {
		fx.writeAllowlist(standardAllowlist);
		registerGroups().close();
		const result = await run('check', ...args);
		expect(result.first).toBe(first);
		expect(result.code).toBe(code);
	});

	it.each<[string, string[], RegExp]>([
		['a secret', ['~/.ssh'], /^rejected: .*blocked pattern "\.ssh"/],
		['a symlink out', ['~/projects/link-ssh'], /^rejected: .*"\.ssh"/],
		['a folder outside the roots', ['~/projects/link-out'], /^rejected: .*not under an allowed root/],
		['an option as name', ['~/projects/site', '--as=--privileged'], /^rejected: .*starts with "-"/],
		['a comma in the name', ['~/projects/site', '--as', 'a,b'], /^rejected: .*","/],
		['a missing folder', ['~/projects/nope'], /^rejected: .*does not exist/],
	])('rejects %s with exit 1', async (_name, args, first) => {
		fx.writeAllowlist(standardAllowlist);
		const result = await run('check', ...args);
		expect(result.first).toMatch(first);
		expect(result.code).toBe(1);
	});

	it('rejects everything when the allowlist is missing or malformed, saying what to do', async () => {
		const missing = await run('check', '~/projects/site');
		expect(missing.first).toMatch(/^rejected: no mount allowlist at .*`babybot-tui mounts allow PATH`/);
		expect(missing.code).toBe(1);
		fx.writeAllowlist('{"allowedRoots": [{"path": 3}]}');
		const malformed = await run('check', '~/projects/site');
		expect(malformed.first).toMatch(/^rejected: mount allowlist .*allowedRoots\[0\]\.path/);
		expect(malformed.code).toBe(1);
	});

	it.each<[string[], RegExp]>([
		[['check'], /needs a folder/],
		[['check', '~/a', '--bogus'], /unknown option --bogus/],
		[['check', '~/a', '--as'], /--as needs a value/],
		[['frobnicate'], /unknown mounts action "frobnicate"/],
	])('usage errors exit 2: %j', async (args, message) => {
		const result = await run(...args);
		expect(result.code).toBe(2);
		expect(result.stderr).toMatch(message);
	});
});

describe('mounts allow, revoke, list', () => {
	it('allows a folder, lists it with the pending requests, then revokes it', async () => {
		const db = registerGroups();
		new MountRequestStore(db).create({
			groupFolder: 'family',
			hostPath: fx.elsewhere,
			realPath: fx.elsewhere,
			containerPath: 'shared',
			readonly: true,
			source: 'ipc',
			reason: 'not under an allowed root',
			createdAt: '2026-01-01T00:00:00.000Z',
		});
		db.close();

		const allowed = await run('allow', '~/rwroot', '--rw');
		expect(allowed.code).toBe(0);
		expect(allowed.first).toBe(`allowed rw ${fs.realpathSync(path.join(fx.userHome, 'rwroot'))} in ${fx.allowlistFile}`);
		expect((await run('check', '~/rwroot/code', '--rw')).first).toBe('allowed rw /workspace/extra/code');

		const list = await run('list');
		expect(list.code).toBe(0);
		expect(list.stdout).toContain(`rw ${fs.realpathSync(path.join(fx.userHome, 'rwroot'))}`);
		expect(list.stdout).toContain('blocked patterns (always): .ssh');
		expect(list.stdout).toMatch(/#1 family ro .*elsewhere as shared \(ipc\): not under an allowed root/);

		const revoked = await run('revoke', '~/rwroot');
		expect(revoked.code).toBe(0);
		expect((await run('check', '~/rwroot/code')).first).toMatch(/^rejected: .*not under an allowed root/);
		const again = await run('revoke', '~/rwroot');
		expect(again.code).toBe(1);
		expect(again.stderr).toMatch(/is not an allowed root/);
	});

	it('refuses to allow a missing folder and writes nothing', async () => {
		const result = await run('allow', '~/nope');
		expect(result.code).toBe(1);
		expect(result.stderr).toMatch(/does not exist: create the folder first/);
		expect(fs.existsSync(fx.allowlistFile)).toBe(false);
	});

	it('lists without a store and with a missing allowlist', async () => {
		const result = await run('list');
		expect(result.code).toBe(0);
		expect(result.stdout).toMatch(/unusable: no mount allowlist/);
		expect(result.stdout).toContain('pending requests: none');
		expect(fs.existsSync(homePaths(config.home).dbFile)).toBe(false);
	});
});
