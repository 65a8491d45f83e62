// A group folder's disk quota. No runtime here can cap a bind mount while a run lasts, so the host
// measures the folder after each turn and run (and before a group's first run) and refuses the next run of
// a group that is over. Measuring is `du` in a child process with a time limit: the host's event
// loop never walks an agent's folder, however deep or full it is.
import {execFile} from 'node:child_process';

export type MeasureFolder = (dir: string, timeoutMs: number) => Promise<number | undefined>;

/** Kilobytes used by `dir` (never following links, one filesystem), or undefined when `du` could not tell in time. */
export const measureWithDu: MeasureFolder = (dir, timeoutMs) =>
	new Promise((resolve) => {
		execFile('du', ['-s', '-x', '-k', '--', dir], {timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 64 * 1024}, (error, stdout) => {
			const kb = Number(/^(\d+)/.exec(String(stdout))?.[1]);
			// du exits 1 when some entries cannot be read, still printing its total.
			resolve(Number.isFinite(kb) && (!error || (error as {code?: unknown}).code === 1) ? kb : undefined);
		});
	});

export interface DiskQuotaOptions {
	quotaMb: number;
	measure?: MeasureFolder;
	timeoutMs?: number;
}

export class DiskQuota {
	private readonly usedKb = new Map<string, number | undefined>();
	/** Measurements under way: a start waits for the one its last run began. */
	private readonly measuring = new Map<string, Promise<void>>();
	/** One more measurement asked for while one was under way (it may predate the latest writes). */
	private readonly again = new Map<string, Promise<void>>();
	private readonly measure: MeasureFolder;

	constructor(private readonly options: DiskQuotaOptions) {
		this.measure = options.measure ?? measureWithDu;
	}

	/** Why the group may not start a run now, or undefined. Measures once when nothing is known yet. */
	async problem(folder: string, dir: string): Promise<string | undefined> {
		const pending = this.again.get(folder) ?? this.measuring.get(folder);
		if (pending) await pending;
		else if (!this.usedKb.has(folder)) await this.remeasure(folder, dir);
		const kb = this.usedKb.get(folder);
		if (kb === undefined || kb <= this.options.quotaMb * 1024) return undefined;
		return `the group folder uses ${Math.round(kb / 1024)} MB, over its disk quota of ${this.options.quotaMb} MB: delete files in it (or raise GROUP_DISK_QUOTA_MB), then send the message again`;
	}

	/** Measures the folder again; while one `du` runs, later calls share one more after it. */
	remeasure(folder: string, dir: string): Promise<void> {
		const pending = this.measuring.get(folder);
		if (pending) {
			const queued = this.again.get(folder);
			if (queued) return queued;
			const again = pending.then(() => {
				this.again.delete(folder);
				return this.remeasure(folder, dir);
			});
			this.again.set(folder, again);
			return again;
		}
		const done = this.measure(dir, this.options.timeoutMs ?? 20_000).then((kb) => {
			this.usedKb.set(folder, kb);
			if (this.measuring.get(folder) === done) this.measuring.delete(folder);
		});
		this.measuring.set(folder, done);
		return done;
	}
}
