// Pure misfire policy: what a task does when its slot is found long past (the host was down, the
// machine asleep, or its previous run was still going).
import type {MisfirePolicy, ScheduledTask} from '../api/types.js';
import {nextRunAfter, slotsUpTo} from './schedule.js';

export const misfirePolicies: readonly MisfirePolicy[] = ['catch-up', 'once', 'skip'];
export const defaultMisfire: MisfirePolicy = 'once';
/** A slot claimed later than this after its time was missed. */
export const misfireGraceMs = 60_000;
/** Most missed occurrences `catch-up` runs; older ones are passed. */
export const maxCatchUpRuns = 10;

/** Whether this due slot runs, and the task's next run after it (null completes the task). */
export interface DuePlan {
	run: boolean;
	next: string | null;
	/** The slot was missed (found later than the grace period). */
	missed: boolean;
}

type DueTask = Pick<ScheduledTask, 'scheduleType' | 'scheduleValue' | 'nextRun' | 'misfire'>;

/** The plan for a task whose `nextRun` is due at `now` (epoch ms). Throws on a broken schedule. */
export function planDue(task: DueTask, now: number, tz: string): DuePlan {
	const slot = Date.parse(task.nextRun ?? '');
	const missed = !Number.isNaN(slot) && now - slot > misfireGraceMs;
	if (!missed || task.misfire === 'once') return {run: true, next: nextRunAfter(task, now, tz), missed};
	if (task.misfire === 'skip' || task.scheduleType === 'once') {
		return {run: task.misfire !== 'skip', next: nextRunAfter(task, now, tz), missed};
	}
	// catch-up: this run stands for the oldest missed slot still kept; the next one is due at once.
	const kept = slotsUpTo(task, now, tz, maxCatchUpRuns).filter((candidate) => Date.parse(candidate) >= slot);
	const oldest = kept.at(-1) ?? task.nextRun!;
	return {run: true, next: nextRunAfter({...task, nextRun: oldest}, Date.parse(oldest), tz), missed};
}

/** A one-line error for a misfire value that is not a policy, or null. */
export function misfireProblem(value: string): string | null {
	return misfirePolicies.includes(value as MisfirePolicy) ? null : `misfire "${value}" is unknown: use catch-up, once or skip`;
}
