export interface GroupQueueOptions {
	maxConcurrent: number;
	/** Runs a group until its sandbox closes; resolves true when it succeeded. */
	run(folder: string): Promise<boolean>;
	/** All slots are taken and a group waits: the host may close an idle warm run. */
	onSlotWanted?(): void;
	/** Failed runs are retried after baseMs, 2×, 4×… up to maxAttempts. */
	retry?: {baseMs: number; maxAttempts: number};
	setTimer?(fn: () => void, ms: number): () => void;
	onGiveUp?(folder: string, attempts: number): void;
}

interface GroupState {
	active: boolean;
	/** Work arrived while the group was running: run it again afterwards. */
	again: boolean;
	failures: number;
	cancelRetry?: () => void;
}

/**
 * One run per group, at most `maxConcurrent` runs at once, waiting groups served first come,
 * first served. Event-driven: `enqueue` and the end of a run are the only things that start runs.
 */
export class GroupQueue {
	private readonly groups = new Map<string, GroupState>();
	private readonly waiting: string[] = [];
	private active = 0;
	private stopped = false;
	private readonly setTimer: NonNullable<GroupQueueOptions['setTimer']>;

	constructor(private readonly options: GroupQueueOptions) {
		this.setTimer =
			options.setTimer ??
			((fn, ms) => {
				const timer = setTimeout(fn, ms);
				return () => clearTimeout(timer);
			});
	}

	get activeCount(): number {
		return this.active;
	}

	get waitingGroups(): readonly string[] {
		return this.waiting;
	}

	isActive(folder: string): boolean {
		return this.groups.get(folder)?.active ?? false;
	}

	enqueue(folder: string): void {
		if (this.stopped) return;
		const state = this.state(folder);
		if (state.active) {
			state.again = true;
			return;
		}
		if (this.waiting.includes(folder)) return;
		state.cancelRetry?.();
		state.cancelRetry = undefined;
		this.waiting.push(folder);
		this.pump();
		if (this.waiting.length > 0) this.options.onSlotWanted?.();
	}

	/** No new runs start; runs in progress finish on their own. */
	stop(): void {
		this.stopped = true;
		this.waiting.length = 0;
		for (const state of this.groups.values()) state.cancelRetry?.();
	}

	private state(folder: string): GroupState {
		let state = this.groups.get(folder);
		if (!state) {
			state = {active: false, again: false, failures: 0};
			this.groups.set(folder, state);
		}
		return state;
	}

	private pump(): void {
		while (!this.stopped && this.active < this.options.maxConcurrent && this.waiting.length > 0) {
			const folder = this.waiting.shift()!;
			void this.start(folder);
		}
	}

	private async start(folder: string): Promise<void> {
		const state = this.state(folder);
		state.active = true;
		state.again = false;
		this.active++;
		let ok = false;
		try {
			ok = await this.options.run(folder);
		} catch {
			ok = false;
		}
		state.active = false;
		this.active--;
		if (ok) {
			state.failures = 0;
			if (state.again) this.enqueue(folder);
		} else {
			this.scheduleRetry(folder, state);
		}
		this.pump();
	}

	private scheduleRetry(folder: string, state: GroupState): void {
		const retry = this.options.retry ?? {baseMs: 2000, maxAttempts: 3};
		state.failures++;
		if (state.failures >= retry.maxAttempts) {
			this.options.onGiveUp?.(folder, state.failures);
			state.failures = 0;
			if (state.again) this.enqueue(folder);
			return;
		}
		if (this.stopped) return;
		const delay = retry.baseMs * 2 ** (state.failures - 1);
		state.cancelRetry = this.setTimer(() => {
			state.cancelRetry = undefined;
			this.enqueue(folder);
		}, delay);
	}
}
