// The foundation's proof: a message typed locally reaches an agent that calls a tool and answers
// through Ollama, with the real binary, the real agent-runner as a child process (`none`) and the
// scripted Ollama server.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {startScriptedOllama, type ScriptedOllama} from '../support/ollama-server.js';
import {cliEnv, queryStore, runCli, startCli, waitFor} from '../support/cli.js';
import {tempHome} from '../support/temp-home.js';

let ollama: ScriptedOllama | undefined;
afterEach(async () => {
	await ollama?.close();
	ollama = undefined;
});

async function freePort(): Promise<number> {
	const server = net.createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as net.AddressInfo;
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return port;
}

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
		expect(result.stderr).toBe('');
		expect(result.code).toBe(0);
		expect(result.stdout.trim()).toBe('I wrote note.txt for you.');
		expect(fs.readFileSync(path.join(home, 'groups', 'main', 'note.txt'), 'utf8')).toBe('made by the agent\n');

		const [first, second] = ollama.chatRequests;
		expect(ollama.chatRequests).toHaveLength(2);
		const toolNames = first.tools!.map((tool) => tool.function.name);
		expect(toolNames).toEqual(expect.arrayContaining(['bash', 'read_file', 'write_file', 'edit_file', 'list_files', 'send_message', 'schedule_task', 'list_tasks', 'pause_task', 'resume_task', 'cancel_task', 'register_group']));
		const system = first.messages[0];
		expect(system.role).toBe('system');
		expect(system.content).toContain("This is the operator's own group");
		expect(system.content).toContain('Global memory');
		expect(first.messages.at(-1)).toMatchObject({role: 'user'});
		expect(first.messages.at(-1)!.content).toContain('please write a note');

		const roles = second.messages.map((m) => m.role);
		const assistantIndex = roles.lastIndexOf('assistant');
		expect(second.messages[assistantIndex].tool_calls).toHaveLength(1);
		expect(second.messages[assistantIndex + 1]).toMatchObject({role: 'tool', tool_name: 'bash'});
		expect(second.messages[assistantIndex + 1].content).toContain(path.join(home, 'groups', 'main'));
		expect(assistantIndex + 2).toBe(second.messages.length);
	});

	it('without Ollama, exits non-zero naming the URL it tried and how to start Ollama', async () => {
		const {home, allowlist} = tempHome();
		const port = await freePort();
		const env = cliEnv({home, allowlist, ollamaUrl: `http://127.0.0.1:${port}`});
		const result = await runCli(['chat', 'hi'], env);
		expect(result.code).not.toBe(0);
		expect(result.stderr.trim().split('\n')).toHaveLength(1);
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
