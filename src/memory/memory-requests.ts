// search_history and read_memory, served on the host for the agents (the sandbox has no store and
// sees no other group). The caller is the run's group, never a field of the request: a group
// searches its own chats, main every chat (hits from other chats are marked), and only main reads
// other groups' memory files, read-only, through the bounded no-follow read of memory-files.ts.
import {formatHistoryHit, historyHeader} from '../../container/agent-runner/src/history-format.js';
import type {HistoryHit, HistoryRequestMessage, HistoryResult, MemoryReadRequestMessage, MemoryReadResult} from '../../container/agent-runner/src/protocol.js';
import type {Logger} from '../logger.js';
import {folderProblem, groupPaths, type HomePaths} from '../paths.js';
import type {MemoryServer} from '../runner/host-requests.js';
import type {GroupStore} from '../store/groups.js';
import type {MessageStore} from '../store/messages.js';
import type {RegisteredGroup} from '../api/types.js';
import {HistoryIndex, queryWords, type HistoryRow} from './history-search.js';
import {readMemoryFile} from './memory-files.js';

export const historyLimits = {defaultHits: 5, maxHits: 20, excerptChars: 300, maxQueryChars: 500, minChars: 200, maxChars: 50_000};

export interface MemoryRequestsOptions {
	index: HistoryIndex;
	messages: MessageStore;
	groups: GroupStore;
	paths: HomePaths;
	/** The chats a group answers (for main, with the operator's self-chat). */
	chatsOf(group: RegisteredGroup): string[];
	logger: Pick<Logger, 'debug'>;
}

type Checked<T> = {ok: true; value: T} | {ok: false; reason: string};

const clamp = (value: unknown, min: number, max: number, fallback: number) =>
	typeof value === 'number' && Number.isFinite(value) ? Math.max(min, Math.min(max, Math.floor(value))) : fallback;

function checkSince(since: unknown): Checked<string | undefined> {
	if (since === undefined || since === null || since === '') return {ok: true, value: undefined};
	const date = typeof since === 'string' ? new Date(since) : undefined;
	if (!date || Number.isNaN(date.getTime())) return {ok: false, reason: `since must be a date such as 2025-01-31, not ${JSON.stringify(since).slice(0, 40)}`};
	return {ok: true, value: date.toISOString()};
}

export class MemoryRequests implements MemoryServer {
	constructor(private readonly options: MemoryRequestsOptions) {}

	searchHistory(request: HistoryRequestMessage, context: {groupFolder: string; chatJid: string}): HistoryResult {
		const group = this.options.groups.byFolder(context.groupFolder);
		if (!group) return {status: 'refused', reason: 'this group is no longer registered'};
		const own = this.options.chatsOf(group);
		const query = typeof request.query === 'string' ? request.query.slice(0, historyLimits.maxQueryChars) : '';
		const words = queryWords(query);
		if (words.length === 0) return {status: 'refused', reason: 'the query has no words to search for: give words such as "dog name"'};
		const chat = request.chatJid;
		if (chat !== undefined && (typeof chat !== 'string' || (!group.isMain && !own.includes(chat)))) {
			return {status: 'refused', reason: `${String(chat).slice(0, 80)} is not a chat of this group: leave chat_jid out to search this group's chats (${own.join(', ')})`};
		}
		const since = checkSince(request.since);
		if (!since.ok) return {status: 'refused', reason: since.reason};
		const limit = clamp(request.limit, 1, historyLimits.maxHits, historyLimits.defaultHits);
		const {rows, capped} = this.options.index.search({
			words,
			chats: chat ? [chat] : group.isMain ? undefined : own,
			since: since.value,
			skip: {chatJid: context.chatJid, afterSeq: this.options.messages.cursor(context.chatJid)},
			limit,
		});
		this.options.logger.debug({group: group.folder, words: words.join(' '), hits: rows.length}, 'search_history');
		const result = this.bounded(query, rows, group, own, clamp(request.maxChars, historyLimits.minChars, historyLimits.maxChars, 4000));
		if (capped && result.status === 'ok') result.notes.push('some words are in so many messages that only the newest of those were ranked: add a rarer word or since to reach older ones');
		return result;
	}

	async readMemory(request: MemoryReadRequestMessage, context: {groupFolder: string}): Promise<MemoryReadResult> {
		const caller = this.options.groups.byFolder(context.groupFolder);
		if (!caller?.isMain) return {status: 'refused', reason: "only the main group may read other groups' memory"};
		const folder = typeof request.folder === 'string' ? request.folder : '';
		const group = folderProblem(folder) ? undefined : this.options.groups.byFolder(folder);
		if (!group) {
			const known = this.options.groups.all().map((g) => g.folder).join(', ');
			return {status: 'refused', reason: `no group with folder "${folder.slice(0, 64)}": the groups are ${known}`};
		}
		const read = await readMemoryFile(groupPaths(this.options.paths, folder).group);
		if (read.status === 'refused') return {status: 'refused', reason: read.reason};
		if (read.status === 'missing') return {status: 'ok', folder, text: '', notes: [`${folder} has no MEMORY.md yet`]};
		const maxChars = clamp(request.maxChars, historyLimits.minChars, historyLimits.maxChars, 4000);
		const text = read.text.trim();
		if (text.length <= maxChars) return {status: 'ok', folder, text, notes: []};
		return {status: 'ok', folder, text: text.slice(0, maxChars), notes: [`cut: the first ${maxChars} of ${text.length} characters are shown`]};
	}

	/** The hits that fit `maxChars` as the agent shows them, with what was left out and why. */
	private bounded(query: string, rows: HistoryRow[], group: RegisteredGroup, own: string[], maxChars: number): HistoryResult {
		const names = new Map(this.options.messages.chats().map((chat) => [chat.jid, chat.name]));
		const hits: HistoryHit[] = [];
		let used = historyHeader(query, rows.length).length + 200;
		for (const row of rows) {
			const excerpt = row.excerpt.length > historyLimits.excerptChars ? `${row.excerpt.slice(0, historyLimits.excerptChars)}…` : row.excerpt;
			const hit: HistoryHit = {
				date: row.timestamp,
				sender: row.senderName,
				fromAssistant: row.isBot,
				chatJid: row.chatJid,
				chatName: names.get(row.chatJid) ?? '',
				...(group.isMain && !own.includes(row.chatJid) ? {otherChat: true} : {}),
				excerpt: excerpt.replace(/\s+/g, ' ').trim(),
			};
			const size = formatHistoryHit(hit).length + 1;
			if (used + size > maxChars) break;
			used += size;
			hits.push(hit);
		}
		const notes: string[] = [];
		if (hits.length < rows.length) notes.push(`${rows.length - hits.length} more hit(s) left out to fit your context: narrow the search (chat_jid, since) or ask for fewer`);
		const partial = hits.filter((hit, index) => !rows[index].allWords).length;
		if (partial === hits.length && partial > 0) notes.push('no message has all of the words: these have some of them');
		else if (partial > 0) notes.push(`the last ${partial} have only some of the words`);
		return {status: 'ok', hits, notes};
	}
}
