import type {Db} from './db.js';

export type WebRequestStatus = 'pending' | 'approved' | 'rejected';
/** How a request was approved: one fetch, the host for its group, for all groups, or by an allowlist edit. */
export type WebApprovalScope = 'once' | 'group' | 'all' | 'allowlist';

export interface WebRequestRecord {
	id: number;
	groupFolder: string;
	chatJid: string;
	url: string;
	host: string;
	reason: string;
	status: WebRequestStatus;
	scope: WebApprovalScope | null;
	createdAt: string;
	decidedAt: string | null;
	decidedBy: string | null;
	/** When a `once` approval was used by a fetch. */
	usedAt: string | null;
}

interface Row {
	id: number;
	group_folder: string;
	chat_jid: string;
	url: string;
	host: string;
	reason: string;
	status: string;
	scope: string | null;
	created_at: string;
	decided_at: string | null;
	decided_by: string | null;
	used_at: string | null;
}

const toRecord = (row: Row): WebRequestRecord => ({
	id: row.id,
	groupFolder: row.group_folder,
	chatJid: row.chat_jid,
	url: row.url,
	host: row.host,
	reason: row.reason,
	status: row.status as WebRequestStatus,
	scope: row.scope as WebApprovalScope | null,
	createdAt: row.created_at,
	decidedAt: row.decided_at,
	decidedBy: row.decided_by,
	usedAt: row.used_at,
});

export type NewWebRequest = Pick<WebRequestRecord, 'groupFolder' | 'chatJid' | 'url' | 'host' | 'reason' | 'createdAt'>;

/** The `web_requests` table: fetches that wait for the operator, and the decisions taken. */
export class WebRequestStore {
	constructor(private readonly db: Db) {}

	create(request: NewWebRequest): number {
		const result = this.db
			.prepare('INSERT INTO web_requests (group_folder, chat_jid, url, host, reason, created_at) VALUES (?, ?, ?, ?, ?, ?)')
			.run(request.groupFolder, request.chatJid, request.url, request.host, request.reason, request.createdAt);
		return Number(result.lastInsertRowid);
	}

	get(id: number): WebRequestRecord | undefined {
		const row = this.db.prepare('SELECT * FROM web_requests WHERE id = ?').get(id) as Row | undefined;
		return row && toRecord(row);
	}

	pending(): WebRequestRecord[] {
		return (this.db.prepare("SELECT * FROM web_requests WHERE status = 'pending' ORDER BY id").all() as Row[]).map(toRecord);
	}

	pendingCount(groupFolder: string): number {
		return this.db.prepare("SELECT COUNT(*) FROM web_requests WHERE group_folder = ? AND status = 'pending'").pluck().get(groupFolder) as number;
	}

	/** Pending first (oldest first), then decided ones (newest first). */
	all(limit = 200): WebRequestRecord[] {
		const rows = this.db
			.prepare("SELECT * FROM web_requests ORDER BY status = 'pending' DESC, CASE WHEN status = 'pending' THEN id ELSE -id END LIMIT ?")
			.all(limit) as Row[];
		return rows.map(toRecord);
	}

	/** The latest request of a group for a host, any status. */
	latestFor(groupFolder: string, host: string): WebRequestRecord | undefined {
		const row = this.db.prepare('SELECT * FROM web_requests WHERE group_folder = ? AND host = ? ORDER BY id DESC LIMIT 1').get(groupFolder, host) as Row | undefined;
		return row && toRecord(row);
	}

	/** Marks a pending request decided; false when it was not pending. */
	decide(id: number, decision: {status: 'approved' | 'rejected'; scope?: WebApprovalScope; by: string; at: string}): boolean {
		const result = this.db
			.prepare("UPDATE web_requests SET status = ?, scope = ?, decided_by = ?, decided_at = ? WHERE id = ? AND status = 'pending'")
			.run(decision.status, decision.scope ?? null, decision.by, decision.at, id);
		return result.changes === 1;
	}

	/** Back to pending (a decision whose allowlist write failed). */
	reopen(id: number): void {
		this.db.prepare("UPDATE web_requests SET status = 'pending', scope = NULL, decided_by = NULL, decided_at = NULL WHERE id = ?").run(id);
	}

	/** Uses a `once` approval; false when it was used already. */
	use(id: number, at: string): boolean {
		return this.db.prepare("UPDATE web_requests SET used_at = ? WHERE id = ? AND scope = 'once' AND used_at IS NULL").run(at, id).changes === 1;
	}
}
