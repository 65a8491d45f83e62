// Full-text search over the stored messages (SQLite FTS5, the messages_fts index of the store's
// migration). Before a search the index takes in every message stored since the last one, in one
// transaction (so storing a message costs no index write, and a crash loses nothing:
// messages_fts_progress says how far the index goes). The words of a query are matched as words, never
// as FTS syntax: messages with every word come first, then, to fill the limit, messages with some
// of them; each set is ranked by bm25. A query that matches more than `rankedMatches` messages is
// ranked among its newest ones only, so a search costs about the same whatever the words.
import type {Db} from '../store/db.js';

/** Words of a query: letters and digits (lower case, at most 12, each once). */
export function queryWords(text: string): string[] {
	const words = (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((word) => word.length > 1 || /\d/.test(word));
	return [...new Set(words)].slice(0, 12);
}

/** An FTS5 query for `words`: every word quoted (so nothing is read as an operator), all or any of them. */
export function ftsQuery(words: string[], mode: 'all' | 'any'): string {
	return words.map((word) => `"${word.replace(/"/g, '""')}"`).join(mode === 'all' ? ' ' : ' OR ');
}

/** The most matches one query ranks (its newest); more is noted. */
export const rankedMatches = 2000;

export interface HistorySearch {
	words: string[];
	/** Only these chats; undefined: every chat. */
	chats?: string[];
	/** ISO time: only messages from then on. */
	since?: string;
	/** Messages of this chat after `seq` are left out (the turn being answered has them already). */
	skip?: {chatJid: string; afterSeq: number};
	limit: number;
	/** Tokens of context an excerpt shows around the match. */
	excerptTokens?: number;
}

export interface HistoryRow {
	seq: number;
	chatJid: string;
	senderName: string;
	isBot: boolean;
	timestamp: string;
	excerpt: string;
	/** The message has every word of the query. */
	allWords: boolean;
}

export interface HistoryHits {
	rows: HistoryRow[];
	/** Some words are in so many messages that only the newest of them were ranked. */
	capped: boolean;
}

export class HistoryIndex {
	constructor(private readonly db: Db) {}

	/** Indexes the messages stored since the last call; returns how many. */
	catchUp(): number {
		return this.db
			.transaction(() => {
				const from = this.db.prepare('SELECT through_seq FROM messages_fts_progress').pluck().get() as number;
				const to = this.db.prepare('SELECT COALESCE(MAX(seq), 0) FROM messages').pluck().get() as number;
				if (to <= from) return 0;
				const added = this.db.prepare('INSERT INTO messages_fts (rowid, content) SELECT seq, content FROM messages WHERE seq > ? AND seq <= ? ORDER BY seq').run(from, to).changes;
				this.db.prepare('UPDATE messages_fts_progress SET through_seq = ?').run(to);
				return added;
			})
			.immediate();
	}

	search(input: HistorySearch): HistoryHits {
		this.catchUp();
		if (input.words.length === 0 || input.limit < 1) return {rows: [], capped: false};
		const all = this.rank(input, input.words, 'all', []);
		// Some of the words: only those in fewer than rankedMatches messages, which say something.
		const telling = all.seqs.length < input.limit && input.words.length > 1 ? input.words.filter((word) => this.matches(ftsQuery([word], 'all')) <= rankedMatches) : [];
		const some = telling.length ? this.rank({...input, limit: input.limit - all.seqs.length}, telling, 'any', all.seqs) : {seqs: [], capped: false};
		const ranked = [...all.seqs.map((seq) => ({seq, allWords: true})), ...some.seqs.map((seq) => ({seq, allWords: false}))];
		return {rows: this.rows(input, ranked), capped: all.capped || some.capped};
	}

	/** How many messages match, counting no further than rankedMatches + 1. */
	private matches(match: string): number {
		return this.db.prepare('SELECT COUNT(*) FROM (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ? LIMIT ?)').pluck().get(match, rankedMatches + 1) as number;
	}

	/** The best matching sequences, best first (excerpts come later, only for these). */
	private rank(input: HistorySearch, words: string[], mode: 'all' | 'any', exclude: number[]): {seqs: number[]; capped: boolean} {
		const match = ftsQuery(words, mode);
		// The rowid of the oldest match ranked; bm25() (not `rank`) lets FTS5 keep to that range.
		const floor = this.db.prepare('SELECT rowid FROM messages_fts WHERE messages_fts MATCH ? ORDER BY rowid DESC LIMIT 1 OFFSET ?').pluck().get(match, rankedMatches) as number | undefined;
		const sql = `SELECT m.seq FROM messages_fts JOIN messages m ON m.seq = messages_fts.rowid
			WHERE messages_fts MATCH @match
			${floor === undefined ? '' : 'AND messages_fts.rowid > CAST(@floor AS INTEGER)'}
			${input.chats ? 'AND m.chat_jid IN (SELECT value FROM json_each(@chats))' : ''}
			${input.since ? 'AND m.timestamp >= @since' : ''}
			${input.skip ? 'AND NOT (m.chat_jid = @skipChat AND m.seq > @skipAfter)' : ''}
			${exclude.length ? 'AND m.seq NOT IN (SELECT value FROM json_each(@exclude))' : ''}
			ORDER BY bm25(messages_fts), m.seq DESC LIMIT @limit`;
		const seqs = this.db
			.prepare(sql)
			.pluck()
			.all({
				match,
				limit: input.limit,
				...(floor === undefined ? {} : {floor}),
				...(input.chats ? {chats: JSON.stringify(input.chats)} : {}),
				...(input.since ? {since: input.since} : {}),
				...(input.skip ? {skipChat: input.skip.chatJid, skipAfter: input.skip.afterSeq} : {}),
				...(exclude.length ? {exclude: JSON.stringify(exclude)} : {}),
			}) as number[];
		return {seqs, capped: floor !== undefined};
	}

	private rows(input: HistorySearch, ranked: Array<{seq: number; allWords: boolean}>): HistoryRow[] {
		// CAST: FTS5 keeps to `rowid = ?` only for an integer value, and JavaScript numbers bind as real.
		const excerpt = this.db.prepare(`SELECT snippet(messages_fts, 0, '', '', '…', ?) FROM messages_fts WHERE messages_fts MATCH ? AND rowid = CAST(? AS INTEGER)`).pluck();
		const message = this.db.prepare('SELECT chat_jid, sender_name, is_bot, timestamp FROM messages WHERE seq = ?');
		const match = ftsQuery(input.words, 'any');
		return ranked.flatMap(({seq, allWords}) => {
			const row = message.get(seq) as {chat_jid: string; sender_name: string; is_bot: number; timestamp: string} | undefined;
			if (!row) return [];
			const text = (excerpt.get(input.excerptTokens ?? 24, match, seq) as string | undefined) ?? '';
			return [{seq, chatJid: row.chat_jid, senderName: row.sender_name, isBot: row.is_bot === 1, timestamp: row.timestamp, excerpt: text, allWords}];
		});
	}
}
