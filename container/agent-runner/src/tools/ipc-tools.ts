// Tools whose effect happens on the host: each writes one IPC file and reports the host's ack.
// Identity (group folder, main or not) never goes into the JSON: the host reads it from the directory.
import {describeIpcAnswer, type IpcKind} from '../ipc-client.js';
import type {ParamSpecs} from '../tool-args.js';
import type {Tool, ToolContext} from './tool.js';
import {parseMountSpec, type MountSpec} from '../mount-spec.js';

function ipcTool(spec: {
	name: string;
	description: string;
	params: ParamSpecs;
	kind: IpcKind;
	mainOnly?: boolean;
	okText?: string;
	payload: (args: Record<string, unknown>, context: ToolContext) => Record<string, unknown>;
}): Tool {
	return {
		name: spec.name,
		description: spec.description,
		params: spec.params,
		mainOnly: spec.mainOnly,
		async run(args, context) {
			const answer = await context.ipc.send(spec.kind, spec.payload(args, context));
			return describeIpcAnswer(answer, spec.okText);
		},
	};
}

const taskId = {task_id: {type: 'string', description: 'The task id (from list_tasks)', required: true}} as const;
const misfire = {
	type: 'string',
	description: 'Runs missed while the host was down: once (default), catch-up (each one) or skip',
	enum: ['once', 'catch-up', 'skip'],
} as const;

export const ipcTools: Tool[] = [
	ipcTool({
		name: 'send_message',
		description: 'Send a message to the chat now (default: this chat), e.g. a progress note before a long job.',
		params: {
			text: {type: 'string', description: 'Message text', required: true},
			chat_jid: {type: 'string', description: 'Target chat id (default: this chat)'},
		},
		kind: 'messages',
		payload: (args, context) => ({type: 'message', chatJid: (args.chat_jid as string | undefined) ?? context.start.group.chatJid, text: args.text}),
	}),
	ipcTool({
		name: 'schedule_task',
		description:
			'Schedule a prompt to run later. schedule_type cron ("0 9 * * 1-5", local time), interval (milliseconds, e.g. "3600000") or once (ISO time, e.g. "2025-06-01T09:00:00").',
		params: {
			prompt: {type: 'string', description: 'What to do when the task runs', required: true},
			schedule_type: {type: 'string', description: 'cron, interval or once', required: true, enum: ['cron', 'interval', 'once']},
			schedule_value: {type: 'string', description: 'Cron expression, milliseconds, or ISO time', required: true},
			context_mode: {type: 'string', description: 'group (default: runs in this chat\'s conversation) or isolated (a fresh conversation that saves nothing)', enum: ['group', 'isolated']},
			misfire,
			target_jid: {type: 'string', description: 'Chat the task answers in (default: this chat)'},
		},
		kind: 'tasks',
		payload: (args, context) => ({
			type: 'schedule_task',
			prompt: args.prompt,
			schedule_type: args.schedule_type,
			schedule_value: args.schedule_value,
			// Left out when the model leaves it out: the host owns the default (group).
			...(args.context_mode === undefined ? {} : {context_mode: args.context_mode}),
			...(args.misfire === undefined ? {} : {misfire: args.misfire}),
			targetJid: (args.target_jid as string | undefined) ?? context.start.group.chatJid,
		}),
		okText: 'scheduled',
	}),
	ipcTool({
		name: 'list_tasks',
		description: 'List the scheduled tasks this group may see.',
		params: {},
		kind: 'requests',
		payload: () => ({type: 'list_tasks'}),
		okText: 'no tasks',
	}),
	...([
		['pause_task', 'Pause a scheduled task (it keeps its schedule and can be resumed).'],
		['resume_task', 'Resume a paused task.'],
		['cancel_task', 'Cancel a scheduled task for good.'],
	] as const).map(([name, description]) =>
		ipcTool({
			name,
			description,
			params: taskId,
			kind: 'tasks',
			payload: (args) => ({type: name, taskId: args.task_id}),
			okText: 'done',
		}),
	),
	ipcTool({
		name: 'update_task',
		description: 'Change a scheduled task: its prompt, its schedule and/or what it does about missed runs.',
		params: {
			...taskId,
			prompt: {type: 'string', description: 'New prompt'},
			schedule_type: {type: 'string', description: 'cron, interval or once', enum: ['cron', 'interval', 'once']},
			schedule_value: {type: 'string', description: 'New cron expression, milliseconds, or ISO time'},
			misfire,
		},
		kind: 'tasks',
		payload: (args) => ({
			type: 'update_task',
			taskId: args.task_id,
			...(args.prompt !== undefined ? {prompt: args.prompt} : {}),
			...(args.schedule_type !== undefined ? {schedule_type: args.schedule_type} : {}),
			...(args.schedule_value !== undefined ? {schedule_value: args.schedule_value} : {}),
			...(args.misfire !== undefined ? {misfire: args.misfire} : {}),
		}),
		okText: 'updated',
	}),
	ipcTool({
		name: 'register_group',
		description: 'Register a new chat as a group with its own folder and memory.',
		params: {
			jid: {type: 'string', description: 'Chat id', required: true},
			name: {type: 'string', description: 'Display name', required: true},
			folder: {type: 'string', description: 'Folder name: letters, digits, - and _', required: true},
			trigger: {type: 'string', description: 'Trigger word (default @AssistantName)'},
			requires_trigger: {type: 'boolean', description: 'Whether messages must start with the trigger (default true)'},
			mounts: {
				type: 'string',
				description: 'Host folders for the group, one per line; end a line with :rw for read-write. The mount allowlist decides; anything else waits for the operator.',
			},
		},
		kind: 'requests',
		mainOnly: true,
		payload: (args) => ({
			type: 'register_group',
			jid: args.jid,
			name: args.name,
			folder: args.folder,
			trigger: args.trigger,
			requiresTrigger: args.requires_trigger,
			...(typeof args.mounts === 'string' && args.mounts.trim() ? {containerConfig: {additionalMounts: parseMountLines(args.mounts)}} : {}),
		}),
		okText: 'registered',
	}),
	ipcTool({
		name: 'refresh_groups',
		description: 'Sync WhatsApp group names and list the chats: registered groups, and chats seen but not registered (with the jid register_group needs).',
		params: {},
		kind: 'requests',
		mainOnly: true,
		payload: () => ({type: 'refresh_groups'}),
		okText: 'refreshed',
	}),
	ipcTool({
		name: 'request_mount',
		description: 'Ask the operator to mount a host folder into this sandbox (takes effect on the next run once approved).',
		params: {
			host_path: {type: 'string', description: 'Folder on the host, e.g. ~/projects/site', required: true},
			container_path: {type: 'string', description: 'Name under /workspace/extra/ (default: the folder name)'},
			readonly: {type: 'boolean', description: 'Read-only (default true)'},
		},
		kind: 'requests',
		payload: (args) => ({
			type: 'request_mount',
			hostPath: args.host_path,
			containerPath: args.container_path,
			readonly: (args.readonly as boolean | undefined) ?? true,
		}),
		okText: 'requested; the operator will approve or reject it',
	}),
];

/** One mount per line. */
function parseMountLines(text: string): MountSpec[] {
	return text.split('\n').flatMap((line) => parseMountSpec(line) ?? []);
}
