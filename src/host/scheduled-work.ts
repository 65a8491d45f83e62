// The host's timed work: the task scheduler (its due tasks become group runs), the model loaded
// ahead of a due task, and retention's pruning by age.
import type {HostClock} from '../clock.js';
import type {Config} from '../config.js';
import type {LlmBridge} from '../llm-bridge.js';
import {ModelWarmer} from '../llm/model-warmer.js';
import type {Logger} from '../logger.js';
import {Retention} from '../retention.js';
import {TaskScheduler} from '../scheduler/task-scheduler.js';
import type {Db} from '../store/db.js';
import type {OutboxStore} from '../store/outbox-store.js';
import type {RunStore} from '../store/runs.js';
import {TaskStore} from '../store/tasks.js';
import type {GroupRunner} from './group-runner.js';

export interface ScheduledWorkInput {
	config: Config;
	db: Db;
	runs: RunStore;
	outboxStore: OutboxStore;
	llm: LlmBridge;
	runner: GroupRunner;
	clock: HostClock;
	logger: Logger;
	onTasksChanged(): void;
}

export interface ScheduledWork {
	scheduler: TaskScheduler;
	start(): void;
	stop(): void;
}

export function createScheduledWork({config, db, runs, outboxStore, llm, runner, clock, logger, onTasksChanged}: ScheduledWorkInput): ScheduledWork {
	const warmer = new ModelWarmer({load: () => llm.load(), clock, logger});
	const tasks = new TaskStore(db);
	const retention = new Retention({db, stores: {runs, tasks, outbox: outboxStore}, clock, days: config.retentionDays, logger});
	const warmForTasks = () => warmer.schedule(scheduler.list().filter((task) => task.status === 'active').map((task) => task.nextRun));
	const scheduler: TaskScheduler = new TaskScheduler({
		store: tasks,
		timezone: config.timezone,
		logger,
		clock,
		enqueueTask: (task, _slot, started) => runner.runTask(task, started),
		onChange: () => {
			onTasksChanged();
			warmForTasks();
		},
	});
	return {
		scheduler,
		start() {
			scheduler.start();
			warmForTasks();
			retention.start();
		},
		stop() {
			scheduler.stop();
			warmer.stop();
			retention.stop();
		},
	};
}
