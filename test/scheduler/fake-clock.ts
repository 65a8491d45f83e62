import type {SchedulerClock} from '../../src/scheduler/task-scheduler.js';

interface FakeTimer {
	at: number;
	fn: () => void;
	cancelled: boolean;
}

/**
 * A clock tests move by hand: timers fire in order as time is advanced, nothing sleeps. Plain
 * TypeScript syntax only (no parameter properties), so a host child process can load it as it is.
 */
export class FakeClock implements SchedulerClock {
	private timers: FakeTimer[] = [];
	private current: number;

	constructor(start: number) {
		this.current = start;
	}

	now(): number {
		return this.current;
	}

	setTimer(fn: () => void, ms: number): () => void {
		const timer: FakeTimer = {at: this.current + Math.max(0, ms), fn, cancelled: false};
		this.timers.push(timer);
		return () => {
			timer.cancelled = true;
		};
	}

	/** Timers armed and not yet fired or cancelled. */
	pending(): number[] {
		return this.timers.filter((timer) => !timer.cancelled).map((timer) => timer.at);
	}

	/** Moves time to `target`, firing each due timer at its own time, earliest first. */
	advanceTo(target: number): void {
		for (;;) {
			this.timers = this.timers.filter((timer) => !timer.cancelled);
			const next = this.timers.filter((timer) => timer.at <= target).sort((a, b) => a.at - b.at)[0];
			if (!next) break;
			this.current = Math.max(this.current, next.at);
			next.cancelled = true;
			next.fn();
		}
		this.current = Math.max(this.current, target);
	}

	advance(ms: number): void {
		this.advanceTo(this.current + ms);
	}
}

/** Lets promise callbacks (run results being recorded) complete. */
export async function flushPromises(): Promise<void> {
	for (let i = 0; i < 10; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
