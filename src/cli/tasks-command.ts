import type {HostApi} from '../api/host-api.js';
import type {MisfirePolicy, ScheduledTask} from '../api/types.js';
import type {Config} from '../config.js';
import {attachToRunningHost} from '../control/attach.js';
import {silentLogger} from '../logger.js';
import {homePaths} from '../paths.js';
import {misfireProblem} from '../scheduler/misfire.js';
import {TaskScheduler} from '../scheduler/task-scheduler.js';
import {openDb} from '../store/db.js';
import {TaskStore} from '../store/tasks.js';
import {parseArgs, UsageError} from './args.js';
import type {CommandIo} from './main.js';

export const tasksHelp = `Usage
  $ babybot-tui tasks list [--group FOLDER]
  $ babybot-tui tasks pause TASK_ID | resume TASK_ID | run TASK_ID | delete TASK_ID
  $ babybot-tui tasks misfire TASK_ID once|catch-up|skip

The scheduled tasks the agents made. misfire sets what a task does about runs missed while the
host was down: once (the default) runs once now, catch-up runs each missed one (at most the
last 10), skip waits for the next. Goes through the host that runs for this home; with
none, list, pause, resume and delete use the store (run needs a running host).
`;

type TaskBackend = Pick<HostApi, 'pauseTask' | 'resumeTask' | 'runTaskNow' | 'deleteTask' | 'setTaskMisfire'> & {tasks(): ScheduledTask[]; close(): void};

/** The store's tasks through the scheduler's own rules (no host: nothing runs). */
function storeTasks(config: Config): TaskBackend {
	const db = openDb(homePaths(config.home).dbFile);
	const scheduler = new TaskScheduler({store: new TaskStore(db), timezone: config.timezone, logger: silentLogger(), enqueueTask: async () => ({ok: false, notStarted: true}), onChange: () => {}});
	return {
		tasks: () => scheduler.list(),
		pauseTask: async (id) => void scheduler.pause(id),
		resumeTask: async (id) => void scheduler.resume(id),
		deleteTask: async (id) => scheduler.cancel(id),
		setTaskMisfire: async (id, misfire) => void scheduler.update(id, {misfire}),
		async runTaskNow(id) {
			if (!scheduler.get(id)) throw new Error(`no task "${id}": see \`babybot-tui tasks list\``);
			throw new Error(`no host is running for ${config.home}, so nothing can run task ${id} now: start one (\`babybot-tui\`, \`babybot-tui --headless\` or \`babybot-tui service install\`) and run it again`);
		},
		close: () => db.close(),
	};
}

function describe(task: ScheduledTask): string {
	return [task.id, task.groupFolder, task.status, `${task.scheduleType} ${task.scheduleValue}`, `next ${task.nextRun ?? '-'}`, `missed ${task.misfire}`, task.prompt.replace(/\s+/g, ' ').slice(0, 60)].join('\t');
}

const verbs = {pause: 'paused', resume: 'resumed', run: 'queued to run now:', delete: 'deleted'} as const;

export async function runTasksCommand(args: string[], config: Config, io: CommandIo): Promise<number> {
	const cli = parseArgs(args, {command: 'tasks', flags: {group: {type: 'string'}}});
	const [action = 'list', id, ...rest] = cli.input;
	const misfire = action === 'misfire' ? rest[0] : undefined;
	const extra = action === 'misfire' ? rest.slice(1) : rest;
	if (action !== 'list' && action !== 'misfire' && !(action in verbs)) throw new UsageError(`unknown tasks action "${action}": use list, pause, resume, run, delete or misfire`);
	if (action === 'list' ? id !== undefined : !id) throw new UsageError(action === 'list' ? `tasks list takes no "${id}": filter with --group FOLDER` : `tasks ${action} needs a task id: see \`babybot-tui tasks list\``);
	if (extra.length) throw new UsageError(`tasks ${action} takes one task id${action === 'misfire' ? ' and a policy' : ''}, got also "${extra.join(' ')}"`);
	if (action === 'misfire') {
		const problem = misfire === undefined ? 'tasks misfire needs a policy after the task id: once, catch-up or skip' : misfireProblem(misfire);
		if (problem) throw new UsageError(problem);
	}
	let backend: TaskBackend | undefined;
	try {
		const remote = await attachToRunningHost({paths: homePaths(config.home)});
		backend = remote ? {...remote, tasks: () => remote.snapshot().tasks, close: () => remote.close()} : storeTasks(config);
		if (action === 'list') {
			const tasks = backend.tasks().filter((task) => !cli.flags.group || task.groupFolder === cli.flags.group);
			if (tasks.length === 0) io.stdout.write(`no tasks${cli.flags.group ? ` in ${cli.flags.group}` : ''}: the agents schedule them (ask main to remind you of something)\n`);
			for (const task of tasks) io.stdout.write(describe(task) + '\n');
			return 0;
		}
		if (action === 'misfire') {
			await backend.setTaskMisfire(id!, misfire as MisfirePolicy);
			io.stdout.write(`task ${id}: missed runs ${misfire}\n`);
			return 0;
		}
		const act = {pause: backend.pauseTask, resume: backend.resumeTask, run: backend.runTaskNow, delete: backend.deleteTask}[action as keyof typeof verbs];
		await act(id!);
		io.stdout.write(`task ${id} ${verbs[action as keyof typeof verbs]}${action === 'run' ? ` see the Tasks pane or \`babybot-tui tasks list\` for its result` : ''}\n`);
		return 0;
	} catch (error) {
		io.stderr.write(`babybot-tui tasks: ${(error as Error).message}\n`);
		return 1;
	} finally {
		backend?.close();
	}
}
