// request_mount from a hostile agent in a real Docker sandbox: the host's own state is never
// mounted, whatever the allowlist allows, and the answers tell the agent nothing about the host
// (no "not a directory" against "does not exist", no resolved host path).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {expect, it} from 'vitest';
import {cliEnv, runCli} from '../support/cli.js';
import {describeWithDocker} from '../support/docker-gate.js';
import type {ScriptedToolCall} from '../support/ollama-server.js';
import {tempHome} from '../support/temp-home.js';
import {closeAfterEach} from '../support/test-host.js';
import {guardBoundary} from './canaries.js';
import {attackHosts, bash, startAttackModel, victim} from './support.js';

const track = closeAfterEach();
const hosts = attackHosts();

const requestMount = (hostPath: string, name: string): ScriptedToolCall => ({name: 'request_mount', arguments: {host_path: hostPath, container_path: name, readonly: false}});

await describeWithDocker('request_mount against the host', () => {
	it('with an allowed root of ~, main cannot mount the store, the credentials, the allowlist\'s folder, its IPC folder or the home', async () => {
		const made = tempHome('babybot-attack-');
		// `~` is a temp folder: the host runs with HOME there, its state in the default places under it.
		const userHome = path.join(made.root, 'user');
		const state = {home: path.join(userHome, '.babybot'), allowlist: path.join(userHome, '.config', 'babybot', 'mount-allowlist.json'), root: made.root};
		fs.mkdirSync(path.dirname(state.allowlist), {recursive: true});
		fs.writeFileSync(state.allowlist, JSON.stringify({allowedRoots: [{path: '~', allowReadWrite: true}]}));
		const boundary = guardBoundary(state, victim);
		const model = await startAttackModel();
		track({close: () => model.ollama.close()});
		const env = cliEnv({home: state.home, allowlist: state.allowlist, ollamaUrl: model.ollama.url, runtime: 'docker', extra: {HOME: userHome}});
		const wanted: Array<[string, string]> = [
			['~/.babybot/store/auth', 'auth'],
			['~/.babybot/store', 'store'],
			['~/.config/babybot', 'allowlist-folder'],
			['~/.babybot/ipc/main', 'ipc-main'],
			['~/.babybot', 'babybot-home'],
			['~', 'user-home'],
		];
		model.plan('ask-for-mounts', wanted.map(([hostPath, name]) => requestMount(hostPath, name)));
		expect(await runCli(['chat', 'run ask-for-mounts'], env, 90_000)).toMatchObject({code: 0});
		const answers = model.results('ask-for-mounts') ?? [];
		expect(answers).toHaveLength(wanted.length);
		// Soft: the next run shows what a grant would give the agent.
		for (const [i, answer] of answers.entries()) expect.soft(answer, wanted[i]![0]).not.toMatch(/^allowed/);

		// The next run: nothing of the host's state is mounted.
		model.plan('look-at-extra', [bash('echo "extra: [$(ls -A /workspace/extra | tr "\\n" " ")]"; cat /workspace/extra/*/creds.json /workspace/extra/*/auth/creds.json 2>&1 | head -3')]);
		expect(await runCli(['chat', 'run look-at-extra'], env, 90_000)).toMatchObject({code: 0});
		const [listing] = model.results('look-at-extra') ?? [];
		expect(listing).toContain('extra: []');
		expect(listing).not.toContain('canary-noise-key');
		expect(boundary.changes()).toEqual([]);
	}, 240_000);

	it('answers the same to /etc/shadow, a missing path, /proc/self/cwd, /root and ~/.babybot, and names no host path', async () => {
		const attack = await hosts.start();
		const probes = ['/etc/shadow', '/nonexistent/x', '/proc/self/cwd', '/root', '~/.babybot'];
		const {outcome, results} = await attack.agentRuns(probes.map((probe) => requestMount(probe, 'probe')));
		expect(outcome.ok).toBe(true);
		expect(results).toHaveLength(probes.length);
		// The requested path may be echoed back (the agent knows it); anything else must match.
		const echoed = results.map((answer, i) => answer.replaceAll(probes[i]!, '<path>'));
		const masked = echoed.map((answer) => answer.replace(/\d+/g, 'N'));
		expect(new Set(masked).size, JSON.stringify(Object.fromEntries(probes.map((probe, i) => [probe, masked[i]])), null, 2)).toBe(1);
		const hostPaths = [process.cwd(), attack.home, attack.root, path.join(os.homedir(), '.babybot')];
		for (const [i, answer] of echoed.entries()) {
			for (const hostPath of hostPaths) expect(answer, `${probes[i]} answered ${answer}`).not.toContain(hostPath);
		}
		expect(attack.boundary.changes()).toEqual([]);
		await attack.expectStillAnswering();
	}, 90_000);
});
