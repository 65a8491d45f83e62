import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {call, lastToolContent, startFakeHost} from './fake-host.js';

const oneCall = (name: string, args: Record<string, unknown>) => [{toolCalls: [call(name, args)]}, {content: 'done'}];

describe('IPC tools', () => {
	it.each([
		['send_message', {text: 'hi there'}, 'messages', {type: 'message', chatJid: 'local:main', text: 'hi there'}],
		['send_message', {text: 'yo', chat_jid: 'other@g.us'}, 'messages', {type: 'message', chatJid: 'other@g.us', text: 'yo'}],
		[
			'schedule_task',
			{prompt: 'water plants', schedule_type: 'cron', schedule_value: '0 9 * * *'},
			'tasks',
			// No context_mode when the model gives none: the host's default (group) applies.
			{type: 'schedule_task', prompt: 'water plants', schedule_type: 'cron', schedule_value: '0 9 * * *', targetJid: 'local:main'},
		],
		[
			'schedule_task',
			{prompt: 'p', schedule_type: 'once', schedule_value: '2030-01-01T09:00:00', context_mode: 'isolated', target_jid: 'x@g.us'},
			'tasks',
			{type: 'schedule_task', prompt: 'p', schedule_type: 'once', schedule_value: '2030-01-01T09:00:00', context_mode: 'isolated', targetJid: 'x@g.us'},
		],
		['pause_task', {task_id: 'task-1'}, 'tasks', {type: 'pause_task', taskId: 'task-1'}],
		['resume_task', {task_id: 'task-1'}, 'tasks', {type: 'resume_task', taskId: 'task-1'}],
		['cancel_task', {task_id: 'task-1'}, 'tasks', {type: 'cancel_task', taskId: 'task-1'}],
		['update_task', {task_id: 'task-1', schedule_value: '60000'}, 'tasks', {type: 'update_task', taskId: 'task-1', schedule_value: '60000'}],
		['update_task', {task_id: 'task-1', misfire: 'skip'}, 'tasks', {type: 'update_task', taskId: 'task-1', misfire: 'skip'}],
		[
			'schedule_task',
			{prompt: 'p', schedule_type: 'cron', schedule_value: '0 9 * * *', misfire: 'catch-up'},
			'tasks',
			{type: 'schedule_task', prompt: 'p', schedule_type: 'cron', schedule_value: '0 9 * * *', misfire: 'catch-up', targetJid: 'local:main'},
		],
		['list_tasks', {}, 'requests', {type: 'list_tasks'}],
		[
			'register_group',
			{jid: 'fam@g.us', name: 'Family', folder: 'family', requires_trigger: false},
			'requests',
			{type: 'register_group', jid: 'fam@g.us', name: 'Family', folder: 'family', requiresTrigger: false},
		],
		[
			'register_group',
			{jid: 'w@g.us', name: 'Work', folder: 'work', mounts: '~/code:rw\n\n  ~/notes  \n~/photos:ro'},
			'requests',
			{
				type: 'register_group',
				jid: 'w@g.us',
				name: 'Work',
				folder: 'work',
				containerConfig: {additionalMounts: [{hostPath: '~/code', readonly: false}, {hostPath: '~/notes', readonly: true}, {hostPath: '~/photos', readonly: true}]},
			},
		],
		['refresh_groups', {}, 'requests', {type: 'refresh_groups'}],
		['request_mount', {host_path: '~/code'}, 'requests', {type: 'request_mount', hostPath: '~/code', readonly: true}],
	])('%s %j writes a %s file with NanoClaw field names and no identity', async (name, args, kind, payload) => {
		const host = startFakeHost({replies: oneCall(name, args)});
		await host.turnDone('t1');
		expect(host.ipcFiles).toEqual([{kind, name: expect.stringMatching(/\.json$/), payload}]);
		await host.stop();
		// Atomic write leaves no temp file; the ack stays (acks/ is the host's, read-only in a sandbox).
		expect(fs.readdirSync(path.join(host.paths.ipc, kind))).toEqual([host.ipcFiles[0].name]);
		expect(fs.readdirSync(path.join(host.paths.ipc, 'acks'))).toEqual([host.ipcFiles[0].name]);
	});

	it.each([
		[{ok: true}, 'sent'],
		[{ok: true, result: 'queued: WhatsApp is not connected'}, 'queued: WhatsApp is not connected'],
		[{ok: false, error: 'this group may only message its own chat'}, 'denied: this group may only message its own chat'],
		[{nonsense: 1}, 'denied: the host answered with an ack this agent does not understand'],
	])('reports the ack %j to the model as %j', async (ack, told) => {
		const host = startFakeHost({replies: oneCall('send_message', {text: 'hi', chat_jid: 'x@g.us'}), ack: () => ack});
		await host.turnDone('t1');
		expect(lastToolContent(host)).toBe(told);
		await host.stop();
	});

	it('gives the model a list_tasks result as JSON', async () => {
		const tasks = [{id: 'task-1', prompt: 'water plants', schedule_type: 'cron', schedule_value: '0 9 * * *', status: 'active'}];
		const host = startFakeHost({replies: oneCall('list_tasks', {}), ack: () => ({ok: true, result: tasks})});
		await host.turnDone('t1');
		expect(JSON.parse(lastToolContent(host))).toEqual(tasks);
		await host.stop();
	});

	it('tells the model when the host does not answer in time', async () => {
		const host = startFakeHost({limits: {ipcAckTimeoutMs: 200}, replies: oneCall('send_message', {text: 'hi'}), ack: () => null});
		await host.turnDone('t1');
		expect(lastToolContent(host)).toBe('no answer from the host in 0.2 s; the request was left for the host and may still be handled');
		expect(host.ipcFiles).toHaveLength(1);
		await host.stop();
	});

	it('does not offer register_group to other groups; a call to it is an unknown tool', async () => {
		const host = startFakeHost({isMain: false, replies: oneCall('register_group', {jid: 'a', name: 'b', folder: 'c'})});
		await host.turnDone('t1');
		expect(lastToolContent(host)).toMatch(/^error: unknown tool "register_group"/);
		expect(host.ipcFiles).toEqual([]);
		await host.stop();
	});
});
