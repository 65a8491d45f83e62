import type {MountRequestSource, MountRequestStatus, MountRequestView} from '../api/host-api.js';
import type {Db} from './db.js';

export interface MountRequestRecord extends MountRequestView {
	decidedAt: string | null;
	decidedBy: string | null;
}

interface Row {
	id: number;
	group_folder: string;
	host_path: string;
	real_path: string | null;
	container_path: string | null;
	readonly: number;
	source: string;
	reason: string | null;
	status: string;
	created_at: string;
	decided_at: string | null;
	decided_by: string | null;
}

const toRecord = (row: Row): MountRequestRecord => ({
	id: row.id,
	groupFolder: row.group_folder,
	hostPath: row.host_path,
	realPath: row.real_path,
	containerPath: row.container_path,
	readonly: row.readonly === 1,
	source: row.source as MountRequestSource,
	reason: row.reason,
	status: row.status as MountRequestStatus,
	createdAt: row.created_at,
	decidedAt: row.decided_at,
	decidedBy: row.decided_by,
});

export interface NewMountRequest {
	groupFolder: string;
	hostPath: string;
	realPath: string | null;
	containerPath: string | null;
	readonly: boolean;
	source: MountRequestSource;
	reason: string | null;
	createdAt: string;
	/** Default pending; a request refused outright is recorded as rejected, decided by `decidedBy`. */
	status?: MountRequestStatus;
	decidedBy?: string;
}

/** The `mount_requests` table: requests that wait for the operator, and the decisions taken. */
export class MountRequestStore {
	constructor(private readonly db: Db) {}

	create(request: NewMountRequest): number {
		const status = request.status ?? 'pending';
		const decided = status === 'pending' ? null : request.createdAt;
		const result = this.db
			.prepare(
				`INSERT INTO mount_requests (group_folder, host_path, real_path, container_path, readonly, source, reason, status, created_at, decided_at, decided_by)
				 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			)
			.run(
				request.groupFolder,
				request.hostPath,
				request.realPath,
				request.containerPath,
				request.readonly ? 1 : 0,
				request.source,
				request.reason,
				status,
				request.createdAt,
				decided,
				decided ? (request.decidedBy ?? 'host') : null,
			);
		return Number(result.lastInsertRowid);
	}

	/** How many of a group's requests wait for the operator. */
	pendingCount(groupFolder: string): number {
		return (this.db.prepare("SELECT COUNT(*) AS n FROM mount_requests WHERE group_folder = ? AND status = 'pending'").get(groupFolder) as {n: number}).n;
	}

	get(id: number): MountRequestRecord | undefined {
		const row = this.db.prepare('SELECT * FROM mount_requests WHERE id = ?').get(id) as Row | undefined;
		return row && toRecord(row);
	}

	pending(): MountRequestRecord[] {
		return (this.db.prepare("SELECT * FROM mount_requests WHERE status = 'pending' ORDER BY id").all() as Row[]).map(toRecord);
	}

	/** Pending first (oldest first), then decided ones (newest first). */
	all(limit = 200): MountRequestRecord[] {
		const rows = this.db
			.prepare("SELECT * FROM mount_requests ORDER BY status = 'pending' DESC, CASE WHEN status = 'pending' THEN id ELSE -id END LIMIT ?")
			.all(limit) as Row[];
		return rows.map(toRecord);
	}

	approvedFor(groupFolder: string): MountRequestRecord[] {
		return (
			this.db.prepare("SELECT * FROM mount_requests WHERE group_folder = ? AND status = 'approved' ORDER BY id").all(groupFolder) as Row[]
		).map(toRecord);
	}

	/** The latest request of a group for the same folder and name, any status. */
	latestFor(groupFolder: string, hostPath: string, containerPath: string | null): MountRequestRecord | undefined {
		const row = this.db
			.prepare('SELECT * FROM mount_requests WHERE group_folder = ? AND host_path = ? AND container_path IS ? ORDER BY id DESC LIMIT 1')
			.get(groupFolder, hostPath, containerPath) as Row | undefined;
		return row && toRecord(row);
	}

	/** Marks a pending request decided; false when it was not pending. */
	decide(id: number, status: 'approved' | 'rejected', decidedBy: string, decidedAt: string): boolean {
		const result = this.db
			.prepare("UPDATE mount_requests SET status = ?, decided_by = ?, decided_at = ? WHERE id = ? AND status = 'pending'")
			.run(status, decidedBy, decidedAt, id);
		return result.changes === 1;
	}

	approve(id: number, decidedBy: string, decidedAt: string): boolean {
		return this.decide(id, 'approved', decidedBy, decidedAt);
	}

	reject(id: number, decidedBy: string, decidedAt: string): boolean {
		return this.decide(id, 'rejected', decidedBy, decidedAt);
	}

	/** Records why a still-pending request cannot be used yet (e.g. after the allowlist changed). */
	setReason(id: number, reason: string | null): void {
		this.db.prepare('UPDATE mount_requests SET reason = ? WHERE id = ?').run(reason, id);
	}
}
