// `babybot-tui doctor` line by line: a fresh home, the host lock (live, stale, none), the forced
// `none` runtime and Ollama up or down.
import {noneCannotProtect} from '../../src/runtimes/none-limits.js';
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {formatBytes} from '../../src/cli/doctor-command.js';
import {openDb} from '../../src/store/db.js';
import {MessageStore} from '../../src/store/messages.js';
import {cliEnv, runCli} from '../support/cli.js';
import {startScriptedOllama, type ScriptedOllama} from '../support/ollama-server.js';
import {tempHome} from '../support/temp-home.js';

let ollama: ScriptedOllama | undefined;
afterEach(async () => {
	await ollama?.close();
	ollama = undefined;
});

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
	const child = spawn(process.execPath, ['-e', '']);
	await new Promise((resolve) => child.once('exit', resolve));
	return child.pid!;
}

async function doctor(lock?: () => Promise<number>, extra: Record<string, string> = {}) {
	const {home, allowlist} = tempHome();
	if (lock) fs.writeFileSync(path.join(home, 'host.lock'), String(await lock()));
	ollama ??= await startScriptedOllama();
	const result = await runCli(['doctor'], cliEnv({home, allowlist, ollamaUrl: ollama.url, runtime: 'none', extra}));
	return {home, result, lines: result.stdout.trimEnd().split('\n')};
}

describe('doctor', () => {
	it.each([
		[0, '0 B'],
		[1023, '1023 B'],
		[1024, '1.0 KB'],
		[53_000, '52 KB'],
		[1_300_000, '1.2 MB'],
		[5 * 1024 ** 3, '5.0 GB'],
	])('formatBytes(%i) = %s', (bytes, text) => {
		expect(formatBytes(bytes)).toBe(text);
	});

	it('shows the size of the message history it keeps', async () => {
		const {home, allowlist} = tempHome();
		const db = openDb(path.join(home, 'store', 'babybot.db'));
		const messages = new MessageStore(db);
		for (let i = 0; i < 1500; i++) {
			messages.insert({id: `m${i}`, chatJid: 'local:main', sender: 'op', senderName: 'Op', content: 'x'.repeat(1000), timestamp: '2026-01-01T00:00:00Z', fromMe: false, isBotMessage: false});
		}
		db.close();
		ollama ??= await startScriptedOllama();
		const result = await runCli(['doctor'], cliEnv({home, allowlist, ollamaUrl: ollama.url, runtime: 'none', extra: {RETENTION_DAYS: '90'}}));
		expect(result.stdout).toMatch(/^ok {3}history 1500 messages \(1\.4 MB of text\) kept in a \d\.\d MB store; runs, task logs and sent replies are pruned after 90 days \(RETENTION_DAYS\)$/m);
	});

	it('on a fresh home: every line, the forced runtime named with how to change it, exit 0', async () => {
		const {home, result, lines} = await doctor();
		expect(result.code).toBe(0);
		expect(result.stderr).toBe('');
		expect(lines).toEqual([
			expect.stringMatching(/^ok {3}node \d+\.\d+\.\d+$/),
			`ok   home ${home} (0 groups)`,
			expect.stringMatching(/^ok {3}history 0 messages \(0 B of text\) kept in a \d+(\.\d)? KB store; runs, task logs and sent replies are pruned after 30 days \(RETENTION_DAYS\)$/),
			'ok   no host is running',
			`ok   Ollama 0.12.0 at ${ollama!.url}, model qwen3:8b (tools)`,
			'ok   context: num_ctx 16384 (auto; model maximum unknown), 2048 kept for answers, keep_alive 30m, think off',
			`warn runtime none, forced by CONTAINER_RUNTIME=none: agents run UNSANDBOXED on this machine; to sandbox them set CONTAINER_RUNTIME=auto (or gvisor, docker, podman) in the environment or ${home}/.env`,
			...noneCannotProtect(process.getuid?.() === 0).map((line) => `warn none cannot protect ${line}`),
			// Whatever this machine has: gVisor available, or the two steps that add it.
			expect.stringMatching(/^(ok {3}gVisor is available \(runsc on (docker|podman)\) but not in use: set CONTAINER_RUNTIME=gvisor|warn gVisor is not available \(.*\): install runsc .* kill -HUP \$\(pidof dockerd\)`$)/),
		]);
		expect(result.stdout).not.toContain('install Docker');
		expect(fs.existsSync(path.join(home, 'host.lock'))).toBe(false);
	});

	it.each<[string, Record<string, string>, number, RegExp]>([
		['the model allows 32768: auto takes 16384', {}, 32_768, /^ok {3}context: num_ctx 16384 \(auto; model maximum 32768\), 2048 kept for answers, keep_alive 30m, think off$/m],
		['OLLAMA_NUM_CTX above the maximum is capped', {OLLAMA_NUM_CTX: '65536'}, 32_768, /^warn OLLAMA_NUM_CTX=65536 is more than model qwen3:8b allows \(32768\): using 32768$/m],
		[
			'a model whose maximum is too small for the agent',
			{},
			2048,
			/^warn model qwen3:8b allows at most 2048 tokens of context but the agent needs about \d+ tokens \(system prompt and tools ~\d+, 512 kept for the answer, room for a turn\): use a model with a longer context$/m,
		],
	])('context: %s', async (_name, extra, contextLength, expected) => {
		ollama = await startScriptedOllama({realistic: {contextLength}});
		const {result} = await doctor(undefined, extra);
		expect(result.stdout).toMatch(expected);
	});

	it.each<[string, (() => Promise<number>) | undefined, () => unknown]>([
		['no lock', undefined, () => 'ok   no host is running'],
		['a stale lock (its pid is dead)', deadPid, () => 'ok   no host is running (a stale lock of a dead host is left; the next start replaces it)'],
		['a live lock of a host that does not answer', async () => process.pid, () => expect.stringMatching(new RegExp(`^warn a BabyBot host \\(pid ${process.pid}\\) holds .*host\\.lock but does not answer on .*host\\.sock: wait for it to finish, or stop it \\(kill ${process.pid}\\)$`))],
	])('with %s says so', async (_name, lock, expected) => {
		const {lines} = await doctor(lock);
		expect(lines[3]).toEqual(expected());
	});

	it('on a machine without any engine, says gVisor is missing and the two steps that add it', async () => {
		const {home, allowlist} = tempHome();
		ollama ??= await startScriptedOllama();
		const env = {...cliEnv({home, allowlist, ollamaUrl: ollama.url, runtime: 'none'}), PATH: path.dirname(process.execPath)};
		const result = await runCli(['doctor'], env);
		expect(result.stdout.trimEnd().split('\n').at(-1)).toBe(
			'warn gVisor is not available (no engine lists a runsc runtime): install runsc (Debian: apt-get install runsc), then register it in /etc/docker/daemon.json as {"runtimes": {"runsc": {"path": "/usr/bin/runsc", "runtimeArgs": ["--network=none", "--platform=ptrace"]}}} and reload dockerd with `kill -HUP $(pidof dockerd)`',
		);
	});

	it('without Ollama fails with the URL it tried, exit 1', async () => {
		const {home, allowlist} = tempHome();
		const result = await runCli(['doctor'], cliEnv({home, allowlist, ollamaUrl: 'http://127.0.0.1:9'}));
		expect(result.code).toBe(1);
		expect(result.stdout).toMatch(/^fail .*http:\/\/127\.0\.0\.1:9/m);
	});
});
