// Months of uptime do not grow the disk: the log folder stays under LOG_MAX_FILES × LOG_MAX_SIZE,
// and ended runs, task run logs and sent replies older than RETENTION_DAYS are pruned while the
// messages (the user's history) are kept. An in-process host on a fake clock; real SQLite and files.
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {queryStore, waitFor} from '../support/cli.js';
import {requestIpc} from '../support/ipc-request.js';
import {startScriptedOllama} from '../support/ollama-server.js';
import {closeAfterEach, startTestHost} from '../support/test-host.js';
import {FakeClock} from '../scheduler/fake-clock.js';

const track = closeAfterEach();
const day = 24 * 60 * 60_000;

const count = (home: string, table: string) => queryStore<{n: number}>(home, `SELECT COUNT(*) AS n FROM ${table}`)[0]!.n;

describe('bounded growth', () => {
	it('keeps the log folder under LOG_MAX_FILES × LOG_MAX_SIZE however much the host logs', async () => {
		// Every turn runs one long shell command, which the host logs (about 300 bytes a line).
		const command = `echo ${'a'.repeat(280)}`;
		const ollama = track(
			await startScriptedOllama({
				fallback: (request) => (request.messages.at(-1)?.role === 'tool' ? {content: 'ok'} : {toolCalls: [{name: 'bash', arguments: {command}}]}),
			}),
		);
		const running = track(await startTestHost({runtime: 'none', ollamaUrl: ollama.url, env: {LOG_MAX_SIZE: '1024', LOG_MAX_FILES: '2'}}));
		for (let i = 0; i < 12; i++) expect(await running.ask('main', `message ${i}`)).toMatchObject({ok: true});
		const logged = running.host.logs.all().filter((line) => line.msg.includes('aaaa')).length;
		expect(logged).toBe(12);
		const logsDir = path.join(running.home, 'logs');
		const files = fs.readdirSync(logsDir);
		expect(files.sort()).toEqual(['babybot.log', 'babybot.log.1']);
		const sizes = files.map((name) => fs.statSync(path.join(logsDir, name)).size);
		expect(Math.max(...sizes)).toBeLessThanOrEqual(1024 + 1024); // one line may overhang
		expect(fs.readFileSync(path.join(logsDir, 'babybot.log'), 'utf8').trim().split('\n').length).toBeLessThan(12);
	});

	it('prunes ended runs, task run logs and sent replies older than RETENTION_DAYS, and keeps every message', async () => {
		const ollama = track(await startScriptedOllama({fallback: () => ({content: 'ok'})}));
		const start = Date.parse('2026-03-01T08:00:00Z');
		const clock = new FakeClock(start);
		const running = track(await startTestHost({runtime: 'none', ollamaUrl: ollama.url, clock, env: {RETENTION_DAYS: '7', CONTAINER_IDLE_TIMEOUT: '1000'}}));
		const ack = await requestIpc(running.home, 'main', 'tasks', 'daily.json', {type: 'schedule_task', prompt: 'daily chore', schedule_type: 'interval', schedule_value: String(day)});
		expect(ack.ok).toBe(true);
		// Ten days: a message and the task each day; each run idles out on the clock.
		for (let d = 0; d < 10; d++) {
			expect(await running.ask('main', `day ${d}`)).toMatchObject({ok: true});
			clock.advance(day);
			const slot = new Date(start + (d + 1) * day).toISOString();
			await waitFor(`the task of day ${d}`, () => running.host.snapshot().tasks[0]?.lastRun === slot && !running.host.snapshot().runs.some((run) => run.state === 'running'));
			clock.advance(2000);
			await waitFor('the runs to end', () => running.host.snapshot().runs.every((run) => run.state === 'ended'));
		}
		clock.advance(day);
		// Retention runs every 6 hours: nothing is older than 7 days and 6 hours.
		const cutoff = new Date(clock.now() - 7 * day - day / 4).toISOString();
		await waitFor('retention to prune', () => queryStore(running.home, 'SELECT 1 FROM task_run_logs WHERE run_at < ?', cutoff).length === 0, 10_000);
		expect(queryStore(running.home, 'SELECT 1 FROM container_runs WHERE ended_at < ?', cutoff)).toEqual([]);
		expect(queryStore(running.home, 'SELECT 1 FROM outbox WHERE sent_at < ?', cutoff)).toEqual([]);
		expect(count(running.home, 'task_run_logs')).toBeGreaterThanOrEqual(6);
		expect(count(running.home, 'outbox')).toBeGreaterThanOrEqual(6);
		// Every message of the ten days is kept: ten asked, ten answered.
		const history = queryStore<{content: string}>(running.home, "SELECT content FROM messages WHERE chat_jid = 'local:main' AND is_bot = 0 ORDER BY seq");
		expect(history.map((m) => m.content)).toEqual(Array.from({length: 10}, (_, d) => `day ${d}`));
	}, 60_000);
});
