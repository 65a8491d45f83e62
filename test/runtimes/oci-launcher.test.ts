// Docker and Podman launchers against a fake CLI on PATH (a real executable recording its argv).
import {describe, expect, it} from 'vitest';
import {createDockerLauncher, createPodmanLauncher} from '../../src/runtimes/oci-launcher.js';
import {reapOrphans} from '../../src/runtimes/reap.js';
import {cliEnv} from '../../src/runtimes/cli-exec.js';
import {tempHome} from '../support/temp-home.js';
import {installFakeCli} from './fake-cli.js';
import {sampleSpec} from './spec-fixture.js';

describe.each([
	['docker', createDockerLauncher],
	['podman', createPodmanLauncher],
] as const)('%s launcher', (name, create) => {
	it('lists by install label, removes with rm -f, stops with stop -t', async () => {
		const {root} = tempHome('babybot-oci-');
		const fake = installFakeCli({root, name, listOutput: 'babybot-main-1\nbabybot-family-2\n'});
		const launcher = create({env: {PATH: fake.path}});
		expect(await reapOrphans(launcher, 'abc123def456')).toEqual(['babybot-main-1', 'babybot-family-2']);
		await launcher.stop('babybot-main-1');
		await launcher.remove([]);
		expect(fake.calls()).toEqual([
			['ps', '-a', '--filter', 'label=babybot.install=abc123def456', '--format', '{{.Names}}'],
			['rm', '-f', 'babybot-main-1', 'babybot-family-2'],
			['stop', '-t', '3', 'babybot-main-1'],
		]);
	});

	it('refuses a name that would be a flag before calling anything', async () => {
		const {root} = tempHome('babybot-oci-');
		const fake = installFakeCli({root, name});
		const launcher = create({env: {PATH: fake.path}});
		await expect(launcher.stop('--all')).rejects.toThrow(/container name "--all"/);
		await expect(launcher.remove(['ok-name', '-f'])).rejects.toThrow(/container name "-f"/);
		expect(fake.calls()).toEqual([]);
	});

	it('launches the CLI with only what it needs: no OLLAMA_* or secrets, container paths for the agent', () => {
		const env = cliEnv(name, {PATH: '/usr/bin', HOME: '/root', OLLAMA_HOST: 'http://127.0.0.1:11434', OPENAI_API_KEY: 'sk-x', DOCKER_HOST: 'unix:///x.sock'});
		const launch = create({env, host: {uid: 0, gid: 0}}).buildLaunch(sampleSpec());
		expect(launch.command).toBe(name);
		expect(Object.keys(launch.env).some((key) => key.startsWith('OLLAMA') || key.includes('KEY'))).toBe(false);
		expect(launch.env.PATH).toBe('/usr/bin');
		expect(launch.paths.group).toBe('/workspace/group');
		expect(launch.paths.project).toBe('/workspace/project');
		expect(launch.paths.readOnly).toEqual(['/workspace/ipc/acks', '/workspace/skills', '/workspace/project']);
	});
});
