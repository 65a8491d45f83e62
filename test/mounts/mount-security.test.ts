import fs from 'node:fs';
import path from 'node:path';
import {beforeEach, describe, expect, it} from 'vitest';
import {loadAllowlist, type AllowlistResult} from '../../src/mounts/allowlist.js';
import {componentMatches, containerNameProblem, validateMount, type RejectCode} from '../../src/mounts/mount-security.js';
import type {ExtraMountSpec as MountRequest} from '../../src/api/types.js';
import {mountFixture, standardAllowlist, type MountFixture} from './fixture.js';

let fx: MountFixture;
beforeEach(() => {
	fx = mountFixture();
});

type Expect = {mode: 'ro' | 'rw'; name: string; real?: string} | {code: RejectCode; says: string};

const check = (request: MountRequest, options: {isMain?: boolean; allowlist?: unknown} = {}) => {
	fx.writeAllowlist(options.allowlist ?? standardAllowlist);
	return validateMount({request, allowlist: loadAllowlist(fx.allowlistFile), isMain: options.isMain ?? true, homeDir: fx.userHome});
};

const expectVerdict = (verdict: ReturnType<typeof validateMount>, expected: Expect) => {
	if ('code' in expected) {
		expect(verdict).toMatchObject({allowed: false, code: expected.code});
		if (!verdict.allowed) expect(verdict.reason).toContain(expected.says);
		return;
	}
	expect(verdict).toMatchObject({allowed: true, readonly: expected.mode === 'ro', containerPath: `/workspace/extra/${expected.name}`, name: expected.name});
	if (verdict.allowed && expected.real) expect(verdict.hostPath).toBe(fs.realpathSync(path.join(fx.userHome, expected.real)));
};

describe('validateMount: paths', () => {
	it.each<[string, () => string, Expect]>([
		['a folder under a root', () => '~/projects/site', {mode: 'ro', name: 'site', real: 'projects/site'}],
		['the same folder by absolute path', () => path.join(fx.userHome, 'projects/site'), {mode: 'ro', name: 'site'}],
		['a trailing slash', () => '~/projects/site/', {mode: 'ro', name: 'site'}],
		['the root itself', () => '~/projects', {mode: 'ro', name: 'projects'}],
		['a name with a space', () => '~/projects/my notes', {mode: 'ro', name: 'my notes'}],
		['~ alone (the home)', () => '~', {code: 'blocked', says: 'home folder'}],
		['~/ (the home)', () => '~/', {code: 'blocked', says: 'home folder'}],
		['/ (contains the machine\'s own folders)', () => '/', {code: 'protected', says: 'contains'}],
		['a ~user form', () => '~root/.ssh', {code: 'bad-path', says: '~user'}],
		['a relative path', () => 'projects/site', {code: 'bad-path', says: 'relative'}],
		['an empty path', () => '', {code: 'bad-path', says: 'empty'}],
		['traversal into ~/.ssh', () => '~/projects/../.ssh', {code: 'blocked', says: '".ssh"'}],
		['traversal out of every root', () => '~/projects/site/../../../elsewhere', {code: 'not-under-root', says: 'not under an allowed root'}],
		['traversal into another root', () => '~/projects/../rwroot/code', {mode: 'ro', name: 'code', real: 'rwroot/code'}],
		['a symlink out to ~/.ssh', () => '~/projects/link-ssh', {code: 'blocked', says: '".ssh"'}],
		['a symlink out of the roots', () => '~/projects/link-out', {code: 'not-under-root', says: 'not under an allowed root'}],
		['a symlink inside a root', () => '~/projects/link-in', {mode: 'ro', name: 'link-in', real: 'projects/site'}],
		['a blocked folder nested deep', () => '~/projects/deep/a/b/.ssh/keys', {code: 'blocked', says: '".ssh"'}],
		['a missing folder', () => '~/projects/nope', {code: 'missing', says: 'does not exist'}],
		['a file', () => '~/projects/readme.txt', {code: 'not-directory', says: 'not a directory'}],
		['a user pattern inside a name', () => '~/projects/my-password-vault', {code: 'blocked', says: '"password"'}],
		['a user pattern that is only a prefix', () => '~/projects/tokenizer', {mode: 'ro', name: 'tokenizer'}],
		['a user pattern after _', () => '~/projects/api_token', {code: 'blocked', says: '"token"'}],
		['.env blocks .env.local', () => '~/projects/.env.local', {code: 'blocked', says: '".env"'}],
		['.env blocks prod.env', () => '~/projects/prod.env', {code: 'blocked', says: '".env"'}],
		['credentials after -', () => '~/projects/aws-credentials', {code: 'blocked', says: '"credentials"'}],
		['.ssh-backup', () => '~/projects/.ssh-backup', {code: 'blocked', says: '".ssh"'}],
		['.SSH in another case', () => '~/projects/.SSH', {code: 'blocked', says: '".ssh"'}],
		['a colon in the host path', () => '~/projects/with:colon', {code: 'bad-path', says: 'cannot mount'}],
		['a folder outside the roots', () => fx.elsewhere, {code: 'not-under-root', says: 'mounts allow'}],
	])('%s', (_name, hostPath, expected) => {
		expectVerdict(check({hostPath: hostPath()}), expected);
	});
});

describe('validateMount: container names (no option injection)', () => {
	it.each<[string, Expect]>([
		['notes', {mode: 'ro', name: 'notes'}],
		['my.notes_2', {mode: 'ro', name: 'my.notes_2'}],
		['', {code: 'bad-name', says: 'empty'}],
		['/etc', {code: 'bad-name', says: 'absolute'}],
		['..', {code: 'bad-name', says: '".."'}],
		['a/../../b', {code: 'bad-name', says: '".."'}],
		['a/b', {code: 'bad-name', says: '"/"'}],
		['a:b', {code: 'bad-name', says: '":"'}],
		['x:etc:rw', {code: 'bad-name', says: '":"'}],
		['a,b', {code: 'bad-name', says: '","'}],
		['ro,target=/etc', {code: 'bad-name', says: '"/"'}],
		['--privileged', {code: 'bad-name', says: 'option'}],
		['-v', {code: 'bad-name', says: 'option'}],
		['.', {code: 'bad-name', says: '"."'}],
		['a\nb', {code: 'bad-name', says: 'control'}],
	])('--as %j', (name, expected) => {
		expectVerdict(check({hostPath: '~/projects/site', containerPath: name}), expected);
	});
});

describe('validateMount: read-only or read-write', () => {
	it.each<[string, MountRequest, boolean, unknown, Expect]>([
		['ro by default on a rw root', {hostPath: '~/rwroot/code'}, true, undefined, {mode: 'ro', name: 'code'}],
		['rw asked, root allows, main', {hostPath: '~/rwroot/code', readonly: false}, true, undefined, {mode: 'rw', name: 'code'}],
		['rw asked, root is ro', {hostPath: '~/projects/site', readonly: false}, true, undefined, {mode: 'ro', name: 'site'}],
		['rw asked by a non-main group with nonMainReadOnly', {hostPath: '~/rwroot/code', readonly: false}, false, undefined, {mode: 'ro', name: 'code'}],
		[
			'rw asked by a non-main group without nonMainReadOnly',
			{hostPath: '~/rwroot/code', readonly: false},
			false,
			{...standardAllowlist, nonMainReadOnly: false},
			{mode: 'rw', name: 'code'},
		],
		[
			'the most specific root decides',
			{hostPath: '~/rwroot/code', readonly: false},
			true,
			{allowedRoots: [{path: '~/rwroot', allowReadWrite: true}, {path: '~/rwroot/code', allowReadWrite: false}]},
			{mode: 'ro', name: 'code'},
		],
		['a root given through a symlink', {hostPath: '~/projects/site'}, true, {allowedRoots: [{path: '~/linked-root'}]}, {mode: 'ro', name: 'site'}],
		['a root that does not exist', {hostPath: '~/projects/site'}, true, {allowedRoots: [{path: '~/gone'}]}, {code: 'not-under-root', says: 'allowed root'}],
	])('%s', (_name, request, isMain, allowlist, expected) => {
		const verdict = check(request, {isMain, allowlist});
		expectVerdict(verdict, expected);
		if (verdict.allowed && request.readonly === false && verdict.readonly) expect(verdict.note).toMatch(/read-only/);
	});
});

describe('validateMount: the host\'s own state is never mountable (matched on real paths)', () => {
	const everything = {allowedRoots: [{path: '/', allowReadWrite: true}, {path: '~', allowReadWrite: true}]};
	const protectedPaths = () => [fx.babybotHome, path.dirname(fx.allowlistFile), path.join(fx.userHome, 'project', '.env')];
	const verdict = (hostPath: string) => {
		fx.writeAllowlist(everything);
		return validateMount({request: {hostPath}, allowlist: loadAllowlist(fx.allowlistFile), isMain: true, homeDir: fx.userHome, protectedPaths: protectedPaths()});
	};

	it.each<[string, () => string, string]>([
		['the home', () => fx.babybotHome, 'or inside it'],
		['the store', () => path.join(fx.babybotHome, 'store'), 'or inside it'],
		['the WhatsApp credentials', () => path.join(fx.babybotHome, 'store', 'auth'), 'or inside it'],
		['a group\'s IPC folder', () => path.join(fx.babybotHome, 'ipc', 'main'), 'or inside it'],
		['another group\'s folder', () => path.join(fx.babybotHome, 'groups', 'family'), 'or inside it'],
		['the allowlist\'s folder', () => path.dirname(fx.allowlistFile), 'or inside it'],
		['a folder holding the home', () => path.dirname(fx.babybotHome), 'contains'],
		['the home through a symlink', () => path.join(fx.userHome, 'projects', 'to-home'), 'or inside it'],
		['a folder holding the project .env', () => path.join(fx.userHome, 'project'), 'contains'],
		['/proc/self/cwd (resolves to the host\'s folder)', () => '/proc/self/cwd', 'never mounted'],
		['/proc', () => '/proc', 'or inside it'],
		['/etc', () => '/etc', 'or inside it'],
		['/run (the engine sockets)', () => '/run', 'or inside it'],
		['/ itself', () => '/', 'contains'],
	])('%s', (_name, hostPath, says) => {
		for (const dir of ['store/auth', 'ipc/main', 'groups/family']) fs.mkdirSync(path.join(fx.babybotHome, dir), {recursive: true});
		fs.mkdirSync(path.join(fx.userHome, 'project'), {recursive: true});
		fs.writeFileSync(path.join(fx.userHome, 'project', '.env'), 'SECRET=1');
		if (!fs.existsSync(path.join(fx.userHome, 'projects', 'to-home'))) fs.symlinkSync(fx.babybotHome, path.join(fx.userHome, 'projects', 'to-home'));
		const result = verdict(hostPath());
		expect(result).toMatchObject({allowed: false});
		if (!result.allowed) {
			expect(['protected', 'blocked']).toContain(result.code);
			expect(result.reason).toContain(says);
		}
	});

	it('still allows a folder beside the home under an allowed root', () => {
		expect(verdict('~/projects/site')).toMatchObject({allowed: true});
	});
});

describe('validateMount: roots limited to groups, and agents\' requests', () => {
	const allowlist = {
		allowedRoots: [
			{path: '~/projects', allowReadWrite: false, groups: ['family']},
			{path: '~/rwroot', allowReadWrite: true, autoApprove: true},
		],
	};
	it.each<[string, {hostPath: string; groupFolder?: string; agentRequest?: boolean}, Expect]>([
		['a group-limited root serves its group', {hostPath: '~/projects/site', groupFolder: 'family'}, {mode: 'ro', name: 'site'}],
		['a group-limited root does not serve another group', {hostPath: '~/projects/site', groupFolder: 'work'}, {code: 'not-under-root', says: 'for group work'}],
		['nor a check without a group', {hostPath: '~/projects/site'}, {code: 'not-under-root', says: 'allowed root'}],
		['an agent under a root not marked autoApprove waits', {hostPath: '~/projects/site', groupFolder: 'family', agentRequest: true}, {code: 'needs-approval', says: 'waits for the operator'}],
		['an agent under an autoApprove root is granted', {hostPath: '~/rwroot/code', groupFolder: 'work', agentRequest: true}, {mode: 'ro', name: 'code'}],
		['the operator under any root is granted', {hostPath: '~/rwroot/code', groupFolder: 'work'}, {mode: 'ro', name: 'code'}],
	])('%s', (_name, input, expected) => {
		fx.writeAllowlist(allowlist);
		expectVerdict(
			validateMount({request: {hostPath: input.hostPath}, allowlist: loadAllowlist(fx.allowlistFile), isMain: false, homeDir: fx.userHome, groupFolder: input.groupFolder, agentRequest: input.agentRequest}),
			expected,
		);
	});
});

describe('validateMount: the allowlist file', () => {
	const verdictFor = (allowlist: AllowlistResult) =>
		validateMount({request: {hostPath: '~/projects/site'}, allowlist, isMain: true, homeDir: fx.userHome});

	it('refuses every mount when the file is missing, and says how to create it', () => {
		const verdict = verdictFor(loadAllowlist(path.join(fx.userHome, 'nope.json')));
		expect(verdict).toMatchObject({allowed: false, code: 'no-allowlist'});
		if (!verdict.allowed) expect(verdict.reason).toContain('babybot-tui mounts allow');
	});

	it.each<[string, string, string]>([
		['bad JSON', '{"allowedRoots": [\n  {"path": "~/x",}\n]}', 'line 2 column'],
		['a wrong type', '{"allowedRoots": [{"path": "~/projects", "allowReadWrite": "yes"}]}', 'allowedRoots[0].allowReadWrite'],
		['roots not a list', '{"allowedRoots": {"path": "~/projects"}}', 'allowedRoots expected array'],
		['no roots', '{"blockedPatterns": []}', 'allowedRoots'],
		['a relative root', '{"allowedRoots": [{"path": "projects"}]}', 'allowedRoots[0].path must be an absolute path'],
		['a pattern with /', '{"allowedRoots": [], "blockedPatterns": ["a/b"]}', 'blockedPatterns[0]'],
		['nonMainReadOnly not a boolean', '{"allowedRoots": [], "nonMainReadOnly": "no"}', 'nonMainReadOnly'],
		['not an object', '[]', '(top level)'],
	])('refuses every mount when the file has %s, and says where', (_name, text, where) => {
		fx.writeAllowlist(text);
		const loaded = loadAllowlist(fx.allowlistFile);
		expect(loaded.ok).toBe(false);
		if (!loaded.ok) {
			expect(loaded.error).toContain(where);
			expect(loaded.error).toContain(fx.allowlistFile);
		}
		expect(verdictFor(loaded)).toMatchObject({allowed: false, code: 'bad-allowlist'});
	});
});

describe('component matching', () => {
	it.each<[string, string, boolean]>([
		['token', 'token', true],
		['tokenizer', 'token', false],
		['my-token', 'token', true],
		['token_store', 'token', true],
		['retoken', 'token', false],
		['my-password-vault', 'password', true],
		['passwords', 'password', false],
		['.env.local', '.env', true],
		['.envrc', '.env', false],
		['prod.env', '.env', true],
		['id_rsa.pub', 'id_rsa', true],
		['Credentials', 'credentials', true],
	])('%j with %j → %s', (component, pattern, blocked) => {
		expect(componentMatches(component, pattern)).toBe(blocked);
	});

	it('accepts plain names', () => {
		expect(containerNameProblem('vault')).toBeNull();
	});
});
