// The soak's month comes from a seed; every seed must make a month it can play, or the soak would
// fail for some seeds and not others. Pure: checks the plans of 500 seeds.
import {describe, expect, it} from 'vitest';
import {planMonth} from '../support/month-plan.js';

const day = 24 * 60 * 60_000;

describe('month plans', () => {
	it('every seed: uptimes in order, one outage of 4 days, each way of stopping, messages only while up', () => {
		const problems: string[] = [];
		for (let seed = 0; seed < 500; seed++) {
			const plan = planMonth(seed);
			const up = (at: number) => plan.ups.some(([from, to]) => at >= from && at < to);
			if (plan.ups.some(([from, to], i) => !(from < to) || (i > 0 && !(plan.ups[i - 1]![1] < from)))) problems.push(`${seed}: uptimes out of order`);
			if (!plan.ups.some(([from], i) => i > 0 && from - plan.ups[i - 1]![1] > 4 * day)) problems.push(`${seed}: no 4-day outage`);
			const hows = new Set(plan.events.flatMap((event) => (event.kind === 'restart' ? [event.how] : [])));
			if (hows.size !== 4) problems.push(`${seed}: ${[...hows].join(',')}`);
			for (const event of plan.events) if (event.kind === 'messages' && !up(event.at)) problems.push(`${seed}: messages at ${new Date(event.at).toISOString()} while down`);
			if (plan.pause.from >= plan.pause.to || !up(plan.pause.from) || !up(plan.pause.to)) problems.push(`${seed}: the unregistered stretch is not in uptime`);
		}
		expect(problems.slice(0, 10)).toEqual([]);
	});

	it('the same seed plans the same month', () => {
		expect(JSON.stringify(planMonth(42))).toBe(JSON.stringify(planMonth(42)));
	});
});
