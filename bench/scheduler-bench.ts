// Benchmark: scheduler lateness with the real clock, from a task's next_run to the moment it is handed
// to the queue. Aim: p95 under 100 ms.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {TaskScheduler} from '../src/scheduler/task-scheduler.js';
import {openDb} from '../src/store/db.js';
import {TaskStore} from '../src/store/tasks.js';
import {percentiles, type Percentiles} from './ipc-bench.js';

/** Schedules `n` once tasks 25 ms apart on a real SQLite file and measures how late each one starts. */
export async function measureSchedulerLateness(n = 40): Promise<Percentiles> {
	const root = fs.mkdtempSync(path.join(os.tmpdir(), 'babybot-scheduler-bench-'));
	const db = openDb(path.join(root, 'babybot.db'));
	const samples: number[] = [];
	let finished = 0;
	let allDone: () => void = () => {};
	const done = new Promise<void>((resolve) => (allDone = resolve));
	const scheduler = new TaskScheduler({
		store: new TaskStore(db),
		timezone: 'UTC',
		enqueueTask: async (_task, slot) => {
			if (slot) samples.push(Date.now() - Date.parse(slot));
			if (++finished === n) allDone();
			return {ok: true};
		},
	});
	try {
		scheduler.start();
		const first = Date.now() + 1000; // room to create every task before the first is due
		for (let i = 0; i < n; i++) {
			scheduler.create({
				groupFolder: 'main',
				chatJid: 'local:main',
				prompt: `bench ${i}`,
				scheduleType: 'once',
				scheduleValue: new Date(first + i * 25).toISOString(),
			});
		}
		await done;
		await scheduler.settled();
	} finally {
		scheduler.stop();
		db.close();
		fs.rmSync(root, {recursive: true, force: true});
	}
	return percentiles(samples);
}
