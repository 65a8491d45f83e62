// A headless slice of the host around the IPC watcher: real SQLite, real files, real fs.watch,
// the real scheduler (on a fake clock) and outbox, and a plain-object channel.
import fs from 'node:fs';
import path from 'node:path';
import type {Channel} from '../../src/channels/channel.js';
import type {WatchDir} from '../../src/ipc/doorbell.js';
import {ensureGroupIpc} from '../../src/ipc/ipc-layout.js';
import {IpcRateLimiter} from '../../src/ipc/ipc-limits.js';
import type {GroupRegistration, IpcHandlers, IpcOutcome} from '../../src/ipc/ipc-types.js';
import {createIpcWatcher} from '../../src/ipc/ipc-watcher.js';
import {silentLogger} from '../../src/logger.js';
import {Outbox} from '../../src/outbox.js';
import {homePaths} from '../../src/paths.js';
import {TaskScheduler} from '../../src/scheduler/task-scheduler.js';
import {openDb} from '../../src/store/db.js';
import {GroupStore} from '../../src/store/groups.js';
import {OutboxStore} from '../../src/store/outbox-store.js';
import {TaskStore} from '../../src/store/tasks.js';
import type {RegisteredGroup, ScheduledTask} from '../../src/api/types.js';
import {FakeClock} from '../scheduler/fake-clock.js';

export const groupRow = (folder: string, jid: string, isMain = false): RegisteredGroup => ({
	jid,
	name: folder,
	folder,
	trigger: '@Baby',
	requiresTrigger: !isMain,
	isMain,
	addedAt: '2025-01-01T00:00:00.000Z',
	extraMounts: [],
	network: false,
});

/** A channel owning `prefix*` jids that records what it sent. */
export function recordingChannel(name: string, prefix: string, connected = true) {
	const sent: Array<{jid: string; text: string}> = [];
	const channel: Channel & {connected: boolean; failNext: string | null} = {
		name,
		connected,
		failNext: null,
		async connect() {
			channel.connected = true;
		},
		async disconnect() {
			channel.connected = false;
		},
		isConnected: () => channel.connected,
		ownsJid: (jid) => jid.startsWith(prefix),
		async sendMessage(jid, text) {
			if (channel.failNext) {
				const message = channel.failNext;
				channel.failNext = null;
				throw new Error(message);
			}
			sent.push({jid, text});
		},
	};
	return {channel, sent};
}

export function makeIpcHost(home: string) {
	const paths = homePaths(home);
	const db = openDb(paths.dbFile);
	const groups = new GroupStore(db);
	groups.add(groupRow('main', 'local:main', true));
	groups.add(groupRow('family', 'wa:family@g.us'));
	groups.add(groupRow('work', 'wa:work@g.us'));
	for (const group of groups.all()) ensureGroupIpc(paths.ipcDir, group.folder);
	const clock = new FakeClock(Date.parse('2025-01-01T10:00:00.000Z'));
	const tasks = new TaskStore(db);
	const scheduler = new TaskScheduler({store: tasks, timezone: 'UTC', clock, enqueueTask: async () => ({ok: true})});
	const local = recordingChannel('local', 'local:');
	const whatsapp = recordingChannel('whatsapp', 'wa:', false);
	const outbox = new Outbox({store: new OutboxStore(db), channels: () => [local.channel, whatsapp.channel]});
	const registered: GroupRegistration[] = [];
	const mountRequests: unknown[] = [];
	const outcomes: IpcOutcome[] = [];
	const floods: Array<{folder: string; reason: string}> = [];
	const waiters: Array<{count: number; resolve: () => void}> = [];
	// The host's real handlers live in src/host/ipc-handlers.ts; these do the same with fewer parts.
	const handlers: IpcHandlers = {
		async sendMessage(chatJid, text) {
			const sent = await outbox.enqueue(chatJid, text);
			return sent.status === 'sent' ? 'sent' : `queued (${sent.reason}): it will be sent when the chat's channel is connected`;
		},
		scheduleTask(input) {
			const created = scheduler.create(input);
			return `scheduled ${created.id}; first run ${created.nextRun}`;
		},
		manageTask(request) {
			if (request.action === 'update') scheduler.update(request.taskId, request.changes);
			else if (request.action === 'pause') scheduler.pause(request.taskId);
			else if (request.action === 'resume') scheduler.resume(request.taskId);
			else scheduler.cancel(request.taskId);
			return `${request.action === 'cancel' ? 'cancelled' : `${request.action}d`} ${request.taskId}`;
		},
		registerGroup: (group) => {
			registered.push(group);
			groups.add({...groupRow(group.folder, group.jid), name: group.name});
			return `registered ${group.folder}`;
		},
		refreshGroups: () => 'refreshed',
		listTasks: (source) => describeTasks(scheduler.list(source.isMain ? undefined : source.folder)),
		requestMount: (mount, source) => {
			mountRequests.push({...mount, folder: source.folder});
			return 'requested; the operator will approve or reject it';
		},
	};
	const makeWatcher = (options: {pendingFilesPerGroup?: number; limiter?: IpcRateLimiter; watch?: WatchDir} = {}) =>
		createIpcWatcher({
			ipcDir: paths.ipcDir,
			errorsDir: paths.ipcErrorsDir,
			handlers,
			onFlood: (folder, reason) => floods.push({folder, reason}),
			...options,
			groups: () => groups.all(),
			findTask: (id) => tasks.get(id),
			logger: silentLogger(),
			parseRetryMs: 20,
			onHandled: (outcome) => {
				outcomes.push(outcome);
				for (const waiter of waiters.splice(0)) {
					if (outcomes.length >= waiter.count) waiter.resolve();
					else waiters.push(waiter);
				}
			},
		});

	/** Writes a request the way the agent does: temp file, then rename. */
	const drop = (folder: string, kind: string, name: string, data: unknown) => {
		const dir = path.join(paths.ipcDir, folder, kind);
		fs.mkdirSync(dir, {recursive: true});
		const text = typeof data === 'string' ? data : JSON.stringify(data);
		fs.writeFileSync(path.join(dir, `.tmp-${name}`), text);
		fs.renameSync(path.join(dir, `.tmp-${name}`), path.join(dir, name));
		return path.join(dir, name);
	};
	const ack = (folder: string, name: string) => {
		const file = path.join(paths.ipcDir, folder, 'acks', name);
		return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as {ok: boolean; result?: unknown; error?: string}) : undefined;
	};
	/** Resolves once `count` files in total have been handled. */
	const handled = (count: number) =>
		new Promise<void>((resolve) => {
			if (outcomes.length >= count) resolve();
			else waiters.push({count, resolve});
		});

	/** The copies of refused files of a folder (ipc/errors/<folder>/), each with its reason. */
	const quarantined = (folder: string) => {
		const dir = path.join(paths.ipcErrorsDir, folder);
		if (!fs.existsSync(dir)) return [];
		return fs
			.readdirSync(dir)
			.filter((name) => !name.endsWith('.reason.txt'))
			.sort()
			.map((name) => ({
				name: name.replace(/^\d{8}T\d{9}Z-[0-9a-f]{6}-/, ''),
				content: fs.readFileSync(path.join(dir, name), 'utf8'),
				reason: fs.readFileSync(path.join(dir, `${name}.reason.txt`), 'utf8'),
			}));
	};

	return {paths, db, groups, tasks, scheduler, clock, local, whatsapp, outbox, registered, mountRequests, outcomes, floods, makeWatcher, drop, ack, handled, quarantined};
}

function describeTasks(tasks: readonly ScheduledTask[]): string {
	return tasks.map((task) => `${task.id} [${task.status}] ${task.scheduleType} "${task.scheduleValue}" group=${task.groupFolder}: ${task.prompt}`).join('\n');
}
