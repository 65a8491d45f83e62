// Loads the model shortly before a scheduled task is due, so the task does not wait for the load.
import type {Logger} from '../logger.js';
import type {SchedulerClock} from '../scheduler/task-scheduler.js';

export interface ModelWarmerOptions {
	load(): Promise<void>;
	clock: SchedulerClock;
	/** How long before a task's run the model is loaded (default 2 minutes). */
	leadMs?: number;
	logger?: Logger;
}

export class ModelWarmer {
	private cancel: (() => void) | undefined;
	private warmedFor: number | undefined;

	constructor(private readonly options: ModelWarmerOptions) {}

	/** Arms a load `leadMs` before the earliest of `nextRuns` (ISO times) still ahead; once per run. */
	schedule(nextRuns: Array<string | null>): void {
		this.stop();
		const now = this.options.clock.now();
		const next = nextRuns
			.map((run) => (run ? Date.parse(run) : NaN))
			.filter((at) => Number.isFinite(at) && at > now)
			.sort((a, b) => a - b)[0];
		if (next === undefined || next === this.warmedFor) return;
		const delay = Math.max(0, next - (this.options.leadMs ?? 120_000) - now);
		this.cancel = this.options.clock.setTimer(() => {
			this.cancel = undefined;
			this.warmedFor = next;
			this.options.load().then(
				() => this.options.logger?.debug({dueAt: new Date(next).toISOString()}, 'model loaded for a scheduled task'),
				(error: Error) => this.options.logger?.warn({err: error.message}, 'could not load the model before a scheduled task'),
			);
		}, delay);
	}

	stop(): void {
		this.cancel?.();
		this.cancel = undefined;
	}
}
