// `chat` ends with the error when the sandbox cannot even be set up, instead of waiting for ever:
// a run that fails before its first turn concludes that turn (with the reason) for every listener,
// as a crashed run does. Here the group's session folder is a file, so the run cannot be prepared.
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {cliEnv, runCli} from '../support/cli.js';
import {startScriptedOllama, type ScriptedOllama} from '../support/ollama-server.js';
import {tempHome} from '../support/temp-home.js';

let ollama: ScriptedOllama | undefined;
afterEach(async () => {
	await ollama?.close();
	ollama = undefined;
});

describe('chat when the run cannot start', () => {
	it('exits 1 with why the sandbox could not start, and the model is never asked', async () => {
		const {home, allowlist} = tempHome();
		fs.mkdirSync(path.join(home, 'sessions'), {recursive: true});
		fs.writeFileSync(path.join(home, 'sessions', 'main'), 'not a folder');
		ollama = await startScriptedOllama();
		const result = await runCli(['chat', 'hello?'], cliEnv({home, allowlist, ollamaUrl: ollama.url}), 30_000);
		// After the UNSANDBOXED warning of runtime none, the reason, as the last line.
		expect(result.stderr.trimEnd().split('\n').at(-1)).toMatch(/^babybot-tui chat: the sandbox could not start: EEXIST: file already exists, mkdir '.*sessions\/main'$/);
		expect(result.code).toBe(1);
		expect(result.stdout).toBe('');
		expect(ollama.chatRequests).toHaveLength(0);
	}, 40_000);
});
