import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {TaskScheduler, type NewTaskInput, type TaskRunOutcome} from '../../src/scheduler/task-scheduler.js';
import {openDb, type Db} from '../../src/store/db.js';
import {maxStoredResultChars, TaskStore} from '../../src/store/tasks.js';
import type {ScheduledTask} from '../../src/api/types.js';
import {tempHome} from '../support/temp-home.js';
import {FakeClock, flushPromises} from './fake-clock.js';

const t0 = Date.parse('2025-01-01T10:00:00.000Z');
const minute = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

interface Call {
	task: ScheduledTask;
	slot: string | null;
	/** Tells the scheduler the prompt went to the agent (done at once unless `waitInQueue`). */
	start: () => void;
	finish: (outcome: TaskRunOutcome) => void;
}

const openDbs: Db[] = [];
afterEach(() => {
	for (const db of openDbs.splice(0)) db.close();
});

/** A scheduler over a real SQLite file; runs wait until the test finishes them. */
function makeScheduler(dbFile: string, clock: FakeClock, options: {autoFinish?: TaskRunOutcome; waitInQueue?: boolean} = {}) {
	const db = openDb(dbFile);
	openDbs.push(db);
	const store = new TaskStore(db);
	const calls: Call[] = [];
	let changes = 0;
	const scheduler = new TaskScheduler({
		store,
		timezone: 'UTC',
		clock,
		onChange: () => changes++,
		enqueueTask: (task, slot, started) =>
			new Promise<TaskRunOutcome>((resolve) => {
				calls.push({task, slot, start: started, finish: resolve});
				if (!options.waitInQueue) started();
				if (options.autoFinish) resolve(options.autoFinish);
			}),
	});
	return {db, store, scheduler, calls, changes: () => changes};
}

const input = (overrides: Partial<NewTaskInput> = {}): NewTaskInput => ({
	groupFolder: 'main',
	chatJid: 'local:main',
	prompt: 'say hi',
	scheduleType: 'interval',
	scheduleValue: String(minute),
	...overrides,
});

describe('TaskScheduler', () => {
	it('sleeps until the next run with one timer and runs the task exactly at its slot', async () => {
		const clock = new FakeClock(t0);
		const {scheduler, calls, store} = makeScheduler(path.join(tempHome().root, 'db.sqlite'), clock);
		scheduler.start();
		expect(clock.pending()).toEqual([]);
		const task = scheduler.create(input());
		expect(clock.pending()).toEqual([t0 + minute]);
		clock.advance(minute - 1);
		expect(calls).toHaveLength(0);
		clock.advance(1);
		expect(calls.map((call) => call.slot)).toEqual([iso(t0 + minute)]);
		expect(store.get(task.id)?.nextRun).toBe(iso(t0 + 2 * minute));
		calls[0]!.finish({ok: true, result: 'hi'});
		await scheduler.settled();
		expect(store.runLogs(task.id)).toEqual([
			{taskId: task.id, runAt: iso(t0 + minute), durationMs: 0, status: 'success', result: 'hi', error: null},
		]);
		expect(store.get(task.id)).toMatchObject({lastRun: iso(t0 + minute), lastResult: 'hi', status: 'active'});
		expect(clock.pending()).toEqual([t0 + 2 * minute]);
	});

	it('never starts a second run of a task while one is running, and skips the slots it missed', async () => {
		const clock = new FakeClock(t0);
		const {scheduler, calls, store} = makeScheduler(path.join(tempHome().root, 'db.sqlite'), clock);
		scheduler.start();
		const task = scheduler.create(input());
		// Another task keeps waking the scheduler while the first one runs.
		const other = scheduler.create(input({scheduleValue: String(minute / 4), groupFolder: 'other'}));
		const callsOf = (id: string) => calls.filter((call) => call.task.id === id);
		clock.advance(minute);
		expect(callsOf(task.id)).toHaveLength(1);
		for (const call of callsOf(other.id)) call.finish({ok: true});
		for (let i = 0; i < 22; i++) {
			clock.advance(minute / 4); // the run of `task` takes 5.5 minutes
			await flushPromises();
			for (const call of callsOf(other.id)) call.finish({ok: true});
		}
		expect(callsOf(other.id).length).toBeGreaterThan(10);
		expect(callsOf(task.id)).toHaveLength(1);
		callsOf(task.id)[0]!.finish({ok: true});
		await flushPromises();
		// The slot at 2 min (claimed next) runs once now; 3..6 min were skipped, the grid stays on whole minutes.
		expect(callsOf(task.id).map((call) => call.slot)).toEqual([iso(t0 + minute), iso(t0 + 2 * minute)]);
		expect(store.get(task.id)?.nextRun).toBe(iso(t0 + 7 * minute));
		expect(store.runLogs(task.id)[0]).toMatchObject({durationMs: 5.5 * minute, status: 'success'});
	});

	it('lets only one of two schedulers on the same database claim a slot', () => {
		const clock = new FakeClock(t0);
		const dbFile = path.join(tempHome().root, 'db.sqlite');
		const first = makeScheduler(dbFile, clock);
		const second = makeScheduler(dbFile, clock);
		first.scheduler.start();
		first.scheduler.create(input());
		second.scheduler.start();
		clock.advance(minute);
		expect(first.calls.length + second.calls.length).toBe(1);
	});

	it('runs a slot that came due while the host was down once after a restart, skipping older missed slots', async () => {
		const clock = new FakeClock(t0);
		const dbFile = path.join(tempHome().root, 'db.sqlite');
		const before = makeScheduler(dbFile, clock, {autoFinish: {ok: true}});
		before.scheduler.start();
		const task = before.scheduler.create(input());
		before.scheduler.stop();
		before.db.close();
		clock.advance(5.5 * minute);
		expect(before.calls).toHaveLength(0);

		const after = makeScheduler(dbFile, clock, {autoFinish: {ok: true}});
		after.scheduler.start();
		await after.scheduler.settled();
		expect(after.calls.map((call) => call.slot)).toEqual([iso(t0 + minute)]);
		expect(after.store.get(task.id)?.nextRun).toBe(iso(t0 + 6 * minute));
		clock.advance(0.5 * minute);
		await after.scheduler.settled();
		expect(after.calls.map((call) => call.slot)).toEqual([iso(t0 + minute), iso(t0 + 6 * minute)]);
	});

	it('does not run a slot twice when the host stopped mid-run; the interrupted run is logged', async () => {
		const clock = new FakeClock(t0);
		const dbFile = path.join(tempHome().root, 'db.sqlite');
		const crashed = makeScheduler(dbFile, clock);
		crashed.scheduler.start();
		const task = crashed.scheduler.create(input({scheduleType: 'once', scheduleValue: iso(t0 + minute)}));
		const daily = crashed.scheduler.create(input({scheduleType: 'cron', scheduleValue: '0 11 * * *'}));
		clock.advance(60 * minute);
		expect(crashed.calls.map((call) => call.task.id)).toEqual([task.id, daily.id]);
		crashed.scheduler.stop(); // the host dies: the runs never finish
		crashed.db.close();

		const restarted = makeScheduler(dbFile, clock);
		restarted.scheduler.start();
		clock.advance(10 * minute);
		expect(restarted.calls).toHaveLength(0);
		expect(restarted.store.get(task.id)).toMatchObject({status: 'completed', nextRun: null});
		expect(restarted.store.get(daily.id)?.nextRun).toBe('2025-01-02T11:00:00.000Z');
		for (const id of [task.id, daily.id]) {
			expect(restarted.store.runLogs(id)).toEqual([
				expect.objectContaining({status: 'error', error: expect.stringContaining('interrupted: the host stopped during this run')}),
			]);
		}
		restarted.scheduler.start(); // a second start is a no-op
		expect(restarted.calls).toHaveLength(0);
	});

	it('runs once after a restart a slot that was claimed but still waiting in its group queue when the host died', async () => {
		const clock = new FakeClock(t0);
		const dbFile = path.join(tempHome().root, 'db.sqlite');
		const crashed = makeScheduler(dbFile, clock, {waitInQueue: true});
		crashed.scheduler.start();
		const reminder = crashed.scheduler.create(input({scheduleType: 'once', scheduleValue: iso(t0 + minute)}));
		const began = crashed.scheduler.create(input({scheduleType: 'once', scheduleValue: iso(t0 + minute), prompt: 'already began'}));
		clock.advance(minute);
		expect(crashed.calls.map((call) => call.task.id).sort()).toEqual([reminder.id, began.id].sort());
		crashed.calls.find((call) => call.task.id === began.id)!.start(); // only this one reached the agent
		crashed.scheduler.stop();
		crashed.db.close();

		const restarted = makeScheduler(dbFile, clock);
		restarted.scheduler.start();
		expect(restarted.calls.map((call) => [call.task.id, call.slot])).toEqual([[reminder.id, iso(t0 + minute)]]);
		restarted.calls[0]!.finish({ok: true, result: 'reminded'});
		await restarted.scheduler.settled();
		clock.advance(60 * minute);
		expect(restarted.calls).toHaveLength(1);
		expect(restarted.store.get(reminder.id)).toMatchObject({status: 'completed', lastResult: 'reminded'});
		expect(restarted.store.runLogs(reminder.id)).toEqual([expect.objectContaining({status: 'success'})]);
		expect(restarted.store.runLogs(began.id)).toEqual([expect.objectContaining({status: 'error', error: expect.stringContaining('interrupted')})]);
	});

	it('gives the slot back when the host stops before the run began, so the next start runs it', async () => {
		const clock = new FakeClock(t0);
		const dbFile = path.join(tempHome().root, 'db.sqlite');
		const stopping = makeScheduler(dbFile, clock, {waitInQueue: true});
		stopping.scheduler.start();
		const task = stopping.scheduler.create(input());
		clock.advance(minute);
		stopping.scheduler.stop(); // as the host does: the scheduler first, then the queue gives work back
		stopping.calls[0]!.finish({ok: false, notStarted: true, error: 'the host is shutting down'});
		await stopping.scheduler.settled();
		expect(stopping.store.runLogs(task.id)).toEqual([]);
		expect(stopping.store.get(task.id)).toMatchObject({status: 'active', nextRun: iso(t0 + minute)});
		stopping.db.close();

		const restarted = makeScheduler(dbFile, clock);
		restarted.scheduler.start();
		expect(restarted.calls.map((call) => call.slot)).toEqual([iso(t0 + minute)]);
	});

	it('completes a once task after its run, also when the run failed, with the error logged and cut', async () => {
		const clock = new FakeClock(t0);
		const {scheduler, calls, store} = makeScheduler(path.join(tempHome().root, 'db.sqlite'), clock);
		scheduler.start();
		const task = scheduler.create(input({scheduleType: 'once', scheduleValue: '2025-01-01T10:30:00Z'}));
		clock.advance(30 * minute);
		calls[0]!.finish({ok: false, error: 'x'.repeat(maxStoredResultChars + 100)});
		await scheduler.settled();
		expect(store.get(task.id)).toMatchObject({status: 'completed', nextRun: null});
		const [log] = store.runLogs(task.id);
		expect(log?.status).toBe('error');
		expect(log?.error).toHaveLength(maxStoredResultChars + 1);
		expect(clock.pending()).toEqual([]);
	});

	it('records a thrown enqueue as a failed run and keeps the schedule', async () => {
		const clock = new FakeClock(t0);
		const db = openDb(path.join(tempHome().root, 'db.sqlite'));
		openDbs.push(db);
		const store = new TaskStore(db);
		const scheduler = new TaskScheduler({store, timezone: 'UTC', clock, enqueueTask: () => Promise.reject(new Error('queue closed'))});
		scheduler.start();
		const task = scheduler.create(input());
		clock.advance(minute);
		await scheduler.settled();
		expect(store.runLogs(task.id)[0]).toMatchObject({status: 'error', error: 'queue closed'});
		expect(store.get(task.id)).toMatchObject({status: 'active', nextRun: iso(t0 + 2 * minute), lastResult: 'error: queue closed'});
	});

	it('does not run paused tasks; resuming skips the slots missed while paused', async () => {
		const clock = new FakeClock(t0);
		const {scheduler, calls, store} = makeScheduler(path.join(tempHome().root, 'db.sqlite'), clock);
		scheduler.start();
		const task = scheduler.create(input());
		scheduler.pause(task.id);
		expect(clock.pending()).toEqual([]);
		clock.advance(10.5 * minute);
		expect(calls).toHaveLength(0);
		scheduler.resume(task.id);
		expect(store.get(task.id)).toMatchObject({status: 'active', nextRun: iso(t0 + 11 * minute)});
		clock.advance(0.5 * minute);
		expect(calls.map((call) => call.slot)).toEqual([iso(t0 + 11 * minute)]);
	});

	it('re-arms on update and cancel, and clamps long sleeps', () => {
		const clock = new FakeClock(t0);
		const {scheduler, calls, store} = makeScheduler(path.join(tempHome().root, 'db.sqlite'), clock);
		scheduler.start();
		const task = scheduler.create(input({scheduleType: 'once', scheduleValue: '2025-03-01T00:00:00Z'}));
		expect(clock.pending()).toEqual([t0 + 60 * minute]);
		clock.advance(60 * minute); // nothing due: it only re-checks
		expect(calls).toHaveLength(0);
		scheduler.update(task.id, {scheduleType: 'interval', scheduleValue: String(5 * minute), prompt: 'new prompt'});
		expect(clock.pending()).toEqual([t0 + 65 * minute]);
		expect(store.get(task.id)).toMatchObject({prompt: 'new prompt', scheduleType: 'interval'});
		scheduler.cancel(task.id);
		expect(clock.pending()).toEqual([]);
		expect(store.get(task.id)).toBeUndefined();
	});

	it('runs a task now without moving its schedule, refusing a second concurrent run', async () => {
		const clock = new FakeClock(t0);
		const {scheduler, calls, store, changes} = makeScheduler(path.join(tempHome().root, 'db.sqlite'), clock);
		scheduler.start();
		const task = scheduler.create(input());
		scheduler.runNow(task.id);
		expect(() => scheduler.runNow(task.id)).toThrow(/already running/);
		expect(calls.map((call) => call.slot)).toEqual([null]);
		expect(store.get(task.id)?.nextRun).toBe(iso(t0 + minute));
		calls[0]!.finish({ok: true, result: 'manual'});
		await scheduler.settled();
		expect(store.runLogs(task.id)).toHaveLength(1);
		expect(changes()).toBeGreaterThanOrEqual(3);
	});

	it.each([
		[{scheduleType: 'interval' as const, scheduleValue: '0'}, 'must be a whole number of milliseconds > 0'],
		[{scheduleType: 'once' as const, scheduleValue: '2024-12-31T00:00:00Z'}, 'is in the past'],
		[{prompt: '   '}, 'the task prompt is empty'],
	])('refuses to create %j: %s', (overrides, reason) => {
		const clock = new FakeClock(t0);
		const {scheduler, store} = makeScheduler(path.join(tempHome().root, 'db.sqlite'), clock);
		expect(() => scheduler.create(input(overrides))).toThrow(reason);
		expect(store.list()).toEqual([]);
	});

	it.each([
		['pause', 'no task nope: list the tasks'],
		['resume', 'no task nope'],
		['cancel', 'no task nope'],
		['runNow', 'no task nope'],
	] as const)('%s of an unknown task says so', (method, reason) => {
		const {scheduler} = makeScheduler(path.join(tempHome().root, 'db.sqlite'), new FakeClock(t0));
		expect(() => scheduler[method]('nope')).toThrow(reason);
	});

	it('lets a completed once task be re-scheduled by update', async () => {
		const clock = new FakeClock(t0);
		const {scheduler, store} = makeScheduler(path.join(tempHome().root, 'db.sqlite'), clock, {autoFinish: {ok: true}});
		scheduler.start();
		const task = scheduler.create(input({scheduleType: 'once', scheduleValue: iso(t0 + minute)}));
		clock.advance(minute);
		await scheduler.settled();
		expect(() => scheduler.pause(task.id)).toThrow(/completed/);
		scheduler.update(task.id, {scheduleValue: iso(t0 + 10 * minute)});
		expect(store.get(task.id)).toMatchObject({status: 'active', nextRun: iso(t0 + 10 * minute)});
	});
});
