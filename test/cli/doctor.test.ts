// `babybot-tui doctor` line by line: a fresh home, the host lock (live, stale, none), the forced
// `none` runtime and Ollama up or down.
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

async function doctor(lock?: () => Promise<number>) {
	const {home, allowlist} = tempHome();
	if (lock) fs.writeFileSync(path.join(home, 'host.lock'), String(await lock()));
	ollama ??= await startScriptedOllama();
	const result = await runCli(['doctor'], cliEnv({home, allowlist, ollamaUrl: ollama.url, runtime: 'none'}));
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
			`warn runtime none, forced by CONTAINER_RUNTIME=none: agents run UNSANDBOXED on this machine; to sandbox them set CONTAINER_RUNTIME=auto (or docker, podman) in the environment or ${home}/.env`,
		]);
		expect(result.stdout).not.toContain('install Docker');
		expect(fs.existsSync(path.join(home, 'host.lock'))).toBe(false);
	});

	it.each<[string, (() => Promise<number>) | undefined, () => string]>([
		['no lock', undefined, () => 'ok   no host is running'],
		['a stale lock (its pid is dead)', deadPid, () => 'ok   no host is running (a stale lock of a dead host is left; the next start replaces it)'],
		['a live lock', async () => process.pid, () => `ok   a host is running (pid ${process.pid})`],
	])('with %s says so', async (_name, lock, expected) => {
		const {lines} = await doctor(lock);
		expect(lines[3]).toBe(expected());
	});

	it('without Ollama fails with the URL it tried, exit 1', async () => {
		const {home, allowlist} = tempHome();
		const result = await runCli(['doctor'], cliEnv({home, allowlist, ollamaUrl: 'http://127.0.0.1:9'}));
		expect(result.code).toBe(1);
		expect(result.stdout).toMatch(/^fail .*http:\/\/127\.0\.0\.1:9/m);
	});
});
