// Memory from a real Docker sandbox (as uid 1000 when the host is root): search_history answered by
// the host over stdio, a memory file compacted inside the sandbox before the first turn, and a file
// the host restores still writable by the sandbox's user.
import fs from 'node:fs';
import path from 'node:path';
import {expect, it} from 'vitest';
import {homePaths} from '../../src/paths.js';
import {openDb} from '../../src/store/db.js';
import {MessageStore} from '../../src/store/messages.js';
import {describeWithDocker} from '../support/docker-gate.js';
import {startScriptedOllama} from '../support/ollama-server.js';
import {toolResults} from '../support/probe.js';
import {closeAfterEach, startTestHost} from '../support/test-host.js';

const track = closeAfterEach();

await describeWithDocker('memory from the Docker sandbox', () => {
	it('searches the history through the host, compacts memory in the sandbox, and can write a restored file', async () => {
		const long = `${Array.from({length: 300}, (_, n) => `- fact ${n}: something said once`).join('\n')}\n`;
		const ollama = track(await startScriptedOllama({
			replies: [
				{content: '# Memory\n- 300 facts, merged.'},
				{toolCalls: [{name: 'search_history', arguments: {query: 'passport drawer'}}]},
				{content: 'In the blue drawer.'},
				{toolCalls: [{name: 'bash', arguments: {command: "echo '- added in the sandbox' >> MEMORY.md && id -u"}}]},
				{content: 'done'},
			],
		}));
		const running = track(await startTestHost({runtime: 'docker', ollamaUrl: ollama.url}));
		const db = openDb(homePaths(running.home).dbFile);
		const store = new MessageStore(db);
		const seq = store.insert({id: 'old', chatJid: 'local:main', sender: 'operator', senderName: 'Operator', content: 'My passport is in the blue drawer', timestamp: '2025-01-05T10:00:00.000Z', fromMe: false, isBotMessage: false});
		store.advanceCursor('local:main', seq!);
		db.close();
		const memory = path.join(running.home, 'groups', 'main', 'MEMORY.md');
		fs.writeFileSync(memory, long);

		expect(await running.ask('main', 'where is my passport?')).toMatchObject({ok: true, replies: ['In the blue drawer.']});
		expect(fs.readFileSync(memory, 'utf8')).toBe('# Memory\n- 300 facts, merged.\n');
		expect(toolResults(ollama.chatRequests[2])).toEqual(['1 stored message found for "passport drawer", best match first:\n- 2025-01-05 10:00 UTC · Operator: My passport is in the blue drawer']);

		const [version] = (await running.host.memoryDetails('main')).files[0].versions;
		await running.host.restoreMemory('main', 'group', version.id);
		expect(await running.ask('main', 'note something')).toMatchObject({ok: true, replies: ['done']});
		const [idOut] = toolResults(ollama.chatRequests[4]);
		expect(idOut).toMatch(/^exit code: 0/);
		expect(fs.readFileSync(memory, 'utf8')).toBe(`${long}- added in the sandbox\n`);
		expect(running.host.snapshot().runs.map((run) => run.runtime)).toEqual(['docker']);
	}, 180_000);
});
