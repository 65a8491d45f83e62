import {describe, expect, it} from 'vitest';
import {misfireProblem, planDue} from '../../src/scheduler/misfire.js';
import {upcomingRuns} from '../../src/scheduler/schedule.js';
import type {MisfirePolicy, ScheduleType, TaskStatus} from '../../src/api/types.js';

const at = (iso: string) => Date.parse(iso);
const hourly = {scheduleType: 'interval' as ScheduleType, scheduleValue: '3600000', nextRun: '2026-03-01T10:00:00.000Z'};
const daily9 = {scheduleType: 'cron' as ScheduleType, scheduleValue: '0 9 * * *', nextRun: '2026-03-27T08:00:00.000Z'};
const onceAt10 = {scheduleType: 'once' as ScheduleType, scheduleValue: '2026-03-01T10:00:00Z', nextRun: '2026-03-01T10:00:00.000Z'};

describe('planDue: what a due slot does under each misfire policy', () => {
	it.each<[string, typeof hourly, MisfirePolicy, string, string, {run: boolean; next: string | null; missed: boolean}]>([
		['on time', hourly, 'once', '2026-03-01T10:00:00.050Z', 'UTC', {run: true, next: '2026-03-01T11:00:00.000Z', missed: false}],
		['late within the grace period, even when skipping', hourly, 'skip', '2026-03-01T10:00:30.000Z', 'UTC', {run: true, next: '2026-03-01T11:00:00.000Z', missed: false}],
		['missed, once: one run now, then the next slot', hourly, 'once', '2026-03-01T15:30:00.000Z', 'UTC', {run: true, next: '2026-03-01T16:00:00.000Z', missed: true}],
		['missed, skip: no run, the next slot', hourly, 'skip', '2026-03-01T15:30:00.000Z', 'UTC', {run: false, next: '2026-03-01T16:00:00.000Z', missed: true}],
		['missed 6, catch-up: this one, then the next missed one at once', hourly, 'catch-up', '2026-03-01T15:30:00.000Z', 'UTC', {run: true, next: '2026-03-01T11:00:00.000Z', missed: true}],
		['missed 21, catch-up: only the last 10 (21:00 … 06:00)', hourly, 'catch-up', '2026-03-02T06:30:00.000Z', 'UTC', {run: true, next: '2026-03-01T22:00:00.000Z', missed: true}],
		['cron across the DST change, catch-up', daily9, 'catch-up', '2026-03-31T12:00:00.000Z', 'Europe/Berlin', {run: true, next: '2026-03-28T08:00:00.000Z', missed: true}],
		['cron across the DST change, skip: 9:00 summer time', daily9, 'skip', '2026-03-31T12:00:00.000Z', 'Europe/Berlin', {run: false, next: '2026-04-01T07:00:00.000Z', missed: true}],
		['cron across the DST change, once', daily9, 'once', '2026-03-31T12:00:00.000Z', 'Europe/Berlin', {run: true, next: '2026-04-01T07:00:00.000Z', missed: true}],
		['a once task missed, once: runs, completes', onceAt10, 'once', '2026-03-01T15:00:00.000Z', 'UTC', {run: true, next: null, missed: true}],
		['a once task missed, catch-up: runs, completes', onceAt10, 'catch-up', '2026-03-01T15:00:00.000Z', 'UTC', {run: true, next: null, missed: true}],
		['a once task missed, skip: completes without running', onceAt10, 'skip', '2026-03-01T15:00:00.000Z', 'UTC', {run: false, next: null, missed: true}],
	])('%s', (_name, task, misfire, now, tz, expected) => {
		expect(planDue({...task, misfire}, at(now), tz)).toEqual(expected);
	});

	it('catch-up runs each missed slot exactly once, then goes on from the schedule', () => {
		let task = {...hourly, misfire: 'catch-up' as MisfirePolicy};
		const now = at('2026-03-01T13:30:00.000Z');
		const ran: string[] = [];
		while (Date.parse(task.nextRun!) <= now) {
			const plan = planDue(task, now, 'UTC');
			if (plan.run) ran.push(task.nextRun!);
			task = {...task, nextRun: plan.next!};
		}
		expect(ran).toEqual(['2026-03-01T10:00:00.000Z', '2026-03-01T11:00:00.000Z', '2026-03-01T12:00:00.000Z', '2026-03-01T13:00:00.000Z']);
		expect(task.nextRun).toBe('2026-03-01T14:00:00.000Z');
	});

	it.each([
		['catch-up', null],
		['once', null],
		['skip', null],
		['always', 'misfire "always" is unknown: use catch-up, once or skip'],
	])('misfireProblem(%j)', (value, expected) => {
		expect(misfireProblem(value)).toBe(expected);
	});
});

describe('upcomingRuns: the next three run times the Tasks pane shows', () => {
	const now = at('2026-03-27T12:00:00.000Z');
	it.each<[string, {scheduleType: ScheduleType; scheduleValue: string; nextRun: string | null; status: TaskStatus}, string, string[]]>([
		['daily at 9 across the DST change', {...daily9, nextRun: '2026-03-28T08:00:00.000Z', status: 'active'}, 'Europe/Berlin', ['2026-03-28T08:00:00.000Z', '2026-03-29T07:00:00.000Z', '2026-03-30T07:00:00.000Z']],
		['hourly, due now', {...hourly, nextRun: '2026-03-27T12:00:00.000Z', status: 'active'}, 'UTC', ['2026-03-27T12:00:00.000Z', '2026-03-27T13:00:00.000Z', '2026-03-27T14:00:00.000Z']],
		['paused long ago: as if resumed now', {...hourly, nextRun: '2026-03-01T10:00:00.000Z', status: 'paused'}, 'UTC', ['2026-03-27T13:00:00.000Z', '2026-03-27T14:00:00.000Z', '2026-03-27T15:00:00.000Z']],
		['once', {...onceAt10, nextRun: '2026-03-28T10:00:00.000Z', status: 'active'}, 'UTC', ['2026-03-28T10:00:00.000Z']],
		['completed', {...onceAt10, nextRun: null, status: 'completed'}, 'UTC', []],
	])('%s', (_name, task, tz, expected) => {
		expect(upcomingRuns(task, now, tz)).toEqual(expected);
	});
});
