// Memory through the whole host (runtime none, the real agent-runner, the scripted model): history
// search keeps to the caller's chats, a memory file over its budget is compacted at the next run
// with its old text kept and restorable, auto-memory records a stated preference once, and only
// main reads another group's memory.
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {lastingFactRequest} from '../../container/agent-runner/src/auto-memory.js';
import {compactionSystemPrompt} from '../../container/agent-runner/src/memory-compaction.js';
import {homePaths} from '../../src/paths.js';
import {openDb} from '../../src/store/db.js';
import {MessageStore} from '../../src/store/messages.js';
import {startScriptedOllama, type ChatRequestBody, type ScriptedReply} from '../support/ollama-server.js';
import {toolResults} from '../support/probe.js';
import {closeAfterEach, startTestHost} from '../support/test-host.js';

const track = closeAfterEach();

const search = (args: Record<string, unknown>) => ({name: 'search_history', arguments: args});
const isFactCheck = (request: ChatRequestBody) => request.messages.at(-1)?.content === lastingFactRequest;
const memoryFile = (home: string, folder: string) => path.join(home, 'groups', folder, 'MEMORY.md');

async function hostWith(replies: ScriptedReply[], env: Record<string, string> = {}) {
	const ollama = track(await startScriptedOllama({replies}));
	const running = track(await startTestHost({runtime: 'none', ollamaUrl: ollama.url, env}));
	return {ollama, running};
}

/** Stores answered messages the way the channels do (a second connection to the host's store). */
function storeHistory(home: string, messages: Array<[chatJid: string, sender: string, content: string]>): void {
	const db = openDb(homePaths(home).dbFile);
	const store = new MessageStore(db);
	messages.forEach(([chatJid, sender, content], n) => {
		const seq = store.insert({id: `h${n}`, chatJid, sender, senderName: sender, content, timestamp: `2025-02-0${n + 1}T09:00:00.000Z`, fromMe: false, isBotMessage: false});
		store.advanceCursor(chatJid, seq!);
	});
	db.close();
}

describe('search_history through the host', () => {
	it("a group's search returns only its own chats' messages; main's marks the other chats", async () => {
		const {ollama, running} = await hostWith([
			{toolCalls: [search({query: 'tea'}), search({query: 'tea', chat_jid: 'local:main'})]},
			{content: 'Green tea.'},
			{toolCalls: [search({query: 'tea', limit: 10})]},
			{content: 'Everyone likes tea.'},
		]);
		await running.host.registerGroup({jid: 'fam@g.us', name: 'Family', folder: 'family', requiresTrigger: false});
		await running.host.registerGroup({jid: 'work@g.us', name: 'Work', folder: 'work', requiresTrigger: false});
		storeHistory(running.home, [
			['fam@g.us', 'Grandma', 'Grandma only drinks green tea'],
			['local:main', 'Operator', 'I like my tea black'],
			['work@g.us', 'Boss', 'Tea with the client on Monday'],
		]);

		expect(await running.ask('family', 'which tea does grandma drink?')).toMatchObject({ok: true, replies: ['Green tea.']});
		const [own, other] = toolResults(ollama.chatRequests[1]);
		expect(own).toBe('1 stored message found for "tea", best match first:\n- 2025-02-01 09:00 UTC · Grandma: Grandma only drinks green tea');
		expect(other).toBe("refused: local:main is not a chat of this group: leave chat_jid out to search this group's chats (fam@g.us, local:family)");

		expect(await running.ask('main', 'who drinks tea?')).toMatchObject({ok: true, replies: ['Everyone likes tea.']});
		const [all] = toolResults(ollama.chatRequests[3]);
		const timeless = all.split('\n').map((line) => line.replace(/^- \d{4}-\d\d-\d\d \d\d:\d\d UTC(?= · (Operator|Baby \(you\)) · in "local family")/, '- TIME'));
		expect(timeless.slice(1).sort()).toEqual(
			[
				'- 2025-02-01 09:00 UTC · Grandma · in fam@g.us (another chat): Grandma only drinks green tea',
				'- 2025-02-02 09:00 UTC · Operator: I like my tea black',
				'- 2025-02-03 09:00 UTC · Boss · in work@g.us (another chat): Tea with the client on Monday',
				'- TIME · Operator · in "local family" local:family (another chat): which tea does grandma drink?',
				'- TIME · Baby (you) · in "local family" local:family (another chat): Green tea.',
			].sort(),
		);
	}, 60_000);
});

describe('memory compaction and restore', () => {
	it('compacts a file over its budget at the next run, keeps the old text and restores it', async () => {
		const long = Array.from({length: 300}, (_, n) => `- fact ${n}: the user mentioned item ${n} once`).join('\n');
		const {ollama, running} = await hostWith([{content: '# Memory\n- The user mentioned 300 items.'}, {content: 'Hello!'}, {content: 'Hello again.'}]);
		fs.writeFileSync(memoryFile(running.home, 'main'), `${long}\n`);

		expect(await running.ask('main', 'hello')).toMatchObject({ok: true, replies: ['Hello!']});
		const [compaction, turn] = ollama.chatRequests;
		expect(compaction.messages[0].content).toBe(compactionSystemPrompt);
		expect(compaction.messages[1].content).toContain('- fact 299: the user mentioned item 299 once');
		expect(fs.readFileSync(memoryFile(running.home, 'main'), 'utf8')).toBe('# Memory\n- The user mentioned 300 items.\n');
		expect(turn.messages[0].content).toContain('## Memory of this chat (MEMORY.md)\n# Memory\n- The user mentioned 300 items.');

		const details = await running.host.memoryDetails('main');
		const [group] = details.files;
		expect(group.versions).toEqual([{id: expect.stringMatching(/-compaction$/), savedAt: expect.any(String), reason: 'compaction', chars: long.length}]);
		expect(group.diff.slice(0, 3)).toEqual(['- - fact 0: the user mentioned item 0 once', '- - fact 1: the user mentioned item 1 once', '- - fact 2: the user mentioned item 2 once']);
		expect(group.diff.slice(-3)).toEqual(['… 288 more removed lines', '+ # Memory', '+ - The user mentioned 300 items.']);
		expect(fs.readdirSync(path.join(running.home, 'memory-history', 'main'))).toEqual([`${group.versions[0].id}.md`]);
		expect(fs.readdirSync(path.join(running.home, 'groups', 'main')).filter((name) => name.startsWith('MEMORY.md.'))).toEqual([]);

		await running.host.restoreMemory('main', 'group', group.versions[0].id);
		expect(fs.readFileSync(memoryFile(running.home, 'main'), 'utf8')).toBe(`${long}\n`);
		const after = (await running.host.memoryDetails('main')).files[0];
		expect(after.versions.map((version) => [version.reason, version.chars])).toEqual([
			['restore', '# Memory\n- The user mentioned 300 items.'.length],
			['compaction', long.length],
		]);
		// The warm run reads memory every turn: the next turn sees the restored file.
		expect(await running.ask('main', 'still there?')).toMatchObject({ok: true, replies: ['Hello again.']});
		expect(ollama.chatRequests[2].messages[0].content).toContain('- fact 0: the user mentioned item 0 once');
		await expect(running.host.restoreMemory('main', 'group', 'nope')).rejects.toThrow('no kept version nope of the memory of main');
		await expect(running.host.memoryDetails('nobody')).rejects.toThrow('no group with folder "nobody"');
	}, 60_000);
});

describe('auto-memory', () => {
	it('writes a stated preference once, and asks nothing on a turn that edited memory itself or states nothing', async () => {
		const {ollama, running} = await hostWith([
			{content: 'Noted.'},
			{content: '- Prefers tea to coffee'},
			{content: 'I know.'},
			{content: '- Prefers tea to coffee'},
			{toolCalls: [{name: 'bash', arguments: {command: "echo '- Vegetarian' >> MEMORY.md"}}]},
			{content: 'Saved.'},
			{content: 'Noon.'},
		]);
		const file = memoryFile(running.home, 'main');
		const before = fs.readFileSync(file, 'utf8');
		expect(await running.ask('main', 'I prefer tea to coffee.')).toMatchObject({ok: true, replies: ['Noted.']});
		expect(await running.ask('main', 'Just so you know, I prefer tea to coffee.')).toMatchObject({ok: true, replies: ['I know.']});
		expect(await running.ask('main', 'Remember that I am vegetarian.')).toMatchObject({ok: true, replies: ['Saved.']});
		expect(await running.ask('main', 'What time is it?')).toMatchObject({ok: true, replies: ['Noon.']});

		expect(ollama.chatRequests.map(isFactCheck)).toEqual([false, true, false, true, false, false, false]);
		expect(fs.readFileSync(file, 'utf8')).toBe(`${before}${before.endsWith('\n') ? '' : '\n'}- Prefers tea to coffee\n- Vegetarian\n`);
		// The memory check is never part of the conversation the model sees later.
		expect(ollama.chatRequests.at(-1)!.messages.some((message) => message.content === lastingFactRequest)).toBe(false);
	}, 60_000);

	it('with ENABLE_AUTO_MEMORY=false asks nothing', async () => {
		const {ollama, running} = await hostWith([{content: 'Noted.'}], {ENABLE_AUTO_MEMORY: 'false'});
		const before = fs.readFileSync(memoryFile(running.home, 'main'), 'utf8');
		expect(await running.ask('main', 'I prefer tea to coffee.')).toMatchObject({ok: true, replies: ['Noted.']});
		expect(ollama.chatRequests).toHaveLength(1);
		expect(fs.readFileSync(memoryFile(running.home, 'main'), 'utf8')).toBe(before);
	}, 60_000);
});

describe('read_memory', () => {
	it("lets main read another group's memory and offers it to no other group", async () => {
		const {ollama, running} = await hostWith([
			{toolCalls: [{name: 'read_memory', arguments: {group: 'family'}}]},
			{content: 'Grandma visits on Sundays.'},
			{toolCalls: [{name: 'read_memory', arguments: {group: 'main'}}]},
			{content: 'I cannot.'},
		]);
		await running.host.registerGroup({jid: 'fam@g.us', name: 'Family', folder: 'family', requiresTrigger: false});
		fs.mkdirSync(path.join(running.home, 'groups', 'family'), {recursive: true});
		fs.writeFileSync(memoryFile(running.home, 'family'), '# Family\n- Grandma visits on Sundays\n');

		expect(await running.ask('main', 'when does grandma visit?')).toMatchObject({ok: true, replies: ['Grandma visits on Sundays.']});
		expect(toolResults(ollama.chatRequests[1])).toEqual(['# MEMORY.md of family (read-only)\n\n# Family\n- Grandma visits on Sundays']);

		expect(await running.ask('family', "what is in main's memory?")).toMatchObject({ok: true, replies: ['I cannot.']});
		expect(ollama.chatRequests[2].tools!.map((tool) => tool.function.name)).not.toContain('read_memory');
		expect(toolResults(ollama.chatRequests[3])[0]).toMatch(/^error: unknown tool "read_memory"/);
	}, 60_000);
});
