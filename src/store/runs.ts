import type {ContainerRun} from '../api/types.js';
import type {Db} from './db.js';

interface RunRow {
	id: string;
	group_folder: string;
	runtime: ContainerRun['runtime'];
	container_name: string;
	started_at: string;
	last_output_at: string | null;
	ended_at: string | null;
	state: ContainerRun['state'];
	end_reason: ContainerRun['endReason'];
	error: string | null;
	argv: string;
	mounts: string;
}

const toRun = (row: RunRow): ContainerRun => ({
	id: row.id,
	groupFolder: row.group_folder,
	runtime: row.runtime,
	containerName: row.container_name,
	startedAt: row.started_at,
	lastOutputAt: row.last_output_at,
	endedAt: row.ended_at,
	state: row.state,
	endReason: row.end_reason,
	error: row.error,
	argv: JSON.parse(row.argv) as string[],
	mounts: JSON.parse(row.mounts) as ContainerRun['mounts'],
});

export class RunStore {
	constructor(private readonly db: Db) {}

	save(run: ContainerRun): void {
		this.db
			.prepare(
				`INSERT INTO container_runs (id, group_folder, runtime, container_name, started_at, last_output_at, ended_at, state, end_reason, error, argv, mounts)
				 VALUES (@id, @groupFolder, @runtime, @containerName, @startedAt, @lastOutputAt, @endedAt, @state, @endReason, @error, @argv, @mounts)
				 ON CONFLICT (id) DO UPDATE SET last_output_at = excluded.last_output_at, ended_at = excluded.ended_at,
				   state = excluded.state, end_reason = excluded.end_reason, error = excluded.error`,
			)
			.run({...run, argv: JSON.stringify(run.argv), mounts: JSON.stringify(run.mounts)});
	}

	recent(limit = 50): ContainerRun[] {
		return (this.db.prepare('SELECT * FROM container_runs ORDER BY started_at DESC LIMIT ?').all(limit) as RunRow[]).map(toRun);
	}

	/** Deletes runs that ended before `before` (ISO); returns how many. */
	pruneEnded(before: string): number {
		return this.db.prepare(`DELETE FROM container_runs WHERE state = 'ended' AND ended_at < ?`).run(before).changes;
	}

	/** Runs an earlier host left open (it crashed): marked ended so the UI does not show them live. */
	closeStale(now: string): number {
		return this.db
			.prepare(`UPDATE container_runs SET state = 'ended', end_reason = 'shutdown', ended_at = ? WHERE state <> 'ended'`)
			.run(now).changes;
	}
}
