// Docker and Podman launchers against a fake CLI on PATH (a real executable recording its argv).
import {describe, expect, it} from 'vitest';
import {createDockerLauncher, createGvisorLauncher, createPodmanLauncher} from '../../src/runtimes/oci-launcher.js';
import {reapOrphans} from '../../src/runtimes/reap.js';
import {cliEnv} from '../../src/runtimes/cli-exec.js';
import {tempHome} from '../support/temp-home.js';
import {installFakeCli} from './fake-cli.js';
import {sampleSpec} from './spec-fixture.js';

describe.each([
	['docker', createDockerLauncher, ['rm', '-f']],
	['podman', createPodmanLauncher, ['rm', '-f', '-t', '0']],
] as const)('%s launcher', (name, create, removeArgs) => {
	it('lists by install label, removes with rm -f, stops with stop -t', async () => {
		const {root} = tempHome('babybot-oci-');
		const fake = installFakeCli({root, name, listOutput: 'babybot-main-1\nbabybot-family-2\n'});
		const launcher = create({env: {PATH: fake.path}});
		expect(await reapOrphans(launcher, 'abc123def456')).toEqual(['babybot-main-1', 'babybot-family-2']);
		await launcher.stop('babybot-main-1');
		await launcher.remove([]);
		expect(fake.calls()).toEqual([
			['ps', '-a', '--filter', 'label=babybot.install=abc123def456', '--format', '{{.Names}}'],
			[...removeArgs, 'babybot-main-1', 'babybot-family-2'],
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

describe('gVisor launcher', () => {
	it.each(['docker', 'podman'] as const)('drives the %s CLI with runsc and lists, stops and removes through it', async (engine) => {
		const {root} = tempHome('babybot-oci-');
		const fake = installFakeCli({root, name: engine, listOutput: 'babybot-main-1\n'});
		const launcher = createGvisorLauncher({engine, env: {PATH: fake.path}, host: {uid: 0, gid: 0}});
		expect(launcher).toMatchObject({name: 'gvisor', engine, sandboxed: true});
		const launch = launcher.buildLaunch(sampleSpec());
		expect(launch.command).toBe(engine);
		expect(launch.args.slice(0, engine === 'docker' ? 3 : 5)).toEqual(engine === 'docker' ? ['run', '--runtime', 'runsc'] : ['--runtime', 'runsc', '--runtime-flag', 'network=none', 'run']);
		expect(await reapOrphans(launcher, 'abc123def456')).toEqual(['babybot-main-1']);
		expect(fake.calls().map((call) => call[0])).toEqual(['ps', 'rm']);
	});
});
