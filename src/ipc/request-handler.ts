// One request file, start to end: read (bounded, no links) → decode → authorize by directory →
// rate limit → claim → dispatch → ack. A refused file gets a quarantine copy and, when its name
// can be answered, an ack with the reason. It never throws for anything an agent can do.
import type {Logger} from '../logger.js';
import type {RegisteredGroup, ScheduledTask} from '../api/types.js';
import {maxAcksPerGroup, pruneAcks, requestNamePattern, writeAck, type IpcAck} from './acks.js';
import {authorizeIpcRequest} from './authorize.js';
import {decodeRequest} from './ipc-decode.js';
import {dispatchIpcRequest} from './ipc-dispatch.js';
import type {GroupIpcDirs, IpcKind} from './ipc-layout.js';
import {IpcRateLimiter} from './ipc-limits.js';
import type {IpcHandlers, IpcOutcome} from './ipc-types.js';
import type {Quarantine} from './quarantine.js';
import {readRequestFile, removeRequestFile} from './request-file.js';

export interface RequestHandlerOptions {
	handlers: IpcHandlers;
	groups(): readonly RegisteredGroup[];
	findTask(taskId: string): Pick<ScheduledTask, 'id' | 'groupFolder'> | undefined;
	logger: Logger;
	quarantine: Quarantine;
	limiter: IpcRateLimiter;
	maxFileBytes: number;
	/** A file that is not valid JSON is read once more after this long (a writer that did not rename). */
	parseRetryMs: number;
	now(): number;
	/** Asks for the group's folders to be listed again after `ms`. */
	rescanLater(folder: string, ms: number): void;
	/** Tells the group's chat once that a flood of its requests is being refused. */
	onFlood(folder: string, reason: string): void;
	onHandled?(outcome: IpcOutcome): void;
}

export interface RequestFile {
	folder: string;
	kind: IpcKind;
	name: string;
	dirs: GroupIpcDirs;
}

export class IpcRequestHandler {
	private readonly firstMalformed = new Map<string, number>();
	private readonly acksSincePrune = new Map<string, number>();
	private readonly refusalLog = new Map<string, {minute: number; count: number}>();

	constructor(private readonly options: RequestHandlerOptions) {}

	async handle(file: RequestFile): Promise<void> {
		const {options} = this;
		const dir = file.dirs[file.kind];
		const read = await readRequestFile(dir, file.name, options.maxFileBytes);
		if (!read.ok) {
			if (read.gone) return;
			if (read.directory) return removeRequestFile(dir, file.name, true);
			return this.refuse(file, read.reason, read.head);
		}
		if (!requestNamePattern.test(file.name)) return this.refuse(file, 'the file name is not answered: name files with letters, digits, . _ - only', read.bytes);
		if (!file.name.endsWith('.json')) return this.refuse(file, 'not a .json file: write <name>.json (temp file first, then rename)', read.bytes);

		const decoded = decodeRequest(read.bytes);
		if (!decoded.ok) {
			if (decoded.malformedJson && this.waitForWriter(file)) return;
			return this.refuse(file, decoded.reason, read.bytes);
		}
		this.firstMalformed.delete(this.keyOf(file));
		const {request} = decoded;
		const groups = options.groups();
		const isMain = groups.some((group) => group.folder === file.folder && group.isMain);
		const task = 'taskId' in request ? options.findTask(request.taskId) : undefined;
		const verdict = authorizeIpcRequest({sourceFolder: file.folder, isMain, request, groups, task});
		if (!verdict.ok) return this.refuse(file, `denied: ${verdict.reason}`, read.bytes, request.type);

		const rate = options.limiter.take(file.folder, request.type, options.now());
		if (!rate.ok) {
			await removeRequestFile(dir, file.name);
			if (rate.firstOfFlood) {
				options.logger.warn({folder: file.folder, type: request.type, reason: rate.reason}, 'IPC flood: requests refused');
				options.onFlood(file.folder, rate.reason);
			}
			return this.answer(file, {ok: false, error: rate.reason}, request.type);
		}

		// Claimed before acting: a crash mid-action never repeats a side effect (the agent's wait times out instead).
		await removeRequestFile(dir, file.name);
		let ack: IpcAck;
		try {
			const result = await dispatchIpcRequest(request, {folder: file.folder, isMain}, groups, options.handlers);
			ack = result === undefined ? {ok: true} : {ok: true, result};
		} catch (error) {
			ack = {ok: false, error: error instanceof Error ? error.message : String(error)};
		}
		if (ack.ok) options.logger.info({folder: file.folder, type: request.type}, 'IPC request handled');
		else options.logger.warn({folder: file.folder, type: request.type, reason: ack.error}, 'IPC request failed');
		await this.answer(file, ack, request.type);
	}

	/** Refuses files beyond the pending bound without reading them. */
	async refuseUnread(file: RequestFile, reason: string): Promise<void> {
		await removeRequestFile(file.dirs[file.kind], file.name);
		await this.answer(file, {ok: false, error: reason});
	}

	/** True when this is the first sight of malformed JSON: the writer may not be done; look again later. */
	private waitForWriter(file: RequestFile): boolean {
		const key = this.keyOf(file);
		const first = this.firstMalformed.get(key);
		const now = this.options.now();
		if (first === undefined) {
			// Under a flood of broken files there is no waiting: refused at once.
			if (this.firstMalformed.size >= 1000) return false;
			this.firstMalformed.set(key, now);
			this.options.rescanLater(file.folder, this.options.parseRetryMs);
			return true;
		}
		if (now - first < this.options.parseRetryMs) return true;
		this.firstMalformed.delete(key);
		return false;
	}

	private async refuse(file: RequestFile, reason: string, content: Buffer | undefined, type?: string): Promise<void> {
		await removeRequestFile(file.dirs[file.kind], file.name);
		const quarantined = await this.options.quarantine
			.add({folder: file.folder, kind: file.kind, name: file.name, reason, content})
			.catch((error: Error) => void this.options.logger.error({folder: file.folder, err: error.message}, 'a refused IPC file could not be kept'));
		this.logRefusal(file, reason, type);
		await this.answer(file, {ok: false, error: reason}, type, quarantined ?? undefined);
	}

	private async answer(file: RequestFile, ack: IpcAck, type?: string, quarantined?: string): Promise<void> {
		if (requestNamePattern.test(file.name)) {
			try {
				await writeAck(file.dirs.acks, file.name, ack);
				const count = (this.acksSincePrune.get(file.folder) ?? 0) + 1;
				this.acksSincePrune.set(file.folder, count % 32);
				if (count >= 32) await pruneAcks(file.dirs.acks, maxAcksPerGroup);
			} catch (error) {
				this.options.logger.error({folder: file.folder, err: (error as Error).message}, 'IPC ack could not be written');
			}
		}
		this.options.onHandled?.({folder: file.folder, kind: file.kind, name: file.name, type, ok: ack.ok, error: ack.ok ? undefined : ack.error, quarantined});
	}

	/** The first 20 refusals of a group each minute are logged one by one, then one line a minute says how many more. */
	private logRefusal(file: RequestFile, reason: string, type?: string): void {
		const minute = Math.floor(this.options.now() / 60_000);
		const entry = this.refusalLog.get(file.folder);
		const state = entry && entry.minute === minute ? entry : {minute, count: 0};
		if (entry && entry.minute !== minute && entry.count > 20) {
			this.options.logger.warn({folder: file.folder, refused: entry.count - 20}, 'IPC requests refused without a log line each (a flood)');
		}
		state.count++;
		this.refusalLog.set(file.folder, state);
		if (state.count <= 20) this.options.logger.warn({folder: file.folder, file: `${file.kind}/${file.name.slice(0, 128)}`, type, reason}, 'IPC request refused');
	}

	private keyOf(file: RequestFile): string {
		return `${file.folder}/${file.kind}/${file.name}`;
	}
}
