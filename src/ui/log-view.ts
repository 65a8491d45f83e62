// A filtered view over the host's LogStore that stays cheap with 100k lines: without a filter it reads
// the ring directly; with one it keeps the sequence numbers of matching lines, extended batch by batch.
import type {LogStore} from '../log-store.js';
import type {LogLine} from '../api/types.js';

export const logLevels: LogLine['level'][] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

export interface LogFilter {
	/** Lowest level shown. */
	minLevel: LogLine['level'];
	/** Case-insensitive text the message or fields must contain. */
	text: string;
}

export const noLogFilter: LogFilter = {minLevel: 'trace', text: ''};

export function nextLevel(level: LogLine['level']): LogLine['level'] {
	const order: LogLine['level'][] = ['trace', 'debug', 'info', 'warn', 'error'];
	return order[(order.indexOf(level) + 1) % order.length];
}

export class LogView {
	private matches: number[] = [];
	private head = 0;
	/** Matching lines seen since the view was built; grows monotonically. */
	appended = 0;
	private lastSeq = 0;

	constructor(
		private readonly store: LogStore,
		readonly filter: LogFilter,
	) {
		if (this.filtered) this.append(store.all());
		else this.appended = store.size;
		this.lastSeq = store.at(store.size - 1)?.seq ?? 0;
	}

	get filtered(): boolean {
		return this.filter.minLevel !== 'trace' || this.filter.text.trim() !== '';
	}

	accepts(line: LogLine): boolean {
		if (logLevels.indexOf(line.level) < logLevels.indexOf(this.filter.minLevel)) return false;
		const needle = this.filter.text.trim().toLowerCase();
		return !needle || line.msg.toLowerCase().includes(needle) || line.fields.toLowerCase().includes(needle);
	}

	/** Takes a batch of new lines from the store. */
	append(lines: LogLine[]): void {
		for (const line of lines) {
			if (line.seq <= this.lastSeq) continue;
			this.lastSeq = line.seq;
			if (!this.filtered) {
				this.appended++;
				continue;
			}
			if (!this.accepts(line)) continue;
			this.matches.push(line.seq);
			this.appended++;
		}
		if (this.filtered) this.prune();
	}

	get size(): number {
		return this.filtered ? this.matches.length - this.head : this.store.size;
	}

	/** Line `index` of the view (0 = oldest shown). */
	at(index: number): LogLine | undefined {
		if (!this.filtered) return this.store.at(index);
		const seq = this.matches[this.head + index];
		const first = this.store.at(0)?.seq;
		return seq === undefined || first === undefined ? undefined : this.store.at(seq - first);
	}

	slice(from: number, to: number): LogLine[] {
		const out: LogLine[] = [];
		for (let i = Math.max(0, from); i < Math.min(to, this.size); i++) {
			const line = this.at(i);
			if (line) out.push(line);
		}
		return out;
	}

	/** Sequence number of the newest line in the store (0 when empty). */
	get storeLastSeq(): number {
		return this.store.at(this.store.size - 1)?.seq ?? 0;
	}

	/**
	 * Lines of this view newer than `seq`. Counted by sequence number, so it holds whichever view
	 * (filter, level) was in place when `seq` was taken.
	 */
	countAfter(seq: number): number {
		return this.size - this.indexOfSeq(seq + 1);
	}

	/** Index of the first line with a sequence number at or after `seq`. */
	indexOfSeq(seq: number): number {
		if (!this.filtered) {
			const first = this.store.at(0)?.seq ?? seq;
			return Math.max(0, Math.min(this.size, seq - first));
		}
		let low = this.head;
		let high = this.matches.length;
		while (low < high) {
			const mid = (low + high) >> 1;
			if (this.matches[mid] < seq) low = mid + 1;
			else high = mid;
		}
		return low - this.head;
	}

	/** Drops matches the ring has already overwritten. */
	private prune(): void {
		const first = this.store.at(0)?.seq;
		if (first === undefined) return;
		while (this.head < this.matches.length && this.matches[this.head] < first) this.head++;
		if (this.head > 50_000) {
			this.matches = this.matches.slice(this.head);
			this.head = 0;
		}
	}
}
