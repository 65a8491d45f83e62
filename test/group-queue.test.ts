import {describe, expect, it} from 'vitest';
import {GroupQueue} from '../src/group-queue.js';

function harness(maxConcurrent: number, retry = {baseMs: 100, maxAttempts: 3}) {
	const started: string[] = [];
	const finishers = new Map<string, Array<(ok: boolean) => void>>();
	const timers: Array<{fn: () => void; ms: number}> = [];
	const gaveUp: string[] = [];
	let slotWanted = 0;
	const queue = new GroupQueue({
		maxConcurrent,
		retry,
		run: (folder) =>
			new Promise<boolean>((resolve) => {
				started.push(folder);
				finishers.set(folder, [...(finishers.get(folder) ?? []), resolve]);
			}),
		onSlotWanted: () => slotWanted++,
		onGiveUp: (folder) => gaveUp.push(folder),
		setTimer: (fn, ms) => {
			const timer = {fn, ms};
			timers.push(timer);
			return () => timers.splice(timers.indexOf(timer), 1);
		},
	});
	const finish = async (folder: string, ok = true) => {
		finishers.get(folder)!.shift()!(ok);
		await new Promise((resolve) => setImmediate(resolve));
	};
	return {queue, started, finish, timers, gaveUp, slotWanted: () => slotWanted};
}

describe('GroupQueue', () => {
	it('runs at most maxConcurrent groups and serves waiting groups in order', async () => {
		const h = harness(2);
		for (const folder of ['a', 'b', 'c', 'd']) h.queue.enqueue(folder);
		expect(h.started).toEqual(['a', 'b']);
		expect(h.queue.waitingGroups).toEqual(['c', 'd']);
		expect(h.slotWanted()).toBeGreaterThan(0);
		await h.finish('b');
		expect(h.started).toEqual(['a', 'b', 'c']);
		await h.finish('a');
		expect(h.started).toEqual(['a', 'b', 'c', 'd']);
	});

	it('never runs one group twice at once; work arriving mid-run runs after it', async () => {
		const h = harness(3);
		h.queue.enqueue('a');
		h.queue.enqueue('a');
		h.queue.enqueue('a');
		expect(h.started).toEqual(['a']);
		await h.finish('a');
		expect(h.started).toEqual(['a', 'a']);
		await h.finish('a');
		expect(h.started).toEqual(['a', 'a']);
	});

	it('a group that runs again goes to the back of the line (no starvation)', async () => {
		const h = harness(1);
		h.queue.enqueue('a');
		h.queue.enqueue('b');
		h.queue.enqueue('a');
		await h.finish('a');
		expect(h.started).toEqual(['a', 'b']);
		await h.finish('b');
		expect(h.started).toEqual(['a', 'b', 'a']);
	});

	it('retries a failed run with exponential backoff, then gives up', async () => {
		const h = harness(1);
		h.queue.enqueue('a');
		await h.finish('a', false);
		expect(h.timers.map((t) => t.ms)).toEqual([100]);
		h.timers.shift()!.fn();
		await h.finish('a', false);
		expect(h.timers.map((t) => t.ms)).toEqual([200]);
		h.timers.shift()!.fn();
		await h.finish('a', false);
		expect(h.timers).toEqual([]);
		expect(h.gaveUp).toEqual(['a']);
		expect(h.started).toEqual(['a', 'a', 'a']);
	});

	it('a new message cancels a pending retry and runs at once', async () => {
		const h = harness(1);
		h.queue.enqueue('a');
		await h.finish('a', false);
		expect(h.timers).toHaveLength(1);
		h.queue.enqueue('a');
		expect(h.timers).toHaveLength(0);
		expect(h.started).toEqual(['a', 'a']);
	});

	it('a run that throws frees its slot', async () => {
		let calls = 0;
		const queue = new GroupQueue({
			maxConcurrent: 1,
			retry: {baseMs: 1, maxAttempts: 1},
			run: async () => {
				calls++;
				throw new Error('boom');
			},
		});
		queue.enqueue('a');
		await new Promise((resolve) => setImmediate(resolve));
		expect(queue.activeCount).toBe(0);
		queue.enqueue('b');
		await new Promise((resolve) => setImmediate(resolve));
		expect(calls).toBe(2);
	});
});
