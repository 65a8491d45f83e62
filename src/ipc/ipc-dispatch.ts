// An authorized request → the host handler that carries it out.
import type {RegisteredGroup} from '../api/types.js';
import {resolveTaskTarget} from './authorize.js';
import type {IpcHandlers, IpcSource} from './ipc-types.js';
import type {IpcRequest} from './schemas.js';

export async function dispatchIpcRequest(request: IpcRequest, source: IpcSource, groups: readonly RegisteredGroup[], handlers: IpcHandlers): Promise<unknown> {
	switch (request.type) {
		case 'message':
			return handlers.sendMessage(request.chatJid, request.text, source);
		case 'schedule_task': {
			const target = resolveTaskTarget(source.folder, source.isMain, request.targetJid, groups);
			if (!target.ok) throw new Error(target.reason);
			return handlers.scheduleTask(
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
			return handlers.manageTask({action: 'pause', taskId: request.taskId}, source);
		case 'resume_task':
			return handlers.manageTask({action: 'resume', taskId: request.taskId}, source);
		case 'cancel_task':
			return handlers.manageTask({action: 'cancel', taskId: request.taskId}, source);
		case 'update_task':
			return handlers.manageTask(
				{action: 'update', taskId: request.taskId, changes: {prompt: request.prompt, scheduleType: request.schedule_type, scheduleValue: request.schedule_value, misfire: request.misfire}},
				source,
			);
		case 'register_group':
			return handlers.registerGroup(
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
			return handlers.refreshGroups(source);
		case 'list_tasks':
			return handlers.listTasks(source);
		case 'request_mount':
			return handlers.requestMount({hostPath: request.hostPath, containerPath: request.containerPath, readonly: request.readonly}, source);
	}
}
