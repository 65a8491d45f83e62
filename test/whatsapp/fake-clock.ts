import type {Clock} from '../../src/channels/whatsapp/clock.js';

/** Lets queued promise callbacks and event handlers run (no time passes). */
export async function settle(rounds = 10): Promise<void> {
	for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Time that moves only when the test says so; timers fire in order as it does. */
export class FakeClock implements Clock {
	private time = Date.UTC(2026, 0, 15, 12, 0, 0);
	private nextId = 1;
	private timers: Array<{id: number; at: number; callback: () => void}> = [];

	now(): number {
		return this.time;
	}

	setTimeout(callback: () => void, ms: number): number {
		const id = this.nextId++;
		this.timers.push({id, at: this.time + Math.max(0, ms), callback});
		return id;
	}

	clearTimeout(handle: unknown): void {
		this.timers = this.timers.filter((timer) => timer.id !== handle);
	}

	pending(): number {
		return this.timers.length;
	}

	/** Moves time forward, firing each due timer at its moment and letting its effects settle. */
	async advance(ms: number): Promise<void> {
		const end = this.time + ms;
		for (;;) {
			const due = this.timers.filter((timer) => timer.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
			if (!due) break;
			this.timers = this.timers.filter((timer) => timer !== due);
			this.time = due.at;
			due.callback();
			await settle();
		}
		this.time = end;
		await settle();
	}
}
