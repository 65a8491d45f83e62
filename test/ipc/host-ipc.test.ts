// IPC through a whole headless host (the real watcher, the real handlers, the real stores): files
// dropped by hand into ipc/<group>/ get the acks an agent would get.
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {waitFor} from '../support/cli.js';
import {startScriptedOllama, type ScriptedOllama} from '../support/ollama-server.js';
import {startTestHost, type TestHost, closeAfterEach} from '../support/test-host.js';

let ollama: ScriptedOllama | undefined;
let running: TestHost | undefined;
const track = closeAfterEach();

type Ack = {ok: boolean; result?: unknown; error?: string};

async function start(): Promise<TestHost> {
	ollama = track(await startScriptedOllama());
	running = track(await startTestHost({runtime: 'none', ollamaUrl: ollama.url}));
	await running.host.registerGroup({jid: 'family@g.us', name: 'Family', folder: 'family', requiresTrigger: true});
	return running;
}

/** Writes a request as the agent does (temp name, then rename) and waits for its ack. */
async function request(home: string, folder: string, kind: string, name: string, body: unknown): Promise<Ack> {
	const dir = path.join(home, 'ipc', folder, kind);
	fs.mkdirSync(dir, {recursive: true});
	fs.writeFileSync(path.join(dir, `.tmp-${name}`), typeof body === 'string' ? body : JSON.stringify(body));
	fs.renameSync(path.join(dir, `.tmp-${name}`), path.join(dir, name));
	const ack = path.join(home, 'ipc', folder, 'acks', name);
	await waitFor(`the ack of ${folder}/${kind}/${name}`, () => fs.existsSync(ack));
	return JSON.parse(fs.readFileSync(ack, 'utf8')) as Ack;
}

const errorsDir = (home: string, folder: string) => path.join(home, 'ipc', 'errors', folder);
const errorsOf = (home: string, folder: string) => (fs.existsSync(errorsDir(home, folder)) ? fs.readdirSync(errorsDir(home, folder)).filter((name) => !name.endsWith('.reason.txt')) : []);

describe('IPC through a headless host', () => {
	it('main may message any chat, schedule for another group and register groups', async () => {
		const {home, host} = await start();
		const sent = await request(home, 'main', 'messages', '1.json', {type: 'message', chatJid: 'family@g.us', text: 'hello family'});
		expect(sent.ok).toBe(true);
		expect(String(sent.result)).toContain('queued'); // WhatsApp is not connected in this host
		const scheduled = await request(home, 'main', 'tasks', '2.json', {type: 'schedule_task', prompt: 'water the plants', schedule_type: 'cron', schedule_value: '0 9 * * *', targetJid: 'family@g.us'});
		expect(scheduled).toMatchObject({ok: true, result: {taskId: expect.any(String)}});
		expect(host.snapshot().tasks).toEqual([expect.objectContaining({groupFolder: 'family', prompt: 'water the plants', scheduleType: 'cron'})]);
		const registered = await request(home, 'main', 'requests', '3.json', {type: 'register_group', jid: 'work@g.us', name: 'Work', folder: 'work'});
		expect(registered).toEqual({ok: true, result: {folder: 'work'}});
		expect(host.snapshot().groups.map((g) => g.folder).sort()).toEqual(['family', 'main', 'work']);
	});

	it("register_group's containerConfig mounts are the agent's requests: granted under an autoApprove root, else sent to the operator", async () => {
		const {home, host, root} = await start();
		const shared = path.join(root, 'shared', 'docs');
		const outside = path.join(root, 'outside');
		for (const dir of [shared, outside]) fs.mkdirSync(dir, {recursive: true});
		fs.mkdirSync(path.dirname(running!.allowlist), {recursive: true});
		fs.writeFileSync(running!.allowlist, JSON.stringify({allowedRoots: [{path: path.join(root, 'shared'), autoApprove: true}]}));
		await waitFor('the allowlist to be re-read', () => host.snapshot().mounts.allowedRoots.length === 1);
		const ack = await request(home, 'main', 'requests', 'reg.json', {
			type: 'register_group',
			jid: 'work@g.us',
			name: 'Work',
			folder: 'work',
			containerConfig: {additionalMounts: [{hostPath: shared}, {hostPath: outside, readonly: false}]},
		});
		expect(ack).toEqual({
			ok: true,
			result: {
				folder: 'work',
				mounts: [
					{hostPath: shared, answer: 'allowed: /workspace/extra/docs (read-only) from the next run'},
					{hostPath: outside, answer: 'sent to the operator: if they allow it, it appears at /workspace/extra/outside from the next run'},
				],
			},
		});
		// The agent's mounts never become the operator's group config.
		expect(host.snapshot().groups.find((g) => g.folder === 'work')?.extraMounts).toEqual([]);
		expect(host.snapshot().mounts.requests).toEqual(
			expect.arrayContaining([
				expect.objectContaining({groupFolder: 'work', hostPath: outside, realPath: fs.realpathSync(outside), source: 'ipc', status: 'pending', reason: expect.stringContaining('not under an allowed root')}),
				expect.objectContaining({groupFolder: 'work', hostPath: shared, source: 'ipc', status: 'approved'}),
			]),
		);
	});

	it('another group may act only on itself, whatever identity its JSON claims', async () => {
		const {home, host} = await start();
		const cases: Array<[string, string, unknown, string]> = [
			['messages', 'a.json', {type: 'message', chatJid: 'local:main', text: 'let me in', isMain: true, groupFolder: 'main'}, 'may only message its own chat'],
			['tasks', 'b.json', {type: 'schedule_task', prompt: 'x', schedule_type: 'once', schedule_value: '2099-01-01T00:00:00Z', targetJid: 'local:main'}, 'only the main group may schedule'],
			['requests', 'c.json', {type: 'register_group', jid: 'evil@g.us', name: 'Evil', folder: 'evil', isMain: true}, 'only the main group may register'],
		];
		for (const [kind, name, body, reason] of cases) {
			const ack = await request(home, 'family', kind, name, body);
			expect(ack.ok).toBe(false);
			expect(ack.error).toContain(reason);
		}
		expect(errorsOf(home, 'family')).toHaveLength(3);
		expect(host.snapshot().groups.map((g) => g.folder).sort()).toEqual(['family', 'main']);
		const own = await request(home, 'family', 'messages', 'd.json', {type: 'message', chatJid: 'family@g.us', text: 'hi us'});
		expect(own.ok).toBe(true);
	});

	it('quarantines what cannot be parsed or is unknown, and carries on', async () => {
		const {home} = await start();
		const bad = await request(home, 'main', 'messages', 'bad.json', '{"type": "message", "chatJid": ');
		expect(bad.error).toContain('not valid JSON');
		const unknown = await request(home, 'main', 'tasks', 'what.json', {type: 'launch_missiles'});
		expect(unknown.error).toContain('unknown request type "launch_missiles"');
		const ok = await request(home, 'main', 'tasks', 'list.json', {type: 'list_tasks'});
		expect(ok).toEqual({ok: true, result: []});
		const reasons = fs
			.readdirSync(errorsDir(home, 'main'))
			.filter((name) => name.endsWith('.reason.txt'))
			.map((name) => fs.readFileSync(path.join(errorsDir(home, 'main'), name), 'utf8'));
		expect(reasons).toEqual([expect.stringContaining('not valid JSON'), expect.stringContaining('unknown request type')]);
	});

	it('a request_mount that needs the operator waits in the Mounts view and the chat is told', async () => {
		const {home, host, root} = await start();
		const folder = path.join(root, 'notes');
		fs.mkdirSync(folder);
		const replies: string[] = [];
		host.events.on('reply', (reply) => replies.push(reply.text));
		const ack = await request(home, 'family', 'requests', 'mount.json', {type: 'request_mount', hostPath: folder});
		expect(ack.ok).toBe(true);
		expect(ack.result).toBe('sent to the operator: if they allow it, it appears at /workspace/extra/notes from the next run');
		expect(host.snapshot().mounts.requests).toEqual([expect.objectContaining({groupFolder: 'family', hostPath: folder, realPath: fs.realpathSync(folder), source: 'ipc', status: 'pending'})]);
		expect(replies).toEqual([`📂 The assistant asked to mount ${folder}; see the Access pane (or \`babybot-tui mounts list\`).`]);
	});
});
