// The misfire policy in the scheduler: a host that was down for 5 hours finds each task's slots
// missed and follows the task's policy. Real SQLite; runs finish at once; the clock is moved by hand.
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {TaskScheduler, TaskError, type TaskRunOutcome} from '../../src/scheduler/task-scheduler.js';
import {openDb, type Db} from '../../src/store/db.js';
import {TaskStore} from '../../src/store/tasks.js';
import type {MisfirePolicy} from '../../src/api/types.js';
import {tempHome} from '../support/temp-home.js';
import {FakeClock} from './fake-clock.js';

const t0 = Date.parse('2026-03-01T10:00:00.000Z');
const hour = 60 * 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

const dbs: Db[] = [];
afterEach(() => {
	for (const db of dbs.splice(0)) db.close();
});

function host(dbFile: string, clock: FakeClock) {
	const db = openDb(dbFile);
	dbs.push(db);
	const store = new TaskStore(db);
	const slots = new Map<string, Array<string | null>>();
	const scheduler = new TaskScheduler({
		store,
		timezone: 'UTC',
		clock,
		enqueueTask: async (task, slot, started): Promise<TaskRunOutcome> => {
			started();
			slots.set(task.id, [...(slots.get(task.id) ?? []), slot]);
			return {ok: true, result: `ran ${slot}`};
		},
	});
	return {store, scheduler, slots};
}

describe('misfire policy after the host was down', () => {
	it.each<[MisfirePolicy, string[]]>([
		// down from 10:30 to 15:30: the slots 11:00 … 15:00 were missed
		['catch-up', [iso(t0 + 1 * hour), iso(t0 + 2 * hour), iso(t0 + 3 * hour), iso(t0 + 4 * hour), iso(t0 + 5 * hour)]],
		['once', [iso(t0 + 1 * hour)]],
		['skip', []],
	])('%s: runs %j, then goes on at 16:00', async (misfire, expected) => {
		const dbFile = path.join(tempHome().root, 'db.sqlite');
		const clock = new FakeClock(t0);
		const first = host(dbFile, clock);
		first.scheduler.start();
		const task = first.scheduler.create({groupFolder: 'main', chatJid: 'local:main', prompt: 'p', scheduleType: 'interval', scheduleValue: String(hour), misfire});
		expect(task.misfire).toBe(misfire);
		clock.advance(30 * 60_000);
		first.scheduler.stop();

		clock.advance(5 * hour);
		const second = host(dbFile, clock);
		second.scheduler.start();
		await second.scheduler.settled();
		expect(second.slots.get(task.id) ?? []).toEqual(expected);
		expect(second.store.get(task.id)?.nextRun).toBe(iso(t0 + 6 * hour));
		expect(second.store.runLogs(task.id)).toHaveLength(expected.length);

		clock.advance(30 * 60_000);
		await second.scheduler.settled();
		expect(second.slots.get(task.id)?.at(-1)).toBe(iso(t0 + 6 * hour));
	});

	it('a once task whose time passed while down: skip completes it without running, and says so', async () => {
		const dbFile = path.join(tempHome().root, 'db.sqlite');
		const clock = new FakeClock(t0);
		const first = host(dbFile, clock);
		const task = first.scheduler.create({groupFolder: 'main', chatJid: 'local:main', prompt: 'p', scheduleType: 'once', scheduleValue: iso(t0 + hour), misfire: 'skip'});
		clock.advance(3 * hour);
		const second = host(dbFile, clock);
		second.scheduler.start();
		await second.scheduler.settled();
		expect(second.slots.get(task.id)).toBeUndefined();
		expect(second.store.get(task.id)).toMatchObject({status: 'completed', nextRun: null, lastResult: `skipped: its time ${iso(t0 + hour)} was missed (misfire skip)`});
	});

	it('the policy is changed by update, and a bad one is refused with what to use', () => {
		const clock = new FakeClock(t0);
		const {scheduler} = host(path.join(tempHome().root, 'db.sqlite'), clock);
		const task = scheduler.create({groupFolder: 'main', chatJid: 'local:main', prompt: 'p', scheduleType: 'interval', scheduleValue: String(hour)});
		expect(task.misfire).toBe('once');
		expect(scheduler.update(task.id, {misfire: 'catch-up'})).toMatchObject({misfire: 'catch-up', nextRun: task.nextRun});
		expect(() => scheduler.update(task.id, {misfire: 'sometimes' as MisfirePolicy})).toThrow(new TaskError('misfire "sometimes" is unknown: use catch-up, once or skip'));
		expect(scheduler.upcoming(task.id)).toEqual([iso(t0 + hour), iso(t0 + 2 * hour), iso(t0 + 3 * hour)]);
	});
});
