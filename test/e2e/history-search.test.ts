// search_history end to end with the real binary (runtime none) and the scripted model: a store
// that already holds 300 messages (from before the index existed) gets its index from the
// migration, and a fact said 300 messages ago, long out of the agent's context, is found and used.
import {describe, expect, it} from 'vitest';
import {openDb} from '../../src/store/db.js';
import {MessageStore} from '../../src/store/messages.js';
import {migrations} from '../../src/store/migrations.js';
import {homePaths} from '../../src/paths.js';
import {cliEnv, runCli, withoutUnsandboxed} from '../support/cli.js';
import {startScriptedOllama, type ChatRequestBody} from '../support/ollama-server.js';
import {toolResults} from '../support/probe.js';
import {closeAfterEach} from '../support/test-host.js';
import {tempHome} from '../support/temp-home.js';

const track = closeAfterEach();

const small = ['the weather looks good for Saturday', 'can you remind me about the plumber', 'what was the name of the hotel in Lyon', 'ok thanks', 'please add milk to the list', 'the meeting moved to 3pm'];

/** 300 answered messages in main's local chat, the first one with the fact, in a store made before the index. */
function seedStore(home: string): void {
	const db = openDb(homePaths(home).dbFile, migrations.filter((migration) => migration.name !== 'messages-fts'));
	const messages = new MessageStore(db);
	let last = 0;
	for (let n = 0; n < 300; n++) {
		const fromOperator = n % 2 === 0;
		const content = n === 0 ? 'By the way, my dog is called Bruno and he is a beagle.' : fromOperator ? `${small[n % small.length]} (${n})` : `Done (${n}).`;
		last = messages.insert({
			id: `seed-${n}`,
			chatJid: 'local:main',
			sender: fromOperator ? 'operator' : 'assistant',
			senderName: fromOperator ? 'Operator' : 'Baby',
			content,
			timestamp: new Date(Date.UTC(2025, 0, 3, 14, 2) + n * 3_600_000).toISOString(),
			fromMe: !fromOperator,
			isBotMessage: !fromOperator,
		})!;
	}
	messages.advanceCursor('local:main', last);
	db.close();
}

describe('search_history (real binary, runtime none)', () => {
	it('finds a fact said 300 messages ago and the answer uses it', async () => {
		const {home, allowlist} = tempHome();
		seedStore(home);
		const answer = (request: ChatRequestBody) => {
			const [found] = toolResults(request);
			return {content: found?.includes('Bruno') ? 'Your dog is called Bruno, a beagle.' : 'I do not know your dog.'};
		};
		const ollama = track(await startScriptedOllama({replies: [{toolCalls: [{name: 'search_history', arguments: {query: "dog's name"}}]}, answer]}));
		const result = await runCli(['chat', "what is my dog's name?"], cliEnv({home, allowlist, ollamaUrl: ollama.url}));
		expect({code: result.code, stderr: withoutUnsandboxed(result.stderr)}).toEqual({code: 0, stderr: ''});
		expect(result.stdout).toBe('Your dog is called Bruno, a beagle.\n');

		const [first, second] = ollama.chatRequests;
		expect(JSON.stringify(first.messages)).not.toContain('Bruno');
		const [found] = toolResults(second);
		expect(found.split('\n')).toContain('- 2025-01-03 14:02 UTC · Operator: By the way, my dog is called Bruno and he is a beagle.');
		expect(found).toMatch(/^\d+ stored messages? found for "dog's name", best match first:/);
		// The question being answered is not a hit of its own search.
		expect(found).not.toContain("what is my dog's name?");
	});
});
