import {describe, expect, it} from 'vitest';
import {authorizeIpcRequest, resolveTaskTarget} from '../../src/ipc/authorize.js';
import {parseIpcRequest, type IpcRequest} from '../../src/ipc/schemas.js';
import type {RegisteredGroup} from '../../src/api/types.js';

const group = (folder: string, jid: string, isMain = false): RegisteredGroup => ({
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

const groups = [group('main', 'local:main', true), group('family', 'family@g.us'), group('work', 'work@g.us')];
const tasks = {
	mainTask: {id: 'task-main', groupFolder: 'main'},
	familyTask: {id: 'task-family', groupFolder: 'family'},
	workTask: {id: 'task-work', groupFolder: 'work'},
};

const req = (data: Record<string, unknown>): IpcRequest => {
	const parsed = parseIpcRequest(data);
	if (!parsed.ok) throw new Error(parsed.reason);
	return parsed.request;
};

const message = (chatJid: string) => req({type: 'message', chatJid, text: 'hi'});
const schedule = (targetJid?: string) =>
	req({type: 'schedule_task', prompt: 'p', schedule_type: 'interval', schedule_value: '60000', ...(targetJid ? {targetJid} : {})});
const manage = (type: string, taskId: string) => req({type, taskId, ...(type === 'update_task' ? {prompt: 'new'} : {})});
const register = req({type: 'register_group', jid: 'new@g.us', name: 'New', folder: 'new-group'});

type Row = [string, string, boolean, IpcRequest, keyof typeof tasks | null, string | null];

// source folder, isMain, request, the task it names, expected denial (null = allowed)
const rows: Row[] = [
	['main messages its own chat', 'main', true, message('local:main'), null, null],
	['main messages another group', 'main', true, message('family@g.us'), null, null],
	['main messages an unregistered chat', 'main', true, message('stranger@s.whatsapp.net'), null, null],
	['family messages its own chat', 'family', false, message('family@g.us'), null, null],
	['family messages work', 'family', false, message('work@g.us'), null, 'may only message its own chat, not work@g.us'],
	['family messages main', 'family', false, message('local:main'), null, 'may only message its own chat'],
	['family messages a stranger', 'family', false, message('x@s.whatsapp.net'), null, 'may only message its own chat'],

	['main schedules for itself', 'main', true, schedule(), null, null],
	['main schedules for family', 'main', true, schedule('family@g.us'), null, null],
	['main schedules for an unregistered chat', 'main', true, schedule('x@g.us'), null, 'chat x@g.us is not a registered group'],
	['family schedules for itself (implicit)', 'family', false, schedule(), null, null],
	['family schedules for itself (explicit)', 'family', false, schedule('family@g.us'), null, null],
	['family schedules for work', 'family', false, schedule('work@g.us'), null, 'only the main group may schedule tasks for another group (work)'],
	['family schedules for main', 'family', false, schedule('local:main'), null, 'only the main group may schedule'],

	...(['pause_task', 'resume_task', 'cancel_task', 'update_task'] as const).flatMap((type): Row[] => [
		[`main ${type} its own task`, 'main', true, manage(type, 'task-main'), 'mainTask', null],
		[`main ${type} family's task`, 'main', true, manage(type, 'task-family'), 'familyTask', null],
		[`main ${type} a missing task`, 'main', true, manage(type, 'task-gone'), null, 'no task task-gone'],
		[`family ${type} its own task`, 'family', false, manage(type, 'task-family'), 'familyTask', null],
		[`family ${type} work's task`, 'family', false, manage(type, 'task-work'), 'workTask', 'no task task-work'],
		[`family ${type} main's task`, 'family', false, manage(type, 'task-main'), 'mainTask', 'no task task-main'],
		[`family ${type} a missing task`, 'family', false, manage(type, 'task-gone'), null, 'no task task-gone'],
	]),

	['main registers a group', 'main', true, register, null, null],
	['family registers a group', 'family', false, register, null, 'only the main group may register groups'],
	['main refreshes groups', 'main', true, req({type: 'refresh_groups'}), null, null],
	['family refreshes groups', 'family', false, req({type: 'refresh_groups'}), null, 'only the main group may refresh groups'],
	['main lists tasks', 'main', true, req({type: 'list_tasks'}), null, null],
	['family lists tasks', 'family', false, req({type: 'list_tasks'}), null, null],
	['main requests a mount', 'main', true, req({type: 'request_mount', hostPath: '~/x'}), null, null],
	['family requests a mount', 'family', false, req({type: 'request_mount', hostPath: '~/x'}), null, null],

	['an unregistered folder', 'stranger', false, message('stranger@g.us'), null, 'group "stranger" is not registered'],
	['a folder claiming main it is not', 'family', true, message('work@g.us'), null, 'group "family" is not the main group'],
	['an invalid folder', '..', false, req({type: 'list_tasks'}), null, 'the IPC directory is not a valid group'],
	['a folder with a space', 'my group', true, req({type: 'list_tasks'}), null, 'not a valid group'],
	['the reserved global folder', 'global', true, req({type: 'list_tasks'}), null, 'is reserved'],
	['the errors folder', 'errors', true, req({type: 'list_tasks'}), null, 'is reserved'],
];

describe('authorizeIpcRequest', () => {
	it.each(rows)('%s', (_name, sourceFolder, isMain, request, taskKey, denial) => {
		const verdict = authorizeIpcRequest({sourceFolder, isMain, request, groups, task: taskKey ? tasks[taskKey] : undefined});
		if (denial === null) expect(verdict).toEqual({ok: true});
		else expect(verdict.ok ? 'allowed' : verdict.reason).toContain(denial);
	});

	it('ignores identity fields in the JSON: a non-main folder claiming isMain is still refused', () => {
		const request = req({type: 'register_group', jid: 'x@g.us', name: 'X', folder: 'x', isMain: true, groupFolder: 'main'});
		expect(request).not.toHaveProperty('isMain');
		expect(request).not.toHaveProperty('groupFolder');
		expect(authorizeIpcRequest({sourceFolder: 'family', isMain: false, request, groups})).toEqual({
			ok: false,
			reason: 'only the main group may register groups',
		});
	});

	it('resolves the target group of a task', () => {
		expect(resolveTaskTarget('main', true, 'work@g.us', groups)).toMatchObject({ok: true, group: {folder: 'work'}});
		expect(resolveTaskTarget('family', false, undefined, groups)).toMatchObject({ok: true, group: {folder: 'family'}});
	});
});

describe('parseIpcRequest', () => {
	it.each([
		[{type: 'message', chatJid: 'a@g.us', text: 'hi', groupFolder: 'main', isMain: true}, {type: 'message', chatJid: 'a@g.us', text: 'hi'}],
		[
			{type: 'schedule_task', prompt: ' p ', schedule_type: 'interval', schedule_value: 60000, context_mode: 'group', targetJid: 'a@g.us'},
			{type: 'schedule_task', prompt: 'p', schedule_type: 'interval', schedule_value: '60000', context_mode: 'group', targetJid: 'a@g.us'},
		],
		[{type: 'update_task', taskId: 't', schedule_value: '0 9 * * *'}, {type: 'update_task', taskId: 't', schedule_value: '0 9 * * *'}],
		[
			{type: 'schedule_task', prompt: 'p', schedule_type: 'cron', schedule_value: '0 9 * * *', misfire: 'catch-up'},
			{type: 'schedule_task', prompt: 'p', schedule_type: 'cron', schedule_value: '0 9 * * *', misfire: 'catch-up'},
		],
		[{type: 'update_task', taskId: 't', misfire: 'skip'}, {type: 'update_task', taskId: 't', misfire: 'skip'}],
		[
			{type: 'register_group', jid: 'j', name: 'n', folder: 'team-1', requiresTrigger: false},
			{type: 'register_group', jid: 'j', name: 'n', folder: 'team-1', requiresTrigger: false},
		],
		[{type: 'request_mount', hostPath: '~/src', readonly: false}, {type: 'request_mount', hostPath: '~/src', readonly: false}],
		[{type: 'refresh_groups', extra: 1}, {type: 'refresh_groups'}],
	])('accepts %j', (data, expected) => {
		expect(parseIpcRequest(data)).toEqual({ok: true, request: expected});
	});

	it.each([
		[null, 'must be a JSON object with a "type" field'],
		[[1, 2], 'must be a JSON object'],
		['message', 'must be a JSON object'],
		[{chatJid: 'a'}, 'the request has no "type" field'],
		[{type: 'launch_missiles'}, 'unknown request type "launch_missiles": use one of message, schedule_task'],
		[{type: 'toString'}, 'unknown request type "toString"'],
		[{type: 'message', text: 'hi'}, 'invalid message request: chatJid is missing'],
		[{type: 'message', chatJid: 'a', text: ''}, 'invalid message request: text is empty'],
		[{type: 'message', chatJid: 5, text: 'x'}, 'invalid message request: chatJid must be a string'],
		[{type: 'message', chatJid: 'a', text: 'x'.repeat(64_001)}, 'text is longer than 64000 characters'],
		[{type: 'schedule_task', prompt: 'p', schedule_type: 'weekly', schedule_value: '1'}, 'schedule_type must be cron, interval or once'],
		[{type: 'schedule_task', prompt: 'p', schedule_type: 'once'}, 'schedule_value is missing'],
		[{type: 'schedule_task', prompt: 'p', schedule_type: 'once', schedule_value: '1', context_mode: 'shared'}, 'context_mode must be group or isolated'],
		[{type: 'pause_task'}, 'invalid pause_task request: taskId is missing'],
		[{type: 'update_task', taskId: 't'}, 'update_task changes nothing'],
		[{type: 'schedule_task', prompt: 'p', schedule_type: 'interval', schedule_value: '1', misfire: 'sometimes'}, 'misfire must be catch-up, once or skip'],
		[{type: 'update_task', taskId: 't', misfire: 'never'}, 'invalid update_task request: misfire must be catch-up, once or skip'],
		[{type: 'register_group', jid: 'j', name: 'n', folder: '../etc'}, 'folder "../etc" must be 1-64 letters'],
		[{type: 'register_group', jid: 'j', name: 'n', folder: 'global'}, 'folder "global" is reserved'],
		[{type: 'register_group', jid: 'j', name: 'n', folder: 'errors'}, 'folder "errors" is reserved'],
		[{type: 'register_group', jid: 'j', name: 'n', folder: 'ok', requiresTrigger: 'no'}, 'requiresTrigger must be true or false'],
		[{type: 'request_mount', hostPath: '~/x', readonly: 'yes'}, 'readonly must be true or false'],
		[{type: 'request_mount'}, 'hostPath is missing'],
	])('refuses %j: %s', (data, reason) => {
		const parsed = parseIpcRequest(data);
		expect(parsed.ok).toBe(false);
		expect(parsed.ok ? '' : parsed.reason).toContain(reason);
	});
});
