// The IPC watcher: per registered group, its request folders are listed whenever the doorbell
// rings (and after a storm or a long quiet, in case the kernel dropped events), and each file is
// handed to the request handler, one at a time per group, in name order. Groups drain
// independently, main first, so one group's flood never holds up another's requests.
import fsp from 'node:fs/promises';
import type {Logger} from '../logger.js';
import type {RegisteredGroup, ScheduledTask} from '../api/types.js';
import {IpcDoorbell, type WatchDir} from './doorbell.js';
import {agentBounds, IpcRateLimiter} from './ipc-limits.js';
import {ensureGroupIpc, ipcKinds, type GroupIpcDirs, type IpcKind} from './ipc-layout.js';
import type {IpcHandlers, IpcOutcome} from './ipc-types.js';
import {Quarantine} from './quarantine.js';
import {IpcRequestHandler, type RequestFile} from './request-handler.js';

export interface IpcWatcherOptions {
	ipcDir: string;
	/** Host-only folder for copies of refused files. */
	errorsDir: string;
	handlers: IpcHandlers;
	groups(): readonly RegisteredGroup[];
	findTask(taskId: string): Pick<ScheduledTask, 'id' | 'groupFolder'> | undefined;
	logger: Logger;
	/** Every file handled (acked or refused): for the UI, tests and benchmarks. */
	onHandled?(outcome: IpcOutcome): void;
	/** Tells a group's chat (once per flood) that its requests are being refused. */
	onFlood?(folder: string, reason: string): void;
	/** Who writes the request folders (the sandbox user when the host is root). */
	writerUid?: number;
	maxFileBytes?: number;
	pendingFilesPerGroup?: number;
	parseRetryMs?: number;
	/** The backstop listing of every group, in case events were lost without a storm. */
	sweepMs?: number;
	limiter?: IpcRateLimiter;
	now?: () => number;
	watch?: WatchDir;
}

const maxExcessPerPass = 1000;

export interface IpcWatcher {
	start(): Promise<void>;
	/** Watches newly registered groups and forgets removed ones. */
	syncGroups(): void;
	stop(): Promise<void>;
}

interface GroupDrain {
	dirs: GroupIpcDirs;
	dirty: boolean;
	running?: Promise<void>;
}

export function createIpcWatcher(options: IpcWatcherOptions): IpcWatcher {
	const log = options.logger;
	const now = options.now ?? Date.now;
	const drains = new Map<string, GroupDrain>();
	const timers = new Set<NodeJS.Timeout>();
	/** Folders with a listing already asked for later (one timer per folder, however many files wait). */
	const rescans = new Set<string>();
	const pendingBound = options.pendingFilesPerGroup ?? agentBounds.pendingFilesPerGroup;
	let stopped = true;
	let sweep: NodeJS.Timeout | undefined;

	const handler = new IpcRequestHandler({
		handlers: options.handlers,
		groups: options.groups,
		findTask: options.findTask,
		logger: log,
		quarantine: new Quarantine(options.errorsDir),
		limiter: options.limiter ?? new IpcRateLimiter(),
		maxFileBytes: options.maxFileBytes ?? agentBounds.requestFileBytes,
		parseRetryMs: options.parseRetryMs ?? 250,
		now,
		rescanLater: (folder, ms) => {
			if (rescans.has(folder)) return;
			rescans.add(folder);
			later(() => {
				rescans.delete(folder);
				ring(folder);
			}, ms);
		},
		onFlood: (folder, reason) => options.onFlood?.(folder, reason),
		onHandled: options.onHandled,
	});
	const doorbell = new IpcDoorbell({
		onRing: (folder) => ring(folder),
		onStorm: () => ringAll(),
		onError: (folder, dir, error) => log.error({folder, dir, err: error.message}, 'IPC folder cannot be watched: its requests wait for the next sweep'),
		watch: options.watch,
	});

	function later(fn: () => void, ms: number): void {
		const timer = setTimeout(() => {
			timers.delete(timer);
			fn();
		}, ms);
		timers.add(timer);
	}

	function ring(folder: string): void {
		const drain = drains.get(folder);
		if (!drain || stopped) return;
		drain.dirty = true;
		drain.running ??= run(folder, drain).finally(() => (drain.running = undefined));
	}

	/** Every group, main first. */
	function ringAll(): void {
		const groups = options.groups();
		const order = [...groups.filter((g) => g.isMain), ...groups.filter((g) => !g.isMain)].map((g) => g.folder);
		for (const folder of order) ring(folder);
	}

	async function run(folder: string, drain: GroupDrain): Promise<void> {
		while (drain.dirty && !stopped) {
			drain.dirty = false;
			try {
				const {files, excess} = await listPending(folder, drain.dirs);
				// A long excess is refused a slice at a time, listing again for the rest.
				if (excess.length >= maxExcessPerPass) drain.dirty = true;
				if (excess.length > 0) log.warn({folder, refused: excess.length, bound: pendingBound}, 'IPC flood: too many request files wait; these were refused unread');
				for (const file of excess) {
					if (stopped) return;
					await handler.refuseUnread(file, `too many request files wait (more than ${pendingBound}): this one was refused unread; wait for answers before sending more`);
				}
				for (const file of files) {
					if (stopped) return;
					await handler.handle(file);
				}
			} catch (error) {
				log.error({folder, err: (error as Error).message}, 'IPC folder could not be handled: repairing it');
				try {
					drain.dirs = ensureGroupIpc(options.ipcDir, folder, {writerUid: options.writerUid});
					doorbell.unwatchGroup(folder);
					doorbell.watchGroup(folder, ipcKinds.map((kind) => drain.dirs[kind]));
				} catch {
					return;
				}
			}
		}
	}

	/** Up to the bound, in name order; the rest (in listing order) are refused unread. Temp files are left. */
	async function listPending(folder: string, dirs: GroupIpcDirs): Promise<{files: RequestFile[]; excess: RequestFile[]}> {
		const files: RequestFile[] = [];
		const excess: RequestFile[] = [];
		for (const kind of ipcKinds) {
			const listing = await fsp.opendir(dirs[kind], {bufferSize: 64});
			for await (const entry of listing) {
				if (entry.name.startsWith('.')) continue;
				const file = {folder, kind: kind as IpcKind, name: entry.name, dirs};
				if (files.length < pendingBound) files.push(file);
				else if (excess.length < maxExcessPerPass) excess.push(file);
				else break;
			}
		}
		files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
		return {files, excess};
	}

	function syncGroups(): void {
		const registered = new Set(options.groups().map((group) => group.folder));
		for (const folder of doorbell.folders) {
			if (registered.has(folder)) continue;
			doorbell.unwatchGroup(folder);
			drains.delete(folder);
		}
		for (const folder of registered) {
			if (drains.has(folder)) continue;
			try {
				const dirs = ensureGroupIpc(options.ipcDir, folder, {writerUid: options.writerUid});
				drains.set(folder, {dirs, dirty: false});
				doorbell.watchGroup(folder, ipcKinds.map((kind) => dirs[kind]));
			} catch (error) {
				log.error({folder, err: (error as Error).message}, 'IPC folders of the group cannot be prepared');
				continue;
			}
			ring(folder);
		}
	}

	return {
		async start() {
			if (!stopped) return;
			stopped = false;
			await fsp.mkdir(options.errorsDir, {recursive: true, mode: 0o700});
			syncGroups();
			ringAll();
			// Resolves once the files left from before are handled.
			await Promise.allSettled([...drains.values()].map((drain) => drain.running));
			sweep = setInterval(ringAll, options.sweepMs ?? 30_000);
			sweep.unref();
		},
		syncGroups,
		async stop() {
			stopped = true;
			clearInterval(sweep);
			for (const timer of timers) clearTimeout(timer);
			timers.clear();
			rescans.clear();
			doorbell.close();
			await Promise.allSettled([...drains.values()].map((drain) => drain.running));
			drains.clear();
		},
	};
}
