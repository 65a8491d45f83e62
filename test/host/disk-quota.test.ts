import {describe, expect, it} from 'vitest';
import {DiskQuota, type MeasureFolder} from '../../src/host/disk-quota.js';

/** A `du` stand-in the test answers by hand, so a measurement can be left under way. */
function manualMeasure() {
	const calls: Array<{dir: string; answer: (kb: number | undefined) => void}> = [];
	const measure: MeasureFolder = (dir) => new Promise((resolve) => calls.push({dir, answer: resolve}));
	return {measure, calls};
}

describe('the disk quota of a group folder', () => {
	it('measures before the first run, refuses a group over its quota with what to do, and lets it run again once under', async () => {
		const {measure, calls} = manualMeasure();
		const quota = new DiskQuota({quotaMb: 20, measure});
		const first = quota.problem('family', '/g/family');
		calls[0]!.answer(5 * 1024);
		expect(await first).toBeUndefined();
		const after = quota.remeasure('family', '/g/family');
		calls[1]!.answer(30 * 1024);
		await after;
		expect(await quota.problem('family', '/g/family')).toBe('the group folder uses 30 MB, over its disk quota of 20 MB: delete files in it (or raise GROUP_DISK_QUOTA_MB), then send the message again');
		void quota.remeasure('family', '/g/family');
		calls[2]!.answer(10 * 1024);
		expect(await quota.problem('family', '/g/family')).toBeUndefined();
		expect(calls).toHaveLength(3);
	});

	it('a start waits for the measurement the last run began (a run that just filled the folder is not missed)', async () => {
		const {measure, calls} = manualMeasure();
		const quota = new DiskQuota({quotaMb: 20, measure});
		const first = quota.problem('family', '/g/family');
		calls[0]!.answer(1024);
		await first;
		void quota.remeasure('family', '/g/family');
		const next = quota.problem('family', '/g/family');
		calls[1]!.answer(50 * 1024);
		expect(await next).toMatch(/over its disk quota of 20 MB/);
	});

	it('turns that end while du runs share one more measurement after it, and a start waits for that one', async () => {
		const {measure, calls} = manualMeasure();
		const quota = new DiskQuota({quotaMb: 20, measure});
		void quota.remeasure('family', '/g/family');
		const second = quota.remeasure('family', '/g/family');
		const third = quota.remeasure('family', '/g/family');
		expect(third).toBe(second);
		const start = quota.problem('family', '/g/family');
		calls[0]!.answer(1024);
		await new Promise((resolve) => setImmediate(resolve));
		expect(calls).toHaveLength(2);
		calls[1]!.answer(50 * 1024);
		await second;
		expect(await start).toMatch(/over its disk quota of 20 MB/);
		expect(calls).toHaveLength(2);
	});

	it("allows a start when du cannot tell in time (the bound is on the host's work, never a reason to refuse)", async () => {
		const {measure, calls} = manualMeasure();
		const quota = new DiskQuota({quotaMb: 20, measure});
		const first = quota.problem('family', '/g/family');
		calls[0]!.answer(undefined);
		expect(await first).toBeUndefined();
	});
});
