import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {ensureGroupIpc} from '../../src/ipc/ipc-layout.js';
import {IpcRateLimiter} from '../../src/ipc/ipc-limits.js';
import type {IpcWatcher} from '../../src/ipc/ipc-watcher.js';
import {tempHome} from '../support/temp-home.js';
import {groupRow, makeIpcHost} from './harness.js';

const running: Array<{watcher: IpcWatcher; close: () => void}> = [];
afterEach(async () => {
	for (const entry of running.splice(0)) {
		await entry.watcher.stop();
		entry.close();
	}
});

async function started(host = makeIpcHost(tempHome().home), options: Parameters<ReturnType<typeof makeIpcHost>['makeWatcher']>[0] = {}) {
	const watcher = host.makeWatcher(options);
	running.push({watcher, close: () => host.db.close()});
	await watcher.start();
	return {host, watcher};
}

const message = (text: string, chatJid = 'local:main') => ({type: 'message', chatJid, text});

describe('IPC watcher (real files, real fs.watch)', () => {
	it('processes files left from before a restart once, oldest first, and new files after that', async () => {
		const host = makeIpcHost(tempHome().home);
		for (const n of [3, 1, 2]) host.drop('main', 'messages', `100${n}-a.json`, message(`left ${n}`));
		const {watcher} = await started(host);
		await host.handled(3);
		expect(host.local.sent.map((sent) => sent.text)).toEqual(['left 1', 'left 2', 'left 3']);
		expect(host.ack('main', '1001-a.json')).toEqual({ok: true, result: 'sent'});
		expect(fs.readdirSync(path.join(host.paths.ipcDir, 'main', 'messages'))).toEqual([]);

		await watcher.stop();
		const again = host.makeWatcher();
		running.push({watcher: again, close: () => {}});
		await again.start();
		host.drop('main', 'messages', '2000-b.json', message('after restart'));
		await host.handled(4);
		expect(host.local.sent.map((sent) => sent.text)).toEqual(['left 1', 'left 2', 'left 3', 'after restart']);
		expect(host.outcomes).toHaveLength(4);
	});

	it('acks an allowed message, and denies one to another group with the reason, keeping a copy in errors/<folder>/', async () => {
		const {host} = await started();
		host.drop('family', 'messages', 'ok.json', message('x'));
		host.drop('family', 'messages', 'own.json', {...message('hello family', 'wa:family@g.us'), isMain: true});
		await host.handled(2);
		expect(host.ack('family', 'ok.json')).toEqual({ok: false, error: 'denied: this group may only message its own chat, not local:main'});
		expect(host.ack('family', 'own.json')).toEqual({ok: true, result: "queued (whatsapp is not connected): it will be sent when the chat's channel is connected"});
		expect(host.quarantined('family')).toEqual([{name: 'ok.json', content: JSON.stringify(message('x')), reason: expect.stringContaining('denied: this group may only message its own chat')}]);
		expect(host.local.sent).toEqual([]);

		host.whatsapp.channel.connected = true;
		await host.outbox.flush(host.whatsapp.channel);
		expect(host.whatsapp.sent).toEqual([{jid: 'wa:family@g.us', text: 'hello family'}]);
	});

	it.each([
		['malformed JSON', 'bad.json', '{"type": "message", ', 'not valid JSON'],
		['an unknown type', 'unknown.json', {type: 'format_disk'}, 'unknown request type "format_disk"'],
		['an invalid field', 'invalid.json', {type: 'message', chatJid: 'local:main'}, 'invalid message request: text is missing'],
		['a JSON array', 'array.json', [1, 2], 'must be a JSON object'],
		['a file that is not .json', 'note.txt', 'hello', 'not a .json file'],
	])('refuses %s: the reason in the ack, a copy in errors/, the file gone', async (_name, file, data, reason) => {
		const {host} = await started();
		host.drop('main', 'requests', file, data);
		await host.handled(1);
		expect(host.ack('main', file)).toEqual({ok: false, error: expect.stringContaining(reason)});
		expect(host.quarantined('main')).toEqual([{name: file, content: typeof data === 'string' ? data : JSON.stringify(data), reason: expect.stringContaining(reason)}]);
		expect(fs.readdirSync(path.join(host.paths.ipcDir, 'main', 'requests'))).toEqual([]);
	});

	it('never watches a folder that is not a registered group; a group registered later is watched from then on', async () => {
		const {host, watcher} = await started();
		ensureGroupIpc(host.paths.ipcDir, 'stranger');
		host.drop('stranger', 'messages', 'b.json', message('x'));
		host.drop('main', 'messages', 'a.json', message('main'));
		await host.handled(1);
		expect(host.outcomes.map((outcome) => outcome.folder)).toEqual(['main']);
		host.groups.add(groupRow('stranger', 'local:stranger'));
		watcher.syncGroups();
		await host.handled(2);
		expect(host.ack('stranger', 'b.json')).toEqual({ok: false, error: 'denied: this group may only message its own chat, not local:main'});
	});

	it('refuses a symlink, a FIFO, a hard link and a directory without reading through them or blocking', async () => {
		const {host} = await started();
		const messages = path.join(host.paths.ipcDir, 'family', 'messages');
		const secret = path.join(host.paths.home, 'secret.json');
		fs.writeFileSync(secret, JSON.stringify(message('leaked')));
		fs.symlinkSync(secret, path.join(messages, 'link.json'));
		execFileSync('mkfifo', [path.join(messages, 'fifo.json')]);
		fs.writeFileSync(path.join(messages, 'one.json'), JSON.stringify(message('hard', 'wa:family@g.us')));
		fs.linkSync(path.join(messages, 'one.json'), path.join(messages, 'two.json'));
		fs.mkdirSync(path.join(messages, 'dir.json'));
		host.drop('family', 'messages', 'z-after.json', message('after', 'wa:family@g.us'));
		await host.handled(5);
		expect(host.ack('family', 'link.json')).toEqual({ok: false, error: 'the request is a symlink: write a regular file'});
		expect(host.ack('family', 'fifo.json')?.error).toContain('not a regular file');
		expect(host.ack('family', 'one.json')?.error).toContain('more than one link');
		expect(host.ack('family', 'z-after.json')).toMatchObject({ok: true});
		expect(host.local.sent).toEqual([]);
		expect(fs.readFileSync(secret, 'utf8')).toContain('leaked');
		expect(fs.existsSync(path.join(messages, 'dir.json'))).toBe(false);
		for (const copy of host.quarantined('family')) expect(copy.content).not.toContain('leaked');
	});

	it('refuses a request over 1 MiB from its size, keeping a bounded copy', async () => {
		const {host} = await started();
		host.drop('main', 'requests', 'big.json', JSON.stringify({type: 'list_tasks', pad: 'x'.repeat(2 * 1024 * 1024)}));
		await host.handled(1);
		expect(host.ack('main', 'big.json')?.error).toMatch(/the request is \d+ bytes: the limit is 1048576/);
		const [copy] = host.quarantined('main');
		expect(copy?.content).toBe('');
		expect(copy?.reason).toContain('limit');
	});

	it('refuses, unread, the files past the pending bound, and still handles the rest in order', async () => {
		const {host} = await started(undefined, {pendingFilesPerGroup: 5});
		const {watcher} = running.at(-1)!;
		await watcher.stop();
		for (let i = 0; i < 8; i++) host.drop('main', 'messages', `${1000 + i}.json`, message(`m${i}`));
		const again = host.makeWatcher({pendingFilesPerGroup: 5});
		running.push({watcher: again, close: () => {}});
		await again.start();
		await host.handled(8);
		const refused = host.outcomes.filter((outcome) => !outcome.ok);
		expect(refused).toHaveLength(3);
		for (const outcome of refused) expect(outcome.error).toContain('too many request files wait');
		expect(host.local.sent).toHaveLength(5);
	});

	it('refuses a flood past the rate limit with a reason, tells the chat once, and serves other groups meanwhile', async () => {
		const {host} = await started(undefined, {limiter: new IpcRateLimiter({message: {count: 3, windowMs: 60_000, what: 'messages (test)'}})});
		for (let i = 0; i < 8; i++) host.drop('family', 'messages', `${1000 + i}.json`, message(`f${i}`, 'wa:family@g.us'));
		host.drop('main', 'messages', '5000.json', message('main too'));
		await host.handled(9);
		const family = host.outcomes.filter((outcome) => outcome.folder === 'family');
		expect(family.filter((outcome) => outcome.ok)).toHaveLength(3);
		expect(family.filter((outcome) => !outcome.ok).map((outcome) => outcome.error)).toEqual(Array(5).fill(expect.stringMatching(/^too many messages \(test\)/)));
		expect(host.floods).toEqual([{folder: 'family', reason: expect.stringContaining('too many')}]);
		expect(host.ack('main', '5000.json')).toEqual({ok: true, result: 'sent'});
		expect(host.quarantined('family')).toEqual([]);
	});

	it('schedules, lists and manages tasks within what each group may do', async () => {
		const {host} = await started();
		host.drop('family', 'tasks', '1-schedule.json', {
			type: 'schedule_task',
			prompt: 'water the plants',
			schedule_type: 'cron',
			schedule_value: '0 9 * * *',
			context_mode: 'group',
			groupFolder: 'main',
		});
		await host.handled(1);
		const [task] = host.tasks.list();
		expect(task).toMatchObject({groupFolder: 'family', chatJid: 'wa:family@g.us', contextMode: 'group', nextRun: '2025-01-02T09:00:00.000Z'});
		expect(host.ack('family', '1-schedule.json')).toEqual({ok: true, result: `scheduled ${task!.id}; first run 2025-01-02T09:00:00.000Z`});

		host.drop('main', 'tasks', '2-schedule.json', {type: 'schedule_task', prompt: 'report', schedule_type: 'interval', schedule_value: '3600000', targetJid: 'wa:work@g.us'});
		host.drop('work', 'tasks', '3-pause-other.json', {type: 'pause_task', taskId: task!.id});
		host.drop('family', 'tasks', '4-bad-cron.json', {type: 'schedule_task', prompt: 'p', schedule_type: 'cron', schedule_value: '99 * * * *'});
		await host.handled(4);
		expect(host.tasks.list('work')).toHaveLength(1);
		expect(host.ack('work', '3-pause-other.json')).toEqual({ok: false, error: `denied: no task ${task!.id}: list the tasks to see their ids`});
		expect(host.tasks.get(task!.id)?.status).toBe('active');
		// A valid request whose action fails is acked with the reason, not moved to errors/.
		expect(host.ack('family', '4-bad-cron.json')).toEqual({ok: false, error: expect.stringContaining('cron "99 * * * *" is invalid')});
		expect(host.quarantined('work').map((copy) => copy.name)).toEqual(['3-pause-other.json']);

		host.drop('work', 'requests', '5-list.json', {type: 'list_tasks'});
		host.drop('main', 'requests', '6-list.json', {type: 'list_tasks'});
		host.drop('main', 'tasks', '7-cancel.json', {type: 'cancel_task', taskId: task!.id});
		await host.handled(7);
		expect(String(host.ack('work', '5-list.json')?.result)).not.toContain('water the plants');
		expect(String(host.ack('work', '5-list.json')?.result)).toContain('group=work');
		expect(String(host.ack('main', '6-list.json')?.result).split('\n')).toHaveLength(2);
		expect(host.ack('main', '7-cancel.json')).toEqual({ok: true, result: `cancelled ${task!.id}`});
		expect(host.tasks.get(task!.id)).toBeUndefined();
	});

	it('lets only main register groups, and passes mount requests on with the sender from the directory', async () => {
		const {host} = await started();
		host.drop('family', 'requests', 'reg.json', {type: 'register_group', jid: 'wa:new@g.us', name: 'New', folder: 'new'});
		host.drop('main', 'requests', 'reg.json', {type: 'register_group', jid: 'wa:new@g.us', name: 'New', folder: 'new', requiresTrigger: false});
		host.drop('work', 'requests', 'mount.json', {type: 'request_mount', hostPath: '~/projects', readonly: true, groupFolder: 'main'});
		await host.handled(3);
		expect(host.ack('family', 'reg.json')).toEqual({ok: false, error: 'denied: only the main group may register groups'});
		expect(host.ack('main', 'reg.json')).toEqual({ok: true, result: 'registered new'});
		expect(host.registered).toEqual([{jid: 'wa:new@g.us', name: 'New', folder: 'new', requiresTrigger: false}]);
		expect(host.mountRequests).toEqual([{hostPath: '~/projects', readonly: true, containerPath: undefined, folder: 'work'}]);
	});

	it('leaves temp files alone and never reads acks/ or errors/', async () => {
		const {host} = await started();
		const temp = path.join(host.paths.ipcDir, 'main', 'messages', '.tmp-half.json');
		fs.writeFileSync(temp, '{"type": "mess');
		fs.writeFileSync(path.join(host.paths.ipcDir, 'main', 'acks', 'stray.json'), '{}');
		fs.writeFileSync(path.join(host.paths.ipcErrorsDir, 'old.json'), 'junk');
		host.drop('main', 'messages', 'real.json', message('hi'));
		await host.handled(1);
		expect(host.outcomes.map((outcome) => outcome.name)).toEqual(['real.json']);
		expect(fs.existsSync(temp)).toBe(true);
	});

	it('repairs, at start, IPC folders an agent replaced with symlinks under an older layout, without following them', async () => {
		const host = makeIpcHost(tempHome().home);
		const elsewhere = path.join(host.paths.home, 'elsewhere');
		fs.mkdirSync(elsewhere);
		fs.writeFileSync(path.join(elsewhere, 'creds.json'), 'secret');
		const familyDir = path.join(host.paths.ipcDir, 'family');
		fs.rmSync(path.join(familyDir, 'messages'), {recursive: true});
		fs.symlinkSync(elsewhere, path.join(familyDir, 'messages'));
		fs.rmSync(path.join(familyDir, 'acks'), {recursive: true});
		fs.symlinkSync(elsewhere, path.join(familyDir, 'acks'));
		await started(host);
		host.drop('family', 'messages', 'x.json', message('hi', 'wa:family@g.us'));
		await host.handled(1);
		expect(fs.readdirSync(elsewhere)).toEqual(['creds.json']);
		expect(fs.readFileSync(path.join(elsewhere, 'creds.json'), 'utf8')).toBe('secret');
		expect(fs.lstatSync(path.join(familyDir, 'messages')).isDirectory()).toBe(true);
		expect(host.ack('family', 'x.json')).toMatchObject({ok: true});
	});
});
