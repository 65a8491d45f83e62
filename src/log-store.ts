import type {LogLine} from './api/types.js';

type Listener = (lines: LogLine[]) => void;

const lineBytes = (line: LogLine) => line.msg.length + line.fields.length + 32;

/** A bounded in-memory ring of log lines (by count and by size) that the UI reads; listeners get batches. */
export class LogStore {
	private lines: LogLine[] = [];
	/** Lines before this index were dropped (kept in the array until compaction). */
	private head = 0;
	private bytes = 0;
	private nextSeq = 1;
	private readonly listeners = new Set<Listener>();
	private pending: LogLine[] = [];
	private flushScheduled = false;

	constructor(
		readonly capacity = 100_000,
		/** Characters kept in all (message and fields), oldest lines dropped first. */
		readonly maxBytes = 32 * 1024 * 1024,
	) {}

	push(line: Omit<LogLine, 'seq'>): void {
		const entry = {...line, seq: this.nextSeq++};
		this.lines.push(entry);
		this.bytes += lineBytes(entry);
		while (this.size > this.capacity || (this.bytes > this.maxBytes && this.size > 1)) {
			this.bytes -= lineBytes(this.lines[this.head]!);
			this.head++;
		}
		if (this.head > 1024 && this.head * 2 > this.lines.length) {
			this.lines = this.lines.slice(this.head);
			this.head = 0;
		}
		if (this.listeners.size === 0) return;
		this.pending.push(entry);
		if (!this.flushScheduled) {
			this.flushScheduled = true;
			// Batch bursts of lines into one notification.
			setImmediate(() => this.flush());
		}
	}

	get size(): number {
		return this.lines.length - this.head;
	}

	/** Characters held (messages and fields), for the bound and for benchmarks. */
	get heldBytes(): number {
		return this.bytes;
	}

	/** Line `index` in age order (0 = oldest kept). */
	at(index: number): LogLine | undefined {
		if (index < 0 || index >= this.size) return undefined;
		return this.lines[this.head + index];
	}

	/** Lines from `from` (inclusive) to `to` (exclusive), oldest first. */
	slice(from: number, to: number): LogLine[] {
		return this.lines.slice(this.head + Math.max(0, from), this.head + Math.min(to, this.size));
	}

	all(): LogLine[] {
		return this.slice(0, this.size);
	}

	subscribe(listener: Listener): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	private flush(): void {
		this.flushScheduled = false;
		const batch = this.pending;
		this.pending = [];
		for (const listener of this.listeners) listener(batch);
	}
}
