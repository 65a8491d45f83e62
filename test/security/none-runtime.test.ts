// The `none` runtime runs the agent on the host itself: it must say so (UNSANDBOXED), and when the
// host runs as root the agent must still not reach what the host can: the host process's
// environment, the WhatsApp credentials, the allowlist. No Docker here: the real binary's `chat`.
import {describe, expect, it} from 'vitest';
import {cliEnv, runCli} from '../support/cli.js';
import {tempHome} from '../support/temp-home.js';
import {closeAfterEach} from '../support/test-host.js';
import {guardBoundary} from './canaries.js';
import {bash, startAttackModel, victim} from './support.js';

const track = closeAfterEach();
const secret = {name: 'HOST_ONLY_SECRET', value: 'sk-host-only-9f8e7d6c'};
const isRoot = process.getuid?.() === 0;

async function chatUnderNone(plan: (paths: ReturnType<typeof guardBoundary>['paths']) => Parameters<Awaited<ReturnType<typeof startAttackModel>>['plan']>[1]) {
	const made = tempHome('babybot-attack-');
	const boundary = guardBoundary(made, victim);
	const model = await startAttackModel();
	track({close: () => model.ollama.close()});
	model.plan('none-probe', plan(boundary.paths));
	const env = cliEnv({home: made.home, allowlist: made.allowlist, ollamaUrl: model.ollama.url, runtime: 'none', extra: {[secret.name]: secret.value}});
	const result = await runCli(['chat', 'run none-probe'], env, 60_000);
	return {result, boundary, results: model.results('none-probe') ?? []};
}

describe('the none runtime', () => {
	it('`CONTAINER_RUNTIME=none babybot-tui chat` says UNSANDBOXED on stderr', async () => {
		const {result} = await chatUnderNone(() => [bash('echo hello')]);
		expect(result.code).toBe(0);
		expect(result.stderr).toContain('UNSANDBOXED');
	});

	it.runIf(isRoot)('with the host running as root, its agent cannot read the host\'s environment or the WhatsApp credentials, nor write the allowlist', async () => {
		const {result, boundary, results} = await chatUnderNone((paths) => [
			// The environment of each of its ancestors, the host's among them.
			bash(`p=$PPID; while [ "$p" -gt 1 ]; do tr '\\0' '\\n' < /proc/$p/environ 2>&1 | grep -e ${secret.name} -e 'denied'; p=$(awk '/^PPid:/ {print $2}' /proc/$p/status); done; echo walked`),
			bash(`cat ${paths.creds}`),
			bash(`echo '{"allowedRoots":[{"path":"/","allowReadWrite":true}]}' > ${paths.allowlist}; cat ${paths.allowlist}`),
		]);
		expect(result.code).toBe(0);
		const [environ, creds, allowlist] = results;
		expect(environ).toContain('walked');
		// Soft, so a failure shows each of the three.
		expect.soft(environ).not.toContain(secret.value);
		expect.soft(creds).not.toContain('canary-noise-key');
		expect.soft(allowlist).not.toContain('"path":"/"');
		expect(boundary.changes()).toEqual([]);
	});
});
