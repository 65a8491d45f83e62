// What the IPC service hands the host for each authorized request, and what it reports back.
import type {NewTaskInput, TaskUpdate} from '../scheduler/task-scheduler.js';
import type {ExtraMountSpec} from '../api/types.js';

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
	extraMounts?: ExtraMountSpec[];
}

/** What the host does for an authorized request. The return value becomes the ack's `result`; a throw, `ok: false`. */
export interface IpcHandlers {
	sendMessage(chatJid: string, text: string, source: IpcSource): unknown;
	scheduleTask(task: NewTaskInput, source: IpcSource): unknown;
	manageTask(action: TaskAction, source: IpcSource): unknown;
	registerGroup(group: GroupRegistration, source: IpcSource): unknown;
	refreshGroups(source: IpcSource): unknown;
	listTasks(source: IpcSource): unknown;
	requestMount(mount: ExtraMountSpec, source: IpcSource): unknown;
}

export interface IpcOutcome {
	folder: string;
	kind: string;
	name: string;
	type?: string;
	ok: boolean;
	error?: string;
	/** Where the copy of a refused file went (ipc/errors/<folder>/…). */
	quarantined?: string;
}
