// Sleeps until the earliest next_run, claims due slots in the store and hands each run to the host.
import {randomBytes} from 'node:crypto';
import {systemClock, type HostClock} from '../clock.js';
import type {Logger} from '../logger.js';
import type {TaskStore} from '../store/tasks.js';
import type {ContextMode, MisfirePolicy, ScheduledTask, ScheduleType} from '../api/types.js';
import {defaultMisfire, misfireProblem, planDue, type DuePlan} from './misfire.js';
import {nextRunAfter, upcomingRuns, validateSchedule} from './schedule.js';

export type SchedulerClock = HostClock;

export interface TaskRunOutcome {
	ok: boolean;
	result?: string | null;
	error?: string;
	/** The run never began (the host stopped while it waited): its slot is given back, not logged. */
	notStarted?: boolean;
	/** The task's group is not registered: the run is logged as an error and the task paused. */
	groupGone?: boolean;
}

/**
 * `slot` is the claimed next_run (ISO), or null for a manual run; the host calls `started` when
 * the task's prompt goes to the agent.
 */
export type EnqueueTask = (task: ScheduledTask, slot: string | null, started: () => void) => Promise<TaskRunOutcome>;

export interface NewTaskInput {
	groupFolder: string;
	chatJid: string;
	prompt: string;
	scheduleType: ScheduleType;
	scheduleValue: string;
	contextMode?: ContextMode;
	misfire?: MisfirePolicy;
}

export interface TaskUpdate {
	prompt?: string;
	scheduleType?: ScheduleType;
	scheduleValue?: string;
	misfire?: MisfirePolicy;
}

export interface TaskSchedulerOptions {
	store: TaskStore;
	timezone: string;
	enqueueTask: EnqueueTask;
	clock?: SchedulerClock;
	logger?: Logger;
	/** Tasks changed (created, claimed, finished, paused…): for the UI. */
	onChange?: () => void;
	/** Longest single sleep; a later task is re-checked after it (guards against clock jumps). */
	maxSleepMs?: number;
}

/** One-line errors for actions on tasks; the message says what to do. */
export class TaskError extends Error {}

function checkMisfire(misfire: string | undefined): void {
	const problem = misfire === undefined ? null : misfireProblem(misfire);
	if (problem) throw new TaskError(problem);
}

const defaultMaxSleepMs = 60 * 60 * 1000;

export class TaskScheduler {
	private readonly clock: SchedulerClock;
	private readonly running = new Map<string, Promise<void>>();
	private cancelTimer: (() => void) | null = null;
	private started = false;

	constructor(private readonly options: TaskSchedulerOptions) {
		this.clock = options.clock ?? systemClock;
	}

	/** Logs runs a previous host left unfinished, then runs what is due and sleeps until the next task. */
	start(): void {
		if (this.started) return;
		this.started = true;
		const {interrupted, released} = this.options.store.recoverInterrupted(new Date(this.clock.now()).toISOString());
		if (interrupted.length > 0) {
			this.options.logger?.warn({tasks: interrupted}, 'scheduled runs interrupted by the last shutdown were logged as errors, not re-run');
		}
		if (released.length > 0) this.options.logger?.info({tasks: released}, 'scheduled runs that had not started before the last shutdown are due again');
		this.wake();
	}

	stop(): void {
		this.started = false;
		this.cancelTimer?.();
		this.cancelTimer = null;
	}

	/** Resolves when every run started so far has been recorded. */
	async settled(): Promise<void> {
		while (this.running.size > 0) await Promise.allSettled([...this.running.values()]);
	}

	/** No task run is in progress or waiting for its group. */
	quiet(): boolean {
		return this.running.size === 0;
	}

	isRunning(taskId: string): boolean {
		return this.running.has(taskId);
	}

	list(groupFolder?: string): ScheduledTask[] {
		return this.options.store.list(groupFolder);
	}

	get(taskId: string): ScheduledTask | undefined {
		return this.options.store.get(taskId);
	}

	create(input: NewTaskInput): ScheduledTask {
		const now = this.clock.now();
		const check = validateSchedule(input.scheduleType, input.scheduleValue, this.options.timezone, now);
		if (!check.ok) throw new TaskError(check.reason);
		if (!input.prompt.trim()) throw new TaskError('the task prompt is empty: say what the task should do');
		checkMisfire(input.misfire);
		const task: ScheduledTask = {
			id: `task-${now.toString(36)}-${randomBytes(4).toString('hex')}`,
			groupFolder: input.groupFolder,
			chatJid: input.chatJid,
			prompt: input.prompt,
			scheduleType: input.scheduleType,
			scheduleValue: input.scheduleValue.trim(),
			contextMode: input.contextMode ?? 'group',
			misfire: input.misfire ?? defaultMisfire,
			nextRun: check.firstRun,
			lastRun: null,
			lastResult: null,
			status: 'active',
			createdAt: new Date(now).toISOString(),
		};
		this.options.store.create(task);
		this.changed();
		return task;
	}

	pause(taskId: string): ScheduledTask {
		const task = this.require(taskId);
		if (task.status === 'completed') throw new TaskError(`task ${taskId} is completed: there is nothing to pause`);
		this.options.store.setStatus(taskId, 'paused');
		this.changed();
		return this.require(taskId);
	}

	/** Resumes; slots missed while paused are skipped (a past `once` time runs now). */
	resume(taskId: string): ScheduledTask {
		const task = this.require(taskId);
		if (task.status === 'completed') throw new TaskError(`task ${taskId} is completed: schedule a new one instead`);
		const now = this.clock.now();
		let nextRun = task.nextRun;
		if (task.scheduleType !== 'once' && (!nextRun || Date.parse(nextRun) <= now)) {
			nextRun = nextRunAfter(task, now, this.options.timezone);
		}
		this.options.store.update(taskId, {status: 'active', nextRun});
		this.changed();
		return this.require(taskId);
	}

	/** Deletes the task and its history; a run in progress finishes but is not recorded. */
	cancel(taskId: string): void {
		this.require(taskId);
		this.options.store.delete(taskId);
		this.changed();
	}

	/** Changes the prompt and/or the schedule; a new schedule starts from now. */
	update(taskId: string, changes: TaskUpdate): ScheduledTask {
		const task = this.require(taskId);
		const scheduleType = changes.scheduleType ?? task.scheduleType;
		const scheduleValue = changes.scheduleValue ?? task.scheduleValue;
		let nextRun: string | null | undefined;
		if (changes.scheduleType !== undefined || changes.scheduleValue !== undefined) {
			if (changes.scheduleType !== undefined && changes.scheduleValue === undefined && changes.scheduleType !== task.scheduleType) {
				throw new TaskError(`changing schedule_type to ${changes.scheduleType} needs a schedule_value too`);
			}
			const check = validateSchedule(scheduleType, scheduleValue, this.options.timezone, this.clock.now());
			if (!check.ok) throw new TaskError(check.reason);
			nextRun = check.firstRun;
		}
		if (changes.prompt !== undefined && !changes.prompt.trim()) throw new TaskError('the task prompt is empty: say what the task should do');
		checkMisfire(changes.misfire);
		const reactivate = nextRun !== undefined && task.status === 'completed';
		this.options.store.update(taskId, {
			prompt: changes.prompt,
			scheduleType,
			scheduleValue: scheduleValue.trim(),
			misfire: changes.misfire,
			nextRun,
			status: reactivate ? 'active' : undefined,
		});
		this.changed();
		return this.require(taskId);
	}

	/** The task's next `count` run times (ISO), for checking a schedule before it fires. */
	upcoming(taskId: string, count = 3): string[] {
		const task = this.options.store.get(taskId);
		return task ? upcomingRuns(task, this.clock.now(), this.options.timezone, count) : [];
	}

	/** Runs the task now, outside its schedule (a `once` task is then completed). */
	runNow(taskId: string): void {
		const task = this.require(taskId);
		if (this.running.has(taskId)) throw new TaskError(`task ${taskId} is already running: wait for it to finish`);
		if (task.scheduleType === 'once' && task.nextRun) {
			if (!this.options.store.claimSlot(taskId, task.nextRun, null)) {
				throw new TaskError(`task ${taskId} is ${task.status}: resume it first`);
			}
			this.launch(task, task.nextRun);
		} else {
			this.launch(task, null);
		}
		this.changed();
	}

	/** Claims and launches every due task, then sleeps until the next one. */
	private wake(): void {
		if (!this.started) return;
		this.cancelTimer?.();
		this.cancelTimer = null;
		const now = this.clock.now();
		let changed = 0;
		for (const task of this.options.store.due(now)) {
			if (this.running.has(task.id) || !task.nextRun) continue;
			let plan: DuePlan;
			try {
				plan = planDue(task, now, this.options.timezone);
			} catch (error) {
				this.options.logger?.error({task: task.id, err: error}, 'task has a broken schedule: paused');
				this.options.store.setStatus(task.id, 'paused');
				continue;
			}
			if (!plan.run) {
				const note = plan.next === null ? `skipped: its time ${task.nextRun} was missed (misfire skip)` : null;
				if (this.options.store.passSlot(task.id, task.nextRun, plan.next, note)) {
					changed++;
					this.options.logger?.info({task: task.id, slot: task.nextRun, next: plan.next}, 'missed scheduled run skipped (misfire skip)');
				}
				continue;
			}
			if (this.options.store.claimSlot(task.id, task.nextRun, plan.next)) {
				changed++;
				if (plan.missed) this.options.logger?.info({task: task.id, slot: task.nextRun, misfire: task.misfire, next: plan.next}, 'running a missed scheduled run');
				this.launch(task, task.nextRun);
			}
		}
		if (changed > 0) this.notify();
		this.arm();
	}

	private arm(): void {
		this.cancelTimer?.();
		this.cancelTimer = null;
		if (!this.started) return;
		// A running task is re-checked when it finishes, so it never makes the timer fire at once.
		const next = this.options.store.upcoming().find((entry) => !this.running.has(entry.id));
		if (!next) return;
		const delay = Math.min(Math.max(0, Date.parse(next.nextRun) - this.clock.now()), this.options.maxSleepMs ?? defaultMaxSleepMs);
		this.cancelTimer = this.clock.setTimer(() => this.wake(), delay);
	}

	private launch(task: ScheduledTask, slot: string | null): void {
		const startedAt = this.clock.now();
		const run = (async () => {
			let outcome: TaskRunOutcome;
			try {
				outcome = await this.options.enqueueTask(task, slot, () => slot && this.options.store.markStarted(task.id));
			} catch (error) {
				outcome = {ok: false, error: error instanceof Error ? error.message : String(error)};
			}
			const finishedAt = this.clock.now();
			if (!this.options.store.get(task.id)) return; // cancelled while running
			if (outcome.notStarted) {
				if (slot) this.options.store.releaseClaim(task.id, slot);
				this.options.logger?.info({task: task.id, slot}, 'scheduled run did not start before the shutdown: it is due again');
				return;
			}
			this.options.store.finishRun(task.id, {
				runAt: new Date(startedAt).toISOString(),
				durationMs: finishedAt - startedAt,
				status: outcome.ok ? 'success' : 'error',
				result: outcome.result ?? null,
				error: outcome.ok ? null : (outcome.error ?? 'the run failed without saying why'),
			});
			if (outcome.groupGone) {
				// Paused at the slot it missed: resumed, a `once` task runs then, a recurring one goes on from now.
				this.options.store.update(task.id, {status: 'paused', nextRun: slot ?? undefined});
				this.options.logger?.warn({task: task.id, group: task.groupFolder}, 'scheduled task paused: its group is not registered');
				return;
			}
			this.options.logger?.info({task: task.id, slot, ok: outcome.ok, ms: finishedAt - startedAt}, 'scheduled task finished');
		})()
			.catch((error: unknown) => this.options.logger?.error({task: task.id, err: error}, 'recording a task run failed'))
			.finally(() => {
				this.running.delete(task.id);
				this.notify();
				this.wake();
			});
		this.running.set(task.id, run);
	}

	private require(taskId: string): ScheduledTask {
		const task = this.options.store.get(taskId);
		if (!task) throw new TaskError(`no task ${taskId}: list the tasks to see their ids`);
		return task;
	}

	private changed(): void {
		this.arm();
		this.notify();
	}

	private notify(): void {
		try {
			this.options.onChange?.();
		} catch (error) {
			this.options.logger?.warn({err: error}, 'task change listener failed');
		}
	}
}
