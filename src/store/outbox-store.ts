import type {Db} from './db.js';

// A given-up message is marked by this prefix on its last error (the table has no column for it).
const givenUpPrefix = 'given up: ';
const givenUpPattern = `${givenUpPrefix}%`;
const notGivenUp = '(last_error IS NULL OR last_error NOT LIKE ?)';

export interface OutboxMessage {
	id: number;
	chatJid: string;
	text: string;
	createdAt: string;
	sentAt: string | null;
	attempts: number;
	lastError: string | null;
	/** Ended for good (the chat cannot be reached); `lastError` says why. */
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
}

const toMessage = (row: OutboxRow): OutboxMessage => ({
	id: row.id,
	chatJid: row.chat_jid,
	text: row.text,
	createdAt: row.created_at,
	sentAt: row.sent_at,
	attempts: row.attempts,
	lastError: row.last_error,
	givenUp: row.sent_at === null && (row.last_error?.startsWith(givenUpPrefix) ?? false),
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
		return (this.db.prepare(`SELECT * FROM outbox WHERE sent_at IS NULL AND ${notGivenUp} ORDER BY id`).all(givenUpPattern) as OutboxRow[]).map(toMessage);
	}

	/** Unsent messages given up for good (their `lastError` says why). */
	givenUp(): OutboxMessage[] {
		return (this.db.prepare(`SELECT * FROM outbox WHERE sent_at IS NULL AND NOT ${notGivenUp} ORDER BY id`).all(givenUpPattern) as OutboxRow[]).map(toMessage);
	}

	/** Marks a message sent (counting the attempt); false when it already was. */
	markSent(id: number, now: string): boolean {
		return (
			this.db.prepare('UPDATE outbox SET sent_at = ?, attempts = attempts + 1 WHERE id = ? AND sent_at IS NULL').run(now, id).changes === 1
		);
	}

	recordFailure(id: number, error: string): void {
		this.db.prepare(`UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE id = ? AND sent_at IS NULL AND ${notGivenUp}`).run(error.slice(0, 1000), id, givenUpPattern);
	}

	/** Notes why a message waits without counting an attempt (e.g. the channel is offline). */
	noteWaiting(id: number, reason: string): void {
		this.db.prepare(`UPDATE outbox SET last_error = ? WHERE id = ? AND sent_at IS NULL AND ${notGivenUp}`).run(reason.slice(0, 1000), id, givenUpPattern);
	}

	/** Ends a message that can never be sent, counting the attempt; `reason` is kept. */
	giveUp(id: number, reason: string): void {
		this.db.prepare('UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE id = ? AND sent_at IS NULL').run(`${givenUpPrefix}${reason}`.slice(0, 1000), id);
	}

	/** Deletes sent messages older than `before` (ISO); returns how many. */
	pruneSent(before: string): number {
		return this.db.prepare('DELETE FROM outbox WHERE sent_at IS NOT NULL AND sent_at < ?').run(before).changes;
	}
}
