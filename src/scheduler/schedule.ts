// Pure schedule arithmetic: when a task first runs, when it runs next, and why a schedule is refused.
import {CronExpressionParser} from 'cron-parser';
import type {ScheduledTask, ScheduleType} from '../api/types.js';

export type ScheduleCheck = {ok: true; firstRun: string} | {ok: false; reason: string};

const scheduleTypes: readonly ScheduleType[] = ['cron', 'interval', 'once'];
const cronAliases = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@hourly', '@weekdays', '@weekends']);
const isoPattern = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/** Whether `tz` is an IANA time zone this runtime knows. */
export function isKnownTimezone(tz: string): boolean {
	try {
		new Intl.DateTimeFormat('en-US', {timeZone: tz});
		return true;
	} catch {
		return false;
	}
}

/**
 * Checks a schedule for a new (or re-scheduled) task and computes its first run.
 * `now` is epoch ms; a `once` time that is not after `now` is refused.
 */
export function validateSchedule(type: string, value: string, tz: string, now: number): ScheduleCheck {
	if (!isKnownTimezone(tz)) return {ok: false, reason: `time zone "${tz}" is unknown: set TZ to an IANA name such as Europe/Berlin`};
	if (!scheduleTypes.includes(type as ScheduleType)) {
		return {ok: false, reason: `schedule_type "${type}" is unknown: use cron, interval or once`};
	}
	const trimmed = value.trim();
	if (type === 'cron') {
		const problem = cronProblem(trimmed, tz);
		if (problem) return {ok: false, reason: problem};
		return {ok: true, firstRun: nextCron(trimmed, now, tz)};
	}
	if (type === 'interval') {
		const interval = parseInterval(trimmed);
		if (typeof interval === 'string') return {ok: false, reason: interval};
		return {ok: true, firstRun: new Date(now + interval).toISOString()};
	}
	const at = parseLocalIso(trimmed, tz);
	if (typeof at === 'string') return {ok: false, reason: at};
	if (at <= now) {
		return {ok: false, reason: `once time "${value}" is in the past (now is ${new Date(now).toISOString()}): give a future time`};
	}
	return {ok: true, firstRun: new Date(at).toISOString()};
}

/**
 * The run after the slot `task.nextRun` has been taken at `now`: the first slot strictly after both,
 * so missed slots are skipped rather than replayed. `null` for `once` (the task is then completed).
 */
export function nextRunAfter(
	task: Pick<ScheduledTask, 'scheduleType' | 'scheduleValue' | 'nextRun'>,
	now: number,
	tz: string,
): string | null {
	const slot = task.nextRun ? Date.parse(task.nextRun) : Number.NaN;
	const from = Number.isNaN(slot) ? now : Math.max(slot, now);
	if (task.scheduleType === 'once') return null;
	if (task.scheduleType === 'cron') return nextCron(task.scheduleValue.trim(), from, tz);
	const interval = parseInterval(task.scheduleValue.trim());
	if (typeof interval === 'string') throw new Error(interval);
	if (Number.isNaN(slot)) return new Date(now + interval).toISOString();
	// Anchored to the schedule: slot + k·interval, the first one after `from`.
	const steps = Math.floor((from - slot) / interval) + 1;
	return new Date(slot + steps * interval).toISOString();
}

/**
 * The next `count` run times of a task, for checking a schedule before it fires: an active task's
 * next run and those after it; a paused one's as they would be once resumed now; none once completed.
 */
export function upcomingRuns(
	task: Pick<ScheduledTask, 'scheduleType' | 'scheduleValue' | 'nextRun' | 'status'>,
	now: number,
	tz: string,
	count = 3,
): string[] {
	if (task.status === 'completed' || !task.nextRun) return [];
	if (task.scheduleType === 'once') return [task.nextRun];
	const first = task.status === 'paused' && Date.parse(task.nextRun) <= now ? nextRunAfter(task, now, tz) : task.nextRun;
	const runs = first ? [first] : [];
	while (runs.length < count) {
		const slot = runs.at(-1)!;
		const next = nextRunAfter({...task, nextRun: slot}, Date.parse(slot), tz);
		if (!next) break;
		runs.push(next);
	}
	return runs;
}

/** The latest `count` slots of a recurring schedule at or before `now`, latest first. */
export function slotsUpTo(task: Pick<ScheduledTask, 'scheduleType' | 'scheduleValue' | 'nextRun'>, now: number, tz: string, count: number): string[] {
	if (task.scheduleType === 'cron') {
		const slots = CronExpressionParser.parse(task.scheduleValue.trim(), {currentDate: new Date(now + 1), tz});
		return Array.from({length: count}, () => slots.prev().toISOString()).filter((slot): slot is string => slot !== null);
	}
	const interval = parseInterval(task.scheduleValue.trim());
	if (typeof interval === 'string') throw new Error(interval);
	const anchor = task.nextRun ? Date.parse(task.nextRun) : now;
	const last = anchor + Math.floor((now - anchor) / interval) * interval;
	return Array.from({length: count}, (_, k) => new Date(last - k * interval).toISOString());
}

function nextCron(expression: string, after: number, tz: string): string {
	const next = CronExpressionParser.parse(expression, {currentDate: new Date(after), tz}).next().toISOString();
	if (!next) throw new Error(`cron "${expression}" has no next run`);
	return next;
}

function cronProblem(expression: string, tz: string): string | null {
	const fields = expression.split(/\s+/).filter(Boolean);
	const isAlias = fields.length === 1 && cronAliases.has(fields[0]!.toLowerCase());
	if (!isAlias && fields.length === 6) {
		return `cron "${expression}" has 6 fields: seconds are not supported, use 5 (minute hour day month weekday)`;
	}
	if (!isAlias && fields.length !== 5) {
		return `cron "${expression}" must have 5 fields (minute hour day month weekday), e.g. "0 9 * * 1-5"`;
	}
	try {
		CronExpressionParser.parse(expression, {tz}).next();
		return null;
	} catch (error) {
		return `cron "${expression}" is invalid (${error instanceof Error ? error.message : String(error)}): use 5 fields such as "0 9 * * 1-5"`;
	}
}

/** Milliseconds, or why the value is refused. */
function parseInterval(value: string): number | string {
	const ms = /^\d+$/.test(value) ? Number(value) : Number.NaN;
	if (!Number.isSafeInteger(ms) || ms <= 0) {
		return `interval "${value}" must be a whole number of milliseconds > 0, e.g. 3600000 for hourly`;
	}
	return ms;
}

/** Epoch ms of an ISO time; a time without offset or Z is wall time in `tz`. */
export function parseLocalIso(value: string, tz: string): number | string {
	const match = isoPattern.exec(value);
	const usage = `once time "${value}" is not an ISO time: use e.g. 2025-06-01T09:00:00 (local) or 2025-06-01T07:00:00Z`;
	if (!match) return usage;
	const [, y, mo, d, h = '0', mi = '0', s = '0', ms = '0', offset] = match;
	const parts = [Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s), Number(ms.padEnd(3, '0'))] as const;
	const wall = Date.UTC(parts[0], parts[1] - 1, parts[2], parts[3], parts[4], parts[5], parts[6]);
	const check = new Date(wall);
	if (
		check.getUTCFullYear() !== parts[0] ||
		check.getUTCMonth() !== parts[1] - 1 ||
		check.getUTCDate() !== parts[2] ||
		parts[3] > 23 ||
		parts[4] > 59 ||
		parts[5] > 59
	) {
		return `once time "${value}" is not a real date or time: check the month, day and hour`;
	}
	if (offset) {
		if (offset.toUpperCase() === 'Z') return wall;
		const sign = offset.startsWith('-') ? -1 : 1;
		const digits = offset.slice(1).replace(':', '');
		const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2));
		return wall - sign * minutes * 60_000;
	}
	// Wall time in tz: try the offsets in force around it and keep one that maps back to the same wall time.
	const candidates = [...new Set([offsetAt(wall - 86_400_000, tz), offsetAt(wall, tz), offsetAt(wall + 86_400_000, tz)])]
		.map((offsetMs) => wall - offsetMs)
		.filter((instant) => instant + offsetAt(instant, tz) === wall)
		.sort((a, b) => a - b);
	if (candidates.length === 0) {
		return `once time "${value}" does not exist in ${tz} (the clocks skip it): pick a time outside the DST change`;
	}
	return candidates[0]!;
}

/** Offset of `tz` from UTC at `instant`, in ms (positive east of Greenwich). */
function offsetAt(instant: number, tz: string): number {
	const format = new Intl.DateTimeFormat('en-US', {
		timeZone: tz,
		hourCycle: 'h23',
		year: 'numeric',
		month: 'numeric',
		day: 'numeric',
		hour: 'numeric',
		minute: 'numeric',
		second: 'numeric',
	});
	const parts = format.formatToParts(new Date(instant));
	const get = (type: string) => Number(parts.find((part) => part.type === type)?.value);
	const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
	return asUtc - (instant - (instant % 1000 + 1000) % 1000);
}
