// The queue's mechanics with an injected timer: at most `parallel` at once, aborts, the linger.
import {describe, expect, it} from 'vitest';
import {ModelQueue, type ReleaseSlot} from '../../src/llm/model-queue.js';
import type {Lane} from '../../src/llm/queue-policy.js';

function manualTimers() {
	const timers: Array<{fn: () => void; ms: number; cancelled: boolean}> = [];
	return {
		timers,
		setTimer: (fn: () => void, ms: number) => {
			const timer = {fn, ms, cancelled: false};
			timers.push(timer);
			return () => (timer.cancelled = true);
		},
		fire: () => timers.filter((t) => !t.cancelled).forEach((t) => ((t.cancelled = true), t.fn())),
	};
}

/** A queue, and a log of which requests started, by name. */
function harness(parallel = 1, lingerMs = 1000) {
	const clock = manualTimers();
	const queue = new ModelQueue({parallel, lingerMs, setTimer: clock.setTimer});
	const started: string[] = [];
	const slots = new Map<string, ReleaseSlot>();
	const ask = (name: string, group: string, lane: Lane, agent = name, signal?: AbortSignal) =>
		queue.enter({group, lane, agent}, signal).then((release) => {
			started.push(name);
			slots.set(name, release);
		});
	const settle = () => new Promise((resolve) => setImmediate(resolve));
	return {queue, clock, started, slots, ask, settle};
}

describe('ModelQueue', () => {
	it('runs one request at a time with parallel 1, and the next starts when one is released', async () => {
		const {started, slots, ask, settle, queue} = harness();
		void ask('a', 'main', 'chat');
		void ask('b', 'main', 'chat');
		await settle();
		expect(started).toEqual(['a']);
		expect(queue.view()).toEqual({parallel: 1, running: 1, waiting: [{group: 'main', lane: 'chat'}]});
		slots.get('a')!();
		await settle();
		expect(started).toEqual(['a', 'b']);
		slots.get('a')!(); // a second release changes nothing
		expect(queue.view().running).toBe(1);
	});

	it('a scheduled task behind a steady stream of chat turns starts after 20 of them', async () => {
		const {started, slots, ask, settle} = harness(1, 0);
		void ask('chat-0', 'family', 'chat');
		await settle();
		void ask('task', 'work', 'task');
		for (let n = 1; n <= 25; n++) {
			// Each chat request arrives before the one running ends: the chat class is never empty.
			void ask(`chat-${n}`, n % 2 ? 'main' : 'family', 'chat');
			await settle();
			slots.get(started.at(-1)!)!();
			await settle();
		}
		// 20 chat requests started while it waited (chat-1 … chat-20); then it ranks as a chat turn
		// and, its group served least recently, goes next.
		expect(started.indexOf('task')).toBe(21);
		expect(started.slice(0, 21)).toEqual(Array.from({length: 21}, (_, n) => `chat-${n}`));
	});

	it('runs up to `parallel` at once', async () => {
		const {started, ask, settle} = harness(2);
		for (const name of ['a', 'b', 'c']) void ask(name, name, 'task');
		await settle();
		expect(started).toEqual(['a', 'b']);
	});

	it('a request aborted while waiting leaves the queue with the reason; one aborted first never enters', async () => {
		const {started, slots, ask, settle, queue} = harness();
		void ask('a', 'main', 'chat');
		const stop = new AbortController();
		const waiting = ask('b', 'main', 'subagent', 'b', stop.signal);
		await settle();
		stop.abort('the agent cancelled the request');
		await expect(waiting).rejects.toThrow('the agent cancelled the request');
		expect(queue.view().waiting).toEqual([]);
		await expect(ask('c', 'main', 'chat', 'c', stop.signal)).rejects.toThrow('the agent cancelled the request');
		slots.get('a')!();
		await settle();
		expect(started).toEqual(['a']);
	});

	it('keeps the model for the follow-up of an answer that called tools, while only its siblings wait', async () => {
		const {started, slots, ask, settle, clock} = harness();
		void ask('a1', 'main', 'subagent', 'a');
		void ask('b1', 'main', 'subagent', 'b');
		await settle();
		slots.get('a1')!({calledTools: true});
		await settle();
		expect(started).toEqual(['a1']);
		void ask('a2', 'main', 'subagent', 'a');
		await settle();
		expect(started).toEqual(['a1', 'a2']);
		// a2 answered; no follow-up comes in time: the linger runs out and b1 goes.
		slots.get('a2')!({calledTools: true});
		await settle();
		expect(started).toEqual(['a1', 'a2']);
		clock.fire();
		await settle();
		expect(started).toEqual(['a1', 'a2', 'b1']);
	});

	it('another group arriving during a linger ends it and is served', async () => {
		const {started, slots, ask, settle} = harness();
		void ask('a1', 'main', 'subagent', 'a');
		await settle();
		slots.get('a1')!({calledTools: true});
		void ask('chat', 'family', 'chat');
		await settle();
		expect(started).toEqual(['a1', 'chat']);
	});

	it('does not linger after an answer without tool calls, nor with lingerMs 0', async () => {
		for (const [lingerMs, calledTools] of [
			[1000, false],
			[0, true],
		] as const) {
			const {started, slots, ask, settle} = harness(1, lingerMs);
			void ask('a1', 'main', 'subagent', 'a');
			void ask('b1', 'main', 'subagent', 'b');
			await settle();
			slots.get('a1')!({calledTools});
			await settle();
			expect(started).toEqual(['a1', 'b1']);
		}
	});
});
