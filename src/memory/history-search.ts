// Full-text search over the stored messages (SQLite FTS5, the messages_fts index the store keeps
// by triggers). The words of a query are matched as words, never as FTS syntax: messages with
// every word come first (ranked by bm25), then, to fill the limit, messages with some of them.
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

export class HistoryIndex {
	constructor(private readonly db: Db) {}

	search(input: HistorySearch): HistoryRow[] {
		if (input.words.length === 0 || input.limit < 1) return [];
		const all = this.rank(input, 'all', []);
		const some = all.length < input.limit && input.words.length > 1 ? this.rank({...input, limit: input.limit - all.length}, 'any', all) : [];
		return this.rows(input, [...all.map((seq) => ({seq, allWords: true})), ...some.map((seq) => ({seq, allWords: false}))]);
	}

	/** The best matching sequences, best first (excerpts come later, only for these). */
	private rank(input: HistorySearch, mode: 'all' | 'any', exclude: number[]): number[] {
		const sql = `SELECT m.seq FROM messages_fts JOIN messages m ON m.seq = messages_fts.rowid
			WHERE messages_fts MATCH @match
			${input.chats ? 'AND m.chat_jid IN (SELECT value FROM json_each(@chats))' : ''}
			${input.since ? 'AND m.timestamp >= @since' : ''}
			${input.skip ? 'AND NOT (m.chat_jid = @skipChat AND m.seq > @skipAfter)' : ''}
			${exclude.length ? 'AND m.seq NOT IN (SELECT value FROM json_each(@exclude))' : ''}
			ORDER BY messages_fts.rank, m.seq DESC LIMIT @limit`;
		return this.db
			.prepare(sql)
			.pluck()
			.all({
				match: ftsQuery(input.words, mode),
				limit: input.limit,
				...(input.chats ? {chats: JSON.stringify(input.chats)} : {}),
				...(input.since ? {since: input.since} : {}),
				...(input.skip ? {skipChat: input.skip.chatJid, skipAfter: input.skip.afterSeq} : {}),
				...(exclude.length ? {exclude: JSON.stringify(exclude)} : {}),
			}) as number[];
	}

	private rows(input: HistorySearch, ranked: Array<{seq: number; allWords: boolean}>): HistoryRow[] {
		if (ranked.length === 0) return [];
		const found = this.db
			.prepare(
				`SELECT m.seq, m.chat_jid, m.sender_name, m.is_bot, m.timestamp, snippet(messages_fts, 0, '', '', '…', @tokens) AS excerpt
				 FROM messages_fts JOIN messages m ON m.seq = messages_fts.rowid
				 WHERE messages_fts MATCH @match AND messages_fts.rowid IN (SELECT value FROM json_each(@seqs))`,
			)
			.all({match: ftsQuery(input.words, 'any'), tokens: input.excerptTokens ?? 24, seqs: JSON.stringify(ranked.map((r) => r.seq))}) as Array<{
			seq: number;
			chat_jid: string;
			sender_name: string;
			is_bot: number;
			timestamp: string;
			excerpt: string;
		}>;
		const bySeq = new Map(found.map((row) => [row.seq, row]));
		return ranked.flatMap(({seq, allWords}) => {
			const row = bySeq.get(seq);
			return row ? [{seq, chatJid: row.chat_jid, senderName: row.sender_name, isBot: row.is_bot === 1, timestamp: row.timestamp, excerpt: row.excerpt, allWords}] : [];
		});
	}
}
