// The `none` runtime's agent environment, seen from inside: the scripted model has the real agent
// run `env` through bash, spawned by the real launcher the binary selects.
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {cliEnv, runCli} from '../support/cli.js';
import {startScriptedOllama, type ScriptedOllama} from '../support/ollama-server.js';
import {probeReplies, toolResults} from '../support/probe.js';
import {tempHome} from '../support/temp-home.js';

let ollama: ScriptedOllama | undefined;
afterEach(async () => {
	await ollama?.close();
	ollama = undefined;
});

const secrets = {
	OLLAMA_HOST: 'http://10.0.0.9:11434',
	OLLAMA_API_KEY: 'ollama-secret-1',
	AWS_SECRET_ACCESS_KEY: 'aws-secret-2',
	GITHUB_TOKEN: 'gh-secret-3',
	ANTHROPIC_API_KEY: 'anthropic-secret-4',
};

describe('the none runtime environment', () => {
	it('holds no OLLAMA_*, no BABYBOT_*, no inherited secret, and the configured time zone from $BABYBOT_HOME/.env', async () => {
		const {home, allowlist} = tempHome();
		fs.writeFileSync(path.join(home, '.env'), 'TZ=Pacific/Auckland\n');
		ollama = await startScriptedOllama({replies: probeReplies(['env'])});
		const env = cliEnv({home, allowlist, ollamaUrl: ollama.url, extra: secrets});
		delete env.TZ;
		const result = await runCli(['chat', 'show me your environment'], env);
		expect(result).toMatchObject({code: 0, stdout: 'done\n'});

		const [output] = toolResults(ollama.chatRequests[1]);
		const names = [...output.matchAll(/^([A-Za-z_][A-Za-z0-9_]*)=/gm)].map((m) => m[1]);
		expect(names).toContain('PATH');
		expect(names.filter((name) => /^(OLLAMA_|BABYBOT_|CONTAINER_|MOUNT_ALLOWLIST)/.test(name))).toEqual([]);
		for (const [name, value] of Object.entries(secrets)) {
			expect(names).not.toContain(name);
			expect(output).not.toContain(value);
		}
		expect(output).toMatch(/^TZ=Pacific\/Auckland$/m);
		expect(output).toMatch(new RegExp(`^HOME=${path.join(home, 'groups', 'main')}$`, 'm'));
		expect(output).toMatch(/^LANG=C\.UTF-8$/m);
	});
});
