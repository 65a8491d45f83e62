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

	it('refuses what approval cannot fix without persisting it', () => {
		setup(standardAllowlist);
		expect(approvals.request({groupFolder: 'main', isMain: true, hostPath: '~/.ssh', source: 'ipc'})).toMatchObject({status: 'rejected', reason: expect.stringContaining('.ssh')});
		expect(approvals.request({groupFolder: 'main', isMain: true, hostPath: '~/nope', source: 'ipc'})).toMatchObject({status: 'rejected'});
		expect(approvals.request({groupFolder: 'main', isMain: true, hostPath: '~/projects/site', containerPath: '--privileged', source: 'ipc'})).toMatchObject({
			status: 'rejected',
		});
		expect(store.all()).toEqual([]);
	});

	it('remembers an allowed agent request so later runs mount it', () => {
		setup(standardAllowlist);
		const outcome = approvals.request({groupFolder: 'family', isMain: false, hostPath: '~/projects/site', containerPath: 'web', source: 'ipc'});
		approvals.request({groupFolder: 'family', isMain: false, hostPath: '~/projects/site', containerPath: 'web', source: 'ipc'});
		expect(outcome).toMatchObject({status: 'allowed', mount: {name: 'web'}});
		expect(store.all()).toEqual([expect.objectContaining({status: 'approved', decidedBy: 'allowlist', source: 'ipc'})]);
		expect(approvals.resolveGroupMounts(family())).toEqual([{name: 'web', hostPath: real('~/projects/site'), readonly: true}]);
		expect(approvals.resolveGroupMounts(main())).toEqual([]);
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
		expect(saved.allowedRoots.at(-1)).toEqual({path: real(fx.elsewhere), allowReadWrite: true, description: 'approved for main by operator'});
		expect(saved.blockedPatterns).toEqual(['password', 'token']);
		expect(approvals.resolveGroupMounts(main([{hostPath: fx.elsewhere, readonly: false}]))).toEqual([{name: 'elsewhere', hostPath: real(fx.elsewhere), readonly: false}]);
		expect(approvals.resolveGroupMounts(family([{hostPath: fx.elsewhere, readonly: false}]))).toEqual([{name: 'elsewhere', hostPath: real(fx.elsewhere), readonly: true}]);
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
		expect(() => approvals.approve(first.id, 'ro', 'operator')).toThrow(/does not exist any more/);

		const second = approvals.request({groupFolder: 'main', isMain: true, hostPath: fx.elsewhere, source: 'ipc'});
		if (second.status !== 'pending') throw new Error('expected pending');
		fx.writeAllowlist('{"allowedRoots": [');
		expect(() => approvals.approve(second.id, 'ro', 'operator')).toThrow(/nothing was written/);
		expect(fs.readFileSync(fx.allowlistFile, 'utf8')).toBe('{"allowedRoots": [');
		expect(store.get(second.id)?.status).toBe('pending');
		expect(() => approvals.approve(999, 'ro', 'operator')).toThrow(/no mount request 999/);
	});

	it('approval creates a missing allowlist', () => {
		setup();
		const pending = approvals.request({groupFolder: 'main', isMain: true, hostPath: '~/projects/site', source: 'ipc'});
		if (pending.status !== 'pending') throw new Error('expected pending');
		approvals.approve(pending.id, 'ro', 'operator');
		expect(allowlist.current()).toMatchObject({ok: true, allowlist: {allowedRoots: [{path: real('~/projects/site'), allowReadWrite: false}]}});
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
