// A month in a minute: 30 simulated days against real host processes (restarted, some SIGKILLed,
// some in the middle of a turn), the real agent-runner, the scripted Ollama and the fake WhatsApp
// socket (dropping and returning). A user would notice every assertion: each message that should
// be answered is answered exactly once, each task ran exactly as its schedule and misfire policy
// say, nothing is stuck, and the log folder, the log ring and the store stay under their bounds.
// The month comes from a seed, printed first: SOAK_SEED=<seed> plays the same month again.
import fs from 'node:fs';
import path from 'node:path';
import {CronExpressionParser} from 'cron-parser';
import {afterAll, describe, expect, it} from 'vitest';
import {queryStore} from '../support/cli.js';
import {driveMonth, monthDir, type MonthRecord} from '../support/month-drive.js';
import {groups, planMonth, timezone, type MonthPlan, type PlanTask} from '../support/month-plan.js';

const seed = process.env.SOAK_SEED ? Number(process.env.SOAK_SEED) : Math.floor(Math.random() * 2 ** 31);
const logMaxSize = 16 * 1024;
const settings = {LOG_MAX_SIZE: String(logMaxSize), LOG_MAX_FILES: '3', RETENTION_DAYS: '20'};
// A small ring, so a month fills it many times over.
const logRing = 20;
const day = 24 * 60 * 60_000;

process.stderr.write(`soak: seed ${seed} (SOAK_SEED=${seed} plays this month again)\n`);
const dir = monthDir();
afterAll(() => fs.rmSync(dir, {recursive: true, force: true}));

/** When a task is due over the month: its slots from its creation at the month's start. */
function slotsOf(task: PlanTask, plan: MonthPlan): number[] {
	if (task.scheduleType === 'once') return [Date.parse(task.scheduleValue)];
	const slots: number[] = [];
	if (task.scheduleType === 'interval') {
		for (let at = plan.start + Number(task.scheduleValue); at <= plan.end; at += Number(task.scheduleValue)) slots.push(at);
		return slots;
	}
	const cron = CronExpressionParser.parse(task.scheduleValue, {currentDate: new Date(plan.start), tz: timezone});
	for (let at = Date.parse(cron.next().toISOString()!); at <= plan.end; at = Date.parse(cron.next().toISOString()!)) slots.push(at);
	return slots;
}

/**
 * How often a task runs: each slot while the host is up and the task active, and at each restart
 * what its misfire policy makes of the slots missed while the host was down.
 */
function expectedRuns(task: PlanTask, plan: MonthPlan): number {
	const paused = (at: number) => task.folder === plan.pause.folder && task.scheduleType !== 'once' && at >= plan.pause.from && at < plan.pause.to;
	const slots = slotsOf(task, plan).filter((at) => !paused(at));
	let runs = 0;
	plan.ups.forEach(([from, to], index) => {
		const missed = index === 0 ? 0 : slots.filter((at) => at >= plan.ups[index - 1]![1] && at < from).length;
		if (missed > 0) runs += task.misfire === 'once' ? 1 : task.misfire === 'skip' ? 0 : Math.min(missed, 10);
		runs += slots.filter((at) => at >= from && at < to).length;
	});
	return runs;
}

/** How many WhatsApp answers to its chat name each message (the model answers `ack <tokens>`). */
function answersByToken(record: MonthRecord): Map<string, number> {
	const counts = new Map<string, number>();
	for (const sent of record.sent) {
		if (!sent.text.startsWith('ack ')) continue;
		for (const token of new Set(sent.text.slice(4).split(' '))) counts.set(`${sent.jid} ${token}`, (counts.get(`${sent.jid} ${token}`) ?? 0) + 1);
	}
	return counts;
}

describe(`a month in a minute (seed ${seed})`, () => {
	const plan = planMonth(seed);
	let record: MonthRecord;

	it('plays 30 days: restarts, kills, outages, WhatsApp drops, a group unregistered and back', async () => {
		// The plan itself: uptimes in order and apart, one outage of four days, each way of stopping.
		plan.ups.forEach(([from, to], index) => expect(from < to && (index === 0 || plan.ups[index - 1]![1] < from)).toBe(true));
		expect(plan.ups.some(([from], index) => index > 0 && from - plan.ups[index - 1]![1] > 4 * day)).toBe(true);
		expect(new Set(plan.events.flatMap((event) => (event.kind === 'restart' ? [event.how] : [])))).toEqual(new Set(['stop', 'kill', 'stop-mid-turn', 'kill-mid-turn']));
		record = await driveMonth(plan, {dir, env: settings, logRing, progress: (text) => process.stderr.write(`soak: ${text}\n`)});
		process.stderr.write(`soak: ${record.hostStarts} host starts, ${record.sent.length} WhatsApp sends, ${[...record.taskRuns.values()].reduce((a, b) => a + b, 0)} task runs in ${record.seconds.toFixed(1)} s\n`);
		expect(record.hostStarts).toBe(plan.ups.length);
	}, 300_000);

	it('answers every message that should be answered exactly once, and chatter never on its own', () => {
		const counts = answersByToken(record);
		const wrong = plan.messages.filter((m) => m.answerable && counts.get(`${m.jid} ${m.token}`) !== 1).map((m) => `${m.token} (${m.text.slice(0, 30)}): ${counts.get(`${m.jid} ${m.token}`) ?? 0}×`);
		expect(wrong).toEqual([]);
		const twice = plan.messages.filter((m) => (counts.get(`${m.jid} ${m.token}`) ?? 0) > 1).map((m) => m.token);
		expect(twice).toEqual([]);
		const answerable = new Set(plan.messages.filter((m) => m.answerable).map((m) => m.token));
		const triggerChats = new Set(groups.filter((g) => g.requiresTrigger).map((g) => g.jid));
		const unprompted = record.sent.filter((sent) => triggerChats.has(sent.jid) && sent.text.startsWith('ack ') && !sent.text.split(' ').some((token) => answerable.has(token)));
		expect(unprompted).toEqual([]);
		expect(plan.messages.filter((m) => m.answerable).length).toBeGreaterThan(200);
	});

	it('runs every task exactly as its schedule and misfire policy say', () => {
		const counted = plan.tasks.map((task) => ({task: task.name, runs: record.taskRuns.get(record.taskIds.get(task.name)!) ?? 0}));
		expect(counted).toEqual(plan.tasks.map((task) => ({task: task.name, runs: expectedRuns(task, plan)})));
		// The daily task ran on time at 9:00 Berlin time on both sides of the DST change (in what the store keeps).
		const daily = queryStore<{run_at: string}>(record.home, 'SELECT run_at FROM task_run_logs WHERE task_id = ?', record.taskIds.get('work-daily-9'));
		const onTime = daily.map((row) => row.run_at).filter((at) => at.endsWith(':00:00.000Z'));
		const local = (at: string) => new Intl.DateTimeFormat('en-GB', {timeZone: timezone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23'}).format(new Date(at));
		expect(new Set(onTime.map(local))).toEqual(new Set(['09:00']));
		expect(new Set(onTime.map((at) => at.slice(11, 13)))).toEqual(new Set(['08', '07']));
	});

	it('leaves no task stuck: nothing claimed, nothing overdue, every once task completed', () => {
		expect(queryStore(record.home, 'SELECT id FROM scheduled_tasks WHERE claimed_slot IS NOT NULL')).toEqual([]);
		const stuck = record.finalTasks.filter((task) => task.status === 'active' && (!task.nextRun || Date.parse(task.nextRun) <= plan.end));
		expect(stuck).toEqual([]);
		const once = plan.tasks.filter((task) => task.scheduleType === 'once').map((task) => record.finalTasks.find((t) => t.id === record.taskIds.get(task.name))!.status);
		expect(once).toEqual(['completed', 'completed', 'completed']);
		expect(record.finalTasks.filter((task) => task.status === 'paused')).toEqual([]);
	});

	it('keeps the log folder, the log ring and the store under their bounds', () => {
		const logsDir = path.join(record.home, 'logs');
		const files = fs.readdirSync(logsDir);
		expect(files.length).toBeLessThanOrEqual(3);
		for (const file of files) expect(fs.statSync(path.join(logsDir, file)).size).toBeLessThanOrEqual(logMaxSize + 16 * 1024);
		expect(files).toContain('babybot.log.2'); // it did rotate
		for (const stats of record.stats) expect(stats.ringSize).toBeLessThanOrEqual(logRing);
		expect(Math.max(...record.stats.map((stats) => stats.linesLogged))).toBeGreaterThan(logRing); // the ring was full and stayed bounded
		const cutoff = new Date(plan.end - 20 * day - day / 4).toISOString();
		expect(queryStore(record.home, 'SELECT id FROM container_runs WHERE ended_at < ?', cutoff)).toEqual([]);
		expect(queryStore(record.home, 'SELECT id FROM task_run_logs WHERE run_at < ?', cutoff)).toEqual([]);
		expect(queryStore(record.home, 'SELECT id FROM outbox WHERE sent_at < ? OR given_up_at < ?', cutoff, cutoff)).toEqual([]);
		expect(queryStore(record.home, 'SELECT id FROM outbox WHERE sent_at IS NULL')).toEqual([]);
		const store = ['', '-wal'].reduce((sum, suffix) => sum + (fs.statSync(path.join(record.home, 'store', `babybot.db${suffix}`), {throwIfNoEntry: false})?.size ?? 0), 0);
		expect(store).toBeLessThan(16 * 1024 * 1024);
		const kept = queryStore<{n: number}>(record.home, 'SELECT COUNT(*) AS n FROM messages WHERE is_bot = 0')[0]!.n;
		expect(kept).toBe(plan.messages.length);
	});
});
