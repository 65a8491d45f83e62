import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {ensureGroupIpcDirs, type IpcWatcher} from '../../src/ipc/ipc-watcher.js';
import {tempHome} from '../support/temp-home.js';
import {makeIpcHost} from './harness.js';

const running: Array<{watcher: IpcWatcher; close: () => void}> = [];
afterEach(async () => {
	for (const entry of running.splice(0)) {
		await entry.watcher.stop();
		entry.close();
	}
});

async function started(host = makeIpcHost(tempHome().home)) {
	const watcher = host.makeWatcher();
	running.push({watcher, close: () => host.db.close()});
	await watcher.start();
	return {host, watcher};
}

const errorsOf = (host: ReturnType<typeof makeIpcHost>) => fs.readdirSync(host.paths.ipcErrorsDir).sort();
const reasonOf = (host: ReturnType<typeof makeIpcHost>, name: string) =>
	fs.readFileSync(path.join(host.paths.ipcErrorsDir, `${name}.reason.txt`), 'utf8');

describe('IPC watcher (real files, real chokidar)', () => {
	it('processes files left from before a restart once, oldest first, and new files after that', async () => {
		const host = makeIpcHost(tempHome().home);
		for (const n of [3, 1, 2]) host.drop('main', 'messages', `100${n}-a.json`, {type: 'message', chatJid: 'local:main', text: `left ${n}`});
		const {watcher} = await started(host);
		await host.handled(3);
		expect(host.local.sent.map((sent) => sent.text)).toEqual(['left 1', 'left 2', 'left 3']);
		expect(host.ack('main', '1001-a.json')).toEqual({ok: true, result: 'sent'});
		expect(fs.readdirSync(path.join(host.paths.ipcDir, 'main', 'messages'))).toEqual([]);

		await watcher.stop();
		const again = host.makeWatcher();
		running.push({watcher: again, close: () => {}});
		await again.start();
		host.drop('main', 'messages', '2000-b.json', {type: 'message', chatJid: 'local:main', text: 'after restart'});
		await host.handled(4);
		expect(host.local.sent.map((sent) => sent.text)).toEqual(['left 1', 'left 2', 'left 3', 'after restart']);
		expect(host.outcomes).toHaveLength(4);
	});

	it('acks an allowed message, and denies one to another group with the reason, moving it to errors/', async () => {
		const {host} = await started();
		host.drop('family', 'messages', 'ok.json', {type: 'message', chatJid: 'local:main', text: 'x'});
		host.drop('family', 'messages', 'own.json', {type: 'message', chatJid: 'wa:family@g.us', text: 'hello family', isMain: true});
		await host.handled(2);
		expect(host.ack('family', 'ok.json')).toEqual({ok: false, error: 'denied: this group may only message its own chat, not local:main'});
		expect(host.ack('family', 'own.json')).toEqual({
			ok: true,
			result: 'queued (whatsapp is not connected): it will be sent when the chat\'s channel is connected',
		});
		expect(errorsOf(host)).toEqual(['family-ok.json', 'family-ok.json.reason.txt']);
		expect(reasonOf(host, 'family-ok.json')).toContain('denied: this group may only message its own chat');
		expect(host.local.sent).toEqual([]);

		// The queued message goes out when WhatsApp connects.
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
	])('moves %s to errors/ with the reason and acks it', async (_name, file, data, reason) => {
		const {host} = await started();
		host.drop('main', 'requests', file, data);
		await host.handled(1);
		expect(host.ack('main', file)).toEqual({ok: false, error: expect.stringContaining(reason)});
		expect(errorsOf(host)).toEqual([`main-${file}`, `main-${file}.reason.txt`]);
		expect(reasonOf(host, `main-${file}`)).toContain(reason);
		expect(fs.readFileSync(path.join(host.paths.ipcErrorsDir, `main-${file}`), 'utf8')).toBe(typeof data === 'string' ? data : JSON.stringify(data));
	});

	it('refuses a folder that is not a valid or registered group', async () => {
		const {host} = await started();
		host.drop('bad folder', 'messages', 'a.json', {type: 'message', chatJid: 'local:main', text: 'x'});
		await host.handled(1);
		ensureGroupIpcDirs(host.paths.ipcDir, 'stranger');
		host.drop('stranger', 'messages', 'b.json', {type: 'message', chatJid: 'local:main', text: 'x'});
		await host.handled(2);
		expect(host.outcomes.map((outcome) => [outcome.folder, outcome.ok])).toEqual([
			['bad folder', false],
			['stranger', false],
		]);
		expect(fs.existsSync(path.join(host.paths.ipcDir, 'bad folder', 'acks'))).toBe(false);
		expect(host.ack('stranger', 'b.json')).toEqual({ok: false, error: 'denied: group "stranger" is not registered: its requests are refused'});
		expect(errorsOf(host)).toEqual(['bad folder-a.json', 'bad folder-a.json.reason.txt', 'stranger-b.json', 'stranger-b.json.reason.txt']);
		expect(host.local.sent).toEqual([]);
	});

	it('refuses a symlinked request without reading its target, and never writes an ack through a symlinked acks/', async () => {
		const {host, watcher} = await started();
		const secret = path.join(host.paths.home, 'secret.json');
		fs.writeFileSync(secret, JSON.stringify({type: 'message', chatJid: 'local:main', text: 'leaked'}));
		fs.symlinkSync(secret, path.join(host.paths.ipcDir, 'family', 'messages', 'link.json'));
		await host.handled(1);
		expect(host.ack('family', 'link.json')).toEqual({ok: false, error: 'the request is a symlink: write a regular file'});
		expect(host.local.sent).toEqual([]);

		const elsewhere = path.join(host.paths.home, 'elsewhere');
		fs.mkdirSync(elsewhere);
		fs.rmSync(path.join(host.paths.ipcDir, 'work', 'acks'), {recursive: true});
		fs.symlinkSync(elsewhere, path.join(host.paths.ipcDir, 'work', 'acks'));
		host.drop('work', 'requests', 'list.json', {type: 'list_tasks'});
		await host.handled(2);
		expect(fs.readdirSync(elsewhere)).toEqual([]);
		await watcher.stop();
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
		expect(errorsOf(host)).toEqual(['work-3-pause-other.json', 'work-3-pause-other.json.reason.txt']);

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

	it('leaves temp files alone and ignores acks/ and errors/', async () => {
		const {host} = await started();
		const temp = path.join(host.paths.ipcDir, 'main', 'messages', '.tmp-half.json');
		fs.writeFileSync(temp, '{"type": "mess');
		fs.writeFileSync(path.join(host.paths.ipcDir, 'main', 'acks', 'stray.json'), '{}');
		fs.writeFileSync(path.join(host.paths.ipcErrorsDir, 'old.json'), 'junk');
		host.drop('main', 'messages', 'real.json', {type: 'message', chatJid: 'local:main', text: 'hi'});
		await host.handled(1);
		expect(host.outcomes.map((outcome) => outcome.name)).toEqual(['real.json']);
		expect(fs.existsSync(temp)).toBe(true);
	});
});
