// Who may do what over IPC. Pure: the sender is the directory the file was found in, never a JSON field.
import type {RegisteredGroup, ScheduledTask} from '../api/types.js';
import {folderProblem} from '../paths.js';
import type {IpcRequest} from './schemas.js';

export type IpcVerdict = {ok: true} | {ok: false; reason: string};

export interface AuthorizeIpcInput {
	/** The `<folder>` of `ipc/<folder>/…` the file was found in. */
	sourceFolder: string;
	/** Whether that folder is the main group's (from the store, never from the request). */
	isMain: boolean;
	request: IpcRequest;
	groups: readonly RegisteredGroup[];
	/** The task a pause/resume/cancel/update request names, looked up by the caller (undefined: none). */
	task?: Pick<ScheduledTask, 'id' | 'groupFolder'>;
}

const deny = (reason: string): IpcVerdict => ({ok: false, reason});
const allow: IpcVerdict = {ok: true};

/** The group a task is for: the `targetJid` group when given, else the sender; a reason when refused. */
export function resolveTaskTarget(
	sourceFolder: string,
	isMain: boolean,
	targetJid: string | undefined,
	groups: readonly RegisteredGroup[],
): {ok: true; group: RegisteredGroup} | {ok: false; reason: string} {
	const source = groups.find((group) => group.folder === sourceFolder);
	if (!source) return {ok: false, reason: `group "${sourceFolder}" is not registered`};
	if (targetJid === undefined) return {ok: true, group: source};
	const target = groups.find((group) => group.jid === targetJid);
	if (!target) return {ok: false, reason: `chat ${targetJid} is not a registered group: register it first`};
	if (!isMain && target.folder !== sourceFolder) {
		return {ok: false, reason: `only the main group may schedule tasks for another group (${target.folder})`};
	}
	return {ok: true, group: target};
}

export function authorizeIpcRequest(input: AuthorizeIpcInput): IpcVerdict {
	const {sourceFolder, isMain, request, groups} = input;
	const badFolder = folderProblem(sourceFolder);
	if (badFolder) return deny(`the IPC directory is not a valid group: ${badFolder}`);
	const source = groups.find((group) => group.folder === sourceFolder);
	if (!source) return deny(`group "${sourceFolder}" is not registered: its requests are refused`);
	if (isMain && !source.isMain) return deny(`group "${sourceFolder}" is not the main group`);

	switch (request.type) {
		case 'message': {
			if (isMain) return allow;
			const ownChats = [...groups.filter((group) => group.folder === sourceFolder).map((group) => group.jid), `local:${sourceFolder}`];
			return ownChats.includes(request.chatJid) ? allow : deny(`this group may only message its own chat, not ${request.chatJid}`);
		}
		case 'schedule_task': {
			const target = resolveTaskTarget(sourceFolder, isMain, request.targetJid, groups);
			return target.ok ? allow : deny(target.reason);
		}
		case 'pause_task':
		case 'resume_task':
		case 'cancel_task':
		case 'update_task': {
			const task = input.task;
			if (!task || task.id !== request.taskId) return deny(`no task ${request.taskId}: list the tasks to see their ids`);
			if (isMain || task.groupFolder === sourceFolder) return allow;
			// Same answer as a missing task, so other groups' task ids cannot be probed.
			return deny(`no task ${request.taskId}: list the tasks to see their ids`);
		}
		case 'register_group':
			return isMain ? allow : deny('only the main group may register groups');
		case 'refresh_groups':
			return isMain ? allow : deny('only the main group may refresh groups');
		case 'list_tasks':
		case 'request_mount':
			return allow;
		default: {
			const unknown: never = request;
			return deny(`unknown request type ${(unknown as {type: string}).type}`);
		}
	}
}
