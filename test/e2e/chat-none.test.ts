// The foundation's proof: a message typed locally reaches an agent that calls a tool and answers
// through Ollama, with the real binary, the real agent-runner as a child process (`none`) and the
// scripted Ollama server.
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {startScriptedOllama, type ScriptedOllama} from '../support/ollama-server.js';
import {cliEnv, projectRoot, queryStore, runCli, startCli, unsandboxedLine, waitFor, withoutUnsandboxed, closedPort} from '../support/cli.js';
import {tempHome} from '../support/temp-home.js';

let ollama: ScriptedOllama | undefined;
afterEach(async () => {
	await ollama?.close();
	ollama = undefined;
});

/** A template's text as the system prompt carries it. */
const template = (folder: string) => fs.readFileSync(path.join(projectRoot, 'groups', folder, 'MEMORY.md'), 'utf8').trim();


describe('chat end to end (runtime none)', () => {
	it('runs a bash tool call in the group folder and prints the final answer', async () => {
		const {home, allowlist} = tempHome();
		ollama = await startScriptedOllama({
			replies: [
				{toolCalls: [{name: 'bash', arguments: {command: 'echo "made by the agent" > note.txt && pwd'}}]},
				{content: 'I wrote note.txt for you.'},
			],
		});
		const env = cliEnv({home, allowlist, ollamaUrl: ollama.url});
		const result = await runCli(['chat', 'please write a note'], env);
		expect(result.stderr).toMatch(unsandboxedLine);
		expect(withoutUnsandboxed(result.stderr)).toBe('');
		expect(result.code).toBe(0);
		expect(result.stdout.trim()).toBe('I wrote note.txt for you.');
		expect(fs.readFileSync(path.join(home, 'groups', 'main', 'note.txt'), 'utf8')).toBe('made by the agent\n');

		const [first, second] = ollama.chatRequests;
		expect(ollama.chatRequests).toHaveLength(2);
		const toolNames = first.tools!.map((tool) => tool.function.name);
		expect(toolNames).toEqual(expect.arrayContaining(['bash', 'read_file', 'write_file', 'edit_file', 'list_files', 'send_message', 'schedule_task', 'list_tasks', 'pause_task', 'resume_task', 'cancel_task', 'register_group']));
		const system = first.messages[0];
		expect(system.role).toBe('system');
		expect(system.content).toContain(template('main'));
		expect(system.content).toContain(template('global'));
		expect(first.messages.at(-1)).toMatchObject({role: 'user'});
		expect(first.messages.at(-1)!.content).toContain('please write a note');

		const roles = second.messages.map((m) => m.role);
		const assistantIndex = roles.lastIndexOf('assistant');
		expect(second.messages[assistantIndex].tool_calls).toHaveLength(1);
		expect(second.messages[assistantIndex + 1]).toMatchObject({role: 'tool', tool_name: 'bash'});
		expect(second.messages[assistantIndex + 1].content).toContain(path.join(home, 'groups', 'main'));
		expect(assistantIndex + 2).toBe(second.messages.length);
	});

	it('chat --group F talks to a registered non-main group, in its own folder, with its own memory', async () => {
		const {home, allowlist, root} = tempHome();
		ollama = await startScriptedOllama({
			replies: [{toolCalls: [{name: 'bash', arguments: {command: 'pwd'}}]}, {content: 'Hello, family.'}],
		});
		// BABYBOT_HOME points elsewhere: --home after the command word must win.
		const env = cliEnv({home: path.join(root, 'not-this-one'), allowlist, ollamaUrl: ollama.url});
		const added = await runCli(['groups', 'add', '--jid', 'fam@g.us', '--name', 'Family', '--folder', 'family', '--home', home], env);
		expect(added.code).toBe(0);
		fs.mkdirSync(path.join(home, 'groups', 'family'), {recursive: true});
		fs.writeFileSync(path.join(home, 'groups', 'family', 'MEMORY.md'), 'Grandma visits on Sundays.\n');

		const result = await runCli(['chat', '--home', home, '--group', 'family', 'who visits?'], env);
		expect({...result, stderr: withoutUnsandboxed(result.stderr)}).toMatchObject({code: 0, stderr: '', stdout: 'Hello, family.\n'});
		const [first, second] = ollama.chatRequests;
		expect(first.messages[0].content).toContain('Grandma visits on Sundays.');
		expect(first.messages[0].content).not.toContain(template('main'));
		expect(first.messages.at(-1)!.content).toContain('who visits?');
		expect(second.messages.at(-1)).toMatchObject({role: 'tool', tool_name: 'bash'});
		expect(second.messages.at(-1)!.content).toContain(path.join(home, 'groups', 'family'));
		const stored = queryStore<{chat_jid: string; is_bot: number}>(home, 'SELECT chat_jid, is_bot FROM messages ORDER BY seq');
		expect(stored).toEqual([
			{chat_jid: 'local:family', is_bot: 0},
			{chat_jid: 'local:family', is_bot: 1},
		]);
		expect(fs.existsSync(path.join(root, 'not-this-one'))).toBe(false);
	});

	it('chat --group with an unknown folder says where to look, exit 2', async () => {
		const {home, allowlist} = tempHome();
		const result = await runCli(['chat', '--group', 'nobody', 'hi'], cliEnv({home, allowlist, ollamaUrl: 'http://127.0.0.1:9'}));
		expect(result).toMatchObject({code: 2, stdout: '', stderr: 'babybot-tui chat: no group with folder "nobody": see `babybot-tui groups list`\n'});
	});

	it('chat /help is answered by the host without the model, and a repeated failure reports its own error', async () => {
		const {home, allowlist} = tempHome();
		const port = await closedPort();
		const env = cliEnv({home, allowlist, ollamaUrl: `http://127.0.0.1:${port}`});
		const help = await runCli(['chat', '/help'], env);
		expect(help.code).toBe(0);
		expect(help.stdout).toContain('/skills');
		// Ollama is down twice in a row: each chat reports its own failure, and the first message is
		// not asked again (its warning was its answer).
		for (const text of ['first', 'second']) {
			const result = await runCli(['chat', text], env);
			expect(result.code).toBe(1);
			expect(result.stderr).toContain('ollama serve');
		}
		const warnings = queryStore<{content: string}>(home, "SELECT content FROM messages WHERE chat_jid = 'local:main' AND is_bot = 1 AND content LIKE '⚠️%'");
		expect(warnings).toHaveLength(2);
	});

	it('without Ollama, exits non-zero naming the URL it tried and how to start Ollama', async () => {
		const {home, allowlist} = tempHome();
		const port = await closedPort();
		const env = cliEnv({home, allowlist, ollamaUrl: `http://127.0.0.1:${port}`});
		const result = await runCli(['chat', 'hi'], env);
		expect(result.code).not.toBe(0);
		expect(withoutUnsandboxed(result.stderr).trim().split('\n')).toHaveLength(1);
		expect(result.stderr).toContain(`http://127.0.0.1:${port}`);
		expect(result.stderr).toContain('ollama serve');
		expect(result.stdout).toBe('');
	});

	it('a host killed mid-run answers the message after a restart, once', async () => {
		const {home, allowlist} = tempHome();
		ollama = await startScriptedOllama({replies: [{stall: true, content: 'thinking'}], fallback: () => ({content: 'Answer after restart.'})});
		const env = cliEnv({home, allowlist, ollamaUrl: ollama.url});
		const chat = startCli(['chat', 'are you there?'], env);
		await waitFor('the first model request', () => ollama!.chatRequests.length >= 1);
		chat.kill('SIGKILL');
		await new Promise((resolve) => chat.once('close', resolve));

		const host = startCli(['--headless'], env);
		try {
			const replies = await waitFor('the reply after restart', () => {
				const rows = queryStore<{content: string}>(home, "SELECT content FROM messages WHERE chat_jid = 'local:main' AND is_bot = 1");
				return rows.length > 0 && rows;
			});
			expect(replies.map((r) => r.content)).toEqual(['Answer after restart.']);
			const lastRequest = ollama.chatRequests.at(-1)!;
			expect(lastRequest.messages.at(-1)!.content).toContain('are you there?');
		} finally {
			host.kill('SIGTERM');
			await new Promise((resolve) => host.once('close', resolve));
		}
		expect(host.exitCode).toBe(0);
		const inbound = queryStore<{n: number}>(home, "SELECT COUNT(*) AS n FROM messages WHERE chat_jid = 'local:main' AND is_bot = 0");
		expect(inbound[0].n).toBe(1);
	});
});
