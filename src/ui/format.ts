// Pure text helpers for the panes: durations, cells, limits, verdicts.
import type {HostSnapshot} from '../api/host-api.js';
import type {ContainerRun, MisfirePolicy} from '../api/types.js';

/** `ms` as a short duration: 45s, 3m05s, 2h07m, 3d04h. */
export function formatDuration(ms: number): string {
	const total = Math.max(0, Math.floor(ms / 1000));
	if (total < 60) return `${total}s`;
	const minutes = Math.floor(total / 60);
	if (minutes < 60) return `${minutes}m${String(total % 60).padStart(2, '0')}s`;
	const hours = Math.floor(minutes / 60);
	if (hours < 24) return `${hours}h${String(minutes % 60).padStart(2, '0')}m`;
	return `${Math.floor(hours / 24)}d${String(hours % 24).padStart(2, '0')}h`;
}

/** Time since an ISO instant, or '-' when there is none. */
export function since(iso: string | null | undefined, now: number): string {
	if (!iso) return '-';
	const at = Date.parse(iso);
	return Number.isNaN(at) ? '-' : formatDuration(now - at);
}

/** Countdown to an ISO instant: 'in 3m05s', 'due' once passed, '-' when there is none. */
export function countdown(iso: string | null | undefined, now: number): string {
	if (!iso) return '-';
	const at = Date.parse(iso);
	if (Number.isNaN(at)) return '-';
	return at <= now ? 'due' : `in ${formatDuration(at - now)}`;
}

/** What each misfire policy does with runs missed while the host was down. */
export const misfireText: Record<MisfirePolicy, string> = {
	'catch-up': 'run each missed occurrence (at most the last 10)',
	once: 'run once now for all that were missed',
	skip: 'wait for the next occurrence',
};

/** An ISO instant as wall time in `tz`: `Sat 28 Mar 09:00`. */
export function localTime(iso: string, tz: string): string {
	const parts = new Intl.DateTimeFormat('en-GB', {timeZone: tz, weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23'}).formatToParts(new Date(iso));
	const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((part) => part.type === type)?.value ?? '';
	return `${get('weekday')} ${get('day')} ${get('month')} ${get('hour')}:${get('minute')}`;
}

/** Cuts or pads `text` to exactly `width` columns (one line, `…` when cut). */
export function fit(text: string, width: number): string {
	if (width <= 0) return '';
	const flat = text.replace(/[\r\n\t]+/g, ' ');
	const chars = Array.from(flat);
	if (chars.length <= width) return flat + ' '.repeat(width - chars.length);
	return chars.slice(0, Math.max(0, width - 1)).join('') + '…';
}

export type LimitState = 'ok' | 'idle-limit' | 'hard-limit';

/** Whether a live run is past its idle limit or its turn past the hard limit (an ended run never is). */
export function runLimitState(run: ContainerRun, limits: {idleTimeoutMs: number; hardTimeoutMs: number}, now: number): LimitState {
	if (run.state === 'ended') return 'ok';
	const started = Date.parse(run.startedAt);
	// The hard limit counts per turn; a warm run waiting for a follow-up (no turn) has none.
	const turnStarted = run.turnStartedAt === undefined ? started : run.turnStartedAt === null ? null : Date.parse(run.turnStartedAt);
	if (limits.hardTimeoutMs > 0 && turnStarted !== null && now - turnStarted > limits.hardTimeoutMs) return 'hard-limit';
	const lastOutput = run.lastOutputAt ? Date.parse(run.lastOutputAt) : started;
	if (limits.idleTimeoutMs > 0 && now - lastOutput > limits.idleTimeoutMs) return 'idle-limit';
	return 'ok';
}

export function isLive(run: ContainerRun): boolean {
	return run.state !== 'ended';
}

/** `items` where `filter` (case-insensitive) occurs in the row's search text. */
export function filterRows<Row>(items: Row[], filter: string, text: (row: Row) => string): Row[] {
	const needle = filter.trim().toLowerCase();
	if (!needle) return items;
	return items.filter((row) => text(row).toLowerCase().includes(needle));
}

/** First visible row so that `cursor` stays inside a window of `height` rows. */
export function windowStart(cursor: number, total: number, height: number, previousStart = 0): number {
	if (height <= 0 || total <= height) return 0;
	let start = Math.min(previousStart, total - height);
	if (cursor < start) start = cursor;
	if (cursor >= start + height) start = cursor - height + 1;
	return Math.max(0, Math.min(start, total - height));
}

export function clamp(value: number, min: number, max: number): number {
	return Math.max(min, Math.min(max, value));
}

/** A group's sandbox as the Groups pane shows it: red for UNSANDBOXED and for a failed sandbox check. */
export function sandboxLabel(snapshot: Pick<HostSnapshot, 'runtime' | 'sandboxChecks'>, folder: string): {text: string; color?: string} {
	if (!snapshot.runtime.sandboxed) return {text: 'UNSANDBOXED', color: 'red'};
	const verdict = snapshot.sandboxChecks[folder];
	switch (verdict?.state) {
		case 'ok':
			return {text: 'ok', color: 'green'};
		case 'failed':
			return {text: 'FAIL', color: 'red'};
		case 'checking':
			return {text: 'checking…', color: 'yellow'};
		case 'unchecked':
			return {text: 'unchecked', color: 'yellow'};
		default:
			return {text: '-'};
	}
}
