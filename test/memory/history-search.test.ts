// The full-text index of the stored messages: kept as messages are stored, built for an existing
// store by its migration, still there after a restart, and searched word by word (never as FTS syntax).
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {ftsQuery, HistoryIndex, queryWords, rankedMatches} from '../../src/memory/history-search.js';
import {migrate, openDb, type Db} from '../../src/store/db.js';
import {MessageStore} from '../../src/store/messages.js';
import {migrations} from '../../src/store/migrations.js';
import {tempHome} from '../support/temp-home.js';

let id = 0;
function store(db: Db) {
	const messages = new MessageStore(db);
	const add = (chatJid: string, content: string, at = '2025-03-01T10:00:00.000Z', isBot = false) =>
		messages.insert({id: `m${++id}`, chatJid, sender: isBot ? 'assistant' : 'ann', senderName: isBot ? 'Baby' : 'Ann', content, timestamp: at, fromMe: isBot, isBotMessage: isBot})!;
	return {messages, add, index: new HistoryIndex(db)};
}

const contents = (hits: {rows: Array<{excerpt: string}>}) => hits.rows.map((row) => row.excerpt);

describe('query words', () => {
	it.each([
		["what's my dog's name?", ['what', 'my', 'dog', 'name']],
		['Bruno AND (beagle OR "dog")', ['bruno', 'and', 'beagle', 'or', 'dog']],
		['NEAR(a b) col:x * ^start', ['near', 'col', 'start']],
		['Zürich café 2025 7', ['zürich', 'café', '2025', '7']],
		['', []],
		['?!…', []],
		['one two three four five six seven eight nine ten eleven twelve thirteen', ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve']],
		['Tea tea TEA', ['tea']],
	])('%j → %j', (text, words) => {
		expect(queryWords(text)).toEqual(words);
	});

	it.each([
		[['dog', 'name'], 'all', '"dog" "name"'],
		[['dog', 'name'], 'any', '"dog" OR "name"'],
		[['and'], 'all', '"and"'],
	] as const)('%j as %s → %s', (words, mode, query) => {
		expect(ftsQuery([...words], mode)).toBe(query);
	});
});

describe('the history index', () => {
	it('finds a message as soon as it is stored, with every word first, then some of them', () => {
		const {add, index} = store(openDb(':memory:'));
		add('local:main', 'By the way, my dog is called Bruno and he is a beagle.');
		add('local:main', 'What was the name of that restaurant?');
		add('local:main', 'The dog park closes at six; Bruno loves the name tag you bought');
		add('local:main', 'Nothing to see here');
		const {rows} = index.search({words: queryWords('dog name'), limit: 5});
		expect(rows.map((row) => [row.excerpt, row.allWords])).toEqual([
			['The dog park closes at six; Bruno loves the name tag you bought', true],
			...rows.slice(1).map((row) => [row.excerpt, false]),
		]);
		expect(contents({rows: rows.slice(1)})).toEqual(expect.arrayContaining(['By the way, my dog is called Bruno and he is a beagle.', 'What was the name of that restaurant?']));
	});

	it('matches word forms (porter stemming) and letters without their accents', () => {
		const {add, index} = store(openDb(':memory:'));
		add('local:main', 'She was running to the cafe in Zurich');
		expect(index.search({words: queryWords('runs café Zürich'), limit: 5}).rows).toHaveLength(1);
	});

	it('keeps to the chats, the date and the limit it is given, and skips the turn being answered', () => {
		const {add, index} = store(openDb(':memory:'));
		add('local:main', 'tea in march', '2025-03-01T10:00:00.000Z');
		add('fam@g.us', 'tea for the family', '2025-03-02T10:00:00.000Z');
		add('local:main', 'tea in april', '2025-04-01T10:00:00.000Z');
		const now = add('local:main', 'do you remember the tea?', '2025-04-02T10:00:00.000Z');
		const tea = queryWords('tea');
		expect(contents(index.search({words: tea, chats: ['fam@g.us'], limit: 5}))).toEqual(['tea for the family']);
		expect(contents(index.search({words: tea, since: '2025-03-15T00:00:00.000Z', chats: ['local:main'], limit: 5})).sort()).toEqual(['do you remember the tea?', 'tea in april']);
		expect(contents(index.search({words: tea, chats: ['local:main'], skip: {chatJid: 'local:main', afterSeq: now - 1}, limit: 5})).sort()).toEqual(['tea in april', 'tea in march']);
		expect(index.search({words: tea, limit: 2}).rows).toHaveLength(2);
		expect(index.search({words: [], limit: 5})).toEqual({rows: [], capped: false});
	});

	it('shows a long message as an excerpt around the match', () => {
		const {add, index} = store(openDb(':memory:'));
		const filler = Array.from({length: 200}, (_, n) => `word${n}`).join(' ');
		add('local:main', `${filler} the wifi password is hunter2 ${filler}`);
		const [row] = index.search({words: queryWords('wifi password'), limit: 1}).rows;
		expect(row.excerpt).toContain('wifi password is hunter2');
		expect(row.excerpt.length).toBeLessThan(300);
		expect(row.excerpt.startsWith('…')).toBe(true);
	});

	it('forgets a removed message and finds a changed one by its new text, indexed or not yet', () => {
		const db = openDb(':memory:');
		const {add, index} = store(db);
		const gone = add('local:main', 'the old locker code is 4411');
		const changed = add('local:main', 'the gate code is 1234');
		expect(index.catchUp()).toBe(2);
		const goneLater = add('local:main', 'the bike locker code is 7788');
		const changedLater = add('local:main', 'the shed code is 1111');
		for (const seq of [gone, goneLater]) db.prepare('DELETE FROM messages WHERE seq = ?').run(seq);
		db.prepare("UPDATE messages SET content = 'the gate code is 9876' WHERE seq = ?").run(changed);
		db.prepare("UPDATE messages SET content = 'the shed code is 2222' WHERE seq = ?").run(changedLater);
		expect(index.search({words: queryWords('locker'), limit: 5}).rows).toEqual([]);
		expect(contents(index.search({words: queryWords('code'), limit: 5})).sort()).toEqual(['the gate code is 9876', 'the shed code is 2222']);
		// FTS5 compares the index with the messages table and throws when they disagree.
		expect(() => db.prepare("INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)").run()).not.toThrow();
	});

	it('takes in what was stored since the last search, in one go', () => {
		const {add, index} = store(openDb(':memory:'));
		add('local:main', 'first note about kiwis');
		expect(contents(index.search({words: ['kiwis'], limit: 5}))).toEqual(['first note about kiwis']);
		for (let n = 0; n < 50; n++) add('local:main', `kiwis again ${n}`);
		expect(index.search({words: ['kiwis'], limit: 100}).rows).toHaveLength(51);
		expect(index.catchUp()).toBe(0);
	});

	it(`ranks only the newest ${rankedMatches} matches of a word that is everywhere, and looks past it for the telling words`, () => {
		const db = openDb(':memory:');
		const {add, index} = store(db);
		add('local:main', 'the passport is in the blue drawer');
		db.transaction(() => {
			for (let n = 0; n < rankedMatches + 100; n++) add('local:main', `the note ${n}`);
		})();
		const common = index.search({words: ['the'], limit: 5});
		expect(common.capped).toBe(true);
		expect(common.rows).toHaveLength(5);
		expect(contents(index.search({words: queryWords('the passport'), limit: 5}))).toEqual(['the passport is in the blue drawer']);
		const some = index.search({words: queryWords('the passport visa'), limit: 5});
		expect(some.rows.map((row) => [row.excerpt, row.allWords])).toEqual([['the passport is in the blue drawer', false]]);
	});

	it('is built by its migration for a store that already holds messages, and is still there after a restart', () => {
		const file = path.join(tempHome().root, 'babybot.db');
		const before = openDb(file, migrations.filter((migration) => migration.name !== 'messages-fts'));
		const {add} = store(before);
		for (let n = 0; n < 300; n++) add('local:main', n === 0 ? 'my dog is called Bruno' : `filler message number ${n} about the weather`);
		expect(before.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name = 'messages_fts'").pluck().get()).toBe(0);
		migrate(before, migrations);
		expect(contents(new HistoryIndex(before).search({words: ['bruno'], limit: 5}))).toEqual(['my dog is called Bruno']);
		before.close();

		const after = openDb(file);
		expect(contents(new HistoryIndex(after).search({words: ['bruno'], limit: 5}))).toEqual(['my dog is called Bruno']);
		store(after).add('local:main', 'Bruno had his shots today');
		expect(new HistoryIndex(after).search({words: ['bruno'], limit: 5}).rows).toHaveLength(2);
		after.close();
	});
});
