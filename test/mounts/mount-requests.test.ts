import fs from 'node:fs';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {createLogger} from '../../src/logger.js';
import {MountAllowlist} from '../../src/mounts/allowlist.js';
import {MountApprovals} from '../../src/mounts/mount-requests.js';
import {openDb, type Db} from '../../src/store/db.js';
import {MountRequestStore} from '../../src/store/mount-requests.js';
import type {LogStore} from '../../src/log-store.js';
import {mountFixture, standardAllowlist, type MountFixture} from './fixture.js';

let fx: MountFixture;
let db: Db;
let store: MountRequestStore;
let allowlist: MountAllowlist;
let approvals: MountApprovals;
let logs: LogStore;
let flushLogs: () => void;
let changes: number;
const now = new Date('2026-03-01T10:00:00.000Z');

const setup = (allowlistContent?: unknown) => {
	if (allowlistContent !== undefined) fx.writeAllowlist(allowlistContent);
	allowlist = new MountAllowlist({file: fx.allowlistFile, homeDir: fx.userHome});
	approvals = new MountApprovals({store, allowlist, logger, homeDir: fx.userHome, now: () => now, onChange: () => changes++});
};
let logger: ReturnType<typeof createLogger>['logger'];

beforeEach(() => {
	fx = mountFixture();
	db = openDb(path.join(fx.babybotHome, 'store', 'babybot.db'));
	store = new MountRequestStore(db);
	const created = createLogger({logsDir: path.join(fx.babybotHome, 'logs'), level: 'info'});
	logger = created.logger;
	logs = created.store;
	flushLogs = created.flush;
	changes = 0;
});

afterEach(() => {
	approvals?.close();
	db.close();
});

const real = (p: string) => fs.realpathSync(p.startsWith('~/') ? path.join(fx.userHome, p.slice(2)) : p);
const main = (extraMounts: Array<{hostPath: string; containerPath?: string; readonly?: boolean}> = []) => ({folder: 'main', isMain: true, extraMounts});
const family = (extraMounts: Array<{hostPath: string; containerPath?: string; readonly?: boolean}> = []) => ({folder: 'family', isMain: false, extraMounts});

describe('MountApprovals.request', () => {
	it('allows a configured mount under a root at once and persists nothing', () => {
		setup(standardAllowlist);
		const outcome = approvals.request({groupFolder: 'main', isMain: true, hostPath: '~/projects/site', source: 'config'});
		expect(outcome).toEqual({status: 'allowed', mount: {name: 'site', hostPath: real('~/projects/site'), containerPath: '/workspace/extra/site', readonly: true}});
		expect(store.all()).toEqual([]);
	});

	it('keeps one pending request for a folder outside the roots, however often it is asked', () => {
		setup(standardAllowlist);
		const first = approvals.request({groupFolder: 'family', isMain: false, hostPath: fx.elsewhere, source: 'config'});
		const again = approvals.request({groupFolder: 'family', isMain: false, hostPath: fx.elsewhere, source: 'config'});
		expect(first).toMatchObject({status: 'pending', reason: expect.stringContaining('not under an allowed root')});
		expect(again).toEqual(first);
		expect(store.pending()).toHaveLength(1);
		expect(store.pending()[0]).toMatchObject({groupFolder: 'family', hostPath: fx.elsewhere, source: 'config', readonly: true, status: 'pending'});
		expect(changes).toBe(1);
	});

	it('refuses what approval cannot fix: an operator mount is not persisted, an agent request is kept (rejected) for the operator to see', () => {
		setup(standardAllowlist);
		expect(approvals.request({groupFolder: 'main', isMain: true, hostPath: '~/.ssh', source: 'config'})).toMatchObject({status: 'rejected', reason: expect.stringContaining('.ssh')});
		expect(store.all()).toEqual([]);
		const asked = approvals.request({groupFolder: 'main', isMain: true, hostPath: '~/nope', source: 'ipc'});
		expect(asked).toMatchObject({status: 'rejected', id: expect.any(Number)});
		expect(approvals.request({groupFolder: 'main', isMain: true, hostPath: '~/nope', source: 'ipc'})).toEqual(asked);
		expect(store.all()).toEqual([expect.objectContaining({status: 'rejected', decidedBy: 'host', hostPath: '~/nope', realPath: null, reason: expect.stringContaining('does not exist')})]);
	});

	it('an agent request under a root waits for the operator unless the root is marked autoApprove', () => {
		setup(standardAllowlist);
		expect(approvals.request({groupFolder: 'family', isMain: false, hostPath: '~/projects/site', source: 'ipc'})).toMatchObject({
			status: 'pending',
			reason: expect.stringContaining('not marked autoApprove'),
		});
		expect(store.pending()[0]).toMatchObject({hostPath: '~/projects/site', realPath: real('~/projects/site')});
	});

	it('remembers an allowed agent request (an autoApprove root) so later runs mount it', () => {
		setup({...standardAllowlist, allowedRoots: [{path: '~/projects', autoApprove: true}]});
		const outcome = approvals.request({groupFolder: 'family', isMain: false, hostPath: '~/projects/site', containerPath: 'web', source: 'ipc'});
		approvals.request({groupFolder: 'family', isMain: false, hostPath: '~/projects/site', containerPath: 'web', source: 'ipc'});
		expect(outcome).toMatchObject({status: 'allowed', mount: {name: 'web'}});
		expect(store.all()).toEqual([expect.objectContaining({status: 'approved', decidedBy: 'allowlist', source: 'ipc', realPath: real('~/projects/site')})]);
		expect(approvals.resolveGroupMounts(family())).toEqual([{name: 'web', hostPath: real('~/projects/site'), readonly: true}]);
		expect(approvals.resolveGroupMounts(main())).toEqual([]);
	});

	it('lets at most five requests of a group wait at once', () => {
		setup(standardAllowlist);
		for (let i = 0; i < 5; i++) {
			fs.mkdirSync(path.join(fx.elsewhere, `d${i}`));
			expect(approvals.request({groupFolder: 'family', isMain: false, hostPath: path.join(fx.elsewhere, `d${i}`), source: 'ipc'})).toMatchObject({status: 'pending'});
		}
		expect(approvals.request({groupFolder: 'family', isMain: false, hostPath: fx.elsewhere, source: 'ipc'})).toMatchObject({status: 'rejected', reason: expect.stringContaining('too many')});
		expect(approvals.request({groupFolder: 'work', isMain: false, hostPath: fx.elsewhere, source: 'ipc'})).toMatchObject({status: 'pending'});
		expect(store.pendingCount('family')).toBe(5);
	});

	it('waits as pending when the allowlist is missing or malformed', () => {
		setup();
		expect(approvals.request({groupFolder: 'main', isMain: true, hostPath: '~/projects/site', source: 'ipc'})).toMatchObject({
			status: 'pending',
			reason: expect.stringContaining('babybot-tui mounts allow'),
		});
		fx.writeAllowlist('{"allowedRoots": 3}');
		allowlist.reload();
		expect(approvals.request({groupFolder: 'main', isMain: true, hostPath: '~/projects/site', source: 'ipc'})).toMatchObject({
			status: 'pending',
			reason: expect.stringContaining('allowedRoots'),
		});
		expect(store.pending()).toHaveLength(1);
		expect(store.pending()[0].reason).toContain('allowedRoots');
	});
});

describe('MountApprovals decisions', () => {
	it('approval adds the folder itself to the allowlist, logs who and when, and the next run mounts it', () => {
		setup(standardAllowlist);
		const pending = approvals.request({groupFolder: 'main', isMain: true, hostPath: fx.elsewhere, readonly: false, source: 'config'});
		if (pending.status !== 'pending') throw new Error('expected pending');
		const decided = approvals.approve(pending.id, 'rw', 'operator');
		expect(decided).toMatchObject({status: 'approved', decidedBy: 'operator', decidedAt: now.toISOString()});
		const saved = JSON.parse(fs.readFileSync(fx.allowlistFile, 'utf8'));
		expect(saved.allowedRoots.at(-1)).toEqual({path: real(fx.elsewhere), allowReadWrite: true, description: 'approved for main by operator', groups: ['main']});
		expect(saved.blockedPatterns).toEqual(['password', 'token']);
		expect(approvals.resolveGroupMounts(main([{hostPath: fx.elsewhere, readonly: false}]))).toEqual([{name: 'elsewhere', hostPath: real(fx.elsewhere), readonly: false}]);
		// For that group only: another group's same mount still waits.
		expect(approvals.resolveGroupMounts(family([{hostPath: fx.elsewhere, readonly: false}]))).toEqual([]);
		flushLogs();
		const line = logs.all().find((l) => l.msg === 'mount approved');
		expect(line?.fields).toContain('by=operator');
		expect(line?.fields).toContain(`at=${now.toISOString()}`);
		expect(line?.fields).toContain('mode=rw');
		expect(() => approvals.approve(pending.id, 'ro', 'operator')).toThrow(/already approved by operator/);
	});

	it('an approved agent request is mounted read-only when approved ro, and dropped once the root is revoked', () => {
		setup(standardAllowlist);
		const pending = approvals.request({groupFolder: 'main', isMain: true, hostPath: fx.elsewhere, containerPath: 'shared', readonly: false, source: 'ipc'});
		if (pending.status !== 'pending') throw new Error('expected pending');
		approvals.approve(pending.id, 'ro', 'tui');
		expect(approvals.resolveGroupMounts(main())).toEqual([{name: 'shared', hostPath: real(fx.elsewhere), readonly: true}]);
		allowlist.removeAllowedRoot(fx.elsewhere);
		expect(approvals.resolveGroupMounts(main())).toEqual([]);
	});

	it('rejection is final for a configured mount; an agent may ask again', () => {
		setup(standardAllowlist);
		const config = approvals.request({groupFolder: 'family', isMain: false, hostPath: fx.elsewhere, source: 'config'});
		if (config.status !== 'pending') throw new Error('expected pending');
		expect(approvals.reject(config.id, 'operator')).toMatchObject({status: 'rejected', decidedBy: 'operator', decidedAt: now.toISOString()});
		expect(approvals.request({groupFolder: 'family', isMain: false, hostPath: fx.elsewhere, source: 'config'})).toMatchObject({
			status: 'rejected',
			reason: expect.stringContaining('rejected'),
		});
		expect(approvals.resolveGroupMounts(family([{hostPath: fx.elsewhere}]))).toEqual([]);
		expect(approvals.request({groupFolder: 'family', isMain: false, hostPath: fx.elsewhere, source: 'ipc'})).toMatchObject({status: 'pending'});
		expect(fs.readFileSync(fx.allowlistFile, 'utf8')).toBe(JSON.stringify(standardAllowlist, null, 2));
		flushLogs();
		expect(logs.all().find((l) => l.msg === 'mount rejected')?.fields).toContain('by=operator');
	});

	it('approval fails without writing when the folder is gone or the allowlist is malformed', () => {
		setup(standardAllowlist);
		const gone = path.join(fx.elsewhere, 'temp');
		fs.mkdirSync(gone);
		const first = approvals.request({groupFolder: 'main', isMain: true, hostPath: gone, source: 'ipc'});
		if (first.status !== 'pending') throw new Error('expected pending');
		fs.rmdirSync(gone);
		expect(() => approvals.approve(first.id, 'ro', 'operator')).toThrow(/now resolves to nothing, not .*temp as shown: reject it/);

		const second = approvals.request({groupFolder: 'main', isMain: true, hostPath: fx.elsewhere, source: 'ipc'});
		if (second.status !== 'pending') throw new Error('expected pending');
		fx.writeAllowlist('{"allowedRoots": [');
		expect(() => approvals.approve(second.id, 'ro', 'operator')).toThrow(/nothing was written/);
		expect(fs.readFileSync(fx.allowlistFile, 'utf8')).toBe('{"allowedRoots": [');
		expect(store.get(second.id)?.status).toBe('pending');
		expect(() => approvals.approve(999, 'ro', 'operator')).toThrow(/no mount request 999/);
	});

	it('approval for all groups serves every group', () => {
		setup(standardAllowlist);
		const pending = approvals.request({groupFolder: 'family', isMain: false, hostPath: fx.elsewhere, source: 'ipc'});
		if (pending.status !== 'pending') throw new Error('expected pending');
		approvals.approve(pending.id, 'ro', 'operator', 'all');
		expect(JSON.parse(fs.readFileSync(fx.allowlistFile, 'utf8')).allowedRoots.at(-1)).toEqual({path: real(fx.elsewhere), allowReadWrite: false, description: 'approved for all groups by operator'});
		expect(approvals.resolveGroupMounts({folder: 'work', isMain: false, extraMounts: [{hostPath: fx.elsewhere}]})).toEqual([{name: 'elsewhere', hostPath: real(fx.elsewhere), readonly: true}]);
	});

	it.each<[string, (link: string) => void, RegExp]>([
		['repointed to another folder', (link) => {
			fs.unlinkSync(link);
			fs.symlinkSync(path.join(fx.elsewhere, 'b'), link);
		}, /now resolves to .*elsewhere\/b, not .*elsewhere\/a as shown: reject it/],
		['replaced by a real folder', (link) => {
			fs.unlinkSync(link);
			fs.mkdirSync(link);
		}, /now resolves to .*swap, not .*elsewhere\/a as shown/],
	])('approval binds to the real path the operator was shown: refused when the asked path is now %s', (_name, swap, error) => {
		setup(standardAllowlist);
		for (const dir of ['a', 'b']) fs.mkdirSync(path.join(fx.elsewhere, dir));
		const link = path.join(fx.userHome, 'swap');
		fs.symlinkSync(path.join(fx.elsewhere, 'a'), link);
		const pending = approvals.request({groupFolder: 'family', isMain: false, hostPath: link, source: 'ipc'});
		if (pending.status !== 'pending') throw new Error('expected pending');
		expect(store.get(pending.id)?.realPath).toBe(real(path.join(fx.elsewhere, 'a')));
		swap(link);
		expect(() => approvals.approve(pending.id, 'ro', 'operator')).toThrow(error);
		expect(fs.readFileSync(fx.allowlistFile, 'utf8')).toBe(JSON.stringify(standardAllowlist, null, 2));
	});

	it('an approved mount is checked again before each run: it is not mounted once its path resolves elsewhere', () => {
		setup({...standardAllowlist, allowedRoots: [...standardAllowlist.allowedRoots, {path: fx.elsewhere}]});
		for (const dir of ['a', 'b']) fs.mkdirSync(path.join(fx.elsewhere, dir));
		const link = path.join(fx.userHome, 'swap');
		fs.symlinkSync(path.join(fx.elsewhere, 'a'), link);
		const pending = approvals.request({groupFolder: 'family', isMain: false, hostPath: link, source: 'ipc'});
		if (pending.status !== 'pending') throw new Error('expected pending');
		approvals.approve(pending.id, 'ro', 'operator');
		expect(approvals.resolveGroupMounts(family())).toEqual([{name: 'swap', hostPath: real(path.join(fx.elsewhere, 'a')), readonly: true}]);
		fs.unlinkSync(link);
		fs.symlinkSync(path.join(fx.elsewhere, 'b'), link);
		expect(approvals.resolveGroupMounts(family())).toEqual([]);
		flushLogs();
		expect(logs.all().some((l) => l.msg === 'approved mount now resolves elsewhere: not mounted')).toBe(true);
	});

	it('approval creates a missing allowlist', () => {
		setup();
		const pending = approvals.request({groupFolder: 'main', isMain: true, hostPath: '~/projects/site', source: 'ipc'});
		if (pending.status !== 'pending') throw new Error('expected pending');
		approvals.approve(pending.id, 'ro', 'operator');
		expect(allowlist.current()).toMatchObject({ok: true, allowlist: {allowedRoots: [{path: real('~/projects/site'), allowReadWrite: false, groups: ['main']}]}});
	});
});

describe('MountApprovals views', () => {
	it('keeps the first of two mounts that want the same name', () => {
		setup(standardAllowlist);
		const mounts = approvals.resolveGroupMounts(main([{hostPath: '~/projects/site', containerPath: 'x'}, {hostPath: '~/rwroot/code', containerPath: 'x'}]));
		expect(mounts).toEqual([{name: 'x', hostPath: real('~/projects/site'), readonly: true}]);
	});

	it('shows the allowlist, every blocked pattern and the requests', () => {
		setup(standardAllowlist);
		approvals.request({groupFolder: 'family', isMain: false, hostPath: fx.elsewhere, source: 'ipc'});
		const view = approvals.view();
		expect(view).toMatchObject({
			allowlistPath: fx.allowlistFile,
			allowlistError: null,
			allowedRoots: standardAllowlist.allowedRoots,
			nonMainReadOnly: true,
			requests: [{groupFolder: 'family', hostPath: fx.elsewhere, status: 'pending', source: 'ipc', readonly: true, containerPath: null}],
		});
		expect(view.blockedPatterns).toEqual(expect.arrayContaining(['.ssh', 'id_rsa', 'password', 'token']));
		fx.writeAllowlist('nope');
		allowlist.reload();
		expect(approvals.view().allowlistError).toContain('not valid JSON');
		expect(changes).toBe(2);
	});
});
