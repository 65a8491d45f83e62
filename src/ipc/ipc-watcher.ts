// Watches ipc/<folder>/{messages,tasks,requests}/ (chokidar, no polling loop) and answers every file
// with an ack: parse → validate → authorize by directory → handler. It never throws on a file.
import fsp from 'node:fs/promises';
import path from 'node:path';
import {watch, type FSWatcher} from 'chokidar';
import type {Logger} from '../logger.js';
import type {NewTaskInput, TaskUpdate} from '../scheduler/task-scheduler.js';
import type {RegisteredGroup, ScheduledTask} from '../types.js';
import {authorizeIpcRequest, resolveTaskTarget} from './authorize.js';
import {isIpcKind, moveToErrors, readRequestFile, writeAck, type IpcAck} from './ipc-files.js';
import {folderProblem} from '../paths.js';
import {parseIpcRequest, type IpcRequest} from './schemas.js';

export {ensureGroupIpcDirs} from './ipc-files.js';

/** Who sent a request: from the directory, never from the JSON. */
export interface IpcSource {
	folder: string;
	isMain: boolean;
}

export type TaskAction =
	| {action: 'pause' | 'resume' | 'cancel'; taskId: string}
	| {action: 'update'; taskId: string; changes: TaskUpdate};

export interface GroupRegistration {
	jid: string;
	name: string;
	folder: string;
	trigger?: string;
	requiresTrigger?: boolean;
	extraMounts?: MountRequestInput[];
}

export interface MountRequestInput {
	hostPath: string;
	containerPath?: string;
	readonly?: boolean;
}

/** What the host does for an authorized request. The return value becomes the ack's `result`; a throw, `ok: false`. */
export interface IpcHandlers {
	sendMessage(chatJid: string, text: string, source: IpcSource): unknown;
	scheduleTask(task: NewTaskInput, source: IpcSource): unknown;
	manageTask(action: TaskAction, source: IpcSource): unknown;
	registerGroup(group: GroupRegistration, source: IpcSource): unknown;
	refreshGroups(source: IpcSource): unknown;
	listTasks(source: IpcSource): unknown;
	requestMount(mount: MountRequestInput, source: IpcSource): unknown;
}

export interface IpcOutcome {
	folder: string;
	kind: string;
	name: string;
	type?: string;
	ok: boolean;
	error?: string;
	/** Where a refused file went (ipc/errors/…). */
	movedTo?: string;
}

export interface IpcWatcherOptions {
	ipcDir: string;
	handlers: IpcHandlers;
	groups(): readonly RegisteredGroup[];
	findTask(taskId: string): Pick<ScheduledTask, 'id' | 'groupFolder'> | undefined;
	logger: Logger;
	/** Every file handled (acked or moved): for the UI, tests and benchmarks. */
	onHandled?(outcome: IpcOutcome): void;
	maxFileBytes?: number;
	/** A file that is not valid JSON is read once more after this delay (a writer that did not rename). */
	parseRetryMs?: number;
}

export interface IpcWatcher {
	start(): Promise<void>;
	stop(): Promise<void>;
}

const defaultMaxFileBytes = 1024 * 1024;
const defaultParseRetryMs = 250;

export function createIpcWatcher(options: IpcWatcherOptions): IpcWatcher {
	const ipcDir = path.resolve(options.ipcDir);
	const errorsDir = path.join(ipcDir, 'errors');
	const log = options.logger;
	const inFlight = new Set<string>();
	const chains = new Map<string, Promise<void>>();
	const retryTimers = new Set<NodeJS.Timeout>();
	let watcher: FSWatcher | null = null;
	let stopped = false;

	const partsOf = (file: string) => path.relative(ipcDir, file).split(path.sep);

	const ignored = (file: string): boolean => {
		const parts = partsOf(path.resolve(file));
		if (parts[0] === '' || parts[0]!.startsWith('..')) return false;
		if (parts[0] === 'errors' || parts.length > 3) return true;
		if (parts[1] === 'acks') return true; // the host's own answers
		return parts.at(-1)!.startsWith('.'); // .tmp-* files being written
	};

	async function ackSafely(folder: string, name: string, ack: IpcAck): Promise<void> {
		try {
			await writeAck(path.join(ipcDir, folder), name, ack);
		} catch (error) {
			log.error({folder, name, err: error}, 'IPC ack could not be written');
		}
	}

	async function refuse(file: string, folder: string, kind: string, name: string, reason: string, type?: string): Promise<void> {
		const movedTo = await moveToErrors(errorsDir, file, folder, reason);
		if (movedTo === null) return; // handled by someone else meanwhile
		log.warn({folder, file: `${kind}/${name}`, type, reason}, 'IPC request refused');
		if (!folderProblem(folder)) await ackSafely(folder, name, {ok: false, error: reason});
		options.onHandled?.({folder, kind, name, type, ok: false, error: reason, movedTo});
	}

	async function decode(file: string, lastTry: boolean): Promise<{request: IpcRequest} | {reason: string} | 'retry' | null> {
		const read = await readRequestFile(file, options.maxFileBytes ?? defaultMaxFileBytes);
		if (!read.ok) return read.gone ? null : {reason: read.reason};
		let data: unknown;
		try {
			data = JSON.parse(read.text);
		} catch (error) {
			if (!lastTry) return 'retry';
			return {reason: `not valid JSON (${(error as Error).message}): write one JSON object with a "type" field`};
		}
		const parsed = parseIpcRequest(data);
		return parsed.ok ? {request: parsed.request} : {reason: parsed.reason};
	}

	async function dispatch(request: IpcRequest, source: IpcSource, groups: readonly RegisteredGroup[]): Promise<unknown> {
		const h = options.handlers;
		switch (request.type) {
			case 'message':
				return h.sendMessage(request.chatJid, request.text, source);
			case 'schedule_task': {
				const target = resolveTaskTarget(source.folder, source.isMain, request.targetJid, groups);
				if (!target.ok) throw new Error(target.reason);
				return h.scheduleTask(
					{
						groupFolder: target.group.folder,
						chatJid: target.group.jid,
						prompt: request.prompt,
						scheduleType: request.schedule_type,
						scheduleValue: request.schedule_value,
						contextMode: request.context_mode,
						misfire: request.misfire,
					},
					source,
				);
			}
			case 'pause_task':
				return h.manageTask({action: 'pause', taskId: request.taskId}, source);
			case 'resume_task':
				return h.manageTask({action: 'resume', taskId: request.taskId}, source);
			case 'cancel_task':
				return h.manageTask({action: 'cancel', taskId: request.taskId}, source);
			case 'update_task':
				return h.manageTask(
					{
						action: 'update',
						taskId: request.taskId,
						changes: {prompt: request.prompt, scheduleType: request.schedule_type, scheduleValue: request.schedule_value, misfire: request.misfire},
					},
					source,
				);
			case 'register_group':
				return h.registerGroup(
					{
						jid: request.jid,
						name: request.name,
						folder: request.folder,
						trigger: request.trigger,
						requiresTrigger: request.requiresTrigger,
						extraMounts: request.containerConfig?.additionalMounts,
					},
					source,
				);
			case 'refresh_groups':
				return h.refreshGroups(source);
			case 'list_tasks':
				return h.listTasks(source);
			case 'request_mount':
				return h.requestMount({hostPath: request.hostPath, containerPath: request.containerPath, readonly: request.readonly}, source);
		}
	}

	async function handle(file: string, lastTry: boolean): Promise<void> {
		const parts = partsOf(file);
		if (parts.length < 2 || parts[0] === 'errors') return;
		const folder = parts[0]!;
		const name = parts.at(-1)!;
		const kind = parts.length === 3 ? parts[1]! : '';
		if (name.startsWith('.')) return;
		if (!isIpcKind(kind)) return refuse(file, folder, kind || '.', name, 'not in messages/, tasks/ or requests/: write requests into one of those folders');

		const badFolder = folderProblem(folder);
		if (badFolder) return refuse(file, folder, kind, name, `the IPC directory is not a valid group: ${badFolder}`);
		if (!name.endsWith('.json')) return refuse(file, folder, kind, name, 'not a .json file: write <name>.json (temp file first, then rename)');

		const decoded = await decode(file, lastTry);
		if (decoded === null) return;
		// Maybe a writer that did not rename and is not done: read it once more later, without
		// holding up the folder's other files.
		if (decoded === 'retry') {
			const timer = setTimeout(() => {
				retryTimers.delete(timer);
				schedule(file, true);
			}, options.parseRetryMs ?? defaultParseRetryMs);
			retryTimers.add(timer);
			return;
		}
		if ('reason' in decoded) return refuse(file, folder, kind, name, decoded.reason);
		const {request} = decoded;

		const groups = options.groups();
		const isMain = groups.some((group) => group.folder === folder && group.isMain);
		const task = 'taskId' in request ? options.findTask(request.taskId) : undefined;
		const verdict = authorizeIpcRequest({sourceFolder: folder, isMain, request, groups, task});
		if (!verdict.ok) return refuse(file, folder, kind, name, `denied: ${verdict.reason}`, request.type);

		// Claimed before acting: a crash mid-action never repeats a side effect (the agent's wait times out instead).
		try {
			await fsp.unlink(file);
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
			throw error;
		}
		let ack: IpcAck;
		try {
			const result = await dispatch(request, {folder, isMain}, groups);
			ack = result === undefined ? {ok: true} : {ok: true, result};
		} catch (error) {
			ack = {ok: false, error: error instanceof Error ? error.message : String(error)};
		}
		if (ack.ok) log.info({folder, type: request.type}, 'IPC request handled');
		else log.warn({folder, type: request.type, reason: ack.error}, 'IPC request failed');
		await ackSafely(folder, name, ack);
		options.onHandled?.({folder, kind, name, type: request.type, ok: ack.ok, error: ack.ok ? undefined : ack.error});
	}

	function schedule(file: string, lastTry = false): void {
		const absolute = path.resolve(file);
		if (stopped || inFlight.has(absolute)) return;
		inFlight.add(absolute);
		// One file at a time per folder, in the order seen, so a group's messages keep their order.
		const folder = partsOf(absolute)[0] ?? '';
		const previous = chains.get(folder) ?? Promise.resolve();
		const next = previous
			.then(() => handle(absolute, lastTry))
			.catch((error: unknown) => log.error({file: absolute, err: error}, 'IPC file could not be handled'))
			.finally(() => {
				inFlight.delete(absolute);
				if (chains.get(folder) === next) chains.delete(folder);
			});
		chains.set(folder, next);
	}

	return {
		async start() {
			if (watcher) return;
			stopped = false;
			await fsp.mkdir(errorsDir, {recursive: true});
			const initial: string[] = [];
			let ready = false;
			const onFile = (file: string) => (ready ? schedule(file) : initial.push(file));
			watcher = watch(ipcDir, {ignoreInitial: false, followSymlinks: false, depth: 2, ignored});
			watcher.on('add', onFile);
			watcher.on('change', onFile);
			watcher.on('error', (error) => log.error({err: error}, 'IPC watcher error'));
			await new Promise<void>((resolve) => watcher!.once('ready', () => resolve()));
			ready = true;
			// Files left from before a restart: oldest name first (agents name files by time).
			for (const file of initial.sort()) schedule(file);
		},
		async stop() {
			stopped = true;
			for (const timer of retryTimers) clearTimeout(timer);
			retryTimers.clear();
			const closing = watcher?.close();
			watcher = null;
			await closing;
			await Promise.allSettled([...chains.values()]);
		},
	};
}
