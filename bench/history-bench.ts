// Benchmark: search_history over 100,000 stored messages in 20 chats (a real SQLite file, WAL),
// through the host's own serving path (the group's chats, ranking, excerpts, bounding), for a group
// (its two chats) and for main (every chat); and the size of the full-text index on disk.
// Aim: p95 under 20 ms. Messages are made of a Zipf-distributed vocabulary, so some query words are
// in tens of thousands of messages and some in a handful.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {chatsOfGroup} from '../src/host/sandbox-spec.js';
import {HistoryIndex} from '../src/memory/history-search.js';
import {MemoryRequests} from '../src/memory/memory-requests.js';
import {homePaths} from '../src/paths.js';
import {openDb} from '../src/store/db.js';
import {GroupStore} from '../src/store/groups.js';
import {MessageStore} from '../src/store/messages.js';
import type {RegisteredGroup} from '../src/api/types.js';
import {percentiles, type Percentiles} from './ipc-bench.js';
import {seededRandom} from '../test/support/seeded-random.js';

export interface HistoryFigures {
	messages: number;
	queries: number;
	/** A group searching its own chats. */
	group_ms: Percentiles;
	/** Main searching every chat. */
	main_ms: Percentiles;
	/** The slowest single search seen. */
	max_ms: number;
	index_mb: number;
	messages_table_mb: number;
	/** Indexing all the messages at once (what the migration does for an existing store). */
	index_all_s: number;
	/** The first search after 1,000 new messages: indexing them, then searching. */
	catch_up_1000_ms: number;
}


const syllables = ['ka', 'lo', 'mi', 'ter', 'san', 'do', 're', 'vi', 'nu', 'pa', 'gor', 'el', 'tri', 'us', 'ban', 'zo', 'fe', 'ly', 'mon', 'ark'];

function vocabulary(size: number, next: () => number): string[] {
	const words = new Set<string>();
	while (words.size < size) words.add(Array.from({length: 1 + Math.floor(next() * 3)}, () => syllables[Math.floor(next() * syllables.length)]).join(''));
	return [...words];
}

/** A word by Zipf's law: the n-th most common word comes up about 1/n as often as the first. */
function zipf(words: string[], next: () => number): string {
	const index = Math.floor(Math.exp(next() * Math.log(words.length))) - 1;
	return words[Math.min(words.length - 1, index)];
}

const group = (folder: string, n: number, isMain = false): RegisteredGroup => ({
	jid: isMain ? 'local:main' : `chat${n}@g.us`,
	name: folder,
	folder,
	trigger: '@Baby',
	requiresTrigger: !isMain,
	isMain,
	addedAt: new Date(0).toISOString(),
	extraMounts: [],
	network: false,
});

export function measureHistorySearch(count = 100_000, queries = 300): HistoryFigures {
	const root = fs.mkdtempSync(path.join(os.tmpdir(), 'babybot-history-bench-'));
	const paths = homePaths(root);
	const db = openDb(paths.dbFile);
	try {
		const next = seededRandom(20);
		const words = vocabulary(5000, next);
		const groups = new GroupStore(db);
		const all = [group('main', 0, true), ...Array.from({length: 19}, (_, n) => group(`group${n + 1}`, n + 1))];
		for (const g of all) groups.add(g);
		const messages = new MessageStore(db);
		const chats = all.map((g) => g.jid);
		const store = (from: number, to: number) =>
			db.transaction(() => {
				for (let i = from; i < to; i++) {
					const length = 4 + Math.floor(next() * 26);
					messages.insert({
						id: `m${i}`,
						chatJid: chats[i % chats.length],
						sender: `${i % 7}@s.whatsapp.net`,
						senderName: `Person ${i % 7}`,
						content: Array.from({length}, () => zipf(words, next)).join(' '),
						timestamp: new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString(),
						fromMe: false,
						isBotMessage: i % 2 === 1,
					});
				}
			})();
		store(0, count - 1000);
		const index = new HistoryIndex(db);
		const indexStart = performance.now();
		index.catchUp();
		const indexAllS = (performance.now() - indexStart) / 1000;
		store(count - 1000, count);
		for (const chat of chats) messages.advanceCursor(chat, count + 1);
		const requests = new MemoryRequests({index, messages, groups, paths, chatsOf: (g) => chatsOfGroup(g), logger: {debug() {}}});
		const run = (folder: string, query: string) => {
			const at = performance.now();
			const result = requests.searchHistory({type: 'history_request', requestId: 'b', query, maxChars: 4000}, {groupFolder: folder, chatJid: `local:${folder}`});
			if (result.status !== 'ok') throw new Error(`the bench's search was refused: ${result.reason}`);
			return performance.now() - at;
		};
		const query = () => Array.from({length: 1 + Math.floor(next() * 3)}, () => zipf(words, next)).join(' ');
		const catchUpMs = run('group3', query());
		for (let i = 0; i < 20; i++) run('group3', query());
		const groupSamples: number[] = [];
		const mainSamples: number[] = [];
		for (let i = 0; i < queries; i++) {
			groupSamples.push(run(`group${1 + (i % 19)}`, query()));
			mainSamples.push(run('main', query()));
		}
		const size = (like: string) => (db.prepare('SELECT COALESCE(SUM(pgsize), 0) FROM dbstat WHERE name LIKE ?').pluck().get(like) as number) / 1024 / 1024;
		const round = (n: number) => Math.round(n * 100) / 100;
		return {
			messages: count,
			queries: queries * 2,
			group_ms: percentiles(groupSamples),
			main_ms: percentiles(mainSamples),
			max_ms: round(Math.max(...groupSamples, ...mainSamples)),
			index_mb: round(size('messages_fts%')),
			messages_table_mb: round(size('messages')),
			index_all_s: round(indexAllS),
			catch_up_1000_ms: round(catchUpMs),
		};
	} finally {
		db.close();
		fs.rmSync(root, {recursive: true, force: true});
	}
}
