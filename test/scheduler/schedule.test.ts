import {describe, expect, it} from 'vitest';
import {nextRunAfter, parseLocalIso, validateSchedule} from '../../src/scheduler/schedule.js';
import type {ScheduleType} from '../../src/api/types.js';

const at = (iso: string) => Date.parse(iso);

describe('validateSchedule', () => {
	const now = at('2025-03-29T12:00:00Z');
	it.each([
		// type, value, tz, first run
		['cron', '0 9 * * 1-5', 'UTC', '2025-03-31T09:00:00.000Z'],
		['cron', '0 9 * * 1-5', 'Europe/Berlin', '2025-03-31T07:00:00.000Z'],
		['cron', '@daily', 'UTC', '2025-03-30T00:00:00.000Z'],
		// spring forward in Berlin: 02:30 does not exist on 2025-03-30, cron runs at 03:30 CEST
		['cron', '30 2 * * *', 'Europe/Berlin', '2025-03-30T01:30:00.000Z'],
		['cron', ' 0 12 * * * ', 'America/New_York', '2025-03-29T16:00:00.000Z'],
		['interval', '3600000', 'UTC', '2025-03-29T13:00:00.000Z'],
		['interval', '1', 'UTC', '2025-03-29T12:00:00.001Z'],
		['once', '2025-03-29T14:00:00', 'Europe/Berlin', '2025-03-29T13:00:00.000Z'],
		['once', '2025-03-30T14:00:00', 'Europe/Berlin', '2025-03-30T12:00:00.000Z'],
		['once', '2025-03-29T14:00:00Z', 'Europe/Berlin', '2025-03-29T14:00:00.000Z'],
		['once', '2025-03-29T20:00:00+05:30', 'UTC', '2025-03-29T14:30:00.000Z'],
		['once', '2025-03-29T10:00:00-0300', 'UTC', '2025-03-29T13:00:00.000Z'],
		['once', '2025-03-29 23:15', 'America/Los_Angeles', '2025-03-30T06:15:00.000Z'],
		['once', '2025-04-01', 'Asia/Tokyo', '2025-03-31T15:00:00.000Z'],
	])('%s %j in %s first runs at %s', (type, value, tz, first) => {
		expect(validateSchedule(type, value, tz, now)).toEqual({ok: true, firstRun: first});
	});

	it.each([
		['weekly', '1', 'UTC', 'schedule_type "weekly" is unknown: use cron, interval or once'],
		['cron', 'bogus', 'UTC', 'must have 5 fields'],
		['cron', '', 'UTC', 'must have 5 fields'],
		['cron', '* * *', 'UTC', 'must have 5 fields'],
		['cron', '0 0 9 * * *', 'UTC', 'seconds are not supported'],
		['cron', '61 * * * *', 'UTC', 'is invalid (Constraint error'],
		['cron', '0 0 30 2 *', 'UTC', 'is invalid'],
		['cron', '0 9 * * *', 'Mars/Base', 'time zone "Mars/Base" is unknown'],
		['interval', '0', 'UTC', 'must be a whole number of milliseconds > 0'],
		['interval', '-5', 'UTC', 'must be a whole number of milliseconds > 0'],
		['interval', '1.5', 'UTC', 'must be a whole number of milliseconds > 0'],
		['interval', '1h', 'UTC', 'must be a whole number of milliseconds > 0'],
		['interval', '99999999999999999999', 'UTC', 'must be a whole number of milliseconds > 0'],
		['once', 'tomorrow', 'UTC', 'is not an ISO time'],
		['once', '2025-02-30T09:00:00', 'UTC', 'is not a real date or time'],
		['once', '2025-04-01T24:00:00', 'UTC', 'is not a real date or time'],
		['once', '2025-03-29T11:59:59Z', 'UTC', 'is in the past'],
		['once', '2025-03-29T12:00:00Z', 'UTC', 'is in the past'],
		// 02:30 on 2025-03-30 never happens in Berlin
		['once', '2025-03-30T02:30:00', 'Europe/Berlin', 'does not exist in Europe/Berlin'],
	])('refuses %s %j in %s: %s', (type, value, tz, reason) => {
		const check = validateSchedule(type, value, tz, now);
		expect(check.ok).toBe(false);
		expect(check.ok ? '' : check.reason).toContain(reason);
	});
});

describe('parseLocalIso', () => {
	it.each([
		// autumn fall back in Berlin: 02:30 happens twice, the first (CEST) is taken
		['2025-10-26T02:30:00', 'Europe/Berlin', '2025-10-26T00:30:00.000Z'],
		['2025-10-26T03:30:00', 'Europe/Berlin', '2025-10-26T02:30:00.000Z'],
		['2025-07-01T00:00:00.5', 'UTC', '2025-07-01T00:00:00.500Z'],
		['2025-11-02T01:30:00', 'America/New_York', '2025-11-02T05:30:00.000Z'],
	])('%s in %s is %s', (value, tz, iso) => {
		expect(new Date(parseLocalIso(value, tz) as number).toISOString()).toBe(iso);
	});
});

describe('nextRunAfter', () => {
	it.each<[ScheduleType, string, string | null, string, string, string | null]>([
		// type, value, slot taken, now, tz, next
		['interval', '60000', '2025-01-01T10:00:00.000Z', '2025-01-01T10:00:00.050Z', 'UTC', '2025-01-01T10:01:00.000Z'],
		// missed slots (host down 5.5 min) are skipped, not replayed; the grid stays anchored
		['interval', '60000', '2025-01-01T10:00:00.000Z', '2025-01-01T10:05:30.000Z', 'UTC', '2025-01-01T10:06:00.000Z'],
		['interval', '60000', '2025-01-01T10:00:00.000Z', '2025-01-01T10:01:00.000Z', 'UTC', '2025-01-01T10:02:00.000Z'],
		// a slot taken early (before its time) still moves one step
		['interval', '60000', '2025-01-01T10:00:00.000Z', '2025-01-01T09:59:00.000Z', 'UTC', '2025-01-01T10:01:00.000Z'],
		['interval', '60000', null, '2025-01-01T10:00:00.000Z', 'UTC', '2025-01-01T10:01:00.000Z'],
		['cron', '0 9 * * *', '2025-01-01T09:00:00.000Z', '2025-01-01T09:00:02.000Z', 'UTC', '2025-01-02T09:00:00.000Z'],
		// missed cron runs (down for 3 days) are skipped
		['cron', '0 9 * * *', '2025-01-01T09:00:00.000Z', '2025-01-04T10:00:00.000Z', 'UTC', '2025-01-05T09:00:00.000Z'],
		// across the autumn DST change in Berlin: 09:00 local is 07:00Z before and 08:00Z after
		['cron', '0 9 * * *', '2025-10-25T07:00:00.000Z', '2025-10-25T07:00:01.000Z', 'Europe/Berlin', '2025-10-26T08:00:00.000Z'],
		// fall back: 02:30 local happens twice, the cron runs once
		['cron', '30 2 * * *', '2025-10-25T00:30:00.000Z', '2025-10-25T00:30:01.000Z', 'Europe/Berlin', '2025-10-26T00:30:00.000Z'],
		['cron', '30 2 * * *', '2025-10-26T00:30:00.000Z', '2025-10-26T00:30:01.000Z', 'Europe/Berlin', '2025-10-27T01:30:00.000Z'],
		['once', '2025-01-01T09:00:00Z', '2025-01-01T09:00:00.000Z', '2025-01-01T09:00:01.000Z', 'UTC', null],
	])('%s %j after slot %s at %s (%s) → %s', (scheduleType, scheduleValue, nextRun, now, tz, next) => {
		expect(nextRunAfter({scheduleType, scheduleValue, nextRun}, at(now), tz)).toBe(next);
	});
});
