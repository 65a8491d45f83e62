import type {LogLine} from './api/types.js';

type Listener = (lines: LogLine[]) => void;

/** A bounded in-memory ring of log lines that the UI reads; listeners get batches. */
export class LogStore {
	private readonly lines: LogLine[] = [];
	private start = 0;
	private nextSeq = 1;
	private readonly listeners = new Set<Listener>();
	private pending: LogLine[] = [];
	private flushScheduled = false;

	constructor(readonly capacity = 100_000) {}

	push(line: Omit<LogLine, 'seq'>): void {
		const entry = {...line, seq: this.nextSeq++};
		if (this.lines.length < this.capacity) this.lines.push(entry);
		else {
			this.lines[this.start] = entry;
			this.start = (this.start + 1) % this.capacity;
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
		return this.lines.length;
	}

	/** Line `index` in age order (0 = oldest kept). */
	at(index: number): LogLine | undefined {
		if (index < 0 || index >= this.lines.length) return undefined;
		return this.lines[(this.start + index) % this.lines.length];
	}

	/** Lines from `from` (inclusive) to `to` (exclusive), oldest first. */
	slice(from: number, to: number): LogLine[] {
		const out: LogLine[] = [];
		const end = Math.min(to, this.lines.length);
		for (let i = Math.max(0, from); i < end; i++) out.push(this.at(i)!);
		return out;
	}

	all(): LogLine[] {
		return this.slice(0, this.lines.length);
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
