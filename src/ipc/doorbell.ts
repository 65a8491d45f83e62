// The IPC watcher's ears: one fs.watch per request folder, used only as a doorbell ("something
// changed in this group's folders"); what changed is always read back by listing the folder. The
// kernel drops events when its queue overflows (Node does not report it), so a burst of events
// counts as a storm, and a storm makes the owner rescan every group.
import fs from 'node:fs';

export type WatchDir = (dir: string, onEvent: () => void, onError: (error: Error) => void) => {close(): void};

const watchDir: WatchDir = (dir, onEvent, onError) => {
	const watcher = fs.watch(dir, () => onEvent());
	watcher.on('error', onError);
	return watcher;
};

export interface DoorbellOptions {
	onRing(folder: string): void;
	/** Many events in a short time: some may have been dropped; rescan every group. */
	onStorm(): void;
	onError(folder: string, dir: string, error: Error): void;
	watch?: WatchDir;
	/** Events within `stormWindowMs` that make a storm. */
	stormEvents?: number;
	stormWindowMs?: number;
	now?: () => number;
}

export class IpcDoorbell {
	private readonly watchers = new Map<string, Array<{close(): void}>>();
	private readonly watch: WatchDir;
	private readonly stormEvents: number;
	private readonly stormWindowMs: number;
	private readonly now: () => number;
	private windowStart = 0;
	private windowEvents = 0;
	private stormTimer?: NodeJS.Timeout;

	constructor(private readonly options: DoorbellOptions) {
		this.watch = options.watch ?? watchDir;
		this.stormEvents = options.stormEvents ?? 2000;
		this.stormWindowMs = options.stormWindowMs ?? 1000;
		this.now = options.now ?? Date.now;
	}

	get folders(): string[] {
		return [...this.watchers.keys()];
	}

	watchGroup(folder: string, dirs: readonly string[]): void {
		if (this.watchers.has(folder)) return;
		const handles = dirs.map((dir) =>
			this.watch(
				dir,
				() => this.ring(folder),
				(error) => this.options.onError(folder, dir, error),
			),
		);
		this.watchers.set(folder, handles);
	}

	unwatchGroup(folder: string): void {
		for (const handle of this.watchers.get(folder) ?? []) handle.close();
		this.watchers.delete(folder);
	}

	close(): void {
		for (const folder of this.folders) this.unwatchGroup(folder);
		clearTimeout(this.stormTimer);
		this.stormTimer = undefined;
	}

	private ring(folder: string): void {
		this.options.onRing(folder);
		const now = this.now();
		if (now - this.windowStart > this.stormWindowMs) {
			this.windowStart = now;
			this.windowEvents = 0;
		}
		if (++this.windowEvents < this.stormEvents || this.stormTimer) return;
		// Once per window while the storm lasts, and once more after it.
		this.stormTimer = setTimeout(() => {
			this.stormTimer = undefined;
			this.options.onStorm();
		}, this.stormWindowMs);
	}
}
