// Crash recovery: the host is SIGKILLed at the worst moments, then restarted headless. Every case
// must end with the message answered exactly once.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import {afterEach, describe, expect, it} from 'vitest';
import {cliEnv, queryStore, runCli, startCli, waitFor} from '../support/cli.js';
import {startScriptedOllama, type ScriptedOllama, type ScriptedReply} from '../support/ollama-server.js';
import {tempHome} from '../support/temp-home.js';

let ollama: ScriptedOllama | undefined;
afterEach(async () => {
	await ollama?.close();
	ollama = undefined;
});

interface CrashCase {
	/** The model's replies before the crash (after them, every request is answered "Answered."). */
	before: ScriptedReply[];
	/** Brings the first host to the moment of the crash; `home` is its state folder. */
	crash(env: NodeJS.ProcessEnv, home: string): Promise<void>;
}

async function killedWhen(env: NodeJS.ProcessEnv, moment: string, reached: () => boolean): Promise<void> {
	const chat = startCli(['chat', 'are you there?'], env);
	await waitFor(moment, reached);
	chat.kill('SIGKILL');
	await new Promise((resolve) => chat.once('close', resolve));
}

const killedMidRun: Array<[string, CrashCase]> = [
	[
		'while the model streams',
		{
			before: [{stall: true, content: 'thinking'}],
			crash: (env) => killedWhen(env, 'the streaming answer', () => ollama!.chatRequests.length >= 1),
		},
	],
	[
		'while a bash tool runs',
		{
			before: [{toolCalls: [{name: 'bash', arguments: {command: 'touch bash-started && sleep 20'}}]}],
			crash: (env, home) => killedWhen(env, 'the bash tool', () => fs.existsSync(path.join(home, 'groups', 'main', 'bash-started'))),
		},
	],
];

// Storing the answer and moving the cursor happen within one event-loop turn, so this crash is made
// in the store: the state a SIGKILL between the two writes leaves behind.
const storedNotAdvanced: CrashCase = {
	before: [{content: 'Answered.'}],
	async crash(env, home) {
		expect((await runCli(['chat', 'are you there?'], env)).stdout).toBe('Answered.\n');
		const db = new Database(path.join(home, 'store', 'babybot.db'));
		db.prepare("DELETE FROM router_cursors WHERE chat_jid = 'local:main'").run();
		db.close();
	},
};

async function crashRestartAndCheck(crashCase: CrashCase): Promise<void> {
	const {home, allowlist} = tempHome();
	ollama = await startScriptedOllama({replies: crashCase.before, fallback: () => ({content: 'Answered.'})});
	const env = cliEnv({home, allowlist, ollamaUrl: ollama.url});
	await crashCase.crash(env, home);
	const [asked] = queryStore<{seq: number}>(home, "SELECT seq FROM messages WHERE chat_jid = 'local:main' AND is_bot = 0");

	const host = startCli(['--headless'], env);
	try {
		// Done: the cursor passed the message, so no later turn can answer it again.
		await waitFor('the message to be done after the restart', () => {
			const [cursor] = queryStore<{last_seq: number}>(home, "SELECT last_seq FROM router_cursors WHERE chat_jid = 'local:main'");
			return cursor !== undefined && cursor.last_seq >= asked.seq;
		});
	} finally {
		host.kill('SIGTERM');
		await new Promise((resolve) => host.once('close', resolve));
	}
	expect(host.exitCode).toBe(0);
	const answers = queryStore<{content: string}>(home, "SELECT content FROM messages WHERE chat_jid = 'local:main' AND is_bot = 1");
	expect(answers.map((a) => a.content)).toEqual(['Answered.']);
	expect(queryStore<{n: number}>(home, "SELECT COUNT(*) AS n FROM messages WHERE chat_jid = 'local:main' AND is_bot = 0")[0].n).toBe(1);
	expect(ollama.chatRequests.at(-1)!.messages.some((m) => m.role === 'user' && m.content.includes('are you there?'))).toBe(true);
}

describe('crash recovery', () => {
	it.each(killedMidRun)('host killed %s: answered exactly once after the restart', (_name, crashCase) => crashRestartAndCheck(crashCase));

	it('host killed after the answer was stored but before the cursor moved: answered exactly once after the restart', () =>
		crashRestartAndCheck(storedNotAdvanced),
	);
});
