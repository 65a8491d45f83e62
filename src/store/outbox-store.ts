import type {Db} from './db.js';

export interface OutboxMessage {
	id: number;
	chatJid: string;
	text: string;
	createdAt: string;
	sentAt: string | null;
	attempts: number;
	lastError: string | null;
	/** Ended for good (the chat cannot be reached, or sends kept failing); `lastError` says why. */
	givenUp: boolean;
}

interface OutboxRow {
	id: number;
	chat_jid: string;
	text: string;
	created_at: string;
	sent_at: string | null;
	attempts: number;
	last_error: string | null;
	given_up_at: string | null;
}

const toMessage = (row: OutboxRow): OutboxMessage => ({
	id: row.id,
	chatJid: row.chat_jid,
	text: row.text,
	createdAt: row.created_at,
	sentAt: row.sent_at,
	attempts: row.attempts,
	lastError: row.last_error,
	givenUp: row.given_up_at !== null,
});

/** The `outbox` table: replies stored before they are sent, marked once a channel took them. */
export class OutboxStore {
	constructor(private readonly db: Db) {}

	add(chatJid: string, text: string, now: string): OutboxMessage {
		const info = this.db.prepare('INSERT INTO outbox (chat_jid, text, created_at) VALUES (?, ?, ?)').run(chatJid, text, now);
		return this.get(Number(info.lastInsertRowid))!;
	}

	get(id: number): OutboxMessage | undefined {
		const row = this.db.prepare('SELECT * FROM outbox WHERE id = ?').get(id) as OutboxRow | undefined;
		return row && toMessage(row);
	}

	/** Unsent messages not given up, oldest first. */
	pending(): OutboxMessage[] {
		return (this.db.prepare('SELECT * FROM outbox WHERE sent_at IS NULL AND given_up_at IS NULL ORDER BY id').all() as OutboxRow[]).map(toMessage);
	}

	/** Unsent messages given up for good (their `lastError` says why). */
	givenUp(): OutboxMessage[] {
		return (this.db.prepare('SELECT * FROM outbox WHERE sent_at IS NULL AND given_up_at IS NOT NULL ORDER BY id').all() as OutboxRow[]).map(toMessage);
	}

	/** Marks a message sent (counting the attempt); false when it already was. */
	markSent(id: number, now: string): boolean {
		return (
			this.db.prepare('UPDATE outbox SET sent_at = ?, attempts = attempts + 1 WHERE id = ? AND sent_at IS NULL').run(now, id).changes === 1
		);
	}

	recordFailure(id: number, error: string): void {
		this.db.prepare('UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE id = ? AND sent_at IS NULL AND given_up_at IS NULL').run(error.slice(0, 1000), id);
	}

	/** Notes why a message waits without counting an attempt (e.g. the channel is offline). */
	noteWaiting(id: number, reason: string): void {
		this.db.prepare('UPDATE outbox SET last_error = ? WHERE id = ? AND sent_at IS NULL AND given_up_at IS NULL').run(reason.slice(0, 1000), id);
	}

	/** Ends a message that can never be sent, counting the attempt; `reason` is kept. */
	giveUp(id: number, reason: string, now: string): void {
		this.db
			.prepare('UPDATE outbox SET attempts = attempts + 1, last_error = ?, given_up_at = ? WHERE id = ? AND sent_at IS NULL AND given_up_at IS NULL')
			.run(reason.slice(0, 1000), now, id);
	}

	/** Deletes messages sent or given up before `before` (ISO); returns how many. */
	pruneEnded(before: string): number {
		return this.db.prepare('DELETE FROM outbox WHERE (sent_at IS NOT NULL AND sent_at < ?) OR (sent_at IS NULL AND given_up_at < ?)').run(before, before).changes;
	}
}
