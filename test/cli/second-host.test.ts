// One host per home: with a headless host running, `chat` and a second host say exactly what to do,
// while the admin commands keep working.
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {cliEnv, runCli, startCli, waitFor} from '../support/cli.js';
import {startScriptedOllama, type ScriptedOllama} from '../support/ollama-server.js';
import {tempHome} from '../support/temp-home.js';

let ollama: ScriptedOllama | undefined;
afterEach(async () => {
	await ollama?.close();
	ollama = undefined;
});

describe('a second host for the same home', () => {
	it('is refused with one line saying what to do; groups and doctor still work', async () => {
		const {home, allowlist} = tempHome();
		ollama = await startScriptedOllama();
		const env = cliEnv({home, allowlist, ollamaUrl: ollama.url});
		const host = startCli(['--headless'], env);
		try {
			await waitFor('the headless host', () => host.output().includes('host running headless'));
			const pid = fs.readFileSync(path.join(home, 'host.lock'), 'utf8').trim();
			const holder = `another BabyBot host (pid ${pid}) is running for ${home}`;

			const table: Array<[string[], string]> = [
				[['chat', 'hi'], `babybot-tui chat: ${holder}: chat from its UI (press c), or stop it first (q in its UI, or kill ${pid})\n`],
				[['--headless'], `babybot-tui: ${holder}: use that one (chat in its UI with c), or stop it first (q in its UI, or kill ${pid})\n`],
			];
			for (const [argv, message] of table) {
				const result = await runCli(argv, env);
				expect(result, argv.join(' ')).toMatchObject({code: 1, stdout: '', stderr: message});
			}
			expect(ollama.chatRequests).toHaveLength(0);

			expect((await runCli(['groups', 'list'], env)).stdout).toBe('main\tlocal:main\tMain (local)\tmain\n');
			expect((await runCli(['doctor'], env)).stdout).toContain(`ok   a host is running (pid ${pid})`);
			expect(fs.readFileSync(path.join(home, 'host.lock'), 'utf8').trim()).toBe(pid);
		} finally {
			host.kill('SIGTERM');
			await new Promise((resolve) => host.once('close', resolve));
		}
		expect(host.exitCode).toBe(0);
		expect(fs.existsSync(path.join(home, 'host.lock'))).toBe(false);
	});
});
