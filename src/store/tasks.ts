import type {ContextMode, MisfirePolicy, ScheduledTask, ScheduleType, TaskRunLog, TaskStatus} from '../api/types.js';
import type {Db} from './db.js';

interface TaskRow {
	id: string;
	group_folder: string;
	chat_jid: string;
	prompt: string;
	schedule_type: ScheduleType;
	schedule_value: string;
	context_mode: ContextMode;
	misfire: MisfirePolicy;
	next_run: string | null;
	last_run: string | null;
	last_result: string | null;
	status: TaskStatus;
	created_at: string;
	claimed_slot: string | null;
}

interface RunLogRow {
	task_id: string;
	run_at: string;
	duration_ms: number;
	status: TaskRunLog['status'];
	result: string | null;
	error: string | null;
}

const toTask = (row: TaskRow): ScheduledTask => ({
	id: row.id,
	groupFolder: row.group_folder,
	chatJid: row.chat_jid,
	prompt: row.prompt,
	scheduleType: row.schedule_type,
	scheduleValue: row.schedule_value,
	contextMode: row.context_mode,
	misfire: row.misfire,
	nextRun: row.next_run,
	lastRun: row.last_run,
	lastResult: row.last_result,
	status: row.status,
	createdAt: row.created_at,
});

/** Longest result or error kept in a run log row or in `last_result`. */
export const maxStoredResultChars = 2000;

export const cutResult = (text: string | null | undefined): string | null =>
	text == null ? null : text.length > maxStoredResultChars ? text.slice(0, maxStoredResultChars) + '…' : text;

export interface TaskChanges {
	prompt?: string;
	scheduleType?: ScheduleType;
	scheduleValue?: string;
	misfire?: MisfirePolicy;
	nextRun?: string | null;
	status?: TaskStatus;
	lastResult?: string | null;
}

export interface FinishedRun {
	runAt: string;
	durationMs: number;
	status: TaskRunLog['status'];
	result?: string | null;
	error?: string | null;
}

/** `scheduled_tasks` and `task_run_logs`. Times are `toISOString()` text, so they compare as strings. */
export class TaskStore {
	constructor(private readonly db: Db) {}

	create(task: ScheduledTask): void {
		this.db
			.prepare(
				`INSERT INTO scheduled_tasks (id, group_folder, chat_jid, prompt, schedule_type, schedule_value, context_mode, misfire, next_run, last_run, last_result, status, created_at)
				 VALUES (@id, @groupFolder, @chatJid, @prompt, @scheduleType, @scheduleValue, @contextMode, @misfire, @nextRun, @lastRun, @lastResult, @status, @createdAt)`,
			)
			.run(task);
	}

	get(id: string): ScheduledTask | undefined {
		const row = this.db.prepare('SELECT * FROM scheduled_tasks WHERE id = ?').get(id) as TaskRow | undefined;
		return row && toTask(row);
	}

	list(groupFolder?: string): ScheduledTask[] {
		const rows = groupFolder
			? this.db.prepare('SELECT * FROM scheduled_tasks WHERE group_folder = ? ORDER BY created_at, id').all(groupFolder)
			: this.db.prepare('SELECT * FROM scheduled_tasks ORDER BY created_at, id').all();
		return (rows as TaskRow[]).map(toTask);
	}

	update(id: string, changes: TaskChanges): boolean {
		const columns: Record<keyof TaskChanges, string> = {
			prompt: 'prompt',
			scheduleType: 'schedule_type',
			scheduleValue: 'schedule_value',
			misfire: 'misfire',
			nextRun: 'next_run',
			status: 'status',
			lastResult: 'last_result',
		};
		const keys = (Object.keys(changes) as Array<keyof TaskChanges>).filter((key) => changes[key] !== undefined);
		if (keys.length === 0) return this.get(id) !== undefined;
		const sets = keys.map((key) => `${columns[key]} = @${key}`).join(', ');
		return this.db.prepare(`UPDATE scheduled_tasks SET ${sets} WHERE id = @id`).run({...changes, id}).changes === 1;
	}

	setStatus(id: string, status: TaskStatus): boolean {
		return this.update(id, {status});
	}

	/** Deletes the task and its run history. */
	delete(id: string): boolean {
		return this.db.transaction(() => {
			this.db.prepare('DELETE FROM task_run_logs WHERE task_id = ?').run(id);
			return this.db.prepare('DELETE FROM scheduled_tasks WHERE id = ?').run(id).changes === 1;
		})();
	}

	/** Active tasks whose next run is at or before `now` (epoch ms), earliest first. */
	due(now: number): ScheduledTask[] {
		const rows = this.db
			.prepare(`SELECT * FROM scheduled_tasks WHERE status = 'active' AND next_run IS NOT NULL AND next_run <= ? ORDER BY next_run, id`)
			.all(new Date(now).toISOString()) as TaskRow[];
		return rows.map(toTask);
	}

	/** Next runs of active tasks, earliest first. */
	upcoming(): Array<{id: string; nextRun: string}> {
		return this.db
			.prepare(`SELECT id, next_run AS nextRun FROM scheduled_tasks WHERE status = 'active' AND next_run IS NOT NULL ORDER BY next_run`)
			.all() as Array<{id: string; nextRun: string}>;
	}

	/**
	 * Takes the slot `slot` of a task: in one transaction, only if the task is active and its next run is
	 * still exactly `slot`, moves next_run to `nextRun` (null completes the task) and records the claim.
	 * A second claim of the same slot (another wake, another process, a restart) finds nothing to update.
	 */
	claimSlot(id: string, slot: string, nextRun: string | null): boolean {
		const changed = this.db
			.prepare(
				`UPDATE scheduled_tasks SET next_run = ?, status = CASE WHEN ? IS NULL THEN 'completed' ELSE status END, claimed_slot = ?
				 WHERE id = ? AND status = 'active' AND next_run = ?`,
			)
			.run(nextRun, nextRun, slot, id, slot).changes;
		return changed === 1;
	}

	/**
	 * Passes the slot `slot` without running it (a missed slot under `skip`): like `claimSlot`, only
	 * if the slot is still the task's next run, but nothing is claimed. `note`, if any, becomes the last result.
	 */
	passSlot(id: string, slot: string, nextRun: string | null, note: string | null): boolean {
		const changed = this.db
			.prepare(
				`UPDATE scheduled_tasks SET next_run = ?, status = CASE WHEN ? IS NULL THEN 'completed' ELSE status END, last_result = COALESCE(?, last_result)
				 WHERE id = ? AND status = 'active' AND next_run = ?`,
			)
			.run(nextRun, nextRun, note, id, slot).changes;
		return changed === 1;
	}

	/** The claimed run has begun (its prompt went to the agent): from now on it is never run again. */
	markStarted(id: string): void {
		this.db.prepare('UPDATE scheduled_tasks SET claim_started = 1 WHERE id = ? AND claimed_slot IS NOT NULL').run(id);
	}

	/**
	 * Gives back a claimed slot whose run never started (the host stopped while it waited): the
	 * task is due at that slot again. A slot the operator moved or paused meanwhile stays as it is.
	 */
	releaseClaim(id: string, slot: string): boolean {
		return (
			this.db
				.prepare(
					`UPDATE scheduled_tasks SET next_run = ?, status = CASE WHEN status = 'completed' THEN 'active' ELSE status END,
					   claimed_slot = NULL, claim_started = 0
					 WHERE id = ? AND claimed_slot = ? AND claim_started = 0`,
				)
				.run(slot, id, slot).changes === 1
		);
	}

	/** Records a finished run (claimed or manual): last run/result, a cut log row, the claim cleared. */
	finishRun(id: string, run: FinishedRun): void {
		const result = cutResult(run.status === 'success' ? run.result : (run.error ?? run.result));
		this.db.transaction(() => {
			this.db
				.prepare('UPDATE scheduled_tasks SET last_run = ?, last_result = ?, claimed_slot = NULL, claim_started = 0 WHERE id = ?')
				.run(run.runAt, run.status === 'success' ? result : `error: ${result ?? 'unknown'}`, id);
			this.db
				.prepare('INSERT INTO task_run_logs (task_id, run_at, duration_ms, status, result, error) VALUES (?, ?, ?, ?, ?, ?)')
				.run(id, run.runAt, Math.max(0, Math.round(run.durationMs)), run.status, cutResult(run.result), cutResult(run.error));
		})();
	}

	/**
	 * Claims left by a host that stopped: a run that never started is released (due again); one that
	 * started gets an error log row and is not run again (a task never runs twice for one slot).
	 */
	recoverInterrupted(now: string): {interrupted: string[]; released: string[]} {
		return this.db.transaction(() => {
			const claims = this.db.prepare('SELECT id, claimed_slot, claim_started FROM scheduled_tasks WHERE claimed_slot IS NOT NULL').all() as Array<{
				id: string;
				claimed_slot: string;
				claim_started: number;
			}>;
			const released = claims.filter((row) => row.claim_started === 0 && this.releaseClaim(row.id, row.claimed_slot)).map((row) => row.id);
			const rows = claims.filter((row) => !released.includes(row.id));
			for (const row of rows) {
				this.db
					.prepare('INSERT INTO task_run_logs (task_id, run_at, duration_ms, status, result, error) VALUES (?, ?, 0, ?, NULL, ?)')
					.run(row.id, row.claimed_slot, 'error', `interrupted: the host stopped during this run (found at ${now}); the slot was not run again`);
				this.db.prepare('UPDATE scheduled_tasks SET claimed_slot = NULL, claim_started = 0 WHERE id = ?').run(row.id);
			}
			return {interrupted: rows.map((row) => row.id), released};
		})();
	}

	/** Deletes run log rows of runs before `before` (ISO); returns how many. */
	pruneRunLogs(before: string): number {
		return this.db.prepare('DELETE FROM task_run_logs WHERE run_at < ?').run(before).changes;
	}

	runLogs(taskId: string, limit = 50): TaskRunLog[] {
		const rows = this.db
			.prepare('SELECT task_id, run_at, duration_ms, status, result, error FROM task_run_logs WHERE task_id = ? ORDER BY id DESC LIMIT ?')
			.all(taskId, limit) as RunLogRow[];
		return rows.map((row) => ({
			taskId: row.task_id,
			runAt: row.run_at,
			durationMs: row.duration_ms,
			status: row.status,
			result: row.result,
			error: row.error,
		}));
	}
}
