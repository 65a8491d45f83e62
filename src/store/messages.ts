import type {ChatInfo, InboundMessage, StoredMessage} from '../api/types.js';
import type {Db} from './db.js';

interface MessageRow {
	seq: number;
	id: string;
	chat_jid: string;
	sender: string;
	sender_name: string;
	content: string;
	timestamp: string;
	from_me: number;
	is_bot: number;
}

const toMessage = (row: MessageRow): StoredMessage => ({
	seq: row.seq,
	id: row.id,
	chatJid: row.chat_jid,
	sender: row.sender,
	senderName: row.sender_name,
	content: row.content,
	timestamp: row.timestamp,
	fromMe: row.from_me === 1,
	isBotMessage: row.is_bot === 1,
});

export class MessageStore {
	private readonly insertStmt;
	private readonly sinceStmt;
	private readonly upsertChatStmt;

	constructor(private readonly db: Db) {
		this.insertStmt = db.prepare(
			`INSERT INTO messages (id, chat_jid, sender, sender_name, content, timestamp, from_me, is_bot, answers_seq)
			 VALUES (@id, @chatJid, @sender, @senderName, @content, @timestamp, @fromMe, @isBot, @answersSeq)
			 ON CONFLICT (chat_jid, id) DO NOTHING`,
		);
		this.sinceStmt = db.prepare('SELECT * FROM messages WHERE chat_jid = ? AND seq > ? ORDER BY seq LIMIT ?');
		this.upsertChatStmt = db.prepare(
			`INSERT INTO chats (jid, name, channel, is_group, last_message_at) VALUES (@jid, @name, @channel, @isGroup, @at)
			 ON CONFLICT (jid) DO UPDATE SET
			   name = CASE WHEN excluded.name <> '' THEN excluded.name ELSE chats.name END,
			   is_group = MAX(chats.is_group, excluded.is_group),
			   last_message_at = COALESCE(MAX(chats.last_message_at, excluded.last_message_at), chats.last_message_at, excluded.last_message_at)`,
		);
	}

	/**
	 * Stores a message; returns its sequence, or null when it was already stored (same chat and id).
	 * `answersSeq`: for an assistant's answer, the last message of the turn it answers.
	 */
	insert(message: InboundMessage, options: {answersSeq?: number} = {}): number | null {
		const info = this.insertStmt.run({
			...message,
			fromMe: message.fromMe ? 1 : 0,
			isBot: message.isBotMessage ? 1 : 0,
			answersSeq: options.answersSeq ?? null,
		});
		return info.changes === 1 ? Number(info.lastInsertRowid) : null;
	}

	/** Messages of a chat after `afterSeq`, oldest first. */
	since(chatJid: string, afterSeq: number, limit = 500): StoredMessage[] {
		return (this.sinceStmt.all(chatJid, afterSeq, limit) as MessageRow[]).map(toMessage);
	}

	/** The newest `limit` messages from people with `afterSeq` < seq < `beforeSeq`, oldest first. */
	latestFromPeople(chatJid: string, afterSeq: number, beforeSeq: number, limit: number): StoredMessage[] {
		const rows = this.db
			.prepare('SELECT * FROM messages WHERE chat_jid = ? AND seq > ? AND seq < ? AND is_bot = 0 ORDER BY seq DESC LIMIT ?')
			.all(chatJid, afterSeq, beforeSeq, limit) as MessageRow[];
		return rows.reverse().map(toMessage);
	}

	/** The newest message from people after `afterSeq` that is not among the latest `keep` of them (null: none). */
	beyondLatest(chatJid: string, afterSeq: number, keep: number): number | null {
		const seq = this.db.prepare('SELECT seq FROM messages WHERE chat_jid = ? AND seq > ? AND is_bot = 0 ORDER BY seq DESC LIMIT 1 OFFSET ?').pluck().get(chatJid, afterSeq, keep);
		return (seq as number | undefined) ?? null;
	}

	recent(chatJid: string, limit = 50): StoredMessage[] {
		const rows = this.db.prepare('SELECT * FROM messages WHERE chat_jid = ? ORDER BY seq DESC LIMIT ?').all(chatJid, limit) as MessageRow[];
		return rows.reverse().map(toMessage);
	}

	upsertChat(chat: {jid: string; name?: string; channel: string; isGroup?: boolean; at?: string | null}): void {
		this.upsertChatStmt.run({jid: chat.jid, name: chat.name ?? '', channel: chat.channel, isGroup: chat.isGroup ? 1 : 0, at: chat.at ?? null});
	}

	chats(): ChatInfo[] {
		const rows = this.db.prepare('SELECT * FROM chats ORDER BY last_message_at DESC').all() as Array<{
			jid: string;
			name: string;
			channel: string;
			is_group: number;
			last_message_at: string | null;
		}>;
		return rows.map((row) => ({jid: row.jid, name: row.name, channel: row.channel, lastMessageAt: row.last_message_at, isGroup: row.is_group === 1}));
	}

	cursor(chatJid: string): number {
		return (this.db.prepare('SELECT last_seq FROM router_cursors WHERE chat_jid = ?').pluck().get(chatJid) as number | undefined) ?? 0;
	}

	/** Moves the cursor forward only (a late success never moves it back). */
	advanceCursor(chatJid: string, seq: number): void {
		this.db
			.prepare(
				`INSERT INTO router_cursors (chat_jid, last_seq) VALUES (?, ?)
				 ON CONFLICT (chat_jid) DO UPDATE SET last_seq = MAX(last_seq, excluded.last_seq)`,
			)
			.run(chatJid, seq);
	}

	/** The last message of the chat that an answer was stored for (0: none). */
	lastAnsweredSeq(chatJid: string): number {
		return (this.db.prepare('SELECT COALESCE(MAX(answers_seq), 0) FROM messages WHERE chat_jid = ? AND is_bot = 1').pluck().get(chatJid) as number) ?? 0;
	}

	/** How much history the store keeps: messages and the bytes of their text. */
	historySize(): {messages: number; textBytes: number} {
		const row = this.db.prepare('SELECT COUNT(*) AS messages, COALESCE(SUM(LENGTH(CAST(content AS BLOB))), 0) AS textBytes FROM messages').get() as {
			messages: number;
			textBytes: number;
		};
		return row;
	}

	/** Chats that have messages after their cursor. */
	chatsWithPending(): string[] {
		return this.db
			.prepare(
				`SELECT DISTINCT m.chat_jid FROM messages m LEFT JOIN router_cursors c ON c.chat_jid = m.chat_jid
				 WHERE m.seq > COALESCE(c.last_seq, 0) AND m.is_bot = 0`,
			)
			.pluck()
			.all() as string[];
	}
}
