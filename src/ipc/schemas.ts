// One schema per IPC request type. Unknown fields are dropped, so identity fields an agent might add
// (groupFolder, isMain, a sender chatJid) never reach the host: identity comes from the directory.
import {z} from 'zod';
import {folderProblem} from '../paths.js';

const maxTextChars = 64_000;
const text = (what: string, max = 2000) =>
	z
		.string({error: `${what} must be a string`})
		.trim()
		.min(1, {error: `${what} is empty`})
		.max(max, {error: `${what} is longer than ${max} characters`});

const scheduleType = z.enum(['cron', 'interval', 'once'], {error: 'schedule_type must be cron, interval or once'});
const scheduleValue = z.union([z.string(), z.number()], {error: 'schedule_value must be a string'}).transform(String);
const misfire = z.enum(['catch-up', 'once', 'skip'], {error: 'misfire must be catch-up, once or skip'});

export const messageRequest = z.object({
	type: z.literal('message'),
	chatJid: text('chatJid', 512),
	text: z
		.string({error: 'text must be a string'})
		.min(1, {error: 'text is empty'})
		.max(maxTextChars, {error: `text is longer than ${maxTextChars} characters`}),
});

export const scheduleTaskRequest = z.object({
	type: z.literal('schedule_task'),
	prompt: text('prompt', maxTextChars),
	schedule_type: scheduleType,
	schedule_value: scheduleValue,
	context_mode: z.enum(['group', 'isolated'], {error: 'context_mode must be group or isolated'}).optional(),
	misfire: misfire.optional(),
	targetJid: text('targetJid', 512).optional(),
});

const taskId = text('taskId', 200);

export const pauseTaskRequest = z.object({type: z.literal('pause_task'), taskId});
export const resumeTaskRequest = z.object({type: z.literal('resume_task'), taskId});
export const cancelTaskRequest = z.object({type: z.literal('cancel_task'), taskId});

export const updateTaskRequest = z
	.object({
		type: z.literal('update_task'),
		taskId,
		prompt: text('prompt', maxTextChars).optional(),
		schedule_type: scheduleType.optional(),
		schedule_value: scheduleValue.optional(),
		misfire: misfire.optional(),
	})
	.refine((value) => value.prompt !== undefined || value.schedule_type !== undefined || value.schedule_value !== undefined || value.misfire !== undefined, {
		error: 'update_task changes nothing: give prompt, schedule_type, schedule_value and/or misfire',
	});

export const registerGroupRequest = z.object({
	type: z.literal('register_group'),
	jid: text('jid', 512),
	name: text('name', 200),
	folder: z.string({error: 'folder must be a string'}).superRefine((folder, context) => {
		const problem = folderProblem(folder);
		if (problem) context.addIssue({code: 'custom', message: problem});
	}),
	trigger: text('trigger', 100).optional(),
	requiresTrigger: z.boolean({error: 'requiresTrigger must be true or false'}).optional(),
	// NanoClaw's shape; each mount becomes a request the allowlist or the operator decides on.
	containerConfig: z
		.object({
			additionalMounts: z
				.array(
					z.object({
						hostPath: text('containerConfig.additionalMounts[].hostPath', 4096),
						containerPath: text('containerConfig.additionalMounts[].containerPath', 200).optional(),
						readonly: z.boolean({error: 'readonly must be true or false'}).optional(),
					}),
				)
				.max(20, {error: 'at most 20 additional mounts'})
				.optional(),
		})
		.optional(),
});

export const refreshGroupsRequest = z.object({type: z.literal('refresh_groups')});
export const listTasksRequest = z.object({type: z.literal('list_tasks')});

export const requestMountRequest = z.object({
	type: z.literal('request_mount'),
	hostPath: text('hostPath', 4096),
	containerPath: text('containerPath', 200).optional(),
	readonly: z.boolean({error: 'readonly must be true or false'}).optional(),
});

export const ipcRequestSchemas = {
	message: messageRequest,
	schedule_task: scheduleTaskRequest,
	pause_task: pauseTaskRequest,
	resume_task: resumeTaskRequest,
	cancel_task: cancelTaskRequest,
	update_task: updateTaskRequest,
	register_group: registerGroupRequest,
	refresh_groups: refreshGroupsRequest,
	list_tasks: listTasksRequest,
	request_mount: requestMountRequest,
} as const;

export type IpcRequestType = keyof typeof ipcRequestSchemas;
export type IpcRequest = {[K in IpcRequestType]: z.output<(typeof ipcRequestSchemas)[K]>}[IpcRequestType];

export type ParsedIpcRequest = {ok: true; request: IpcRequest} | {ok: false; reason: string};

/** Validates decoded JSON against the schema of its `type`; the reason names the field and the fix. */
export function parseIpcRequest(data: unknown): ParsedIpcRequest {
	if (typeof data !== 'object' || data === null || Array.isArray(data)) {
		return {ok: false, reason: 'the request must be a JSON object with a "type" field'};
	}
	const type = (data as {type?: unknown}).type;
	if (typeof type !== 'string') return {ok: false, reason: 'the request has no "type" field'};
	if (!Object.hasOwn(ipcRequestSchemas, type)) {
		return {ok: false, reason: `unknown request type "${type}": use one of ${Object.keys(ipcRequestSchemas).join(', ')}`};
	}
	const parsed = ipcRequestSchemas[type as IpcRequestType].safeParse(data);
	if (parsed.success) return {ok: true, request: parsed.data as IpcRequest};
	const issues = parsed.error.issues.map((issue) => {
		const field = issue.path.join('.');
		const missing = issue.path.length === 1 && (data as Record<PropertyKey, unknown>)[issue.path[0]!] === undefined;
		if (missing) return `${field} is missing`;
		return field && !issue.message.startsWith(field) ? `${field}: ${issue.message}` : issue.message;
	});
	return {ok: false, reason: `invalid ${type} request: ${issues.join('; ')}`};
}
