// A few thousand random and malformed IPC files across groups, dropped into a running host: it
// stays up, every file in a group's request folders is answered (refused ones kept with a reason,
// floods refused by their bounds), files out of every sandbox's reach are left alone.
import fs from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {queryStore, waitFor} from '../support/cli.js';
import {startScriptedOllama, type ScriptedOllama} from '../support/ollama-server.js';
import {startTestHost, type TestHost} from '../support/test-host.js';

let ollama: ScriptedOllama;
let running: TestHost;
beforeAll(async () => {
	ollama = await startScriptedOllama();
	running = await startTestHost({runtime: 'none', ollamaUrl: ollama.url});
	await running.host.registerGroup({jid: 'family@g.us', name: 'Family', folder: 'family', requiresTrigger: true});
	await running.host.registerGroup({jid: 'work@g.us', name: 'Work', folder: 'work', requiresTrigger: true});
});
afterAll(async () => {
	await running.stop();
	await ollama.close();
});

/** A small seeded generator, so a failure can be replayed. */
function random(seed: number) {
	let state = seed >>> 0;
	const next = () => {
		state = (state * 1664525 + 1013904223) >>> 0;
		return state / 2 ** 32;
	};
	return {next, int: (n: number) => Math.floor(next() * n), pick: <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!};
}

type Expectation = 'valid-message' | 'answered' | 'left-alone';

interface Dropped {
	folder: string;
	kind: string;
	name: string;
	expect: Expectation;
}

const folders = ['main', 'family', 'work', 'ghost'] as const;
const kinds = ['messages', 'tasks', 'requests'] as const;

function payload(rng: ReturnType<typeof random>, folder: string, index: number): {body: string | Buffer; validMessage: boolean} {
	const own = folder === 'main' ? 'local:main' : `${folder}@g.us`;
	switch (rng.int(12)) {
		case 0:
			return {body: Buffer.from(Array.from({length: rng.int(300)}, () => rng.int(256))), validMessage: false};
		case 1:
			return {body: JSON.stringify({type: 'message', chatJid: own, text: `x${index}`}).slice(0, rng.int(40)), validMessage: false};
		case 2:
			return {body: rng.pick(['null', '[]', '42', '"text"', '{}', 'true']), validMessage: false};
		case 3:
			return {body: JSON.stringify({type: rng.pick(['launch', 'rm_rf', '', 'MESSAGE', 'message ']), chatJid: own}), validMessage: false};
		case 4:
			return {body: JSON.stringify({type: 'message', chatJid: rng.pick([own, 42, null, '']), text: rng.pick(['', 7, null, 'ok'])}), validMessage: false};
		case 5:
			return {body: JSON.stringify({type: 'schedule_task', prompt: 'p', schedule_type: rng.pick(['cron', 'weekly', 'once']), schedule_value: rng.pick(['* * *', 'soon', '-5', '2001-01-01'])}), validMessage: false};
		case 6:
			return {body: JSON.stringify({type: 'message', chatJid: 'local:main', text: `sneaky ${index}`, isMain: true, groupFolder: 'main'}), validMessage: folder === 'main'};
		case 7:
			return {body: JSON.stringify({type: rng.pick(['pause_task', 'cancel_task', 'resume_task']), taskId: `task-${rng.int(1000)}`}), validMessage: false};
		case 8:
			return {body: JSON.stringify({type: 'register_group', jid: `g${index}@g.us`, name: 'G', folder: rng.pick(['../etc', 'global', 'errors', 'a/b', ''])}), validMessage: false};
		case 9:
			return {body: JSON.stringify({type: 'list_tasks', extra: 'x'.repeat(rng.int(1000))}), validMessage: false};
		case 10:
			return {body: `${JSON.stringify({type: 'message', chatJid: own, text: `fine ${index}`})}`, validMessage: folder !== 'ghost'};
		default:
			return {body: JSON.stringify({type: 'request_mount', hostPath: rng.pick(['/', '~/.ssh', '../../x', '/nonexistent'])}), validMessage: false};
	}
}

describe('IPC fuzz', () => {
	it('answers each of 2,400 random files in the request folders (or refuses a flood), leaves the rest alone, stays up', async () => {
		const {home, host} = running;
		const rng = random(20261122);
		const dropped: Dropped[] = [];
		for (let index = 0; index < 2400; index++) {
			const folder = rng.pick(folders);
			const place = rng.int(20);
			// Mostly the right folders; some files directly in the group folder or an unknown one.
			const kind = place === 0 ? '' : place === 1 ? 'junk' : rng.pick(kinds);
			const name = rng.int(25) === 0 ? `f${index}.txt` : `f${String(index).padStart(5, '0')}.json`;
			const dir = path.join(home, 'ipc', folder, kind);
			fs.mkdirSync(dir, {recursive: true});
			const {body, validMessage} = payload(rng, folder, index);
			const good = validMessage && (kinds as readonly string[]).includes(kind) && name.endsWith('.json');
			if (rng.int(10) === 0) {
				fs.writeFileSync(path.join(dir, name), body); // a writer that did not use a temp file
			} else {
				fs.writeFileSync(path.join(dir, `.tmp-${name}`), body);
				fs.renameSync(path.join(dir, `.tmp-${name}`), path.join(dir, name));
			}
			dropped.push({folder, kind, name, expect: good ? 'valid-message' : 'answered'});
		}
		// A folder that is not a valid group name: no sandbox writes there, so nobody reads it.
		fs.mkdirSync(path.join(home, 'ipc', 'Bad Folder!', 'messages'), {recursive: true});
		fs.writeFileSync(path.join(home, 'ipc', 'Bad Folder!', 'messages', 'x.json'), '{}');
		dropped.push({folder: 'Bad Folder!', kind: 'messages', name: 'x.json', expect: 'left-alone'});
		// Files outside a registered group's request folders are out of every sandbox's reach: left alone too.
		for (const file of dropped) if (file.folder === 'ghost' || !(kinds as readonly string[]).includes(file.kind)) file.expect = 'left-alone';

		const ackOf = (file: Dropped) => {
			const at = path.join(home, 'ipc', file.folder, 'acks', file.name);
			return fs.existsSync(at) ? (JSON.parse(fs.readFileSync(at, 'utf8')) as {ok: boolean; error?: string}) : undefined;
		};
		const present = (file: Dropped) => fs.existsSync(path.join(home, 'ipc', file.folder, file.kind, file.name));
		const answerable = dropped.filter((file) => file.expect !== 'left-alone');
		await waitFor('every file to be handled', () => answerable.every((file) => !present(file)), 120_000);
		await waitFor('every ack', () => answerable.every((file) => !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(file.name) || ackOf(file)), 30_000);

		for (const file of dropped.filter((f) => f.expect === 'left-alone')) expect(present(file), `${file.folder}/${file.kind}/${file.name}`).toBe(true);
		let delivered = 0;
		for (const file of answerable.filter((f) => f.expect === 'valid-message')) {
			const ack = ackOf(file)!;
			// A valid message is sent, or refused only by the bounds on a flood: never for a wrong reason.
			if (ack.ok) delivered++;
			else expect(ack.error, `${file.folder}/messages/${file.name}`).toMatch(/^too many /);
		}
		expect(delivered).toBeGreaterThan(20);
		for (const folder of ['main', 'family', 'work']) {
			const dir = path.join(home, 'ipc', 'errors', folder);
			const copies = fs.readdirSync(dir).filter((name) => !name.endsWith('.reason.txt'));
			expect(copies.length).toBeGreaterThan(10);
			expect(copies.length).toBeLessThanOrEqual(200);
			for (const copy of copies) expect(fs.readFileSync(path.join(dir, `${copy}.reason.txt`), 'utf8').split('\n')[0]!.length).toBeGreaterThan(5);
		}
		const stored = queryStore<{n: number}>(home, "SELECT COUNT(*) AS n FROM messages WHERE is_bot = 1 AND (content LIKE 'fine %' OR content LIKE 'sneaky %')");
		expect(stored[0]!.n).toBe(delivered);

		// Still up: a message from the operator is answered.
		ollama.push({content: 'still here'});
		expect(await running.ask('main', 'ping')).toMatchObject({ok: true, replies: ['still here']});
		expect(host.snapshot().groups.map((g) => g.folder).sort()).toEqual(['family', 'main', 'work']);
	}, 180_000);
});
