// Tasks and the groups they belong to: unregistering a group pauses its tasks, a due task of a
// group that is gone settles (the scheduler carries on), and an isolated task does not wait for a
// busy warm run to idle out. The host runs in-process on a fake clock; the sandboxes are real.
import Database from 'better-sqlite3';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import type {ScheduledTask} from '../../src/api/types.js';
import {waitFor} from '../support/cli.js';
import {requestIpc} from '../support/ipc-request.js';
import {startScriptedOllama, type ChatRequestBody, type ScriptedOllama} from '../support/ollama-server.js';
import {closeAfterEach, startTestHost, type TestHost} from '../support/test-host.js';
import {FakeClock} from '../scheduler/fake-clock.js';

const club = '120363000000000088@g.us';
const track = closeAfterEach();

const asked = (ollama: ScriptedOllama, text: string) => ollama.chatRequests.filter((request: ChatRequestBody) => request.messages.at(-1)?.content.includes(text)).length;

async function start(ollama: ScriptedOllama, clock: FakeClock, env: Record<string, string> = {}): Promise<TestHost> {
	const running = track(await startTestHost({runtime: 'none', ollamaUrl: ollama.url, clock, env}));
	await running.host.registerGroup({jid: club, name: 'Club', folder: 'club', requiresTrigger: false});
	return running;
}

async function schedule(running: TestHost, name: string, request: Record<string, unknown>): Promise<ScheduledTask> {
	const ack = await requestIpc(running.home, 'main', 'tasks', `${name}.json`, {type: 'schedule_task', ...request});
	expect(ack).toMatchObject({ok: true});
	return running.host.snapshot().tasks.find((task) => task.id === (ack.result as {taskId: string}).taskId)!;
}

const taskOf = (running: TestHost, id: string) => running.host.snapshot().tasks.find((task) => task.id === id)!;

describe('tasks of a group', () => {
	it('unregistering a group pauses its tasks; registered again, they run once resumed', async () => {
		const ollama = track(await startScriptedOllama({fallback: () => ({content: 'done'})}));
		const clock = new FakeClock(Date.parse('2026-03-01T08:00:00Z'));
		const running = await start(ollama, clock);
		const task = await schedule(running, 'club-plants', {prompt: 'water the plants', schedule_type: 'interval', schedule_value: '60000', targetJid: club});
		expect(taskOf(running, task.id)).toMatchObject({misfire: 'once', upcoming: ['2026-03-01T08:01:00.000Z', '2026-03-01T08:02:00.000Z', '2026-03-01T08:03:00.000Z']});
		await running.host.setTaskMisfire(task.id, 'skip');
		expect(taskOf(running, task.id).misfire).toBe('skip');

		await running.host.unregisterGroup('club');
		expect(taskOf(running, task.id).status).toBe('paused');
		clock.advance(5 * 60_000);
		await running.host.registerGroup({jid: club, name: 'Club', folder: 'club', requiresTrigger: false});
		expect(taskOf(running, task.id).status).toBe('paused');
		expect(asked(ollama, 'water the plants')).toBe(0);

		await running.host.resumeTask(task.id);
		clock.advance(60_000);
		await waitFor('the resumed task to run', () => taskOf(running, task.id).lastResult === 'done');
	});

	it('a due task whose group is gone is recorded as an error and paused, and the scheduler carries on', async () => {
		const ollama = track(await startScriptedOllama({fallback: () => ({content: 'done'})}));
		const clock = new FakeClock(Date.parse('2026-03-01T08:00:00Z'));
		const running = await start(ollama, clock);
		const orphan = await schedule(running, 'club-orphan', {prompt: 'orphan chore', schedule_type: 'interval', schedule_value: '60000', targetJid: club});
		const chore = await schedule(running, 'main-chore', {prompt: 'main chore', schedule_type: 'interval', schedule_value: '60000'});
		// What an older host left: the group's row deleted, its task still active.
		const db = new Database(path.join(running.home, 'store', 'babybot.db'));
		db.prepare('DELETE FROM registered_groups WHERE folder = ?').run('club');
		db.close();

		clock.advance(60_000);
		await waitFor('the orphan task to settle', () => taskOf(running, orphan.id).lastResult?.includes('not registered'), 10_000);
		expect(taskOf(running, orphan.id)).toMatchObject({status: 'paused', lastResult: expect.stringMatching(/^error: group "club" is not registered/)});
		await waitFor('the main task to run', () => taskOf(running, chore.id).lastResult === 'done');
		clock.advance(60_000);
		await waitFor('the main task to run again', () => asked(ollama, 'main chore') === 2);
		expect(asked(ollama, 'orphan chore')).toBe(0);
	});

	it('an isolated task for a busy warm run starts once the busy turn is done, not after the idle timeout', async () => {
		let release = () => {};
		const held = new Promise<void>((resolve) => (release = resolve));
		const ollama = track(
			await startScriptedOllama({
				replies: [async () => (await held, {content: 'slow answer'})],
				fallback: () => ({content: 'done'}),
			}),
		);
		const clock = new FakeClock(Date.parse('2026-03-01T08:00:00Z'));
		const running = await start(ollama, clock, {CONTAINER_IDLE_TIMEOUT: String(60 * 60_000)});
		const slow = running.ask('main', 'take your time');
		await waitFor('the slow turn to reach the model', () => ollama.chatRequests.length === 1);
		await schedule(running, 'isolated-chore', {
			prompt: 'isolated chore',
			schedule_type: 'once',
			schedule_value: new Date(clock.now() + 60_000).toISOString(),
			context_mode: 'isolated',
		});
		clock.advance(60_000);
		release();
		expect(await slow).toMatchObject({ok: true, replies: ['slow answer']});
		await waitFor('the isolated task to reach the model', () => asked(ollama, 'isolated chore') === 1, 10_000);
	});
});
