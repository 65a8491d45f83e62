// What the store keeps only for a while: ended runs, task run logs and replies that were sent or
// given up, pruned once they are older than RETENTION_DAYS (at start and every 6 hours on the
// host's clock), the write-ahead log truncated each time. Messages are the user's history and
// are kept; `doctor` shows their size.
import type {HostClock} from './clock.js';
import type {Logger} from './logger.js';
import type {Db} from './store/db.js';
import type {OutboxStore} from './store/outbox-store.js';
import type {RunStore} from './store/runs.js';
import type {TaskStore} from './store/tasks.js';

const day = 24 * 60 * 60_000;
const defaultEveryMs = 6 * 60 * 60_000;

/** The oldest time kept by a retention of `days` at `now` (ISO, so it compares with stored times). Pure. */
export function retentionCutoff(now: number, days: number): string {
	return new Date(now - days * day).toISOString();
}

export interface PruneCounts {
	runs: number;
	taskRunLogs: number;
	outbox: number;
}

export interface RetentionOptions {
	db: Db;
	stores: {runs: RunStore; tasks: TaskStore; outbox: OutboxStore};
	clock: HostClock;
	days: number;
	logger?: Logger;
	everyMs?: number;
}

export class Retention {
	private cancel: (() => void) | null = null;

	constructor(private readonly options: RetentionOptions) {}

	/** Prunes now, then every `everyMs`. */
	start(): void {
		this.stop();
		const tick = () => {
			this.prune();
			this.cancel = this.options.clock.setTimer(tick, this.options.everyMs ?? defaultEveryMs);
		};
		tick();
	}

	stop(): void {
		this.cancel?.();
		this.cancel = null;
	}

	prune(): PruneCounts {
		const {db, stores, clock, days, logger} = this.options;
		const before = retentionCutoff(clock.now(), days);
		const counts = db.transaction(() => ({
			runs: stores.runs.pruneEnded(before),
			taskRunLogs: stores.tasks.pruneRunLogs(before),
			outbox: stores.outbox.pruneEnded(before),
		}))();
		if (counts.runs + counts.taskRunLogs + counts.outbox > 0) logger?.info({...counts, before}, `pruned what is older than RETENTION_DAYS=${days}`);
		// Freed pages are reused by later writes; the write-ahead log is cut back to nothing.
		db.pragma('wal_checkpoint(TRUNCATE)');
		return counts;
	}
}
