// Benchmark: one host process through a simulated month (the soak's month without restarts: 30
// days of messages, tasks and WhatsApp drops). Every four simulated days the host idles a moment
// (as it does between messages), then its RSS and heap (after a GC) and the store's size on disk
// are read: once warm they should stay flat, growing only with the message history.
import fs from 'node:fs';
import path from 'node:path';
import {driveMonth, monthDir} from '../test/support/month-drive.js';
import {planMonth} from '../test/support/month-plan.js';

export interface MonthSample {
	day: number;
	rssMb: number;
	heapMb: number;
	/** The SQLite file, and its write-ahead log (truncated by retention every 6 hours). */
	storeMb: number;
	walMb: number;
}

export interface MonthFigures {
	samples: MonthSample[];
	start: MonthSample;
	/** Halfway through the month: warm. */
	middle: MonthSample;
	end: MonthSample;
	messages: number;
	seconds: number;
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
const fileMb = (home: string, name: string) => mb(fs.statSync(path.join(home, 'store', name), {throwIfNoEntry: false})?.size ?? 0);

export async function measureMonth(seed = 17): Promise<MonthFigures> {
	const dir = monthDir();
	const plan = planMonth(seed, {restarts: false});
	const samples: MonthSample[] = [];
	try {
		const record = await driveMonth(plan, {
			dir,
			idleSampleMs: 3000,
			onSample: (stats, home) => samples.push({day: Math.round(((stats.at - plan.start) / 86_400_000) * 10) / 10, rssMb: mb(stats.rss), heapMb: mb(stats.heapUsed), storeMb: fileMb(home, 'babybot.db'), walMb: fileMb(home, 'babybot.db-wal')}),
		});
		const middle = samples.reduce((best, sample) => (Math.abs(sample.day - 15) < Math.abs(best.day - 15) ? sample : best));
		return {samples, start: samples[0]!, middle, end: samples.at(-1)!, messages: plan.messages.length, seconds: Math.round(record.seconds)};
	} finally {
		fs.rmSync(dir, {recursive: true, force: true});
	}
}
