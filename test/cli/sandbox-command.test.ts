// `babybot-tui sandbox check` where there is no sandbox to check: the answer is a failure, in one line.
import {describe, expect, it} from 'vitest';
import {cliEnv, runCli} from '../support/cli.js';
import {testImage} from '../support/docker-gate.js';
import {tempHome} from '../support/temp-home.js';

describe('sandbox check without a sandbox', () => {
	it('on runtime none fails in one line saying agents run UNSANDBOXED, exit 1', async () => {
		const {home, allowlist} = tempHome();
		const result = await runCli(['sandbox', 'check', '--runtime', 'none'], cliEnv({home, allowlist, ollamaUrl: 'http://127.0.0.1:9', runtime: 'docker'}));
		expect(result.stdout.trimEnd().split('\n')).toEqual([
			`sandbox check of main on none (UNSANDBOXED), image ${testImage}`,
			'FAIL sandbox: runtime none: agents run UNSANDBOXED on this machine (install Docker or Podman, or set CONTAINER_RUNTIME)',
		]);
		expect(result.code).toBe(1);
	});

	it('names a group that does not exist, exit 2', async () => {
		const {home, allowlist} = tempHome();
		const result = await runCli(['sandbox', 'check', '--group', 'nope', '--runtime', 'none'], cliEnv({home, allowlist, ollamaUrl: 'http://127.0.0.1:9'}));
		expect(result.stderr).toBe('babybot-tui sandbox: no group with folder "nope": see `babybot-tui groups list`\n');
		expect(result.code).toBe(2);
	});
});
