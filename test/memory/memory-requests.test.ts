// search_history and read_memory as the host serves them: the caller is the run's group, a group
// sees only its own chats (main every chat, marked), answers fit the characters asked for, and
// only main reads another group's MEMORY.md, through the bounded no-follow read.
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {formatHistoryResult} from '../../container/agent-runner/src/history-format.js';
import type {HistoryRequestMessage, HistoryResult} from '../../container/agent-runner/src/protocol.js';
import {chatsOfGroup} from '../../src/host/sandbox-spec.js';
import {HistoryIndex} from '../../src/memory/history-search.js';
import {MemoryRequests} from '../../src/memory/memory-requests.js';
import {homePaths} from '../../src/paths.js';
import {openDb} from '../../src/store/db.js';
import {GroupStore} from '../../src/store/groups.js';
import {MessageStore} from '../../src/store/messages.js';
import {group} from '../support/fake-host.js';
import {tempHome} from '../support/temp-home.js';

function setup() {
	const {home} = tempHome();
	const paths = homePaths(home);
	const db = openDb(':memory:');
	const messages = new MessageStore(db);
	const groups = new GroupStore(db);
	groups.add(group());
	groups.add(group({jid: 'fam@g.us', name: 'Family', folder: 'family', isMain: false, requiresTrigger: true}));
	groups.add(group({jid: 'work@g.us', name: 'Work', folder: 'work', isMain: false, requiresTrigger: true}));
	messages.upsertChat({jid: 'fam@g.us', name: 'Family', channel: 'whatsapp', isGroup: true});
	messages.upsertChat({jid: 'work@g.us', name: 'Work', channel: 'whatsapp', isGroup: true});
	messages.upsertChat({jid: 'stranger@s.whatsapp.net', name: 'Stranger', channel: 'whatsapp'});
	let n = 0;
	const add = (chatJid: string, content: string, options: {at?: string; bot?: boolean} = {}) =>
		messages.insert({
			id: `m${++n}`,
			chatJid,
			sender: options.bot ? 'assistant' : 'x',
			senderName: options.bot ? 'Baby' : chatJid === 'local:main' ? 'Operator' : 'Ann',
			content,
			timestamp: options.at ?? `2025-05-0${1 + (n % 9)}T08:30:00.000Z`,
			fromMe: !!options.bot,
			isBotMessage: !!options.bot,
		})!;
	/** Every chat's messages so far answered (their cursors past them), as history is. */
	const answered = () => {
		for (const chat of ['local:main', 'local:family', 'local:work', 'fam@g.us', 'work@g.us', 'stranger@s.whatsapp.net']) messages.advanceCursor(chat, n + 1000);
	};
	const requests = new MemoryRequests({index: new HistoryIndex(db), messages, groups, paths, chatsOf: (g) => chatsOfGroup(g), logger: {debug() {}}});
	const search = (folder: string, fields: Partial<HistoryRequestMessage>, chatJid = folder === 'main' ? 'local:main' : `local:${folder}`) =>
		requests.searchHistory({type: 'history_request', requestId: 'r1', query: 'tea', maxChars: 4000, ...fields}, {groupFolder: folder, chatJid});
	return {paths, messages, groups, add, answered, requests, search};
}

const hits = (result: HistoryResult) => (result.status === 'ok' ? result.hits : []);

describe('search_history on the host', () => {
	it("a group's search never returns another group's messages, whatever it asks for", () => {
		const {add, answered, search} = setup();
		add('fam@g.us', 'Grandma drinks green tea');
		add('local:family', 'The operator said tea at four');
		add('work@g.us', 'Tea with the client on Monday');
		add('local:main', 'I like my tea black');
		add('stranger@s.whatsapp.net', 'tea?');
		answered();
		const own = search('family', {});
		expect(hits(own).map((hit) => hit.chatJid).sort()).toEqual(['fam@g.us', 'local:family']);
		expect(hits(own).every((hit) => hit.otherChat === undefined)).toBe(true);
		for (const chatJid of ['work@g.us', 'local:main', 'stranger@s.whatsapp.net']) {
			expect(search('family', {chatJid})).toEqual({status: 'refused', reason: `${chatJid} is not a chat of this group: leave chat_jid out to search this group's chats (fam@g.us, local:family)`});
		}
		// Fields the agent adds to name another group are not read: the caller is the run's group.
		expect(hits(search('family', {...({group: 'main', isMain: true} as object)})).map((hit) => hit.chatJid).sort()).toEqual(['fam@g.us', 'local:family']);
		expect(hits(search('work', {})).map((hit) => hit.excerpt)).toEqual(['Tea with the client on Monday']);
	});

	it('main searches every chat and marks the hits from other chats', () => {
		const {add, answered, search} = setup();
		add('fam@g.us', 'Grandma drinks green tea');
		add('local:main', 'I like my tea black');
		add('stranger@s.whatsapp.net', 'tea, anyone');
		answered();
		const result = search('main', {});
		expect(hits(result).map((hit) => [hit.chatJid, hit.chatName, hit.otherChat ?? false]).sort()).toEqual([
			['fam@g.us', 'Family', true],
			['local:main', '', false],
			['stranger@s.whatsapp.net', 'Stranger', true],
		]);
		expect(hits(search('main', {chatJid: 'fam@g.us'})).map((hit) => hit.excerpt)).toEqual(['Grandma drinks green tea']);
		expect(formatHistoryResult('tea', search('main', {chatJid: 'fam@g.us'}))).toBe(
			'1 stored message found for "tea", best match first:\n- 2025-05-02 08:30 UTC · Ann · in "Family" fam@g.us (another chat): Grandma drinks green tea',
		);
	});

	it('gives date, sender and excerpt, marks the assistant, leaves out the turn being answered', () => {
		const {add, messages, search} = setup();
		add('local:main', 'We always order the jasmine tea', {at: '2024-11-20T19:05:00.000Z'});
		add('local:main', 'Noted: jasmine tea.', {at: '2024-11-20T19:06:00.000Z', bot: true});
		messages.advanceCursor('local:main', add('local:main', 'unrelated'));
		add('local:main', 'which tea do we order?');
		expect(formatHistoryResult('tea', search('main', {query: 'jasmine tea'}))).toBe(
			[
				'2 stored messages found for "tea", best match first:',
				'- 2024-11-20 19:06 UTC · Baby (you): Noted: jasmine tea.',
				'- 2024-11-20 19:05 UTC · Operator: We always order the jasmine tea',
			].join('\n'),
		);
	});

	it('fits the hits into the characters asked for and says what it left out', () => {
		const {add, answered, search} = setup();
		for (let n = 0; n < 30; n++) add('local:main', `tea note ${n}: ${'a long message about the tea we drink '.repeat(20)}`);
		answered();
		const result = search('main', {limit: 20, maxChars: 1200});
		expect(result.status).toBe('ok');
		expect(formatHistoryResult('tea', result).length).toBeLessThanOrEqual(1200);
		expect(hits(result).length).toBeGreaterThan(0);
		expect(hits(result).length).toBeLessThan(20);
		expect(result.status === 'ok' && result.notes[0]).toMatch(/^\d+ more hit\(s\) left out to fit your context: narrow the search/);
		expect(hits(result).every((hit) => hit.excerpt.length <= 301)).toBe(true);
		expect(hits(search('main', {limit: 500, maxChars: 50_000}))).toHaveLength(20);
		expect(hits(search('main', {limit: 'lots' as unknown as number}))).toHaveLength(5);
	});

	it.each([
		[{query: '?!'}, 'the query has no words to search for: give words such as "dog name"'],
		[{query: 42 as unknown as string}, 'the query has no words to search for: give words such as "dog name"'],
		[{since: 'last tuesday'}, 'since must be a date such as 2025-01-31, not "last tuesday"'],
		[{chatJid: 7 as unknown as string}, '7 is not a chat of this group: leave chat_jid out to search this group\'s chats (fam@g.us, local:family)'],
	])('refuses %j with what to do', (fields, reason) => {
		expect(setup().search('family', fields)).toEqual({status: 'refused', reason});
	});

	it('refuses a run whose group was unregistered meanwhile', () => {
		expect(setup().search('gone', {})).toEqual({status: 'refused', reason: 'this group is no longer registered'});
	});
});

describe('read_memory on the host', () => {
	const read = (requests: MemoryRequests, caller: string, folder: string, maxChars = 4000) =>
		requests.readMemory({type: 'memory_read_request', requestId: 'r1', folder, maxChars}, {groupFolder: caller});

	it("lets main read another group's MEMORY.md, cut to the characters asked for", async () => {
		const {paths, requests} = setup();
		fs.mkdirSync(path.join(paths.groupsDir, 'family'), {recursive: true});
		fs.writeFileSync(path.join(paths.groupsDir, 'family', 'MEMORY.md'), `# Family\n- Grandma visits on Sundays\n${'x'.repeat(5000)}`);
		expect(await read(requests, 'main', 'family', 300)).toEqual({status: 'ok', folder: 'family', text: `# Family\n- Grandma visits on Sundays\n${'x'.repeat(300 - 37)}`, notes: ['cut: the first 300 of 5037 characters are shown']});
		expect(await read(requests, 'main', 'work')).toEqual({status: 'ok', folder: 'work', text: '', notes: ['work has no MEMORY.md yet']});
	});

	it('refuses every other group, unknown folders and files that are not plain files', async () => {
		const {paths, requests} = setup();
		const familyDir = path.join(paths.groupsDir, 'family');
		fs.mkdirSync(familyDir, {recursive: true});
		fs.writeFileSync(path.join(paths.groupsDir, 'family', 'MEMORY.md'), 'secret family plans');
		expect(await read(requests, 'work', 'family')).toEqual({status: 'refused', reason: "only the main group may read other groups' memory"});
		expect(await read(requests, 'main', '../store')).toEqual({status: 'refused', reason: 'no group with folder "../store": the groups are main, family, work'});
		expect(await read(requests, 'main', 'global')).toMatchObject({status: 'refused'});
		fs.rmSync(path.join(familyDir, 'MEMORY.md'));
		fs.symlinkSync('/etc/passwd', path.join(familyDir, 'MEMORY.md'));
		expect(await read(requests, 'main', 'family')).toEqual({status: 'refused', reason: 'MEMORY.md is a symlink: write a regular file'});
		fs.rmSync(path.join(familyDir, 'MEMORY.md'));
		fs.writeFileSync(path.join(familyDir, 'other.md'), 'x');
		fs.linkSync(path.join(familyDir, 'other.md'), path.join(familyDir, 'MEMORY.md'));
		expect(await read(requests, 'main', 'family')).toEqual({status: 'refused', reason: 'MEMORY.md has more than one link (a hard link): write a new file'});
	});
});
